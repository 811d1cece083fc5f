"""A status code the operation does not document (no exact code, no `4XX` range, no `default`).

Unlike the built-in `status_code_conformance`, this check names the code class so triage can tell a sensible
undocumented 4xx (spec gap) from an undocumented 5xx (server bug)."""

from __future__ import annotations

import schemathesis

from ._schema import documented_response

# Answers any HTTP server may give without the spec saying so; reported as infra, not as contract findings.
TRANSPORT_CODES = frozenset({429, 502, 503, 504})


@schemathesis.check
def undocumented_status_code(ctx, response, case):
    code = response.status_code
    if code in TRANSPORT_CODES or documented_response(case, code) is not None:
        return None
    documented = ", ".join(sorted((case.operation.definition.raw.get("responses") or {}).keys()))
    raise AssertionError(f"status {code} is not documented (documented: {documented or 'none'})")
