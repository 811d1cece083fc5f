"""Runs the reference openapi-spec-validator in-process and locates each of its errors as a JSON pointer,
so its error set can be compared with ours fingerprint for fingerprint."""

from __future__ import annotations

from collections import Counter
from typing import Any

from vapi_contract.spec.oas_checks import join
from vapi_contract.spec.validate import fingerprint


def _locations(document: Any) -> dict[int, str]:
    where: dict[int, str] = {}
    stack = [(document, "")]
    while stack:
        node, pointer = stack.pop()
        if isinstance(node, dict):
            where.setdefault(id(node), pointer)
            stack.extend((v, join(pointer, k)) for k, v in node.items())
        elif isinstance(node, list):
            where.setdefault(id(node), pointer)
            stack.extend((v, join(pointer, i)) for i, v in enumerate(node))
    return where


def reference_fingerprints(document: dict[str, Any]) -> Counter:
    """Counter of fingerprints of the errors openapi-spec-validator reports (`--validation-errors all`)."""
    from openapi_spec_validator.validation import OpenAPIV30SpecValidator, OpenAPIV31SpecValidator
    from openapi_spec_validator.validation import keywords as kw
    from openapi_spec_validator.validation.exceptions import (
        DuplicateOperationIDError,
        ExtraParametersError,
        ParameterDuplicateError,
        UnresolvableParameterError,
    )

    where = _locations(document)
    tags: dict[int, tuple] = {}

    def tagging(cls, make_tag):
        original = cls.__call__

        def wrapped(self, *args, **kwargs):
            tag = make_tag(*args)
            for err in original(self, *args, **kwargs):
                tags.setdefault(id(err), tag)
                yield err
        return original, wrapped

    patches = {
        kw.SchemaValidator: lambda schema, *a, **k: ("schema", where.get(id(schema.read_value()))),
        kw.ValueValidator: lambda schema, *a, **k: ("default", where.get(id(schema.read_value()))),
        kw.ParametersValidator: lambda params, *a, **k: ("params", where.get(id(params.read_value()))),
        kw.OperationValidator: lambda url, name, op, *a, **k: ("operation", where.get(id(op.read_value()))),
        kw.TagsValidator: lambda tags, *a, **k: ("tags", where.get(id(tags.read_value()))),
    }
    saved = {}
    for klass, make_tag in patches.items():
        saved[klass], klass.__call__ = tagging(klass, make_tag)
    try:
        cls = OpenAPIV31SpecValidator if str(document["openapi"]).startswith("3.1") else OpenAPIV30SpecValidator
        validator = cls(document)
        meta = list(validator.schema_validator.iter_errors(validator.schema))
        walked = list(validator.root_validator(validator.schema_path))
    finally:
        for klass, original in saved.items():
            klass.__call__ = original

    result: Counter = Counter()
    for err in meta:
        keyword = list(err.schema_path)[-1] if err.schema_path else "schema"
        result[fingerprint("openapi-schema", str(keyword), join("", *err.path))] += 1
    for err in walked:
        kind, pointer = tags[id(err)]
        if kind == "tags":
            result[fingerprint("duplicate-tag", "uniqueTagName", pointer)] += 1
        elif kind == "default":
            result[fingerprint("default", str(err.validator), join(pointer, "default", *err.path))] += 1
        elif isinstance(err, ExtraParametersError):
            result[fingerprint("required-properties", "required", join(pointer, "required"))] += 1
        elif isinstance(err, ParameterDuplicateError):
            result[fingerprint("duplicate-parameter", "uniqueParameter", pointer)] += 1
        elif isinstance(err, UnresolvableParameterError):
            result[fingerprint("path-parameter", "pathParameter", join(pointer, "parameters"))] += 1
        elif isinstance(err, DuplicateOperationIDError):
            result[fingerprint("duplicate-operation-id", "uniqueOperationId", join(pointer, "operationId"))] += 1
        else:
            result[fingerprint("schema", str(err.validator), join(pointer, *err.path))] += 1
    return result



def with_dangling_targets_stubbed(document: dict[str, Any]) -> dict[str, Any]:
    """Copy of DOCUMENT where every dangling `#/components/schemas/X` target exists as `{}`: the reference
    crashes on a dangling $ref, so it is compared with us on this copy (minus our unresolved-ref errors)."""
    import copy

    from vapi_contract.spec.model import resolve_ref

    patched = copy.deepcopy(document)
    refs: list[str] = []
    stack = [patched]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if isinstance(node.get("$ref"), str):
                refs.append(node["$ref"])
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    schemas = patched.setdefault("components", {}).setdefault("schemas", {})
    for ref in refs:
        prefix = "#/components/schemas/"
        if ref.startswith(prefix) and resolve_ref(patched, ref) is None:
            schemas[ref[len(prefix):]] = {}
    return patched
