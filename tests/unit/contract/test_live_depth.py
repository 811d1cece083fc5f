"""Live depth: on a URL target (a live account, safe-live by default) item operations are exercised on real
objects, creates and writes on the run's own objects are fuzzed, and every response -- fuzzed or hand-built -- is
checked and counted as coverage. End-to-end against a twin started on its own and reached by URL, as a user
reaches api.vapi.ai, with objects that exist before the run (a seeded account)."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from vapi_contract.contract import safety
from vapi_contract.contract.exchange import path_values
from vapi_contract.contract.options import resolve
from vapi_contract.contract.plan import build

from .test_run_end_to_end import REPO, findings


def run(tmp_path: Path, spec: Path, *args: str, env: dict) -> tuple[int, Path, str]:
    """`vapi-contract run` by URL with no --profile: what a user gets by default against a live account."""
    import os
    import subprocess
    import sys

    report = tmp_path / "run"
    command = [sys.executable, "-m", "vapi_contract.cli", "run", "--spec", str(spec), "--seed", "7",
               "--report-dir", str(report), "--rate-limit", "0", "-q", *args]
    full_env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache"), **env}
    full_env.pop("VAPI_CONTRACT_CONTEXT", None)
    done = subprocess.run(command, cwd=REPO, env=full_env, capture_output=True, text=True, timeout=600, check=False)
    return done.returncode, report, done.stdout + done.stderr


def test_path_values_reads_every_parameter_back():
    assert path_values("/x/{id}", "/x/abc") == {"id": "abc"}
    assert path_values("/p/{provider}/{name}/{id}", "/p/google/sheet/9") == {"provider": "google", "name": "sheet",
                                                                                 "id": "9"}
    assert path_values("/x/{id}/run", "/x/1/run?a=b") == {"id": "1"}
    assert path_values("/x/{id}", "/y/1") == {}


def test_safe_live_fuzzes_undoable_creates_and_writes_addressed_by_id():
    assert safety.exclusion_reason("POST", "/x", None, live=True, allow_cost=False, profile="safe-live",
                                   deletable=True) is None
    assert "safe-live" in safety.exclusion_reason("POST", "/x", None, live=True, allow_cost=False,
                                                  profile="safe-live", deletable=False)
    assert safety.exclusion_reason("PATCH", "/x/{id}", None, live=True, allow_cost=False, profile="safe-live") is None
    # a staging organisation (`--profile nightly` on a URL) fuzzes every write that costs nothing
    assert safety.exclusion_reason("POST", "/x", None, live=True, allow_cost=False, profile="nightly") is None
    assert "costly" in safety.exclusion_reason("POST", "/call", None, live=True, allow_cost=False,
                                               profile="nightly")


def test_safe_live_plan_on_the_newest_spec(newest_spec):
    plan = build(newest_spec, resolve({"target": "http://127.0.0.1:1"}))
    assert plan.operations and "POST /assistant" in plan.operations and "PATCH /assistant/{id}" in plan.operations
    assert all("costly" in reason for reason in plan.excluded.values()), plan.excluded
    document = {"openapi": "3.0.0", "info": {"title": "t", "version": "1"}, "paths": {
        "/x": {"post": {"responses": {"201": {"description": "ok"}}}},
        "/y": {"post": {"responses": {"201": {"description": "ok"}}}},
        "/y/{id}": {"delete": {"parameters": [{"name": "id", "in": "path", "required": True,
                                                "schema": {"type": "string"}}],
                               "responses": {"200": {"description": "ok"}}}},
    }}
    plan = build(document, resolve({"target": "http://127.0.0.1:1"}))
    # a create nothing can undo is not even recognised as a create: default-deny (contract/safety.py)
    assert "POST /y" in plan.operations and "unrecognised write" in plan.excluded["POST /x"]


def _stats(twin) -> dict:
    return httpx.get(twin.base_url + "/__twin/stats", headers={"Authorization": f"Bearer {twin.admin_token}"}).json()


def _coverage(report: Path) -> dict[str, dict[str, int]]:
    totals: dict[str, dict[str, int]] = {}
    for path in report.glob("coverage*.jsonl"):
        for line in path.read_text().splitlines():
            record = json.loads(line)
            mine = totals.setdefault(record["operation"], {})
            for code, count in record["statuses"].items():
                mine[code] = mine.get(code, 0) + count
    return totals


def test_safe_live_by_url_exercises_items_on_real_objects_and_never_writes_what_it_did_not_create(
        tmp_path, newest_spec_path):
    from vapi_contract.twin.server import start_twin

    with start_twin(spec=newest_spec_path, seed_objects=3) as twin:
        seeded = httpx.get(twin.base_url + "/assistant", headers=twin.headers()).json()
        seeded = {o["id"]: o for o in (seeded if isinstance(seeded, list) else seeded.get("results", []))}
        assert len(seeded) == 3
        env = {"VAPI_API_KEY": twin.tokens["org-a"], "VAPI_API_KEY_SECONDARY": twin.tokens["org-b"]}
        code, report, output = run(tmp_path, newest_spec_path, "--target", twin.base_url, "--max-examples", "4",
                                   "--no-lifecycle", "--operations",
                                   "GET /assistant/{id},PATCH /assistant/{id},DELETE /assistant/{id},POST /assistant",
                                   env=env)
        stats = _stats(twin)
        after = {i: httpx.get(f"{twin.base_url}/assistant/{i}", headers=twin.headers()).json() for i in seeded}
    assert code == 0, output[-3000:]
    meta = json.loads((report / "run.json").read_text())
    assert meta["profile"] == "safe-live" and meta["target"]["kind"] == "live"
    for label in ("GET /assistant/{id}", "PATCH /assistant/{id}", "DELETE /assistant/{id}", "POST /assistant"):
        assert any(code.startswith("2") for code in stats.get(label, {})), (label, stats.get(label))
        assert any(code.startswith("2") for code in _coverage(report).get(label, {})), label
    # the account's own objects were read, never changed or deleted
    assert after == seeded
    summary = json.loads((report / "summary.json").read_text())
    assert summary["resources"]["created"] >= 1 and summary["resources"]["leaks"] == 0
    assert not [f for f in findings(report) if f["classification"] == "server-bug" and not f["flaky"]]


# twin fault -> (operations selected, check that must flag it, operation it must name), one per capability
FAULTS = {
    # one response-check path: a wrong DELETE answer is only seen when the answers to the run's deletes
    # (fuzzed on its own objects, lifecycle step, teardown) are checked
    "delete-wrong-type": ("DELETE /assistant/{id}", "response_schema_conformance", "DELETE /assistant/{id}"),
    # real objects: a wrong answer about an object that existed before the run is only seen by reading real ids
    "seeded-wrong-type": ("GET /assistant/{id}", "response_schema_conformance", "GET /assistant/{id}"),
    # every family: a tool (no `name` to tag) that never shows in its list is only seen by a tool lifecycle
    "nameless-unlisted": ("GET /tool/{id}", "lifecycle_list", "GET /tool"),
    # writes fuzzed on the run's own objects: an invalid create accepted
    "create-accepts-invalid": ("POST /structured-output", "negative_data_rejection", "POST /structured-output"),
    # behaviour beyond schemas
    "limit-ignored": ("GET /assistant/{id}", "lifecycle_list_limit", "GET /assistant"),
    "patch-not-persisted": ("GET /assistant/{id}", "lifecycle_patch_persisted", "PATCH /assistant/{id}"),
    "non-ascii-500": ("GET /assistant/{id}", "behaviour_non_ascii", "POST /assistant"),
    "deleted-still-listed": ("GET /assistant/{id}", "lifecycle_deleted_listed", "GET /assistant"),
}


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_each_live_depth_fault_is_caught_by_url_in_the_default_profile(tmp_path, newest_spec_path, fault):
    from vapi_contract.twin.server import start_twin

    operations, check, operation = FAULTS[fault]
    with start_twin(spec=newest_spec_path, seed_objects=2, fault=fault) as twin:
        env = {"VAPI_API_KEY": twin.tokens["org-a"], "VAPI_API_KEY_SECONDARY": twin.tokens["org-b"]}
        code, report, output = run(tmp_path, newest_spec_path, "--target", twin.base_url, "--max-examples", "5",
                                   "--operations", operations, env=env)
    caught = [f for f in findings(report) if f["check"] == check and f["operation"] == operation
              and not f["flaky"] and f["classification"] == "server-bug"]
    assert code == 1 and caught, (fault, [(f["operation"], f["check"]) for f in findings(report)], output[-2000:])
    assert caught[0]["reproducer"].startswith("curl -X ")


def test_every_live_depth_fault_has_a_case_here():
    from vapi_contract.twin.faults import FAULTS as KNOWN

    older = {"drop-required", "wrong-type", "ignore-auth", "undeletable", "server-error", "accept-invalid",
             "leak-orgs", "slow"}  # proven by test_run_end_to_end with --target twin
    older |= {"per-variant-updates"}  # realism, not a bug: a spec gap, proven in tests/unit/twin/test_faults.py
    assert set(KNOWN) - older == set(FAULTS)


def negative_case(document, path, method, where, **parts):
    """A schemathesis case as negative generation made it: `where` (body, query, header) was negated."""
    import schemathesis
    from schemathesis.core.parameters import ParameterLocation
    from schemathesis.generation import GenerationMode
    from schemathesis.generation.meta import (
        CaseMetadata,
        ComponentInfo,
        FuzzingPhaseData,
        GenerationInfo,
        PhaseInfo,
        TestPhase,
    )

    operation = schemathesis.openapi.from_dict(document)[path][method]
    meta = CaseMetadata(generation=GenerationInfo(time=0.0, mode=GenerationMode.NEGATIVE),
                        components={ParameterLocation(where): ComponentInfo(mode=GenerationMode.NEGATIVE)},
                        phase=PhaseInfo(name=TestPhase.FUZZING, data=FuzzingPhaseData(None, None, None, None)))
    case = operation.Case(_meta=meta, **parts)
    case.freeze_metadata()  # as generated: schemathesis' own re-validation would not run before the check
    return case


def test_a_negated_body_that_still_matches_its_schema_is_not_invalid():
    """schemathesis negates one branch of a oneOf body; the result often matches another branch, and a server
    that accepts it is right."""
    from vapi_contract.contract.negation import really_invalid

    document = {"openapi": "3.0.0", "info": {"title": "t", "version": "1"}, "paths": {"/x": {"post": {
        "requestBody": {"content": {"application/json": {"schema": {"anyOf": [
            {"type": "object", "properties": {"a": {"type": "integer"}}},
            {"type": "object", "properties": {"b": {"type": "string"}}}]}}}},
        "responses": {"201": {"description": "ok"}}}}}}

    def negative(body, where="body"):
        return negative_case(document, "/x", "POST", where, body=body, media_type="application/json")

    assert not really_invalid(document, negative({"a": "text", "b": "ok"}))  # fails branch 1, matches 2
    assert really_invalid(document, negative("not an object"))
    assert really_invalid(document, negative({"b": "ok"}, "header"))  # other parts: trusted


def test_a_negated_form_body_is_judged_as_it_travels():
    """Multipart has no types: `files: 0` goes out as one part "0", a one-file upload the schema accepts."""
    from vapi_contract.contract.negation import really_invalid

    schema = {"type": "object", "required": ["name", "files"], "properties": {
        "name": {"type": "string"}, "count": {"type": "integer"},
        "files": {"type": "array", "items": {"type": "string", "format": "binary"}}}}
    document = {"openapi": "3.0.0", "info": {"title": "t", "version": "1"}, "paths": {"/clone": {"post": {
        "requestBody": {"content": {"multipart/form-data": {"schema": schema}}},
        "responses": {"201": {"description": "ok"}}}}}}

    def negative(body):
        return negative_case(document, "/clone", "POST", "body", body=body, media_type="multipart/form-data")

    assert not really_invalid(document, negative({"name": "", "files": 0}))
    assert not really_invalid(document, negative({"name": None, "files": [1, True], "count": "7"}))
    assert really_invalid(document, negative({"name": "x"}))  # a required part missing stays invalid
    assert really_invalid(document, negative({"name": "x", "files": []}))  # no part sent: files is absent
    assert really_invalid(document, negative({"name": "x", "files": ["a"], "count": "seven"}))


def test_plan_command_says_what_a_live_night_does_without_sending_anything(newest_spec_path, capsys):
    from vapi_contract.cli import main

    code = main(["plan", "--target", "http://127.0.0.1:9", "--spec", str(newest_spec_path), "--json"])
    rows = {r["operation"]: r for r in map(json.loads, capsys.readouterr().out.splitlines())}
    assert code == 0 and len(rows) == 79  # nothing listens on port 9: no request was needed
    assert rows["POST /call"]["action"] == "never sent" and "costly" in rows["POST /call"]["detail"]
    assert rows["POST /assistant"]["action"] == "fuzzed" and "deleted" in rows["POST /assistant"]["detail"]
    assert "created itself" in rows["PATCH /assistant/{id}"]["detail"]
    assert "exist" in rows["GET /assistant/{id}"]["detail"]
    main(["plan", "--target", "http://127.0.0.1:9", "--spec", str(newest_spec_path), "--allow-cost"])
    assert "0 never sent" in capsys.readouterr().out


def test_run_with_a_listing_option_lists_the_plan_and_starts_nothing(tmp_path, newest_spec_path):
    import os
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "vapi_contract.cli", "run", "--spec", str(newest_spec_path),
                           "--target", "http://127.0.0.1:9", "-q", "--", "--co"], cwd=tmp_path,
                          env={**os.environ, "VAPI_API_KEY": "k", "XDG_CACHE_HOME": str(tmp_path / "cache")},
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert "test_operation[POST /assistant]" in done.stdout and "POST /call]" not in done.stdout  # safe-live plan
    assert not (tmp_path / "reports").exists() and "exit" not in done.stderr


def test_a_request_budget_is_shared_so_every_operation_is_tested(tmp_path, newest_spec_path):
    from vapi_contract.twin.server import start_twin

    with start_twin(spec=newest_spec_path, seed_objects=1) as twin:
        env = {"VAPI_API_KEY": twin.tokens["org-a"]}
        code, report, output = run(tmp_path, newest_spec_path, "--target", twin.base_url, "--no-lifecycle",
                                   "--request-budget", "70", "--operations",
                                   "GET /assistant,GET /tool,GET /squad,GET /file", env=env)
        sent = sum(sum(codes.values()) for codes in _stats(twin).values())
    ops = {json.loads(line)["operation"]: json.loads(line)
           for p in report.glob("operations*.jsonl") for line in p.read_text().splitlines()}
    assert code == 0, output[-3000:]
    assert all(ops[label]["status"] in ("passed", "failed") and ops[label]["cases"] > 0 for label in
               ("GET /assistant", "GET /tool", "GET /squad", "GET /file")), ops
    assert sent <= 70


def test_nested_item_operations_are_exercised_on_objects_harvested_level_by_level(tmp_path, spec_history):
    """`/test-suite/{testSuiteId}/test/{id}` (2025-03-08): the parents are listed first, then their children."""
    from vapi_contract.twin.server import start_twin

    spec = spec_history / "2025-03-08T0141-570dd60.json.gz"
    with start_twin(spec=spec, seed_objects=2) as twin:
        env = {"VAPI_API_KEY": twin.tokens["org-a"]}
        code, report, output = run(tmp_path, spec, "--target", twin.base_url, "--no-lifecycle", "--max-examples",
                                   "3", "--operations", "GET /test-suite/{testSuiteId}/test/{id}", env=env)
        stats = _stats(twin)
    assert code == 0, output[-3000:]
    assert "200" in stats.get("GET /test-suite/{testSuiteId}/test/{id}", {}), stats
    assert "200" in _coverage(report).get("GET /test-suite", {})  # the parents' list, read and checked too


def test_a_spec_release_with_new_operations_is_exercised_and_pages_nobody(tmp_path, newest_spec):
    """Vapi ships a family this project has never seen: the night exercises it on real objects, and its correct
    undocumented 404/400s are known through the shipped baseline's patterns, not new findings."""
    import copy
    import gzip

    from vapi_contract.twin.server import start_twin

    spec = copy.deepcopy(newest_spec)
    for path in [p for p in newest_spec["paths"] if p.startswith("/structured-output") and "run" not in p]:
        item = copy.deepcopy(newest_spec["paths"][path])
        for operation in item.values():
            if isinstance(operation, dict) and operation.get("operationId"):
                operation["operationId"] = operation["operationId"].replace("StructuredOutput", "Widget")
        spec["paths"][path.replace("/structured-output", "/widget")] = item
    spec_file = tmp_path / "next-release.json.gz"
    spec_file.write_bytes(gzip.compress(json.dumps(spec).encode()))
    with start_twin(spec=spec_file, seed_objects=2) as twin:
        env = {"VAPI_API_KEY": twin.tokens["org-a"], "VAPI_API_KEY_SECONDARY": twin.tokens["org-b"]}
        code, report, output = run(tmp_path, spec_file, "--target", twin.base_url, "--max-examples", "3",
                                   "--operations", "*/widget*", env=env)
        stats = _stats(twin)
    summary = json.loads((report / "summary.json").read_text())
    assert code == 0 and summary["totals"]["new"] == 0, output[-3000:]
    assert summary["totals"]["known"] > 0  # the correct 404/400s, accepted by pattern
    widget = [label for label in stats if "/widget" in label]
    assert len(widget) == 5 and all(any(c.startswith("2") for c in stats[label]) for label in widget), stats


def test_a_negated_query_is_judged_as_it_travels():
    """Query values are text; an object parameter (form + explode) is spread into its properties' keys, so a
    negated one is simply absent on the wire (Vapi's GET /v2/call compliancePlan)."""
    from vapi_contract.contract.negation import really_invalid

    document = {"openapi": "3.0.0", "info": {"title": "t", "version": "1"}, "paths": {"/call": {"get": {
        "parameters": [
            {"name": "limit", "in": "query", "schema": {"type": "number", "maximum": 1000}},
            {"name": "name", "in": "query", "schema": {"type": "string", "maxLength": 40}},
            {"name": "kind", "in": "query", "required": True, "schema": {"type": "string", "enum": ["a", "b"]}},
            {"name": "plan", "in": "query", "schema": {"type": "object", "properties": {
                "on": {"type": "boolean"}}}}],
        "responses": {"200": {"description": "ok"}}}}}}

    def negative(query):
        return negative_case(document, "/call", "GET", "query", query=query)

    assert not really_invalid(document, negative({"kind": "a", "plan": {"on": "not a boolean"}}))  # spread
    assert not really_invalid(document, negative({"kind": "a", "name": 12}))  # travels as the text "12"
    assert really_invalid(document, negative({"kind": "c"}))
    assert really_invalid(document, negative({"name": "x"}))  # required kind missing
    assert really_invalid(document, negative({"kind": "a", "limit": "many"}))
    assert really_invalid(document, negative({"kind": "a", "limit": 5000}))
