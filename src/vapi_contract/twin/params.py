"""Request parameters and bodies checked against the operation's spec, with NestJS-style 400 messages."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from .routing import Route
from .state import Served


def _coerce(raw: list[str], schema: dict[str, Any]) -> Any:
    """Query strings to the JSON value the schema describes (`limit=5` -> 5), left as text when they do not parse."""
    kind = schema.get("type")
    if kind == "array":
        items = schema.get("items") if isinstance(schema.get("items"), dict) else {}
        values = [v for text in raw for v in text.split(",")] if len(raw) == 1 else raw
        return [_coerce([v], items) for v in values]
    text = raw[-1]
    if kind in ("integer", "number"):
        try:
            number = float(text)
        except ValueError:
            return text
        exact = number.is_integer() and not any(c in text for c in ".eE")
        return int(number) if exact else number
    if kind == "boolean":
        return {"true": True, "false": False}.get(text.lower(), text)
    return text


def check_parameters(served: Served, route: Route, path_values: dict[str, str], query: dict[str, list[str]],
                     headers: Mapping[str, str] | None = None) -> tuple[dict[str, Any], list[str]]:
    """Typed query values and the list of problems (empty when the request's parameters are valid).
    `headers` is case-insensitive (Starlette's `Headers`); header parameters are checked, not returned."""
    values: dict[str, Any] = {}
    problems: list[str] = []
    for param in route.params:
        name, where = param.get("name"), param.get("in")
        schema = served.book.resolve(param.get("schema") or {})
        if where == "query":
            raw = query.get(name)
        elif where == "path":
            raw = [path_values[name]] if name in path_values else None
        elif where == "header" and isinstance(name, str):
            found = (headers or {}).get(name.lower())
            raw = [found] if found is not None else None
        else:
            continue
        if raw is None:
            if param.get("required"):
                problems.append(f"{name} should not be empty")
            continue
        value = _coerce(raw, schema if isinstance(schema, dict) else {})
        if where == "query":
            values[name] = value
        if isinstance(schema, dict) and not served.book.schema_valid(schema, value):
            problems.append(f"{name}: {value!r} is not valid for {json.dumps(_summary(schema))}")
    return values, problems


def _summary(schema: dict[str, Any]) -> dict[str, Any]:
    keys = ("type", "enum", "format", "minimum", "maximum", "minLength", "maxLength", "pattern")
    return {k: schema[k] for k in keys if k in schema}


MAX_BODY_DEPTH = 64  # deeper JSON is refused: the validators (serde) give up near 300 levels with an error


def _depth(value: Any) -> int:
    """Nesting depth of a parsed JSON value, without recursion."""
    deepest, todo = 0, [(value, 1)]
    while todo:
        node, level = todo.pop()
        deepest = max(deepest, level)
        if level > MAX_BODY_DEPTH:
            break
        children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else ()
        todo += [(child, level + 1) for child in children if isinstance(child, (dict, list))]
    return deepest


def parse_body(raw: bytes) -> tuple[Any, str | None]:
    """The JSON body (an empty body reads as `{}`, as NestJS does), or the parse error message."""
    if not raw.strip():
        return {}, None
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        return None, f"Unexpected token in JSON: {exc}"
    except RecursionError:
        body = None
    if body is None and raw.strip() != b"null" or _depth(body) > MAX_BODY_DEPTH:
        return None, f"request body is nested deeper than {MAX_BODY_DEPTH} levels"
    if not isinstance(body, (dict, list)):  # body-parser's strict mode (NestJS default): `null`, `5`, `"x"` are 400
        return None, f"Unexpected token in JSON: a body must be an object or an array, got {raw.strip()[:20].decode(errors='replace')}"
    return body, None


def parse_form(raw: bytes, content_type: str) -> tuple[Any, str | None]:
    """Form fields as a JSON object: text parts as strings, file parts as their file name (a `binary` string)."""
    if content_type.startswith("application/x-www-form-urlencoded"):
        from urllib.parse import parse_qsl

        fields: dict[str, list[str]] = {}
        for key, value in parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True):
            fields.setdefault(key, []).append(value)
        return {k: v[0] if len(v) == 1 else v for k, v in fields.items()}, None
    if not content_type.startswith("multipart/form-data"):
        return None, f"Content-Type must be multipart/form-data, got {content_type or 'none'}"
    from email.parser import BytesParser
    from email.policy import HTTP

    message = BytesParser(policy=HTTP).parsebytes(b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + raw)
    if not message.is_multipart():
        return None, "Multipart: Boundary not found"
    fields: dict[str, list[Any]] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not name:
            continue
        filename = part.get_filename()
        payload = part.get_payload(decode=True) or b""
        value = filename if filename is not None else payload.decode("utf-8", "replace")
        fields.setdefault(name, []).append(value)
    return {k: v[0] if len(v) == 1 else v for k, v in fields.items()}, None


def shape_form(fields: Any, schema: Any, resolve) -> Any:
    """Form values typed as the schema says: repeated or single parts of an array field become a list,
    numbers and booleans are parsed like query parameters."""
    schema = resolve(schema)
    if not isinstance(fields, dict) or not isinstance(schema, dict):
        return fields
    properties = schema.get("properties") or {}
    shaped = {}
    for name, value in fields.items():
        sub = resolve(properties.get(name)) or {}
        kinds = sub.get("type") if isinstance(sub.get("type"), list) else [sub.get("type")]
        if "array" in kinds:
            values = value if isinstance(value, list) else [value]
            items = resolve(sub.get("items")) or {}
            shaped[name] = [_coerce([v], items) if isinstance(v, str) else v for v in values]
        elif isinstance(value, str):
            shaped[name] = _coerce([value], {"type": next((k for k in kinds if k and k != "null"), "string")})
        else:
            shaped[name] = value
    return shaped


def check_body(served: Served, route: Route, body: Any) -> list[str]:
    if route.request_ptr is None:
        return []
    return served.book.errors(route.request_ptr, body)
