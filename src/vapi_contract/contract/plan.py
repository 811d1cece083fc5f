"""What a run tests: operations selected (filters, safety, shard), CRUD families, and their generation weight.

Everything here is derived from the (normalized) spec and the options alone, deterministically, so every xdist
worker and every CI shard computes the same plan without talking to each other.
"""

from __future__ import annotations

import fnmatch
import hashlib
from dataclasses import asdict, dataclass, field
from typing import Any

from ..spec.model import iter_operations, label_path, resolve_ref, split_label
from . import safety
from .options import RunOptions

WEIGHT_CAP = 50_000


@dataclass
class CrudFamily:
    name: str  # collection path, e.g. "/assistant" or "/test-suite/{testSuiteId}/test"
    create: str  # "POST /assistant"
    list: str | None
    get: str
    update: str | None
    delete: str
    id_param: str
    parent: str | None = None  # name of the family whose object this one lives under ("/test-suite")
    parent_param: str | None = None  # the path parameter carrying the parent's id ("testSuiteId")
    media: str | None = "application/json"  # create's request body media type (multipart for uploads)
    tag_field: str | None = None  # name-like string field every create body offers; None: tracked by id alone
    file_field: str | None = None  # multipart creates: the binary property the generated file goes in


@dataclass
class Plan:
    operations: list[str] = field(default_factory=list)  # labels to fuzz, heaviest first
    auth_operations: list[str] = field(default_factory=list)  # bearer operations to probe without/with bad token
    families: list[CrudFamily] = field(default_factory=list)
    lists: list[str] = field(default_factory=list)  # fuzzed lists documenting `limit`: a behaviour test each
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


NAME_LIKE = ("name", "title", "label", "displayName", "description")


def _segments(path: str) -> list[str]:
    return [s for s in path.split("/") if s]


def _shape(path: str) -> str:
    """`/test-suite/{testSuiteId}` and `/test-suite/{id}` agree."""
    return "/" + "/".join("{}" if s.startswith("{") else s for s in _segments(path))


def _deref(document: dict[str, Any], schema: Any, depth: int = 0) -> Any:
    while isinstance(schema, dict) and "$ref" in schema and depth < 50:
        schema = resolve_ref(document, schema["$ref"])
        depth += 1
    return schema


def schema_branches(document: dict[str, Any], schema: Any) -> list[dict[str, Any]]:
    """The alternatives a body may take (oneOf/anyOf branches, else the schema itself), each with its allOf parts
    merged into one {properties, required} view."""
    schema = _deref(document, schema)
    if not isinstance(schema, dict):
        return []
    alternatives = list(schema.get("oneOf") or schema.get("anyOf") or []) or [schema]
    out = []
    for alternative in alternatives:
        alternative = _deref(document, alternative)
        if not isinstance(alternative, dict):
            continue
        properties: dict[str, Any] = {}
        required: list[str] = []
        for part in [alternative] + list(alternative.get("allOf") or []):
            part = _deref(document, part)
            if isinstance(part, dict):
                properties.update({k: _deref(document, v) for k, v in (part.get("properties") or {}).items()})
                required += list(part.get("required") or [])
        out.append({"properties": properties, "required": required})
    return out


def request_media(document: dict[str, Any], method: str, path: str) -> tuple[str | None, Any]:
    """(media type, schema) of an operation's request body: the JSON one when offered, else the first."""
    operation = ((document.get("paths") or {}).get(path) or {}).get(method.lower()) or {}
    content = (_deref(document, operation.get("requestBody")) or {}).get("content") or {}
    if not content:
        return None, None
    media = next((m for m in content if "json" in m), next(iter(content)))
    return media, (content.get(media) or {}).get("schema")


def response_schema(document: dict[str, Any], label: str, status: int) -> tuple[bool, Any]:
    """(documented as JSON, schema) of the operation's answer for `status` (exact, `2XX`-style, `default`)."""
    method, path = split_label(label)
    operation = ((document.get("paths") or {}).get(path) or {}).get(method.lower()) or {}
    responses = operation.get("responses") or {}
    answer = _deref(document, responses.get(str(status)) or responses.get(f"{str(status)[0]}XX")
                    or responses.get("default")) or {}
    content = answer.get("content") or {}
    media = next((m for m in content if "json" in m), None)
    return media is not None, (content.get(media) or {}).get("schema") if media else None


def _create_shape(document: dict[str, Any], path: str) -> tuple[str | None, str | None, str | None]:
    """(media, tag field, file field) of `POST path`."""
    media, schema = request_media(document, "POST", path)
    branches = schema_branches(document, schema)
    tag = None
    if branches and media and "json" in media:
        tag = next((n for n in NAME_LIKE if all(
            (b["properties"].get(n) or {}).get("type") in ("string", None) and n in b["properties"] for b in branches)),
            None)
    file_field = None
    if media and "json" not in media:
        for branch in branches:
            file_field = file_field or next((n for n, v in branch["properties"].items() if isinstance(v, dict) and (
                v.get("format") == "binary" or (v.get("items") or {}).get("format") == "binary")), None)
        if file_field is None and media.startswith("multipart"):
            file_field = "file"
    return media, tag, file_field


def find_families(document: dict[str, Any]) -> list[CrudFamily]:
    """CRUD families from path shapes: `P` with POST (+GET list) and `P/{x}` with GET and DELETE (+PATCH).
    Vapi's spec has no OpenAPI links, so this is how the lifecycle tests know what belongs together.

    `P` may hold path parameters: one that addresses another family's object (`/test-suite/{testSuiteId}/test`
    under `/test-suite/{id}`) makes that family the parent (its object is created first); any other
    (`/provider/{provider}/{resourceName}`) is filled with a schema-valid value like every required parameter.
    A version prefix (`/v2/x` next to `/x`) is a family of its own only when it has its own POST and item path."""
    paths = document.get("paths") or {}
    families = []
    for collection, item in paths.items():
        if not isinstance(item, dict) or "post" not in item:
            continue
        for candidate, member in paths.items():
            if not candidate.startswith(collection + "/{") or candidate.count("/") != collection.count("/") + 1:
                continue
            if not candidate.endswith("}") or not isinstance(member, dict):
                continue
            if "get" in member and "delete" in member:
                param = candidate.rsplit("{", 1)[1].rstrip("}")
                media, tag, file_field = _create_shape(document, collection)
                families.append(CrudFamily(
                    name=collection, create=f"POST {collection}",
                    list=f"GET {collection}" if "get" in item else None, get=f"GET {candidate}",
                    update=f"PATCH {candidate}" if "patch" in member else None,
                    delete=f"DELETE {candidate}", id_param=param, media=media, tag_field=tag, file_field=file_field,
                ))
                break
    items = {_shape(label_path(f.get)): f for f in families}
    for fam in families:
        parts = _segments(fam.name)
        for cut in range(len(parts) - 1, 0, -1):  # the deepest parameter that addresses another family's object
            if not parts[cut].startswith("{"):
                continue
            parent = items.get(_shape("/" + "/".join(parts[:cut + 1])))
            if parent is not None and parent is not fam:
                fam.parent, fam.parent_param = parent.name, parts[cut].strip("{}")
                break
    return sorted(families, key=lambda f: f.name)


def family_chain(families: list[CrudFamily], family: CrudFamily) -> list[CrudFamily]:
    """The family's ancestors, outermost first, then the family (a cycle or a missing parent ends the chain)."""
    by_name = {f.name: f for f in families}
    chain = [family]
    while chain[0].parent and chain[0].parent in by_name and by_name[chain[0].parent] not in chain:
        chain.insert(0, by_name[chain[0].parent])
    return chain


def family_is_costly(families: list[CrudFamily], family: CrudFamily) -> bool:
    """Creating the object (or any ancestor it needs) costs money or reaches the real world."""
    return any(safety.classify("POST", f.name).is_cost for f in family_chain(families, family))


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


def delete_of(document: dict[str, Any], collection: str) -> str | None:
    """`DELETE collection/{x}`: how an object a POST to `collection` made is deleted again (None: it cannot be)."""
    paths = document.get("paths") or {}
    return next((f"DELETE {path}" for path in sorted(paths) if path.startswith(collection + "/{")
                 and path.endswith("}") and path.count("/") == collection.count("/") + 1
                 and isinstance(paths[path], dict) and "delete" in paths[path]), None)


def creates_deletable(document: dict[str, Any], collection: str) -> bool:
    """Objects a POST to `collection` makes can be deleted again."""
    return delete_of(document, collection) is not None


def build(document: dict[str, Any], options: RunOptions) -> Plan:
    plan = Plan()
    live = not options.is_twin
    paths = document.get("paths") or {}  # default-deny: a write is judged by its shape among the spec's paths
    candidates: list[tuple[str, int]] = []
    for op in iter_operations(document):
        label = op.label
        if not matches(label, options.operations):
            plan.unselected.append(label)
            continue
        weight = operation_weight(document, op.definition, op.path_item)
        plan.weights[label] = weight
        reason = safety.exclusion_reason(op.method, op.path, op.operation_id, live=live,
                                         allow_cost=options.allow_cost, profile=options.profile,
                                         paths=paths, deletable=creates_deletable(document, op.path))
        if reason:
            plan.excluded[label] = reason
        else:
            candidates.append((label, weight))
        verdict = safety.classify(op.method, op.path, op.operation_id, paths)
        costly = verdict.is_cost and not options.allow_cost
        # live: an unauthenticated create is not sent (a server that ignores auth would create an untagged object);
        # mutations addressed to a random id are harmless either way
        risky = live and (verdict.kind == "mutating" or not verdict.recognised) and "{" not in op.path
        if requires_bearer(document, op.definition) and not costly and not risky:
            plan.auth_operations.append(label)
    families = []
    if options.lifecycle:
        every = find_families(document)
        for fam in every:
            # costly families cost nothing on the twin; on a URL only with --allow-cost
            if family_is_costly(every, fam) and not options.allow_cost and live:
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
    # heaviest first, DELETEs last: a delete on an existing object must not leave the reads nothing to read
    plan.operations = [k for k, _ in sorted(candidates, key=lambda kv: (kv[0].startswith("DELETE "), -kv[1], kv[0]))]
    plan.families = families
    from .behaviour import list_labels  # behaviour builds on this module: imported when the plan is built

    plan.lists = list_labels(document, plan.operations)
    return plan
