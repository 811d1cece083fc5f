"""The contract suite's options, shared by `vapi-contract run` and plain
`pytest --pyargs vapi_contract.contract.suite`, and profiles.

Registered by the suite's pytest plugin (contract/plugin.py, a `pytest11` entry point) and in contract/cli.py
(argparse) from ONE table, so the two entry points cannot drift apart.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..errors import UsageError


@dataclass(frozen=True)
class Profile:
    name: str
    max_examples: int
    modes: tuple[str, ...]  # "positive", "negative"
    coverage_cases: int  # cap on coverage-phase cases per operation (schemathesis ignores max-examples there)
    op_budget_s: float  # wall-clock budget per operation: cut and reported, never hangs
    request_budget: int  # requests the whole run may send, all workers and shards together (0 = unlimited)
    rate_limit: float  # requests per second of the whole run, all workers and shards together (0 = unlimited)
    lifecycle: bool = True
    auth: bool = True


PROFILES: dict[str, Profile] = {
    "smoke": Profile("smoke", 5, ("positive",), 0, 15.0, 0, 0.0),
    "gate": Profile("gate", 15, ("positive", "negative"), 10, 30.0, 0, 0.0),
    "nightly": Profile("nightly", 25, ("positive", "negative"), 20, 60.0, 0, 0.0),
    # 60 s per operation, like nightly: a live run is paced by its rate limit, and the first case of the biggest
    # bodies (POST /session, /squad) can take 30 s to generate on a loaded 2-core runner
    "safe-live": Profile("safe-live", 10, ("positive", "negative"), 10, 60.0, 3000, 5.0),
}


# name, help, default, type, action: one row per option, for both argparse and pytest.
OPTIONS: list[dict] = [
    {"name": "--target", "default": "twin", "help": "'twin' (start a local twin, default) or the base URL of the API"},
    {"name": "--spec", "default": None, "help": "spec source (file, URL, snapshot id, 'latest'); default resolution"},
    {"name": "--profile", "default": None, "choices": sorted(PROFILES),
         "help": "smoke|gate|nightly|safe-live (default: nightly on the twin, safe-live on any other target)"},
    {"name": "--max-examples", "default": None, "type": int, "help": "generated examples per operation and mode"},
    {"name": "--shard", "default": None, "help": "I/N: run the I-th of N deterministic shards (by operation)"},
    {"name": "--seed", "default": None, "type": int, "help": "hypothesis seed (default: random, recorded in run.json)"},
    {"name": "--baseline", "aliases": ["--accepted"], "default": None, "metavar": "FILE",
         "help": "accepted-findings file (default specs/vapi/accepted-findings.yaml); --accepted is the same option"},
    {"name": "--report-dir", "default": None, "help": "run directory (default reports/<run-id>/)"},
    {"name": "--allow-cost", "action": "store_true", "default": False,
         "help": "include operations that cost money or reach the real world (calls, campaigns, LLM runs...)"},
    {"name": "--operations", "default": None,
         "help": "only operations matching these globs, comma separated, e.g. 'GET /assistant*,POST /tool'"},
    {"name": "--modes", "default": None, "help": "generation modes: positive,negative (default from the profile)"},
    {"name": "--op-budget", "default": None, "type": float, "help": "seconds per operation before it is cut"},
    {"name": "--memory-cap", "default": 1500, "type": int, "help": "MB of RSS per worker before an operation is cut"},
    {"name": "--latency-budget", "default": 2000.0, "type": float, "help": "p95 latency budget per operation, ms"},
    {"name": "--request-budget", "default": None, "type": int, "help": "max requests of the whole run, all workers; a CI shard gets 1/N (0 = unlimited)"},
    {"name": "--rate-limit", "default": None, "type": float, "help": "max requests per second of the whole run, all workers; a CI shard gets 1/N (0 = off)"},
    {"name": "--coverage-cases", "default": None, "type": int, "help": "cap on coverage-phase cases per operation"},
    {"name": "--no-lifecycle", "action": "store_true", "default": False, "help": "skip the CRUD lifecycle tests"},
    {"name": "--twin-fault", "default": None, "help": "start the twin with a deliberate fault (suite self-tests)"},
    {"name": "--no-case-cache", "action": "store_true", "default": False,
         "help": "do not reuse generated cases from earlier runs of the same spec"},
]


def dest(name: str) -> str:
    return name.lstrip("-").replace("-", "_")


def add_to_argparse(parser) -> None:
    for row in OPTIONS:
        kwargs = {k: v for k, v in row.items() if k not in ("name", "aliases")}
        parser.add_argument(row["name"], *row.get("aliases", ()), dest=dest(row["name"]), **kwargs)


def add_to_pytest(parser) -> None:
    group = parser.getgroup("vapi-contract", "vapi-contract suite (vapi_contract.contract.suite)")
    for row in OPTIONS:
        kwargs = {k: v for k, v in row.items() if k not in ("name", "choices", "aliases")}
        group.addoption(row["name"], *row.get("aliases", ()), dest=f"vc_{dest(row['name'])}", **kwargs)


@dataclass
class RunOptions:
    """Resolved options: what the run will actually do."""

    target: str = "twin"
    spec: str | None = None
    profile: str = "nightly"
    max_examples: int = 25
    modes: tuple[str, ...] = ("positive", "negative")
    coverage_cases: int = 20
    op_budget_s: float = 60.0
    memory_cap_mb: int = 1500
    latency_budget_ms: float = 2000.0
    request_budget: int = 0
    rate_limit: float = 0.0
    shard: tuple[int, int] | None = None
    seed: int | None = None
    baseline: str | None = None
    report_dir: str | None = None
    allow_cost: bool = False
    operations: tuple[str, ...] = ()
    lifecycle: bool = True
    twin_fault: str | None = None
    case_cache: bool = True
    workers: int = 1
    extra: dict = field(default_factory=dict)

    @property
    def is_twin(self) -> bool:
        return self.target == "twin"

    def limits(self) -> tuple[int, float]:
        """(request budget, rate limit) this run enforces across its workers: the configured ones, or under
        `--shard I/N` this shard's 1/N of each (budget remainder to the first shards), so N shards running at once
        stay within what was configured for the night."""
        if not self.shard:
            return self.request_budget, self.rate_limit
        index, count = self.shard
        budget = self.request_budget // count + (1 if index <= self.request_budget % count else 0)
        if self.request_budget:
            budget = max(1, budget)
        return budget, self.rate_limit / count


def parse_shard(value: str | None) -> tuple[int, int] | None:
    if not value:
        return None
    match = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", value)
    if not match or not (1 <= int(match.group(1)) <= int(match.group(2))):
        raise UsageError(f"--shard must be I/N with 1 <= I <= N, got {value!r}")
    return int(match.group(1)), int(match.group(2))


def resolve(raw: dict) -> RunOptions:
    """RunOptions from raw option values keyed by dest name (None = not given)."""
    target = (raw.get("target") or "twin").strip()
    if target != "twin" and not re.match(r"^https?://", target):
        raise UsageError(f"--target must be 'twin' or an http(s) URL, got {target!r}")
    profile_name = raw.get("profile") or ("nightly" if target == "twin" else "safe-live")
    if profile_name not in PROFILES:
        raise UsageError(f"unknown profile {profile_name!r}; known: {', '.join(sorted(PROFILES))}")
    profile = PROFILES[profile_name]
    modes = profile.modes
    if raw.get("modes"):
        modes = tuple(m.strip() for m in raw["modes"].split(",") if m.strip())
        bad = [m for m in modes if m not in ("positive", "negative")]
        if bad or not modes:
            raise UsageError(f"--modes takes positive,negative; got {raw['modes']!r}")

    def pick(key: str, default):
        value = raw.get(key)
        return default if value is None else value

    max_examples = pick("max_examples", profile.max_examples)
    if max_examples < 1:
        raise UsageError("--max-examples must be at least 1")
    op_budget = pick("op_budget", profile.op_budget_s)
    if op_budget <= 0:
        raise UsageError("--op-budget must be positive")
    if pick("request_budget", 0) < 0 or pick("rate_limit", 0) < 0:
        raise UsageError("--request-budget and --rate-limit take 0 (off) or a positive number")
    ops = tuple(p.strip() for p in (raw.get("operations") or "").split(",") if p.strip())
    return RunOptions(
        target=target, spec=raw.get("spec"), profile=profile_name, max_examples=max_examples, modes=modes,
        coverage_cases=pick("coverage_cases", profile.coverage_cases), op_budget_s=float(op_budget),
        memory_cap_mb=int(pick("memory_cap", 1500)), latency_budget_ms=float(pick("latency_budget", 2000.0)),
        request_budget=int(pick("request_budget", profile.request_budget)),
        rate_limit=float(pick("rate_limit", profile.rate_limit)), shard=parse_shard(raw.get("shard")),
        seed=raw.get("seed"), baseline=raw.get("baseline"), report_dir=raw.get("report_dir"),
        allow_cost=bool(raw.get("allow_cost")), operations=ops,
        lifecycle=profile.lifecycle and not raw.get("no_lifecycle"), twin_fault=raw.get("twin_fault"),
        case_cache=not raw.get("no_case_cache"), workers=int(raw.get("workers") or 1),
    )
