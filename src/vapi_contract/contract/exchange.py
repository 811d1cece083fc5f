"""One response-check path for hand-built requests: lifecycle steps, behaviour probes, harvesting reads, auth
probes and teardown are sent here and their responses go through the same battery as fuzzed cases (documented
status, content type, response schema, headers, undocumented properties, key echo, timestamps and ids, latency).

A hand-built request becomes a schemathesis `Case` of its operation (explicit values, no generation metadata), so
the checks see exactly what they see for a generated case; checks that only make sense for generated data
(negative/positive data acceptance) skip it, and `ignored_auth` is never run here because it re-sends the request.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from ..spec.model import label_path

PRIMARY = object()  # `key=` default: the run's primary credentials
NEVER_ON_EXCHANGES = frozenset({"ignored_auth", "negative_data_rejection", "positive_data_acceptance"})
SAFE_TO_REPLAY = frozenset({"GET", "HEAD", "OPTIONS"})


def path_values(template: str, path: str) -> dict[str, str]:
    """Concrete path parameter values of `path` under `template` (`/x/{id}`, `/x/abc` -> {"id": "abc"})."""
    names: list[str] = []

    def group(match: re.Match) -> str:
        names.append(match.group(1))
        return "([^/]+)"

    pattern = re.sub(r"\\\{([^{}]+)\\\}", group, re.escape(template))
    found = re.fullmatch(pattern, path.split("?", 1)[0])
    return dict(zip(names, found.groups())) if found else {}


def send(engine, label: str, method: str, path: str, *, params: dict[str, Any] | None = None,
         headers: dict[str, str] | None = None, json: Any = None, files: Any = None, data: Any = None,
         source: str = "lifecycle", key: Any = PRIMARY, check: bool = True):
    """Send one request for `label`, check its response, count it as coverage; returns the requests.Response.
    `key=None` sends no credentials, `key=PRIMARY` (default) the run's primary key, else that key."""
    auth = engine.auth_headers() if key is PRIMARY else engine.auth_headers(key) if key else {}
    sent_headers = {**(headers or {}), **auth}
    response = engine.client.request(method, path, headers=sent_headers, json=json, params=params or None,
                                     files=files, data=data)
    if not check:
        return response
    try:
        case = _case(engine, label, method, path, params, headers, json, files)
    except Exception as exc:  # noqa: BLE001 - an operation schemathesis cannot model: counted, not checked
        engine.spec_issue("operation-unusable", label, f"{label}: {type(exc).__name__}: {str(exc)[:200]}")
        return response
    engine.coverage.saw(label, source, response.status_code)
    engine.exchange_latency.setdefault(label, []).append(response.elapsed.total_seconds() * 1000.0)
    checked = _checked(response)
    for name, failure in engine.run_checks(case, checked, sent_headers, checks=battery(engine)):
        _report(engine, label, method, path, case, checked, sent_headers, name, failure, source,
                replay=lambda: engine.client.request(method, path, headers=sent_headers, params=params or None))
    return response


def battery(engine) -> list:
    return [c for c in engine.checks if c.__name__ not in NEVER_ON_EXCHANGES]


def _case(engine, label: str, method: str, path: str, params, headers, json, files):
    from schemathesis.core import NOT_SET

    operation = engine.find(label)
    template = label_path(label)
    media = "multipart/form-data" if files else ("application/json" if json is not None else None)
    return operation.Case(method=method.upper(), path_parameters=path_values(template, path), query=params or {},
                          headers={k: v for k, v in (headers or {}).items() if k.lower() != "authorization"},
                          body=json if json is not None else NOT_SET, media_type=media)


def _checked(response):
    from schemathesis.core.transport import Response

    return Response.from_requests(response, verify=True)


def _report(engine, label, method, path, case, response, headers, name, failure, source, replay) -> None:
    finding = engine.check_failure(label, case, response, name, failure, {"source": source})
    if engine.seen(finding):
        return
    if method.upper() in SAFE_TO_REPLAY:  # a write is never re-sent: the first observation stands
        try:
            again = _checked(replay())
            check = next((c for c in battery(engine) if c.__name__ == name), None)
            finding = replace(finding, flaky=check is not None and not any(
                n == name for n, _ in engine.run_checks(case, again, headers, checks=[check])))
        except Exception:  # noqa: BLE001 - a replay that cannot run does not confirm the finding
            finding = replace(finding, flaky=True)
    engine.exchange_findings.append(finding)
    engine.record_finding(finding)
