"""Security schemes (components) and security requirements (global and per operation)."""

from __future__ import annotations

from ..engine import DocumentPair, OperationPair
from ..registry import document_rule, operation_rule, rule_ids

IDS = rule_ids(__name__, """
    api-security-removed api-security-added api-security-scope-added api-security-scope-removed
    api-global-security-removed api-global-security-added api-global-security-scope-added
    api-global-security-scope-removed api-security-component-removed api-security-component-added
    api-security-component-type-changed api-security-component-oauth-url-changed
    api-security-component-oauth-token-url-changed api-security-component-oauth-scope-added
    api-security-component-oauth-scope-removed api-security-component-oauth-scope-changed
""")


def _requirements(value) -> dict[str, set[str]]:
    """{"bearer": scopes} over every alternative; a requirement is identified by its scheme names."""
    found: dict[str, set[str]] = {}
    for alternative in value if isinstance(value, list) else []:
        if isinstance(alternative, dict):
            key = " AND ".join(sorted(str(name) for name in alternative))
            scopes = set()
            for listed in alternative.values():
                scopes.update(s for s in (listed if isinstance(listed, list) else []) if isinstance(s, str))
            found[key] = scopes
    return found


def _compare(report, old, new, prefix: str, location: str, what: str) -> None:
    old, new = _requirements(old), _requirements(new)
    for name in sorted(old.keys() - new.keys()):
        report(f"api-{prefix}security-removed", location, f"{what}: security requirement '{name or '{}'}' removed")
    for name in sorted(new.keys() - old.keys()):
        report(f"api-{prefix}security-added", location, f"{what}: security requirement '{name or '{}'}' added")
    for name in sorted(old.keys() & new.keys()):
        for scope in sorted(old[name] - new[name]):
            report(f"api-{prefix}security-scope-removed", location, f"{what}: scope '{scope}' removed from '{name}'")
        for scope in sorted(new[name] - old[name]):
            report(f"api-{prefix}security-scope-added", location, f"{what}: scope '{scope}' added to '{name}'")


@document_rule
def global_security(doc: DocumentPair) -> None:
    _compare(doc.report, doc.old.get("security"), doc.new.get("security"), "global-", "security", "global")


@operation_rule
def operation_security(op: OperationPair) -> None:
    """Compares what applies: an operation without `security` inherits the document's."""
    old, new = op.old.definition.get("security"), op.new.definition.get("security")
    if old is None and new is None:
        return
    if old is None:
        old = op.differ.old.document.get("security")
    if new is None:
        new = op.differ.new.document.get("security")
    _compare(op.report, old, new, "", "security", op.label)


@document_rule
def security_schemes(doc: DocumentPair) -> None:
    old, new = _schemes(doc.old), _schemes(doc.new)
    for name in sorted(old.keys() - new.keys()):
        doc.report("api-security-component-removed", f"#/components/securitySchemes/{name}",
                   f"security scheme '{name}' removed")
    for name in sorted(new.keys() - old.keys()):
        doc.report("api-security-component-added", f"#/components/securitySchemes/{name}",
                   f"security scheme '{name}' added")
    for name in sorted(old.keys() & new.keys()):
        was = old[name] if isinstance(old[name], dict) else {}
        now = new[name] if isinstance(new[name], dict) else {}
        if (was.get("type"), was.get("scheme")) != (now.get("type"), now.get("scheme")):
            doc.report("api-security-component-type-changed", f"#/components/securitySchemes/{name}",
                       f"security scheme '{name}' type changed from {was.get('type')}/{was.get('scheme')} "
                       f"to {now.get('type')}/{now.get('scheme')}")
        _oauth_flows(doc, name, was, now)


def _schemes(document: dict) -> dict:
    schemes = document["components"].get("securitySchemes") if "components" in document else None
    return {str(k): v for k, v in schemes.items()} if isinstance(schemes, dict) else {}


def _oauth_flows(doc: DocumentPair, name: str, was: dict, now: dict) -> None:
    old_flows = was.get("flows") if isinstance(was.get("flows"), dict) else {}
    new_flows = now.get("flows") if isinstance(now.get("flows"), dict) else {}
    location = f"#/components/securitySchemes/{name}"
    for flow in sorted(old_flows.keys() & new_flows.keys()):
        before = old_flows[flow] if isinstance(old_flows[flow], dict) else {}
        after = new_flows[flow] if isinstance(new_flows[flow], dict) else {}
        if before.get("authorizationUrl") != after.get("authorizationUrl"):
            doc.report("api-security-component-oauth-url-changed", location,
                       f"security scheme '{name}' {flow} authorizationUrl changed")
        if before.get("tokenUrl") != after.get("tokenUrl"):
            doc.report("api-security-component-oauth-token-url-changed", location,
                       f"security scheme '{name}' {flow} tokenUrl changed")
        old_scopes = before.get("scopes") if isinstance(before.get("scopes"), dict) else {}
        new_scopes = after.get("scopes") if isinstance(after.get("scopes"), dict) else {}
        for scope in sorted(old_scopes.keys() - new_scopes.keys()):
            doc.report("api-security-component-oauth-scope-removed", location,
                       f"security scheme '{name}' {flow} scope '{scope}' removed")
        for scope in sorted(new_scopes.keys() - old_scopes.keys()):
            doc.report("api-security-component-oauth-scope-added", location,
                       f"security scheme '{name}' {flow} scope '{scope}' added")
        for scope in sorted(k for k in old_scopes.keys() & new_scopes.keys() if old_scopes[k] != new_scopes[k]):
            doc.report("api-security-component-oauth-scope-changed", location,
                       f"security scheme '{name}' {flow} scope '{scope}' description changed")
