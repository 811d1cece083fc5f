"""No response ever contains one of the run's API keys (body or headers): an echoed key ends up in logs,
browser consoles and error trackers. The keys are this check's configuration (`[checks.api_key_not_echoed]
secrets`), built from the run's keys (`settings`) into the schemathesis configuration of the engine's schema;
they are never read here from disk or the environment."""

from __future__ import annotations

from . import RunSettings, check

MIN_LENGTH = 6  # shorter strings are not keys: looking for them would flag ordinary text


def _settings(run: RunSettings) -> dict:
    return {"secrets": list(run.secrets)}


@check(settings=_settings)
class api_key_not_echoed:  # the class name is the check name (schemathesis), hence lower case
    def __init__(self, secrets=()) -> None:
        self.secrets = [s for s in secrets if s and len(s) >= MIN_LENGTH]

    def after_response(self, ctx, response, case):
        if not self.secrets:
            return
        text = response.content.decode("utf-8", "replace") if response.content else ""
        headers = " ".join(f"{k}: {', '.join(v)}" for k, v in (response.headers or {}).items())
        for index, secret in enumerate(self.secrets):
            where = "body" if secret in text else "headers" if secret in headers else None
            if where:
                raise AssertionError(f"the {'primary' if index == 0 else 'secondary'} API key is echoed in the "
                                     f"response {where}")
        return
