"""Security schemes (components) and security requirements (global and per operation)."""

from __future__ import annotations

from ..engine import DocumentPair, OperationPair
from ..registry import document_rule, operation_rule


def _requirements(value) -> dict[str, set[str]]:
    """{"bearer": scopes} over every alternative; a requirement is identified by its scheme names."""
    found: dict[str, set[str]] = {}
    for alternative in value or []:
        if isinstance(alternative, dict):
            key = " AND ".join(sorted(alternative))
            scopes = set()
            for listed in alternative.values():
                scopes.update(s for s in listed or [] if isinstance(s, str))
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
    old = (doc.old.get("components") or {}).get("securitySchemes") or {}
    new = (doc.new.get("components") or {}).get("securitySchemes") or {}
    for name in sorted(old.keys() - new.keys()):
        doc.report("api-security-component-removed", f"#/components/securitySchemes/{name}",
                   f"security scheme '{name}' removed")
    for name in sorted(new.keys() - old.keys()):
        doc.report("api-security-component-added", f"#/components/securitySchemes/{name}",
                   f"security scheme '{name}' added")
    for name in sorted(old.keys() & new.keys()):
        was, now = old[name] or {}, new[name] or {}
        if (was.get("type"), was.get("scheme")) != (now.get("type"), now.get("scheme")):
            doc.report("api-security-component-type-changed", f"#/components/securitySchemes/{name}",
                       f"security scheme '{name}' type changed from {was.get('type')}/{was.get('scheme')} "
                       f"to {now.get('type')}/{now.get('scheme')}")
