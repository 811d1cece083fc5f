"""`vapi-contract spec ...`: fetch, import, list, show and validate published specs.

Only argparse runs at import time; every handler imports what it needs (CLI start-up is benchmarked).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

BASELINE_NAME = "known-spec-errors.json"


def register(subparsers) -> None:
    spec = subparsers.add_parser("spec", help="fetch, import, list, show and validate the published spec")
    spec.set_defaults(handler=lambda args: _help(spec))
    commands = spec.add_subparsers(dest="spec_command", metavar="SPEC_COMMAND", parser_class=type(spec))

    fetch = commands.add_parser("fetch", help="load a spec (URL, file, snapshot) and snapshot it in the store")
    fetch.add_argument("--source", help="http(s) URL, .json/.yaml file (optionally .gz), snapshot id or 'latest'; "
                       "default: VAPI_SPEC_URL, falling back to the store, then VAPI_SPEC_MIRROR")
    fetch.add_argument("--published-at", help="publication date to record (ISO 8601)")
    _common(fetch)
    fetch.set_defaults(handler=cmd_fetch)

    imp = commands.add_parser("import", help="import a folder of published versions, oldest first")
    imp.add_argument("folder", metavar="DIR", type=Path)
    _common(imp)
    imp.set_defaults(handler=cmd_import)

    lst = commands.add_parser("list", help="list the snapshots in the store, oldest first")
    _common(lst)
    lst.set_defaults(handler=cmd_list)

    show = commands.add_parser("show", help="show one snapshot (id, unique id/sha prefix, or 'latest')")
    show.add_argument("snapshot", metavar="ID", help="snapshot id or 'latest'")
    show.add_argument("--document", action="store_true", help="print the canonical document itself")
    _common(show)
    show.set_defaults(handler=cmd_show)

    val = commands.add_parser("validate", help="validate a spec; report new/known/fixed errors against a baseline")
    val.add_argument("source", metavar="SRC", nargs="?", help="URL, file, snapshot id or 'latest' (default: as fetch)")
    val.add_argument("--known-errors", "--baseline", dest="baseline", type=Path, metavar="FILE",
                     help=f"known spec errors (default: STORE/{BASELINE_NAME} when it exists)")
    val.add_argument("--update-baseline", action="store_true", help="write the current errors as the baseline")
    _common(val)
    val.set_defaults(handler=cmd_validate)

    from .quirks.cli import register as register_quirks  # owned by the quirks area

    register_quirks(commands, _common)


def _common(parser) -> None:
    parser.add_argument("--store", type=Path, help="snapshot store folder (default: VAPI_CONTRACT_STORE or specs/vapi)")
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output format")


def _help(parser) -> int:
    parser.print_help()
    return 2


def _store(args):
    from .sources import open_store

    return open_store(args.store)


def _emit(args, data, text: str) -> None:
    print(json.dumps(data, indent=1, ensure_ascii=False) if args.format == "json" else text)


# -- fetch / import ----------------------------------------------------------------------------------
def cmd_fetch(args) -> int:
    from .sources import load

    store = _store(args)
    loaded = load(args.source, store=store)
    entry, created = store.add(loaded, published_at=args.published_at)
    if created:
        verdict = "new snapshot"
    elif loaded.unchanged:
        verdict = "unchanged (HTTP 304 Not Modified)"
    else:
        verdict = "unchanged (same canonical hash)"
    data = {"created": created, "unchanged": not created, "snapshot": entry.to_json(), "origin": loaded.origin}
    _emit(args, data, f"{verdict}: {entry.id}  {_counts(entry)}  from {loaded.origin}")
    return 0


def cmd_import(args) -> int:
    from .importer import import_folder

    store = _store(args)

    def progress(version, status):
        if args.format == "text":
            print(f"{status:9} {version.published or '-':20} {version.path.name}", file=sys.stderr)

    result = import_folder(args.folder, store, on_version=progress)
    data = {
        "created": [e.id for e in result.created],
        "unchanged": [e.id for e in result.unchanged],
        "skipped": [str(p) for p in result.skipped],
        "store": str(store.root),
    }
    from ..render.text import plural

    _emit(args, data, f"imported {plural(len(result.created), 'new snapshot')} into {store.root} "
                      f"({len(result.unchanged)} identical to their predecessor, {len(result.skipped)} already there)")
    return 0


# -- list / show -------------------------------------------------------------------------------------
def _counts(entry) -> str:
    errors = (entry.validation or {}).get("errors", "?")
    return f"{entry.operations} ops, {entry.schemas} schemas, {errors} spec errors"


def cmd_list(args) -> int:
    store = _store(args)
    entries = store.entries()
    lines = [f"{'ID':29} {'PUBLISHED/TAKEN':21} {'OPS':>4} {'SCHEMAS':>7} {'ERRORS':>6}  SOURCE"]
    for e in entries:
        errors = (e.validation or {}).get("errors", "?")
        lines.append(f"{e.id:29} {e.when:21} {e.operations:4} {e.schemas:7} {errors:>6}  {e.source}")
    if not entries:
        lines = [f"no snapshots in {store.root}"]
    _emit(args, {"store": str(store.root), "snapshots": [e.to_json() for e in entries]}, "\n".join(lines))
    return 0


def cmd_show(args) -> int:
    store = _store(args)
    entry = store.get(args.snapshot)
    if args.document:
        sys.stdout.write(store.read_canonical(entry).decode("utf-8") + "\n")
        return 0
    previous = store.previous(entry)
    data = {**entry.to_json(), "previous": previous.id if previous else None}
    lines = [f"{key:13} {value}" for key, value in data.items() if key != "validation"]
    for key, value in (entry.validation or {}).items():
        lines.append(f"{'validation.' + key:13} {value}")
    _emit(args, data, "\n".join(lines))
    return 0


# -- validate ----------------------------------------------------------------------------------------
def cmd_validate(args) -> int:
    from .. import config

    store_root = args.store or config.store_dir()
    errors, sha, origin = _errors_for(args.source, store_root)
    baseline_path = args.baseline
    if baseline_path is None and (Path(store_root) / BASELINE_NAME).exists():
        baseline_path = Path(store_root) / BASELINE_NAME

    from .known_errors import compare, load_baseline, write_baseline

    if args.update_baseline:
        target = baseline_path or Path(store_root) / BASELINE_NAME
        write_baseline(target, errors, spec_sha256=sha, source=origin)  # locked, atomic; one line on failure
        from ..render.text import plural

        _emit(args, {"baseline": str(target), "errors": len(errors)},
              f"baseline {target} now holds {plural(len({e.fingerprint for e in errors}), 'known error')} "
              f"from {origin}")
        return 0
    comparison = compare(errors, load_baseline(baseline_path) if baseline_path else None)
    data = comparison.to_json()
    if args.format == "json":
        print(json.dumps(data, indent=1, ensure_ascii=False))
    else:
        print(_validation_text(comparison, origin, baseline_path))
    return 1 if comparison.new else 0


def _errors_for(source, store_root):
    """(errors, canonical sha256, origin). An unchanged local file is recognised by its bytes alone."""
    import hashlib

    from .sources import read_bytes
    from .validate import cached_errors, canonical_for_raw

    if source and not source.lower().startswith(("http://", "https://")) and Path(source).is_file():
        raw = read_bytes(Path(source))
        raw_sha = hashlib.sha256(raw).hexdigest()
        sha = canonical_for_raw(raw_sha)
        errors = cached_errors(sha) if sha else None
        if errors is None:  # cold: parse, hash canonically, validate (imports kept off the warm path)
            from .sources import parse_document
            from .store import canonical_sha256
            from .validate import remember_raw, validate_cached

            document = parse_document(raw, source)
            sha = canonical_sha256(document)
            errors = validate_cached(document, sha)
            remember_raw(raw_sha, sha)
        return errors, sha, f"file:{source}"
    from .sources import load
    from .store import canonical_sha256
    from .validate import validate_cached

    loaded = load(source, store=store_root)
    sha = canonical_sha256(loaded.document)
    return validate_cached(loaded.document, sha), sha, loaded.origin


def _wrapped(text: str, indent: str = " " * 8) -> str:
    """The whole text, wrapped to the terminal (100 columns when not one), never cut."""
    import shutil
    import textwrap

    width = max(60, shutil.get_terminal_size((100, 24)).columns - 1)
    return textwrap.fill(text, width=width, initial_indent=indent, subsequent_indent=indent,
                         break_on_hyphens=False) or indent


def _validation_text(comparison, origin: str, baseline_path) -> str:
    from ..render.text import plural, whole_reason

    summary = comparison.to_json()["summary"]
    against = f" against baseline {baseline_path}" if baseline_path else " (no baseline: every error is new)"
    head = (f"{origin}: {plural(summary['total'], 'spec error')}, {summary['new']} new, {summary['known']} known, "
            f"{summary['fixed']} fixed{against}")
    lines = [head]
    for error, status in comparison.errors:
        lines.append(f"  {status:5} {error.fingerprint}  {error.check}/{error.keyword}  {error.pointer}")
        lines.append(_wrapped(whole_reason(error.message)))
    for fixed in comparison.fixed:
        lines.append(f"  fixed {fixed['fingerprint']}  {fixed['pointer']}")
    return "\n".join(lines)
