"""Helpers shared by checks: the documented response schema of a case, walked with `$ref`s resolved."""

from __future__ import annotations

from typing import Any

from ...spec.model import resolve_ref


def documented_response(case, status_code: int) -> dict[str, Any] | None:
    """The raw OpenAPI response object for `status_code` (exact, then `4XX`-style, then `default`)."""
    responses = case.operation.definition.raw.get("responses") or {}
    for key in (str(status_code), f"{str(status_code)[0]}XX", f"{str(status_code)[0]}xx", "default"):
        if key in responses:
            return responses[key]
    return None


def root_document(case) -> dict[str, Any]:
    return case.operation.schema.raw_schema


def json_schema_of(case, response_object: dict[str, Any] | None) -> dict[str, Any] | None:
    if not isinstance(response_object, dict):
        return None
    doc = root_document(case)
    if "$ref" in response_object:
        response_object = resolve_ref(doc, response_object["$ref"]) or {}
    content = response_object.get("content") or {}
    for media_type, item in content.items():
        if "json" in media_type and isinstance(item, dict) and isinstance(item.get("schema"), dict):
            return item["schema"]
    return None


def deref(doc: dict[str, Any], schema: Any, depth: int = 0) -> Any:
    while isinstance(schema, dict) and "$ref" in schema and depth < 50:
        schema = resolve_ref(doc, schema["$ref"])
        depth += 1
    return schema


def response_json(response) -> Any:
    try:
        return response.json()
    except Exception:  # noqa: BLE001 - not JSON: checks that need JSON do not apply
        return None
