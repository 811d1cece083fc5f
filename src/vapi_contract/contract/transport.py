"""Every request of the suite goes through `Client`: one keep-alive session, a request budget, a rate limit,
and retries with backoff (honouring 429 Retry-After) for infrastructure trouble before anything is concluded."""

from __future__ import annotations

import time
from dataclasses import dataclass

import requests

from .budget import OperationCut

RETRY_STATUS = frozenset({429, 502, 503, 504})
TIMEOUT_S = 30.0


class RequestBudgetExhausted(OperationCut):
    """The run's request budget is spent: like a time budget, it stops the operation (a BaseException, so
    hypothesis does not try to shrink it) and the operation is reported as not fully tested."""


class InfraError(Exception):
    """The target did not answer usefully after every retry (connection refused/reset, timeout, 429/5xx burst)."""

    def __init__(self, message: str, status_code: int | None = None, response=None):
        super().__init__(message)
        self.status_code = status_code
        self.response = response


@dataclass
class Stats:
    sent: int = 0
    retried: int = 0


class Client:
    def __init__(self, base_url: str, *, request_budget: int = 0, rate_limit: float = 0.0, retries: int = 3,
                 backoff_s: float = 0.5, timeout_s: float = TIMEOUT_S):
        self.base_url = base_url.rstrip("/")
        self.session = requests.Session()
        self.session.trust_env = False  # never a proxy from the environment: traffic stays where we point it
        self.request_budget = request_budget
        self.min_interval = 1.0 / rate_limit if rate_limit > 0 else 0.0
        self.retries = retries
        self.backoff_s = backoff_s
        self.timeout_s = timeout_s
        self.stats = Stats()
        self._last = 0.0

    def _pace(self) -> None:
        if self.request_budget and self.stats.sent >= self.request_budget:
            raise RequestBudgetExhausted(f"request budget of {self.request_budget} requests (this worker) exhausted")
        if self.min_interval:
            wait = self._last + self.min_interval - time.monotonic()
            if wait > 0:
                time.sleep(wait)
        self._last = time.monotonic()
        self.stats.sent += 1

    def _retry_delay(self, attempt: int, response=None) -> float:
        headers = getattr(response, "headers", None) or {}
        after = headers.get("Retry-After") or headers.get("retry-after")
        if isinstance(after, list):  # schemathesis responses keep every header value in a list
            after = after[0] if after else None
        if after:
            try:
                return min(float(after), 30.0)
            except ValueError:
                pass
        return self.backoff_s * (2 ** attempt)

    def with_retries(self, send):
        """Call `send()` (one HTTP exchange) until it gives a non-infra answer; raise InfraError otherwise."""
        last_error = None
        for attempt in range(self.retries + 1):
            self._pace()
            try:
                response = send()
            except (requests.ConnectionError, requests.Timeout) as exc:
                last_error = InfraError(f"{type(exc).__name__}: {str(exc)[:200]}")
            else:
                if response.status_code not in RETRY_STATUS:
                    return response
                last_error = InfraError(f"HTTP {response.status_code} after {attempt + 1} attempts",
                                        response.status_code, response)
                if attempt < self.retries:
                    self.stats.retried += 1
                    time.sleep(self._retry_delay(attempt, response))
                continue
            if attempt < self.retries:
                self.stats.retried += 1
                time.sleep(self._retry_delay(attempt))
        raise last_error

    def call(self, case, headers: dict[str, str]):
        """Send a schemathesis case (schemathesis serializes it) with retries."""
        return self.with_retries(lambda: case.call(base_url=self.base_url, session=self.session, headers=headers,
                                                   timeout=self.timeout_s))

    def request(self, method: str, path: str, *, headers: dict[str, str] | None = None, json=None,
                params=None, files=None, data=None) -> requests.Response:
        url = self.base_url + path
        return self.with_retries(lambda: self.session.request(method, url, headers=headers, json=json, params=params,
                                                              files=files, data=data, timeout=self.timeout_s))
