"""The per-worker engine: one schemathesis schema, one HTTP client, one evidence writer, shared by every test a
pytest(-xdist) worker runs. `run_operation(label)` fuzzes one operation (bounded coverage cases, then positive and
negative hypothesis generation) under a time budget and memory cap, checks every response, replays failures,
triages them and streams findings to the run dir as they happen.
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..evidence.model import Finding, Latency, OperationRecord, SpecIssue
from ..spec import fingerprint as fingerprints
from ..spec.model import split_label
from . import checks as our_checks
from . import triage
from .budget import AUTH_REQUESTS, LIFECYCLE_REQUESTS, OperationCut, ShareSpent, paused, rss_mb, watch
from .case_cache import CaseCache
from .checks.latency_budget import latency_budget, summary
from .context import RunContext, load_normalized
from .coverage import Coverage
from .negation import really_invalid
from .patches import key_database_entry, release_memory
from .progress import current as current_progress
from .transport import Client, InfraError, RequestBudgetExhausted

# check -> the check that reports the same cause more precisely (reported instead, never both)
REDUNDANT = {"status_code_conformance": "undocumented_status_code"}
# After an operation, a worker above this share of its memory cap empties the generation caches (release_memory):
# cheap operations skip the ~0.2 s it costs, and heavy ones never pile up until the cap cuts everything after them.
RELEASE_AT = 0.6


@dataclass
class OperationOutcome:
    label: str
    status: str = "passed"  # passed | failed | skipped | error | timeout
    cases: int = 0
    # per generation mode, so "fixed" can require a re-check by a case of the accepted finding's kind
    cases_by_mode: dict[str, int] = field(default_factory=dict)
    reason: str | None = None
    findings: list[Finding] = field(default_factory=list)
    latencies_ms: list[float] = field(default_factory=list)
    generation_s: float = 0.0
    duration_s: float = 0.0

    @property
    def contract_findings(self) -> list[Finding]:
        return [f for f in self.findings if f.real]


class Engine:
    def __init__(self, ctx: RunContext, collection_s: float = 0.0):
        import schemathesis
        from schemathesis.config import SchemathesisConfig

        from . import patches

        patches.install()

        from ..evidence.writer import RunWriter

        self.ctx = ctx
        self.options = ctx.run_options
        self.plan = ctx.run_plan
        self.live = ctx.target_kind != "twin"
        started = time.perf_counter()
        self.document = load_normalized(ctx.spec_cache)
        config = SchemathesisConfig.from_dict({
            "base-url": ctx.base_url,
            # no undocumented-method probing, ever (a live account is not a playground)
            "phases": {"coverage": {"unexpected-methods": [], "generate-duplicate-query-parameters": False}},
            # our checks' own settings (the run's keys for api_key_not_echoed), as schemathesis configures checks
            "checks": our_checks.config(our_checks.RunSettings(tuple(ctx.secrets()), ctx.run_options)),
        })
        self.schema = schemathesis.openapi.from_dict(self.document, config=config)
        self.schema_load_s = time.perf_counter() - started
        self.collection_s = collection_s
        self.client = Client.for_run(ctx)  # budget and rate held across every worker of the run
        self.primary, self.secondary = ctx.keys()
        self.secrets = ctx.secrets()
        self.checks = our_checks.all_checks(self.schema, live=self.live)
        self.writer = RunWriter(Path(ctx.run_dir), self.secrets)
        self.cache = CaseCache(ctx.spec_fingerprint, enabled=self.options.case_cache)
        self._seen: set[str] = set()
        self.coverage = Coverage(self.writer)
        self.exchange_latency: dict[str, list[float]] = {}  # hand-built requests' latencies, per operation
        self.exchange_findings: list[Finding] = []  # findings of hand-built requests, per test
        from .objects import ObjectPool
        from .resources import Tracker

        self.tracker = Tracker(self)  # objects this run created: deleted at the end of the session
        self.objects = ObjectPool(self)

    def _worker_budget(self) -> int:
        """This worker's part of the run's budget, for sizing operation shares (the cap itself is run-wide)."""
        budget = self.options.limits()[0]
        return max(1, budget // max(1, self.options.workers)) if budget else 0

    def operation_share(self) -> int:
        """Requests one fuzzed operation may send under a request budget (0: no budget, no share): what is left
        after lifecycles and auth probes, split evenly over the operations this worker is expected to run."""
        budget = self._worker_budget()
        if not budget:
            return 0
        workers = max(1, self.options.workers)
        reserved = (LIFECYCLE_REQUESTS * len(self.plan.families) + AUTH_REQUESTS * len(self.plan.auth_operations))
        per_worker_ops = max(1.0, len(self.plan.operations) / workers)
        return max(10, int((budget - reserved / workers) / per_worker_ops))

    # -- helpers ------------------------------------------------------------------------------------------
    def auth_headers(self, key: str | None = None) -> dict[str, str]:
        key = key if key is not None else self.primary
        return {"Authorization": f"Bearer {key}"} if key else {}

    def find(self, label: str):
        method, path = split_label(label)
        return self.schema[path][method]

    def exchange(self, label: str, method: str, path: str, **kwargs):
        """Send a hand-built request for `label` through the one response-check path (contract/exchange.py)."""
        from . import exchange

        return exchange.send(self, label, method, path, **kwargs)

    def drain_findings(self) -> list[Finding]:
        """Findings of hand-built requests since the last call (the test that sent them reports them)."""
        found, self.exchange_findings = self.exchange_findings, []
        return found

    def end_test(self) -> None:
        """After each test: the latency budget of hand-built requests, then flush coverage counts."""
        for label, samples in self.exchange_latency.items():
            finding = self.latency_finding(label, samples)
            if finding is not None and not self.seen(finding):
                self.exchange_findings.append(finding)
                self.record_finding(finding)
        self.exchange_latency.clear()
        with paused():
            self.coverage.flush()

    def spec_issue(self, kind: str, pointer: str, message: str) -> None:
        issue = SpecIssue(kind, pointer, message[:500], fingerprints.run_issue(kind, pointer, message))
        with paused():
            self.writer.spec_issue(issue)

    def record_finding(self, finding: Finding, outcome: OperationOutcome | None = None) -> None:
        """Stream a finding once per fingerprint per worker (the same cause seen again only bumps nothing)."""
        if finding.fingerprint in self._seen:
            return
        self._seen.add(finding.fingerprint)
        if outcome is not None:
            outcome.findings.append(finding)
        with paused():
            self.writer.finding(finding)

    def finding(self, operation: str, check: str, message: str, *, status_code: int | None,
                reproducer: str, flaky: bool = False, transport_error: bool = False,
                details: dict[str, Any] | None = None, classification: str | None = None) -> Finding:
        classification = classification or triage.classify(check, status_code, transport_error=transport_error)
        fingerprint, message = triage.identity(operation, check, classification, message)
        return Finding(operation, check, classification, fingerprint, message[:500], reproducer, flaky, status_code,
                       details or {})

    # -- checks -------------------------------------------------------------------------------------------
    def run_checks(self, case, response, headers: dict[str, str], checks=None) -> list[tuple[str, Any]]:
        from requests.structures import CaseInsensitiveDict
        from schemathesis.checks import CheckContext, run_checks, run_checks_for

        config = case.operation.schema.config.checks_config_for(operation=case.operation, phase=None)
        ctx = CheckContext(
            override=case._override, auth=None, headers=CaseInsensitiveDict(headers), config=config,
            transport_kwargs={"base_url": self.ctx.base_url, "session": self.client.session, "headers": headers},
            response_checks=run_checks_for(case.operation.schema).for_responses(),
        )
        failed: list[tuple[str, Any]] = []
        run_checks(case=case, response=response, ctx=ctx, checks=checks or self.checks,
                   on_failure=lambda name, collected, failure: failed.append((name, failure)))
        return failed

    def headers_for(self, case) -> dict[str, str]:
        """Our credentials, unless the case deliberately sends invalid ones (negative mode negated the security
        parameter): overriding those would turn an auth test into a valid request 'accepted' by mistake."""
        try:
            negated = case.operation.schema.is_security_param_negated(case)
        except Exception:  # noqa: BLE001 - an unusual case shape: send our credentials
            negated = False
        return {} if negated else self.auth_headers()

    def execute(self, case, outcome: OperationOutcome) -> None:
        headers = self.headers_for(case)
        outcome.cases += 1
        mode = _mode(case) or "other"
        outcome.cases_by_mode[mode] = outcome.cases_by_mode.get(mode, 0) + 1
        try:
            response = self.client.call(case, headers)
        except OperationCut:
            raise
        except InfraError as exc:
            self.record_finding(outcome=outcome, finding=self.finding(
                outcome.label, "transport", str(exc), status_code=exc.status_code, transport_error=True,
                reproducer=triage.curl(case.method, self.ctx.base_url + case.formatted_path, headers, None,
                                       self.secrets)))
            return
        except Exception as exc:  # noqa: BLE001 - a case the HTTP layer cannot send: say so, keep going
            self.spec_issue("unsendable-case", outcome.label, f"{outcome.label}: {type(exc).__name__}: {exc}")
            return
        outcome.latencies_ms.append(_elapsed_ms(response))
        self.coverage.saw(outcome.label, "fuzz", response.status_code)
        self.objects.observe(case, response)
        failed = self.run_checks(case, response, headers)
        names = {name for name, _ in failed}
        for name, failure in failed:
            if name in REDUNDANT and REDUNDANT[name] in names:
                continue  # the same cause, reported once by the more precise check
            if name == "negative_data_rejection" and not really_invalid(self.document, case):
                self.spec_issue("negation-still-valid", outcome.label, f"{outcome.label}: a negated request "
                                "body still matches the request schema (another oneOf/anyOf branch): not a finding")
                continue
            with paused():
                self.report_failure(case, response, headers, name, failure, outcome)

    def check_failure(self, label: str, case, response, name: str, failure, details: dict[str, Any]) -> Finding:
        """The finding of a failed check on `response` (a fuzzed case's or a hand-built request's), not replayed."""
        title = failure.title if not failure.title.startswith("Custom check failed") else ""
        message = f"{title}: {failure.message}".strip(": ") if failure.message else title
        if name not in our_checks.OURS:  # schemathesis' later lines are case data and long explanations
            message = triage.cause_and_detail(message)[0]
        classification = triage.classify(name, response.status_code,
                                         documented=triage.documents_status(case, response.status_code))
        return self.finding(label, name, message, status_code=response.status_code, classification=classification,
                            reproducer=triage.reproducer_from_response(response, self.secrets),
                            details={**details, **triage.response_details(response)})

    def seen(self, finding: Finding) -> bool:
        """This worker already recorded the same cause (findings stream once per fingerprint)."""
        return finding.fingerprint in self._seen

    def report_failure(self, case, response, headers, name: str, failure, outcome: OperationOutcome) -> None:
        finding = self.check_failure(outcome.label, case, response, name, failure,
                                     {"case_id": case.id, "generation_mode": _mode(case)})
        if self.seen(finding):
            return
        self.record_finding(replace(finding, flaky=not self.reproduces(case, response, headers, name)), outcome)

    def reproduces(self, case, response, headers, name: str) -> bool:
        """Replay the case once; the finding stands only if the same check fails again. A DELETE that succeeded
        is not replayed (its object is gone: the replay could only answer 404), the first observation stands."""
        if case.method.upper() == "DELETE" and 200 <= response.status_code < 300:
            return True
        try:
            again = self.client.call(case, headers)
            self.objects.observe(case, again)  # a replayed create made an object too: tracked, deleted at the end
        except (InfraError, RequestBudgetExhausted):
            return False
        except Exception:  # noqa: BLE001 - not re-sendable: the first observation stands
            return True
        check = next((c for c in self.checks if c.__name__ == name), None)
        if check is None:
            return True
        return any(n == name for n, _ in self.run_checks(case, again, headers, checks=[check]))

    # -- one operation ------------------------------------------------------------------------------------
    def run_operation(self, label: str) -> OperationOutcome:
        outcome = OperationOutcome(label)
        started = time.perf_counter()
        io_time = [0.0]
        progress = current_progress()  # live: operation, cases, elapsed (contract/progress.py)
        progress.start(label)
        try:
            operation = self.find(label)
        except Exception as exc:  # noqa: BLE001 - schemathesis could not build the operation: a spec issue
            self.spec_issue("operation-unusable", label, f"{type(exc).__name__}: {exc}")
            outcome.status, outcome.reason = "error", f"spec: operation unusable: {str(exc)[:200]}"
            return self.close_operation(outcome, started)

        from .objects import Targets

        targets: Targets | None = None  # made inside the budget below: harvesting reads count against it
        share, first_sent = self.operation_share(), self.client.stats.sent

        def run_case(case):
            if share and self.client.stats.sent - first_sent >= share:
                raise ShareSpent()
            t0 = time.perf_counter()
            targets.apply(case)
            self.execute(case, outcome)
            self.cache.remember(case)
            io_time[0] += time.perf_counter() - t0
            progress.update(outcome.cases)

        dog = None
        try:
            with watch(self.options.op_budget_s, self.options.memory_cap_mb) as dog:
                targets = Targets(self.objects, label)  # real objects for path ids (reads harvest them)
                for case in self.cache.replay(operation, self.options):
                    run_case(case)
                    dog.check()
                if not self.cache.was_replayed(label):
                    self.generate(operation, run_case, dog)
                self.cache.store(label)
        except ShareSpent:
            outcome.reason = f"stopped at its share of the request budget ({share} requests) after {outcome.cases} cases"
        except RequestBudgetExhausted as exc:
            outcome.status, outcome.reason = "error", f"infra: {exc.reason}"
        except OperationCut as cut:
            outcome.status, outcome.reason = "timeout", f"generation {cut.reason} after {outcome.cases} cases"
            self.spec_issue("slow-operation", label, f"{label}: {outcome.reason}")
        except Exception as exc:  # noqa: BLE001 - generation failed: report it as a spec issue, never crash
            if dog is not None and dog.fired:
                # the cut (a signal) landed inside hypothesis/schemathesis and surfaced as one of their errors
                # (seen: IndexError 'pop from empty list'): it is the time budget, not the schema
                outcome.status, outcome.reason = "timeout", f"generation {dog.fired} after {outcome.cases} cases"
                self.spec_issue("slow-operation", label, f"{label}: {outcome.reason}")
            else:
                kind = _generation_error_kind(exc)
                self.spec_issue(kind, label, f"{label}: {type(exc).__name__}: {str(exc)[:300]}")
                first = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
                outcome.status, outcome.reason = "error", f"spec: {kind}: {first}"
        outcome.generation_s = max(0.0, time.perf_counter() - started - io_time[0])
        if rss_mb() > self.options.memory_cap_mb * RELEASE_AT:
            release_memory()
        return self.close_operation(outcome, started)

    def generate(self, operation, run_case, dog) -> None:
        from hypothesis import HealthCheck, Phase, given, settings
        from hypothesis import seed as hyp_seed
        from hypothesis.errors import Unsatisfiable
        from schemathesis import GenerationMode

        modes = [GenerationMode(m) for m in self.options.modes]
        if self.options.coverage_cases:
            generation_config = self.schema.config.generation_for(operation=operation, phase="coverage")
            generation_config.modes = modes
            cases = self.schema.iter_coverage_cases(operation, generation_modes=modes,
                                                    generation_config=generation_config)
            for case in itertools.islice(cases, self.options.coverage_cases):
                run_case(case)
                dog.check()
        for mode in modes:
            test_settings = settings(
                max_examples=self.options.max_examples, phases=[Phase.explicit, Phase.reuse, Phase.generate],
                database=self.cache.hypothesis_database(), deadline=None, derandomize=False,
                suppress_health_check=list(HealthCheck), report_multiple_bugs=False, print_blob=False,
            )

            def body(case):
                run_case(case)
                dog.check()

            test = given(operation.as_strategy(generation_mode=mode))(body)
            test = test_settings(test)
            if self.options.seed is not None:
                test = hyp_seed(self.options.seed)(test)
            key_database_entry(test, f"{operation.label} {mode.value}")
            try:
                test()
            except Unsatisfiable as exc:
                if mode != GenerationMode.NEGATIVE:
                    raise
                # nothing in this operation can be made invalid as sent: it has no negative cases, which is a
                # fact about its schema (said once), not a failure of the run
                self.spec_issue("nothing-to-negate", operation.label,
                                f"{operation.label}: negative generation found nothing to negate "
                                f"({str(exc).splitlines()[0][:160]})")

    def latency_finding(self, label: str, samples_ms: list[float]) -> Finding | None:
        """The operation's p95 over its budget (aggregate check over every response it gave), or None."""
        problem = latency_budget(samples_ms, self.options.latency_budget_ms)
        if not problem:
            return None
        return self.finding(label, "latency_budget", problem, status_code=None, reproducer="",
                            details=summary(samples_ms))

    def close_operation(self, outcome: OperationOutcome, started: float) -> OperationOutcome:
        current_progress().finish()
        finding = self.latency_finding(outcome.label, outcome.latencies_ms)
        if finding is not None:
            self.record_finding(finding, outcome)
        if outcome.status == "passed" and outcome.contract_findings:
            outcome.status = "failed"
        if outcome.status == "passed" and any(f.classification == triage.INFRA for f in outcome.findings):
            outcome.status, outcome.reason = "error", "infra: the target did not answer some requests"
        outcome.duration_s = time.perf_counter() - started
        self.write_operation(outcome)
        return outcome

    def write_operation(self, outcome: OperationOutcome, checks: list[str] | None = None) -> None:
        with paused():
            self.writer.operation(OperationRecord(
                outcome.label, outcome.status, outcome.cases, dict(outcome.cases_by_mode),
                duration_s=round(outcome.duration_s, 3), latency_ms=Latency(**summary(outcome.latencies_ms)),
                checks=checks or [c.__name__ for c in self.checks] + list(our_checks.AGGREGATE),
                reason=outcome.reason, generation_s=round(outcome.generation_s, 3),
                collection_s=round(self.collection_s + self.schema_load_s, 3),
            ))

    def close(self) -> None:
        self.end_test()
        self.writer.close()
        self.cache.close()


def _mode(case) -> str | None:
    meta = getattr(case, "meta", None)
    generation = getattr(meta, "generation", None)
    mode = getattr(generation, "mode", None)
    return getattr(mode, "value", None)


def _generation_error_kind(exc: BaseException) -> str:
    name = type(exc).__name__
    text = str(exc).lower()
    if "regular expression" in text or "regex" in text or "pattern" in text:
        return "uncompilable-pattern"
    if name in ("Unsatisfiable",) or "unsatisfiable" in text:
        return "unsatisfiable-schema"
    if "reference" in text or name in ("UnresolvableReference", "RefResolutionError"):
        return "unresolvable-reference"
    return "generation-error"


def _elapsed_ms(response) -> float:
    elapsed = getattr(response, "elapsed", 0.0)
    seconds = elapsed.total_seconds() if hasattr(elapsed, "total_seconds") else float(elapsed or 0.0)
    return seconds * 1000.0
