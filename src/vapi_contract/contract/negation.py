"""Is a negative case really invalid? schemathesis negates one part of a request, but a negated branch of a
`oneOf`/`anyOf` body (Vapi's tool, squad and workflow DTOs) often still matches another branch. A server that
accepts such a body is right, so `negative_data_rejection` only stands when the body the case sent fails the
operation's own request schema, read as the run reads it (the quirk-normalized spec)."""

from __future__ import annotations

from typing import Any

from .parameters import is_valid


def _body_schema(document: dict[str, Any], case) -> dict[str, Any] | None:
    from .checks._schema import deref

    definition = case.operation.definition.raw
    body = deref(document, definition.get("requestBody")) or {}
    content = body.get("content") or {}
    media = case.media_type or next(iter(content), None)
    schema = (content.get(media) or {}).get("schema") if media else None
    return deref(document, schema) if isinstance(schema, dict) else None


def really_invalid(document: dict[str, Any], case) -> bool:
    """False when the case's only negated part is a JSON body that its schema accepts after all."""
    meta = getattr(case, "meta", None)
    negated = [getattr(location, "value", location) for location, info in
               (getattr(meta, "components", None) or {}).items()
               if getattr(getattr(info, "mode", None), "value", None) == "negative"]
    if negated != ["body"] or not isinstance(case.body, (dict, list)):
        return True
    schema = _body_schema(document, case)
    return schema is None or not is_valid(document, schema, case.body)
