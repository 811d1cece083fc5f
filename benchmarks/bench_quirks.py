"""Benchmark spec.quirks.normalize on the real spec history.

Prints the median normalize time for the newest and oldest published versions against the peer
`copy.deepcopy` of the same document (the floor: normalize must at least copy), and the number of
spec issues by kind found across every version in the history.

    .venv/bin/python benchmarks/bench_quirks.py [--repeats 7] [--history DIR] [--no-history]
"""

from __future__ import annotations

import argparse
import collections
import copy
import gzip
import json
import os
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from vapi_contract.spec.quirks import normalize

DEFAULT_HISTORY = Path(os.environ.get("VAPI_SPEC_MIRROR", REPO.parent / "shared" / "vapi-spec-history"))


def load(path: Path) -> dict:
    with gzip.open(path, "rb") as fh:
        return json.load(fh)


def median_seconds(func, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--history", type=Path, default=DEFAULT_HISTORY)
    parser.add_argument("--no-history", action="store_true", help="skip the issue count over every version")
    args = parser.parse_args()
    versions = sorted(json.loads((args.history / "index.json").read_text())["versions"], key=lambda v: v["published"])
    normalize(load(args.history / versions[0]["file"]))  # warm-up: Unicode tables, imports

    print(f"spec.quirks.normalize, median of {args.repeats} (peer: copy.deepcopy of the same document)")
    for label, entry in (("newest", versions[-1]), ("oldest", versions[0])):
        doc = load(args.history / entry["file"])
        ours = median_seconds(lambda doc=doc: normalize(doc), args.repeats)
        peer = median_seconds(lambda doc=doc: copy.deepcopy(doc), args.repeats)
        print(
            f"  {label:6} {entry['file']} ({entry['bytes'] / 1e6:.1f} MB): normalize {ours * 1000:7.1f} ms"
            f"  deepcopy {peer * 1000:7.1f} ms  ratio {ours / peer:4.2f}x"
        )
    if args.no_history:
        return 0

    by_kind: collections.Counter[str] = collections.Counter()
    versions_with: collections.Counter[str] = collections.Counter()
    start = time.perf_counter()
    for entry in versions:
        kinds = normalize(load(args.history / entry["file"])).by_kind()
        by_kind.update(kinds)
        versions_with.update(kinds.keys())
    elapsed = time.perf_counter() - start
    print(f"issues by kind across {len(versions)} versions ({elapsed:.1f} s incl. gunzip+parse):")
    for kind, count in sorted(by_kind.items(), key=lambda kv: (-kv[1], kv[0])):
        print(f"  {kind:32} {count:6}  in {versions_with[kind]:3} versions")
    print(f"  {'total':32} {sum(by_kind.values()):6}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
