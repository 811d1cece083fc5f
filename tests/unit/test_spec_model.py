from vapi_contract.spec.model import counts, iter_operations, resolve_ref


def test_counts_match_the_published_index(newest_spec, history_versions):
    entry = history_versions[-1]
    assert counts(newest_spec) == {k: entry[k] for k in ("paths", "operations", "schemas")}


def test_operation_label_and_refs():
    doc = {
        "openapi": "3.0.0",
        "paths": {"/assistant/{id}": {"get": {"operationId": "AssistantController_findOne"}, "parameters": []}},
        "components": {"schemas": {"A/B": {"type": "string"}}},
    }
    (op,) = iter_operations(doc)
    assert op.label == "GET /assistant/{id}" and op.operation_id == "AssistantController_findOne"
    assert resolve_ref(doc, "#/components/schemas/A~1B") == {"type": "string"}
    assert resolve_ref(doc, "#/components/schemas/Missing") is None
    assert resolve_ref(doc, "other.json#/x") is None
