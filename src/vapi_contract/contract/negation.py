"""Is a negative case really invalid? schemathesis negates one part of a request, but a negated branch of a
`oneOf`/`anyOf` body (Vapi's tool, squad and workflow DTOs) often still matches another branch. A server that
accepts such a body is right, so `negative_data_rejection` only stands when the body the case sent fails the
operation's own request schema, read as the run reads it (the quirk-normalized spec). A form body is judged as
it travels: every part is text, so `files: 0` arrives as one file part "0", a valid upload."""

from __future__ import annotations

import json
from typing import Any

from .parameters import is_valid

FORM_MEDIA = ("multipart/form-data", "application/x-www-form-urlencoded")


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
    if negated == ["query"] and isinstance(case.query, dict):
        return _query_really_invalid(document, case)
    if negated != ["body"] or not isinstance(case.body, (dict, list)):
        return True
    schema = _body_schema(document, case)
    if schema is None:
        return True
    body = case.body
    if (case.media_type or "").startswith(FORM_MEDIA) and isinstance(body, dict):
        body = _form_as_received(document, body, schema)
    return not is_valid(document, schema, body)


def _wire(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value)
    return value if isinstance(value, str) else str(value)


def _typed(text: str, schema: dict[str, Any]) -> Any:
    """A form part read the way a schema-typing server (class-transformer, the twin) reads it."""
    kind = schema.get("type")
    kinds = kind if isinstance(kind, list) else [kind]
    if "integer" in kinds or "number" in kinds:
        try:
            number = float(text)
        except ValueError:
            return text
        return int(number) if number.is_integer() and not any(c in text for c in ".eE") else number
    if "boolean" in kinds:
        return {"true": True, "false": False}.get(text.lower(), text)
    return text


def _form_as_received(document: dict[str, Any], body: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    """Each value as the text parts that go on the wire (a list is repeated parts), typed by its property."""
    from .checks._schema import deref

    properties = schema.get("properties") or {}
    received: dict[str, Any] = {}
    for name, value in body.items():
        sub = deref(document, properties.get(name)) or {}
        kinds = sub.get("type") if isinstance(sub.get("type"), list) else [sub.get("type")]
        parts = [_wire(v) for v in value] if isinstance(value, list) else [_wire(value)]
        if not parts:  # no part on the wire: the field is absent
            continue
        if "array" in kinds:
            items = deref(document, sub.get("items")) or {}
            received[name] = [_typed(part, items) for part in parts]
        else:
            received[name] = _typed(parts[-1], sub)
    return received


def _query_really_invalid(document: dict[str, Any], case) -> bool:
    """The query as the server receives it: every value is text (a list is repeated keys), and an object parameter
    in the default form+explode style is spread into its properties' keys, so under its own name it is absent."""
    from .checks._schema import deref
    from .parameters import declared

    label = f"{case.operation.method.upper()} {case.operation.path}"
    properties: dict[str, Any] = {}
    required: list[str] = []
    for param in declared(document, label):
        if param.get("in") != "query":
            continue
        schema = deref(document, param.get("schema")) or {}
        exploded = param.get("style", "form") == "form" and param.get("explode", True)
        if exploded and (schema.get("type") == "object" or "properties" in schema):
            continue  # not on the wire under its name: nothing a server could reject by it
        properties[param["name"]] = schema
        if param.get("required"):
            required.append(param["name"])
    sent = {name: value for name, value in case.query.items() if name in properties}
    schema = {"type": "object", "properties": properties, "required": required}
    return not is_valid(document, schema, _form_as_received(document, sent, schema))
