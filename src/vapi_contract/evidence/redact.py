"""Secret redaction applied to every string the run writes and every report built from it.

Redaction works on parsed values (strings inside dicts and lists), never on serialized JSON text, so it cannot
corrupt a record: numbers, booleans and the structure are left alone whatever the secret is. Credentials in URLs
(`http://user:secret@host`, `?api_key=...`) are masked by the spec layer's `redact_text`, in every string. A "secret" shorter
than MIN_SECRET_LENGTH is ignored (and reported once): `VAPI_API_KEY=0` or `=assistant` is not a key, and
masking it would rewrite unrelated text such as operation names.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote

from vapi_contract.spec.urls import redact_text

MASK = "***"
MIN_SECRET_LENGTH = 16  # Vapi keys are UUIDs (36); the twin's default tokens are 16

# Defence in depth: a bearer token in a header-like string is masked even if nobody declared it a secret,
# unless it is already masked. Wrong-token probes lose their literal value in reports, which is acceptable.
# Tokens must contain a digit so prose like "bearer authentication" is left alone.
_BEARER = re.compile(r"(?i)(\bbearer\s+)(?!\*\*\*)(?=[A-Za-z._~+/=-]*\d)([A-Za-z0-9._~+/=-]{8,})")
ENV_KEYS = ("VAPI_API_KEY", "VAPI_API_KEY_SECONDARY")


class Redactor:
    """Masks each secret (and its JSON-escaped / URL-encoded forms) by `***` in strings and dict keys."""

    def __init__(self, secrets: Iterable[str | None]):
        given = {s for s in secrets if isinstance(s, str) and s.strip()}
        # lengths only: the short value itself must not end up in a warning either
        self.too_short = sorted(len(s) for s in given if len(s.strip()) < MIN_SECRET_LENGTH)
        self.secrets: list[str] = sorted((s for s in given if len(s.strip()) >= MIN_SECRET_LENGTH),
                                         key=len, reverse=True)
        forms = {form for s in self.secrets
                 for form in (s, json.dumps(s)[1:-1], json.dumps(s, ensure_ascii=False)[1:-1], quote(s, safe=""))}
        # longest first, so a secret that contains another is masked whole
        self._pattern = re.compile("|".join(map(re.escape, sorted(forms, key=len, reverse=True)))) if forms else None

    def text(self, value: str, *, bearer: bool = True) -> str:
        if self._pattern is not None:
            value = self._pattern.sub(MASK, value)
        if "://" in value:  # credentials in URLs (user:secret@, ?api_key=): the spec layer's one rule
            value = redact_text(value)
        return _BEARER.sub(lambda m: m.group(1) + MASK, value) if bearer else value

    def contains_secret(self, text: str) -> bool:
        """True when `text` holds a declared secret, raw, JSON-escaped or URL-encoded (detection only)."""
        return self._pattern is not None and self._pattern.search(text) is not None

    def rendered(self, text: str) -> str:
        """Last guard over a rendered report (HTML/XML/Markdown built from already-redacted values).

        Reports are regenerated from the evidence at will, so this is never applied to evidence.
        """
        return self._pattern.sub(MASK, text) if self._pattern is not None else text

    def value(self, obj: Any, *, bearer: bool = True) -> Any:
        """A JSON-compatible deep copy of `obj` with every string redacted (unknown types become str)."""
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
        """JSON text of the redacted value: the text itself is never edited afterwards."""
        return json.dumps(self.value(obj), ensure_ascii=False, **kwargs)


def redact(obj: Any, secrets: Iterable[str | None]) -> Any:
    """Convenience: `Redactor(secrets).value(obj)`."""
    return Redactor(secrets).value(obj)


def env_secrets() -> list[str]:
    """The API keys configured in the environment (both orgs): never allowed in any report file."""
    from vapi_contract import config

    return [s for s in (config.api_key(), config.secondary_api_key()) if s]


def short_key_notes() -> list[str]:
    """One line per API key variable too short to be a key: it is not masked, and the user should know why."""
    return [f"{name} is {len(value.strip())} character(s) long: too short to be an API key, so it is not "
            f"masked in reports (keys have at least {MIN_SECRET_LENGTH})"
            for name in ENV_KEYS if (value := os.environ.get(name)) and len(value.strip()) < MIN_SECRET_LENGTH]
