"""Plan: filters, safety exclusions (never silent), CRUD families from path shapes, deterministic shards."""

from __future__ import annotations

from vapi_contract.contract.options import resolve
from vapi_contract.contract.plan import build, find_families, shard_of


def test_families_of_the_real_spec(newest_spec):
    families = {f.name: f for f in find_families(newest_spec)}
    assert {"/assistant", "/squad", "/tool", "/file", "/eval", "/structured-output"} <= set(families)
    assistant = families["/assistant"]
    assert (assistant.create, assistant.list, assistant.get, assistant.update, assistant.delete) == (
        "POST /assistant", "GET /assistant", "GET /assistant/{id}", "PATCH /assistant/{id}", "DELETE /assistant/{id}")
    assert families["/chat"].update is None


def test_twin_plan_excludes_only_costly_operations_and_says_why(newest_spec):
    plan = build(newest_spec, resolve({"target": "twin"}))
    assert "POST /call" in plan.excluded and "costly" in plan.excluded["POST /call"]
    assert "POST /assistant" in plan.operations and "GET /call" in plan.operations
    assert "/call" not in [f.name for f in plan.families]  # creating a call dials a phone
    total = len(plan.operations) + len(plan.excluded)
    assert total == sum(1 for _ in newest_spec["paths"].values() for m in _ if m in ("get", "post", "patch",
                                                                                       "delete", "put"))
    # heaviest first, so the slowest generation starts early on every worker
    weights = [plan.weights[label] for label in plan.operations]
    assert weights == sorted(weights, reverse=True)


def test_live_plan_fuzzes_reads_only(newest_spec):
    plan = build(newest_spec, resolve({"target": "https://api.example.test"}))
    assert plan.operations and all(label.startswith(("GET ", "POST /analytics")) for label in plan.operations)
    assert "POST /assistant" in plan.excluded
    assert "/assistant" in [f.name for f in plan.families]  # lifecycle on objects the run creates itself


def test_operation_filter(newest_spec):
    plan = build(newest_spec, resolve({"target": "twin", "operations": "GET /assistant*", "no_lifecycle": True}))
    assert plan.operations == sorted(plan.operations, key=lambda l: -plan.weights[l]) and set(plan.operations) == {
        "GET /assistant", "GET /assistant/{id}"}
    assert plan.families == []


def test_shards_are_deterministic_disjoint_and_complete(newest_spec):
    plans = [build(newest_spec, resolve({"target": "twin", "shard": f"{i}/3"})) for i in (1, 2, 3)]
    again = [build(newest_spec, resolve({"target": "twin", "shard": f"{i}/3"})) for i in (1, 2, 3)]
    assert [p.operations for p in plans] == [p.operations for p in again]
    ops = [label for p in plans for label in p.operations]
    assert len(ops) == len(set(ops)) == len(build(newest_spec, resolve({"target": "twin"})).operations)
    families = [f.name for p in plans for f in p.families]
    assert len(families) == len(set(families))


def test_heaviest_items_get_shards_of_their_own():
    assignment = shard_of([("a", 100), ("b", 90), ("c", 5), ("d", 5), ("e", 5)], 3)
    assert assignment["a"] != assignment["b"]
    assert {assignment[k] for k in "cde"} == {3}
