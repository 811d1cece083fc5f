"""Object properties: added, removed, became required or optional, readOnly/writeOnly, deprecated.

Which side matters follows oasdiff: a new required request property breaks clients that do not send it; a
removed required response property breaks clients that read it; readOnly request properties and writeOnly
response properties are not part of what that side exchanges."""

from __future__ import annotations

from ..engine import SchemaPair, _renamed_discriminator
from ..policy import STABILITY
from ..registry import rule_ids, schema_rule
from ..schemas import unwrap
from . import lifecycle

IDS = rule_ids(__name__, """
    new-required-request-property new-required-request-property-with-default new-optional-request-property
    response-required-property-added response-optional-property-added
    response-required-write-only-property-added response-optional-write-only-property-added
    request-property-removed response-required-property-removed response-optional-property-removed
    response-required-write-only-property-removed response-optional-write-only-property-removed
    request-property-became-required request-property-became-required-with-default request-property-became-optional
    response-property-became-required response-property-became-optional
    response-write-only-property-became-required response-write-only-property-became-optional
    request-optional-property-became-read-only request-optional-property-became-not-read-only
    request-optional-property-became-write-only request-optional-property-became-not-write-only
    request-required-property-became-read-only request-required-property-became-not-read-only
    request-required-property-became-write-only request-required-property-became-not-write-only
    response-optional-property-became-read-only response-optional-property-became-not-read-only
    response-optional-property-became-write-only response-optional-property-became-not-write-only
    response-required-property-became-read-only response-required-property-became-not-read-only
    response-required-property-became-write-only response-required-property-became-not-write-only
    request-property-deprecated request-property-deprecated-with-sunset request-property-deprecated-sunset-missing
    request-property-deprecated-sunset-invalid request-property-sunset-date-too-small request-property-reactivated
    response-property-deprecated response-property-deprecated-with-sunset response-property-deprecated-sunset-missing
    response-property-deprecated-sunset-invalid response-property-sunset-date-too-small response-property-reactivated
    request-property-stability-decreased request-property-stability-increased
    response-property-stability-decreased response-property-stability-increased
    new-required-request-header-property request-header-property-became-required
""")


def _flag(schema, key: str) -> bool:
    schema = unwrap(schema)
    return isinstance(schema, dict) and schema.get(key) is True


def _required(schema: dict) -> set[str]:
    value = schema.get("required")
    return {name for name in value if isinstance(name, str)} if isinstance(value, list) else set()


def _name(pair: SchemaPair, prop: str) -> str:
    return f"{pair.walk.path}.{prop}" if pair.walk.path else prop


@schema_rule
def properties_added_removed(pair: SchemaPair) -> None:
    old_props, new_props = pair.old.get("properties"), pair.new.get("properties")
    if not isinstance(old_props, dict) or not isinstance(new_props, dict):
        return
    old_required, new_required = _required(pair.old), _required(pair.new)
    request = pair.walk.direction == "request"
    # (old, new) discriminator property, renamed here or by the parent whose branch this is: reported once, as
    # discriminator-property-name-changed, not as a property removed plus one added
    renamed = pair.walk.renamed or _renamed_discriminator(pair.old, pair.new)
    for prop in sorted(new_props.keys() - old_props.keys()):
        if renamed and prop == renamed[1] and renamed[0] in old_props:
            continue
        required = prop in new_required
        name = _name(pair, prop)
        if request:
            if _flag(new_props[prop], "readOnly"):
                continue  # never sent by clients
            rule = "new-required-request-property" if required else "new-optional-request-property"
            if required and "default" in (unwrap(new_props[prop]) or {}):
                rule = "new-required-request-property-with-default"
        else:
            write_only = "write-only-" if _flag(new_props[prop], "writeOnly") else ""
            rule = f"response-{'required' if required else 'optional'}-{write_only}property-added"
        _record(pair, rule, name, f"{'required' if required else 'optional'} property '{name}' added")
    for prop in sorted(old_props.keys() - new_props.keys()):
        if renamed and prop == renamed[0] and renamed[1] in new_props:
            continue
        required = prop in old_required
        name = _name(pair, prop)
        if request:
            if _flag(old_props[prop], "readOnly"):
                continue
            rule = "request-property-removed"
        else:
            write_only = "write-only-" if _flag(old_props[prop], "writeOnly") else ""
            rule = f"response-{'required' if required else 'optional'}-{write_only}property-removed"
        _record(pair, rule, name, f"{'required' if required else 'optional'} property '{name}' removed")


@schema_rule
def required_changes(pair: SchemaPair) -> None:
    old_props, new_props = pair.old.get("properties"), pair.new.get("properties")
    if not isinstance(old_props, dict) or not isinstance(new_props, dict):
        return
    old_required, new_required = _required(pair.old), _required(pair.new)
    request = pair.walk.direction == "request"
    for prop in sorted(old_props.keys() & new_props.keys()):
        became_required = prop in new_required and prop not in old_required
        became_optional = prop in old_required and prop not in new_required
        if not (became_required or became_optional):
            continue
        name = _name(pair, prop)
        what = "required" if became_required else "optional"
        if request:
            if _flag(new_props[prop], "readOnly"):
                continue
            rule = f"request-property-became-{what}"
            if became_required and "default" in (unwrap(new_props[prop]) or {}):
                rule = "request-property-became-required-with-default"
        else:
            write_only = "write-only-" if _flag(new_props[prop], "writeOnly") else ""
            rule = f"response-{write_only}property-became-{what}"
        _record(pair, rule, name, f"property '{name}' became {what}")


@schema_rule
def access_and_deprecation(pair: SchemaPair) -> None:
    old_props, new_props = pair.old.get("properties"), pair.new.get("properties")
    if not isinstance(old_props, dict) or not isinstance(new_props, dict):
        return
    new_required = _required(pair.new)
    direction = pair.walk.direction
    for prop in sorted(old_props.keys() & new_props.keys()):
        name = _name(pair, prop)
        requiredness = "required" if prop in new_required else "optional"
        for key, word in (("readOnly", "read-only"), ("writeOnly", "write-only")):
            was, now = _flag(old_props[prop], key), _flag(new_props[prop], key)
            if was != now:
                rule = f"{direction}-{requiredness}-property-became-{'' if now else 'not-'}{word}"
                _record(pair, rule, name, f"property '{name}' became {'' if now else 'not '}{word}")
        # `deprecated`, `x-sunset` and `x-stability-level` often sit on the allOf wrapper: read them unwrapped
        _lifecycle(pair, direction, name, _annotations(old_props[prop]), _annotations(new_props[prop]))


def _annotations(schema) -> dict:
    found: dict = {}
    while isinstance(schema, dict):
        for key in ("deprecated", "x-sunset", STABILITY):
            if key in schema and key not in found:
                found[key] = schema[key]
        nxt = unwrap(schema)
        schema = nxt if nxt is not schema else None
    return found


def _lifecycle(pair: SchemaPair, direction: str, name: str, before: dict, after: dict) -> None:
    was, now = before.get("deprecated") is True, after.get("deprecated") is True
    if now and not was:
        outcome, detail = lifecycle.deprecation_outcome(pair.differ.policy, after)
        rule = {"ok": "deprecated", "with-sunset": "deprecated-with-sunset", "missing": "deprecated-sunset-missing",
                "invalid": "deprecated-sunset-invalid", "too-small": "sunset-date-too-small"}[outcome]
        _record(pair, f"{direction}-property-{rule}", name,
                f"property '{name}' deprecated" + (f" ({detail})" if detail else ""))
    elif was and not now:
        _record(pair, f"{direction}-property-reactivated", name, f"property '{name}' no longer deprecated")
    changed = lifecycle.stability_change(before, after)
    if changed:
        _record(pair, f"{direction}-property-stability-{changed}", name,
                f"property '{name}' stability {changed} from {before.get(STABILITY) or 'stable'} to "
                f"{after.get(STABILITY) or 'stable'}")


def _record(pair: SchemaPair, rule: str, name: str, message: str) -> None:
    w = pair.walk
    if w.kind == "parameter":
        # object-valued parameters: oasdiff tracks only header ones, and only these two
        header = {"new-required-request-property": "new-required-request-header-property",
                  "new-required-request-property-with-default": "new-required-request-header-property",
                  "request-property-became-required": "request-header-property-became-required",
                  "request-property-became-required-with-default": "request-header-property-became-required"}
        if not w.where.startswith("header") or rule not in header:
            return
        rule = header[rule]
    prop = name[len(w.path):].lstrip(".") if w.path and name.startswith(w.path) else name
    relative = f"{w.relative_path}.{prop}" if w.relative_path else prop
    pair.differ.record(w.node, rule, f"{w.where}: {name}", f"{w.direction} {message}", group=(relative,))
