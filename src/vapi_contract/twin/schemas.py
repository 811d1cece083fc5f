"""The served spec as the twin reads it: normalized once, schemas resolved by pointer, validators compiled once.

Compiling a validator for a large Vapi schema (Call, Assistant) takes tens of milliseconds because it reaches
hundreds of components, so validators are compiled on first use and cached, and `warm_up()` compiles every
operation's validators in a background thread right after start-up; the server is ready well within 2 s.
"""

from __future__ import annotations

import threading
import time
from typing import Any
from urllib.parse import quote

import jsonschema_rs

from ..spec.model import resolve_pointer
from .formats import validator_class, validator_options

SPEC_URI = "urn:vapi-twin-spec"
JSON = "application/json"
WARM_UP_PAUSE_S = 0.005  # the event loop gets the GIL between two validator compiles


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def pointer(*tokens: str) -> str:
    return "".join("/" + _escape(str(t)) for t in tokens)


def uri(ptr: str) -> str:
    """The spec resource URI of a JSON pointer (`{id}` in paths must be percent-encoded in a fragment)."""
    return f"{SPEC_URI}#{quote(ptr, safe='/~-_.!$&()*+,;=:@')}"


def normalize(document: dict[str, Any]) -> tuple[dict[str, Any], list[Any]]:
    """The spec rewritten so validators accept it (quirks layer), plus the spec issues it found."""
    try:
        from ..spec.quirks import normalize as quirks_normalize

        result = quirks_normalize(document)
    except Exception as exc:  # noqa: BLE001 - a broken quirks layer must not take the twin down; say so
        import sys

        print(f"vapi-contract twin: spec not normalized ({type(exc).__name__}: {exc}); serving it raw",
              file=sys.stderr)
        return document, []
    return result.document, list(result.issues)


def as_json_schema(document: dict[str, Any]) -> dict[str, Any]:
    """The document with every schema rewritten to plain JSON Schema (`nullable` -> "or null"), refs kept
    pointing at `#/components/schemas/`, so pointers into the spec still name the same places."""
    from ..spec.quirks.compile import is_openapi_31, to_json_schema

    openapi_31 = is_openapi_31(document)

    def convert(schema: Any) -> Any:
        return to_json_schema(schema, openapi_31=openapi_31, defs_pointer="#/components/schemas/")

    def content(block: Any) -> Any:
        if not isinstance(block, dict) or not isinstance(block.get("content"), dict):
            return block
        media = {k: ({**v, "schema": convert(v["schema"])} if isinstance(v, dict) and "schema" in v else v)
                 for k, v in block["content"].items()}
        return {**block, "content": media}

    def parameters(items: Any) -> Any:
        if not isinstance(items, list):
            return items
        return [{**p, "schema": convert(p["schema"])} if isinstance(p, dict) and "schema" in p else p for p in items]

    paths = {}
    for path, item in (document.get("paths") or {}).items():
        if not isinstance(item, dict):
            paths[path] = item
            continue
        new_item = {**item, "parameters": parameters(item["parameters"])} if "parameters" in item else dict(item)
        for method, op in item.items():
            if isinstance(op, dict) and method != "parameters":
                new_op = dict(op)
                if "parameters" in op:
                    new_op["parameters"] = parameters(op["parameters"])
                if "requestBody" in op:
                    new_op["requestBody"] = content(op["requestBody"])
                if isinstance(op.get("responses"), dict):
                    new_op["responses"] = {c: content(r) for c, r in op["responses"].items()}
                new_item[method] = new_op
        paths[path] = new_item
    components = dict(document.get("components") or {})
    components["schemas"] = {n: convert(s) for n, s in (components.get("schemas") or {}).items()}
    return {**document, "paths": paths, "components": components}


class SchemaBook:
    """Schemas of one spec version, addressed by JSON pointer into the (normalized) document."""

    def __init__(self, document: dict[str, Any]):
        normalized, self.issues = normalize(document)
        self.document = as_json_schema(normalized)
        self.draft = jsonschema_rs.Draft202012 if str(self.document.get("openapi", "")).startswith("3.1") else jsonschema_rs.Draft4
        self._registry = jsonschema_rs.Registry([(SPEC_URI, self.document)], draft=self.draft)
        self._validators: dict[str, Any] = {}
        self._broken: dict[str, str] = {}  # pointer -> why its schema does not compile (reported, not hidden)
        self._inline: dict[int, Any] = {}
        self._lock = threading.Lock()

    def compile(self, schema: dict[str, Any], **kwargs: Any) -> Any:
        """The one validator configuration of the twin (requests, responses, parameters, conformance): the
        spec's draft, formats checked, `uuid` & co. taught to Draft 4 (formats.py)."""
        cls = validator_class(self.draft)
        return cls(schema, registry=self._registry, **validator_options(self.draft), **kwargs)

    def at(self, ptr: str) -> Any:
        return resolve_pointer(self.document, ptr)

    def resolve(self, schema: Any, seen: int = 0) -> Any:
        """Follow `$ref`s to the schema they name; a dangling ref reads as the empty schema."""
        while isinstance(schema, dict) and "$ref" in schema and seen < 64:
            ref = schema["$ref"]
            target = resolve_pointer(self.document, ref[1:]) if ref.startswith("#") else None
            if target is None:
                return {}
            schema, seen = target, seen + 1
        return schema

    def validator(self, ptr: str) -> Any | None:
        """Compiled validator for the schema at `ptr`, or None when it cannot compile (see `broken`)."""
        found = self._validators.get(ptr)
        if found is not None or ptr in self._broken:
            return found
        with self._lock:
            if ptr in self._validators or ptr in self._broken:
                return self._validators.get(ptr)
            try:
                compiled = self.compile({"$ref": uri(ptr)}, base_uri=SPEC_URI + "/root")
            except (ValueError, jsonschema_rs.ReferencingError, jsonschema_rs.ValidationError) as exc:
                self._broken[ptr] = str(exc).splitlines()[0]
                return None
            self._validators[ptr] = compiled
            return compiled

    @property
    def broken(self) -> dict[str, str]:
        return dict(self._broken)

    def errors(self, ptr: str, instance: Any, limit: int = 20) -> list[str]:
        """Human-readable validation errors of `instance` against the schema at `ptr` (empty when valid)."""
        validator = self.validator(ptr)
        if validator is None or validator.is_valid(instance):
            return []
        messages = []
        for error in validator.iter_errors(instance):
            where = "".join(f"[{p!r}]" if isinstance(p, int) else f".{p}" for p in error.instance_path)
            messages.append(f"{where.lstrip('.') or 'body'}: {error.message}" if where else error.message)
            if len(messages) >= limit:
                break
        return messages

    def is_valid(self, ptr: str, instance: Any) -> bool:
        validator = self.validator(ptr)
        return True if validator is None else validator.is_valid(instance)

    def warm_up(self, pointers: list[str]) -> threading.Thread:
        """Compile every validator in the background. A compile holds the GIL for up to ~40 ms, so the thread
        pauses after each one: otherwise it takes the GIL back at every I/O wait of the event loop and the first
        requests (the health check among them) wait for the whole warm-up (1.2 s on the newest spec)."""

        def compile_all() -> None:
            for ptr in pointers:
                self.validator(ptr)
                time.sleep(WARM_UP_PAUSE_S)

        thread = threading.Thread(target=compile_all, name="twin-warm-up", daemon=True)
        thread.start()
        return thread

    def schema_valid(self, schema: dict[str, Any], instance: Any) -> bool:
        """Check against an arbitrary subschema of the spec (its local refs resolve into the spec)."""
        key = id(schema)
        validator = self._inline.get(key)
        if validator is None:
            import json

            text = json.dumps(schema).replace('"$ref": "#/', f'"$ref": "{SPEC_URI}#/')
            try:
                validator = self.compile(json.loads(text))
            except (ValueError, jsonschema_rs.ReferencingError, jsonschema_rs.ValidationError):
                validator = False
            self._inline[key] = (validator, schema)  # keep the schema alive so its id stays unique
        else:
            validator = validator[0]
        return True if validator is False else validator.is_valid(instance)

    def property_names(self, schema: Any, depth: int = 0) -> set[str] | None:
        """Every property an object of this schema may have (allOf/oneOf/anyOf branches together), or None when
        the schema allows properties it does not list (no `properties`, or `additionalProperties` set)."""
        schema = self.resolve(schema)
        if not isinstance(schema, dict) or depth > 16:
            return None
        names: set[str] = set()
        branches = [b for key in ("allOf", "oneOf", "anyOf") for b in schema.get(key) or []]
        for branch in branches:
            found = self.property_names(branch, depth + 1)
            if found is None:
                return None
            names |= found
        if "properties" in schema:
            if schema.get("additionalProperties") not in (None, False):
                return None
            names |= set(schema["properties"])
        elif not branches:
            return None
        return names
