"""Run preparation and completion, done ONCE per run (by `vapi-contract run`, or by the pytest plugin when the
suite is started with plain `pytest --pyargs vapi_contract.contract.suite`): load + normalize the spec, start the
twin or check the live target, plan, open the run dir; at the end merge worker evidence into run.json, stop the
twin, build the reports.

Workers find everything through the context file named by $VAPI_CONTRACT_CONTEXT (a private temp file outside
the run dir: it may hold twin tokens; live keys are never written, they stay in the environment).
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import secrets as _random
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .. import config
from ..errors import TargetUnreachableError, UsageError
from ..fsutil import atomic_write
from .options import RunOptions
from .plan import Plan, build

CONTEXT_ENV = config.CONTEXT_ENV
CACHE_FORMAT = 1
TWIN_SEED_OBJECTS = 3
# The suite's test files and what their tests record: `operations` one result per fuzzed operation (its label),
# `lifecycle` one per CRUD family (`lifecycle /x`) and per list behaviour probe (`behaviour GET /x`); `auth` one
# `auth <label>` per probed operation, whose result is the probe's checked answers (coverage source `auth`).
SUITES = ("operations", "lifecycle", "auth")


@dataclass
class RunContext:
    run_dir: str
    run_id: str
    base_url: str
    target_kind: str  # "twin" | "live"
    options: dict[str, Any]
    plan: dict[str, Any]
    spec_cache: str  # pickle of the normalized document
    spec_fingerprint: str
    spec_meta: dict[str, Any]
    owner: str  # "cli" | "pytest": who finishes the run
    twin_tokens: list[str] = field(default_factory=list)
    twin_pid: int | None = None
    timings: dict[str, float] = field(default_factory=dict)
    started: float = 0.0

    @property
    def run_options(self) -> RunOptions:
        data = dict(self.options)
        data["modes"] = tuple(data["modes"])
        data["operations"] = tuple(data["operations"])
        data["shard"] = tuple(data["shard"]) if data.get("shard") else None
        return RunOptions(**data)

    @property
    def run_plan(self) -> Plan:
        return Plan.from_dict(self.plan)

    def keys(self) -> tuple[str | None, str | None]:
        """(primary, secondary) credentials: the twin's org tokens, or the environment's live keys."""
        if self.target_kind == "twin":
            tokens = self.twin_tokens + [None, None]
            return tokens[0], tokens[1]
        return config.api_key(), config.secondary_api_key()

    def secrets(self) -> list[str]:
        return [k for k in self.keys() if k]

    def save(self, path: Path) -> None:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as fh:
            json.dump(asdict(self), fh)

    @classmethod
    def load(cls, path: str | None = None) -> RunContext:
        path = path or os.environ.get(CONTEXT_ENV)
        if not path or not Path(path).exists():
            raise UsageError("no contract run context: start the suite with `vapi-contract run` or "
                             "`pytest --pyargs vapi_contract.contract.suite [--target ...]`")
        return cls(**json.loads(Path(path).read_text()))


def _quirks_version() -> str:
    """Hash of the quirks sources: a changed normalizer invalidates cached normalized specs."""
    from ..spec import quirks

    digest = hashlib.sha256()
    for path in sorted(Path(quirks.__file__).parent.rglob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def normalized_spec(raw: bytes, document: dict[str, Any]) -> tuple[Path, str, list[dict[str, Any]]]:
    """(pickle path, fingerprint, spec issues) of the normalized spec, cached by spec bytes + normalizer version so
    every worker and every later run of the same spec skips the normalization."""
    sha = hashlib.sha256(raw).hexdigest()
    fingerprint = hashlib.sha256(f"{sha}:{_quirks_version()}:{CACHE_FORMAT}".encode()).hexdigest()[:24]
    cache = config.cache_dir() / "contract" / "normalized"
    path = cache / f"{fingerprint}.pickle"
    if path.exists():
        try:
            with path.open("rb") as fh:
                issues = pickle.load(fh)["issues"]
            return path, fingerprint, issues
        except Exception:  # noqa: BLE001 - a corrupt cache entry is rebuilt, never trusted
            path.unlink(missing_ok=True)
    from ..spec.quirks import normalize

    result = normalize(document)
    issues = [{"kind": i.kind, "pointer": i.pointer, "message": i.message, "fingerprint": i.fingerprint}
              for i in result.issues]
    atomic_write(path, pickle.dumps({"document": result.document, "issues": issues},
                                    protocol=pickle.HIGHEST_PROTOCOL), durable=False)  # a cache: not fsynced
    return path, fingerprint, issues


def load_normalized(path: str | Path) -> dict[str, Any]:
    with open(path, "rb") as fh:
        return pickle.load(fh)["document"]


def check_reachable(base_url: str, timeout: float = 10.0) -> None:
    """Any HTTP answer means reachable; a connection that still fails after the project's retries is exit 3,
    never a pass."""
    import httpx

    from .. import retry

    try:
        retry.call(lambda: httpx.get(base_url.rstrip("/") + "/", timeout=timeout),
                   retry.Policy(attempts=3, backoff=1.0, max_total=10.0))
    except retry.GaveUp as exc:
        if exc.response is None:
            raise TargetUnreachableError(f"target {base_url} unreachable: {exc.detail}") from None
    except httpx.HTTPError as exc:
        raise TargetUnreachableError(f"target {base_url} unreachable: {type(exc).__name__}: {exc}") from None


def selected_ids(plan: Plan, document: dict[str, Any], suites: tuple[str, ...] = SUITES) -> list[str]:
    """What the run means to test, as the ids of the results its tests record (run.json `options.selected`): the
    report calls a run with any of them missing incomplete, never a pass. A shard's plan is its own share."""
    ids: list[str] = []
    if "operations" in suites:
        ids += plan.operations
    if "lifecycle" in suites:
        ids += [f"lifecycle {family.name}" for family in plan.families]
        ids += [f"behaviour {label}" for label in plan.lists]
    if "auth" in suites:
        ids += [f"auth {label}" for label in plan.auth_operations]
    return ids


_HELD_LOCKS: list[Any] = []  # run-dir locks a plain pytest run holds until finish()


def live_hosts(options: RunOptions) -> tuple[str, ...]:
    """Where VAPI_API_KEY may go besides the configured spec host: the live target itself (a spec it serves)."""
    return () if options.is_twin or not options.target else (options.target,)


def claim_report_dir(report_dir: str | None):
    """A given --report-dir never mixes two runs: a previous run there is cleared (said in one line), a folder
    holding anything else is refused (exit 2). Returns the lock held for the run (None for a new default dir)."""
    if not report_dir:
        return None  # reports/<run-id>/ is new by construction
    from ..evidence.writer import claim_run_dir

    lock, note = claim_run_dir(report_dir)
    if note:
        print(f"vapi-contract: {note}", file=sys.stderr)
    return lock


def prepare(options: RunOptions, owner: str, *, suites: tuple[str, ...] = SUITES) -> tuple[RunContext, Any]:
    """Everything a run needs before its tests start. Returns (context, twin-or-None); raises VapiContractError.
    `suites`: the test files the run collects (a `pytest --pyargs vapi_contract.contract.suite.test_operations`
    run records no lifecycle), which decide `options.selected`."""
    from ..evidence.writer import RunWriter, new_run_id
    from ..spec.sources import load

    started = time.monotonic()
    if owner != "cli":  # `vapi-contract run` claimed it already; a plain pytest run claims it here, before the twin
        _HELD_LOCKS.append(claim_report_dir(options.report_dir))
    if options.seed is None:  # recorded in run.json so any run can be replayed exactly
        options.seed = new_seed()
    t0 = time.perf_counter()
    loaded = load(options.spec, key_hosts=live_hosts(options))
    spec_cache, fingerprint, issues = normalized_spec(loaded.raw, loaded.document)
    document = load_normalized(spec_cache)
    spec_load_s = time.perf_counter() - t0
    plan = build(document, options)
    twin = None
    if options.is_twin:
        from ..twin.server import start_twin

        # a few objects in every collection before the run, as a real account has: item operations are
        # exercised on objects that exist, not only on ones the run created
        twin = start_twin(spec=loaded.document, port=0, fault=options.twin_fault, seed_objects=TWIN_SEED_OBJECTS)
        base_url, kind, tokens = twin.base_url, "twin", list(twin.tokens.values())
    else:
        if not config.api_key():
            raise UsageError("VAPI_API_KEY is not set: a live target needs a key from the environment")
        base_url, kind, tokens = options.target.rstrip("/"), "live", []
        check_reachable(base_url)
    run_id = new_run_id()
    run_dir = Path(options.report_dir or Path("reports") / run_id).resolve()
    info = loaded.document.get("info") or {}
    spec_meta = {"origin": loaded.origin, "sha256": hashlib.sha256(loaded.raw).hexdigest(),
                 "title": info.get("title"), "version": info.get("version"),
                 "operations": sum(1 for _ in _iter_labels(loaded.document)), "published_at": loaded.published_at}
    ctx = RunContext(run_dir=str(run_dir), run_id=run_id, base_url=base_url, target_kind=kind,
                     options=asdict(options), plan=plan.to_dict(), spec_cache=str(spec_cache),
                     spec_fingerprint=fingerprint, spec_meta=spec_meta, owner=owner, twin_tokens=tokens,
                     twin_pid=twin.pid if twin else None, timings={"spec_load_s": round(spec_load_s, 3)},
                     started=started)
    writer = RunWriter(run_dir, ctx.secrets())
    writer.start({
        "run_id": run_id, "target": {"kind": kind, "base_url": base_url}, "spec": spec_meta,
        "profile": options.profile, "seed": options.seed, "max_examples": options.max_examples,
        "workers": options.workers, "shard": f"{options.shard[0]}/{options.shard[1]}" if options.shard else None,
        "timings": ctx.timings, "spec_issues": issues,
        "options": {**_public_options(options), "excluded": plan.excluded,
                    "families": [f.name for f in plan.families], "notes": loaded.notes,
                    "selected": selected_ids(plan, document, suites)},
    })
    writer.close()
    skipped = {**{label: "not selected by --operations" for label in plan.unselected}, **plan.excluded}
    _record_skips(run_dir, ctx, skipped)
    return ctx, twin


def _iter_labels(document):
    from ..spec.model import iter_operations

    return (op.label for op in iter_operations(document))


def _public_options(options: RunOptions) -> dict[str, Any]:
    data = asdict(options)
    data["shard"] = f"{options.shard[0]}/{options.shard[1]}" if options.shard else None
    data["latency_budget_ms"] = options.latency_budget_ms
    budget, rate = options.limits()  # what this run enforces across its workers (a shard: its 1/N)
    data["limits"] = {"request_budget": budget, "rate_limit": round(rate, 4),
                      "scope": f"shard {data['shard']}" if options.shard else "whole run"}
    return data


def _record_skips(run_dir: Path, ctx: RunContext, skipped: dict[str, str]) -> None:
    """Operations the run does not test are reported as skipped with the reason, never left out silently."""
    from ..evidence.model import Latency, OperationRecord
    from ..evidence.writer import RunWriter

    with RunWriter(run_dir, ctx.secrets(), worker="controller", fsync=False) as writer:
        for label, reason in sorted(skipped.items()):
            writer.operation(OperationRecord(label, "skipped", duration_s=0.0, latency_ms=Latency(count=0), checks=[],
                                             reason=reason))


def install(ctx: RunContext) -> Path:
    """Write the context to a private temp file and point $VAPI_CONTRACT_CONTEXT at it (inherited by workers)."""
    with tempfile.NamedTemporaryFile("w", prefix="vapi-contract-ctx-", suffix=".json", delete=False) as handle:
        path = Path(handle.name)
    ctx.save(path)
    os.environ[CONTEXT_ENV] = str(path)
    return path


def finish(ctx: RunContext, twin: Any, *, pytest_rc: int | None, interrupted: bool = False) -> int:
    """Close the run: stop the twin, merge worker-side spec issues and timings into run.json, build reports.
    Returns the exit code of the run (0/1/2/3)."""
    run_dir = Path(ctx.run_dir)
    if twin is not None:
        twin.stop()
    try:
        return _finish(ctx, run_dir, pytest_rc, interrupted)
    finally:
        while _HELD_LOCKS:
            lock = _HELD_LOCKS.pop()
            if lock is not None:
                lock.release()


def _finish(ctx: RunContext, run_dir: Path, pytest_rc: int | None, interrupted: bool) -> int:
    from ..evidence.model import OperationRecord, SpecIssue
    from ..evidence.reader import merged_spec_issues, read_records
    from ..evidence.writer import RunWriter
    from ..report import build as build_reports

    writer = RunWriter(run_dir, ctx.secrets())
    unread: list[str] = []  # a line cut by a killed worker: the report says so, not this sum
    listed = [SpecIssue.from_json(i, unread) for i in writer.read_meta().get("spec_issues") or []
              if isinstance(i, dict)]
    issues = merged_spec_issues(listed, [SpecIssue.from_json(r, unread)
                                         for r in read_records(run_dir, "spec-issues", unread)])
    ops = [OperationRecord.from_json(r, unread) for r in read_records(run_dir, "operations", unread)]
    timings = dict(ctx.timings)
    timings["generation_s"] = round(sum(o.generation_s or 0.0 for o in ops), 3)
    timings["collection_s"] = round(max((o.collection_s or 0.0 for o in ops), default=0.0), 3)
    timings["total_s"] = round(time.monotonic() - ctx.started, 3)
    status = "interrupted" if interrupted else "completed"
    infra_failure = pytest_rc not in (0, 1, 5, None)  # 2 interrupted, 3 internal error, 4 usage error
    if infra_failure and not interrupted:
        status = "error"
    from .budget import LIMITS_FILE, requests_sent

    writer.finish({"spec_issues": [i.to_json() for i in issues], "timings": timings, "status": status,
                   "exit_code": 3 if infra_failure else None,
                   "requests_sent": requests_sent(run_dir / LIMITS_FILE)})  # under a budget or rate limit
    writer.close()
    baseline = ctx.options.get("baseline")
    if baseline is None:
        from ..report.baseline import SHIPPED, default_baseline

        baseline = str(default_baseline())
        if baseline == str(SHIPPED):
            print(f"vapi-contract: no accepted findings in {config.store_dir()}: triaged against the shipped "
                  f"ones (Vapi's undocumented 4xx), {SHIPPED}", file=sys.stderr)
    summary = build_reports(run_dir, baseline, secrets=ctx.secrets())
    code = int(summary.get("exit_code", 3))
    if infra_failure:
        code = 3
    final = RunWriter(run_dir, ctx.secrets())
    final.finish({"exit_code": code, "status": status})
    final.close()
    print(f"vapi-contract: run {ctx.run_id}: {summary.get('verdict')} (exit {code}){missing_text(summary)}; "
          f"reports in {run_dir}", file=sys.stderr)
    return code


def missing_text(summary: dict[str, Any], shown: int = 5) -> str:
    """`; 3 selected without a result: GET /a, lifecycle /b, ...` for the terminal line, or ``."""
    missing = [m.get("operation") for m in summary.get("missing") or [] if isinstance(m, dict)]
    if not missing:
        return ""
    more = f" (+{len(missing) - shown} more)" if len(missing) > shown else ""
    return f"; {len(missing)} selected without a result: {', '.join(map(str, missing[:shown]))}{more}"


def dry_plan(options: RunOptions) -> tuple[Plan | None, str]:
    """(plan, spec origin) a run with these options would test, from the spec alone, for `pytest --co`: no twin,
    no target check, no run dir. A local spec (file, snapshot id, `latest`) is read as given; the default source or a
    URL is not fetched, the newest snapshot in the store (else the newest mirror version) stands in for it; with
    neither, (None, why): nothing is listed."""
    from ..spec.fetch import is_url
    from ..spec.sources import load, load_file, load_snapshot, newest_in_mirror, open_store

    if options.spec is not None and not is_url(str(options.spec)):
        loaded = load(options.spec)
    else:
        store = open_store(None)
        latest = store.latest()
        mirror = config.spec_mirror()
        if latest is not None:
            loaded = load_snapshot(store, latest.id)
        elif mirror is not None and mirror.is_dir():
            loaded = load_file(newest_in_mirror(mirror))
        else:
            return None, "the spec would be downloaded and no snapshot or mirror holds a copy (pass --spec FILE)"
    spec_cache, _, _ = normalized_spec(loaded.raw, loaded.document)
    return build(load_normalized(spec_cache), options), loaded.origin


def new_seed() -> int:
    return _random.randbits(32)
