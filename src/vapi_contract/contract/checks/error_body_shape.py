"""Error responses (4xx/5xx) carry Vapi's error shape: a JSON object with `message` (string or list of strings)
and, when present, `statusCode` equal to the HTTP status. A client's error handling depends on it."""

from __future__ import annotations

from ..triage import INFRA_STATUS
from . import check
from ._schema import response_json


def shape_problem(status: int, body) -> str | None:
    if not isinstance(body, dict):
        return f"error body is not a JSON object ({type(body).__name__})"
    message = body.get("message")
    if isinstance(message, list):
        if not message or not all(isinstance(m, str) for m in message):
            return "error `message` list is empty or holds non-strings"
    elif not isinstance(message, str) or not message.strip():
        return "error body has no `message` string"
    if "statusCode" in body and body["statusCode"] != status:
        return f"error `statusCode` {body['statusCode']!r} differs from the HTTP status {status}"
    return None


@check()
def error_body_shape(ctx, response, case):
    if response.status_code < 400 or response.status_code in INFRA_STATUS:
        return
    problem = shape_problem(response.status_code, response_json(response))
    if problem:
        raise AssertionError(problem)
    return
