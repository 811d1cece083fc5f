"""`vapi-contract spec quirks [SRC]`: how the spec's quirks are read, and (optionally) the fixed document.

Only argparse at import time (CLI start-up is benchmarked); the handler imports the rest.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def register(commands, common) -> None:
    """Add the `quirks` subcommand to `vapi-contract spec` (`common` adds --store/--format)."""
    quirks = commands.add_parser(
        "quirks", help="list the spec's quirks as spec issues, and how each is read (optionally write the result)"
    )
    quirks.add_argument("source", metavar="SRC", nargs="?", help="URL, file, snapshot id or 'latest' (default: as fetch)")
    quirks.add_argument("--kind", action="append", metavar="KIND", help="only issues of this kind (repeatable)")
    quirks.add_argument("--strict-oneof", action="store_true",
                        help="keep overlapping oneOfs strict (still reported) instead of reading them as anyOf")
    quirks.add_argument("--check", action="store_true",
                        help="also compile every schema with jsonschema_rs and jsonschema; exit 1 if any fails")
    quirks.add_argument("--output", type=Path, metavar="FILE", help="write the normalized document (JSON) here")
    common(quirks)
    quirks.set_defaults(handler=cmd_quirks)


def cmd_quirks(args) -> int:
    from vapi_contract.spec.quirks import compile_check, normalize
    from vapi_contract.spec.sources import load

    loaded = load(args.source, store=args.store)
    result = normalize(loaded.document, lenient_oneof=not args.strict_oneof)
    issues = [i for i in result.issues if not args.kind or i.kind in args.kind]
    failures = compile_check(result.document) if args.check else []
    if args.output:
        _write_atomically(args.output, result.document)
    if args.format == "json":
        print(json.dumps({
            "origin": loaded.origin,
            "issues": [i.__dict__ for i in issues],
            "compile_errors": [i.__dict__ for i in failures],
            "summary": {"total": len(issues), "by_kind": _by_kind(issues), "compile_errors": len(failures)},
        }, indent=1, ensure_ascii=False))
    else:
        for issue in issues:
            print(f"{issue.kind:30} {issue.pointer}  {issue.message}")
        for failure in failures:
            print(f"{failure.kind:30} {failure.pointer}  {failure.message}")
        counts = ", ".join(f"{k} {n}" for k, n in _by_kind(issues).items()) or "none"
        checked = f"; {len(failures)} schema(s) fail to compile" if args.check else ""
        print(f"{len(issues)} spec issue(s) in {loaded.origin}: {counts}{checked}")
    if args.output:
        print(f"normalized document written to {args.output}", file=sys.stderr)
    return 1 if failures else 0


def _by_kind(issues) -> dict[str, int]:
    counts: dict[str, int] = {}
    for issue in issues:
        counts[issue.kind] = counts.get(issue.kind, 0) + 1
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def _write_atomically(path: Path, document: dict) -> None:
    """Temporary sibling + rename: an interrupted run never leaves half a document."""
    from vapi_contract.errors import UsageError

    path = Path(path)
    if path.exists() and not path.is_file():  # a folder, or a device such as /dev/full that a rename would replace
        raise UsageError(f"cannot write {path}: not a regular file")
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        tmp.write_text(json.dumps(document, ensure_ascii=False, indent=1), encoding="utf-8")
        tmp.replace(path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None
