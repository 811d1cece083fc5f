"""Where a spec comes from: a file, a URL, a snapshot in the store, or the newest version in a mirror folder.

`load(source)` is the one entry point every area uses. It returns the parsed document plus its provenance,
and raises `SpecSourceError` (one line, exit 2) for anything unusable.
"""

from __future__ import annotations

import gzip
import json
import sys
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import SpecSourceError


@dataclass
class LoadedSpec:
    document: dict[str, Any]
    raw: bytes  # decompressed bytes as received
    origin: str  # human-readable provenance, e.g. "file:/x.json.gz", "https://...", "snapshot:ID"
    published_at: str | None = None
    notes: list[str] = field(default_factory=list)  # fallbacks taken, announced to the user


def read_bytes(path: Path) -> bytes:
    """Bytes of a local spec file, gunzipped when it ends in `.gz`."""
    if not path.exists():
        raise SpecSourceError(f"spec file not found: {path}")
    if path.is_dir():
        raise SpecSourceError(f"spec source is a directory, not a file: {path}")
    data = path.read_bytes()
    if path.suffix == ".gz" or data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError, zlib.error) as exc:
            raise SpecSourceError(f"{path}: corrupt or truncated gzip ({exc})") from None
    return data


def parse_document(data: bytes, name: str) -> dict[str, Any]:
    """Parse JSON or YAML bytes into an OpenAPI 3.x document, or say in one line why it is not one."""
    if not data.strip():
        raise SpecSourceError(f"{name}: empty document")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SpecSourceError(f"{name}: not UTF-8 text (byte {exc.start})") from None
    stripped = text.lstrip()
    if stripped[:1] == "<":
        raise SpecSourceError(f"{name}: got an HTML/XML page, not an OpenAPI document")
    if stripped[:1] in "{[":
        try:
            document = json.loads(text)
        except json.JSONDecodeError as exc:
            raise SpecSourceError(f"{name}: invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}") from None
    else:
        import yaml

        try:
            document = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f" at line {mark.line + 1}" if mark else ""
            raise SpecSourceError(f"{name}: invalid YAML{where}: {getattr(exc, 'problem', exc)}") from None
    return check_openapi(document, name)


def check_openapi(document: Any, name: str) -> dict[str, Any]:
    if not isinstance(document, dict):
        raise SpecSourceError(f"{name}: not an OpenAPI document (top level is {type(document).__name__})")
    if "swagger" in document:
        raise SpecSourceError(
            f"{name}: Swagger {document.get('swagger')} is not supported; convert it to OpenAPI 3.x first"
        )
    version = document.get("openapi")
    if not isinstance(version, str):
        raise SpecSourceError(f"{name}: not an OpenAPI document (no 'openapi' version field)")
    if not version.startswith("3."):
        raise SpecSourceError(f"{name}: OpenAPI {version} is not supported (3.0 and 3.1 are)")
    if not isinstance(document.get("paths", {}), dict):
        raise SpecSourceError(f"{name}: 'paths' is not an object")
    return document


def load_file(path: str | Path) -> LoadedSpec:
    path = Path(path)
    raw = read_bytes(path)
    return LoadedSpec(document=parse_document(raw, str(path)), raw=raw, origin=f"file:{path}")


def newest_in_mirror(mirror: Path) -> Path:
    """Newest published version in a mirror folder: by `index.json` dates when present, else by file name."""
    index = mirror / "index.json"
    if index.exists():
        versions = json.loads(index.read_text()).get("versions", [])
        dated = sorted((v["published"], v["file"]) for v in versions if (mirror / v["file"]).exists())
        if dated:
            return mirror / dated[-1][1]
    candidates = sorted(p for p in mirror.iterdir() if p.name.endswith((".json", ".json.gz", ".yaml", ".yml")))
    candidates = [p for p in candidates if p.name != "index.json"]
    if not candidates:
        raise SpecSourceError(f"spec mirror {mirror} holds no spec files")
    return candidates[-1]


def announce(message: str) -> None:
    """Fallbacks are announced in one line on stderr, so stdout stays machine-readable."""
    print(f"vapi-contract: {message}", file=sys.stderr)


def load(source: str | Path | None = None) -> LoadedSpec:
    """Load a spec from SOURCE: a local file path; more kinds (URL, snapshot id, `latest`, default
    resolution live URL -> store -> mirror) are added by the spec layer."""
    if source is None:
        from .. import config

        mirror = config.spec_mirror()
        if mirror is None or not mirror.is_dir():
            raise SpecSourceError("no spec source given and VAPI_SPEC_MIRROR is not a folder")
        path = newest_in_mirror(mirror)
        announce(f"using the newest version in the mirror: {path}")
        return load_file(path)
    return load_file(source)
