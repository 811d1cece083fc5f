"""No response ever contains one of the run's API keys (body or headers): an echoed key ends up in logs,
browser consoles and error trackers. The keys are set by the engine (`configure`), never read here from disk."""

from __future__ import annotations

import schemathesis

_SECRETS: list[str] = []


def configure(secrets: list[str | None]) -> None:
    _SECRETS[:] = [s for s in secrets if s and len(s) >= 6]


@schemathesis.check
def api_key_not_echoed(ctx, response, case):
    if not _SECRETS:
        return
    text = response.content.decode("utf-8", "replace") if response.content else ""
    headers = " ".join(f"{k}: {', '.join(v)}" for k, v in (response.headers or {}).items())
    for index, secret in enumerate(_SECRETS):
        where = "body" if secret in text else "headers" if secret in headers else None
        if where:
            raise AssertionError(f"the {'primary' if index == 0 else 'secondary'} API key is echoed in the "
                                 f"response {where}")
    return
