"""Generation tuning for Vapi-sized schemas (measured, see docs/contract.md "Generation").

schemathesis 4.32 builds a negative-mode strategy by enumerating every *path* to every mutable node of the
request schema (`compute_mutation_targets`): with Vapi's shared, deeply nested `$ref`s that is the tree unfolding
of a DAG (4.6 million walk steps for POST /assistant, ~30-100 s per operation before the first case, and the
cause of `too_slow` and the multi-GB memory in `st run --mode all`). We replace it with the same walk, breadth
first and bounded: shallow targets first, at most `MAX_TARGETS` of them. A negative case mutates ONE target per
case, so with 25 examples per operation a few thousand targets lose nothing a run could have used.
"""

from __future__ import annotations

from collections import deque

MAX_TARGETS = 4000
MAX_VISITS = 60_000



def bounded_mutation_targets(raw_schema, *, max_targets: int = MAX_TARGETS, max_visits: int = MAX_VISITS):
    """`compute_mutation_targets` with the same descriptors, visited breadth first, capped."""
    from schemathesis.core.jsonschema import BUNDLE_STORAGE_KEY
    from schemathesis.core.jsonschema.bundler import REFERENCE_TO_BUNDLE_PREFIX
    from schemathesis.specs.openapi.negative.mutations import (
        MAX_WALK_DEPTH,
        MutationTargetDescriptor,
        WalkStep,
    )

    if not isinstance(raw_schema, dict):
        return ()
    bundle = raw_schema.get(BUNDLE_STORAGE_KEY)
    bundle_map = bundle if isinstance(bundle, dict) else {}
    descriptors = []
    queue = deque([(raw_schema, (), ())])
    visits = 0
    while queue and len(descriptors) < max_targets and visits < max_visits:
        node, recipe, stack = queue.popleft()
        visits += 1
        if not isinstance(node, dict) or id(node) in stack or len(stack) > MAX_WALK_DEPTH:
            continue
        new_stack = stack + (id(node),)
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith(REFERENCE_TO_BUNDLE_PREFIX):
            target_name = ref.rsplit("/", 1)[-1]
            target = bundle_map.get(target_name)
            if isinstance(target, dict) and id(target) not in new_stack:
                queue.append((target, recipe + (WalkStep("$ref", target_name),), new_stack))
        if any(key != BUNDLE_STORAGE_KEY and key != "$ref" for key in node):
            descriptors.append(MutationTargetDescriptor(walk=recipe))
        properties = node.get("properties")
        if isinstance(properties, dict):
            for name, sub in properties.items():
                queue.append((sub, recipe + (WalkStep("properties", name),), new_stack))
        items = node.get("items")
        if isinstance(items, dict):
            queue.append((items, recipe + (WalkStep("items", None),), new_stack))
        elif isinstance(items, list):
            for index, item in enumerate(items):
                queue.append((item, recipe + (WalkStep("items", index),), new_stack))
        additional = node.get("additionalProperties")
        if isinstance(additional, dict):
            queue.append((additional, recipe + (WalkStep("additionalProperties", None),), new_stack))
        pattern_props = node.get("patternProperties")
        if isinstance(pattern_props, dict):
            for pattern, sub in pattern_props.items():
                queue.append((sub, recipe + (WalkStep("patternProperties", pattern),), new_stack))
        for keyword in ("oneOf", "anyOf", "allOf"):
            branches = node.get(keyword)
            if isinstance(branches, list):
                for index, branch in enumerate(branches):
                    queue.append((branch, recipe + (WalkStep(keyword, index),), new_stack))
    return tuple(descriptors)
