"""Contract-suite throughput vs the schemathesis CLI (`st run`), against the twin on the newest shared spec.

Same operations, same built-in checks (ours also runs its own 5 on top), same generation modes, same examples per
operation, one twin per measurement. Figures: test cases per second of the whole command (wall clock, start-up
included), peak memory of the whole process tree, and our run's spec-load / collection / generation split.

    .venv/bin/python benchmarks/bench_contract.py            # comparison on a fixed operation set
    .venv/bin/python benchmarks/bench_contract.py --full     # + full run: every operation, 25 ex. pos+neg, 2 workers

`vapi-contract run` is measured cold (empty cache dir: everything generated) and warm (same seed again: the
generated cases are reused from the cache keyed by spec fingerprint + seed). The machine is shared: read medians
and ratios, not absolute figures.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SPEC = Path(os.environ.get("VAPI_SPEC_MIRROR", REPO.parent / "shared" / "vapi-spec-history")) / \
    "2026-04-22T1131-7dc5137.json.gz"
BIN = REPO / ".venv" / "bin"
# light reads, id lookups, deletes and two heavy request bodies: the mix a run spends its time on
OPERATIONS = ["GET /assistant", "GET /assistant/{id}", "DELETE /squad/{id}", "GET /tool", "POST /tool",
              "PATCH /tool/{id}", "POST /assistant"]
CHECKS = ["not_a_server_error", "content_type_conformance", "response_schema_conformance",
          "response_headers_conformance", "negative_data_rejection", "positive_data_acceptance", "ignored_auth"]
PAGE = os.sysconf("SC_PAGE_SIZE")


def tree_rss_mb(root: int) -> float:
    """RSS of `root` and all its descendants (one /proc scan)."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            with open(f"/proc/{entry}/statm") as fh:
                rss[int(entry)] = int(fh.read().split()[1])
            parents[int(entry)] = int(fields[1])
        except (OSError, IndexError, ValueError):
            continue
    members, frontier = {root}, [root]
    while frontier:
        current = frontier.pop()
        for pid, ppid in parents.items():
            if ppid == current and pid not in members:
                members.add(pid)
                frontier.append(pid)
    return sum(rss.get(pid, 0) for pid in members) * PAGE / 1e6


def measure(command: list[str], env: dict[str, str], cwd: Path = REPO, timeout: float | None = None) -> dict:
    """Run a command in `cwd`; wall time, peak RSS of its process tree (sampled every 0.2 s), output. Past
    `timeout` seconds it is killed (rc -9) with the output it had printed."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True)
    peak = [0.0]
    done = threading.Event()

    def sample():
        while not done.is_set():
            peak[0] = max(peak[0], tree_rss_mb(process.pid))
            done.wait(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        output, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        output, _ = process.communicate()
    done.set()
    sampler.join()
    return {"seconds": time.perf_counter() - started, "peak_mb": peak[0], "output": output,
            "rc": process.returncode}


def start_twin():
    sys.path.insert(0, str(REPO / "src"))
    from vapi_contract.twin.server import start_twin as start

    return start(spec=SPEC)


def normalized_spec_file(directory: Path) -> Path:
    """The same normalized document our run tests, so `st` is not penalised by the raw spec's quirks."""
    from vapi_contract.spec.quirks import normalize

    with gzip.open(SPEC, "rb") as fh:
        document = json.load(fh)
    path = directory / "normalized.json"
    path.write_text(json.dumps(normalize(document).document))
    return path


def run_st(spec_file: Path, operations: list[str], examples: int, seed: int, env: dict) -> dict:
    twin = start_twin()
    try:
        command = [str(BIN / "st"), "run", str(spec_file), "--url", twin.base_url, "-H",
                   f"Authorization: Bearer {twin.tokens['org-a']}", "--phases", "fuzzing", "--mode", "all",
                   "-n", str(2 * examples), "--seed", str(seed), "--continue-on-failure", "--checks", ",".join(CHECKS),
                   "--no-color"]
        for label in operations:
            command += ["--include-name", label]
        result = measure(command, env)
    finally:
        twin.stop()
    found = re.search(r"(\d+) generated", result["output"])
    result["cases"] = int(found.group(1)) if found else 0
    return result


def run_ours(operations: list[str] | None, examples: int, seed: int, workers: int, env: dict, report: Path,
             extra: list[str] = ()) -> dict:
    command = [str(BIN / "vapi-contract"), "run", "--spec", str(SPEC), "--profile", "nightly", "--max-examples",
               str(examples), "--modes", "positive,negative", "--coverage-cases", "0", "--seed", str(seed),
               "--workers", str(workers), "--report-dir", str(report), "-q", *extra]
    if operations:
        command += ["--operations", ",".join(operations), "--no-lifecycle", "--", "-k", "test_operation"]
    result = measure(command, env)
    ops = [json.loads(line) for p in report.glob("operations*.jsonl") for line in p.read_text().splitlines()]
    result["cases"] = sum(o.get("cases", 0) for o in ops if not str(o["operation"]).startswith("lifecycle"))
    result["timings"] = json.loads((report / "run.json").read_text()).get("timings", {})
    result["statuses"] = {s: sum(o["status"] == s for o in ops) for s in {o["status"] for o in ops}}
    return result


def line(name: str, r: dict) -> str:
    rate = r["cases"] / r["seconds"] if r["seconds"] else 0
    return (f"  {name:<28} {r['cases']:>6} cases  {r['seconds']:>7.1f} s  {rate:>7.2f} cases/s  "
            f"peak {r['peak_mb']:>6.0f} MB  rc={r['rc']}")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--examples", type=int, default=25, help="examples per operation and mode")
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--full", action="store_true", help="also the full run: every operation")
    parser.add_argument("--skip-st", action="store_true")
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} (shared; figures are noisy)")
    print(f"spec: {SPEC.name}; operations: {', '.join(OPERATIONS)}")
    print(f"examples: {args.examples} per operation and mode (st: -n {2 * args.examples} over --mode all)\n")
    results: dict[str, list[dict]] = {"st": [], "cold": [], "warm": []}
    with tempfile.TemporaryDirectory(prefix="bench-contract-") as tmp:
        tmp = Path(tmp)
        spec_file = normalized_spec_file(tmp)
        for repeat in range(args.repeats):
            seed = 1000 + repeat
            cache = tmp / f"cache-{repeat}"
            env = {**os.environ, "XDG_CACHE_HOME": str(cache), "PYTHONHASHSEED": "0"}
            env.pop("VAPI_CONTRACT_CONTEXT", None)
            if not args.skip_st:
                results["st"].append(run_st(spec_file, OPERATIONS, args.examples, seed, env))
                print(line(f"st run (repeat {repeat + 1})", results["st"][-1]))
            results["cold"].append(run_ours(OPERATIONS, args.examples, seed, args.workers, env,
                                            tmp / f"cold-{repeat}"))
            print(line(f"vapi-contract cold ({repeat + 1})", results["cold"][-1]), results["cold"][-1]["timings"])
            results["warm"].append(run_ours(OPERATIONS, args.examples, seed, args.workers, env,
                                            tmp / f"warm-{repeat}"))
            print(line(f"vapi-contract warm ({repeat + 1})", results["warm"][-1]), results["warm"][-1]["timings"])

        def median_rate(name):
            rates = [r["cases"] / r["seconds"] for r in results[name] if r["seconds"]]
            return statistics.median(rates) if rates else 0.0

        print("\nmedian cases/s:", {k: round(median_rate(k), 2) for k in results if results[k]})
        if results["st"] and median_rate("st"):
            print(f"ratio vs st run: cold {median_rate('cold') / median_rate('st'):.2f}x, "
                  f"warm {median_rate('warm') / median_rate('st'):.2f}x (target >= 3x)")
        for name, rs in results.items():
            if rs:
                print(f"peak memory (whole process tree, twin included) {name}: "
                      f"{max(r['peak_mb'] for r in rs):.0f} MB (target for vapi-contract <= 2048 MB)")
        if args.full:
            env = {**os.environ, "XDG_CACHE_HOME": str(tmp / "cache-full")}
            env.pop("VAPI_CONTRACT_CONTEXT", None)
            full = run_ours(None, 25, 4242, args.workers, env, tmp / "full")
            print("\nfull run, every operation of the spec (costly ones excluded), 25 examples pos+neg, "
                  f"{args.workers} workers:")
            print(line("vapi-contract full", full), full["timings"], full["statuses"])
            print(f"full run wall time {full['seconds'] / 60:.1f} min (target <= 5 min), peak {full['peak_mb']:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
