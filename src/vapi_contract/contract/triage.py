"""Triage: what kind of disagreement a failed check is, a fingerprint stable across runs, a curl reproducer.

- `server-bug`: the API breaks its own spec (5xx, schema violations, accepted invalid data, ignored auth...).
- `spec-gap`: the API behaves sensibly but the spec does not say so (an undocumented 400 on invalid input, an
  extra response property, valid-per-spec data rejected with a 4xx: the spec is looser than the server).
- `infra`: the target could not answer (timeout, reset, 429, 502/503/504 after retries with backoff).
"""

from __future__ import annotations

import hashlib
import re
import shlex
from typing import Any

from ..retry import RETRY_STATUSES

SERVER_BUG, SPEC_GAP, INFRA = "server-bug", "spec-gap", "infra"
# What the target may answer when it is not answering usefully: the statuses the one retry policy retries.
INFRA_STATUS = RETRY_STATUSES

ALWAYS_SPEC_GAP = frozenset({"undocumented_properties"})
STATUS_CHECKS = frozenset({"status_code_conformance", "undocumented_status_code", "positive_data_acceptance"})
SHAPE_CHECKS = frozenset({"response_schema_conformance", "content_type_conformance"})


def classify(check: str, status_code: int | None, *, transport_error: bool = False,
             documented: bool = True) -> str:
    """`documented`: the operation documents this exact status code (not only through `default` or `4XX`)."""
    if transport_error or (status_code in INFRA_STATUS):
        return INFRA
    if check in ALWAYS_SPEC_GAP:
        return SPEC_GAP
    if check in STATUS_CHECKS and status_code is not None and 400 <= status_code < 500:
        return SPEC_GAP  # the server refused sensibly; the spec does not document the refusal
    if check in SHAPE_CHECKS and not documented and status_code is not None and 400 <= status_code < 500:
        # a refusal checked against a catch-all (`default`) response that documents the success shape: the error
        # answer cannot match it, the spec never described it
        return SPEC_GAP
    return SERVER_BUG


def documents_status(case, status_code: int) -> bool:
    """The case's operation documents `status_code` by its exact code."""
    responses = getattr(case.operation.definition, "raw", {}).get("responses") or {}
    return str(status_code) in responses


_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?")
_LONG_NUMBER = re.compile(r"(?<![\w.])-?\d{4,}(\.\d+)?|\d+\.\d+")
_LONG_QUOTED = re.compile(r"'[^']{25,}'|\"[^\"]{25,}\"")
_HEX = re.compile(r"\b[0-9a-f]{16,}\b")
_PORT = re.compile(r"(127\.0\.0\.1|localhost|\[::1\]):\d+")


def normalise_cause(text: str) -> str:
    """The part of a failure message that names its cause, without ids, times, ports, or random generated data."""
    line = (text or "").strip().splitlines()[0] if (text or "").strip() else ""
    for pattern, placeholder in ((_UUID, "<uuid>"), (_TIME, "<time>"), (_PORT, "<host>"), (_HEX, "<hex>"),
                                 (_LONG_QUOTED, "<value>"), (_LONG_NUMBER, "<n>")):
        line = pattern.sub(placeholder, line)
    return re.sub(r"\s+", " ", line)[:300]


def cause_and_detail(text: str) -> tuple[str, str]:
    """A failure text's cause (its first line: what the fingerprint is made of) and its detail (the following
    lines: observed values -- documented codes, measured latencies, counts -- shown, never fingerprinted)."""
    lines = [line.strip() for line in (text or "").strip().splitlines() if line.strip()]
    return (lines[0] if lines else ""), "; ".join(lines[1:])


def identity(operation: str, check: str, classification: str, text: str) -> tuple[str, str]:
    """(fingerprint, message) of a finding: the fingerprint from the cause alone, the message with its detail."""
    cause, detail = cause_and_detail(text)
    cause = cause or check
    return fingerprint(operation, check, classification, cause), (f"{cause} ({detail})" if detail else cause)


def fingerprint(operation: str, check: str, classification: str, cause: str) -> str:
    key = "\x1f".join((operation, check, classification, normalise_cause(cause)))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:20]


def curl(method: str, url: str, headers: dict[str, str] | None, body: bytes | str | None,
         secrets: list[str] = ()) -> str:
    """A copy-pasteable curl command; the bearer token (and any secret anywhere) replaced by `***`."""
    parts = ["curl", "-X", method.upper(), shlex.quote(url)]
    for name, value in (headers or {}).items():
        if name.lower() in ("user-agent", "accept-encoding", "connection", "content-length", "x-schemathesis-testcaseid"):
            continue
        if name.lower() == "authorization":
            value = "Bearer ***" if str(value).lower().startswith("bearer") else "***"
        parts += ["-H", shlex.quote(f"{name}: {value}")]
    if body:
        text = body.decode("utf-8", "replace") if isinstance(body, bytes) else str(body)
        if len(text) > 20_000:
            text = text[:20_000]
        parts += ["--data-raw", shlex.quote(text)]
    from ..report.redact import Redactor

    # the report's one masking rule: too-short "secrets" are ignored rather than masking every "0" of a command
    return Redactor(secrets).text(" ".join(parts))


def reproducer_from_response(response: Any, secrets: list[str]) -> str:
    """curl for the request that produced a schemathesis Response (its prepared request)."""
    request = getattr(response, "request", None)
    if request is None:
        return ""
    return curl(request.method or "GET", request.url, dict(request.headers or {}), request.body, secrets)
