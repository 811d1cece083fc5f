"""Required parameters of the hand-built requests (lifecycle, auth probes, teardown): every `required: true`
path/query/header parameter the spec declares for an operation, with a value valid against its schema, and the
smallest valid JSON body when the operation's request body is required (`DELETE /call/{id}` takes one).

Values are deterministic (the same spec gives the same requests night after night: stable reproducers and
fingerprints). Candidates are tried in order -- the schema's `default`, `example`(s), then one synthesized from
`enum`/`const`/`format`/`pattern`/bounds -- and the first one the schema (with format checking) accepts is used.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from ..spec.model import resolve_ref, split_label

TEXT = "vapi-contract"
# a fixed uuid: path/query ids that must look like ids, the same in every run
FIXED_UUID = str(uuid.uuid5(uuid.NAMESPACE_URL, "https://github.com/vapi-contract"))


@dataclass
class RequiredParameters:
    path: dict[str, Any] = field(default_factory=dict)
    query: dict[str, Any] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    unsatisfiable: list[str] = field(default_factory=list)  # "in:name" with no schema-valid value found


def declared(document: dict[str, Any], label: str) -> list[dict[str, Any]]:
    """Parameters of `label` (path item + operation, the operation's overriding the path item's), refs resolved."""
    method, path = split_label(label)
    item = (document.get("paths") or {}).get(path) or {}
    operation = item.get(method.lower()) or {}
    merged: dict[tuple[str, str], dict[str, Any]] = {}
    for param in list(item.get("parameters") or []) + list(operation.get("parameters") or []):
        if isinstance(param, dict) and "$ref" in param:
            param = resolve_ref(document, param["$ref"])
        if isinstance(param, dict) and param.get("name") and param.get("in"):
            merged[(param["in"], param["name"])] = param
    return list(merged.values())


def required_parameters(document: dict[str, Any], label: str, *,
                        path_values: dict[str, str] | None = None) -> RequiredParameters:
    """Every required parameter of `label` with a schema-valid value; `path_values` (e.g. the created object's id)
    win over generated ones. Path parameters are always required in OpenAPI, whatever `required` says."""
    out = RequiredParameters()
    for param in declared(document, label):
        where, name = param["in"], param["name"]
        if where == "path" and path_values and name in path_values:
            out.path[name] = path_values[name]
            continue
        if not (param.get("required") or where == "path") or where == "cookie":
            continue
        schema = _deref(document, param.get("schema")) or {"type": "string"}
        value = value_for(document, schema, name)
        if value is _NONE:
            out.unsatisfiable.append(f"{where}:{name}")
            value = TEXT
        target = {"path": out.path, "query": out.query, "header": out.headers}.get(where)
        if target is not None:
            target[name] = _header_text(value) if where == "header" else value
    return out


def required_body(document: dict[str, Any], label: str) -> Any:
    """The smallest JSON body the schema accepts, with only its required properties, when the operation's request
    body is required; None when it is optional or not JSON. Never optional properties: `DELETE /call/{id}`'s
    optional `ids` would turn the request into a bulk delete."""
    method, path = split_label(label)
    operation = (((document.get("paths") or {}).get(path) or {}).get(method.lower())) or {}
    request_body = _deref(document, operation.get("requestBody")) or {}
    if not request_body.get("required"):
        return None
    content = request_body.get("content") or {}
    media = next((m for m in content if "json" in m), None)
    if media is None:
        return None
    schema = _deref(document, (content[media] or {}).get("schema")) or {}
    value = _required_only(document, schema)
    if value is _NONE or not is_valid(document, schema, value):
        value = value_for(document, schema, "body")
    return {} if value is _NONE else value


def _required_only(document: dict[str, Any], schema: dict[str, Any]) -> Any:
    """An object of the schema's required properties (allOf parts included), each with a valid value."""
    parts = [schema] + [_deref(document, p) or {} for p in schema.get("allOf") or []]
    if not any(p.get("type") == "object" or "properties" in p or "required" in p for p in parts):
        return _NONE
    properties: dict[str, Any] = {}
    required: list[str] = []
    for part in parts:
        properties.update(part.get("properties") or {})
        required += [name for name in part.get("required") or [] if name not in required]
    body = {}
    for name in required:
        value = value_for(document, _deref(document, properties.get(name)) or {}, name)
        if value is _NONE:
            return _NONE
        body[name] = value
    return body


def fill_path(template: str, values: dict[str, Any]) -> str:
    for name, value in values.items():
        template = template.replace("{" + name + "}", str(value))
    return template


# -- values ---------------------------------------------------------------------------------------------------
_NONE = object()


def value_for(document: dict[str, Any], schema: dict[str, Any], name: str = "") -> Any:
    """The first candidate `schema` accepts (format-checked), or _NONE."""
    for candidate in _candidates(document, schema, name):
        if is_valid(document, schema, candidate):
            return candidate
    return _NONE


def is_valid(document: dict[str, Any], schema: dict[str, Any], value: Any) -> bool:
    import jsonschema

    resolver_schema = {**schema, "components": document.get("components", {})} if "$ref" in str(schema) else schema
    try:
        jsonschema.Draft202012Validator(resolver_schema, format_checker=jsonschema.FormatChecker()).validate(value)
    except jsonschema.ValidationError:
        return False
    except Exception:  # noqa: BLE001 - a schema jsonschema cannot use: accept what we synthesized from it
        return True
    return True


def _candidates(document, schema, name):
    schema = _deref(document, schema) or {}
    if "default" in schema:
        yield schema["default"]
    if "example" in schema:
        yield schema["example"]
    examples = schema.get("examples")
    yield from examples if isinstance(examples, list) else []
    if "const" in schema:
        yield schema["const"]
    for value in schema.get("enum") or []:
        if value is not None:
            yield value
    for key in ("oneOf", "anyOf", "allOf"):
        for branch in schema.get(key) or []:
            yield from _candidates(document, branch, name)
    kind = schema.get("type")
    kinds = kind if isinstance(kind, list) else [kind or "string"]
    for kind in kinds:
        if kind == "string":
            yield from _strings(schema)
        elif kind in ("integer", "number"):
            yield from _numbers(schema, kind)
        elif kind == "boolean":
            yield True
        elif kind == "array":
            item = value_for(document, _deref(document, schema.get("items")) or {}, name)
            if item is not _NONE:
                yield [item] * max(1, int(schema.get("minItems") or 1))
        elif kind == "object":
            yield {}


_FORMATS = {
    "uuid": FIXED_UUID, "date-time": "2024-01-01T00:00:00Z", "date": "2024-01-01", "time": "00:00:00Z",
    "email": "vapi-contract@example.com", "uri": "https://example.com/vapi-contract",
    "url": "https://example.com/vapi-contract", "hostname": "example.com", "ipv4": "192.0.2.1", "ipv6": "2001:db8::1",
}


def _strings(schema):
    low, high = int(schema.get("minLength") or 0), schema.get("maxLength")
    fmt = schema.get("format")
    if fmt in _FORMATS:
        yield _FORMATS[fmt]
    pattern = schema.get("pattern")
    if isinstance(pattern, str):
        matched = _match(pattern, low, high)
        if matched is not None:
            yield matched
    text = TEXT if len(TEXT) >= low else TEXT + "x" * (low - len(TEXT))
    yield text[:high] if isinstance(high, int) else text


def _match(pattern: str, low: int, high: Any) -> str | None:
    """The simplest string the pattern fully matches within the length bounds (hypothesis' shrinker finds it)."""
    from hypothesis import HealthCheck, find, settings
    from hypothesis import strategies as st
    from hypothesis.errors import NoSuchExample

    def fits(text: str) -> bool:
        return len(text) >= max(low, 1) and (not isinstance(high, int) or len(text) <= high)

    try:
        return find(st.from_regex(pattern, fullmatch=True), fits,
                    settings=settings(database=None, max_examples=200, suppress_health_check=list(HealthCheck)))
    except (NoSuchExample, Exception):  # noqa: BLE001 - a pattern `re` cannot compile: other candidates remain
        return None


def _numbers(schema, kind):
    low = schema.get("minimum", schema.get("exclusiveMinimum"))
    high = schema.get("maximum", schema.get("exclusiveMaximum"))
    value = 1 if low is None else low + (1 if "exclusiveMinimum" in schema and "minimum" not in schema else 0)
    if high is not None and value > high:
        value = high
    step = schema.get("multipleOf")
    if step:
        value = step * max(1, -(-value // step))
    yield int(value) if kind == "integer" else value


def _deref(document, schema, depth=0):
    while isinstance(schema, dict) and "$ref" in schema and depth < 50:
        schema = resolve_ref(document, schema["$ref"])
        depth += 1
    return schema


def _header_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ",".join(_header_text(v) for v in value)
    return str(value)


def wire_query(query: dict[str, Any]) -> dict[str, Any]:
    """Query values as they go on the wire (`true`, not Python's `True`); lists stay lists (repeated keys)."""
    return {k: [_header_text(x) for x in v] if isinstance(v, list) else _header_text(v) for k, v in query.items()}
