"""Each of our checks passes a correct response and fails a wrong one (real schemathesis cases and responses)."""

from __future__ import annotations

import pytest

from vapi_contract.contract import checks
from vapi_contract.contract.checks import RunSettings, all_checks, ours
from vapi_contract.contract.checks.api_key_not_echoed import api_key_not_echoed
from vapi_contract.contract.checks.error_body_shape import error_body_shape
from vapi_contract.contract.checks.latency_budget import latency_budget, percentile, summary
from vapi_contract.contract.checks.timestamps_and_ids import timestamps_and_ids
from vapi_contract.contract.checks.undocumented_properties import undocumented_properties
from vapi_contract.contract.checks.undocumented_status_code import undocumented_status_code

GOOD = {"id": "a1", "orgId": "o1", "name": "x", "createdAt": "2026-01-01T00:00:00Z",
        "updatedAt": "2026-01-02T00:00:00Z", "voice": {"provider": "11labs"}}


def test_every_check_is_registered_with_schemathesis():
    from schemathesis.checks import CHECKS

    names = set(CHECKS.get_all_names())
    assert {c.__name__ for c in ours()} <= names
    assert len(all_checks(live=True)) == len(all_checks()) - 1  # ignored_auth is left to the auth tests live


def test_every_module_of_the_package_is_a_registered_check():
    """Adding a check is adding its module: the registry is what the package holds, no list to keep."""
    import pkgutil

    modules = {m.name for m in pkgutil.iter_modules(checks.__path__) if not m.name.startswith("_")}
    assert set(checks.discover()) == modules
    assert set(checks.OURS) | set(checks.AGGREGATE) == modules
    assert checks.AGGREGATE == ("latency_budget",) and "latency_budget" not in [c.__name__ for c in ours()]
    assert [c.__name__ for c in ours()] == list(checks.OURS)  # each runs under the name its findings carry


def test_registration_records_how_a_check_runs(monkeypatch):
    def sends_requests(ctx, response, case):  # a check that would send requests of its own
        return None

    monkeypatch.setitem(checks.REGISTRY, "sends_requests", checks.OurCheck("sends_requests", sends_requests,
                                                                          live=False))
    assert sends_requests in ours() and sends_requests not in ours(live=True)
    assert "sends_requests" in checks.OURS
    with pytest.raises(TypeError, match="settings go to a check class"):
        checks.check(settings=lambda run: {})(sends_requests)  # a function takes no configuration
    assert checks.REGISTRY["sends_requests"].implementation is sends_requests  # the failed one registered nothing


def _configured_schema(mini_document, secrets: tuple[str, ...]):
    import schemathesis
    from schemathesis.config import SchemathesisConfig

    config = SchemathesisConfig.from_dict({"checks": checks.config(RunSettings(secrets))})
    return schemathesis.openapi.from_dict(mini_document, config=config)


def test_a_check_gets_its_settings_through_the_schemathesis_configuration(mini_document, make_response):
    """The run's keys reach api_key_not_echoed as its `[checks.api_key_not_echoed]` section of the schema's
    configuration: each schema (each run) has its own, nothing is left behind in the module."""
    leaky = make_response(401, {"message": "bad key sk-primary-123456"})
    configured = _configured_schema(mini_document, ("sk-primary-123456",))
    other = _configured_schema(mini_document, ())
    for schema, caught in ((configured, True), (other, False)):
        case = schema["/assistant"]["GET"].Case()
        echo = next(c for c in all_checks(schema) if c.__name__ == "api_key_not_echoed")
        if caught:
            with pytest.raises(AssertionError, match="primary API key is echoed"):
                echo(None, leaky, case)
        else:
            assert echo(None, leaky, case) is None


def test_undocumented_properties(make_case, make_response):
    case = make_case("GET /assistant/{id}", path_parameters={"id": "a1"})
    assert undocumented_properties(None, make_response(200, GOOD), case) is None
    wrong = {**GOOD, "secretField": 1, "voice": {"provider": "x", "model": "y"}}
    with pytest.raises(AssertionError, match=r"secretField, voice\.model"):
        undocumented_properties(None, make_response(200, wrong), case)


def test_undocumented_properties_in_arrays(make_case, make_response):
    listing = make_case("GET /assistant")
    with pytest.raises(AssertionError, match=r"\[\]\.extra"):
        undocumented_properties(None, make_response(200, [GOOD, {**GOOD, "extra": True}]), listing)


def test_undocumented_status_code(make_case, make_response):
    case = make_case("GET /assistant/{id}", path_parameters={"id": "a1"})
    assert undocumented_status_code(None, make_response(200, GOOD), case) is None
    assert undocumented_status_code(None, make_response(503, {}), case) is None  # transport: infra, not contract
    with pytest.raises(AssertionError, match="status 404 is not documented"):
        undocumented_status_code(None, make_response(404, {"message": "nope", "statusCode": 404}), case)


def test_error_body_shape(make_case, make_response):
    case = make_case("GET /assistant/{id}", path_parameters={"id": "a1"})
    assert error_body_shape(None, make_response(404, {"message": "Not Found", "statusCode": 404}), case) is None
    assert error_body_shape(None, make_response(400, {"message": ["name too long"], "statusCode": 400}), case) is None
    with pytest.raises(AssertionError, match="not a JSON object"):
        error_body_shape(None, make_response(500, raw=b"<html>oops</html>"), case)
    with pytest.raises(AssertionError, match="no `message`"):
        error_body_shape(None, make_response(400, {"error": "x"}), case)
    with pytest.raises(AssertionError, match="differs from the HTTP status"):
        error_body_shape(None, make_response(400, {"message": "x", "statusCode": 500}), case)


def test_api_key_not_echoed(make_case, make_response):
    case = make_case("GET /assistant")
    echo = api_key_not_echoed(secrets=["sk-primary-123456", "sk-second-654321", "short", None]).after_response
    assert echo(None, make_response(200, [GOOD]), case) is None
    with pytest.raises(AssertionError, match="primary API key is echoed in the response body"):
        echo(None, make_response(401, {"message": "bad key sk-primary-123456"}), case)
    with pytest.raises(AssertionError, match="secondary API key is echoed in the response headers"):
        echo(None, make_response(200, [], headers={"x-debug": "sk-second-654321"}), case)
    # a server that stores the caller's key in an object and lists it later is still caught
    stored = [GOOD, {**GOOD, "server": {"headers": {"Authorization": "Bearer sk-second-654321"}}}]
    with pytest.raises(AssertionError, match="secondary API key is echoed in the response body"):
        echo(None, make_response(200, stored), case)
    # a string too short to be a key is not looked for (it would flag ordinary text)
    assert echo(None, make_response(200, {"message": "short"}), case) is None
    assert api_key_not_echoed().after_response(None, make_response(200, {"k": "sk-primary-123456"}), case) is None


def test_timestamps_and_ids(make_case, make_response):
    case = make_case("GET /assistant/{id}", path_parameters={"id": "a1"})
    assert timestamps_and_ids(None, make_response(200, GOOD), case) is None
    with pytest.raises(AssertionError, match="createdAt .* is after updatedAt"):
        timestamps_and_ids(None, make_response(200, {**GOOD, "createdAt": "2027-01-01T00:00:00Z"}), case)
    with pytest.raises(AssertionError, match="asked for id 'a1'"):
        timestamps_and_ids(None, make_response(200, {**GOOD, "id": "b2"}), case)


def test_ids_are_compared_as_the_server_reads_them(make_case, make_response):
    # generated path parameters stay percent-encoded in the case: the server answers the decoded id
    # (2024-11-11T1745 against the twin: "asked for id 'P%C3%A6k...', got an object with id 'Pæk...'")
    case = make_case("GET /assistant/{id}", path_parameters={"id": "P%C3%A6k%20%F0%9F%98%80"})
    assert timestamps_and_ids(None, make_response(200, {**GOOD, "id": "P\u00e6k \U0001f600"}), case) is None
    with pytest.raises(AssertionError, match="asked for id 'P\u00e6k', got an object with id 'P%C3%A6k'"):
        timestamps_and_ids(None, make_response(200, {**GOOD, "id": "P%C3%A6k"}),
                           make_case("GET /assistant/{id}", path_parameters={"id": "P%C3%A6k"}))


def test_latency_budget():
    assert percentile([], 95) is None
    assert percentile([1, 2, 3, 4, 100], 50) == 3
    assert summary([10.0, 20.0, 30.0]) == {"count": 3, "p50": 20.0, "p95": 30.0, "max": 30.0}
    assert latency_budget([100.0] * 20, 500) is None
    assert latency_budget([1600.0], 500) is None  # one sample says nothing about a p95
    assert "exceeds the budget of 500 ms" in latency_budget([100.0] * 10 + [1600.0] * 10, 500)


def test_auth_codes_are_implied_by_security(make_case, make_response):
    case = make_case("GET /assistant/{id}", path_parameters={"id": "a1"})
    assert undocumented_status_code(None, make_response(401, {"message": "Unauthorized"}), case) is None
