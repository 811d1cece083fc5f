"""Spec-layer fixtures: a real HTTP server on 127.0.0.1 with scripted responses, isolated config."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "spec"


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before answering (timeouts)


class SpecServer:
    """Serves scripted replies per path; the last reply of a path repeats. Records every request."""

    Reply = Reply

    def __init__(self):
        self.routes: dict[str, list[Reply]] = {}
        self.requests: list[dict] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                server.requests.append({"path": self.path, "headers": dict(self.headers)})
                replies = server.routes.get(self.path) or [Reply(404, b"not found")]
                reply = replies.pop(0) if len(replies) > 1 else replies[0]
                if reply.delay:
                    time.sleep(reply.delay)
                try:
                    self.send_response(reply.status)
                    for key, value in reply.headers.items():
                        self.send_header(key, value)
                    self.send_header("Content-Length", str(len(reply.body)))
                    self.end_headers()
                    if reply.status != 304:
                        self.wfile.write(reply.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timeout tests)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}{path}"

    def route(self, path: str, *replies: Reply) -> str:
        self.routes[path] = list(replies)
        return self.url(path)

    def hits(self, path: str) -> list[dict]:
        return [r for r in self.requests if r["path"] == path]


@pytest.fixture
def spec_server():
    server = SpecServer()
    server.thread.start()
    yield server
    server.httpd.shutdown()
    server.httpd.server_close()


@pytest.fixture
def closed_port_url():
    """A loopback URL nobody listens on: connection refused."""
    import socket

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return f"http://127.0.0.1:{port}/api-json"


@pytest.fixture(autouse=True)
def isolated_env(tmp_path, monkeypatch):
    """No test reaches the real Vapi URL, the user's cache or the repo's store."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("VAPI_SPEC_URL", "off")
    monkeypatch.setenv("VAPI_CONTRACT_STORE", str(tmp_path / "store"))
    monkeypatch.setenv("VAPI_SPEC_RETRIES", "0")
    monkeypatch.setenv("VAPI_SPEC_TIMEOUT", "5")
    monkeypatch.delenv("VAPI_API_KEY", raising=False)
    monkeypatch.setenv("VAPI_SPEC_MIRROR", "")  # empty: no mirror (unset would find ../shared)
    for name in ("VAPI_API_KEY_HOSTS", "VAPI_BASE_URL", "VAPI_SPEC_MAX_BYTES", "VAPI_SPEC_MAX_NODES",
                 "VAPI_SPEC_MAX_DEPTH", "VAPI_SPEC_BACKOFF"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture
def fast_fetch():
    from vapi_contract.spec.fetch import FetchOptions

    return FetchOptions(timeout=2.0, retries=2, backoff=0.01, max_delay=0.2)


@pytest.fixture(scope="session")
def reference():
    """tests/unit/spec/reference.py (importlib import mode: loaded by path under a unique name)."""
    import importlib.util
    import sys

    name = "vapi_contract_tests_spec_reference"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, Path(__file__).with_name("reference.py"))
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


class TrickleServer:
    """A server that never finishes: each connection gets one byte every `interval` seconds, of the status
    line and headers too when `slow_headers`, else of the body after prompt headers. Records requests."""

    def __init__(self, interval: float, slow_headers: bool = False):
        import socket

        self.interval, self.slow_headers = interval, slow_headers
        self.stop = threading.Event()
        self.requests: list[bytes] = []
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.1)
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def url(self, path: str = "/api-json") -> str:
        return f"http://127.0.0.1:{self.sock.getsockname()[1]}{path}"

    def _accept(self):
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn):
        head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n"
        try:
            conn.settimeout(2)
            self.requests.append(conn.recv(65536))
            if not self.slow_headers:
                conn.sendall(head + b'{"openapi": "3.0.0", "x": "')
            pending = iter(head) if self.slow_headers else iter(())
            while not self.stop.wait(self.interval):
                byte = next(pending, ord(" "))
                conn.sendall(bytes([byte]))
        except OSError:
            pass  # the client gave up: what the test wants
        finally:
            conn.close()

    def close(self):
        self.stop.set()
        self.sock.close()
        self.thread.join(timeout=2)


@pytest.fixture
def trickle():
    servers: list[TrickleServer] = []

    def start(interval: float, slow_headers: bool = False) -> TrickleServer:
        servers.append(TrickleServer(interval, slow_headers))
        return servers[-1]

    yield start
    for server in servers:
        server.close()


@pytest.fixture
def spec_bytes_min() -> bytes:
    """The smallest document every loader accepts."""
    return b'{"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {}}'


@pytest.fixture
def raw_server():
    """A server that answers every connection with the given raw bytes and closes: malformed HTTP."""
    import socket

    servers = []

    def start(payload: bytes) -> str:
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        sock.listen(8)
        sock.settimeout(0.1)
        stop = threading.Event()

        def serve():
            while not stop.is_set():
                try:
                    conn, _ = sock.accept()
                except OSError:
                    continue
                try:
                    conn.settimeout(2)
                    conn.recv(65536)
                    conn.sendall(payload)
                except OSError:
                    pass
                finally:
                    conn.close()

        thread = threading.Thread(target=serve, daemon=True)
        thread.start()
        servers.append((sock, stop, thread))
        return f"http://127.0.0.1:{sock.getsockname()[1]}/api-json"

    yield start
    for sock, stop, thread in servers:
        stop.set()
        sock.close()
        thread.join(timeout=2)
