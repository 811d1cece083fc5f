"""`spec import` of the whole shared history (126 published versions) into an empty store.

Reports the median wall time of a full import with an empty validation cache (every version parsed,
canonicalised, validated, gzipped, indexed) and with a warm cache (validation results reused), against a
named floor measured in the same run: just gunzip + json.loads of every version.

    .venv/bin/python benchmarks/bench_spec_import.py [--repeats N]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
MIRROR = Path(os.environ.get("VAPI_SPEC_MIRROR", REPO.parent / "shared" / "vapi-spec-history"))


def parse_all() -> float:
    started = time.perf_counter()
    for version in json.loads((MIRROR / "index.json").read_text())["versions"]:
        with gzip.open(MIRROR / version["file"], "rb") as fh:
            json.load(fh)
    return time.perf_counter() - started


def import_once(store: Path, cache: Path) -> tuple[float, dict]:
    env = {**os.environ, "XDG_CACHE_HOME": str(cache), "VAPI_SPEC_URL": "off"}
    cmd = [str(BIN / "vapi-contract"), "spec", "import", str(MIRROR), "--store", str(store), "--format", "json"]
    started = time.perf_counter()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True)
    return time.perf_counter() - started, json.loads(proc.stdout)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    versions = len(json.loads((MIRROR / "index.json").read_text())["versions"])
    floor, cold, warm = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for n in range(args.repeats):
            floor.append(parse_all())
            seconds, result = import_once(tmp / f"cold-store-{n}", tmp / f"cold-cache-{n}")
            cold.append(seconds)
            seconds, _ = import_once(tmp / f"warm-store-{n}", tmp / f"cold-cache-{n}")  # same cache, new store
            warm.append(seconds)
    snapshots = len(result["created"])
    f, c, w = (statistics.median(x) for x in (floor, cold, warm))
    print(f"versions: {versions} -> {snapshots} snapshots ({len(result['unchanged'])} identical to predecessor)")
    print(f"repeats: {args.repeats} (medians; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)")
    print(f"floor: gunzip + json.loads of every version : {f:6.2f} s")
    print(f"spec import, empty validation cache         : {c:6.2f} s  ({c / versions * 1000:.0f} ms/version, {c / f:.1f}x floor)")
    print(f"spec import, warm validation cache          : {w:6.2f} s  ({w / versions * 1000:.0f} ms/version, {w / f:.1f}x floor)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
