"""Response properties present in the body but absent from the documented schema, even when the schema does not
say `additionalProperties: false` (which Vapi's never does): the spec is silently incomplete (a spec gap)."""

from __future__ import annotations

import re
from typing import Any

import schemathesis

from ._schema import deref, documented_response, json_schema_of, response_json, root_document

MAX_REPORTED = 8


def documented_names(doc: dict[str, Any], schema: Any, depth: int = 0) -> set[str] | None:
    """Property names a schema documents (through allOf/oneOf/anyOf); None when it is free-form (no
    `properties` anywhere, or `additionalProperties` with a schema), in which case nothing is undocumented."""
    schema = deref(doc, schema)
    if not isinstance(schema, dict) or depth > 20:
        return None
    names: set[str] = set()
    found = False
    if isinstance(schema.get("properties"), dict):
        names |= set(schema["properties"])
        found = True
    if isinstance(schema.get("additionalProperties"), dict) or schema.get("additionalProperties") is True:
        return None
    for key in ("allOf", "oneOf", "anyOf"):
        for branch in schema.get(key) or []:
            sub = documented_names(doc, branch, depth + 1)
            if sub is None and key != "allOf":
                return None
            if sub:
                names |= sub
                found = True
    return names if found else None


def property_schema(doc: dict[str, Any], schema: Any, name: str, depth: int = 0) -> Any:
    schema = deref(doc, schema)
    if not isinstance(schema, dict) or depth > 20:
        return None
    props = schema.get("properties")
    if isinstance(props, dict) and name in props:
        return props[name]
    for key in ("allOf", "oneOf", "anyOf"):
        for branch in schema.get(key) or []:
            found = property_schema(doc, branch, name, depth + 1)
            if found is not None:
                return found
    return None


IDENTIFIER = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$.-]{0,63}$")


# Property names this process sent in any request body: a server that stores and returns what it was sent (the
# twin does, for schemas without `additionalProperties: false`) is not documenting less than it serves.
_SENT: set[str] = set()
SENT_CAP = 200_000


def remember_sent(body: Any) -> None:
    if isinstance(body, (dict, list)) and len(_SENT) < SENT_CAP:
        sent_names(body, _SENT)


def sent_names(value: Any, out: set[str] | None = None) -> set[str]:
    """Every property name in a request body: a server that echoes what it was sent is not documenting less."""
    out = set() if out is None else out
    if isinstance(value, dict):
        for key, child in value.items():
            out.add(key)
            sent_names(child, out)
    elif isinstance(value, list):
        for child in value:
            sent_names(child, out)
    return out


def undocumented(doc: dict[str, Any], schema: Any, value: Any, path: str = "", depth: int = 0) -> list[str]:
    """JSON paths of undocumented properties in `value`, descending into documented objects and arrays."""
    schema = deref(doc, schema)
    if depth > 12 or not isinstance(schema, dict):
        return []
    if isinstance(value, list):
        items = schema.get("items")
        out: list[str] = []
        for element in value[:20]:
            for found in undocumented(doc, items, element, f"{path}[]", depth + 1):
                if found not in out:
                    out.append(found)
        return out
    if not isinstance(value, dict):
        return []
    names = documented_names(doc, schema)
    if names is None:
        return []
    # generated junk names (not identifiers) come from earlier fuzzed requests stored by the server
    out = [f"{path}.{key}" if path else key for key in value if key not in names and IDENTIFIER.match(key)]
    for key in value:
        if key in names:
            out += undocumented(doc, property_schema(doc, schema, key), value[key],
                                f"{path}.{key}" if path else key, depth + 1)
    return out


@schemathesis.check
def undocumented_properties(ctx, response, case):
    if not 200 <= response.status_code < 300:
        return
    schema = json_schema_of(case, documented_response(case, response.status_code))
    body = response_json(response)
    if schema is None or body is None:
        return
    echoed = sent_names(case.body) if isinstance(case.body, (dict, list)) else set()
    extra = [p for p in undocumented(root_document(case), schema, body)
             if p.rsplit(".", 1)[-1] not in echoed and p.rsplit(".", 1)[-1] not in _SENT]
    if extra:
        shown = ", ".join(sorted(extra)[:MAX_REPORTED])
        more = f" (+{len(extra) - MAX_REPORTED} more)" if len(extra) > MAX_REPORTED else ""
        raise AssertionError(f"response has properties the schema does not document: {shown}{more}")
    return
