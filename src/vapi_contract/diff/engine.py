"""The walker: compares two documents through their $refs and turns rule findings into `Change`s.

Every change is recorded once, on the node where it happened: an operation (inline parts) or a shared component
pair (old ref, new ref). Nodes remember which nodes reached them, so after the walk each component change lists
all the operations that reach it. Memoising nodes also makes recursive schemas terminate, and comparing resolved
structure means a renamed component with the same shape is no change.
"""

from __future__ import annotations

import sys
from collections.abc import Hashable
from dataclasses import dataclass, field, replace
from typing import Any

from ..spec.model import Operation, resolve_ref
from . import registry
from .catalogue import LEVELS
from .model import Change, DiffResult
from .policy import Policy
from .prepared import PreparedDocument, dirty_components, prepare
from .schemas import null_wrapped, nullable, ref_name, unwrap

# the walker's own findings: a part of the contract it could not compare
IDS = registry.rule_ids(__name__, "schema-ref-dangling schema-depth-limit")


@dataclass(frozen=True)
class Walk:
    """Where the walker is: direction decides levels, kind and path decide rule ids and locations."""

    direction: str  # "request" | "response"
    kind: str  # "body" | "parameter" | "header"
    where: str  # "request body application/json", "query parameter limit", ...
    node: Hashable  # the node that owns changes found here
    path: str = ""  # property path from the body root: "model.messages[].role"
    read_only: bool = False
    write_only: bool = False
    depth: int = 0
    base: int = 0  # length of `path` where the current node (shared component) was entered
    media: str = ""  # the media type of the body ("" for parameters and headers)
    # (old name, new name) of a discriminator property renamed by the parent: the branches' copies of it are the
    # rename, not a property removed plus one added
    renamed: tuple[str, ...] = ()

    @property
    def relative_path(self) -> str:
        """Path inside the current component: the same edit in sibling components has the same one."""
        return self.path[self.base:].lstrip(".")

    @property
    def location(self) -> str:
        return f"{self.where}: {self.path}" if self.path else self.where

    @property
    def subject(self) -> str:
        if not self.path:
            return self.where
        noun = {"parameter": f"{self.where} property", "header": f"{self.where} property"}.get(
            self.kind, f"{self.direction} property"
        )
        return f"{noun} '{self.path}'"

    def child(self, token: str, **flags: bool) -> Walk:
        if token.startswith("["):
            path = f"{self.path}{token}"
        else:
            path = f"{self.path}.{token}" if self.path else token
        return replace(self, path=path, depth=self.depth + 1, renamed=(), **flags)


@dataclass
class Node:
    component: str | None  # "#/components/schemas/X" for shared components, None for an operation
    operation: str | None  # the operation label for operation nodes
    # (rule id, location, message, group): changes with equal (rule id, group) in different components are one
    changes: list[tuple[str, str, str, tuple]] = field(default_factory=list)
    parents: set = field(default_factory=set)


MAX_DEPTH = 200  # inline nesting (shared components are memoised, so real specs never get close)


class SchemaPair:
    """One pair of matching schema nodes, handed to every schema rule."""

    def __init__(self, differ: Differ, old: dict, new: dict, walk: Walk):
        self.differ, self.old, self.new, self.walk = differ, old, new, walk
        self._branches: dict[str, tuple] = {}

    @property
    def at_root(self) -> bool:
        return not self.walk.path

    def rule_id(self, concept: str) -> str | None:
        """The catalogue id for CONCEPT (e.g. "enum-value-removed") at this place, or None when no tool tracks
        that concept here (e.g. a response maximum that decreased is safe for clients)."""
        w = self.walk
        if w.kind == "parameter":
            candidates = [] if self.at_root or not w.where.startswith("header") else [f"request-header-property-{concept}"]
            candidates.append(f"request-parameter-{concept}" if self.at_root else f"request-parameter-property-{concept}")
        elif w.kind == "header":
            candidates = [f"response-header-{concept}"] if self.at_root else []
        else:
            candidates = []
            if w.direction == "request" and w.read_only:
                candidates.append(f"request-read-only-property-{concept}")
            if w.direction == "response" and w.write_only:
                candidates.append(f"response-write-only-property-{concept}")
            if self.at_root:
                candidates.append(f"{w.direction}-body-{concept}")
            candidates.append(f"{w.direction}-property-{concept}")
        return next((c for c in candidates if c in registry.DECLARED), None)

    def report(self, concept: str, message: str) -> None:
        rule_id = self.rule_id(concept)
        if rule_id is not None:
            self.differ.record(self.walk.node, rule_id, self.walk.location, f"{self.walk.subject}: {message}",
                               group=(self.walk.relative_path, message))

    def branches(self, keyword: str) -> tuple[list, list, list]:
        """(matched pairs, removed, added) branches of oneOf/anyOf/allOf, matched once per node pair (also
        when only one side has the composition, see matching.match_composition)."""
        if keyword not in self._branches:
            from .matching import match_composition

            self._branches[keyword] = match_composition(self.differ, self.old, self.new, keyword)
        return self._branches[keyword]


class Differ:
    def __init__(self, old_doc: dict[str, Any], new_doc: dict[str, Any], policy: Policy | None = None):
        registry.load_rules()
        self.policy = policy or Policy()
        self.old: PreparedDocument = prepare(old_doc)
        self.new: PreparedDocument = prepare(new_doc)
        self.dirty = dirty_components(self.old, self.new)
        self.nodes: dict[Hashable, Node] = {}
        self._shapes: dict[tuple[str, str], str | None] = {}

    # -- recording -----------------------------------------------------------------------------------------
    def operation_node(self, label: str) -> Hashable:
        key = ("op", label)
        if key not in self.nodes:
            self.nodes[key] = Node(component=None, operation=label)
        return key

    def record(self, node: Hashable, rule_id: str, location: str, message: str, group: tuple | None = None) -> None:
        if rule_id not in registry.DECLARED or rule_id not in LEVELS:
            raise KeyError(f"rule id {rule_id!r} is not declared by a rule module or not in the catalogue")
        self.nodes[node].changes.append((rule_id, location, message, group or (location, message)))

    # -- resolution ----------------------------------------------------------------------------------------
    def resolve_old(self, ref: str) -> Any:
        return self.old.components.get(ref) if ref in self.old.components else resolve_ref(self.old.document, ref)

    def resolve_new(self, ref: str) -> Any:
        return self.new.components.get(ref) if ref in self.new.components else resolve_ref(self.new.document, ref)

    def component_shape(self, side: str, ref: str) -> str | None:
        """Shape (see schemas.shape) of a referenced component, computed once per diff."""
        key = (side, ref)
        if key not in self._shapes:
            from .schemas import shape

            target = self.resolve_old(ref) if side == "old" else self.resolve_new(ref)
            self._shapes[key] = None if target is None else shape(target)
        return self._shapes[key]

    def deref_old(self, item: Any) -> Any:
        """Follow $refs on a non-schema object (parameter, request body, response, header)."""
        for _ in range(16):
            if isinstance(item, dict) and isinstance(item.get("$ref"), str):
                item = self.resolve_old(item["$ref"])
            else:
                break
        return item

    def deref_new(self, item: Any) -> Any:
        for _ in range(16):
            if isinstance(item, dict) and isinstance(item.get("$ref"), str):
                item = self.resolve_new(item["$ref"])
            else:
                break
        return item

    # -- the walk ------------------------------------------------------------------------------------------
    def walk(self, old: Any, new: Any, w: Walk) -> None:
        if w.depth > MAX_DEPTH:
            self.record(w.node, "schema-depth-limit", w.location,
                        f"{w.subject}: nested deeper than {MAX_DEPTH} levels inline; not compared further")
            return
        old, new = unwrap(old), unwrap(new)
        old_inner, new_inner = null_wrapped(old), null_wrapped(new)
        if old_inner is not None or new_inner is not None:
            # `oneOf: [{type: "null"}, X]` is X made nullable: one nullability change here, then X against X
            if (old_inner is None) != (new_inner is None):
                plain = old if old_inner is None else new
                if not (isinstance(plain, dict) and nullable(plain)):
                    pair = SchemaPair(self, {}, {}, w)
                    pair.report(*(("became-nullable", "became nullable") if new_inner is not None
                                  else ("became-not-nullable", "became not nullable")))
            old = unwrap(old_inner) if old_inner is not None else old
            new = unwrap(new_inner) if new_inner is not None else new
        old_ref = old.get("$ref") if isinstance(old, dict) and isinstance(old.get("$ref"), str) else None
        new_ref = new.get("$ref") if isinstance(new, dict) and isinstance(new.get("$ref"), str) else None
        if old_ref or new_ref:
            if old_ref == new_ref and old_ref not in self.dirty and old_ref in self.new.components:
                return  # identical all the way down
            if old_ref:
                old = self.resolve_old(old_ref)
            if new_ref:
                new = self.resolve_new(new_ref)
                if new is None:
                    if old_ref == new_ref:
                        return  # dangling in both versions: a spec error, not a change (spec.quirks reports it)
                    self.record(w.node, "schema-ref-dangling", w.location,
                                f"{w.subject}: refers to {new_ref}, which does not exist, so it cannot be compared",
                                group=(w.relative_path, new_ref))
                    return
            if old is None:
                return  # the old version's ref dangled: nothing to compare against
            if old_ref and new_ref:
                key = ("ref", old_ref, new_ref, w.direction, w.kind, w.renamed)
                node = self.nodes.get(key)
                if node is not None:
                    node.parents.add(w.node)
                    return  # already compared (or being compared: a recursive schema)
                self.nodes[key] = Node(component=new_ref, operation=None, parents={w.node})
                w = replace(w, node=key, base=len(w.path))
            self.walk(old, new, w)
            return
        if not isinstance(old, dict) or not isinstance(new, dict):
            return
        pair = SchemaPair(self, old, new, w)
        for rule in registry.SCHEMA_RULES:
            rule(pair)
        self._descend(pair)

    def _descend(self, pair: SchemaPair) -> None:
        old, new, w = pair.old, pair.new, pair.walk
        old_props, new_props = old.get("properties"), new.get("properties")
        if isinstance(old_props, dict) and isinstance(new_props, dict):
            for name in [n for n in new_props if n in old_props]:  # document order: locations are stable
                prop = unwrap(new_props[name])
                own = prop if isinstance(prop, dict) else {}
                flags = {"read_only": w.read_only or own.get("readOnly") is True,
                         "write_only": w.write_only or own.get("writeOnly") is True}
                self.walk(old_props[name], new_props[name], w.child(name, **flags))
        if isinstance(old.get("items"), dict) and isinstance(new.get("items"), dict):
            self.walk(old["items"], new["items"], w.child("[]"))
        if isinstance(old.get("additionalProperties"), dict) and isinstance(new.get("additionalProperties"), dict):
            self.walk(old["additionalProperties"], new["additionalProperties"], w.child("{}"))
        renamed = _renamed_discriminator(old, new)
        for keyword in ("oneOf", "anyOf", "allOf"):
            if isinstance(old.get(keyword), list) or isinstance(new.get(keyword), list):
                for old_branch, new_branch in pair.branches(keyword)[0]:
                    self.walk(old_branch, new_branch, replace(w, depth=w.depth + 1, renamed=renamed))
        # JSON Schema 2020-12 (OpenAPI 3.1) subschemas
        old_prefix, new_prefix = old.get("prefixItems"), new.get("prefixItems")
        if isinstance(old_prefix, list) and isinstance(new_prefix, list):
            for index, (before, after) in enumerate(zip(old_prefix, new_prefix)):
                self.walk(before, after, w.child(f"[{index}]"))
        for keyword, token in (("contains", "[contains]"), ("propertyNames", "{names}"),
                               ("unevaluatedItems", "[]"), ("unevaluatedProperties", "{}"),
                               ("contentSchema", "(content)")):
            if isinstance(old.get(keyword), dict) and isinstance(new.get(keyword), dict):
                self.walk(old[keyword], new[keyword], w.child(token))
        for keyword in ("patternProperties", "dependentSchemas"):
            before, after = old.get(keyword), new.get(keyword)
            if isinstance(before, dict) and isinstance(after, dict):
                for key in [k for k in after if k in before]:
                    self.walk(before[key], after[key], w.child(f"{{{key}}}"))

    # -- results -------------------------------------------------------------------------------------------
    def reached_by(self, key: Hashable) -> list[str]:
        seen, stack, found = {key}, [key], set()
        while stack:
            node = self.nodes[stack.pop()]
            if node.operation:
                found.add(node.operation)
            for parent in node.parents:
                if parent not in seen:
                    seen.add(parent)
                    stack.append(parent)
        return sorted(found, key=_operation_order)

    def run(self) -> list[Change]:
        for rule in registry.DOCUMENT_RULES:
            rule(DocumentPair(self))
        # walked in report order, so a shared component's first reach is the operation listed first
        for key in sorted(self.old.operations.keys() & self.new.operations.keys(),
                          key=lambda k: (k[1], _METHOD_ORDER.get(k[0], 9))):
            op = OperationPair(self, self.old.operations[key], self.new.operations[key])
            for rule in registry.OPERATION_RULES:
                rule(op)
        # One entry per (rule, place): an operation-level change by its location and text (the same text in
        # several operations is one entry), a component change by its path inside the component, so the same
        # edit copied into sibling components (`tools[]` in every LLM model) reads as one change.
        grouped: dict[tuple, tuple[tuple[str, str, str], set[str], list[str]]] = {}
        for key, node in self.nodes.items():
            if not node.changes:
                continue
            operations = [node.operation] if node.operation else self.reached_by(key)
            for rule_id, location, message, group in dict.fromkeys(node.changes):
                group_key = (rule_id, "component" if node.component else "operation", group)
                _, reached, components = grouped.setdefault(group_key, ((rule_id, location, message), set(), []))
                reached.update(operations)
                if node.component and node.component not in components:
                    components.append(node.component)
        changes: list[Change] = []
        for (rule_id, location, message), reached, components in grouped.values():
            operations = sorted(reached, key=_operation_order)
            changes.append(
                Change(
                    id=rule_id,
                    level=LEVELS[rule_id],
                    operation=operations[0] if operations else None,
                    operations=tuple(operations),
                    location=location,
                    message=message + _where(components),
                    component=components[0] if components else None,
                )
            )
        changes.sort(key=lambda c: c.sort_key)
        return changes


def _where(components: list[str]) -> str:
    if not components:
        return ""
    names = [ref_name(c) for c in components]
    shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
    return f" (in {shown})"


_METHOD_ORDER = {m: i for i, m in enumerate(("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE"))}


def _operation_order(label: str) -> tuple:
    method, _, path = label.partition(" ")
    return (path, _METHOD_ORDER.get(method, 9))


class DocumentPair:
    def __init__(self, differ: Differ):
        self.differ = differ
        self.old, self.new = differ.old.document, differ.new.document

    def report(self, rule_id: str, location: str, message: str, operation: str | None = None) -> None:
        key = self.differ.operation_node(operation) if operation else ("doc",)
        if key not in self.differ.nodes:
            self.differ.nodes[key] = Node(component=None, operation=None)
        self.differ.record(key, rule_id, location, message)


class OperationPair:
    def __init__(self, differ: Differ, old: Operation, new: Operation):
        self.differ, self.old, self.new = differ, old, new
        self.label = new.label
        self.node = differ.operation_node(self.label)

    def report(self, rule_id: str, location: str, message: str) -> None:
        self.differ.record(self.node, rule_id, location, message)

    def walk_schema(self, old: Any, new: Any, *, direction: str, kind: str, where: str, media: str = "") -> None:
        self.differ.walk(old, new, Walk(direction=direction, kind=kind, where=where, node=self.node, media=media))


def _renamed_discriminator(old: dict, new: dict) -> tuple[str, ...]:
    before, after = old.get("discriminator"), new.get("discriminator")
    if isinstance(before, dict) and isinstance(after, dict):
        names = before.get("propertyName"), after.get("propertyName")
        if all(isinstance(n, str) for n in names) and names[0] != names[1]:
            return names
    return ()


def _sane(document: Any) -> dict[str, Any]:
    """The document with top-level parts of the wrong type read as empty (a hostile or broken spec is compared,
    never a crash); the same object when nothing is wrong, so per-document caches keep working."""
    if not isinstance(document, dict):
        return {}
    bad = {key: {} for key in ("paths", "components", "info", "webhooks")
           if key in document and not isinstance(document[key], dict)}
    if isinstance(document.get("security"), (str, int, float, dict)):
        bad["security"] = []
    components = document.get("components")
    if isinstance(components, dict) and any(not isinstance(v, dict) for v in components.values()):
        bad["components"] = {k: v for k, v in components.items() if isinstance(v, dict)}
    return {**document, **bad} if bad else document


def compare(old_doc: dict[str, Any], new_doc: dict[str, Any], *, old_label: str = "old",
            new_label: str = "new", policy: Policy | None = None) -> DiffResult:
    """Compare two OpenAPI documents; the public entry point of the diff area."""
    from ..spec.model import counts

    old_doc, new_doc = _sane(old_doc), _sane(new_doc)
    differ = Differ(old_doc, new_doc, policy)
    if sys.getrecursionlimit() < 4 * MAX_DEPTH + 1000:  # about three frames per level walked
        sys.setrecursionlimit(4 * MAX_DEPTH + 1000)
    return DiffResult(differ.run(), old_label, new_label, counts(old_doc), counts(new_doc))
