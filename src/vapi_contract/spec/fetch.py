"""HTTP(S) download of a published spec: bearer auth, a deadline per attempt, retries, conditional GET.

Retries follow the project's one policy (`vapi_contract.retry`: 429/502/503/504 and transport errors, with
jittered backoff and Retry-After). Each attempt as a whole (connect, headers, body) must finish within
`timeout`, so a server trickling a byte every few seconds cannot hold a job. The body is inflated here (any
Content-Encoding) with the same byte cap as every other source. Only `fetch()` touches the network, only the
URL it is given, and every message it raises shows that URL redacted (`urls.redact_url`).
"""

from __future__ import annotations

import math
import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass

from ..errors import SpecSourceError
from .limits import Inflater, Limits, SpecConfigError, mb
from .urls import redact_text, redact_url

USER_AGENT = "vapi-contract (spec fetch)"
_HEADER_TOKEN = re.compile(r"^[\x21-\x7e]+$")  # visible ASCII: what a bearer token can be
_HEADER_TEXT = re.compile(r"^[\x20-\x7e]{1,512}$")  # an ETag we can send back
MAX_REDIRECTS = 10


@dataclass(frozen=True)
class FetchOptions:
    timeout: float = 30.0  # seconds, for each attempt as a whole (connect, headers and body)
    retries: int = 3  # extra attempts after the first
    backoff: float = 1.0  # base delay before the first retry; doubles each time (plus jitter)
    max_delay: float = 60.0  # cap on any single wait; a longer Retry-After gives up
    max_total: float = 180.0  # cap on all waits of one fetch together

    def __post_init__(self):
        for name in ("timeout", "backoff", "max_delay", "max_total"):
            value = getattr(self, name)
            if not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
                raise SpecConfigError(f"spec fetch {name} must be a finite number >= 0, not {value!r}")
        if self.timeout <= 0:
            raise SpecConfigError(f"spec fetch timeout must be > 0 seconds, not {self.timeout!r}")
        if not isinstance(self.retries, int) or self.retries < 0:
            raise SpecConfigError(f"spec fetch retries must be a whole number >= 0, not {self.retries!r}")

    @classmethod
    def from_env(cls) -> FetchOptions:
        """VAPI_SPEC_TIMEOUT / VAPI_SPEC_RETRIES / VAPI_SPEC_BACKOFF override the defaults."""
        values: dict[str, float | int] = {}
        for env, name, kind in (("VAPI_SPEC_TIMEOUT", "timeout", float), ("VAPI_SPEC_RETRIES", "retries", int),
                                ("VAPI_SPEC_BACKOFF", "backoff", float)):
            text = os.environ.get(env, "").strip()
            if not text:
                continue
            try:
                values[name] = kind(text)
            except ValueError:
                raise SpecConfigError(f"{env}={text!r} is not a {'whole ' if kind is int else ''}number") from None
            bad = not math.isfinite(values[name]) or values[name] < 0 or (name == "timeout" and values[name] == 0)
            if bad:
                raise SpecConfigError(f"{env}={text!r} must be a finite number {'> 0' if name == 'timeout' else '>= 0'}")
        return cls(**values)


@dataclass
class FetchResult:
    status: int  # 200, or 304 when the server confirmed our ETag
    body: bytes  # after Content-Encoding (a gzip *file* served as-is is still gzip here)
    etag: str | None
    url: str  # final URL after redirects, redacted


@dataclass
class _Answer:  # what one attempt got; `retry` looks at status_code and headers
    status_code: int
    reason: str
    headers: object
    body: bytes
    url: str


def is_url(source: str) -> bool:
    return source.lower().startswith(("http://", "https://"))


def retry_after_seconds(value: str | None) -> float | None:
    from ..retry import retry_after_seconds as parse

    return parse(value)


def fetch(
    url: str,
    *,
    etag: str | None = None,
    api_key: str | None = None,
    options: FetchOptions | None = None,
    limits: Limits | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> FetchResult:
    import httpx

    from .. import retry

    options = options or FetchOptions.from_env()
    limits = limits or Limits.from_env()
    shown = redact_url(url)
    _check_url(url, shown)
    if api_key and not _HEADER_TOKEN.match(api_key):  # never echoed: an error message would carry the key
        raise SpecConfigError("VAPI_API_KEY holds characters an HTTP header cannot carry "
                              "(whitespace, control or non-ASCII characters)")
    headers = {"Accept": "application/json, application/yaml;q=0.9, */*;q=0.1", "User-Agent": USER_AGENT,
               "Accept-Encoding": "gzip, deflate"}
    if api_key:
        headers["Authorization"] = f"Bearer {api_key}"
    if etag and not _HEADER_TEXT.match(etag):
        etag = None  # a server's odd ETag (non-ASCII, controls) cannot be sent back: fetch unconditionally
    if etag:
        headers["If-None-Match"] = etag
    policy = retry.Policy(attempts=options.retries + 1, backoff=options.backoff, max_delay=options.max_delay,
                          max_total=options.max_total, sleep=sleep)
    try:
        answer = retry.call(lambda: _run_attempt(url, headers, options, limits, shown), policy)
    except retry.GaveUp as exc:
        raise SpecSourceError(f"{shown}: {_gave_up(exc, options)}") from None
    except httpx.TooManyRedirects:
        raise SpecSourceError(f"{shown}: more than {MAX_REDIRECTS} redirects (a redirect loop?)") from None
    except (httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:
        raise SpecSourceError(f"{shown}: invalid URL ({redact_text(str(exc))})") from None
    except httpx.HTTPError as exc:  # anything else httpx refuses (a malformed answer, a protocol error)
        detail = _reason(exc).replace(api_key, "***") if api_key else _reason(exc)
        raise SpecSourceError(f"{shown}: {type(exc).__name__} ({detail})") from None
    final = redact_url(answer.url)
    if answer.status_code == 304 and etag:
        return FetchResult(304, b"", etag, final)
    if 200 <= answer.status_code < 300:
        new_etag = answer.headers.get("etag")
        return FetchResult(answer.status_code, answer.body, new_etag if new_etag and _HEADER_TEXT.match(new_etag)
                           else None, final)
    problem = f"HTTP {answer.status_code} {answer.reason}".rstrip()
    raise SpecSourceError(f"{shown}: {problem}{_hint(answer.status_code)}")


def _check_url(url: str, shown: str) -> None:
    """What httpx would only find mid-connect (a port beyond 65535 ends in OverflowError deep in asyncio)."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError when out of range or not a number
    except ValueError as exc:
        raise SpecSourceError(f"{shown}: invalid URL ({exc})") from None
    if not parts.hostname:
        raise SpecSourceError(f"{shown}: invalid URL (no host)")


def _run_attempt(url, headers, options: FetchOptions, limits: Limits, shown: str) -> _Answer:
    """One attempt under one deadline. The sync httpx client bounds each read, not the whole; an asyncio
    deadline cancels the attempt wherever it is (connect, headers, a trickling body)."""
    import asyncio  # here, not at the top: every load() imports this module for is_url()

    import httpx

    async def bounded() -> _Answer:
        try:
            return await asyncio.wait_for(_attempt(url, headers, options, limits, shown), options.timeout)
        except asyncio.TimeoutError:
            raise httpx.ReadTimeout(f"no complete answer within {options.timeout:g}s") from None

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(bounded())
    # Called from inside an event loop (a server handler): run the attempt on a thread with its own loop.
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="spec-fetch") as pool:
        return pool.submit(asyncio.run, bounded()).result()


async def _attempt(url, headers, options: FetchOptions, limits: Limits, shown: str) -> _Answer:
    import httpx

    client = httpx.AsyncClient(timeout=options.timeout, follow_redirects=True, max_redirects=MAX_REDIRECTS,
                               headers=headers)
    async with client, client.stream("GET", url) as response:
        body = b""
        if 200 <= response.status_code < 300:
            body = await _read_body(response, limits, shown)
        return _Answer(response.status_code, response.reason_phrase, response.headers, body, str(response.url))


async def _read_body(response, limits: Limits, shown: str) -> bytes:
    """The body undone from its Content-Encoding, stopping at the byte cap on both sides of the inflate."""
    encodings = [e.strip().lower() for e in response.headers.get("content-encoding", "").split(",")]
    encodings = [e for e in encodings if e and e != "identity"]
    unknown = [e for e in encodings if e not in ("gzip", "x-gzip", "deflate")]
    if unknown:
        raise SpecSourceError(f"{shown}: unsupported Content-Encoding {', '.join(unknown)}")
    if len(encodings) > 1:
        raise SpecSourceError(f"{shown}: more than one Content-Encoding ({', '.join(encodings)})")
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limits.max_bytes:
        raise SpecSourceError(f"{shown}: response of {declared} bytes is larger than {mb(limits.max_bytes)} "
                              "(VAPI_SPEC_MAX_BYTES)")
    inflater = Inflater(f"{shown} (Content-Encoding {encodings[0]})", limits) if encodings else None
    chunks, size = [], 0
    async for chunk in response.aiter_raw():
        size += len(chunk)
        if size > limits.max_bytes:
            raise SpecSourceError(f"{shown}: response larger than {mb(limits.max_bytes)} (VAPI_SPEC_MAX_BYTES)")
        if inflater is not None:
            inflater.feed(chunk)
        else:
            chunks.append(chunk)
    return inflater.finish() if inflater is not None else b"".join(chunks)


def _gave_up(exc, options: FetchOptions) -> str:
    import httpx

    tries = f" after {exc.attempts} attempts" if exc.attempts > 1 else ""
    error = exc.exception
    if error is None:
        answer = exc.response
        problem = f"HTTP {answer.status_code} {answer.reason}".rstrip()
        extra = exc.detail.partition(" (")[2]  # e.g. "Retry-After 3600s exceeds the 60s cap)"
        return problem + tries + (f" ({extra}" if extra else "")
    if isinstance(error, httpx.TimeoutException):
        return f"timed out after {options.timeout:g}s{tries}"
    if isinstance(error, httpx.ConnectError):
        return f"cannot connect ({_reason(error)}){tries}"
    return f"transport error ({_reason(error)}){tries}"


def _reason(exc: BaseException) -> str:
    cause: BaseException | None = exc
    for _ in range(8):  # async httpx wraps the OS error ("All connection attempts failed")
        if cause is None:
            break
        if isinstance(cause, ConnectionRefusedError) or "refused" in str(cause).lower():
            return "connection refused"
        cause = cause.__cause__ or cause.__context__
    text = str(exc).strip() or type(exc).__name__
    return redact_text(text.splitlines()[-1][:200])


def _hint(status: int) -> str:
    if status in (401, 403):
        return " (check VAPI_API_KEY)"
    return ""
