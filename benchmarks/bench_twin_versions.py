"""Twin honesty across spec versions: the contract suite (default profile, a handful of examples) against the
twin, once for every shared spec version, and the server-bug findings each version gets.

The twin serves exactly the spec it is given, so on an honest twin every server-bug finding is the twin's fault
or the check's: the goal is zero on every version. For each version `vapi-contract run --spec FILE
--max-examples N --seed S` runs in its own run directory (twin started and stopped by the run); its summary.json
is read for:

- server-bug: distinct findings classified `server-bug` (known or not: the twin has no accepted bugs);
- undoc-props: `undocumented_properties` findings (triaged `spec-gap` for a real API, a twin bug here: the twin
  serves the very spec it is checked against);
- other: the remaining findings that are neither `known` nor `infra` (new spec gaps);
- slow: `latency_budget` findings (p95 over 2 s): on a loaded shared machine they measure the machine, not the
  twin's honesty (benchmarks/bench_twin.py measures its speed), so they are shown apart and not counted as bugs;
- exit: the run's exit code (3 = could not test: counted as a failure of the version).

A fixed seed (default 1) makes re-runs reuse the generated cases (the suite's case cache), so a re-run after a
fix costs a fraction of the first. Results stream to OUT/results.jsonl (one line per version, `--resume` skips
versions already there), every server-bug and undoc-props finding with its curl reproducer to OUT/findings.md.

    .venv/bin/python benchmarks/bench_twin_versions.py [--examples 3] [--versions GLOB,...] [--jobs 1]
        [--out DIR] [--resume] [--order spread|date] [--rerun-bad] [--report-only] [--timeout 1200] [--tree CHECKOUT]

`--versions` takes globs on the file name (`2025-*`, `*7dc5137*`) and the words `oldest`, `newest`, `middle`.
Exit 0 when every selected version finished with zero server-bug and zero undoc-props findings, 1 otherwise,
2 on bad options.
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
HISTORY = Path(os.environ.get("VAPI_SPEC_MIRROR", REPO.parent / "shared" / "vapi-spec-history"))
CLI = REPO / ".venv" / "bin" / "vapi-contract"


def versions(history: Path) -> list[str]:
    index = json.loads((history / "index.json").read_text())
    return [entry["file"] for entry in index["versions"]]


def select(files: list[str], spec: str | None) -> list[str]:
    if not spec:
        return files
    chosen: list[str] = []
    for word in (part.strip() for part in spec.split(",") if part.strip()):
        named = {"oldest": files[:1], "newest": files[-1:], "middle": files[(len(files) - 1) // 2:(len(files) - 1) // 2 + 1]}
        hits = named.get(word) or [f for f in files if fnmatch.fnmatch(f, word) or word in f]
        if not hits:
            raise ValueError(f"--versions: {word!r} matches no version in index.json")
        chosen += [f for f in hits if f not in chosen]
    return [f for f in files if f in chosen]


def spread(files: list[str]) -> list[str]:
    """Oldest, newest, then the middles of ever smaller gaps: a run cut short (a slow, shared machine) has still
    sampled the whole history evenly rather than only its first months."""
    if len(files) <= 2:
        return list(files)
    order, gaps = [0, len(files) - 1], [(0, len(files) - 1)]
    while gaps:
        next_gaps = []
        for low, high in gaps:
            if high - low > 1:
                middle = (low + high) // 2
                order.append(middle)
                next_gaps += [(low, middle), (middle, high)]
        gaps = next_gaps
    return [files[i] for i in order]


def read_summary(run_dir: Path) -> dict | None:
    try:
        return json.loads((run_dir / "summary.json").read_text())
    except (OSError, ValueError):
        return None


def tally(summary: dict | None) -> dict:
    """Counts and the findings worth listing, from one run's summary.json."""
    if summary is None:
        return {"server_bug": None, "undoc_props": None, "other": None, "slow": None, "infra": None, "cases": None,
                "cut": None, "listed": []}
    findings = summary.get("findings") or []
    slow = [f for f in findings if f.get("check") == "latency_budget"]
    server = [f for f in findings if f.get("classification") == "server-bug" and f not in slow]
    undoc = [f for f in findings if f.get("check") == "undocumented_properties"]
    other = [f for f in findings if f not in server and f not in undoc and f not in slow
             and f.get("status") != "known" and f.get("classification") != "infra"]
    keep = ("operation", "check", "classification", "status_code", "message", "reproducer", "status")
    # why a run could not test (exit 3): its operations that did not run to the end, with their reasons
    cut = [{"operation": op.get("operation"), "check": "(not completed)", "classification": op.get("outcome"),
            "status_code": None, "message": op.get("reason"), "reproducer": "", "status": None}
           for op in summary.get("operations") or [] if op.get("outcome") in ("error", "timeout", "unfinished")]
    return {"server_bug": len(server), "undoc_props": len(undoc), "other": len(other), "slow": len(slow),
            "cut": len(cut),
            "infra": sum(f.get("classification") == "infra" for f in findings),
            "cases": (summary.get("totals") or {}).get("cases"),
            "listed": [{k: f.get(k) for k in keep} for f in server + undoc + other] + cut}


def run_version(file: str, args, out: Path) -> dict:
    run_dir = out / "runs" / file.removesuffix(".json.gz")
    command = [str(CLI), "run", "--spec", str(args.history / file), "--max-examples", str(args.examples),
               "--seed", str(args.seed), "--op-budget", str(args.op_budget), "--report-dir", str(run_dir), "-q"]
    run_dir.parent.mkdir(parents=True, exist_ok=True)
    tree = args.tree.resolve()
    # the code under test: this checkout, or another one (a `git worktree` of a commit, so the work tree others
    # edit meanwhile does not change a long run halfway); its src/ goes first on the path, twin included
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(tree / "src"), os.environ.get("PYTHONPATH")]))}
    commit = subprocess.run(["git", "-C", str(tree), "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True, check=False).stdout.strip() or None
    started = time.monotonic()
    with open(out / "runs" / f"{run_dir.name}.log", "w") as log:
        try:
            exit_code = subprocess.run(command, check=False, stdout=log, stderr=subprocess.STDOUT, cwd=tree, env=env,
                                       timeout=args.timeout).returncode
        except subprocess.TimeoutExpired:
            exit_code = "timeout"
    return {"version": file, "exit": exit_code, "seconds": round(time.monotonic() - started, 1), "commit": commit,
            **tally(read_summary(run_dir))}


def incomplete(row: dict) -> bool:
    """The run could not test everything it selected: exit 2/3/timeout, or an operation that did not run to the
    end (a run with new findings exits 1 even then)."""
    return row["exit"] not in (0, 1) or bool(row.get("cut"))


def bad(row: dict) -> bool:
    """Not clean: not completed, no readable summary, or a server bug / undocumented property."""
    return incomplete(row) or row["server_bug"] is None or bool(row["server_bug"]) or bool(row["undoc_props"])


def table(rows: list[dict]) -> str:
    lines = [(f"{'version':34} {'exit':>7} {'cases':>6} {'server-bug':>10} {'undoc-props':>11} {'other':>5} "
             f"{'slow':>4} {'infra':>5} {'cut':>3} {'s':>6}")]
    for r in rows:
        lines.append(f"{r['version'].removesuffix('.json.gz'):34} {r['exit']!s:>7} {r['cases']!s:>6} "
                     f"{r['server_bug']!s:>10} {r['undoc_props']!s:>11} {r['other']!s:>5} "
                     f"{r.get('slow')!s:>4} {r['infra']!s:>5} {r.get('cut')!s:>3} {r['seconds']:>6}")
    total = lambda key: sum(r[key] or 0 for r in rows)
    lines.append(f"total: {len(rows)} versions, server-bug {total('server_bug')}, undoc-props "
                 f"{total('undoc_props')}, other {total('other')}, slow {total('slow')}, infra {total('infra')}; versions with a "
                 f"server-bug {sum(bool(r['server_bug']) for r in rows)}, not completed "
                 f"{sum(incomplete(r) for r in rows)}, clean {sum(not bad(r) for r in rows)}")
    return "\n".join(lines)


def findings_md(rows: list[dict]) -> str:
    out = ["# Findings per version (server-bug, undocumented_properties, other new)", ""]
    for r in rows:
        for f in r["listed"]:
            out += [(f"- {r['version']} | {f['operation']} | {f['check']} | {f['classification']} | "
                    f"{f['status_code']} | {f['message']}"), f"  `{f['reproducer']}`"]
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=3, help="--max-examples per operation and mode")
    parser.add_argument("--versions", help="comma-separated globs on file names; oldest, newest, middle")
    parser.add_argument("--jobs", type=int, default=1, help="versions run at once (each is a run + a twin)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--op-budget", type=float, default=600,
                        help="seconds per operation (the profile's 60 s cuts big operations on a loaded machine, "
                             "and a cut run is incomplete: it would measure the machine, not the twin)")
    parser.add_argument("--history", type=Path, default=HISTORY)
    parser.add_argument("--out", type=Path, default=REPO / "reports" / "bench-twin-versions")
    parser.add_argument("--tree", type=Path, default=REPO, help="checkout whose suite and twin run (default: this one)")
    parser.add_argument("--resume", action="store_true", help="skip versions already in OUT/results.jsonl")
    parser.add_argument("--order", choices=("spread", "date"), default="spread",
                        help="run order: spread over the history first (default) or by date")
    parser.add_argument("--rerun-bad", action="store_true",
                        help="with --resume: run again the versions that were not clean")
    parser.add_argument("--report-only", action="store_true",
                        help="run nothing: the table of the versions already in OUT/results.jsonl (with --resume)")
    parser.add_argument("--timeout", type=float, default=1200, help="seconds per version before it is cut")
    args = parser.parse_args(argv)
    try:
        if args.examples < 1 or args.jobs < 1:
            raise ValueError("--examples and --jobs must be >= 1")
        files = select(versions(args.history), args.versions)
    except (OSError, ValueError, KeyError) as exc:
        print(f"bench_twin_versions: error: {exc}", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    results = args.out / "results.jsonl"
    done: dict[str, dict] = {}
    if args.resume and results.exists():
        for line in results.read_text().splitlines():
            row = json.loads(line)
            # counted again from the run's own summary.json: the reading may have changed since
            run_dir = args.out / "runs" / row["version"].removesuffix(".json.gz")
            done[row["version"]] = {**row, **tally(read_summary(run_dir))}
    elif results.exists() and not args.report_only:  # a table-only call never throws results away
        results.unlink()
    if args.rerun_bad:  # after a fix: the versions that were not clean run again, the clean ones are kept
        done = {f: row for f, row in done.items() if not bad(row)}
    todo = [] if args.report_only else \
        [f for f in (spread(files) if args.order == "spread" else files) if f not in done]
    print(f"{len(files)} versions ({len(todo)} to run), {args.examples} examples, {args.jobs} job(s), "
          f"out {args.out}", flush=True)

    def one(file: str) -> dict:
        row = run_version(file, args, args.out)
        with open(results, "a") as fh:
            fh.write(json.dumps(row) + "\n")
        print(f"  {file}: exit {row['exit']}, server-bug {row['server_bug']}, undoc-props {row['undoc_props']}, "
              f"{row['seconds']} s", flush=True)
        return row

    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        for row in pool.map(one, todo):
            done[row["version"]] = row
    rows = [done[f] for f in files if f in done]
    (args.out / "findings.md").write_text(findings_md(rows))
    text = table(rows)
    (args.out / "table.txt").write_text(text + "\n")
    print(text)
    return 1 if any(bad(r) for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
