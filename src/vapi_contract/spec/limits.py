"""Bounds on what a spec source may cost: bytes inflated, values parsed, nesting depth.

Every source (file, gzip file, HTTP body with or without Content-Encoding, YAML, snapshot) goes through
these, so a gzip bomb, `/dev/zero`, a YAML alias bomb or a 10,000-deep document ends in one line (exit 2)
instead of filling memory or the stack. The defaults sit well above the largest published spec (2.7 MB,
50k values, depth 12 in 2026-04) and keep the peak of any input under ~512 MB.
"""

from __future__ import annotations

import os
import re
import stat
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import SpecSourceError

DEFAULT_MAX_BYTES = 32 * 1024 * 1024  # decompressed document; ~12x the largest real spec
DEFAULT_MAX_NODES = 500_000  # values (objects, arrays, scalars), aliases expanded; ~10x the largest real spec
DEFAULT_MAX_DEPTH = 64  # nesting of objects/arrays; real specs reach 12
HARD_MAX_DEPTH = 200  # beyond ~250 levels the twin's schema compiler and pickling hit recursion limits
READ_CHUNK = 1024 * 1024


class SpecConfigError(SpecSourceError):
    """A spec setting in the environment is impossible: an error of its own, never a reason to fall back."""


@dataclass(frozen=True)
class Limits:
    max_bytes: int = DEFAULT_MAX_BYTES
    max_nodes: int = DEFAULT_MAX_NODES
    max_depth: int = DEFAULT_MAX_DEPTH

    @classmethod
    def from_env(cls) -> Limits:
        """VAPI_SPEC_MAX_BYTES (e.g. 64M), VAPI_SPEC_MAX_NODES, VAPI_SPEC_MAX_DEPTH override the defaults."""
        return cls(
            max_bytes=_env_size("VAPI_SPEC_MAX_BYTES", DEFAULT_MAX_BYTES),
            max_nodes=_env_int("VAPI_SPEC_MAX_NODES", DEFAULT_MAX_NODES, 1, None),
            max_depth=_env_int("VAPI_SPEC_MAX_DEPTH", DEFAULT_MAX_DEPTH, 1, HARD_MAX_DEPTH),
        )


def _env_int(name: str, default: int, low: int, high: int | None) -> int:
    text = os.environ.get(name, "").strip()
    if not text:
        return default
    try:
        value = int(text)
    except ValueError:
        raise SpecConfigError(f"{name}={text!r} is not a whole number") from None
    if value < low or (high is not None and value > high):
        bounds = f"between {low} and {high}" if high is not None else f"at least {low}"
        raise SpecConfigError(f"{name}={text!r} must be {bounds}")
    return value


_SIZE = re.compile(r"^(\d+)\s*([kmg]?)(i?b)?$", re.IGNORECASE)


def _env_size(name: str, default: int) -> int:
    text = os.environ.get(name, "").strip()
    if not text:
        return default
    match = _SIZE.match(text)
    if not match or int(match.group(1)) == 0:
        raise SpecConfigError(f"{name}={text!r} is not a size (e.g. 33554432, 32M, 1G)")
    return int(match.group(1)) * 1024 ** " kmg".index(match.group(2).lower() or " ")


def mb(n: int) -> str:
    return f"{n / 1024 / 1024:g} MB" if n >= 1024 * 1024 else f"{n} bytes"


def too_large(name: str, limits: Limits) -> SpecSourceError:
    return SpecSourceError(f"{name}: larger than {mb(limits.max_bytes)} (VAPI_SPEC_MAX_BYTES)")


class Inflater:
    """Streaming gzip/zlib (or raw deflate) inflate that stops as soon as the output passes the limit."""

    def __init__(self, name: str, limits: Limits, *, raw_deflate: bool = False):
        self.name, self.limits = name, limits
        self.wbits = -zlib.MAX_WBITS if raw_deflate else zlib.MAX_WBITS | 32  # 32: gzip or zlib header
        self.out = bytearray()
        self._new()

    def _new(self) -> None:
        self.engine = zlib.decompressobj(self.wbits)
        self.started = False

    def feed(self, data: bytes) -> None:
        while data:
            room = self.limits.max_bytes + 1 - len(self.out)  # >= 1: zlib reads 0 as "no limit"
            try:
                self.out += self.engine.decompress(data, room)
            except zlib.error as exc:
                raise SpecSourceError(f"{self.name}: corrupt or truncated gzip ({exc})") from None
            self.started = True
            if len(self.out) > self.limits.max_bytes:
                raise SpecSourceError(
                    f"{self.name}: inflates to more than {mb(self.limits.max_bytes)} (VAPI_SPEC_MAX_BYTES)")
            if self.engine.eof:  # a gzip file may hold several members
                data = self.engine.unused_data.lstrip(b"\0")  # gzip(1) tolerates zero padding
                if data:
                    self._new()
            else:
                data = self.engine.unconsumed_tail

    def finish(self) -> bytes:
        if self.started and not self.engine.eof:
            raise SpecSourceError(f"{self.name}: corrupt or truncated gzip (compressed data ended early)")
        return bytes(self.out)


def inflate(data: bytes, name: str, limits: Limits) -> bytes:
    inflater = Inflater(name, limits)
    inflater.feed(data)
    if not inflater.started:
        raise SpecSourceError(f"{name}: corrupt or truncated gzip (empty)")
    return inflater.finish()


def is_gzip(data: bytes) -> bool:
    return data[:2] == b"\x1f\x8b"


def read_file(path: Path, limits: Limits) -> bytes:
    """A local spec file, gunzipped when it is gzip, never reading or inflating more than the limit."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise SpecSourceError(f"spec file not found: {path}") from None
    except OSError as exc:
        raise SpecSourceError(f"cannot read spec file {path}: {exc.strerror or exc}") from None
    if stat.S_ISDIR(mode):
        raise SpecSourceError(f"spec source is a directory, not a file: {path}")
    if not (stat.S_ISREG(mode) or stat.S_ISFIFO(mode)):  # /dev/zero, /dev/tty, sockets: not spec files
        raise SpecSourceError(f"spec source is not a regular file: {path}")
    name = str(path)
    try:
        with path.open("rb") as fh:
            first = fh.read(READ_CHUNK)
            if path.suffix == ".gz" or is_gzip(first):
                inflater, read = Inflater(name, limits), 0
                chunk = first
                while chunk:
                    read += len(chunk)
                    if read > limits.max_bytes:
                        raise too_large(name, limits)
                    inflater.feed(chunk)
                    chunk = fh.read(READ_CHUNK)
                if not inflater.started:
                    raise SpecSourceError(f"{name}: corrupt or truncated gzip (empty)")
                return inflater.finish()
            rest = fh.read(limits.max_bytes + 1 - len(first)) if len(first) <= limits.max_bytes else b""
    except OSError as exc:
        raise SpecSourceError(f"cannot read spec file {path}: {exc.strerror or exc}") from None
    data = first + rest
    if len(data) > limits.max_bytes:
        raise too_large(name, limits)
    return data


def estimate_json_values(data: bytes) -> int:
    """An upper bound on the values a JSON text holds (each needs a separator or a bracket), counted at C
    speed before parsing: 59.7k for the real spec's 49.5k."""
    return data.count(b",") + data.count(b"{") + data.count(b"[") + 1


def check_json_text(data: bytes, name: str, limits: Limits) -> None:
    estimate = estimate_json_values(data)  # an upper bound: separators inside strings count too
    if estimate > limits.max_nodes:
        raise SpecSourceError(f"{name}: up to {estimate} values, more than {limits.max_nodes} allowed "
                              "(VAPI_SPEC_MAX_NODES)")


def check_yaml_text(text: str, name: str, limits: Limits, loader) -> None:
    """Count nodes and nesting from the YAML event stream before anything is built: building costs ~750
    bytes per node, so a 32 MB YAML list of `{}` would take 5 GB. Aliases are bounded later by check_shape."""
    import yaml

    nodes = depth = 0
    starts, ends = (yaml.MappingStartEvent, yaml.SequenceStartEvent), (yaml.MappingEndEvent, yaml.SequenceEndEvent)
    for event in yaml.parse(text, Loader=loader):
        if isinstance(event, yaml.NodeEvent):
            nodes += 1
            if nodes > limits.max_nodes:
                raise SpecSourceError(f"{name}: more than {limits.max_nodes} values (VAPI_SPEC_MAX_NODES)")
            if isinstance(event, starts):
                depth += 1
                if depth > limits.max_depth:
                    raise SpecSourceError(
                        f"{name}: nested deeper than {limits.max_depth} levels (VAPI_SPEC_MAX_DEPTH)")
        elif isinstance(event, ends):
            depth -= 1


def check_shape(document: Any, name: str, limits: Limits, *, shared: bool = False) -> None:
    """Reject documents nested deeper than `max_depth` or holding more than `max_nodes` values. No recursion.
    JSON never shares a subtree: a plain walk (45 ms on the real spec). YAML (`shared=True`) may, through
    aliases, which JSON output, the twin and every walker expand: each shared subtree is measured once, with its
    expanded size, and a loop is found."""
    if not shared:
        _check_tree(document, name, limits)
        return
    sizes: dict[int, tuple[int, int]] = {}  # id(container) -> (height, expanded values)
    active: set[int] = set()
    stack: list[tuple[Any, bool]] = [(document, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        children = node.values() if isinstance(node, dict) else node
        if done:
            active.discard(key)
            height, total = 0, 1
            for child in children:
                if isinstance(child, (dict, list)):
                    h, n = sizes[id(child)]
                    height, total = max(height, h), total + n
                else:
                    total += 1
            height += 1
            if height > limits.max_depth:
                raise SpecSourceError(
                    f"{name}: nested deeper than {limits.max_depth} levels (VAPI_SPEC_MAX_DEPTH)")
            if total > limits.max_nodes:
                raise SpecSourceError(
                    f"{name}: more than {limits.max_nodes} values once YAML aliases are expanded "
                    "(VAPI_SPEC_MAX_NODES)")
            sizes[key] = (height, total)
            continue
        if key in sizes:
            continue
        if key in active:
            raise SpecSourceError(f"{name}: a cyclic structure (a YAML alias loop)")
        if len(active) >= limits.max_depth:
            raise SpecSourceError(f"{name}: nested deeper than {limits.max_depth} levels (VAPI_SPEC_MAX_DEPTH)")
        _json_values(node, name)
        active.add(key)
        stack.append((node, True))
        stack.extend((child, False) for child in children
                     if isinstance(child, (dict, list)) and id(child) not in sizes)


_SCALARS = (str, int, float, bool, type(None))


def _json_values(node: Any, name: str) -> None:
    """YAML can hold what JSON cannot (bytes, sets, dates, non-text keys); every reader downstream assumes JSON."""
    if isinstance(node, dict):
        bad = next((k for k in node if not isinstance(k, str)), None)
        if bad is not None:
            raise SpecSourceError(f"{name}: a key that is not text ({type(bad).__name__} {str(bad)[:40]!r}); "
                                  "JSON keys are strings")
    for child in node.values() if isinstance(node, dict) else node:
        if not isinstance(child, (dict, list, *_SCALARS)):
            raise SpecSourceError(f"{name}: holds a {type(child).__name__} value, which JSON cannot represent")


def _check_tree(document: Any, name: str, limits: Limits) -> None:
    nodes, stack = 1, [(document, 1)]
    pop, push = stack.pop, stack.append
    while stack:
        node, depth = pop()
        children = node.values() if type(node) is dict else node
        nodes += len(children)
        for child in children:
            kind = type(child)
            if kind is dict or kind is list:
                if depth >= limits.max_depth:
                    raise SpecSourceError(
                        f"{name}: nested deeper than {limits.max_depth} levels (VAPI_SPEC_MAX_DEPTH)")
                push((child, depth + 1))
    if nodes > limits.max_nodes:
        raise SpecSourceError(f"{name}: more than {limits.max_nodes} values (VAPI_SPEC_MAX_NODES)")
