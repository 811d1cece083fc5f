"""`vapi-contract twin`: serve a local, stateful stand-in for the Vapi API from a spec."""

from __future__ import annotations

import argparse
import sys


def register(subparsers: argparse._SubParsersAction) -> None:
    from .faults import FAULTS

    parser = subparsers.add_parser(
        "twin",
        help="serve a local stand-in for the Vapi API, driven by a spec",
        description="Serve a stateful, spec-driven stand-in for the Vapi API on loopback (no credentials needed).",
        epilog="faults:\n" + "\n".join(f"  {name}: {text}" for name, text in FAULTS.items()),
        formatter_class=argparse.RawDescriptionHelpFormatter,  # one fault a line: names are never hyphen-wrapped
    )
    parser.add_argument("--spec", metavar="SRC", help="spec source: file, URL, snapshot id or `latest` (default, offline: newest snapshot in "
                             "the store, else newest in VAPI_SPEC_MIRROR)")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8787, help="port (default 8787; 0 picks a free port)")
    parser.add_argument("--fault", metavar="NAME", help="serve one deliberately wrong behaviour (see below)")
    parser.add_argument("--tokens", metavar="FILE",
                        help='JSON {"orgs": {"org-a": "TOKEN", ...}, "admin": "TOKEN"} (default: built-in tokens)')
    parser.add_argument("--seed-objects", metavar="N", type=int, default=0,
                        help="objects every collection of every organisation holds before serving, named seed-<n> "
                             "where the schema has a name, as a real account has (default 0)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from ..errors import UsageError
    from .faults import check
    from .server import check_seed, read_tokens, serve

    check(args.fault)
    check_seed(args.seed_objects)
    if not 0 <= args.port <= 65535:
        raise UsageError(f"--port must be between 0 and 65535, got {args.port}")
    tokens, admin = read_tokens(args.tokens)

    def announce(port: int) -> None:
        orgs = ", ".join(f"{org}={token}" for org, token in tokens.items())
        seeded = f", {args.seed_objects} seeded objects per collection" if args.seed_objects else ""
        print(f"vapi-contract twin: serving http://{args.host}:{port} (fault: {args.fault or 'none'}{seeded})", flush=True)
        print(f"vapi-contract twin: bearer tokens {orgs}; admin token {admin}", flush=True)

    try:
        serve(args.spec, args.host, args.port, args.fault, tokens, admin, announce, args.seed_objects)
    except KeyboardInterrupt:
        print("vapi-contract twin: stopped", file=sys.stderr)
    return 0
