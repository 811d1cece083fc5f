"""Reproducers are redacted and runnable: the run's keys are shell variables, pasted into bash they send them."""

from __future__ import annotations

import json
import shlex
import shutil
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from vapi_contract.contract import triage
from vapi_contract.evidence.redact import Redactor

PRIMARY = "0f9e8d7c-6b5a-4321-9abc-def012345678"
SECONDARY = "11112222-3333-4444-5555-666677778888"


@pytest.fixture
def server():
    """A local HTTP server that records the method, path, headers and body of each request it answers."""
    seen: list[dict] = []

    class Handler(BaseHTTPRequestHandler):
        def _answer(self):
            length = int(self.headers.get("Content-Length") or 0)
            seen.append({"method": self.command, "path": self.path, "headers": dict(self.headers),
                         "body": self.rfile.read(length).decode("utf-8")})
            self.send_response(204)
            self.end_headers()

        do_GET = do_POST = do_PATCH = do_DELETE = _answer

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", seen
    httpd.shutdown()
    httpd.server_close()


def paste(command: str, **env: str) -> None:
    """The reproducer pasted into a shell that has the keys set (only PATH besides)."""
    import os

    subprocess.run(["bash", "-c", command + " --silent --show-error --max-time 10"], check=True, timeout=30,
                   env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), **env})


def test_primary_key_is_the_variable_and_any_other_copy_is_masked():
    command = triage.curl("post", f"http://h/assistant?key={PRIMARY}", {
        "Authorization": f"Bearer {PRIMARY}", "Content-Type": "application/json", "User-Agent": "python"},
        json.dumps({"note": f"echo {PRIMARY}"}).encode(), [PRIMARY, SECONDARY])
    assert '-H "Authorization: Bearer $VAPI_API_KEY"' in command
    assert PRIMARY not in command and "User-Agent" not in command
    assert "key=***" in command and "echo ***" in command
    words = shlex.split(command)
    assert words[:4] == ["curl", "-X", "POST", "http://h/assistant?key=***"]
    assert "Authorization: Bearer $VAPI_API_KEY" in words  # shlex: one word, the variable unexpanded


def test_secondary_key_is_its_own_variable():
    command = triage.curl("get", "http://h/assistant", {"Authorization": f"Bearer {SECONDARY}"}, None,
                          [PRIMARY, SECONDARY])
    assert command == 'curl -X GET http://h/assistant -H "Authorization: Bearer $VAPI_API_KEY_SECONDARY"'


def test_a_wrong_token_stays_masked():
    wrong = triage.curl("get", "http://h/x", {"Authorization": "Bearer wrong-3c1f0a52-8d4e"}, None, [PRIMARY])
    assert wrong == "curl -X GET http://h/x -H 'Authorization: Bearer ***'"


def test_report_redaction_keeps_the_variable():
    command = triage.curl("delete", "http://h/tool/1", {"Authorization": f"Bearer {PRIMARY}"}, None, [PRIMARY])
    redactor = Redactor([PRIMARY, SECONDARY])
    assert redactor.text(command) == command
    assert redactor.value({"reproducer": command}) == {"reproducer": command}
    assert redactor.rendered(command) == command


@pytest.mark.skipif(not shutil.which("curl"), reason="needs curl")
def test_pasted_into_bash_it_sends_the_key_header_and_body(server):
    base, seen = server
    body = json.dumps({"name": "it's \"quoted\" $HOME `id` \\ é", "secret": PRIMARY}, ensure_ascii=False)
    command = triage.curl("post", base + "/assistant?limit=2", {
        "Authorization": f"Bearer {PRIMARY}", "Content-Type": "application/json"}, body.encode(), [PRIMARY])
    paste(command, VAPI_API_KEY=PRIMARY, HOME="/nowhere")
    (request,) = seen
    assert request["method"] == "POST" and request["path"] == "/assistant?limit=2"
    assert request["headers"]["Authorization"] == f"Bearer {PRIMARY}"
    assert request["headers"]["Content-Type"] == "application/json"
    assert json.loads(request["body"]) == {**json.loads(body), "secret": "***"}


@pytest.mark.skipif(not shutil.which("curl"), reason="needs curl")
def test_pasted_secondary_key_and_shell_characters_beside_it(server):
    base, seen = server
    headers = {"Authorization": f"Bearer {SECONDARY}", "X-Note": f'a"b$c`d\\e {SECONDARY}x'}
    command = triage.curl("get", base + "/call", headers, None, [PRIMARY, SECONDARY])
    assert "${VAPI_API_KEY_SECONDARY}x" in command
    paste(command, VAPI_API_KEY=PRIMARY, VAPI_API_KEY_SECONDARY=SECONDARY)
    (request,) = seen
    assert request["headers"]["Authorization"] == f"Bearer {SECONDARY}"
    assert request["headers"]["X-Note"] == f'a"b$c`d\\e {SECONDARY}x'


def test_response_excerpt_is_short_one_line_and_names_status_and_media_type():
    import requests
    from schemathesis.core.transport import Response

    raw = requests.Response()
    raw.status_code, raw._content = 400, ('{"message":\n  "bad <b>" ,"x": "' + "y" * 2000 + '"}').encode()
    raw.headers["Content-Type"] = "application/json; charset=utf-8"
    excerpt = triage.response_excerpt(raw)
    assert excerpt.startswith('HTTP 400 application/json: {"message": "bad <b>" ,"x": "yyy')
    assert excerpt.endswith("\u2026") and len(excerpt) <= triage.EXCERPT_CHARS + 40 and "\n" not in excerpt
    checked = Response(400, {"Content-Type": ["application/json; charset=utf-8"]}, raw.content,
                       requests.Request("GET", "http://h/x").prepare(), 0.1, True)
    assert triage.response_excerpt(checked) == excerpt  # schemathesis: lower-case keys, list values
    empty = requests.Response()
    empty.status_code, empty._content = 204, b""
    assert triage.response_excerpt(empty) == "HTTP 204 (empty body)"
    assert triage.response_details(None) == {} and triage.response_details(empty) == {"response": "HTTP 204 (empty body)"}
