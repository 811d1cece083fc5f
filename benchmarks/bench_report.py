"""Report area figures: evidence streaming cost and report build time, against named peers in the same run.

1. RunWriter.finding() (redaction + one O_APPEND write; fsync never / every 0.2 s / every record) vs the naive peer: a text file
   opened in append mode, `json.dumps` + `write` + `flush` per record (no redaction, no durability).
2. build() of a large run (79 operations, 4,000 finding records over 400 fingerprints, 2 workers) vs the floor
   peer: just parsing the same evidence files with `json.loads` (what any report must at least do).

Usage: .venv/bin/python benchmarks/bench_report.py [--repeats 5]
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

from vapi_contract.evidence.writer import RunWriter
from vapi_contract.report import build

SECRET = "5f0c2b7e-91d4-4a8e-b1c3-7e9d2f4a6b8c"


def finding(i: int) -> dict:
    return {"operation": f"POST /family{i % 79}", "check": "response_schema_conformance",
            "classification": "server-bug", "fingerprint": f"{i % 400:016x}", "message": f"case {i} failed",
            "reproducer": f"curl -X POST 'http://127.0.0.1:1/x' -H 'Authorization: Bearer {SECRET}' -d '{{}}'",
            "flaky": False, "status_code": 500, "details": {"body": "x" * 200}}


def bench_writer(n: int, fsync: bool, interval: float = 0.2) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        writer = RunWriter(tmp, [SECRET], worker="gw0", fsync=fsync, fsync_interval=interval)
        start = time.perf_counter()
        for i in range(n):
            writer.finding(finding(i))
        elapsed = time.perf_counter() - start
        writer.close()
    return n / elapsed


def bench_naive(n: int) -> float:
    with tempfile.TemporaryDirectory() as tmp, open(Path(tmp) / "findings.jsonl", "a") as fh:
        start = time.perf_counter()
        for i in range(n):
            fh.write(json.dumps(finding(i)) + "\n")
            fh.flush()
        return n / (time.perf_counter() - start)


def make_run(run_dir: Path) -> None:
    writers = [RunWriter(run_dir, [SECRET], worker=f"gw{w}", fsync=False) for w in range(2)]
    writers[0].start({"spec": {"sha256": "ab" * 32, "operations": 79}, "target": {"kind": "twin"}})
    for i in range(4000):
        writers[i % 2].finding(finding(i))
    for op in range(79):
        writers[op % 2].operation({"operation": f"POST /family{op}", "status": "failed", "cases": 50,
                                   "duration_s": 1.0, "latency_ms": {"count": 50, "p50": 10, "p95": 30, "max": 40},
                                   "checks": ["a"], "reason": None})
    writers[0].finish({"exit_code": 1})
    for w in writers:
        w.close()


def parse_only(run_dir: Path) -> None:
    for path in run_dir.glob("*.jsonl"):
        for line in path.read_text().splitlines():
            json.loads(line)


def timed(fn, repeats: int) -> float:
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    n = 2000
    naive = statistics.median(bench_naive(n) for _ in range(args.repeats))
    nosync = statistics.median(bench_writer(n, False) for _ in range(args.repeats))
    default = statistics.median(bench_writer(n, True) for _ in range(args.repeats))
    synced = statistics.median(bench_writer(n // 8, True, 0.0) for _ in range(args.repeats))
    print(f"evidence streaming, {n} findings, median of {args.repeats}:")
    print(f"  naive append+flush (peer)      {naive:10,.0f} records/s")
    print(f"  RunWriter fsync=False          {nosync:10,.0f} records/s  ({nosync / naive:.2f}x peer)")
    print(f"  RunWriter default (fsync 0.2s) {default:10,.0f} records/s  ({default / naive:.2f}x peer)")
    print(f"  RunWriter fsync every record   {synced:10,.0f} records/s  ({synced / naive:.3f}x peer)")
    with tempfile.TemporaryDirectory() as tmp:
        run_dir = Path(tmp) / "run"
        make_run(run_dir)
        floor = timed(lambda: parse_only(run_dir), args.repeats)
        built = timed(lambda: build(run_dir), args.repeats)
        sizes = {p.name: p.stat().st_size for p in run_dir.iterdir() if not p.name.endswith(".jsonl")}
    print("report build, 79 operations, 4,000 finding records (400 distinct), median of", args.repeats)
    print(f"  parse evidence only (floor)    {floor * 1000:8.1f} ms")
    print(f"  build() all four reports       {built * 1000:8.1f} ms  ({built / floor:.1f}x floor)")
    print("  sizes: " + ", ".join(f"{k} {v / 1024:.0f} KiB" for k, v in sorted(sizes.items())))


if __name__ == "__main__":
    main()
