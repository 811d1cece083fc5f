"""HTTP(S) download of a published spec: bearer auth, timeouts, retries with backoff, conditional GET.

Retried: connection errors, timeouts, 429 (honouring Retry-After) and 5xx. Everything else fails at once
with one line. Only `fetch()` touches the network, and only the URL it is given.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass

from ..errors import SpecSourceError

RETRY_STATUSES = {429, 500, 502, 503, 504}
USER_AGENT = "vapi-contract (spec fetch)"


@dataclass(frozen=True)
class FetchOptions:
    timeout: float = 30.0  # seconds, per attempt (connect, read, write, pool)
    retries: int = 3  # extra attempts after the first
    backoff: float = 1.0  # delay before the first retry; doubles each time
    max_delay: float = 60.0  # cap on any single wait, Retry-After included
    max_bytes: int = 128 * 1024 * 1024  # a spec larger than this is not a spec

    @classmethod
    def from_env(cls) -> FetchOptions:
        """VAPI_SPEC_TIMEOUT / VAPI_SPEC_RETRIES / VAPI_SPEC_BACKOFF override the defaults."""
        try:
            return cls(
                timeout=float(os.environ.get("VAPI_SPEC_TIMEOUT", cls.timeout)),
                retries=int(os.environ.get("VAPI_SPEC_RETRIES", cls.retries)),
                backoff=float(os.environ.get("VAPI_SPEC_BACKOFF", cls.backoff)),
            )
        except ValueError as exc:
            raise SpecSourceError(f"bad VAPI_SPEC_TIMEOUT/RETRIES/BACKOFF value: {exc}") from None


@dataclass
class FetchResult:
    status: int  # 200, or 304 when the server confirmed our ETag
    body: bytes
    etag: str | None
    url: str  # final URL after redirects


def is_url(source: str) -> bool:
    return source.lower().startswith(("http://", "https://"))


def retry_after_seconds(value: str | None) -> float | None:
    """Retry-After is either delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    from email.utils import parsedate_to_datetime

    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def fetch(
    url: str,
    *,
    etag: str | None = None,
    api_key: str | None = None,
    options: FetchOptions | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> FetchResult:
    import httpx

    options = options or FetchOptions.from_env()
    headers = {"Accept": "application/json, application/yaml;q=0.9, */*;q=0.1", "User-Agent": USER_AGENT}
    if api_key:
        headers["Authorization"] = f"Bearer {api_key}"
    if etag:
        headers["If-None-Match"] = etag
    attempts = options.retries + 1
    problem = ""
    with httpx.Client(timeout=options.timeout, follow_redirects=True, headers=headers) as client:
        for attempt in range(1, attempts + 1):
            delay = min(options.backoff * 2 ** (attempt - 1), options.max_delay)
            try:
                response, body = _get(client, url, options.max_bytes)
            except httpx.TimeoutException:
                problem = f"timed out after {options.timeout:g}s"
            except httpx.ConnectError as exc:
                problem = f"cannot connect ({_reason(exc)})"
            except httpx.TransportError as exc:
                problem = f"transport error ({_reason(exc)})"
            except httpx.InvalidURL as exc:
                raise SpecSourceError(f"{url}: invalid URL ({exc})") from None
            else:
                if response.status_code == 304 and etag:
                    return FetchResult(304, b"", etag, str(response.url))
                if 200 <= response.status_code < 300:
                    return FetchResult(response.status_code, body, response.headers.get("etag"), str(response.url))
                problem = f"HTTP {response.status_code} {response.reason_phrase}".rstrip()
                if response.status_code not in RETRY_STATUSES:
                    raise SpecSourceError(f"{url}: {problem}{_hint(response.status_code)}")
                waited = retry_after_seconds(response.headers.get("retry-after"))
                if waited is not None:
                    delay = min(waited, options.max_delay)
            if attempt < attempts:
                sleep(delay)
    tries = f" after {attempts} attempts" if attempts > 1 else ""
    raise SpecSourceError(f"{url}: {problem}{tries}")


def _get(client, url: str, max_bytes: int):
    """GET that refuses absurdly large bodies instead of filling memory."""
    with client.stream("GET", url) as response:
        chunks, size = [], 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > max_bytes:
                raise SpecSourceError(f"{url}: response larger than {max_bytes} bytes")
            chunks.append(chunk)
    return response, b"".join(chunks)


def _reason(exc: Exception) -> str:
    text = str(exc).strip() or type(exc).__name__
    if "refused" in text.lower():
        return "connection refused"
    return text.splitlines()[-1][:200]


def _hint(status: int) -> str:
    if status in (401, 403):
        return " (check VAPI_API_KEY)"
    return ""
