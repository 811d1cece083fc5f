"""OpenAPI meta-schema and schema-dialect checks with the exact rules of openapi-spec-validator.

jsonschema_rs does the bulk work; pure-Python jsonschema (through openapi_schema_validator, as the
reference does) only runs where its exact first error is needed. Used by `oas_checks.Walker`.
"""


from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib.util import find_spec
from pathlib import Path
from typing import Any

DOCUMENT_URI = "urn:vapi-contract:spec"


@dataclass(frozen=True)
class RawError:
    check: str  # which rule: openapi-schema, schema, default, required-properties, path-parameter, ...
    keyword: str  # the validator keyword that failed
    pointer: str  # JSON pointer into the document
    message: str


def escape(token: Any) -> str:
    token = str(token)
    if "~" in token or "/" in token:
        return token.replace("~", "~0").replace("/", "~1")
    return token


def join(pointer: str, *tokens: Any) -> str:
    if len(tokens) == 1:  # the hot path of the walk
        return f"{pointer}/{escape(tokens[0])}"
    return pointer + "".join("/" + escape(t) for t in tokens)


# -- 1. the OpenAPI meta-schema ------------------------------------------------------------------------
def _package_dir(name: str) -> Path:
    """Folder of an installed package, found without importing it (openapi_spec_validator imports pydantic)."""
    spec = find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"package {name} is not installed")
    return Path(next(iter(spec.submodule_search_locations)))


@cache
def openapi_meta_schema(version: str) -> dict[str, Any]:
    folder = "3.1" if version.startswith("3.1") else "3.0"
    path = _package_dir("openapi_spec_validator") / "resources" / "schemas" / f"v{folder}" / "schema.json"
    return json.loads(path.read_text(encoding="utf-8"))


@cache
def _meta_validator(version: str):
    import jsonschema_rs

    return jsonschema_rs.validator_for(openapi_meta_schema(version))


def meta_schema_errors(document: dict[str, Any]) -> Iterator[RawError]:
    validator = _meta_validator(str(document.get("openapi", "3.0")))
    for error in validator.iter_errors(document):
        schema_path = list(error.schema_path)
        yield RawError(
            "openapi-schema",
            str(schema_path[-1]) if schema_path else "schema",
            join("", *error.instance_path),
            str(error),
        )


# -- 2. schema dialect checks -------------------------------------------------------------------------
def is_valid_regex(pattern: Any) -> bool:
    """Same rule as openapi_schema_validator._regex: ECMA via `regress` when installed, else Python `re`."""
    if not isinstance(pattern, str):
        return True
    try:
        from regress import Regex, RegressError  # type: ignore[import-not-found]
    except ImportError:
        import re

        try:
            re.compile(pattern)
        except re.error:
            return False
        return True
    try:
        Regex(pattern)
    except RegressError:
        return False
    return True


class SchemaChecker:
    """`check_schema` of one OAS version, returning the first error exactly as openapi-spec-validator does."""

    def __init__(self, version: str):
        self.v31 = version.startswith("3.1")
        self._rs = None
        if not self.v31:  # 3.0 dialect = draft-04 meta-schema + OAS formats: rs is exact here
            import jsonschema_rs
            from openapi_schema_validator import OAS30Validator

            self._rs = jsonschema_rs.Draft4Validator(
                OAS30Validator.META_SCHEMA,
                validate_formats=True,
                formats={"regex": is_valid_regex},
            )

    def first_error(self, schema: Any, dialect: str | None) -> tuple[str, list, str] | None:
        """(keyword, path inside the schema, message) of the first error, or None when valid."""
        if self._rs is not None:
            try:
                if self._rs.is_valid(schema):
                    return None
            except (ValueError, TypeError, OverflowError):  # not convertible for rs: let Python decide
                pass
        from jsonschema.exceptions import SchemaError, ValidationError

        try:
            self._python_check(schema, dialect)
        except (SchemaError, ValidationError) as err:
            return str(err.validator), list(err.path), err.message
        except ValueError as exc:  # unknown dialect
            return "$schema", [], str(exc)
        except Exception as exc:  # noqa: BLE001 - jsonschema itself crashed on this schema: still one reported error
            return "malformed-schema", [], f"schema could not be checked ({type(exc).__name__}: {exc})"
        return None

    def _python_check(self, schema: Any, dialect: str | None) -> None:
        if not self.v31:
            from openapi_schema_validator import OAS30Validator

            OAS30Validator.check_schema(schema)
            return
        from jsonschema.validators import validator_for
        from openapi_schema_validator import oas31_format_checker

        if isinstance(schema, dict) and "$schema" in schema:
            dialect = schema["$schema"]
            if not isinstance(dialect, str):
                raise ValueError(f"Unknown JSON Schema dialect: {dialect!r}")
        cls = validator_for({"$schema": dialect}, default=None)
        if cls is None:
            raise ValueError(f"Unknown JSON Schema dialect: {dialect!r}")
        cls.check_schema(schema, format_checker=oas31_format_checker)


class DefaultChecker:
    """Each `default` against its own schema, with `$ref`s resolved in the document (OAS30/31Validator)."""

    def __init__(self, document: dict[str, Any], version: str):
        self.document = document
        self.v31 = version.startswith("3.1")
        self._resolver = None

    def errors(self, schema: dict[str, Any], value: Any) -> Iterator[tuple[str, list, str]]:
        from referencing.exceptions import Unresolvable

        if self.v31:
            from openapi_schema_validator import OAS31Validator as cls
            from openapi_schema_validator import oas31_format_checker as formats
        else:
            from openapi_schema_validator import OAS30Validator as cls
            from openapi_schema_validator import oas30_format_checker as formats
        # `_resolver` (as openapi-spec-validator passes it): `#/...` refs resolve against the whole document.
        validator = cls(schema, _resolver=self._get_resolver(), format_checker=formats)
        try:
            for err in validator.iter_errors(value):
                yield str(err.validator), list(err.path), err.message
        except Unresolvable:
            return  # the dangling $ref itself is reported as unresolved-ref
        except Exception as exc:  # noqa: BLE001 - a malformed schema (e.g. `required: true`) crashes jsonschema: report it
            yield "malformed-schema", [], f"default could not be checked, the schema is malformed ({type(exc).__name__}: {exc})"

    def _get_resolver(self):
        if self._resolver is None:
            from referencing import Registry, Resource
            from referencing.jsonschema import DRAFT4, DRAFT202012

            spec = DRAFT202012 if self.v31 else DRAFT4
            registry = Registry().with_resource(DOCUMENT_URI, Resource.from_contents(self.document, spec))
            self._resolver = registry.resolver(base_uri=DOCUMENT_URI)
        return self._resolver
