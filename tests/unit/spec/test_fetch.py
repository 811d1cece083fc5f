"""Fetching from a real HTTP server on 127.0.0.1: retries, Retry-After, timeouts, ETags, bad replies."""

from __future__ import annotations

import gzip
import time

import pytest

from vapi_contract.errors import SpecSourceError
from vapi_contract.spec.fetch import FetchOptions, retry_after_seconds
from vapi_contract.spec.sources import load
from vapi_contract.spec.store import SnapshotStore


@pytest.fixture
def spec_bytes(fixtures) -> bytes:
    return (fixtures / "openapi31.json").read_bytes()


def _fails(url, match, **kwargs) -> str:
    with pytest.raises(SpecSourceError, match=match) as info:
        load(url, **kwargs)
    assert "\n" not in str(info.value) and info.value.exit_code == 2
    return str(info.value)


def test_plain_fetch_sends_bearer_token(spec_server, spec_bytes, monkeypatch, fast_fetch):
    monkeypatch.setenv("VAPI_API_KEY", "test-key-123")
    url = spec_server.route("/api-json", spec_server.Reply(200, spec_bytes, {"ETag": '"v1"'}))
    monkeypatch.setenv("VAPI_SPEC_URL", url)  # the configured spec host gets the key
    loaded = load(url, fetch_options=fast_fetch)
    assert loaded.document["openapi"] == "3.1.0" and loaded.origin == url and loaded.etag == '"v1"'
    assert spec_server.hits("/api-json")[0]["headers"]["Authorization"] == "Bearer test-key-123"


def test_no_authorization_header_without_key(spec_server, spec_bytes, fast_fetch):
    url = spec_server.route("/api-json", spec_server.Reply(200, spec_bytes))
    load(url, fetch_options=fast_fetch)
    assert "Authorization" not in spec_server.hits("/api-json")[0]["headers"]


def test_http_404_is_not_retried(spec_server, fast_fetch):
    url = spec_server.route("/api-json", spec_server.Reply(404, b"nope"))
    _fails(url, "HTTP 404", fetch_options=fast_fetch)
    assert len(spec_server.hits("/api-json")) == 1


def test_http_503_is_retried_then_reported(spec_server, fast_fetch):
    url = spec_server.route("/api-json", spec_server.Reply(503, b"busy"))
    message = _fails(url, "HTTP 503", fetch_options=fast_fetch)
    assert "after 3 attempts" in message and len(spec_server.hits("/api-json")) == 3


def test_http_500_is_an_answer_not_retried(spec_server, fast_fetch):
    """The project's one retry policy (retry.py) retries infrastructure statuses only: 429/502/503/504."""
    url = spec_server.route("/api-json", spec_server.Reply(500, b"boom"))
    _fails(url, "HTTP 500", fetch_options=fast_fetch)
    assert len(spec_server.hits("/api-json")) == 1


def test_5xx_then_success(spec_server, spec_bytes, fast_fetch):
    R = spec_server.Reply
    url = spec_server.route("/api-json", R(503, b""), R(502, b""), R(200, spec_bytes))
    assert load(url, fetch_options=fast_fetch).document["openapi"] == "3.1.0"
    assert len(spec_server.hits("/api-json")) == 3


def test_429_honours_retry_after(spec_server, spec_bytes):
    R = spec_server.Reply
    url = spec_server.route("/api-json", R(429, b"slow down", {"Retry-After": "1"}), R(200, spec_bytes))
    options = FetchOptions(timeout=2, retries=1, backoff=0.0, max_delay=5)
    started = time.monotonic()
    load(url, fetch_options=options)
    assert time.monotonic() - started >= 0.9  # waited as told, not the 0 s backoff
    assert len(spec_server.hits("/api-json")) == 2


def test_retry_after_beyond_the_cap_gives_up_at_once(spec_server, spec_bytes):
    """A Retry-After longer than max_delay is not shortened (that would come back before we are allowed)."""
    R = spec_server.Reply
    url = spec_server.route("/api-json", R(429, b"", {"Retry-After": "3600"}), R(200, spec_bytes))
    started = time.monotonic()
    message = _fails(url, "HTTP 429", fetch_options=FetchOptions(timeout=2, retries=1, backoff=0.0, max_delay=0.1))
    assert "Retry-After 3600s exceeds" in message
    assert time.monotonic() - started < 5 and len(spec_server.hits("/api-json")) == 1


def test_retry_after_formats():
    assert retry_after_seconds("7") == 7.0
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # in the past
    assert retry_after_seconds("soon") is None and retry_after_seconds(None) is None


def test_html_with_status_200(spec_server, fixtures, fast_fetch):
    url = spec_server.route("/api-json", spec_server.Reply(200, (fixtures / "page.html").read_bytes()))
    _fails(url, "HTML", fetch_options=fast_fetch)


def test_timeout(spec_server, spec_bytes):
    url = spec_server.route("/api-json", spec_server.Reply(200, spec_bytes, delay=1.5))
    _fails(url, "timed out after 0.3s", fetch_options=FetchOptions(timeout=0.3, retries=0))


def test_connection_refused(closed_port_url, fast_fetch):
    message = _fails(closed_port_url, "connection refused", fetch_options=fast_fetch)
    assert "after 3 attempts" in message


def test_unauthorized_hints_at_api_key(spec_server, fast_fetch):
    url = spec_server.route("/api-json", spec_server.Reply(401, b""))
    _fails(url, "HTTP 401.*VAPI_API_KEY", fetch_options=fast_fetch)


def test_gzip_body_and_truncated_gzip_body(spec_server, spec_bytes, fast_fetch):
    packed = gzip.compress(spec_bytes)
    url = spec_server.route("/spec.json.gz", spec_server.Reply(200, packed))
    assert load(url, fetch_options=fast_fetch).document["openapi"] == "3.1.0"
    bad = spec_server.route("/bad.json.gz", spec_server.Reply(200, packed[:40]))
    _fails(bad, "truncated gzip", fetch_options=fast_fetch)


def test_invalid_json_body(spec_server, fast_fetch):
    url = spec_server.route("/api-json", spec_server.Reply(200, b'{"openapi": "3.0.0",'))
    _fails(url, "invalid JSON", fetch_options=fast_fetch)


def test_conditional_get_with_remembered_etag(spec_server, spec_bytes, tmp_path, fast_fetch):
    R = spec_server.Reply
    store = SnapshotStore(tmp_path / "store")
    url = spec_server.route("/api-json", R(200, spec_bytes, {"ETag": '"abc"'}), R(304, b"", {"ETag": '"abc"'}))
    entry, created = store.add(load(url, store=store, fetch_options=fast_fetch))
    assert created and store.etag_for(url) == ('"abc"', entry.id)

    again = load(url, store=store, fetch_options=fast_fetch)
    assert spec_server.hits("/api-json")[1]["headers"]["If-None-Match"] == '"abc"'
    assert again.unchanged and again.snapshot_id == entry.id and again.document["openapi"] == "3.1.0"
    same, created = store.add(again)
    assert not created and same.id == entry.id and len(store.entries()) == 1


def test_no_conditional_get_without_store_memory(spec_server, spec_bytes, tmp_path, fast_fetch):
    url = spec_server.route("/api-json", spec_server.Reply(200, spec_bytes, {"ETag": '"abc"'}))
    load(url, store=SnapshotStore(tmp_path / "store"), fetch_options=fast_fetch)
    assert "If-None-Match" not in spec_server.hits("/api-json")[0]["headers"]


def test_failed_fetch_leaves_store_untouched(spec_server, tmp_path, fast_fetch):
    store = SnapshotStore(tmp_path / "store")
    url = spec_server.route("/api-json", spec_server.Reply(500, b""))
    with pytest.raises(SpecSourceError):
        store.add(load(url, store=store, fetch_options=fast_fetch))
    assert not store.root.exists()
