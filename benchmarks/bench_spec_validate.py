"""Spec validation: `vapi-contract spec validate` vs `openapi-spec-validator --validation-errors all`.

Both run as whole CLI processes on the newest shared version (decompressed once to a temp .json so both
read the same bytes). Ours is timed cold (empty cache) and warm (cached). Before timing, the error sets are
checked to be identical: our JSON fingerprints == the fingerprints of the reference library's errors
(located in-process by tests/unit/spec/reference.py), and our count == the reference CLI's count.

    .venv/bin/python benchmarks/bench_spec_validate.py [SPEC.json.gz] [--repeats N]
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
MIRROR = Path(os.environ.get("VAPI_SPEC_MIRROR", REPO.parent / "shared" / "vapi-spec-history"))


def newest() -> Path:
    versions = json.loads((MIRROR / "index.json").read_text())["versions"]
    return MIRROR / max(versions, key=lambda v: v["published"])["file"]


def timed(cmd: list[str], env: dict[str, str]) -> tuple[float, subprocess.CompletedProcess]:
    started = time.perf_counter()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)  # exit 1 = errors found
    return time.perf_counter() - started, proc


def reference_module():
    spec = importlib.util.spec_from_file_location("bench_reference", REPO / "tests/unit/spec/reference.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("spec", nargs="?", type=Path)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    source = args.spec or newest()

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        spec_json = tmp / "spec.json"
        spec_json.write_bytes(gzip.decompress(source.read_bytes()) if source.suffix == ".gz" else source.read_bytes())
        env = {**os.environ, "VAPI_SPEC_URL": "off", "VAPI_CONTRACT_STORE": str(tmp / "store")}
        ours_cmd = [str(BIN / "vapi-contract"), "spec", "validate", str(spec_json), "--format", "json"]
        ref_cmd = [str(BIN / "openapi-spec-validator"), "--validation-errors", "all", str(spec_json)]

        # Identity first: same errors, or the timings mean nothing.
        _, ours = timed(ours_cmd, {**env, "XDG_CACHE_HOME": str(tmp / "identity-cache")})
        _, ref = timed(ref_cmd, env)
        report = json.loads(ours.stdout)
        ours_fps = Counter(e["fingerprint"] for e in report["errors"])
        found = re.search(r"(\d+) validation errors found", ref.stdout)
        ref_count = int(found.group(1)) if found else 0
        reference = reference_module()
        document = json.loads(spec_json.read_text())
        ref_fps = reference.reference_fingerprints(reference.with_dangling_targets_stubbed(document))
        is_dangling = [e["pointer"].endswith("/$ref") and "does not resolve" in e["message"] for e in report["errors"]]
        dangling = sum(is_dangling)
        ours_comparable = Counter(e["fingerprint"] for e, d in zip(report["errors"], is_dangling) if not d)
        # The reference CLI dies on a dangling $ref, so then only the located library run is comparable.
        identical = ours_comparable == ref_fps and (dangling > 0 or sum(ours_fps.values()) == ref_count)
        print(f"spec: {source.name} ({spec_json.stat().st_size / 1e6:.1f} MB JSON)")
        ref_cli = f"{ref_count}" if found else f"no count (exit {ref.returncode}: it crashes on dangling refs)"
        print(f"errors: ours {sum(ours_fps.values())} (dangling refs {dangling}), reference CLI {ref_cli}, "
              f"fingerprint multisets identical: {identical}")
        if not identical:
            print("ERROR SETS DIFFER: timings are not comparable", file=sys.stderr)
            return 1

        ref_times, cold_times, warm_times = [], [], []
        warm_env = {**env, "XDG_CACHE_HOME": str(tmp / "warm-cache")}
        timed(ours_cmd, warm_env)  # prime the warm cache
        for n in range(args.repeats):  # interleaved, so machine load hits all three alike
            ref_times.append(timed(ref_cmd, env)[0])
            cold_times.append(timed(ours_cmd, {**env, "XDG_CACHE_HOME": str(tmp / f"cold-{n}")})[0])
            warm_times.append(timed(ours_cmd, warm_env)[0])

    ref_m, cold_m, warm_m = (statistics.median(t) for t in (ref_times, cold_times, warm_times))
    load = os.getloadavg()[0]
    print(f"repeats: {args.repeats} (medians; load average {load:.1f} on {os.cpu_count()} CPUs)")
    print(f"openapi-spec-validator --validation-errors all : {ref_m:6.3f} s")
    print(f"vapi-contract spec validate, cold (empty cache): {cold_m:6.3f} s   ratio {cold_m / ref_m:.3f}x (target <= 0.25x)")
    print(f"vapi-contract spec validate, warm (cached)     : {warm_m:6.3f} s   ratio {warm_m / ref_m:.3f}x (target <= 0.05x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
