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

_installed = False
_original_local_constants = None  # hypothesis' own, kept for the test that shows why it is replaced


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


def no_local_constants():
    """An empty constant pool, in place of the string/number literals hypothesis collects from local modules."""
    from hypothesis.internal.conjecture.providers import Constants

    return Constants()


def exclude_local_constants() -> None:
    """Hypothesis mixes literals found in *local* modules (this project's own code: the twin's org tokens, test
    keys, names) into ~5% of generated values. Those would put our credentials in request bodies -- stored by the
    API, read back, and reported by `api_key_not_echoed` as an echo -- and make the same seed generate different
    data depending on which modules happen to be imported. The API under test is not local code: its schema, not
    our literals, is what generation should draw from. (No public setting exists; the pool is swapped here.)"""
    from hypothesis.internal.conjecture import providers

    global _original_local_constants
    if providers._get_local_constants is not no_local_constants:
        _original_local_constants = providers._get_local_constants
    providers._get_local_constants = no_local_constants
    providers.CONSTANTS_CACHE.cache.clear()


def install() -> None:
    """Route schemathesis' mutation-target computation through the bounded walk, and keep local literals out of
    generated data (idempotent)."""
    global _installed
    if _installed:
        return
    exclude_local_constants()
    from schemathesis.specs.openapi import negative
    from schemathesis.specs.openapi.negative import mutations

    mutations.compute_mutation_targets = bounded_mutation_targets
    negative.compute_mutation_targets = bounded_mutation_targets
    _installed = True


def release_memory() -> None:
    """Hand back what generating one operation left behind. schemathesis and hypothesis keep process-wide caches
    of strategies, bundles and validators built from each schema; with Vapi's big bodies they grew a worker by
    100-180 MB per heavy operation (measured: 908 MB after 6 of them) until the memory cap cut every operation
    after them. Emptied, with the freed heap returned to the OS, the same worker stays under ~200 MB."""
    import ctypes
    import gc

    from hypothesis.strategies._internal import utils as strategy_utils
    from schemathesis.specs.openapi import _caches

    _caches.clear_all()
    strategy_utils._STRATEGY_CACHE.clear()
    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: the caches are freed all the same, RSS may lag
        pass
