"""`undocumented_properties`: a property the response schema does not list is a finding whatever the request sent;
only free-form places of the schema (no `properties`, `additionalProperties` true or a schema, a free-form
`oneOf` branch) may hold names it does not list. Real schemathesis cases of a small spec, real Responses."""

from __future__ import annotations

import pytest

from vapi_contract.contract.checks.undocumented_properties import undocumented_properties
from vapi_contract.contract.triage import identity

ITEM = {"type": "object", "properties": {
    "id": {"type": "string"}, "name": {"type": "string"},
    "metadata": {"type": "object", "description": "free-form: any name"},
    "headers": {"type": "object", "properties": {"a": {"type": "string"}},
                "additionalProperties": {"type": "string"}},
    "extras": {"type": "object", "additionalProperties": True},
    "server": {"type": "object", "properties": {"url": {"type": "string"}}},
    "model": {"oneOf": [{"$ref": "#/components/schemas/Fixed"}, {"type": "object"}]},
    "voice": {"oneOf": [{"$ref": "#/components/schemas/Fixed"}, {"$ref": "#/components/schemas/Other"}]},
    # a discriminated oneOf whose branches document `metadata` differently (Vapi's GhlTool / MakeTool)
    "tool": {"oneOf": [{"$ref": "#/components/schemas/Ghl"}, {"$ref": "#/components/schemas/Make"}],
             "discriminator": {"propertyName": "type"}},
    "members": {"anyOf": [{"type": "array", "items": {"$ref": "#/components/schemas/Fixed"}}, {"type": "string"}]},
}}
SPEC = {
    "openapi": "3.0.0", "info": {"title": "t", "version": "1"},
    "paths": {"/thing": {"post": {
        "requestBody": {"required": True, "content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/Create"}}}},
        "responses": {"201": {"description": "ok", "content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/Thing"}}}}}}}},
    "components": {"schemas": {
        "Thing": ITEM,
        # the request accepts names the response does not document (no additionalProperties: false)
        "Create": {"type": "object", "properties": {"name": {"type": "string"}, "secret": {"type": "string"}}},
        "Fixed": {"type": "object", "properties": {"provider": {"type": "string"}}},
        "Other": {"type": "object", "properties": {"voiceId": {"type": "string"}}},
        "Ghl": {"type": "object", "properties": {"type": {"type": "string"}, "metadata": {
            "type": "object", "properties": {"workflowId": {"type": "string"}}}}},
        "Make": {"type": "object", "properties": {"type": {"type": "string"}, "metadata": {
            "type": "object", "properties": {"scenarioId": {"type": "string"}}}}},
    }},
}
BASE = {"id": "1", "name": "n"}


@pytest.fixture(scope="module")
def schema():
    import schemathesis

    return schemathesis.openapi.from_dict(SPEC)


def check(schema, make_response, body, sent=None):
    case = schema["/thing"]["POST"].Case(body=sent if sent is not None else {"name": "n"},
                                         media_type="application/json")
    return undocumented_properties(None, make_response(201, body, method="POST"), case)


def test_a_property_the_request_sent_is_still_undocumented(schema, make_response):
    # the old check skipped names the same request sent: a server storing and echoing `secret` went unseen
    with pytest.raises(AssertionError, match=r"document: secret$"):
        check(schema, make_response, {**BASE, "secret": "s"}, sent={"name": "n", "secret": "s"})


def test_a_property_an_earlier_request_sent_is_still_undocumented(schema, make_response):
    # the old check remembered every name the run had sent (in any request to any operation) and skipped it
    sent = {"name": "n", "leftover": 1, "server": {"url": "u", "port": 1}}
    body = {**BASE, "leftover": 1, "server": {"url": "u", "port": 1}}
    with pytest.raises(AssertionError):
        check(schema, make_response, body, sent=sent)
    with pytest.raises(AssertionError, match=r"document: leftover, server\.port$"):
        check(schema, make_response, body)


def test_generated_names_are_findings_with_a_stable_cause(schema, make_response):
    # the old check dropped names that are not identifiers ("junk from earlier fuzzed requests")
    texts = []
    for junk in ("\x00\u00e9 9", "%%__", "1 2 3"):
        with pytest.raises(AssertionError) as failure:
            check(schema, make_response, {**BASE, junk: 0, "server": {"url": "u", "x y": 1}})
        texts.append(str(failure.value))
    assert texts[0].splitlines()[0] == "response has properties the schema does not document: generated names"
    assert "'server.x y'" in texts[0].splitlines()[1]
    prints = {identity("POST /thing", "undocumented_properties", "spec-gap", text)[0] for text in texts}
    assert len(prints) == 1  # one fingerprint whatever junk a run generated


def test_free_form_places_hold_any_name(schema, make_response):
    body = {**BASE, "metadata": {"anything": {"deep": 1}}, "headers": {"a": "1", "X-Custom": "v"},
            "extras": {"k": 1}, "model": {"provider": "p", "whatever": 1}}
    assert check(schema, make_response, body, sent={"name": "n", "metadata": {"anything": {"deep": 1}}}) is None


def test_closed_one_of_branches_are_checked(schema, make_response):
    assert check(schema, make_response, {**BASE, "voice": {"provider": "p", "voiceId": "v"}}) is None
    with pytest.raises(AssertionError, match=r"voice\.speed"):
        check(schema, make_response, {**BASE, "voice": {"provider": "p", "speed": 1}})


def test_many_properties_keep_the_cause_stable(schema, make_response):
    names = {f"p{i:02d}": i for i in range(12)}
    with pytest.raises(AssertionError) as failure:
        check(schema, make_response, {**BASE, **names})
    cause, detail = str(failure.value).splitlines()
    assert cause.endswith("p00, p01, p02, p03, p04, p05, p06, p07") and detail == "+4 more"


def test_a_property_documented_differently_by_each_branch_is_judged_by_every_branch(schema, make_response):
    # 2024-10-10 POST /tool (MakeTool): `metadata.scenarioId` was reported because the check read the FIRST
    # branch's `metadata` (GhlToolMetadata) only
    make = {**BASE, "tool": {"type": "make", "metadata": {"scenarioId": "s"}}}
    assert check(schema, make_response, make) is None
    with pytest.raises(AssertionError, match=r"document: tool\.metadata\.bogus$"):
        check(schema, make_response, {**BASE, "tool": {"type": "make", "metadata": {"scenarioId": "s", "bogus": 1}}})


def test_array_items_under_a_combinator_are_checked(schema, make_response):
    assert check(schema, make_response, {**BASE, "members": [{"provider": "p"}]}) is None
    with pytest.raises(AssertionError, match=r"document: members\[\]\.bogus$"):
        check(schema, make_response, {**BASE, "members": [{"provider": "p", "bogus": 1}]})
