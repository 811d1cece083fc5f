"""Prove a normalized document is usable: every schema compiles in jsonschema_rs AND Python jsonschema.

OpenAPI 3.0 schemas become Draft 4 (with `nullable` read as "or null"), 3.1 schemas are Draft 2020-12.
All schemas are compiled in one root document (components under definitions/$defs), so `$ref`s resolve
exactly as they do in the spec; failures are reported per schema with the pointer where they sit.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from vapi_contract.spec.model import iter_operations
from vapi_contract.spec.quirks.issues import SpecIssue, escape_token

_COMPONENT_REF = "#/components/schemas/"
_SUBSCHEMA = ("items", "additionalProperties", "not")
_SUBSCHEMA_LISTS = ("allOf", "oneOf", "anyOf")
_NOT_JSON_SCHEMA = ("nullable", "discriminator", "xml", "externalDocs", "example")


def is_openapi_31(document: dict[str, Any]) -> bool:
    return str(document.get("openapi", "")).startswith("3.1")


def to_json_schema(schema: Any, *, openapi_31: bool = False, defs_pointer: str = "#/definitions/") -> Any:
    """An OpenAPI schema as plain JSON Schema: nullable applied, component refs pointed at `defs_pointer`."""
    if not isinstance(schema, dict):
        return schema
    new: dict[str, Any] = {}
    for key, value in schema.items():
        if key == "properties" and isinstance(value, dict):
            new[key] = {k: to_json_schema(v, openapi_31=openapi_31, defs_pointer=defs_pointer) for k, v in value.items()}
        elif key in _SUBSCHEMA and isinstance(value, dict):
            new[key] = to_json_schema(value, openapi_31=openapi_31, defs_pointer=defs_pointer)
        elif key in _SUBSCHEMA_LISTS and isinstance(value, list):
            new[key] = [to_json_schema(v, openapi_31=openapi_31, defs_pointer=defs_pointer) for v in value]
        elif key == "$ref" and isinstance(value, str) and value.startswith(_COMPONENT_REF):
            new[key] = defs_pointer + value[len(_COMPONENT_REF):]
        elif openapi_31 or key not in _NOT_JSON_SCHEMA:
            new[key] = value
    if not openapi_31 and schema.get("nullable") is True:
        return _or_null(new)
    return new


def _or_null(schema: dict[str, Any]) -> dict[str, Any]:
    declared = schema.get("type")
    composite = any(k in schema for k in ("$ref", "allOf", "oneOf", "anyOf", "not"))
    if isinstance(declared, str) and not composite:
        schema["type"] = [declared, "null"]
        if isinstance(schema.get("enum"), list) and None not in schema["enum"]:
            schema["enum"] = [*schema["enum"], None]
        return schema
    if declared is None and not composite and "enum" not in schema:
        return schema  # any type already admits null
    return {"anyOf": [schema, {"type": "null"}]}


def schema_targets(document: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    """(pointer, schema) of every component schema and every operation's parameter/body/response schema."""
    for name, schema in ((document.get("components") or {}).get("schemas") or {}).items():
        yield f"/components/schemas/{escape_token(name)}", schema
    for op in iter_operations(document):
        base = f"/paths/{escape_token(op.path)}/{op.method.lower()}"
        for i, param in enumerate(op.definition.get("parameters") or []):
            if isinstance(param, dict) and "schema" in param:
                yield f"{base}/parameters/{i}/schema", param["schema"]
        body = op.definition.get("requestBody")
        for media_type, media in ((body or {}).get("content") or {}).items() if isinstance(body, dict) else ():
            if isinstance(media, dict) and "schema" in media:
                yield f"{base}/requestBody/content/{escape_token(media_type)}/schema", media["schema"]
        for code, response in (op.definition.get("responses") or {}).items():
            for media_type, media in ((response or {}).get("content") or {}).items():
                if isinstance(media, dict) and "schema" in media:
                    where = f"{base}/responses/{escape_token(str(code))}/content/{escape_token(media_type)}/schema"
                    yield where, media["schema"]


def compile_check(document: dict[str, Any]) -> list[SpecIssue]:
    """Issues (kind `schema-compile-error`) for every schema either library refuses; [] when all compile."""
    openapi_31 = is_openapi_31(document)
    defs_key = "$defs" if openapi_31 else "definitions"
    component_defs = f"#/{defs_key}/"
    pointers: dict[str, str] = {}
    defs: dict[str, Any] = {}
    for pointer, schema in schema_targets(document):
        name = pointer[len("/components/schemas/"):] if pointer.startswith("/components/schemas/") else f"op{len(defs)}"
        pointers[name] = pointer
        defs[name] = to_json_schema(schema, openapi_31=openapi_31, defs_pointer=component_defs)
    issues: list[SpecIssue] = []
    issues += _python_issues(defs, defs_key, pointers, openapi_31)
    issues += _rust_issues(defs, defs_key, pointers, openapi_31)
    return issues


def _issue(pointer: str, library: str, message: str) -> SpecIssue:
    first_line = (message.strip().splitlines() or [""])[0][:300]
    return SpecIssue.make("schema-compile-error", pointer, f"{library}: {first_line}")


def _python_issues(defs: dict, defs_key: str, pointers: dict, openapi_31: bool) -> list[SpecIssue]:
    import jsonschema

    cls = jsonschema.Draft202012Validator if openapi_31 else jsonschema.Draft4Validator
    root = {defs_key: defs}
    issues = []
    meta = cls(cls.META_SCHEMA, format_checker=cls.FORMAT_CHECKER)
    for error in meta.iter_errors(root):
        path = list(error.absolute_path)
        name, rest = (path[1], path[2:]) if len(path) > 1 else ("", path)
        where = pointers.get(name, "") + "".join("/" + escape_token(str(p)) for p in rest)
        issues.append(_issue(where, "jsonschema", error.message))
    for name, pointer, sub, subschema in _walk(defs, pointers):
        pattern = subschema.get("pattern")
        if isinstance(pattern, str):
            try:
                re.compile(pattern)
            except re.error as exc:
                issues.append(_issue(pointer + sub + "/pattern", "jsonschema (re)", str(exc)))
        ref = subschema.get("$ref")
        if isinstance(ref, str) and not _resolves(root, ref):
            issues.append(_issue(pointer + sub, "jsonschema", f"unresolvable $ref {ref}"))
    return issues


def _resolves(root: dict, ref: str) -> bool:
    if not ref.startswith("#/"):
        return False
    node: Any = root
    for token in ref[2:].split("/"):
        token = token.replace("~1", "/").replace("~0", "~")
        if not isinstance(node, dict) or token not in node:
            return False
        node = node[token]
    return True


def _walk(defs: dict, pointers: dict) -> Iterator[tuple[str, str, str, dict]]:
    stack = [(name, pointers[name], "", schema) for name, schema in defs.items()]
    while stack:
        name, pointer, sub, node = stack.pop()
        if not isinstance(node, dict):
            continue
        yield name, pointer, sub, node
        for key, value in node.items():
            if key == "properties" and isinstance(value, dict):
                stack += [(name, pointer, f"{sub}/properties/{escape_token(k)}", v) for k, v in value.items()]
            elif key in _SUBSCHEMA:
                stack.append((name, pointer, f"{sub}/{key}", value))
            elif key in _SUBSCHEMA_LISTS and isinstance(value, list):
                stack += [(name, pointer, f"{sub}/{key}/{i}", v) for i, v in enumerate(value)]


def _rust_issues(defs: dict, defs_key: str, pointers: dict, openapi_31: bool) -> list[SpecIssue]:
    import jsonschema
    import jsonschema_rs

    cls = jsonschema_rs.Draft202012Validator if openapi_31 else jsonschema_rs.Draft4Validator
    meta_schema = (jsonschema.Draft202012Validator if openapi_31 else jsonschema.Draft4Validator).META_SCHEMA
    prefix = f"#/{defs_key}/"
    issues, broken = [], set()
    # Meta-schema errors (jsonschema_rs's own checks, e.g. ECMA regex syntax) come with their path.
    for error in cls(meta_schema, validate_formats=True).iter_errors({defs_key: defs}):
        path = list(error.instance_path)
        if len(path) > 1 and path[1] in pointers:
            broken.add(path[1])
            where = pointers[path[1]] + "".join("/" + escape_token(str(p)) for p in path[2:])
            issues.append(_issue(where, "jsonschema_rs", error.message))
    usable = {n: ({} if n in broken else d) for n, d in defs.items()}
    if _compiles(cls, {defs_key: usable, "anyOf": [{"$ref": prefix + escape_token(n)} for n in usable]}):
        return issues  # one compile for everything; only on failure compile one by one to say where
    for name in usable:
        if name in broken:
            continue
        closure = {n: usable[n] for n in _reachable(name, usable, prefix)}
        try:
            cls({defs_key: closure, "$ref": prefix + escape_token(name)})
        except Exception as exc:  # noqa: BLE001
            issues.append(_issue(pointers[name], "jsonschema_rs", str(exc)))
    return issues


def _compiles(cls, schema: dict) -> bool:
    try:
        cls(schema)
    except Exception:  # noqa: BLE001 - jsonschema_rs raises ValidationError/ValueError by case
        return False
    return True


def _reachable(name: str, defs: dict, prefix: str) -> set[str]:
    """Names of the definitions `name` needs, itself included (so one schema compiles alone, fast)."""
    found, todo = {name}, [defs[name]]
    while todo:
        node = todo.pop()
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith(prefix):
                target = ref[len(prefix):].replace("~1", "/").replace("~0", "~")
                if target in defs and target not in found:
                    found.add(target)
                    todo.append(defs[target])
            todo.extend(v for v in node.values() if isinstance(v, (dict, list)))
        elif isinstance(node, list):
            todo.extend(v for v in node if isinstance(v, (dict, list)))
    return found
