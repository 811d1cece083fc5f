"""The checks openapi-spec-validator performs, on plain dicts, with jsonschema_rs where it is exact.

openapi-spec-validator (`--validation-errors all`) does two things:
1. validates the whole document against the OpenAPI meta-schema shipped in its package (it already uses
   jsonschema_rs for that when installed), and
2. walks paths and components through jsonschema-path accessors, checking each schema against the
   OAS schema dialect (`check_schema`, pure-Python jsonschema), each `default` against its schema,
   `required` names against declared properties, path parameters, duplicate parameters,
   operationId uniqueness and tag names.
Step 2 is what makes it slow. Here it is the same walk over plain dicts, in the same order with the same
dedupe rules, so it reaches the same errors; jsonschema_rs is used as an exact pre-filter for
`check_schema` (a schema rs finds valid is valid; only the few invalid ones go through Python jsonschema so
the reported first error is identical). Unlike the reference, a `$ref` that does not resolve is reported
as an `unresolved-ref` error and the walk carries on instead of crashing.
"""

from __future__ import annotations

import string
from collections.abc import Iterator
from typing import Any

from .model import HTTP_METHODS
from .oas_meta import DefaultChecker, RawError, SchemaChecker, join, meta_schema_errors

__all__ = ["RawError", "Walker", "all_errors", "dangling_refs", "join"]
_MISSING = object()


# -- 3. the walk ---------------------------------------------------------------------------------------
class Walker:
    """Mirror of openapi_spec_validator.validation.keywords for OAS 3.0/3.1, over plain dicts."""

    def __init__(self, document: dict[str, Any]):
        self.document = document
        version = str(document.get("openapi", "3.0"))
        self.schema_checker = SchemaChecker(version)
        self.default_checker = DefaultChecker(document, version)
        self.dialect = document.get("jsonSchemaDialect") or "https://spec.openapis.org/oas/3.1/dialect/base"
        self.visited: set[int] = set()
        self.meta_checked: set[int] = set()
        self.operation_ids: list[Any] = []
        self.dangling_reported: set[str] = set()
        self._targets: dict[str, Any] = {}  # $ref -> target (or _MISSING)

    # Resolution: a node with `$ref` stands for its target (siblings ignored, as jsonschema-path does).
    def resolve(self, node: Any, pointer: str) -> tuple[Any, str, list[RawError]]:
        seen: set[str] = set()
        problems: list[RawError] = []
        while isinstance(node, dict) and "$ref" in node:
            ref = node["$ref"]
            target = _MISSING
            if isinstance(ref, str) and ref.startswith("#") and ref not in seen:
                seen.add(ref)
                target = self._targets.get(ref, None)
                if target is None:
                    target = self._targets[ref] = _lookup(self.document, ref[1:])
            if target is _MISSING:
                where = join(pointer, "$ref")
                if where not in self.dangling_reported:
                    self.dangling_reported.add(where)
                    problems.append(RawError("unresolved-ref", "$ref", where, f"$ref {ref!r} does not resolve"))
                return _MISSING, pointer, problems
            node, pointer = target, ref[1:]
        return node, pointer, problems

    def run(self) -> Iterator[RawError]:
        root = self.document
        if isinstance(root.get("tags"), list):
            yield from self.tags(root["tags"])
        if "paths" in root:
            yield from self.paths(root["paths"], "/paths")
        if "components" in root:
            components, where, problems = self.resolve(root["components"], "/components")
            yield from problems
            if isinstance(components, dict) and "schemas" in components:
                schemas, swhere, problems = self.resolve(components["schemas"], join(where, "schemas"))
                yield from problems
                for name, schema in _items(schemas):
                    yield from self.schema(schema, join(swhere, name))

    def tags(self, tags: list[Any]) -> Iterator[RawError]:
        seen: set[Any] = set()
        for tag in tags:
            name = tag.get("name") if isinstance(tag, dict) else None
            if name in seen:
                yield RawError("duplicate-tag", "uniqueTagName", "/tags", f"Duplicate tag name '{name}'")
            seen.add(name)

    def paths(self, paths: Any, pointer: str) -> Iterator[RawError]:
        for url, item in _items(paths):
            item, where, problems = self.resolve(item, join(pointer, url))
            yield from problems
            if not isinstance(item, dict):
                continue
            shared = None
            if "parameters" in item:
                shared = self.resolve(item["parameters"], join(where, "parameters"))
                yield from shared[2]
                yield from self.parameters(*shared[:2])
            for method, operation in item.items():
                if method in HTTP_METHODS:
                    yield from self.operation(url, method, operation, join(where, method), shared)

    def parameters(self, parameters: Any, pointer: str) -> Iterator[RawError]:
        seen: set[tuple[Any, Any]] = set()
        for position, parameter in enumerate(parameters if isinstance(parameters, list) else []):
            parameter, where, problems = self.resolve(parameter, join(pointer, position))
            yield from problems
            if not isinstance(parameter, dict):
                continue
            if "schema" in parameter:
                yield from self.schema(parameter["schema"], join(where, "schema"))
            key = (parameter.get("name"), parameter.get("in"))
            if key in seen:
                yield RawError("duplicate-parameter", "uniqueParameter", pointer,
                               f"Duplicate parameter '{parameter.get('name')}'")
            seen.add(key)

    def operation(self, url: str, method: str, operation: Any, pointer: str, shared) -> Iterator[RawError]:
        operation, pointer, problems = self.resolve(operation, pointer)
        yield from problems
        if not isinstance(operation, dict):
            return
        if "operationId" in operation:
            op_id = operation["operationId"]
            if op_id is not None and op_id in self.operation_ids:
                yield RawError("duplicate-operation-id", "uniqueOperationId", join(pointer, "operationId"),
                               f"Operation ID '{op_id}' for '{method}' in '{url}' is not unique")
            self.operation_ids.append(op_id)
        if "responses" in operation:
            responses, where, problems = self.resolve(operation["responses"], join(pointer, "responses"))
            yield from problems
            for code, response in _items(responses):
                yield from self.response(response, join(where, code))
        names: list[Any] = []
        if "parameters" in operation:
            own, where, problems = self.resolve(operation["parameters"], join(pointer, "parameters"))
            yield from problems
            yield from self.parameters(own, where)
            names += self._path_names(own, where)
        if shared is not None:
            names += self._path_names(shared[0], shared[1])
        declared = set(names)
        try:
            in_url = {field for _, field, _, _ in string.Formatter().parse(url) if field}
        except ValueError as exc:
            yield RawError("path-parameter", "pathTemplate", pointer, f"Path '{url}' is not a valid template: {exc}")
            return
        for name in sorted(in_url - declared) + sorted(declared - in_url, key=str):
            yield RawError("path-parameter", "pathParameter", join(pointer, "parameters"),
                           f"Path parameter '{name}' for '{method}' operation in '{url}' was not resolved")

    def _path_names(self, parameters: Any, pointer: str) -> list[Any]:
        names = []
        for position, parameter in enumerate(parameters if isinstance(parameters, list) else []):
            parameter, _, _ = self.resolve(parameter, join(pointer, position))
            if isinstance(parameter, dict) and parameter.get("in") == "path":
                names.append(parameter.get("name"))
        return names

    def response(self, response: Any, pointer: str) -> Iterator[RawError]:
        response, pointer, problems = self.resolve(response, pointer)
        yield from problems
        if not isinstance(response, dict) or "content" not in response:
            return
        content, where, problems = self.resolve(response["content"], join(pointer, "content"))
        yield from problems
        for media, media_type in _items(content):
            media_type, mwhere, problems = self.resolve(media_type, join(where, media))
            yield from problems
            if isinstance(media_type, dict) and "schema" in media_type:
                yield from self.schema(media_type["schema"], join(mwhere, "schema"))

    def schema(self, node: Any, pointer: str, require_properties: bool = True,
               meta_checked: bool = False) -> Iterator[RawError]:
        node, pointer, problems = self.resolve(node, pointer)
        yield from problems
        if node is _MISSING:
            return
        if not isinstance(node, (dict, bool)):
            yield RawError("schema", "type", pointer, f"{node!r} is not of type 'object', 'boolean'")
            return
        key = id(node)
        if not meta_checked and key not in self.meta_checked:
            self.meta_checked.add(key)
            first = self.schema_checker.first_error(node, self.dialect)
            if first is not None:
                keyword, path, message = first
                yield RawError("schema", keyword, join(pointer, *path), message)
                return
        if key in self.visited or not isinstance(node, dict):
            return
        self.visited.add(key)

        nested_properties: list[str] = []
        for keyword in ("allOf", "anyOf", "oneOf"):
            if keyword in node:
                for position, inner in enumerate(_list(node[keyword])):
                    yield from self.schema(inner, join(pointer, keyword, position), False, True)
                    if keyword == "allOf":
                        nested_properties += self._collect_properties(inner, join(pointer, keyword, position))
        if "not" in node:
            yield from self.schema(node["not"], join(pointer, "not"), False, True)
        if "items" in node:
            yield from self.schema(node["items"], join(pointer, "items"), False, True)
        if "properties" in node:
            props, where, problems = self.resolve(node["properties"], join(pointer, "properties"))
            yield from problems
            for name, inner in _items(props):
                yield from self.schema(inner, join(where, name), False, True)

        if "allOf" in node and require_properties:
            required = node.get("required") or []
            declared = set(_keys(node.get("properties")))
            extra = list(set(required) - declared - set(nested_properties))
            if extra:
                yield RawError("required-properties", "required", join(pointer, "required"),
                               f"Required list has not defined properties: {extra}")

        if "default" in node:
            value = node["default"]
            if value is not None or node.get("nullable", False) is not True:
                for keyword, path, message in self.default_checker.errors(node, value):
                    yield RawError("default", keyword, join(pointer, "default", *path), message)

    def _collect_properties(self, node: Any, pointer: str, depth: int = 0) -> set[str]:
        node, pointer, _ = self.resolve(node, pointer)
        props: set[str] = set()
        if not isinstance(node, dict) or depth > 200:
            return props
        props.update(_keys(node.get("properties")))
        for keyword in ("allOf", "anyOf", "oneOf"):
            for position, inner in enumerate(_list(node.get(keyword))):
                props |= self._collect_properties(inner, join(pointer, keyword, position), depth + 1)
        for keyword in ("items", "not"):
            if keyword in node:
                props |= self._collect_properties(node[keyword], join(pointer, keyword), depth + 1)
        return props


def _lookup(document: Any, pointer: str) -> Any:
    node = document
    for token in pointer.split("/")[1:] if pointer else []:
        token = token.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and token in node:
            node = node[token]
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            return _MISSING
    return node


def _items(node: Any) -> list[tuple[str, Any]]:
    return list(node.items()) if isinstance(node, dict) else []


def _keys(node: Any) -> list[str]:
    return list(node.keys()) if isinstance(node, dict) else []


def _list(node: Any) -> list[Any]:
    return node if isinstance(node, list) else []


def dangling_refs(document: dict[str, Any], already: set[str]) -> Iterator[RawError]:
    """Every `$ref` anywhere in the document that does not resolve (the walk only sees the ones it visits,
    e.g. not request bodies), except those at pointers in ALREADY."""
    resolves: dict[str, bool] = {}
    nodes: list[Any] = [document]  # first pass without pointers: most specs have no dangling ref at all
    while nodes:
        node = nodes.pop()
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref not in resolves:
                resolves[ref] = ref.startswith("#") and _lookup(document, ref[1:]) is not _MISSING
            nodes.extend(v for v in node.values() if isinstance(v, (dict, list)))
        elif isinstance(node, list):
            nodes.extend(v for v in node if isinstance(v, (dict, list)))
    if all(resolves.values()):
        return iter(())
    stack: list[tuple[Any, str]] = [(document, "")]
    found: list[RawError] = []
    while stack:
        node, pointer = stack.pop()
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str):
                if ref not in resolves:
                    resolves[ref] = ref.startswith("#") and _lookup(document, ref[1:]) is not _MISSING
                where = pointer + "/$ref"
                if not resolves[ref] and where not in already:
                    found.append(RawError("unresolved-ref", "$ref", where, f"$ref {ref!r} does not resolve"))
            stack.extend((value, join(pointer, key)) for key, value in node.items() if isinstance(value, (dict, list)))
        elif isinstance(node, list):
            stack.extend((value, join(pointer, i)) for i, value in enumerate(node) if isinstance(value, (dict, list)))
    return iter(sorted(found, key=lambda e: e.pointer))


def all_errors(document: dict[str, Any]) -> list[RawError]:
    """Every error openapi-spec-validator would report (`--validation-errors all`), plus dangling refs."""
    errors = list(meta_schema_errors(document))
    walker = Walker(document)
    errors += list(walker.run())
    errors += list(dangling_refs(document, walker.dangling_reported))
    return errors
