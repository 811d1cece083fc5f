"""Object properties: added, removed, became required or optional, readOnly/writeOnly, deprecated.

Which side matters follows oasdiff: a new required request property breaks clients that do not send it; a
removed required response property breaks clients that read it; readOnly request properties and writeOnly
response properties are not part of what that side exchanges."""

from __future__ import annotations

from ..engine import SchemaPair
from ..registry import schema_rule
from ..schemas import unwrap


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
    for prop in sorted(new_props.keys() - old_props.keys()):
        required = prop in new_required
        name = _name(pair, prop)
        if request:
            if _flag(new_props[prop], "readOnly"):
                continue  # never sent by clients
            rule = "new-required-request-property" if required else "new-optional-request-property"
        else:
            write_only = "write-only-" if _flag(new_props[prop], "writeOnly") else ""
            rule = f"response-{'required' if required else 'optional'}-{write_only}property-added"
        _record(pair, rule, name, f"{'required' if required else 'optional'} property '{name}' added")
    for prop in sorted(old_props.keys() - new_props.keys()):
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
        # `deprecated` often sits on the allOf wrapper, so read it before unwrapping
        was = isinstance(old_props[prop], dict) and old_props[prop].get("deprecated") is True
        now = isinstance(new_props[prop], dict) and new_props[prop].get("deprecated") is True
        if now and not was:
            _record(pair, f"{direction}-property-deprecated", name, f"property '{name}' deprecated")
        elif was and not now:
            _record(pair, f"{direction}-property-reactivated", name, f"property '{name}' no longer deprecated")


def _record(pair: SchemaPair, rule: str, name: str, message: str) -> None:
    w = pair.walk
    if w.kind == "parameter":
        return  # object-valued parameters: Vapi has none; oasdiff tracks them under request-parameter-property-*
    prop = name[len(w.path):].lstrip(".") if w.path and name.startswith(w.path) else name
    relative = f"{w.relative_path}.{prop}" if w.relative_path else prop
    pair.differ.record(w.node, rule, f"{w.where}: {name}", f"{w.direction} {message}", group=(relative,))
