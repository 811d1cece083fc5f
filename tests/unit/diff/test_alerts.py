"""Alert payloads and webhook delivery (real local receiver)."""

from __future__ import annotations

import json

from vapi_contract.diff.alerts import SLACK_TEXT_LIMIT, alert_markdown, post_webhook, slack_payload
from vapi_contract.diff.model import Change, DiffResult


def _result(n: int) -> DiffResult:
    changes = [Change("request-property-enum-value-removed", "error", "POST /assistant",
                      ("POST /assistant", "PATCH /assistant/{id}"), f"request body application/json: p{i}",
                      f"request property 'p{i}': enum value(s) \"x\" removed") for i in range(n)]
    return DiffResult(changes, "20260402T0037Z-80eff64", "20260422T1131Z-7dc5137")


def test_slack_payload_stays_under_the_section_limit():
    payload = slack_payload(_result(500), source="https://api.vapi.ai/api-json", snapshot_id="snap")
    text = payload["blocks"][-1]["text"]["text"]
    assert len(text) <= SLACK_TEXT_LIMIT + 40 and text.rstrip().endswith("more")
    assert payload["summary"] == {"error": 500, "warning": 0, "info": 0}
    assert ":rotating_light:" in payload["text"] and "500 breaking" in payload["text"]
    json.dumps(payload)  # serialisable as-is


def test_alert_markdown_lists_what_matters_and_points_at_the_report():
    text = alert_markdown(_result(30), source="src", snapshot_id="snap", report_path="/alerts/snap/diff.md")
    assert text.count("- **error**") == 25 and "… 5 more" in text and "/alerts/snap/diff.md" in text
    assert "POST /assistant (+1 more operation)" in text


def test_client_errors_are_not_retried_server_errors_are(local_server):
    hook = local_server()
    hook.routes["/gone"] = (410, b"gone", "text/plain")
    hook.routes["/flaky"] = (503, b"busy", "text/plain")
    gone = post_webhook(hook.url("/gone"), {"text": "x"}, retries=3, sleep=lambda s: None)
    assert (gone.ok, gone.attempts, gone.detail) == (False, 1, "HTTP 410")
    flaky = post_webhook(hook.url("/flaky"), {"text": "x"}, retries=2, sleep=lambda s: None)
    assert (flaky.ok, flaky.attempts) == (False, 3)
    assert [path for _, path, _ in hook.requests] == ["/gone", "/flaky", "/flaky", "/flaky"]


def test_unreachable_webhook_is_a_failed_delivery_not_an_exception(local_server):
    hook = local_server()
    url = hook.url("/hook")
    hook.close()
    delivery = post_webhook(url, {"text": "x"}, retries=1, timeout=2, sleep=lambda s: None)
    assert not delivery.ok and delivery.attempts == 2 and "Connect" in delivery.detail
