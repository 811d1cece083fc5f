"""Secret redaction applied to every string the run writes and every report built from it."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

MASK = "***"

# Defence in depth: a bearer token in a header-like string is masked even if nobody declared it a secret,
# unless it is already masked. Wrong-token probes lose their literal value in reports, which is acceptable.
# Tokens must contain a digit so prose like "bearer authentication" is left alone.
_BEARER = re.compile(r"(?i)(\bbearer\s+)(?!\*\*\*)(?=[A-Za-z._~+/=-]*\d)([A-Za-z0-9._~+/=-]{8,})")


class Redactor:
    """Replaces each secret (longest first) by `***` in strings, dict keys, and JSON-escaped forms."""

    def __init__(self, secrets: Iterable[str | None]):
        unique = {s for s in secrets if isinstance(s, str) and s.strip()}
        self.secrets: list[str] = sorted(unique, key=len, reverse=True)
        # The same secret as it appears inside JSON text (escaped quotes/backslashes/unicode).
        self._escaped = [json.dumps(s)[1:-1] for s in self.secrets]

    def text(self, value: str, *, bearer: bool = True) -> str:
        for secret in self.secrets:
            if secret in value:
                value = value.replace(secret, MASK)
        return _BEARER.sub(lambda m: m.group(1) + MASK, value) if bearer else value

    def contains_secret(self, text: str) -> bool:
        """True when `text` holds a secret, raw or JSON-escaped."""
        return any(s in text for s in self.secrets) or any(e in text for e in self._escaped)

    def serialized(self, value: str) -> str:
        """Redact already-serialized JSON/XML/HTML text, including JSON-escaped secrets."""
        value = self.text(value)
        for escaped in self._escaped:
            if escaped in value:
                value = value.replace(escaped, MASK)
        return value

    def value(self, obj: Any, *, bearer: bool = True) -> Any:
        """A JSON-compatible deep copy of `obj` with every string redacted (unknown types become str).

        `bearer=False` skips the bearer-token pattern (callers that run `serialized()` on the result anyway).
        """
        if isinstance(obj, str):
            return self.text(obj, bearer=bearer)
        if obj is None or isinstance(obj, (bool, int, float)):
            return obj
        if isinstance(obj, dict):
            return {self.text(str(k), bearer=bearer): self.value(v, bearer=bearer) for k, v in obj.items()}
        if isinstance(obj, (list, tuple, set, frozenset)):
            return [self.value(v, bearer=bearer) for v in obj]
        if isinstance(obj, bytes):
            return self.text(obj.decode("utf-8", "replace"), bearer=bearer)
        return self.text(str(obj), bearer=bearer)

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        # Bearer tokens are masked once over the whole JSON text rather than string by string.
        return self.serialized(json.dumps(self.value(obj, bearer=False), ensure_ascii=False, **kwargs))


def redact(obj: Any, secrets: Iterable[str | None]) -> Any:
    """Convenience: `Redactor(secrets).value(obj)`."""
    return Redactor(secrets).value(obj)


def env_secrets() -> list[str]:
    """The API keys configured in the environment (both orgs): never allowed in any report file."""
    from vapi_contract import config

    return [s for s in (config.api_key(), config.secondary_api_key()) if s]
