"""Make values conform to a schema: keep what the client sent when it fits, fill in what the schema requires.

`conform(value, schema)` is how the twin turns a create body plus server fields into an object its documented
response schema accepts, and `conform(MISSING, schema)` synthesizes a minimal valid instance for operations
that return something the twin does not store (analytics, runs, previews). The result is always re-checked
by the compiled validator before it is served.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

import regex

from .formats import check, example

MISSING: Any = object()
MAX_DEPTH = 40
FIXED_UUID = "00000000-0000-4000-8000-000000000000"




def _types(schema: dict[str, Any]) -> list[str]:
    kind = schema.get("type")
    if isinstance(kind, list):
        return [k for k in kind if isinstance(k, str)]
    if isinstance(kind, str):
        return [kind]
    if "properties" in schema or "required" in schema:
        return ["object"]
    if "items" in schema:
        return ["array"]
    return []


def _nullable(schema: dict[str, Any]) -> bool:
    return schema.get("nullable") is True or "null" in _types(schema)


@lru_cache(maxsize=4096)
def _compiled(pattern: str) -> regex.Pattern | None:
    try:
        return regex.compile(pattern)
    except regex.error:
        return None


_CANDIDATES = (
    "example", "a", "A", "1", "abc", "test-name", "+14155550123", "14155550123", "en", "en-US", "UTC",
    "https://example.com", "user@example.com", "2024-01-01", "00:00", "America/New_York", FIXED_UUID,
    "sk-000000", "a1", "x_y", "{{name}}",
)


@lru_cache(maxsize=4096)
def string_for_pattern(pattern: str, min_length: int = 0, max_length: int | None = None) -> str | None:
    """A short string the pattern matches (searched, as JSON Schema patterns are unanchored)."""
    compiled = _compiled(pattern)
    if compiled is None:
        return None

    def fits(text: str) -> bool:
        return len(text) >= min_length and (max_length is None or len(text) <= max_length) and bool(compiled.search(text))

    for candidate in _CANDIDATES:
        if fits(candidate):
            return candidate
    try:  # rare: a pattern none of the usual strings match
        import warnings

        from hypothesis import HealthCheck, given, settings
        from hypothesis import strategies as st

        found: list[str] = []
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")

            @settings(max_examples=200, database=None, suppress_health_check=list(HealthCheck), deadline=None)
            @given(st.from_regex(pattern))
            def probe(text: str) -> None:
                if fits(text) and not found:
                    found.append(text)

            probe()
        return found[0] if found else None
    except Exception:  # noqa: BLE001 - hypothesis cannot parse every Rust/PCRE pattern; caller falls back
        return None


def _string(value: Any, schema: dict[str, Any]) -> str:
    enum = schema.get("enum")
    if isinstance(enum, list) and enum:
        return value if value in enum else next((e for e in enum if isinstance(e, str)), str(enum[0]))
    if "const" in schema:
        return schema["const"]
    min_len, max_len = int(schema.get("minLength") or 0), schema.get("maxLength")
    pattern = schema.get("pattern")
    if isinstance(value, str) and _string_fits(value, schema):
        return value
    text = example(schema.get("format")) or (value if isinstance(value, str) else "example")
    if isinstance(pattern, str) and not _string_fits(text, schema):
        text = string_for_pattern(pattern, min_len, max_len) or text
    if len(text) < min_len:
        text = text + "x" * (min_len - len(text))
    if isinstance(max_len, int) and len(text) > max_len:
        text = text[:max_len]
    return text


def _string_fits(value: str, schema: dict[str, Any]) -> bool:
    if len(value) < int(schema.get("minLength") or 0):
        return False
    if isinstance(schema.get("maxLength"), int) and len(value) > schema["maxLength"]:
        return False
    pattern = schema.get("pattern")
    if isinstance(pattern, str):
        compiled = _compiled(pattern)
        if compiled is not None and not compiled.search(value):
            return False
    return check(schema.get("format"), value)


def _number(value: Any, schema: dict[str, Any], integer: bool) -> int | float:
    ok = isinstance(value, (int, float)) and not isinstance(value, bool) and (not integer or float(value).is_integer())
    number = value if ok else 0
    low, high = schema.get("minimum"), schema.get("maximum")
    ex_low, ex_high = schema.get("exclusiveMinimum"), schema.get("exclusiveMaximum")
    step = 1 if integer else 0.5
    if isinstance(low, (int, float)) and (number < low or (ex_low is True and number <= low)):
        number = low + (step if ex_low is True else 0)
    if isinstance(ex_low, (int, float)) and not isinstance(ex_low, bool) and number <= ex_low:
        number = ex_low + step
    if isinstance(high, (int, float)) and (number > high or (ex_high is True and number >= high)):
        number = high - (step if ex_high is True else 0)
    if isinstance(ex_high, (int, float)) and not isinstance(ex_high, bool) and number >= ex_high:
        number = ex_high - step
    multiple = schema.get("multipleOf")
    if isinstance(multiple, (int, float)) and multiple > 0 and number % multiple:
        number = (number // multiple + 1) * multiple
    return int(number) if integer else number


class Conformer:
    """Conforms values to the schemas of one spec; `resolve` follows `$ref`s, `valid` is a validator check."""

    def __init__(self, resolve: Callable[[Any], Any], valid: Callable[[dict, Any], bool] | None = None):
        self.resolve = resolve
        self.valid = valid

    def __call__(self, value: Any, schema: Any, depth: int = 0) -> Any:
        schema = self.resolve(schema)
        if not isinstance(schema, dict) or depth > MAX_DEPTH:
            return None if value is MISSING else value
        if "allOf" in schema:
            merged = {k: v for k, v in schema.items() if k != "allOf"}
            result = value
            for part in [merged] + list(schema["allOf"]):
                result = self(result, part, depth + 1)
            return result
        for key in ("oneOf", "anyOf"):
            if isinstance(schema.get(key), list) and schema[key]:
                return self._choice(value, schema, key, depth)
        if "const" in schema:
            return schema["const"]
        if value is None and _nullable(schema):
            return None
        types = _types(schema)
        enum = schema.get("enum")
        if isinstance(enum, list) and enum and "array" not in types and "object" not in types:
            return value if value in enum else enum[0]
        kind = self._pick_type(value, types)
        if kind == "object":
            return self._object(value if isinstance(value, dict) else MISSING, schema, depth)
        if kind == "array":
            return self._array(value if isinstance(value, list) else MISSING, schema, depth)
        if kind == "string":
            return _string(value, schema)
        if kind in ("integer", "number"):
            return _number(value, schema, kind == "integer")
        if kind == "boolean":
            return value if isinstance(value, bool) else False
        if kind == "null":
            return None
        return {} if value is MISSING or value is None else value

    @staticmethod
    def _pick_type(value: Any, types: list[str]) -> str | None:
        if not types:
            return None
        actual = {dict: "object", list: "array", str: "string", bool: "boolean"}.get(type(value))
        if actual is None and isinstance(value, (int, float)):
            actual = "integer" if isinstance(value, int) or float(value).is_integer() else "number"
        if actual in types or (actual == "integer" and "number" in types):
            return "number" if actual == "integer" and "integer" not in types else actual
        preferred = [t for t in types if t != "null"]
        return preferred[0] if preferred else types[0]

    def _object(self, value: Any, schema: dict[str, Any], depth: int) -> dict[str, Any]:
        properties = schema.get("properties") or {}
        source = value if isinstance(value, dict) else {}
        extra = schema.get("additionalProperties", True)
        result: dict[str, Any] = {}
        for key, item in source.items():
            if key in properties:
                result[key] = self(item, properties[key], depth + 1)
            elif extra is True or extra == {}:
                result[key] = item
            elif isinstance(extra, dict):
                result[key] = self(item, extra, depth + 1)
        for key in schema.get("required") or []:
            if key not in result:
                result[key] = self(MISSING, properties.get(key, {}), depth + 1)
        minimum = schema.get("minProperties")
        if isinstance(minimum, int) and len(result) < minimum:
            for key, sub in properties.items():
                if len(result) >= minimum:
                    break
                result.setdefault(key, self(MISSING, sub, depth + 1))
        return result

    def _array(self, value: Any, schema: dict[str, Any], depth: int) -> list[Any]:
        items_schema = schema.get("items", {})
        enum = schema.get("enum")  # Vapi quirk: enum on an array lists the allowed items
        source = value if isinstance(value, list) else []
        result = [self(item, items_schema, depth + 1) for item in source]
        if isinstance(enum, list) and enum:
            result = [item for item in result if item in enum]
        if schema.get("uniqueItems"):
            unique: list[Any] = []
            for item in result:
                if item not in unique:
                    unique.append(item)
            result = unique
        minimum = int(schema.get("minItems") or 0)
        while len(result) < minimum:
            filler = enum[len(result) % len(enum)] if isinstance(enum, list) and enum else self(MISSING, items_schema, depth + 1)
            result.append(filler)
            if schema.get("uniqueItems") and result.count(filler) > 1:
                result.pop()
                break
        maximum = schema.get("maxItems")
        return result[:maximum] if isinstance(maximum, int) else result

    def _choice(self, value: Any, schema: dict[str, Any], key: str, depth: int) -> Any:
        base = {k: v for k, v in schema.items() if k not in ("oneOf", "anyOf", "discriminator")}
        branches = list(schema[key])
        discriminator = schema.get("discriminator") or {}
        prop, mapping = discriminator.get("propertyName"), discriminator.get("mapping") or {}
        if prop and isinstance(value, dict) and value.get(prop) in mapping:
            branches = [{"$ref": mapping[value[prop]]}] + branches
        ranked = sorted(range(len(branches)), key=lambda i: -self._affinity(value, branches[i]))
        candidates = []
        for index in ranked:
            branch = branches[index]
            merged = {"allOf": [base, branch]} if base else branch
            candidate = self(value, merged, depth + 1)
            if self.valid is None or self.valid(schema, candidate):
                return candidate
            candidates.append(candidate)
        return candidates[0] if candidates else (None if value is MISSING else value)

    def _affinity(self, value: Any, branch: Any) -> float:
        """How well a value already fits a branch: type match, matching enums/consts, known keys."""
        branch = self.resolve(branch)
        if not isinstance(branch, dict):
            return 0
        types = _types(branch)
        if value is MISSING:  # synthesize from the simplest branch
            return -len(branch.get("required") or [])
        score = 0.0
        actual = {dict: "object", list: "array", str: "string", bool: "boolean"}.get(type(value), "number")
        if types and actual in types:
            score += 10
        elif types:
            score -= 10
        if isinstance(value, dict):
            props = branch.get("properties") or {}
            for key, item in value.items():
                sub = self.resolve(props.get(key))
                if not isinstance(sub, dict):
                    score -= 1
                    continue
                score += 1
                allowed = sub.get("enum") or ([sub["const"]] if "const" in sub else None)
                if allowed:
                    score += 5 if item in allowed else -20
            score -= sum(3 for key in branch.get("required") or [] if key not in value)
        elif "enum" in branch:
            score += 5 if value in branch["enum"] else -5
        return score
