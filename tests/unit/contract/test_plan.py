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
    # costly families cost nothing on the twin: their lifecycle runs there (on a URL only with --allow-cost)
    assert {"/call", "/chat", "/session", "/tool", "/file"} <= {f.name for f in plan.families}
    total = len(plan.operations) + len(plan.excluded)
    assert total == sum(1 for _ in newest_spec["paths"].values() for m in _ if m in ("get", "post", "patch",
                                                                                       "delete", "put"))
    # heaviest first, so the slowest generation starts early on every worker; DELETEs last, so a delete on an
    # existing object does not leave the reads of its family nothing to read
    deletes = [label.startswith("DELETE ") for label in plan.operations]
    assert deletes == sorted(deletes) and any(deletes)
    for part in ([x for x in plan.operations if not x.startswith("DELETE ")],
                 [x for x in plan.operations if x.startswith("DELETE ")]):
        weights = [plan.weights[label] for label in part]
        assert weights == sorted(weights, reverse=True)


def test_live_plan_fuzzes_reads_undoable_creates_and_writes_by_id(newest_spec):
    """safe-live (the default on a URL): every read, creates whose objects the run deletes again, and writes
    addressed by id (on the run's own objects, contract/objects.py); nothing costly."""
    from vapi_contract.contract import safety

    plan = build(newest_spec, resolve({"target": "https://api.example.test"}))
    kinds = {label: safety.classify(*label.split(" ", 1)).kind for label in plan.operations}
    assert "cost" not in kinds.values() and {"POST /assistant", "PATCH /tool/{id}", "DELETE /file/{id}"} <= set(kinds)
    assert all(kind == "read" for label, kind in kinds.items() if label.startswith("GET "))
    assert all("costly" in reason for reason in plan.excluded.values())
    names = {f.name for f in plan.families}
    assert {"/assistant", "/tool", "/file"} <= names  # lifecycle on objects the run creates itself
    assert not names & {"/call", "/chat", "/session", "/campaign", "/phone-number", "/eval/run"}  # costly
    allowed = build(newest_spec, resolve({"target": "https://api.example.test", "allow_cost": True}))
    assert {"/call", "/chat", "/eval/run"} <= {f.name for f in allowed.families}


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
