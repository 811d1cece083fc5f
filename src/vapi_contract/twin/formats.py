"""String formats: one reading for every check the twin makes (requests, responses, conformance, synthesis).

OpenAPI 3.0 schemas are validated as Draft 4, whose format vocabulary lacks `uuid`, `duration`, `uri-reference`
and others that Vapi's specs use more and more. The twin validates them anyway, as the Draft 2020-12 format
vocabulary reads them (jsonschema_rs's own checks, borrowed one format at a time), so a non-uuid in a field
declared `format: uuid` is a 400 and can never be echoed in a response. Unknown formats (`binary`, `int64`)
are annotations and accept anything.
"""

from __future__ import annotations

import datetime as _dt
import uuid
from collections.abc import Callable
from functools import lru_cache
from typing import Any

import jsonschema_rs

# Formats Draft 2020-12 checks that jsonschema_rs's Draft 4 validator ignores (measured, jsonschema_rs 0.60).
BORROWED = ("uuid", "duration", "idn-hostname", "uri-reference", "iri", "iri-reference", "uri-template",
            "json-pointer", "relative-json-pointer")


def now_iso() -> str:
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


# A value of each checked format, used where the twin has to make one up (server fields, synthesized bodies).
EXAMPLES: dict[str, Callable[[], str]] = {
    "date-time": now_iso,
    "date": lambda: now_iso()[:10],
    "time": lambda: "00:00:00Z",
    "duration": lambda: "P1D",
    "uuid": lambda: str(uuid.uuid4()),
    "uri": lambda: "https://example.com/twin",
    "url": lambda: "https://example.com/twin",
    "iri": lambda: "https://example.com/twin",
    "uri-reference": lambda: "/twin",
    "iri-reference": lambda: "/twin",
    "uri-template": lambda: "https://example.com/{id}",
    "email": lambda: "user@example.com",
    "idn-email": lambda: "user@example.com",
    "hostname": lambda: "example.com",
    "idn-hostname": lambda: "example.com",
    "ipv4": lambda: "127.0.0.1",
    "ipv6": lambda: "::1",
    "json-pointer": lambda: "/twin",
    "relative-json-pointer": lambda: "0",
    "regex": lambda: ".*",
}


@lru_cache(maxsize=64)
def _checker(fmt: str) -> Any:
    return jsonschema_rs.Draft202012Validator({"type": "string", "format": fmt}, validate_formats=True)


def check(fmt: Any, value: str) -> bool:
    """Whether a string is valid for a format, as every twin validator reads it (unknown formats: True)."""
    if not isinstance(fmt, str) or not isinstance(value, str):
        return True
    return _checker(fmt).is_valid(value)


def _borrowed(fmt: str) -> Callable[[str], bool]:
    validator = _checker(fmt)
    return validator.is_valid


def validator_options(draft: int) -> dict[str, Any]:
    """Keyword arguments every jsonschema_rs validator the twin compiles gets: formats always checked (Draft
    2020-12 treats them as annotations by default), and Draft 4 taught the formats it does not know."""
    options: dict[str, Any] = {"validate_formats": True}
    if draft == jsonschema_rs.Draft4:
        options["formats"] = {fmt: _borrowed(fmt) for fmt in BORROWED}
    return options


def validator_class(draft: int) -> Any:
    return jsonschema_rs.Draft4Validator if draft == jsonschema_rs.Draft4 else jsonschema_rs.Draft202012Validator


def example(fmt: Any) -> str | None:
    make = EXAMPLES.get(fmt) if isinstance(fmt, str) else None
    return make() if make else None
