"""Response properties present in the body but absent from the documented schema, even when the schema does not
say `additionalProperties: false` (which Vapi's never does): the spec is silently incomplete (a spec gap), or,
against the twin (which serves the very spec it is checked against), the twin answers more than it documents.
What the request sent does not matter; only a free-form place in the schema may hold names it does not list."""

from __future__ import annotations

import re
from typing import Any

from . import check
from ._schema import deref, documented_response, json_schema_of, response_json, root_document

MAX_REPORTED = 8


def _could_be_object(schema: Any) -> bool:
    """A `oneOf`/`anyOf` branch an object may match: a `{"type": "string"}` branch documents no names, but it
    does not make an object free-form either."""
    kind = schema.get("type") if isinstance(schema, dict) else None
    return kind is None or kind == "object" or (isinstance(kind, list) and "object" in kind)


def documented_names(doc: dict[str, Any], schema: Any, depth: int = 0) -> set[str] | None:
    """Property names a schema documents (through allOf/oneOf/anyOf, every branch: the check does not pick the
    branch a body matched); None when it is free-form (no `properties` anywhere, `additionalProperties` true or
    a schema, or an object branch of a oneOf/anyOf that is), in which case nothing is undocumented."""
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
            branch = deref(doc, branch)
            if key != "allOf" and not _could_be_object(branch):
                continue
            sub = documented_names(doc, branch, depth + 1)
            if sub is None and key != "allOf":
                return None
            if sub:
                names |= sub
                found = True
    return names if found else None


def _collect(doc: dict[str, Any], schema: Any, pick, depth: int = 0) -> list[Any]:
    """`pick(schema)` of a schema and of every allOf/oneOf/anyOf branch under it."""
    schema = deref(doc, schema)
    if not isinstance(schema, dict) or depth > 20:
        return []
    found = [] if pick(schema) is None else [pick(schema)]
    for key in ("allOf", "oneOf", "anyOf"):
        for branch in schema.get(key) or []:
            found += _collect(doc, branch, pick, depth + 1)
    return found


def _one_of(found: list[Any]) -> Any:
    return None if not found else found[0] if len(found) == 1 else {"anyOf": found}


def property_schema(doc: dict[str, Any], schema: Any, name: str) -> Any:
    """The schema of property `name`; where several branches document it (a discriminated `oneOf`: GhlTool's
    `metadata` and MakeTool's differ), all of them, so a value is judged by every branch it may belong to."""
    return _one_of(_collect(doc, schema, lambda s: (s.get("properties") or {}).get(name)
                            if isinstance(s.get("properties"), dict) else None))


def item_schema(doc: dict[str, Any], schema: Any) -> Any:
    return _one_of(_collect(doc, schema, lambda s: s.get("items")))


IDENTIFIER = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$.-]{0,63}$")


def undocumented(doc: dict[str, Any], schema: Any, value: Any, path: str = "", depth: int = 0) -> list[str]:
    """JSON paths of undocumented properties in `value`, descending into documented objects and arrays."""
    schema = deref(doc, schema)
    if depth > 12 or not isinstance(schema, dict):
        return []
    if isinstance(value, list):
        items = item_schema(doc, schema)
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
    out = [f"{path}.{key}" if path else key for key in value if key not in names]
    for key in value:
        if key in names:
            out += undocumented(doc, property_schema(doc, schema, key), value[key],
                                f"{path}.{key}" if path else key, depth + 1)
    return out


def describe(paths: list[str]) -> str:
    """Failure text. Its cause (first line, fingerprinted) names the first undocumented properties whose names
    are identifiers and says whether generated names (junk a server stored and returned) were among them; the
    detail line has the rest, so the fingerprint does not change with how many a run happened to meet."""
    named = sorted(p for p in paths if all(IDENTIFIER.match(part.removesuffix("[]")) or part == "[]"
                                           for part in p.split(".")))
    junk = sorted(p for p in paths if p not in named)
    parts = named[:MAX_REPORTED] + (["generated names"] if junk else [])
    detail = []
    if len(named) > MAX_REPORTED:
        detail.append(f"+{len(named) - MAX_REPORTED} more")
    if junk:
        detail.append("generated: " + ", ".join(repr(p[:40]) for p in junk[:MAX_REPORTED]))
    text = f"response has properties the schema does not document: {', '.join(parts)}"
    return text + ("\n" + "; ".join(detail) if detail else "")


@check()
def undocumented_properties(ctx, response, case):
    """A 2xx body holding a property its documented schema does not list, whatever the request sent."""
    if not 200 <= response.status_code < 300:
        return
    schema = json_schema_of(case, documented_response(case, response.status_code))
    body = response_json(response)
    if schema is None or body is None:
        return
    extra = undocumented(root_document(case), schema, body)
    if extra:
        raise AssertionError(describe(extra))
    return
