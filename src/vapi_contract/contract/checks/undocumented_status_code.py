"""A status code the operation does not document (no exact code, no `4XX` range, no `default`).

Unlike the built-in `status_code_conformance`, this check names the code class so triage can tell a sensible
undocumented 4xx (spec gap) from an undocumented 5xx (server bug)."""

from __future__ import annotations

from ..triage import INFRA_STATUS
from . import check
from ._schema import documented_response

# Answers any HTTP server may give without the spec saying so; reported as infra, not as contract findings.
TRANSPORT_CODES = INFRA_STATUS
# Implied by a security requirement (OpenAPI: an operation that requires auth may answer 401/403).
AUTH_CODES = frozenset({401, 403})


def requires_auth(case) -> bool:
    raw = case.operation.definition.raw
    security = raw.get("security", case.operation.schema.raw_schema.get("security"))
    return bool(security) and any(req for req in security)


@check()
def undocumented_status_code(ctx, response, case):
    code = response.status_code
    if code in TRANSPORT_CODES or documented_response(case, code) is not None:
        return
    if code in AUTH_CODES and requires_auth(case):
        return
    documented = ", ".join(sorted((case.operation.definition.raw.get("responses") or {}).keys()))
    # first line: the cause (fingerprinted); second: the documented codes, which a spec release may change
    raise AssertionError(f"status {code} is not documented\ndocumented: {documented or 'none'}")
