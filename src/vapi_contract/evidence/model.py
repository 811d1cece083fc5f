"""The typed evidence of a contract run: what the contract layer writes to a run dir and the report layer reads.

Four records, one per thing a run learns: a `Finding` (findings*.jsonl), an `OperationRecord` (operations*.jsonl),
a `SpecIssue` (spec-issues*.jsonl and run.json `spec_issues`) and the `RunMeta` of run.json. Each is a frozen
dataclass with `to_json()` (the line written) and `from_json(data, warnings=None)`:

- with a `warnings` list (the report reading another, possibly buggy or killed, process's evidence): a value of
  the wrong type is converted when that is lossless (`7` -> `"7"`) and dropped otherwise, and what a reader must
  know (an unknown classification or status) is appended to `warnings`: a report is always built;
- without one (strict): the first such value is an `EvidenceError`, one line naming the record and the field.

Resources and coverage counts stay plain records (report/normalize.py cleans them).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any, ClassVar

from ..errors import UsageError
from ..spec import fingerprint as fingerprints

CLASSIFICATIONS = ("server-bug", "spec-gap", "infra")
INFRA = "infra"
RUN_STATUSES = ("completed", "interrupted", "error", "running")
OPERATION_STATUSES = ("passed", "failed", "skipped", "error", "timeout", "unfinished")
_HEX_FINGERPRINT = re.compile(r"^[0-9a-f]{16,}$")


class EvidenceError(UsageError):
    """A record that is not what the run-dir format says (strict reading): one line, exit 2."""


# -- lossless coercions (the lenient reader's rules) --------------------------------------------------------
def text(value: Any) -> str | None:
    """A string, or None: scalars become their text, containers their compact JSON."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, (bool, int, float)):
        return json.dumps(value)
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True, default=str)


def integer(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


def number(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


class _Fields:
    """Reads one record's fields: coerces (lenient, `warnings` given) or raises on the first mismatch (strict)."""

    def __init__(self, kind: str, data: Any, warnings: list[str] | None):
        if not isinstance(data, Mapping):
            raise EvidenceError(f"{kind}: expected a JSON object, got {type(data).__name__}")
        self.kind, self.data, self.warnings = kind, data, warnings

    def problem(self, message: str) -> None:
        if self.warnings is None:
            raise EvidenceError(f"{self.kind}: {message}")
        self.warnings.append(message)

    def _get(self, key: str, convert, ok: tuple[type, ...], what: str):
        value = self.data.get(key)
        if value is None:
            return None
        if self.warnings is None and (not isinstance(value, ok) or isinstance(value, bool) and bool not in ok):
            raise EvidenceError(f"{self.kind}: '{key}' must be {what}, got {json.dumps(value, default=str)[:60]}")
        return convert(value)

    def text(self, key: str) -> str | None:
        return self._get(key, text, (str,), "a string or null")

    def integer(self, key: str) -> int | None:
        return self._get(key, integer, (int,), "an integer or null")

    def number(self, key: str) -> float | None:
        return self._get(key, number, (int, float), "a number or null")

    def mapping(self, key: str) -> dict[str, Any]:
        return self._get(key, mapping, (dict,), "an object") or {}

    def strings(self, key: str) -> list[str] | None:
        """A list of strings, or None when absent (or, lenient, not a list)."""
        value = self._get(key, lambda v: v if isinstance(v, list) else None, (list,), "a list")
        return None if value is None else [text(v) or "" for v in value]


# -- the records -------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Finding:
    """A contract finding: from the check that raised it, through the run dir, to the report."""

    operation: str  # the operation whose response showed it, e.g. "GET /assistant/{id}"
    check: str
    classification: str  # server-bug | spec-gap | infra
    fingerprint: str  # spec/fingerprint.py `finding`
    message: str
    reproducer: str | None = None  # curl, the keys as shell variables
    flaky: bool = False  # replayed once and not seen again
    status_code: int | None = None
    details: dict[str, Any] = field(default_factory=dict)
    time: str | None = None  # filled in by the writer

    KIND: ClassVar[str] = "finding"

    @property
    def real(self) -> bool:
        """A contract finding that stands: confirmed by its replay, not the target failing to answer."""
        return not self.flaky and self.classification != INFRA

    def line(self) -> str:
        return f"[{self.classification}] {self.operation} {self.check}: {self.message}"

    def to_json(self) -> dict[str, Any]:
        return _plain(self)

    @classmethod
    def from_json(cls, data: Any, warnings: list[str] | None = None) -> Finding:
        read = _Fields(cls.KIND, data, warnings)
        operation, check, message = read.text("operation"), read.text("check"), read.text("message")
        fp = _finding_fingerprint(read.text("fingerprint"), operation, check, text(data.get("classification")),
                                  message)
        classification = data.get("classification")
        if classification not in CLASSIFICATIONS:
            read.problem(f"finding {fp} ({operation}) has classification {classification!r}; reported as server-bug")
            classification = "server-bug"
        flaky = data.get("flaky")
        if warnings is None and flaky is not None and not isinstance(flaky, bool):
            read.problem(f"'flaky' must be true or false, got {flaky!r}")
        return cls(operation or "unknown", check or "unknown", classification, fp, message or "",
                   read.text("reproducer") or None, flaky is True, read.integer("status_code"),
                   read.mapping("details"), read.text("time"))


@dataclass(frozen=True)
class Latency:
    count: int | None = None
    p50: float | None = None
    p95: float | None = None
    max: float | None = None

    @classmethod
    def from_json(cls, raw: Any) -> Latency | None:
        if not isinstance(raw, dict):
            return None
        latency = cls(integer(raw.get("count")), *(number(raw.get(k)) for k in ("p50", "p95", "max")))
        return latency if any(v is not None for v in _plain(latency).values()) else None


@dataclass(frozen=True)
class OperationRecord:
    """The result of one test of an operation (a fuzzed operation, `lifecycle /x`, `behaviour GET /x`)."""

    operation: str
    status: str  # passed | failed | skipped | error | timeout | unfinished
    cases: int = 0
    cases_by_mode: dict[str, int] = field(default_factory=dict)  # positive / negative / other
    duration_s: float | None = None
    latency_ms: Latency | None = None
    checks: list[str] | None = None  # the battery that ran on its fuzzed cases (None: not recorded)
    reason: str | None = None
    generation_s: float | None = None  # run timings, summed into run.json by the controller
    collection_s: float | None = None

    KIND: ClassVar[str] = "operation"
    TIMINGS: ClassVar[tuple[str, ...]] = ("generation_s", "collection_s")

    def to_json(self) -> dict[str, Any]:
        out = _plain(self)
        for key in self.TIMINGS:  # only the engine's records carry them
            if out[key] is None:
                del out[key]
        return out

    def result(self) -> dict[str, Any]:
        """The operation as a report shows it (no run timings)."""
        out = _plain(self)
        for key in self.TIMINGS:
            del out[key]
        out["checks"] = out["checks"] or []
        return out

    @classmethod
    def from_json(cls, data: Any, warnings: list[str] | None = None) -> OperationRecord:
        read = _Fields(cls.KIND, data, warnings)
        name = read.text("operation") or "unknown"
        status = data.get("status")
        if status not in OPERATION_STATUSES:
            read.problem(f"operation {name} has status {status!r}; reported as error")
            status = "error"
        cases = read.integer("cases")
        modes = {str(k): n for k, v in read.mapping("cases_by_mode").items()
                 if (n := integer(v)) is not None and n >= 0}
        latency = Latency.from_json(data.get("latency_ms"))
        return cls(name, status, cases if cases is not None and cases >= 0 else 0, modes, read.number("duration_s"),
                   latency, read.strings("checks"), read.text("reason") or None, read.number("generation_s"),
                   read.number("collection_s"))


@dataclass(frozen=True)
class SpecIssue:
    """A spec problem met during a run (an unsendable case, a slow operation) or found normalising the spec."""

    kind: str  # kebab-case, e.g. "dangling-ref", "slow-operation"
    pointer: str | None  # JSON pointer into the original document, or the operation label
    message: str
    fingerprint: str | None  # spec/fingerprint.py `quirk` or `run_issue`

    KIND: ClassVar[str] = "spec issue"

    def to_json(self) -> dict[str, Any]:
        return _plain(self)

    @classmethod
    def from_json(cls, data: Any, warnings: list[str] | None = None) -> SpecIssue:
        read = _Fields(cls.KIND, data, warnings)
        return cls(read.text("kind") or "unknown", read.text("pointer"), read.text("message") or "",
                   read.text("fingerprint"))

    def key(self) -> str:
        """What deduplicates issues across workers and shards."""
        return self.fingerprint or json.dumps(self.to_json(), sort_keys=True)


@dataclass(frozen=True)
class RunMeta:
    """run.json: written at the start of a run, completed at its end (status, exit code, timings, issues)."""

    run_id: str | None = None
    started_at: str | None = None
    finished_at: str | None = None
    status: str | None = None  # completed | interrupted | error | running
    exit_code: int | None = None
    target: dict[str, Any] | None = None  # {kind, base_url}
    spec: dict[str, Any] | None = None  # {origin, sha256, title, version, operations}
    profile: str | None = None
    seed: int | str | None = None
    max_examples: int | None = None
    workers: int | None = None
    shard: str | None = None  # I/N
    options: dict[str, Any] = field(default_factory=dict)
    timings: dict[str, float | None] = field(default_factory=dict)
    spec_issues: list[SpecIssue] = field(default_factory=list)
    merged_from: list[str] | None = None  # a merged run: its shards' run ids
    shards: list[dict[str, Any]] | None = None
    merge_warnings: list[str] = field(default_factory=list)

    KIND: ClassVar[str] = "run.json"
    ONLY_WHEN_SET: ClassVar[tuple[str, ...]] = ("merged_from", "shards")

    @property
    def finished(self) -> bool:
        return self.status != "running" and bool(self.finished_at)

    def to_json(self) -> dict[str, Any]:
        out = _plain(self)
        for key in self.ONLY_WHEN_SET:
            if out[key] is None:
                del out[key]
        return out

    @classmethod
    def from_json(cls, data: Any, warnings: list[str] | None = None) -> RunMeta:
        read = _Fields(cls.KIND, data, warnings)
        status = data.get("status")
        if status not in RUN_STATUSES and status is not None:
            read.problem(f"run.json status {status!r} is not one of {', '.join(RUN_STATUSES)}; shown as error")
            status = "error"
        seed = data.get("seed")
        if not (isinstance(seed, (int, str)) and not isinstance(seed, bool)):
            seed = read.text("seed")
        target = mapping(data.get("target"))
        spec = mapping(data.get("spec"))
        issues = data.get("spec_issues") if isinstance(data.get("spec_issues"), list) else []
        merged = data.get("merged_from")
        shards = data.get("shards")
        return cls(
            read.text("run_id"), read.text("started_at"), read.text("finished_at"), status, read.integer("exit_code"),
            {**target, "kind": text(target.get("kind")) or "unknown", "base_url": text(target.get("base_url"))}
            if target else None,
            {**spec, **{k: text(spec.get(k)) for k in ("origin", "sha256", "title", "version")},
             "operations": _operation_count(spec.get("operations"))} if spec else None,
            read.text("profile"), seed, read.integer("max_examples"), read.integer("workers"), read.text("shard"),
            read.mapping("options"), {str(k): number(v) for k, v in read.mapping("timings").items()},
            [SpecIssue.from_json(i, warnings) for i in issues if isinstance(i, dict)],
            None if merged is None else [text(v) or "" for v in merged] if isinstance(merged, list) else [],
            None if shards is None else [s for s in shards if isinstance(s, dict)] if isinstance(shards, list)
            else [],
            read.strings("merge_warnings") or [],
        )


def _finding_fingerprint(given: str | None, *identity: str | None) -> str:
    """The record's fingerprint when it is 16+ hex; otherwise a stable stand-in: a 16-digit name for a non-hex
    one, and for none at all the one the engine would have given it (accepting it keeps matching later)."""
    if given and _HEX_FINGERPRINT.match(given.lower()):
        return given.lower()
    if given:
        return fingerprints.fingerprint(given, length=16)
    return fingerprints.finding(*(part or "" for part in identity))


def _operation_count(value: Any) -> int | None:
    """`spec.operations` is a count; a list of operation labels is accepted too."""
    return len(value) if isinstance(value, list) else integer(value)


def _plain(record: Any) -> dict[str, Any]:
    """A record's fields as JSON values (nested records too), without copying the contents of dicts."""
    out: dict[str, Any] = {}
    for item in fields(record):
        value = getattr(record, item.name)
        if hasattr(value, "__dataclass_fields__"):
            value = value.to_json() if hasattr(value, "to_json") else _plain(value)
        elif isinstance(value, list):
            value = [v.to_json() if hasattr(v, "to_json") else v for v in value]
        out[item.name] = value
    return out
