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


HOSTILE_PATH = "/call/<!channel>/<http://evil.example|docs>/<img src=x onerror=alert(1)>/[here](javascript:x)"


def _hostile() -> DiffResult:
    change = Change("api-removed-without-deprecation", "error", f"GET {HOSTILE_PATH}", (f"GET {HOSTILE_PATH}",),
                    "operation", f"GET {HOSTILE_PATH}: operation removed without deprecation & more")
    return DiffResult([change], "old<b>", "new`x`")


def test_slack_payload_cannot_ping_or_disguise_links():
    payload = slack_payload(_hostile(), source="https://u:hunter2@spec.example/api-json?api_key=k1&v=2",
                            snapshot_id="snap")
    text = json.dumps(payload)
    assert "<!channel>" not in text and "<http" not in text and "<img" not in text
    assert "&lt;!channel&gt;" in text and "&lt;http://evil.example|docs&gt;" in text and "&amp; more" in text
    assert "hunter2" not in text and "k1" not in text and "spec.example" in text


def test_markdown_alert_and_report_carry_no_raw_html_or_links():
    from vapi_contract.diff.renderers import render

    for text in (alert_markdown(_hostile(), source="http://u:pw@h/x", snapshot_id="snap"), render(_hostile(), "markdown")):
        assert "<img" not in text and "<!channel>" not in text and "<http" not in text and "<b>" not in text
        assert "](javascript" not in text.replace("\\]", "") or "\\[here\\]" in text
        assert ":pw@" not in text


def test_webhook_uses_the_retry_policy_and_never_shows_its_secret_url(local_server):
    hook = local_server()
    hook.routes["/services/T0/B0/s3cr3t"] = (500, b"boom", "text/plain")
    failed = post_webhook(hook.url("/services/T0/B0/s3cr3t"), {"text": "x"}, retries=3, sleep=lambda s: None)
    assert (failed.ok, failed.attempts, failed.detail) == (False, 1, "HTTP 500")  # an answer, not retried
    hook.close()
    gone = post_webhook(hook.url("/services/T0/B0/s3cr3t"), {"text": "x"}, retries=1, timeout=2, sleep=lambda s: None)
    assert not gone.ok and gone.attempts == 2 and "s3cr3t" not in gone.detail


def test_webhook_honours_retry_after(local_server):
    import http.server
    import threading

    answers = [(429, {"Retry-After": "2"}), (200, {})]
    waits: list[float] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            status, headers = answers.pop(0)
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        delivery = post_webhook(f"http://127.0.0.1:{server.server_address[1]}/h", {"text": "x"}, retries=3,
                                sleep=waits.append)
    finally:
        server.shutdown()
        server.server_close()
    assert delivery.ok and delivery.attempts == 2 and waits == [2.0]
