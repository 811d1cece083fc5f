"""The one retry policy, against a real local HTTP server with scripted answers (waits recorded, not slept)."""

from __future__ import annotations

import random
import socket
import threading
import time
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from vapi_contract import retry


class Scripted:
    """Answers each request with the next (status, headers) of its script; the last one repeats."""

    def __init__(self, *script: tuple[int, dict]):
        self.script = list(script)
        self.hits = 0
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                owner.hits += 1
                status, headers = owner.script.pop(0) if len(owner.script) > 1 else owner.script[0]
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def scripted():
    servers = []

    def make(*script):
        servers.append(Scripted(*script))
        return servers[-1]

    yield make
    for server in servers:
        server.close()


def policy(waits: list[float], **kwargs) -> retry.Policy:
    return retry.Policy(sleep=waits.append, rng=random.Random(7), **kwargs)


def test_retries_infra_statuses_with_growing_jittered_waits(scripted):
    server = scripted((503, {}), (502, {}), (504, {}), (200, {}))
    waits: list[float] = []
    response = retry.call(lambda: httpx.get(server.url), policy(waits, attempts=5, backoff=0.5))
    assert response.status_code == 200 and server.hits == 4
    assert len(waits) == 3
    for n, wait in enumerate(waits):  # base 0.5 * 2**n plus up to 0.5 of jitter
        assert 0.5 * 2 ** n <= wait <= 0.5 * 2 ** n + 0.5
    assert len({round(w - 0.5 * 2 ** n, 6) for n, w in enumerate(waits)}) > 1  # jitter is not constant


@pytest.mark.parametrize("status", [200, 400, 404, 500])
def test_answers_that_are_not_infra_trouble_return_at_once(scripted, status):
    server = scripted((status, {}))
    waits: list[float] = []
    assert retry.call(lambda: httpx.get(server.url), policy(waits)).status_code == status
    assert server.hits == 1 and waits == []


def test_retry_after_in_seconds_replaces_the_backoff(scripted):
    server = scripted((429, {"Retry-After": "7"}), (200, {}))
    waits: list[float] = []
    assert retry.call(lambda: httpx.get(server.url), policy(waits, max_delay=10)).status_code == 200
    assert waits == [7.0]


def test_retry_after_as_an_http_date(scripted):
    server = scripted((503, {"Retry-After": formatdate(time.time() + 5, usegmt=True)}), (200, {}))
    waits: list[float] = []
    assert retry.call(lambda: httpx.get(server.url), policy(waits, max_delay=10)).status_code == 200
    assert len(waits) == 1 and 3.0 <= waits[0] <= 5.0


def test_retry_after_beyond_the_cap_gives_up_rather_than_coming_back_early(scripted):
    server = scripted((429, {"Retry-After": "120"}), (200, {}))
    waits: list[float] = []
    with pytest.raises(retry.GaveUp) as caught:
        retry.call(lambda: httpx.get(server.url), policy(waits, max_delay=30))
    assert server.hits == 1 and waits == []
    assert caught.value.status_code == 429 and caught.value.attempts == 1
    assert "120s exceeds the 30s cap" in caught.value.detail


def test_attempts_are_capped_and_the_last_answer_is_kept(scripted):
    server = scripted((503, {}))
    waits: list[float] = []
    with pytest.raises(retry.GaveUp) as caught:
        retry.call(lambda: httpx.get(server.url), policy(waits, attempts=3))
    assert server.hits == 3 and len(waits) == 2
    assert caught.value.attempts == 3 and caught.value.response.status_code == 503
    assert caught.value.detail == "HTTP 503 after 3 attempts"


def test_total_wait_is_capped(scripted):
    server = scripted((429, {"Retry-After": "4"}))
    waits: list[float] = []
    with pytest.raises(retry.GaveUp) as caught:
        retry.call(lambda: httpx.get(server.url), policy(waits, attempts=10, max_delay=5, max_total=10))
    assert waits == [4.0, 4.0] and server.hits == 3  # a third wait would make 12 s > 10 s
    assert "total cap" in caught.value.detail


def test_transport_errors_are_retried_then_reported():
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{sock.getsockname()[1]}/"
    waits: list[float] = []
    seen: list[tuple[int, str]] = []
    with pytest.raises(retry.GaveUp) as caught:
        retry.call(lambda: httpx.get(url), policy(waits, attempts=3),
                   on_retry=lambda attempt, wait, detail: seen.append((attempt, detail)))
    assert caught.value.attempts == 3 and isinstance(caught.value.exception, httpx.ConnectError)
    assert caught.value.response is None and caught.value.detail.startswith("ConnectError")
    assert [a for a, _ in seen] == [1, 2] and all(d.startswith("ConnectError") for _, d in seen)


def test_errors_that_would_fail_again_propagate_untouched():
    waits: list[float] = []
    with pytest.raises(httpx.UnsupportedProtocol):
        retry.call(lambda: httpx.get("ftp://127.0.0.1/"), policy(waits))
    assert waits == []


@pytest.mark.parametrize(("value", "expected"), [
    ("0", 0.0), (" 12 ", 12.0), (["3"], 3.0), ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0), ("soon", None), ("", None),
    (None, None), ("-5", None),
])
def test_retry_after_values(value, expected):
    assert retry.retry_after_seconds(value) == expected


def test_http_date_is_measured_from_now():
    assert retry.retry_after_seconds("Wed, 21 Oct 2015 07:28:30 GMT", now=1445412480.0) == 30.0


def test_a_bad_policy_is_refused():
    with pytest.raises(ValueError):
        retry.Policy(attempts=0)
