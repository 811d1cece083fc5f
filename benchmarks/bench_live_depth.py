"""Live depth: a default-profile contract run BY URL, as a user meets api.vapi.ai, on the newest shared spec.

One standalone twin (`vapi-contract twin --seed-objects 3`: every collection of both organisations holds 3 objects,
as a real account does), reached by URL with its tokens; no `--profile`, so a URL gets `safe-live`. Measured:

- after:  `vapi-contract run --target URL` with the code of this checkout;
- before: the same command with the suite and package of a git ref (`--before`, default HEAD), from a temporary
  `git worktree` put first on PYTHONPATH (default 5478341, the last commit before live depth); the twin always
  comes from this checkout (same target for both);
- st:     `st run --url URL` on the same (normalized) spec, every operation that is not costly, same examples,
  the built-in checks and phases, the primary token as a header.

Figures: wall time of the whole command, cases (summary.json totals.cases; st: its "N generated"), cases/s, peak RSS
of the command's process tree (the twin is not in it), operations that answered a 2xx at least once read from the
twin's own record (`GET /__twin/stats`) out of the spec's operations, and the run's own exercised/total and new
findings (summary.json totals.exercised / totals.new) where the code writes them. The twin is reset (its seeded
objects come back, its stats are cleared) before every measurement; each run starts with an empty case cache.

    .venv/bin/python benchmarks/bench_live_depth.py [--max-examples 10] [--repeats 1] [--before REF] [--skip-st]

The machine is shared: read medians and ratios, not absolute figures.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_contract import measure  # same wall time and process-tree RSS reading

REPO = Path(__file__).resolve().parents[1]
SPEC = Path(os.environ.get("VAPI_SPEC_MIRROR", REPO.parent / "shared" / "vapi-spec-history")) / \
    "2026-04-22T1131-7dc5137.json.gz"
BIN = REPO / ".venv" / "bin"
PRIMARY, SECONDARY, ADMIN = "twin-token-org-a", "twin-token-org-b", "twin-admin-token"
METHODS = ("get", "put", "post", "delete", "patch", "head", "options")


def spec_operations() -> list[tuple[str, str | None]]:
    """(label, operationId) of every operation of the spec, e.g. ("GET /assistant/{id}", "AssistantController_findOne")."""
    with gzip.open(SPEC, "rb") as fh:
        document = json.load(fh)
    return [(f"{method.upper()} {path}", op.get("operationId") if isinstance(op, dict) else None)
            for path, item in document.get("paths", {}).items() for method, op in item.items() if method in METHODS]


class Twin:
    """A standalone twin from this checkout's code, reached only through its URL."""

    def __init__(self, log: Path, seed_objects: int):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log.open("w")
        self.process = subprocess.Popen(
            [str(BIN / "vapi-contract"), "twin", "--spec", str(SPEC), "--port", str(self.port),
             "--seed-objects", str(seed_objects)], cwd=REPO, stdout=self.log, stderr=subprocess.STDOUT,
            env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"})
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"twin exited with {self.process.returncode}; see {log}")
            try:
                self.admin("GET", "/__twin/health")
                return
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise SystemExit(f"twin did not answer on {self.url} within 120 s; see {log}")

    def admin(self, method: str, path: str, body: dict | None = None) -> dict:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.url + path, data=data, method=method, headers={
            "Authorization": f"Bearer {ADMIN}", "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.loads(response.read() or b"{}")

    def reset(self) -> None:
        """Objects made by the previous measurement gone, seeded objects back, stats cleared."""
        self.admin("POST", "/__twin/reset", {})

    def answered_2xx(self) -> set[str]:
        stats = self.admin("GET", "/__twin/stats")
        return {label for label, codes in stats.items() if any(str(code).startswith("2") for code in codes)}

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.log.close()


def run_ours(name: str, checkout: Path, twin: Twin, examples: int, seed: int, work: Path) -> dict:
    report = work / f"{name}-report"
    env = {**os.environ, "VAPI_API_KEY": PRIMARY, "VAPI_API_KEY_SECONDARY": SECONDARY,
           "XDG_CACHE_HOME": str(work / f"{name}-cache"), "PYTHONHASHSEED": "0"}
    env.pop("VAPI_CONTRACT_CONTEXT", None)
    if checkout != REPO:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(checkout / "src"), os.environ.get("PYTHONPATH")]))
    command = [str(BIN / "vapi-contract"), "run", "--target", twin.url, "--spec", str(SPEC), "--max-examples",
               str(examples), "--seed", str(seed), "--report-dir", str(report), "-q"]
    twin.reset()
    result = {**_measure(command, env, checkout), "answered_2xx": twin.answered_2xx()}
    summary_file = report / "summary.json"
    totals = json.loads(summary_file.read_text()).get("totals", {}) if summary_file.exists() else {}
    result.update(cases=totals.get("cases", 0), exercised=totals.get("exercised"),
                  exercised_of=totals.get("exercised_of"), new=totals.get("new"),
                  verdict=json.loads(summary_file.read_text()).get("verdict") if summary_file.exists() else None)
    return result


def run_st(twin: Twin, spec_file: Path, excluded: list[str], examples: int, seed: int, work: Path,
           phases: str | None = None, timeout: float | None = None) -> dict:
    command = [str(BIN / "st"), "run", str(spec_file), "--url", twin.url, "-H", f"Authorization: Bearer {PRIMARY}",
               "-n", str(examples), "--seed", str(seed), "--continue-on-failure", "--no-color"]
    for label in excluded:
        command += ["--exclude-name", label]
    if phases:
        command += ["--phases", phases]
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    twin.reset()
    result = {**_measure(command, env, work, timeout), "answered_2xx": twin.answered_2xx()}
    found = re.search(r"(\d+) generated", result["output"])
    result.update(cases=int(found.group(1)) if found else 0, exercised=None, exercised_of=None, new=None,
                  verdict=None)
    return result


def _measure(command: list[str], env: dict, cwd: Path, timeout: float | None = None) -> dict:
    """`bench_contract.measure` in `cwd` (the before-run resolves its defaults, e.g. the baseline, in its own
    checkout); st is killed past `timeout` (rc -9: it prints its cases only at the end)."""
    return measure(command, env, cwd=cwd, timeout=timeout)


def normalized_spec_file(directory: Path) -> Path:
    """The document our run tests (the spec read with its quirks), so `st` is not penalised by the raw spec."""
    sys.path.insert(0, str(REPO / "src"))
    from vapi_contract.spec.quirks import normalize

    with gzip.open(SPEC, "rb") as fh:
        document = json.load(fh)
    path = directory / "normalized.json"
    path.write_text(json.dumps(normalize(document).document))
    return path


def costly(operations: list[tuple[str, str | None]]) -> list[str]:
    from vapi_contract.contract.safety import classify

    return [label for label, op_id in operations if classify(*label.split(" ", 1), op_id).is_cost]


def summarize(runs: list[dict], spec_total: int) -> dict:
    def med(key):
        values = [r[key] for r in runs if isinstance(r.get(key), (int, float))]
        return statistics.median(values) if values else None

    rates = [r["cases"] / r["seconds"] for r in runs if r["seconds"]]
    return {"seconds": round(med("seconds"), 1), "cases": med("cases"),
            "cases_per_s": round(statistics.median(rates), 2) if rates else None,
            "peak_mb": round(max(r["peak_mb"] for r in runs)), "answered_2xx": med("n_2xx"),
            "spec_operations": spec_total, "exercised": med("exercised"), "exercised_of": med("exercised_of"),
            "new": med("new"), "rc": [r["rc"] for r in runs], "verdict": [r["verdict"] for r in runs]}


def fmt(value, spec: str = "") -> str:
    return "-" if value is None else format(value, spec)


def ratio(a, b) -> str:
    return f"{a / b:.2f}x" if isinstance(a, (int, float)) and isinstance(b, (int, float)) and b else "-"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--max-examples", type=int, default=10)
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--before", default="5478341",
                        help="git ref whose suite is measured as 'before' (default: the last commit before live depth)")
    parser.add_argument("--skip-before", action="store_true")
    parser.add_argument("--skip-st", action="store_true")
    parser.add_argument("--seed-objects", type=int, default=3)
    parser.add_argument("--st-phases", default=None, help="st --phases (default: st's own, all four)")
    parser.add_argument("--st-timeout", type=float, default=1800, help="seconds before st is killed (rc=-9)")
    args = parser.parse_args()
    operations = spec_operations()
    excluded = costly(operations)
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} (shared; figures are noisy)")
    print(f"spec: {SPEC.name}: {len(operations)} operations, {len(excluded)} costly (not in st's run)")
    print(f"default profile by URL, --max-examples {args.max_examples}, twin --seed-objects {args.seed_objects}\n")
    results: dict[str, list[dict]] = {"after": [], "before": [], "st": []}
    with tempfile.TemporaryDirectory(prefix="bench-live-depth-") as tmp:
        work = Path(tmp)
        worktree = None
        if not args.skip_before:
            worktree = work / "before"
            subprocess.run(["git", "worktree", "add", "--detach", "-q", str(worktree), args.before], cwd=REPO,
                           check=True)
        twin = Twin(work / "twin.log", args.seed_objects)
        try:
            spec_file = normalized_spec_file(work)
            for repeat in range(args.repeats):
                seed = 1000 + repeat
                plan = {"after": partial(run_ours, f"after{repeat}", REPO, twin, args.max_examples, seed, work)}
                if worktree:
                    plan["before"] = partial(run_ours, f"before{repeat}", worktree, twin, args.max_examples, seed,
                                             work)
                if not args.skip_st:
                    plan["st"] = partial(run_st, twin, spec_file, excluded, args.max_examples, seed, work,
                                         args.st_phases, args.st_timeout)
                for name, run in plan.items():
                    result = run()
                    result["n_2xx"] = len(result["answered_2xx"])
                    results[name].append(result)
                    rate = result["cases"] / result["seconds"] if result["seconds"] else 0
                    print(f"  {name:<7} #{repeat + 1} seed {seed}: {result['cases']:>6} cases {result['seconds']:>7.1f}"
                          f" s {rate:>7.2f} cases/s peak {result['peak_mb']:>5.0f} MB 2xx-ops {result['n_2xx']}/"
                          f"{len(operations)} exercised {fmt(result['exercised'])}/{fmt(result['exercised_of'])} "
                          f"new {fmt(result['new'])} rc={result['rc']} {result['verdict'] or ''}")
                    if result["rc"] not in (0, 1) and name != "st":
                        print("    output tail:", *result["output"].splitlines()[-15:], sep="\n    ")
        finally:
            twin.stop()
            if worktree:
                subprocess.run(["git", "worktree", "remove", "--force", str(worktree)], cwd=REPO, check=False)
                shutil.rmtree(worktree, ignore_errors=True)
        spec_labels = {label for label, _ in operations}
        final = {name: summarize(runs, len(operations)) for name, runs in results.items() if runs}
    print(f"\n{'':<8}{'wall s':>8}{'cases':>8}{'cases/s':>9}{'peak MB':>9}{'2xx ops':>10}{'exercised':>11}{'new':>5}")
    for name, s in final.items():
        print(f"{name:<8}{s['seconds']:>8}{fmt(s['cases']):>8}{fmt(s['cases_per_s']):>9}{s['peak_mb']:>9}"
              f"{fmt(s['answered_2xx']) + '/' + str(s['spec_operations']):>10}"
              f"{fmt(s['exercised']) + '/' + fmt(s['exercised_of']):>11}{fmt(s['new']):>5}")
    a, b, st = final.get("after"), final.get("before"), final.get("st")
    for other_name, other in (("before", b), ("st", st)):
        if a and other:
            print(f"after/{other_name}: wall {ratio(a['seconds'], other['seconds'])}, cases/s "
                  f"{ratio(a['cases_per_s'], other['cases_per_s'])}, 2xx ops "
                  f"{ratio(a['answered_2xx'], other['answered_2xx'])}, peak {ratio(a['peak_mb'], other['peak_mb'])}")
    if results["after"]:
        last = results["after"][-1]["answered_2xx"]
        never = sorted(spec_labels - last)
        print(f"\nnever answered 2xx in the last after-run ({len(never)}): {', '.join(never)}")
        if results["before"]:
            gained = sorted(last - results["before"][-1]["answered_2xx"])
            print(f"answered 2xx after, not before ({len(gained)}): {', '.join(gained)}")
    print(json.dumps({"bench": "live_depth", "spec": SPEC.name, "max_examples": args.max_examples,
                      "repeats": args.repeats, "before_ref": None if args.skip_before else args.before, **final,
                      "ratios": {"after/before_cases_per_s": ratio(a and a["cases_per_s"], b and b["cases_per_s"]),
                                 "after/st_cases_per_s": ratio(a and a["cases_per_s"], st and st["cases_per_s"]),
                                 "after/before_wall": ratio(a and a["seconds"], b and b["seconds"]),
                                 "after/st_wall": ratio(a and a["seconds"], st and st["seconds"])}}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
