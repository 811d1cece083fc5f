"""The httpx transport against real local servers: the bytes on the wire are the ones schemathesis' own client
sends, same-host redirects only, retries under the project policy, and the environment (proxy, NO_PROXY, CA
bundle) is honoured. `Relay` is also the counting target of the run-wide limit measurements (test_budget.py)."""

from __future__ import annotations

import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from vapi_contract import retry
from vapi_contract.contract.transport import Client, InfraError

HOP = {"connection", "keep-alive", "proxy-connection", "transfer-encoding", "content-length", "content-encoding",
       "proxy-authorization", "te", "upgrade"}


class Relay:
    """A loopback HTTP server that records every request (time, method, target, headers, body).

    - `upstream=URL`: a reverse relay in front of a real server (the counting target of a measured run);
    - `proxy=True`: a forward proxy (absolute-form request targets, as clients send to HTTP_PROXY);
    - neither: answers itself from `script` (status, headers, body) per request, the last one repeating."""

    def __init__(self, *, upstream: str | None = None, proxy: bool = False, script=None):
        self.records: list[dict] = []
        self.script = list(script or [(200, {"Content-Type": "application/json"}, b"{}")])
        self.upstream = upstream.rstrip("/") if upstream else None
        self.proxy = proxy
        self.forward = httpx.Client(trust_env=False, timeout=60)
        self.lock = threading.Lock()
        relay = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def handle_one(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                with relay.lock:
                    relay.records.append({"t": time.monotonic(), "method": self.command, "target": self.path,
                                          "headers": dict(self.headers), "body": body})
                status, headers, content = relay.answer(self.command, self.path, dict(self.headers), body)
                self.send_response(status)
                for key, value in headers:
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(content)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(content)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = handle_one

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        self.port = self.httpd.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"

    def answer(self, method, target, headers, body):
        if self.proxy or self.upstream:
            url = target if self.proxy else self.upstream + target
            if not self.proxy and not target.startswith("/"):
                return 400, [], b"absolute-form target at a reverse relay"
            sent = {k: v for k, v in headers.items() if k.lower() not in HOP and k.lower() != "host"}
            reply = self.forward.request(method, url, headers=sent, content=body)
            kept = [(k, v) for k, v in reply.headers.multi_items() if k.lower() not in HOP]
            return reply.status_code, kept, reply.content
        with self.lock:
            status, headers, content = self.script.pop(0) if len(self.script) > 1 else self.script[0]
        return status, list(headers.items()), content

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()
        self.forward.close()


@pytest.fixture
def relay():
    made: list[Relay] = []

    def make(**kwargs) -> Relay:
        made.append(Relay(**kwargs))
        return made[-1]

    yield make
    for server in made:
        server.close()


@pytest.fixture
def no_proxy_env(monkeypatch):
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY", "http_proxy", "https_proxy", "all_proxy",
                 "no_proxy", "SSL_CERT_FILE", "SSL_CERT_DIR", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"):
        monkeypatch.delenv(name, raising=False)


UPLOAD_SPEC = {
    "openapi": "3.0.0", "info": {"title": "t", "version": "1"},
    "paths": {
        "/file": {"post": {"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
            "type": "object", "required": ["file"], "properties": {"file": {"type": "string", "format": "binary"},
                                                                   "purpose": {"type": "string"}}}}}},
            "responses": {"200": {"description": "ok"}}}},
        "/tool/{id}": {"patch": {
            "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}},
                           {"name": "tags", "in": "query", "schema": {"type": "array", "items": {"type": "string"}}}],
            "requestBody": {"content": {"application/json": {"schema": {"type": "object"}}}},
            "responses": {"200": {"description": "ok"}}}},
    },
}


def _normal(record: dict) -> tuple:
    """What a request said, with the multipart boundary (random per request) taken out."""
    content_type = record["headers"].get("Content-Type", "")
    body = record["body"]
    found = re.search(r"boundary=([^;]+)", content_type)
    if found:
        body = body.replace(found.group(1).encode(), b"BOUNDARY")
        content_type = content_type.replace(found.group(1), "BOUNDARY")
    names = sorted(k.lower() for k in record["headers"] if k.lower() != "x-schemathesis-testcaseid")
    return record["method"], record["target"], content_type, record["headers"].get("Authorization"), body, names


def test_cases_go_out_exactly_as_schemathesis_would_send_them(relay, no_proxy_env):
    import schemathesis
    from requests.structures import CaseInsensitiveDict

    server = relay()
    schema = schemathesis.openapi.from_dict(UPLOAD_SPEC)
    cases = [
        schema["/file"]["POST"].Case(body={"file": b"\x00\xffbytes", "purpose": "n\u00e9"},
                                     media_type="multipart/form-data"),
        schema["/tool/{id}"]["PATCH"].Case(path_parameters={"id": "a b/\u00e9"}, query={"tags": ["x", "y&z"]},
                                           body={"name": "\u00e9\u4e2d", "n": [1, None, True]},
                                           media_type="application/json", headers=CaseInsensitiveDict({"X-T": "1"})),
    ]
    client = Client(server.url)
    for case in cases:
        case.call(base_url=server.url, headers={"Authorization": "Bearer k"})  # schemathesis' own client
        client.call(case, {"Authorization": "Bearer k"})  # ours
    stock, ours = server.records[0::2], server.records[1::2]
    assert [_normal(r) for r in ours] == [_normal(r) for r in stock]
    assert client.stats.sent == 2


def test_redirects_are_followed_within_the_same_host_only(relay, no_proxy_env):
    elsewhere = relay()
    hops = relay(script=[(307, {"Location": "/next"}, b""), (302, {"Location": f"http://localhost:{elsewhere.port}/x"},
                                                             b""), (200, {}, b"{}")])
    client = Client(hops.url)
    response = client.request("GET", "/start")
    assert response.status_code == 302 and response.headers["location"].startswith("http://localhost:")
    assert [r["target"] for r in hops.records] == ["/start", "/next"] and elsewhere.records == []
    assert client.stats.sent == 2  # every hop is a request the target sees: it counts


def test_infra_answers_are_retried_under_the_project_policy(relay, no_proxy_env):
    server = relay(script=[(503, {"Retry-After": "2"}, b""), (429, {}, b""), (200, {}, b"{}")])
    waits: list[float] = []
    client = Client(server.url, policy=retry.Policy(attempts=4, backoff=0.25, sleep=waits.append))
    assert client.request("GET", "/x").status_code == 200
    assert len(server.records) == 3 and waits[0] == 2.0 and 0.5 <= waits[1] <= 0.75
    assert client.stats.sent == 3 and client.stats.retried == 2

    down = relay(script=[(502, {}, b"")])
    client = Client(down.url, policy=retry.Policy(attempts=2, backoff=0, sleep=waits.append))
    with pytest.raises(InfraError) as caught:
        client.request("GET", "/x")
    assert caught.value.status_code == 502 and "after 2 attempts" in str(caught.value)


def test_a_refused_connection_is_an_infra_error(no_proxy_env):
    client = Client("http://127.0.0.1:9", policy=retry.Policy(attempts=2, backoff=0, sleep=lambda s: None))
    with pytest.raises(InfraError) as caught:
        client.request("GET", "/x")
    assert "ConnectError" in str(caught.value) and caught.value.status_code is None


def test_http_proxy_from_the_environment_carries_the_traffic(relay, no_proxy_env, monkeypatch, mini_schema):
    target, proxy = relay(), relay(proxy=True)
    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    client = Client(target.url)
    client.request("GET", "/assistant", params={"limit": 1})
    client.call(mini_schema["/assistant"]["POST"].Case(body={"name": "x"}, media_type="application/json"), {})
    assert [r["target"] for r in proxy.records] == [f"{target.url}/assistant?limit=1", f"{target.url}/assistant"]
    assert len(target.records) == 2

    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    Client(target.url).request("GET", "/direct")
    assert len(proxy.records) == 2 and target.records[-1]["target"] == "/direct"

    monkeypatch.delenv("NO_PROXY")
    Client(target.url, trust_env=False).request("GET", "/opted-out")
    assert len(proxy.records) == 2


def test_a_proxy_configured_for_schemathesis_is_used_too(relay, no_proxy_env):
    target, proxy = relay(), relay(proxy=True)
    client = Client(target.url, trust_env=False)
    client.session.get(f"{target.url}/configured", proxies={"all": proxy.url}, timeout=5)
    assert [r["target"] for r in proxy.records] == [f"{target.url}/configured"]


def test_a_ca_bundle_named_for_requests_is_used(tmp_path, no_proxy_env, monkeypatch):
    """REQUESTS_CA_BUNDLE is read when httpx' own SSL_CERT_FILE is not set (a missing file fails loudly)."""
    from vapi_contract.contract import transport

    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(tmp_path / "missing.pem"))
    assert transport.ca_bundle() == str(tmp_path / "missing.pem")
    with pytest.raises(FileNotFoundError):
        Client("https://127.0.0.1:9").adapter.client()
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "other.pem"))
    assert transport.ca_bundle() is None  # httpx reads SSL_CERT_FILE itself


def test_target_host_and_proxy_host_are_what_the_proxy_saw(relay, no_proxy_env, monkeypatch):
    target, proxy = relay(), relay(proxy=True)
    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    Client(target.url).request("POST", "/tool", json={"a": 1}, headers={"Authorization": "Bearer k"})
    seen = proxy.records[0]
    assert urlsplit(seen["target"]).netloc == f"127.0.0.1:{target.port}"
    assert seen["headers"]["Authorization"] == "Bearer k" and seen["body"] == b'{"a": 1}'


@pytest.mark.slow
def test_a_whole_contract_run_goes_through_the_proxy(tmp_path, relay, newest_spec_path, no_proxy_env):
    """HTTP_PROXY set for `vapi-contract run` (2 workers, lifecycles, auth probes, teardown): the proxy sees every
    request the target sees, and the target sees only requests the proxy forwarded."""
    import os
    import subprocess
    import sys

    from vapi_contract.twin.server import start_twin

    with start_twin(spec=newest_spec_path, seed_objects=1) as twin:
        target, proxy = relay(upstream=twin.base_url), relay(proxy=True)
        report = tmp_path / "run"
        env = {**os.environ, "HTTP_PROXY": proxy.url, "VAPI_API_KEY": twin.tokens["org-a"],
               "VAPI_API_KEY_SECONDARY": twin.tokens["org-b"], "XDG_CACHE_HOME": str(tmp_path / "cache")}
        env.pop("VAPI_CONTRACT_CONTEXT", None)
        done = subprocess.run(
            [sys.executable, "-m", "vapi_contract.cli", "run", "--spec", str(newest_spec_path), "--target",
             target.url, "--profile", "nightly", "--workers", "2", "--max-examples", "3", "--seed", "3", "-q",
             "--rate-limit", "0", "--report-dir", str(report), "--operations",
             "GET /assistant,GET /assistant/{id},POST /tool,PATCH /tool/{id},DELETE /tool/{id},GET /file"],
            cwd=Path(__file__).resolve().parents[3], env=env, capture_output=True, text=True, timeout=900,
            check=False)
    assert done.returncode in (0, 1), done.stdout[-3000:] + done.stderr[-3000:]
    through_proxy = [r["target"].split(str(target.port), 1)[1] for r in proxy.records]
    print(f"HTTP_PROXY set: {len(proxy.records)} requests through the proxy, {len(target.records)} at the target")
    assert len(target.records) > 50
    assert sorted(through_proxy) == sorted(r["target"] for r in target.records)
    assert all(r["target"].startswith(target.url) for r in proxy.records)
