"""Breaking yes/no accuracy of the differ per tier, on spec pairs built here (issue 13).

    .venv/bin/python benchmarks/bench_diff_accuracy.py [--write] [--check]

Tiers: `core` (OpenAPI 3.0 changes), `lifecycle` (deprecation, sunset, stability, x-extensible-enum) and `oas31`
(OpenAPI 3.1 / JSON Schema 2020-12 keywords). Each pair is one rule of the reference catalogue placed wherever
oasdiff has an id for it, or an edit that must not be reported as breaking (renamed components, quirks,
3.0 -> 3.1 rewrites). A pair is "breaking" when its expected ids include an error or warning, as `oasdiff
breaking` reports; the differ's verdict is the same question asked of what it found.

`--write` regenerates tests/fixtures/diff/pairs/<tier>/<name>/{base,revision,expected}.json from the case
tables (diff_cases_*.py); the measurement always reads the fixture files, which the unit tests also read.
`--check` exits 1 when a tier is under its target (core 0.98, others 0.95).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

PAIRS = ROOT / "tests" / "fixtures" / "diff" / "pairs"
TARGETS = {"core": 0.98, "lifecycle": 0.95, "oas31": 0.95}


def build_cases() -> list[tuple]:
    from diff_cases_api import body_cases, operation_cases, parameter_cases, response_cases
    from diff_cases_more import property_cases, refactor_cases, security_cases, walker_cases
    from diff_cases_schema import schema_cases

    from vapi_contract.diff.catalogue import LEVELS

    cases = [*schema_cases(LEVELS), *operation_cases(), *parameter_cases(), *body_cases(), *response_cases(),
             *property_cases(), *security_cases(), *walker_cases(), *refactor_cases()]
    seen: set[tuple[str, str]] = set()
    for tier, name, *_ in cases:
        if (tier, name) in seen:
            raise SystemExit(f"duplicate case {tier}/{name}")
        seen.add((tier, name))
    return cases


def write(cases: list[tuple]) -> int:
    from vapi_contract.diff.catalogue import LEVELS

    if PAIRS.exists():
        shutil.rmtree(PAIRS)
    for tier, name, base, revision, expected, options in cases:
        unknown = expected - LEVELS.keys()
        if unknown:
            raise SystemExit(f"{tier}/{name}: ids not in the catalogue: {sorted(unknown)}")
        folder = PAIRS / tier / name
        folder.mkdir(parents=True)
        for file, doc in (("base.json", base), ("revision.json", revision)):
            text = json.dumps(doc, indent=1)
            if len(text) > 50_000:  # the deeply nested pair: indentation alone would make it half a megabyte
                text = json.dumps(doc, separators=(",", ":"))
            (folder / file).write_text(text + "\n")
        breaking = any(LEVELS[rule] in ("error", "warning") for rule in expected)
        (folder / "expected.json").write_text(json.dumps(
            {"ids": sorted(expected), "breaking": breaking, "policy": options}, indent=1) + "\n")
    return len(cases)


def load_pairs(root: Path = PAIRS):
    """Yield (tier, name, base, revision, expected) for every fixture pair on disk."""
    for folder in sorted(p for p in root.glob("*/*") if p.is_dir()):
        expected = json.loads((folder / "expected.json").read_text())
        yield (folder.parent.name, folder.name, json.loads((folder / "base.json").read_text()),
               json.loads((folder / "revision.json").read_text()), expected)


def run_pair(base: dict, revision: dict, expected: dict):
    from vapi_contract.diff import compare
    from vapi_contract.diff.policy import Policy

    policy = Policy(**expected.get("policy", {}))
    return compare(base, revision, policy=policy)


def measure() -> dict[str, dict]:
    totals: dict[str, dict] = defaultdict(lambda: {"cases": 0, "right": 0, "false_breaking": [], "missed": [],
                                                    "ids_expected": 0, "ids_found": 0, "exact": 0})
    for tier, name, base, revision, expected in load_pairs():
        result = run_pair(base, revision, expected)
        found = {change.id for change in result.changes}
        predicted = bool(result.at_least("warning"))
        row = totals[tier]
        row["cases"] += 1
        row["right"] += predicted == expected["breaking"]
        if predicted and not expected["breaking"]:
            row["false_breaking"].append(name)
        if expected["breaking"] and not predicted:
            row["missed"].append(name)
        row["ids_expected"] += len(expected["ids"])
        row["ids_found"] += len(set(expected["ids"]) & found)
        row["exact"] += set(expected["ids"]) == found
    return dict(totals)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="regenerate the fixture pairs first")
    parser.add_argument("--check", action="store_true", help="exit 1 when a tier is under its target")
    args = parser.parse_args(argv)
    if args.write:
        print(f"wrote {write(build_cases())} pairs under {PAIRS.relative_to(ROOT)}")
    totals = measure()
    print(f"{'tier':<10} {'cases':>5} {'breaking y/n acc':>16} {'target':>6} {'id recall':>9} {'exact ids':>9}")
    below = False
    for tier in sorted(totals, key=lambda t: list(TARGETS).index(t) if t in TARGETS else 9):
        row = totals[tier]
        accuracy = row["right"] / row["cases"]
        recall = row["ids_found"] / row["ids_expected"] if row["ids_expected"] else 1.0
        target = TARGETS.get(tier, 0.95)
        below |= accuracy < target
        print(f"{tier:<10} {row['cases']:>5} {accuracy:>16.3f} {target:>6.2f} {recall:>9.3f} {row['exact'] / row['cases']:>9.3f}")
        for label in ("false_breaking", "missed"):
            if row[label]:
                print(f"    {label.replace('_', ' ')}: {', '.join(row[label][:12])}")
    return 1 if args.check and below else 0


if __name__ == "__main__":
    sys.exit(main())
