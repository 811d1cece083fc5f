"""Accepted lists with an expiry: the one mechanism behind known spec errors, accepted findings and approvals.

Each is a reviewed file of entries. An entry names what it accepts (a fingerprint, or fields to match), why
(`reason`), who follows it up (`owner`, `approver`) and until when (`expires`: the last day it counts). Its users
keep their own file formats and entry types; this module holds what they share:

- reading a file: one line naming the file on any problem (a folder, not UTF-8, over 5 MB, bad YAML/JSON, an
  impossible date such as 2027-02-30, nesting too deep), raised as the caller's `UsageError` subclass (exit 2);
- checking entry fields: required and optional strings, fingerprints, dates, unknown keys, duplicates;
- writing: under a lock beside the file (`.NAME.lock`) and atomically (`fsutil.atomic_write`), so concurrent
  writers lose nothing and a reader sees the old file or the new one;
- classifying the current items (findings, spec errors, breaking changes) into new / known / expired, and the
  entries that matched nothing (fixed, or stale).

It sits at the bottom of the stack (errors, fsutil), so spec, report and pipelines all import it.
"""

from __future__ import annotations

import datetime as _dt
import functools
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, Protocol, TypeVar

from .errors import UsageError
from .fsutil import atomic_write

MAX_BYTES = 5 * 1024 * 1024  # reviewed files hold a few KB; anything bigger is not one of them
LOCK_TIMEOUT_S = 60.0
FINGERPRINT = re.compile(r"^[0-9a-fA-F]{16,}$")

Error = type[UsageError]


# -- reading -------------------------------------------------------------------------------------------------
def read_text(path: Path, what: str, error: Error = UsageError) -> str:
    """The file's text, or `error("<what> <path>: ...")`; FileNotFoundError is left to the caller."""
    if path.is_dir():
        raise error(f"{what} {path}: is a folder, not a file")
    try:
        with path.open("rb") as fh:
            data = fh.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise error(f"{what} {path}: cannot read ({exc.strerror or exc})") from None
    if len(data) > MAX_BYTES:
        raise error(f"{what} {path}: larger than {MAX_BYTES // (1024 * 1024)} MB; not a reviewed file")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise error(f"{what} {path}: not UTF-8 text (byte {exc.start})") from None


@functools.lru_cache(maxsize=1)
def _loader() -> type:
    import yaml

    class Loader(yaml.SafeLoader):
        """SafeLoader whose impossible dates are YAML errors with a line number."""

    def timestamp(loader: Any, node: Any) -> Any:
        try:
            return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
        except (ValueError, OverflowError) as exc:
            raise yaml.constructor.ConstructorError(
                None, None, f"{node.value!r} is not a real date ({exc})", node.start_mark) from None

    Loader.add_constructor("tag:yaml.org,2002:timestamp", timestamp)
    return Loader


def load_yaml(text: str, where: str, error: Error = UsageError) -> Any:
    """Parse TEXT (YAML or JSON); any problem is `error("<where>: not valid YAML at line N: ...")`.

    PyYAML turns `2027-02-30` into a ValueError (not a YAMLError) while building the date; here it is a YAML
    error with its line, like every other problem."""
    import yaml

    try:
        return yaml.load(text, Loader=_loader())  # a SafeLoader subclass: no arbitrary objects
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" at line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise error(f"{where}: not valid YAML{at}: {problem}") from None
    except RecursionError:
        raise error(f"{where}: nested too deeply to be a reviewed file") from None
    except (ValueError, TypeError, OverflowError) as exc:  # a constructor PyYAML does not wrap
        raise error(f"{where}: not valid YAML: {exc}") from None


def load_json(text: str, where: str, error: Error = UsageError) -> Any:
    """Parse JSON TEXT; any problem is `error("<where>: not valid JSON: ...")`."""
    try:
        return json.loads(text)
    except RecursionError:
        raise error(f"{where}: nested too deeply to be a reviewed file") from None
    except ValueError as exc:
        raise error(f"{where}: not valid JSON: {exc}") from None


def entry_list(data: Any, key: str, where: str, error: Error = UsageError, *,
               allowed_top: Iterable[str] = ()) -> list[Any]:
    """The list under KEY of a parsed document (None or a missing/null KEY: empty); anything else is one line."""
    if data is None:
        return []
    if not isinstance(data, dict) or not isinstance(data.get(key, []), (list, type(None))):
        raise error(f"{where}: expected a mapping with an {key!r} list")
    unknown = sorted(set(data) - {key, *allowed_top}, key=str)
    if unknown:
        raise error(f"{where}: unknown top-level key(s) {', '.join(map(repr, unknown))} (expected {key!r})")
    return list(data.get(key) or [])


# -- fields ------------------------------------------------------------------------------------------------
def parse_date(value: Any, where: str, key: str = "expires", error: Error = UsageError) -> _dt.date:
    """A date, datetime (its day) or 'YYYY-MM-DD' text; anything else (2027-02-30, 20270131, true) is one line."""
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    if isinstance(value, str) and re.fullmatch(r"\s*\d{4}-\d{2}-\d{2}\s*", value):
        try:
            return _dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise error(f"{where}: {key!r} must be a date YYYY-MM-DD, got {value!r}")


def optional_date(raw: Mapping[str, Any], key: str, where: str, error: Error = UsageError) -> _dt.date | None:
    value = raw.get(key)
    return None if value is None else parse_date(value, where, key, error)


def require(raw: Mapping[str, Any], keys: Iterable[str], where: str, error: Error = UsageError) -> None:
    """Every KEY is there and not empty; else one line naming all that are not."""
    missing = [k for k in keys if raw.get(k) in (None, "")]
    if missing:
        raise error(f"{where}: missing {', '.join(repr(k) for k in missing)}")


def require_strings(raw: Mapping[str, Any], keys: Iterable[str], where: str, error: Error = UsageError) -> None:
    """Every KEY holds a non-empty string; the first that does not is one line."""
    keys = tuple(keys)
    require(raw, keys, where, error)
    for key in keys:
        if not isinstance(raw[key], str) or not raw[key].strip():
            raise error(f"{where}: {key!r} must be a non-empty string")


def optional_strings(raw: Mapping[str, Any], keys: Iterable[str], where: str, error: Error = UsageError) -> None:
    for key in keys:
        if raw.get(key) is not None and not isinstance(raw[key], str):
            raise error(f"{where}: {key!r} must be a string")


def reject_unknown(raw: Mapping[Any, Any], allowed: Iterable[str], where: str, error: Error = UsageError) -> None:
    unknown = sorted(set(raw) - set(allowed), key=str)
    if unknown:
        raise error(f"{where}: unknown key(s) {', '.join(map(repr, unknown))}")


def mapping(raw: Any, where: str, expected: str, error: Error = UsageError) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise error(f"{where}: expected a mapping with {expected}, got {type(raw).__name__}")
    return raw


def fingerprint(value: Any, where: str, error: Error = UsageError) -> str:
    """A fingerprint of 16+ hex characters, lower-cased."""
    text = value.strip() if isinstance(value, str) else ""
    if not FINGERPRINT.match(text):
        raise error(f"{where}: 'fingerprint' must be 16+ hex characters, got {value!r}")
    return text.lower()


class Duplicates:
    """Remembers each entry's key: `seen.first(key, index)` is the index of an earlier entry with that key."""

    def __init__(self) -> None:
        self._first: dict[Any, int] = {}

    def first(self, key: Any, index: int) -> int | None:
        earlier = self._first.get(key)
        if earlier is None:
            self._first[key] = index
        return earlier


# -- writing -----------------------------------------------------------------------------------------------
def lock_path(path: Path) -> Path:
    """`.NAME.lock` beside the file: every writer of that file takes it."""
    return path.with_name(f".{path.name}.lock")


@contextmanager
def locked(path: Path, what: str, error: Error = UsageError, timeout: float = LOCK_TIMEOUT_S) -> Iterator[None]:
    """Hold the lock beside PATH for a read-change-write; a folder, a timeout or an unwritable place is one line."""
    from filelock import FileLock, Timeout

    path = Path(path)
    _regular_or_absent(path, what, error)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(lock_path(path)), timeout=timeout)
        lock.acquire()
    except Timeout:
        raise error(f"{what} {path}: still locked by another writer after {timeout:.0f} s "
                    f"({lock_path(path)})") from None
    except OSError as exc:  # the lock file cannot be created: read-only folder, full disk
        raise error(f"{what} {path}: cannot write there ({exc.strerror or exc})") from None
    try:
        yield
    finally:
        lock.release()


def _regular_or_absent(path: Path, what: str, error: Error) -> None:
    """A rename onto a folder fails and onto a device (/dev/null, as root) replaces it: both are refused."""
    if path.is_dir():
        raise error(f"{what} {path}: is a folder, not a file")
    if path.exists() and not path.is_file():
        raise error(f"{what} {path}: is not a regular file")


def write_text(path: Path, text: str, what: str, error: Error = UsageError) -> None:
    """Replace PATH atomically and durably; a folder that refuses the write is one line, the old file intact."""
    _regular_or_absent(Path(path), what, error)
    try:
        atomic_write(path, text)
    except OSError as exc:
        raise error(f"{what} {path}: cannot write ({exc.strerror or exc}); the previous file is unchanged") from None


# -- classification ----------------------------------------------------------------------------------------
class Expiring(Protocol):
    def expired(self, today: _dt.date) -> bool: ...


def expired_on(expires: _dt.date | None, today: _dt.date) -> bool:
    """Valid through its `expires` day, expired from the next day on; no date never expires."""
    return expires is not None and expires < today


Item = TypeVar("Item")  # a finding, a spec error, a breaking change
Entry = TypeVar("Entry", bound=Expiring)  # an entry of the list


@dataclass
class Classified(Generic[Item, Entry]):
    """Current items against a list. `rows` keeps the items' order: (item, "new" | "known", entry), where the
    entry is the live one that accepts a known item, the expired one that no longer accepts a new item, or None."""

    rows: list[tuple[Item, str, Entry | None]]
    unmatched: list[Entry]  # entries no current item matched: fixed (or stale, for approvals)
    hits: list[int] = field(default_factory=list)  # per entry, in list order: items it matched (live or not)

    @property
    def new(self) -> list[Item]:
        return [item for item, status, _ in self.rows if status == "new"]

    @property
    def known(self) -> list[tuple[Item, Entry]]:
        return [(item, entry) for item, status, entry in self.rows if status == "known" and entry is not None]

    @property
    def expired(self) -> list[tuple[Item, Entry]]:
        """New items that an expired entry used to accept."""
        return [(item, entry) for item, status, entry in self.rows if status == "new" and entry is not None]


def classify(items: Iterable[Item], entries: Sequence[Entry], candidates: Callable[[Item], Sequence[Entry]], *,
             today: _dt.date) -> Classified[Item, Entry]:
    """Split ITEMS into new / known against ENTRIES (objects with `expired(today)`).

    `candidates(item)` lists the entries that name the item, best first (e.g. its fingerprint entry, then the
    patterns that match it); the first live one accepts it. An item named only by expired entries is new, with
    the first of them kept so the report can say the entry expired. `by_key` and `by_match` build `candidates`.
    """
    position = {id(entry): i for i, entry in enumerate(entries)}
    hits = [0] * len(entries)
    rows: list[tuple[Item, str, Entry | None]] = []
    for item in items:
        named = list(candidates(item))
        for entry in named:
            hits[position[id(entry)]] += 1
        live = next((entry for entry in named if not entry.expired(today)), None)
        if live is not None:
            rows.append((item, "known", live))
        else:
            rows.append((item, "new", named[0] if named else None))
    unmatched = [entry for entry, count in zip(entries, hits, strict=True) if not count]
    return Classified(rows, unmatched, hits)


def by_key(entries: Iterable[Entry], entry_key: Callable[[Entry], Any], item_key: Callable[[Any], Any]
           ) -> Callable[[Any], list[Entry]]:
    """Candidates by an exact key (a fingerprint): one dictionary lookup per item."""
    index: dict[Any, Entry] = {}
    for entry in entries:
        index.setdefault(entry_key(entry), entry)

    def candidates(item: Any) -> list[Entry]:
        entry = index.get(item_key(item))
        return [] if entry is None else [entry]

    return candidates


def by_match(entries: Iterable[Entry], matches: Callable[[Entry, Any], bool]) -> Callable[[Any], list[Entry]]:
    """Candidates by a predicate (rule + operation globs, a finding pattern): every entry that matches, in order."""
    entries = list(entries)
    return lambda item: [entry for entry in entries if matches(entry, item)]
