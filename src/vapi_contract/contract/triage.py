"""Triage: what kind of disagreement a failed check is, a fingerprint stable across runs, a curl reproducer.

- `server-bug`: the API breaks its own spec (5xx, schema violations, accepted invalid data, ignored auth...).
- `spec-gap`: the API behaves sensibly but the spec does not say so (an undocumented 400 on invalid input, an
  extra response property, valid-per-spec data rejected with a 4xx: the spec is looser than the server).
- `infra`: the target could not answer (timeout, reset, 429, 502/503/504 after retries with backoff).
"""

from __future__ import annotations

import re
import shlex
from typing import Any

from ..retry import RETRY_STATUSES
from ..spec import fingerprint as _fingerprints

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
    """The finding's name across runs (the project's one recipe, spec/fingerprint.py)."""
    return _fingerprints.finding(operation, check, classification, cause)


# The run's keys, in RunContext.secrets() order (the primary first: a live run always has one), as the shell
# variables a reader exports before pasting a reproducer; a twin run's tokens stand in for them.
KEY_VARIABLES = ("VAPI_API_KEY", "VAPI_API_KEY_SECONDARY")
DROPPED_HEADERS = frozenset({"user-agent", "accept-encoding", "connection", "content-length",
                             "x-schemathesis-testcaseid"})
MAX_BODY = 20_000  # characters of a request body kept in the reproducer (the evidence's copy)
EXCERPT_CHARS = 300  # characters of the answer a finding keeps as its response excerpt


def _double_quoted(pieces: list[tuple[str, str | None]]) -> str:
    """A double-quoted shell word from literal text and variable references: `$`, backquote, `"` and `\\` of the
    literal text are escaped, so only the named variables expand."""
    out = []
    for i, (literal, variable) in enumerate(pieces):
        out.append(re.sub(r'([$`"\\])', r"\\\1", literal))
        if variable:
            following = pieces[i + 1][0][:1] if i + 1 < len(pieces) else ""
            out.append(f"${{{variable}}}" if re.match(r"\w", following) else f"${variable}")
    return '"' + "".join(out) + '"'


def _header(name: str, value: str, keys: dict[str, str]) -> str:
    """One `-H` argument. A run key in it becomes its variable (`"Authorization: Bearer $VAPI_API_KEY"`), so the
    command is both redacted and runnable; any other Authorization value is masked (a wrong-token probe's token
    is as wrong as `***`)."""
    line = f"{name}: {value}"
    found = [k for k in keys if k in line]
    if found:
        pattern = re.compile("|".join(map(re.escape, sorted(found, key=len, reverse=True))))
        pieces, last = [], 0
        for match in pattern.finditer(line):
            pieces.append((line[last:match.start()], keys[match.group(0)]))
            last = match.end()
        return _double_quoted([*pieces, (line[last:], None)])
    if name.lower() == "authorization":
        line = f"{name}: " + ("Bearer ***" if str(value).lower().startswith("bearer") else "***")
    return shlex.quote(line)


def curl(method: str, url: str, headers: dict[str, str] | None, body: bytes | str | None,
         secrets: list[str] = ()) -> str:
    """A copy-pasteable curl command, redacted and runnable.

    `secrets` are the run's keys in `RunContext.secrets()` order: the primary key is written as
    `"$VAPI_API_KEY"`, the secondary as `"$VAPI_API_KEY_SECONDARY"` (double quotes: the shell expands them);
    any secret elsewhere in the request (URL, body, another key) is masked by `***`, the report's one rule. A
    body longer than MAX_BODY characters is cut there.
    """
    from ..evidence.redact import MIN_SECRET_LENGTH, Redactor

    keys = {key: name for key, name in zip(secrets, KEY_VARIABLES)
            if isinstance(key, str) and len(key.strip()) >= MIN_SECRET_LENGTH}
    parts = ["curl", "-X", method.upper(), shlex.quote(url)]
    for name, value in (headers or {}).items():
        if name.lower() not in DROPPED_HEADERS:
            parts += ["-H", _header(name, str(value), keys)]
    if body:
        text = body.decode("utf-8", "replace") if isinstance(body, bytes) else str(body)
        parts += ["--data-raw", shlex.quote(text[:MAX_BODY])]
    # the report's one masking rule: too-short "secrets" are ignored rather than masking every "0" of a command
    return Redactor(secrets).text(" ".join(parts))


def reproducer_from_response(response: Any, secrets: list[str]) -> str:
    """curl for the request that produced a schemathesis Response (its prepared request)."""
    request = getattr(response, "request", None)
    if request is None:
        return ""
    return curl(request.method or "GET", request.url, dict(request.headers or {}), request.body, secrets)


def response_excerpt(response: Any, limit: int = EXCERPT_CHARS) -> str | None:
    """What the server answered, short and on one line: `HTTP 400 application/json: {"message": ...}` (the body's
    first `limit` characters). For a schemathesis or a requests Response; the run's writer redacts it as any
    string, the reports escape it."""
    status = getattr(response, "status_code", None)
    if status is None:
        return None
    headers = getattr(response, "headers", None) or {}
    media = headers.get("content-type") or headers.get("Content-Type") or ""
    media = (media[0] if media else "") if isinstance(media, list) else str(media)
    head = f"HTTP {status}" + (f" {media.split(';')[0].strip()}" if media.strip() else "")
    content = getattr(response, "content", None) or b""
    text = content[: limit * 4].decode("utf-8", "replace") if isinstance(content, bytes) else str(content)
    text = " ".join(text.split())
    if not text:
        return f"{head} (empty body)"
    return f"{head}: {text[:limit]}" + ("\u2026" if len(text) > limit or len(content) > limit * 4 else "")


def response_details(response: Any) -> dict[str, str]:
    """`{"response": excerpt}` for a finding's details, or nothing when there was no answer."""
    excerpt = response_excerpt(response)
    return {"response": excerpt} if excerpt else {}
