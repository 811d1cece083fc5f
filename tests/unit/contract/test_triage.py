"""Triage rules, fingerprints stable across runs, curl reproducers without keys."""

from __future__ import annotations

from vapi_contract.contract import triage


def test_classification():
    assert triage.classify("not_a_server_error", 500) == "server-bug"
    assert triage.classify("undocumented_status_code", 400) == "spec-gap"
    assert triage.classify("undocumented_status_code", 500) == "server-bug"
    assert triage.classify("undocumented_properties", 200) == "spec-gap"
    assert triage.classify("response_schema_conformance", 200) == "server-bug"
    assert triage.classify("negative_data_rejection", 201) == "server-bug"
    assert triage.classify("anything", 429) == "infra"
    assert triage.classify("transport", None, transport_error=True) == "infra"


def test_fingerprint_ignores_ids_times_ports_and_generated_values():
    a = triage.fingerprint("GET /assistant/{id}", "response_schema_conformance", "server-bug",
                           "Response violates schema: 1795266977918 is not of type 'string' at 127.0.0.1:41057 for "
                           "id 3f2a9c1e-0000-4000-8000-123456789abc at 2026-11-21T13:14:00.297Z")
    b = triage.fingerprint("GET /assistant/{id}", "response_schema_conformance", "server-bug",
                           "Response violates schema: 1795266992910 is not of type 'string' at 127.0.0.1:43127 for "
                           "id 9d2a9c1e-1111-4000-8000-abcdefabcdef at 2027-01-01T00:00:00Z")
    assert a == b and len(a) >= 16
    assert a != triage.fingerprint("GET /assistant/{id}", "response_schema_conformance", "spec-gap", "x")
    assert triage.fingerprint("X", "c", "server-bug", "status 404 is not documented") != triage.fingerprint(
        "X", "c", "server-bug", "status 400 is not documented")


def test_curl_redacts_the_key():
    command = triage.curl("post", "http://127.0.0.1:1/assistant?x=1", {
        "Authorization": "Bearer sk-live-secret-0123456789", "Content-Type": "application/json",
        "User-Agent": "python"}, b'{"name": "it\'s sk-live-secret-0123456789"}', ["sk-live-secret-0123456789"])
    assert command.startswith("curl -X POST 'http://127.0.0.1:1/assistant?x=1'")
    assert '"Authorization: Bearer $VAPI_API_KEY"' in command  # runnable with the key exported
    assert "sk-live-secret" not in command and "it'\"'\"'s ***" in command and "User-Agent" not in command


def test_curl_masking_never_corrupts_the_command_with_a_too_short_key():
    command = triage.curl("get", "http://127.0.0.1:8080/assistant/a0b1?limit=10",
                          {"Authorization": "Bearer 0"}, None, ["0"])
    assert command == "curl -X GET 'http://127.0.0.1:8080/assistant/a0b1?limit=10' -H 'Authorization: Bearer ***'"


def test_a_refusal_checked_against_a_catch_all_default_response_is_a_spec_gap():
    from vapi_contract.contract import triage

    # the spec documents only `default` (with the success shape): an error answer cannot match it
    assert triage.classify("response_schema_conformance", 404, documented=False) == triage.SPEC_GAP
    assert triage.classify("content_type_conformance", 401, documented=False) == triage.SPEC_GAP
    # documented by its own code, or a 2xx/5xx: the server broke what the spec says
    assert triage.classify("response_schema_conformance", 404, documented=True) == triage.SERVER_BUG
    assert triage.classify("response_schema_conformance", 200, documented=False) == triage.SERVER_BUG
    assert triage.classify("response_schema_conformance", 500, documented=False) == triage.SERVER_BUG
