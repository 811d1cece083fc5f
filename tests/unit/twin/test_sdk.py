"""The official Vapi Python SDK (`vapi_server_sdk`) works against the twin exactly as against api.vapi.ai."""

from __future__ import annotations

import pytest

vapi = pytest.importorskip("vapi", reason="vapi_server_sdk (dev extra) is not installed")

from vapi.tools.types.create_tools_request import CreateToolsRequest_Function
from vapi.tools.types.update_tools_request_body import UpdateToolsRequestBody_Function
from vapi.types.open_ai_function import OpenAiFunction


@pytest.fixture()
def sdk(twin):
    twin.reset()
    return vapi.Vapi(token=twin.tokens["org-a"], base_url=twin.base_url, timeout=30)


@pytest.mark.slow  # the SDK builds its huge Assistant pydantic models on first use: 20-50 s client-side
def test_sdk_assistant_lifecycle(sdk):
    created = sdk.assistants.create(name="Support line", first_message="Hello, how can I help?")
    assert created.id and created.org_id and created.name == "Support line"
    fetched = sdk.assistants.get(created.id)
    assert fetched.id == created.id and fetched.first_message == "Hello, how can I help?"
    assert [a.id for a in sdk.assistants.list(limit=10)] == [created.id]
    updated = sdk.assistants.update(created.id, name="Renamed")
    assert updated.name == "Renamed" and updated.first_message == "Hello, how can I help?"
    assert sdk.assistants.get(created.id).name == "Renamed"
    deleted = sdk.assistants.delete(created.id)
    assert deleted.id == created.id
    with pytest.raises(vapi.core.api_error.ApiError) as gone:
        sdk.assistants.get(created.id)
    assert gone.value.status_code == 404
    assert sdk.assistants.list() == []


def test_sdk_tool_lifecycle(sdk):
    request = CreateToolsRequest_Function(function=OpenAiFunction(name="lookup_order", description="Find an order"))
    created = sdk.tools.create(request=request)
    assert created.type == "function" and created.function.name == "lookup_order"
    assert sdk.tools.get(created.id).function.description == "Find an order"
    assert [t.id for t in sdk.tools.list()] == [created.id]
    update = UpdateToolsRequestBody_Function(function=OpenAiFunction(name="lookup_order_v2"))
    updated = sdk.tools.update(created.id, request=update)
    assert updated.function.name == "lookup_order_v2"
    assert sdk.tools.get(created.id).function.name == "lookup_order_v2"
    assert sdk.tools.delete(created.id).id == created.id
    with pytest.raises(vapi.core.api_error.ApiError) as gone:
        sdk.tools.get(created.id)
    assert gone.value.status_code == 404


def test_sdk_sees_401_with_a_wrong_token(twin):
    client = vapi.Vapi(token="wrong", base_url=twin.base_url, timeout=30)
    with pytest.raises(vapi.core.api_error.ApiError) as denied:
        client.files.list()
    assert denied.value.status_code == 401
