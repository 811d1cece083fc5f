"""Evidence comes from another process (maybe a buggy or killed one): any JSON in any field must still give
valid reports, never a traceback."""

import json
import shutil
import xml.etree.ElementTree as ET

import jsonschema
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vapi_contract.report import build
from vapi_contract.report.builder import schema_path

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3),
    max_leaves=6,
)


def _record(keys):
    return st.fixed_dictionaries({}, optional={k: json_values for k in keys})


FINDING_KEYS = ["operation", "check", "classification", "fingerprint", "message", "reproducer", "flaky",
                "status_code", "details", "time"]
OPERATION_KEYS = ["operation", "status", "cases", "duration_s", "latency_ms", "checks", "reason"]
RESOURCE_KEYS = ["action", "operation", "resource_id", "name", "time"]
COVERAGE = st.fixed_dictionaries({}, optional={
    "operation": st.sampled_from(["GET /assistant", "POST /x", "lifecycle tool"]) | json_values,
    "statuses": st.dictionaries(st.sampled_from(["200", "201", "404", "2xx", ""]), json_values, max_size=3)
    | json_values, "checked": json_values, "source": json_values, "reason": json_values})
META_KEYS = ["run_id", "started_at", "finished_at", "target", "spec", "profile", "seed", "max_examples",
             "workers", "shard", "exit_code", "status", "timings", "spec_issues", "options"]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow])
@given(meta=_record(META_KEYS), findings=st.lists(_record(FINDING_KEYS), max_size=4),
       operations=st.lists(_record(OPERATION_KEYS), max_size=4),
       resources=st.lists(_record(RESOURCE_KEYS), max_size=3), coverage=st.lists(COVERAGE, max_size=4))
def test_any_json_in_any_field_still_builds_valid_reports(tmp_path_factory, meta, findings, operations, resources,
                                                          coverage):
    run_dir = tmp_path_factory.mktemp("run")
    (run_dir / "run.json").write_text(json.dumps(meta))
    for name, records in (("findings", findings), ("operations", operations), ("resources", resources),
                          ("coverage", coverage)):
        (run_dir / f"{name}.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    summary = build(run_dir)
    schema = json.loads(schema_path().read_text())
    jsonschema.Draft202012Validator(schema).validate(summary)
    ET.parse(run_dir / "junit.xml")
    assert (run_dir / "index.html").read_text().rstrip().endswith("</html>")
    shutil.rmtree(run_dir)


@settings(max_examples=60, deadline=None)
@given(document=st.dictionaries(st.sampled_from(["accepted", "other"]),
                                st.lists(st.dictionaries(st.sampled_from(
                                    ["fingerprint", "reason", "owner", "expires", "operation", "check", "added"]),
                                    json_values, max_size=7), max_size=3) | json_values, max_size=2)
       | json_values)
def test_any_baseline_document_loads_or_is_a_usage_error(document):
    import yaml

    from vapi_contract.errors import UsageError
    from vapi_contract.report.baseline import parse

    try:
        loaded = parse(yaml.safe_dump(document))
    except UsageError as exc:
        assert "\n" not in str(exc)
    else:
        assert all(len(e.fingerprint) >= 16 for e in loaded.entries)
        assert all(e.operation is None or isinstance(e.operation, str) for e in loaded.entries)
