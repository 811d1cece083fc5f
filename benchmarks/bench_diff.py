"""Benchmark `vapi-contract diff` and `changelog` as whole CLI processes, side by side with Atlassian's
`openapi-diff` (npm) on the same pairs.

Budgets (issue 3): diff of the oldest vs newest shared versions and of two consecutive recent versions <= 1 s
each for the whole process; changelog over all shared versions <= 60 s.

    .venv/bin/python benchmarks/bench_diff.py [--repeats 5] [--peer-repeats 1] [--peer-timeout 120]
        [--peer-dir /tmp/vapi-contract-bench-peer] [--no-peer] [--no-changelog] [--history DIR]

The peer is installed with npm into --peer-dir (outside the repo) on first use; the gzipped versions are
decompressed to temporary files for it. Peer runs that exceed --peer-timeout are killed and reported as
"did not finish in N s"; runs that exit with an error are reported with the error's first line.
Medians over repeats; peak memory (max RSS) per process from wait4. The machine is shared, so treat
absolute figures as noisy and read the ratios.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_HISTORY = Path(os.environ.get("VAPI_SPEC_MIRROR", REPO.parent / "shared" / "vapi-spec-history"))
CLI = REPO / ".venv" / "bin" / "vapi-contract"
FIXTURE = REPO / "tests" / "fixtures" / "diff" / "properties"
SYNTHETIC_COPIES = 150  # copies of the fixture API in the synthetic pair (~115 KB, 150 operations)


@dataclass
class Run:
    seconds: float
    max_rss_mb: float
    code: int | None  # None: killed at the time limit
    first_error_line: str = ""
    stdout_bytes: int = 0

    @property
    def produced_a_diff(self) -> bool:
        # openapi-diff exits 1 both for "breaking changes found" and for errors; only the former prints a diff
        return self.code in (0, 1) and self.stdout_bytes > 0


@dataclass
class Measure:
    runs: list[Run] = field(default_factory=list)

    @property
    def finished(self) -> list[Run]:
        return [r for r in self.runs if r.code is not None]

    def median(self) -> float:
        return statistics.median(r.seconds for r in self.runs)

    def describe(self, limit: float) -> str:
        if not self.runs:
            return "not measured"
        if not self.finished:
            return f"did not finish in {limit:g} s"
        failed = [r for r in self.finished if not r.produced_a_diff]
        rss = max(r.max_rss_mb for r in self.runs)
        text = f"median {self.median():.3f} s (n={len(self.runs)}, min {min(r.seconds for r in self.runs):.3f}, " \
               f"max {max(r.seconds for r in self.runs):.3f}), peak {rss:.0f} MB"
        if failed:
            text += f"; FAILED (exit {failed[0].code}): {failed[0].first_error_line}"
        return text

    @property
    def usable(self) -> bool:
        return bool(self.finished) and all(r.produced_a_diff for r in self.runs)


def run_process(cmd: list[str], timeout: float, cwd: Path | None = None) -> Run:
    """Run CMD in its own session; wall time and peak RSS of that process (wait4), killed at TIMEOUT."""
    start = time.perf_counter()
    with tempfile.TemporaryFile() as err, tempfile.TemporaryFile() as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, cwd=cwd, start_new_session=True)
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() - start > timeout:
                os.killpg(proc.pid, signal.SIGKILL)  # the group of the process started just above
                _, status, usage = os.wait4(proc.pid, 0)
                return Run(time.perf_counter() - start, usage.ru_maxrss / 1024, None)
            time.sleep(0.005)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        stdout_bytes = out.seek(0, os.SEEK_END)
        err.seek(0)
        lines = [line.strip() for line in err.read().decode(errors="replace").splitlines() if line.strip()]
    first = next((line for line in lines if "error" in line.lower()), lines[0] if lines else "")
    return Run(seconds, usage.ru_maxrss / 1024, proc.returncode, first[:160], stdout_bytes)


def measure(cmd: list[str], repeats: int, timeout: float, cwd: Path | None = None) -> Measure:
    result = Measure()
    for _ in range(repeats):
        run = run_process(cmd, timeout, cwd)
        result.runs.append(run)
        if run.code is None:
            break  # a second timeout tells nothing new
    return result


def synthetic_pair(folder: Path, copies: int) -> tuple[Path, Path]:
    """A valid, acyclic spec pair the peer accepts: the `properties` fixture API repeated COPIES times with
    its components renamed per copy, so the peer's speed can be compared where it finishes."""
    import yaml

    written = []
    for side in ("old", "new"):
        base = yaml.safe_load((FIXTURE / f"{side}.yaml").read_text())
        doc = {"openapi": base["openapi"], "info": base["info"], "paths": {}, "components": {"schemas": {}}}
        for i in range(copies):
            text = json.dumps(base).replace("#/components/schemas/", f"#/components/schemas/C{i}")
            copy = json.loads(text)
            for path, item in copy["paths"].items():
                doc["paths"][f"/v{i}{path}"] = item
            for name, schema in copy["components"]["schemas"].items():
                doc["components"]["schemas"][f"C{i}{name}"] = schema
        target = folder / f"synthetic-{side}.json"
        target.write_text(json.dumps(doc))
        written.append(target)
    return written[0], written[1]


def ensure_peer(peer_dir: Path) -> Path | None:
    binary = peer_dir / "node_modules" / ".bin" / "openapi-diff"
    if binary.exists():
        return binary
    npm = shutil.which("npm")
    if npm is None:
        print("peer: npm not found; skipping openapi-diff")
        return None
    peer_dir.mkdir(parents=True, exist_ok=True)
    print(f"peer: installing openapi-diff into {peer_dir} (npm)")
    subprocess.run([npm, "init", "-y"], cwd=peer_dir, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   check=False)
    done = subprocess.run([npm, "install", "--no-audit", "--no-fund", "openapi-diff"], cwd=peer_dir,
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
    if done.returncode != 0 or not binary.exists():
        print(f"peer: npm install failed: {done.stderr.decode(errors='replace').strip().splitlines()[-1:]}")
        return None
    return binary


def peer_version(peer_dir: Path) -> str:
    try:
        return json.loads((peer_dir / "node_modules" / "openapi-diff" / "package.json").read_text())["version"]
    except (OSError, ValueError, KeyError):
        return "?"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--history", type=Path, default=DEFAULT_HISTORY)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--peer-repeats", type=int, default=1)
    parser.add_argument("--peer-timeout", type=float, default=120.0)
    parser.add_argument("--peer-dir", type=Path, default=Path(tempfile.gettempdir()) / "vapi-contract-bench-peer")
    parser.add_argument("--no-peer", action="store_true")
    parser.add_argument("--no-changelog", action="store_true")
    args = parser.parse_args()

    index = json.loads((args.history / "index.json").read_text())
    versions = sorted(index["versions"], key=lambda v: (v["published"], v["file"]))
    oldest, previous, newest = (args.history / versions[i]["file"] for i in (0, -2, -1))
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} (shared: figures are noisy)")
    peer = None if args.no_peer else ensure_peer(args.peer_dir)
    if peer:
        print(f"peer: openapi-diff {peer_version(args.peer_dir)} (node {subprocess.check_output(['node', '--version']).decode().strip()})")

    startup = measure([str(CLI), "--version"], args.repeats, 30)
    print(f"\nCLI start-up (vapi-contract --version): {startup.describe(30)}")

    with tempfile.TemporaryDirectory(prefix="bench-diff-") as tmp:
        early = args.history / versions[1]["file"]
        synthetic_old, synthetic_new = synthetic_pair(Path(tmp), SYNTHETIC_COPIES)
        cases = [
            ("oldest vs newest", oldest, newest),
            ("consecutive recent", previous, newest),
            ("consecutive oldest", oldest, early),
            (f"synthetic valid x{SYNTHETIC_COPIES}", synthetic_old, synthetic_new),
            ("small valid fixture pair", FIXTURE / "old.yaml", FIXTURE / "new.yaml"),
        ]
        rows = []
        for name, old, new in cases:
            print(f"\n== {name}: {old.name} -> {new.name}")
            ours = measure([str(CLI), "diff", str(old), str(new), "--format", "json"], args.repeats, 60)
            print(f"  vapi-contract diff : {ours.describe(60)}")
            theirs = Measure()
            if peer:
                plain = []
                for path in (old, new):
                    if path.suffix == ".gz":
                        target = Path(tmp) / path.name.removesuffix(".gz")
                        if not target.exists():
                            target.write_bytes(gzip.decompress(path.read_bytes()))
                        plain.append(target)
                    else:
                        plain.append(path)
                theirs = measure([str(peer), str(plain[0]), str(plain[1])], args.peer_repeats, args.peer_timeout)
                print(f"  openapi-diff (npm) : {theirs.describe(args.peer_timeout)}")
            rows.append((name, ours, theirs))

    print("\n== summary (median seconds; ratio = peer / vapi-contract)")
    for name, ours, theirs in rows:
        budget = " (budget 1 s)" if name in ("oldest vs newest", "consecutive recent") else ""
        if not theirs.runs:
            peer_text = "not measured"
        elif not theirs.finished:
            peer_text = f"did not finish in {args.peer_timeout:g} s (> {args.peer_timeout / ours.median():.0f}x)"
        elif not theirs.usable:
            peer_text = (f"gave up with an error after {theirs.median():.1f} s "
                         f"({theirs.median() / ours.median():.0f}x our time), no diff produced")
        else:
            peer_text = f"{theirs.median():.3f} s, ratio {theirs.median() / ours.median():.1f}x"
        print(f"  {name:24s} vapi-contract {ours.median():.3f} s{budget}; openapi-diff {peer_text}")

    if not args.no_changelog:
        with tempfile.TemporaryDirectory(prefix="bench-changelog-") as out:
            log = measure([str(CLI), "changelog", "--store", str(args.history), "--out", out], 1, 600)
        print(f"\n== changelog over all {len(versions)} versions (budget 60 s): {log.describe(600)}")
        print("   (openapi-diff has no changelog; at its per-pair time above it would need "
              f"{len(versions) - 1} separate runs)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
