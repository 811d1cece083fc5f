"""Where a spec comes from: a URL, a file, a snapshot in the store, or the newest version in a mirror folder.

`load(source)` is the one entry point every area uses. It returns the parsed document plus its provenance,
and raises `SpecSourceError` (one line, exit 2) for anything unusable.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import SpecSourceError
from .limits import (
    Limits,
    SpecConfigError,
    check_json_text,
    check_shape,
    check_yaml_text,
    inflate,
    is_gzip,
    read_file,
    too_large,
)
from .urls import has_credentials, redact_url

if TYPE_CHECKING:
    from .fetch import FetchOptions
    from .store import SnapshotStore


@dataclass
class LoadedSpec:
    document: dict[str, Any]
    raw: bytes  # decompressed bytes as received
    origin: str  # human-readable provenance, e.g. "file:/x.json.gz", "https://...", "snapshot:ID"
    published_at: str | None = None
    notes: list[str] = field(default_factory=list)  # fallbacks taken, announced to the user
    etag: str | None = None  # ETag the server gave with this document (URLs only)
    snapshot_id: str | None = None  # set when the document came from the store
    unchanged: bool = False  # HTTP 304: the server confirmed the remembered snapshot is current


def read_bytes(path: Path, limits: Limits | None = None) -> bytes:
    """Bytes of a local spec file, gunzipped when it is gzip; never more than the byte cap (limits.py)."""
    return read_file(Path(path), limits or Limits.from_env())


def parse_document(data: bytes, name: str, limits: Limits | None = None) -> dict[str, Any]:
    """Parse JSON or YAML bytes into an OpenAPI 3.x document, or say in one line why it is not one.
    Size, value count and depth are bounded before and after parsing (limits.py)."""
    limits = limits or Limits.from_env()
    if len(data) > limits.max_bytes:
        raise too_large(name, limits)
    if not data.strip():
        raise SpecSourceError(f"{name}: empty document")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SpecSourceError(f"{name}: not UTF-8 text (byte {exc.start})") from None
    stripped = text.lstrip()
    if stripped[:1] == "<":
        raise SpecSourceError(f"{name}: got an HTML/XML page, not an OpenAPI document")
    too_deep = f"{name}: nested deeper than {limits.max_depth} levels (VAPI_SPEC_MAX_DEPTH)"
    if stripped[:1] in "{[":
        check_json_text(data, name, limits)
        try:
            document = json.loads(text)
        except json.JSONDecodeError as exc:
            raise SpecSourceError(f"{name}: invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}") from None
        except RecursionError:
            raise SpecSourceError(too_deep) from None
    else:
        import yaml

        try:
            check_yaml_text(text, name, limits, _yaml_loader())
            document = yaml.load(text, Loader=_yaml_loader())
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f" at line {mark.line + 1}" if mark else ""
            raise SpecSourceError(f"{name}: invalid YAML{where}: {getattr(exc, 'problem', exc)}") from None
        except RecursionError:
            raise SpecSourceError(too_deep) from None
        check_shape(document, name, limits, shared=True)  # aliases: sizes as expanded, loops
        return check_openapi(document, name)
    check_shape(document, name, limits)
    return check_openapi(document, name)


def _yaml_loader():
    """Safe loader that keeps timestamps as strings (JSON, and so the spec, has no date type) and reads
    scalar keys as JSON does, as text: `200:` under `responses` is the status "200"."""
    import yaml

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class SpecLoader(base):  # type: ignore[misc, valid-type]
        def construct_mapping(self, node, deep=False):
            mapping = super().construct_mapping(node, deep=deep)
            if all(isinstance(key, str) for key in mapping):
                return mapping
            return {_json_key(key): value for key, value in mapping.items()}

    SpecLoader.yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in base.yaml_implicit_resolvers.items()
    }
    return SpecLoader


def _json_key(key: Any) -> Any:
    if isinstance(key, bool):
        return "true" if key else "false"
    if key is None:
        return "null"
    if isinstance(key, (int, float)):
        return str(key)
    return key  # a list/bytes key stays what it is: check_shape refuses it in one line


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
    path, limits = Path(path), Limits.from_env()
    raw = read_bytes(path, limits)
    return LoadedSpec(document=parse_document(raw, str(path), limits), raw=raw, origin=f"file:{path}")


def newest_in_mirror(mirror: Path) -> Path:
    """Newest published version in a mirror folder: by `index.json` dates when present, else by file name."""
    index = mirror / "index.json"
    if index.exists():
        try:
            versions = json.loads(read_file(index, Limits.from_env())).get("versions", [])
            dated = sorted((str(v["published"]), str(v["file"])) for v in versions
                           if (mirror / str(v["file"])).is_file())
        except (ValueError, TypeError, KeyError, AttributeError):
            raise SpecSourceError(f"spec mirror index {index} is not a list of versions") from None
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


def key_for(url: str, key_hosts: Iterable[str] = ()) -> str | None:
    """VAPI_API_KEY when URL is on an allowed origin (urls.key_allowed), else None, said in one line."""
    from .. import config
    from .urls import KEY_HOSTS_ENV, key_allowed, origin

    key = config.api_key()
    if not key:
        return None
    if has_credentials(url):
        announce(f"VAPI_API_KEY not sent to {redact_url(url)}: the URL carries its own credentials")
        return None
    if not key_allowed(url, key_hosts):
        scheme, host, port = origin(url) or ("?", "?", 0)
        announce(f"VAPI_API_KEY not sent to {scheme}://{host}:{port}: not the spec host or the target "
                 f"(allow it with {KEY_HOSTS_ENV})")
        return None
    return key


def load_url(
    url: str,
    *,
    store: SnapshotStore | None = None,
    options: FetchOptions | None = None,
    key_hosts: Iterable[str] = (),
) -> LoadedSpec:
    """Download a spec. When the store remembers an ETag for this URL (and still holds the snapshot it
    belonged to) the GET is conditional, and a 304 returns that snapshot marked `unchanged`. The URL is
    kept and shown redacted; the key goes only where `key_for` allows (KEY_HOSTS: a caller's targets)."""
    from .fetch import fetch

    shown = redact_url(url)
    limits = Limits.from_env()
    remembered = store.etag_for(shown) if store is not None else None
    result = fetch(url, etag=remembered[0] if remembered else None, api_key=key_for(url, key_hosts),
                   options=options, limits=limits)
    if result.status == 304 and remembered:
        loaded = load_snapshot(store, remembered[1])
        loaded.origin, loaded.etag, loaded.unchanged = shown, remembered[0], True
        loaded.notes.append(f"unchanged since snapshot {remembered[1]} (HTTP 304)")
        return loaded
    raw = result.body
    if is_gzip(raw):  # a .json.gz served as-is (possibly inside a Content-Encoding too)
        raw = inflate(raw, shown, limits)
    return LoadedSpec(document=parse_document(raw, shown, limits), raw=raw, origin=shown, etag=result.etag)


def load_snapshot(store: SnapshotStore, id_or_latest: str) -> LoadedSpec:
    """A stored snapshot, held to the same bounds as any source: a store filled before the bounds existed
    (or by hand) must not crash the walkers that read it."""
    entry = store.get(id_or_latest)
    raw = store.read_canonical(entry)
    name = f"snapshot {entry.id}"
    limits = Limits.from_env()
    try:
        document = json.loads(raw)
    except RecursionError:
        raise SpecSourceError(f"{name}: nested deeper than {limits.max_depth} levels (VAPI_SPEC_MAX_DEPTH)") from None
    except ValueError as exc:
        raise SpecSourceError(f"{name}: stored document is not JSON ({exc})") from None
    check_shape(document, name, limits)
    check_openapi(document, name)
    return LoadedSpec(
        document=document,
        raw=raw,
        origin=f"snapshot:{entry.id}",
        published_at=entry.published_at,
        snapshot_id=entry.id,
    )


def open_store(store: SnapshotStore | str | Path | None) -> SnapshotStore:
    from .store import SnapshotStore

    if isinstance(store, SnapshotStore):
        return store
    if store is None:
        from .. import config

        store = config.store_dir()
    return SnapshotStore(Path(store))


def load(
    source: str | Path | None = None,
    *,
    store: SnapshotStore | str | Path | None = None,
    fetch_options: FetchOptions | None = None,
    key_hosts: Iterable[str] = (),
) -> LoadedSpec:
    """Load a spec from SOURCE: an http(s) URL, a file path, a snapshot id or `latest` (from STORE, default
    `config.store_dir()`). Without SOURCE: the live URL (`config.spec_url()`), falling back to the newest
    snapshot in the store, then to the newest version in VAPI_SPEC_MIRROR; each fallback is announced.
    KEY_HOSTS: further URLs/hosts VAPI_API_KEY may be sent to (a job's --target); see `key_for`."""
    from .fetch import is_url

    snapshots = open_store(store)
    if source is None:
        return load_default(snapshots, fetch_options)
    source = str(source)
    if is_url(source):
        return load_url(source, store=snapshots, options=fetch_options, key_hosts=key_hosts)
    if source == "latest":
        return load_snapshot(snapshots, "latest")
    path = Path(source)
    if path.exists() or _looks_like_path(source) or not snapshots.has(source):
        return load_file(path)
    return load_snapshot(snapshots, source)


def load_default(snapshots: SnapshotStore, fetch_options: FetchOptions | None = None) -> LoadedSpec:
    from .. import config
    from .fetch import FetchOptions

    Limits.from_env()  # impossible settings fail here, whichever source is used in the end

    url = (config.spec_url() or "").strip()
    if url.lower() in ("", "off", "none"):
        why = "no live spec URL (VAPI_SPEC_URL is off)"
    else:
        try:
            return load_url(url, store=snapshots, options=fetch_options or FetchOptions.from_env())
        except SpecConfigError:
            raise  # a broken setting is the user's to fix, not a reason to serve an older spec
        except SpecSourceError as exc:
            why = f"live spec unavailable ({_one_line(str(exc))})"
    latest = snapshots.latest()
    if latest is not None:
        loaded = load_snapshot(snapshots, latest.id)
        note = f"{why}; using the newest snapshot {latest.id} from {snapshots.root}"
    else:
        mirror = config.spec_mirror()
        if mirror is None or not mirror.is_dir():
            raise SpecSourceError(f"{why}, store {snapshots.root} is empty and VAPI_SPEC_MIRROR is not a folder")
        path = newest_in_mirror(mirror)
        loaded = load_file(path)
        note = f"{why} and store {snapshots.root} is empty; using the newest mirror version {path}"
    announce(note)
    loaded.notes.append(note)
    return loaded


def _looks_like_path(source: str) -> bool:
    return "/" in source or "\\" in source or source.endswith((".json", ".yaml", ".yml", ".gz"))


def _one_line(text: str) -> str:
    return " ".join(text.split())
