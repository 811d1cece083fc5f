"""What a run tests: operations selected (filters, safety, shard), CRUD families, and their generation weight.

Everything here is derived from the (normalized) spec and the options alone, deterministically, so every xdist
worker and every CI shard computes the same plan without talking to each other.
"""

from __future__ import annotations

import fnmatch
import hashlib
from dataclasses import asdict, dataclass, field
from typing import Any

from ..spec.model import iter_operations, resolve_ref
from . import safety
from .options import RunOptions

WEIGHT_CAP = 50_000


@dataclass
class CrudFamily:
    name: str  # collection path, e.g. "/assistant"
    create: str  # "POST /assistant"
    list: str | None
    get: str
    update: str | None
    delete: str
    id_param: str


@dataclass
class Plan:
    operations: list[str] = field(default_factory=list)  # labels to fuzz, heaviest first
    auth_operations: list[str] = field(default_factory=list)  # bearer operations to probe without/with bad token
    families: list[CrudFamily] = field(default_factory=list)
    excluded: dict[str, str] = field(default_factory=dict)  # label -> reason (reported as skipped)
    unselected: list[str] = field(default_factory=list)  # not matched by --operations (reported as skipped)
    weights: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Plan:
        data = dict(data)
        data["families"] = [CrudFamily(**f) for f in data.get("families", [])]
        return cls(**data)


def schema_weight(document: dict[str, Any], schema: Any, budget: int = WEIGHT_CAP) -> int:
    """Number of schema nodes reachable with refs expanded (each ref once per branch), capped: a cheap proxy for
    how long hypothesis needs to generate one value."""
    count = 0
    stack = [(schema, frozenset())]
    while stack and count < budget:
        node, seen = stack.pop()
        if isinstance(node, dict):
            count += 1
            ref = node.get("$ref")
            if isinstance(ref, str):
                if ref in seen:
                    continue
                target = resolve_ref(document, ref)
                if target is not None:
                    stack.append((target, seen | {ref}))
                continue
            stack.extend((v, seen) for v in node.values() if isinstance(v, (dict, list)))
        elif isinstance(node, list):
            stack.extend((v, seen) for v in node if isinstance(v, (dict, list)))
    return count


def operation_weight(document: dict[str, Any], definition: dict[str, Any], path_item: dict[str, Any]) -> int:
    parameters = list(path_item.get("parameters") or []) + list(definition.get("parameters") or [])
    weight = 10 + 5 * len(parameters)
    body = definition.get("requestBody")
    if isinstance(body, dict):
        weight += schema_weight(document, body)
    return weight


def matches(label: str, patterns: tuple[str, ...]) -> bool:
    return not patterns or any(fnmatch.fnmatchcase(label, p) for p in patterns)


def requires_bearer(document: dict[str, Any], definition: dict[str, Any]) -> bool:
    security = definition.get("security", document.get("security"))
    return bool(security) and any(isinstance(req, dict) and req for req in security)


def find_families(document: dict[str, Any]) -> list[CrudFamily]:
    """CRUD families from path shapes: `P` with POST (+GET list) and `P/{x}` with GET and DELETE (+PATCH).
    Vapi's spec has no OpenAPI links, so this is how the lifecycle tests know what belongs together."""
    paths = document.get("paths") or {}
    families = []
    for collection, item in paths.items():
        if "{" in collection or not isinstance(item, dict) or "post" not in item:
            continue
        for candidate, member in paths.items():
            if not candidate.startswith(collection + "/{") or candidate.count("/") != collection.count("/") + 1:
                continue
            if not candidate.endswith("}") or not isinstance(member, dict):
                continue
            if "get" in member and "delete" in member:
                param = candidate.rsplit("{", 1)[1].rstrip("}")
                families.append(CrudFamily(
                    name=collection, create=f"POST {collection}",
                    list=f"GET {collection}" if "get" in item else None, get=f"GET {candidate}",
                    update=f"PATCH {candidate}" if "patch" in member else None,
                    delete=f"DELETE {candidate}", id_param=param,
                ))
                break
    return sorted(families, key=lambda f: f.name)


def shard_of(items: list[tuple[str, int]], count: int) -> dict[str, int]:
    """Greedy longest-processing-time split: heaviest first onto the lightest shard (ties: lowest index), so the
    heaviest operations land on shards of their own and every machine computes the same split."""
    loads = [0] * count
    assignment = {}
    for key, weight in sorted(items, key=lambda kv: (-kv[1], kv[0])):
        index = min(range(count), key=lambda i: (loads[i], i))
        assignment[key] = index + 1
        loads[index] += weight
    return assignment


def build(document: dict[str, Any], options: RunOptions) -> Plan:
    plan = Plan()
    live = not options.is_twin
    candidates: list[tuple[str, int]] = []
    for op in iter_operations(document):
        label = op.label
        if not matches(label, options.operations):
            plan.unselected.append(label)
            continue
        weight = operation_weight(document, op.definition, op.path_item)
        plan.weights[label] = weight
        reason = safety.exclusion_reason(op.method, op.path, op.operation_id, live=live,
                                         allow_cost=options.allow_cost, profile=options.profile)
        if reason:
            plan.excluded[label] = reason
        else:
            candidates.append((label, weight))
        verdict = safety.classify(op.method, op.path, op.operation_id)
        costly = verdict.is_cost and not options.allow_cost
        # live: an unauthenticated create is not sent (a server that ignores auth would create an untagged object);
        # mutations addressed to a random id are harmless either way
        risky = live and verdict.kind == "mutating" and "{" not in op.path
        if requires_bearer(document, op.definition) and not costly and not risky:
            plan.auth_operations.append(label)
    families = []
    if options.lifecycle:
        for fam in find_families(document):
            create = fam.create.split(" ", 1)
            verdict = safety.classify(create[0], create[1])
            if verdict.is_cost and not options.allow_cost:
                continue
            if matches(fam.create, options.operations) or matches(fam.get, options.operations):
                families.append(fam)
    if options.shard:
        index, count = options.shard
        items = candidates + [(f"lifecycle {f.name}", plan.weights.get(f.create, 100) // 2) for f in families]
        assignment = shard_of(items, count)
        candidates = [(k, w) for k, w in candidates if assignment[k] == index]
        families = [f for f in families if assignment[f"lifecycle {f.name}"] == index]
        mine = {k for k, _ in candidates}
        # auth probes are cheap: split them by a stable hash so shards do not repeat them
        plan.auth_operations = [
            label for label in plan.auth_operations
            if label in mine or int(hashlib.sha256(label.encode()).hexdigest(), 16) % count + 1 == index
            and label not in dict(items)
        ]
        plan.excluded = {
            k: v for k, v in plan.excluded.items() if int(hashlib.sha256(k.encode()).hexdigest(), 16) % count + 1 == index
        }
        plan.unselected = [k for k in plan.unselected if int(hashlib.sha256(k.encode()).hexdigest(), 16) % count + 1
                           == index]
    plan.operations = [k for k, _ in sorted(candidates, key=lambda kv: (-kv[1], kv[0]))]
    plan.families = families
    return plan
