from __future__ import annotations

from pathlib import Path

import pytest
import yaml

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "diff"


def _load(name: str, side: str) -> dict:
    return yaml.safe_load((FIXTURES / name / f"{side}.yaml").read_text())


@pytest.fixture
def fixture_pair():
    """fixture_pair("enums") -> (old_doc, new_doc) from tests/fixtures/diff/enums/{old,new}.yaml"""
    return lambda name: (_load(name, "old"), _load(name, "new"))


@pytest.fixture
def diff_fixture(fixture_pair):
    """diff_fixture("enums") -> {(rule id, location): Change} for the fixture pair."""
    from vapi_contract.diff import compare

    def run(name: str):
        result = compare(*fixture_pair(name))
        found = {(c.id, c.location): c for c in result.changes}
        assert len(found) == len(result.changes), "a change was reported twice at the same place"
        return found

    return run


class LocalServer:
    """A real HTTP server on 127.0.0.1 in a thread: `routes[path] = (status, body, content_type)` can be
    changed while it runs; every request is recorded as (method, path, body)."""

    def __init__(self):
        import http.server
        import threading

        self.routes: dict[str, tuple[int, bytes, str]] = {}
        self.requests: list[tuple[str, str, bytes]] = []
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def _answer(self):
                length = int(self.headers.get("Content-Length") or 0)
                server.requests.append((self.command, self.path, self.rfile.read(length) if length else b""))
                status, body, content_type = server.routes.get(self.path, (404, b"not found", "text/plain"))
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = _answer

            def log_message(self, *args):  # keep test output clean
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}{path}"

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def local_server():
    servers: list[LocalServer] = []

    def start() -> LocalServer:
        servers.append(LocalServer())
        return servers[-1]

    yield start
    for server in servers:
        server.close()
