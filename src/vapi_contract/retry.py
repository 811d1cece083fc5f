"""The project's one retry policy, for every HTTP exchange it makes (spec fetch, webhook POST, contract transport).

What is retried is decided here and nowhere else: the infrastructure statuses 429/502/503/504 and transport
errors (connect/read/write failures, timeouts, proxy errors, a connection dropped mid-answer). Anything else is
an answer, returned to the caller at once. Waits grow exponentially with jitter; a `Retry-After` header (seconds
or HTTP date) replaces the computed wait. Both the number of attempts and the total time spent waiting are capped;
a `Retry-After` longer than the cap on one wait gives up at once rather than coming back before we are allowed.

    from vapi_contract import retry
    response = retry.call(lambda: client.get(url))            # default policy
    response = retry.call(send, retry.Policy(attempts=3))     # or a policy of your own
    except retry.GaveUp as exc: exc.attempts, exc.response, exc.exception, exc.detail

Built on tenacity, which runs the loop; this module only says what is retryable and how long to wait.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Any, TypeVar

import httpx
import tenacity

RETRY_STATUSES = frozenset({429, 502, 503, 504})
# Transient transport failures. Not httpx.UnsupportedProtocol / LocalProtocolError / InvalidURL: those are ours
# and would fail the same way again.
RETRY_EXCEPTIONS: tuple[type[BaseException], ...] = (
    httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError, httpx.ProxyError, ConnectionError,
)

R = TypeVar("R")


@dataclass(frozen=True)
class Policy:
    attempts: int = 4  # in all, the first included
    backoff: float = 0.5  # base of the first wait; doubles each retry, plus up to `backoff` of jitter
    max_delay: float = 30.0  # cap on one wait; a longer Retry-After gives up
    max_total: float = 60.0  # cap on all waits of one call together
    sleep: Callable[[float], None] = field(default=time.sleep, compare=False)
    rng: random.Random = field(default_factory=random.Random, compare=False, repr=False)

    def __post_init__(self):
        if self.attempts < 1 or self.backoff < 0 or self.max_delay < 0 or self.max_total < 0:
            raise ValueError(f"bad retry policy: {self}")


DEFAULT = Policy()


class GaveUp(Exception):
    """Every allowed attempt ended in a retryable outcome. `response` is the last answer (None when the last
    attempt raised), `exception` the last transport error (None when it answered), `detail` one line for humans."""

    def __init__(self, detail: str, attempts: int, response: Any = None, exception: BaseException | None = None):
        super().__init__(detail)
        self.detail = detail
        self.attempts = attempts
        self.response = response
        self.exception = exception

    @property
    def status_code(self) -> int | None:
        return getattr(self.response, "status_code", None)


def is_retryable_status(status: int | None) -> bool:
    return status in RETRY_STATUSES


def is_retryable_exception(exc: BaseException) -> bool:
    return isinstance(exc, RETRY_EXCEPTIONS)


def retry_after_seconds(value: Any, *, now: float | None = None) -> float | None:
    """Seconds asked for by a Retry-After value: delta-seconds or an HTTP date (a date in the past means 0)."""
    if isinstance(value, (list, tuple)):  # schemathesis keeps every header value in a list
        value = value[0] if value else None
    if value is None:
        return None
    value = str(value).strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # RFC 9110 dates are GMT
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def _header(response: Any, name: str) -> Any:
    headers = getattr(response, "headers", None)
    if not headers:
        return None
    value = headers.get(name)
    if value is None and isinstance(headers, dict):
        value = next((v for k, v in headers.items() if k.lower() == name.lower()), None)
    return value


def describe(response: Any = None, exception: BaseException | None = None) -> str:
    if exception is not None:
        text = str(exception).strip().splitlines()
        return f"{type(exception).__name__}: {text[-1][:200] if text else 'no detail'}"
    return f"HTTP {getattr(response, 'status_code', '?')}"


def call(send: Callable[[], R], policy: Policy | None = None, *,
         on_retry: Callable[[int, float, str], None] | None = None) -> R:
    """Run `send()` (one HTTP exchange) under `policy`; return the first non-retryable answer, raise GaveUp
    otherwise. Non-retryable exceptions propagate untouched. `on_retry(attempt, wait_s, detail)` is told before
    each wait."""
    policy = policy or DEFAULT
    refused: list[str] = []  # why the last stop happened early (a Retry-After beyond the caps)

    def outcome(state: tenacity.RetryCallState) -> tuple[Any, BaseException | None]:
        fut = state.outcome
        if fut.failed:
            return None, fut.exception()
        return fut.result(), None

    def retryable(state: tenacity.RetryCallState) -> bool:
        response, exc = outcome(state)
        if exc is not None:
            return is_retryable_exception(exc)
        return is_retryable_status(getattr(response, "status_code", None))

    def wait(state: tenacity.RetryCallState) -> float:
        response, _ = outcome(state)
        asked = retry_after_seconds(_header(response, "retry-after")) if response is not None else None
        if asked is not None:
            return asked
        base = policy.backoff * 2 ** (state.attempt_number - 1)
        return min(base + policy.rng.uniform(0, policy.backoff), policy.max_delay)

    def stop(state: tenacity.RetryCallState) -> bool:
        refused.clear()
        if state.attempt_number >= policy.attempts:
            return True
        if state.upcoming_sleep > policy.max_delay:
            refused.append(f"Retry-After {state.upcoming_sleep:.0f}s exceeds the {policy.max_delay:g}s cap")
            return True
        if state.idle_for + state.upcoming_sleep > policy.max_total:
            refused.append(f"waiting would exceed the {policy.max_total:g}s total cap")
            return True
        return False

    def gave_up(state: tenacity.RetryCallState):
        response, exc = outcome(state)
        detail = describe(response, exc)
        tries = f"after {state.attempt_number} attempt{'s' if state.attempt_number > 1 else ''}"
        detail = f"{detail} {tries}" + (f" ({refused[0]})" if refused else "")
        raise GaveUp(detail, state.attempt_number, response, exc)

    def before_sleep(state: tenacity.RetryCallState) -> None:
        if on_retry is not None:
            response, exc = outcome(state)
            on_retry(state.attempt_number, state.upcoming_sleep, describe(response, exc))

    retrying = tenacity.Retrying(stop=stop, wait=wait, retry=retryable, sleep=policy.sleep,
                                 before_sleep=before_sleep, retry_error_callback=gave_up)
    return retrying(send)
