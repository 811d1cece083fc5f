"""Every request of the suite goes out through httpx: fuzzed cases, replays, lifecycle and behaviour requests,
harvesting reads, auth probes, teardown, the janitor, and the control requests schemathesis' checks send with our
session. Each one first takes a slot of the run-wide rate limit and a unit of the run-wide request budget
(budget.RequestLimits, shared by every xdist worker), and infrastructure trouble is retried under the project's
one policy (vapi_contract.retry) before anything is concluded.

schemathesis 4.32 serializes a case for exactly one HTTP client, `requests` (its only network transport), and
runs its hooks, metadata freezing and same-host redirect rule around that. We keep all of it by calling
`case.call` with a `requests.Session` on which `HttpxAdapter` is mounted: requests only prepares the bytes (URL,
headers, body, cookies), httpx sends them. The environment is honoured like any httpx client: HTTP(S)_PROXY,
ALL_PROXY, NO_PROXY, SSL_CERT_FILE/SSL_CERT_DIR, and REQUESTS_CA_BUNDLE/CURL_CA_BUNDLE for CI set up for requests.

Not through here: the no-auth/invalid-auth re-sends of schemathesis' `ignored_auth` check, which drops the
session on purpose (no credential of ours may ride along) and sends with a fresh requests session of its own.
That check runs per case on the twin only; on a live target our own auth probes (through here) replace it.
"""

from __future__ import annotations

import io
import os
import ssl
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import requests
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict
from requests.utils import get_encoding_from_headers
from schemathesis.transport.requests import SameHostRedirectsSession
from urllib3 import HTTPHeaderDict, HTTPResponse

from .. import retry
from .budget import LIMITS_FILE, RequestBudgetExhausted, RequestLimits

__all__ = ["RETRY_STATUS", "Client", "HttpxAdapter", "InfraError", "RequestBudgetExhausted"]

RETRY_STATUS = retry.RETRY_STATUSES
TIMEOUT_S = 30.0
# An event stream may never end: read it for at most the read timeout and this many bytes, like schemathesis does.
STREAM_CAP_BYTES = 4 * 1024 * 1024


class InfraError(Exception):
    """The target did not answer usefully after every retry (connection refused/reset, timeout, 429/5xx burst)."""

    def __init__(self, message: str, status_code: int | None = None, response=None):
        super().__init__(message)
        self.status_code = status_code
        self.response = response


@dataclass
class Stats:
    sent: int = 0  # requests this process sent (redirect hops, retries and probes included)
    retried: int = 0


def ca_bundle() -> str | None:
    """A CA bundle named for requests-based tooling, when httpx' own SSL_CERT_FILE/SSL_CERT_DIR are not set."""
    if os.environ.get("SSL_CERT_FILE") or os.environ.get("SSL_CERT_DIR"):
        return None
    return os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE") or None


def _timeout(value) -> httpx.Timeout:
    if isinstance(value, tuple):
        connect, read = value
        return httpx.Timeout(read, connect=connect)
    return httpx.Timeout(value if value is not None else TIMEOUT_S)


def _wire_headers(headers) -> list[tuple[bytes, bytes]]:
    """Header values as http.client would put them on the wire (latin-1), not httpx's ASCII-only default."""
    def raw(value) -> bytes:
        if isinstance(value, bytes):
            return value
        try:
            return str(value).encode("latin-1")
        except UnicodeEncodeError:
            return str(value).encode("utf-8")

    return [(raw(name), raw(value)) for name, value in headers.items()]


def _body(body) -> bytes | None:
    if body is None or isinstance(body, bytes):
        return body
    if isinstance(body, str):
        return body.encode("latin-1", errors="strict") if body.isascii() else body.encode("utf-8")
    if hasattr(body, "read"):
        return body.read()
    return b"".join(body)  # an iterable of chunks


class HttpxAdapter(BaseAdapter):
    """A requests transport adapter whose wire is an httpx.Client (one per TLS setting, keep-alive, env-aware).
    Every request it sends first passes `before_send` (rate limit, budget, counting)."""

    def __init__(self, before_send=None, *, trust_env: bool = True):
        super().__init__()
        self.before_send = before_send
        self.trust_env = trust_env
        self._clients: dict[tuple, httpx.Client] = {}

    def client(self, verify=True, cert=None, proxy: str | None = None) -> httpx.Client:
        """The client for these TLS settings; `proxy` is an explicit one (schemathesis' config), else the env's."""
        key = (verify if isinstance(verify, (bool, str)) else id(verify), cert if not isinstance(cert, list) else
               tuple(cert), proxy)
        client = self._clients.get(key)
        if client is None:
            if verify is True and self.trust_env and ca_bundle():
                verify = ssl.create_default_context(cafile=ca_bundle())
            elif isinstance(verify, str):
                verify = (ssl.create_default_context(capath=verify) if Path(verify).is_dir()
                          else ssl.create_default_context(cafile=verify))
            client = httpx.Client(verify=verify, cert=cert, proxy=proxy, trust_env=self.trust_env,
                                  follow_redirects=False,
                                  timeout=TIMEOUT_S, limits=httpx.Limits(max_keepalive_connections=8))
            self._clients[key] = client
        return client

    def send(self, request: requests.PreparedRequest, stream=False, timeout=None, verify=True, cert=None,
             proxies=None) -> requests.Response:
        if self.before_send is not None:
            self.before_send()
        proxies = proxies or {}
        client = self.client(verify, cert, proxies.get("all") or proxies.get(request.url.split(":", 1)[0]))
        outgoing = client.build_request(request.method, request.url, headers=_wire_headers(request.headers),
                                        content=_body(request.body), timeout=_timeout(timeout))
        answer = client.send(outgoing, stream=True)
        try:
            if "text/event-stream" in answer.headers.get("content-type", ""):
                raw_body = _read_stream(answer, _timeout(timeout).read or TIMEOUT_S)
                content = None  # schemathesis reads the event stream from `raw` itself
            else:
                raw_body, content = b"", answer.read()
        finally:
            answer.close()
        return self.build_response(request, answer, raw_body, content)

    def build_response(self, request, answer: httpx.Response, raw_body: bytes, content) -> requests.Response:
        response = requests.Response()
        response.status_code = answer.status_code
        response.headers = CaseInsensitiveDict(answer.headers)
        response.raw = HTTPResponse(body=io.BytesIO(raw_body), headers=HTTPHeaderDict(answer.headers.multi_items()),
                                    status=answer.status_code, reason=answer.reason_phrase, preload_content=False,
                                    version=10 if answer.http_version == "HTTP/1.0" else 11,
                                    decode_content=True, request_method=request.method)
        response.reason = answer.reason_phrase
        response.url = request.url
        response.encoding = get_encoding_from_headers(response.headers)
        response.request = request
        response.connection = self
        response.elapsed = answer.elapsed
        if content is not None:
            response._content, response._content_consumed = content, True
        return response

    def close(self) -> None:
        for client in self._clients.values():
            client.close()
        self._clients.clear()


def _read_stream(answer: httpx.Response, seconds: float) -> bytes:
    chunks, size, deadline = [], 0, time.monotonic() + seconds
    for chunk in answer.iter_raw():
        chunks.append(chunk)
        size += len(chunk)
        if size >= STREAM_CAP_BYTES or time.monotonic() >= deadline:
            break
    return b"".join(chunks)


class Client:
    """The suite's HTTP client. `limits` (a budget.RequestLimits) is shared by every worker of a run when it has
    a path (see `for_run`); `request_budget`/`rate_limit` build a process-local one (janitor, tests)."""

    def __init__(self, base_url: str, *, request_budget: int = 0, rate_limit: float = 0.0,
                 limits: RequestLimits | None = None, policy: retry.Policy | None = None,
                 timeout_s: float = TIMEOUT_S, trust_env: bool = True):
        self.base_url = base_url.rstrip("/")
        self.limits = limits or RequestLimits(request_budget, rate_limit)
        self.policy = policy or retry.Policy(attempts=4, backoff=0.5, max_delay=30.0, max_total=60.0)
        self.timeout_s = timeout_s
        self.stats = Stats()
        self.adapter = HttpxAdapter(self._before_send, trust_env=trust_env)
        # schemathesis' own session class: redirects are followed within the same host only, as in `case.call`
        self.session = SameHostRedirectsSession()
        self.session.trust_env = False  # the environment is httpx's business (proxies, CA), not requests'
        self.session.mount("http://", self.adapter)
        self.session.mount("https://", self.adapter)

    @classmethod
    def for_run(cls, ctx, **kwargs) -> Client:
        """The client of one worker of a run: budget and rate are the run's (this shard's share), held across
        all its workers through a file in the run dir."""
        budget, rate = ctx.run_options.limits()
        limits = RequestLimits(budget, rate, Path(ctx.run_dir) / LIMITS_FILE)
        return cls(ctx.base_url, limits=limits, **kwargs)

    @property
    def request_budget(self) -> int:
        return self.limits.budget

    def _before_send(self) -> None:
        self.limits.acquire()
        self.stats.sent += 1

    def with_retries(self, send):
        """Call `send()` (one HTTP exchange) until it gives a non-infra answer; raise InfraError otherwise."""
        def on_retry(attempt, wait, detail):
            self.stats.retried += 1

        try:
            return retry.call(send, self.policy, on_retry=on_retry)
        except retry.GaveUp as exc:
            raise InfraError(exc.detail, exc.status_code, exc.response) from None

    def call(self, case, headers: dict[str, str]):
        """Send a schemathesis case (schemathesis serializes it, httpx sends it) with retries."""
        return self.with_retries(lambda: case.call(base_url=self.base_url, session=self.session, headers=headers,
                                                   timeout=self.timeout_s))

    def request(self, method: str, path: str, *, headers: dict[str, str] | None = None, json=None,
                params=None, files=None, data=None) -> requests.Response:
        url = self.base_url + path
        return self.with_retries(lambda: self.session.request(method, url, headers=headers, json=json, params=params,
                                                              files=files, data=data, timeout=self.timeout_s))

    def close(self) -> None:
        self.adapter.close()
        self.session.close()
        self.limits.close()
