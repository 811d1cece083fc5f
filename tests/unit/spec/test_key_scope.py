"""Where VAPI_API_KEY goes (issue 12 item 3) and what of a URL is kept (issue 11 item 3).

The key reaches only the configured spec origin, the target (VAPI_BASE_URL or a caller's --target) and the
origins in VAPI_API_KEY_HOSTS; every other spec URL is fetched without it and says so in one line. Credentials
inside a URL are used for the request and never kept, printed or passed on. Real servers on 127.0.0.1.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from vapi_contract.spec.sources import load
from vapi_contract.spec.urls import key_allowed, redact_text, redact_url

KEY = "sk-live-0123456789abcdef0123"


@pytest.fixture
def second_server(spec_server):
    server = type(spec_server)()  # the same scripted server on another port: another origin
    server.thread.start()
    yield server
    server.httpd.shutdown()
    server.httpd.server_close()


def _auth(server, path="/api-json"):
    return [hit["headers"].get("Authorization") for hit in server.hits(path)]


def _origin(server) -> str:
    return server.url("")


@pytest.fixture
def keyed(monkeypatch):
    monkeypatch.setenv("VAPI_API_KEY", KEY)


def test_key_is_not_sent_to_an_unlisted_host_and_says_so(spec_server, spec_bytes_min, keyed, capsys):
    url = spec_server.route("/api-json", spec_server.Reply(200, spec_bytes_min))
    load(url)
    assert _auth(spec_server) == [None]
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "VAPI_API_KEY not sent to http://127.0.0.1:" in err
    assert "VAPI_API_KEY_HOSTS" in err and KEY not in err


@pytest.mark.parametrize("how", ["spec-url", "base-url", "allow-list", "caller-target"])
def test_key_reaches_each_allowed_origin(spec_server, spec_bytes_min, keyed, monkeypatch, how):
    url = spec_server.route("/api-json", spec_server.Reply(200, spec_bytes_min))
    hosts = ()
    if how == "spec-url":
        monkeypatch.setenv("VAPI_SPEC_URL", url)
    elif how == "base-url":
        monkeypatch.setenv("VAPI_BASE_URL", _origin(spec_server))
    elif how == "allow-list":
        monkeypatch.setenv("VAPI_API_KEY_HOSTS", f"staging.example.com, {_origin(spec_server)}")
    else:
        hosts = (_origin(spec_server) + "/v1",)
    load(url, key_hosts=hosts)
    assert _auth(spec_server) == [f"Bearer {KEY}"]


def test_same_host_other_port_or_scheme_is_another_origin(spec_server, second_server, spec_bytes_min, keyed,
                                                          monkeypatch):
    monkeypatch.setenv("VAPI_SPEC_URL", spec_server.url("/api-json"))
    url = second_server.route("/api-json", second_server.Reply(200, spec_bytes_min))
    load(url)
    assert _auth(second_server) == [None]
    assert key_allowed("https://api.vapi.ai/api-json")  # defaults: the published spec and the API
    assert not key_allowed("http://api.vapi.ai/api-json")  # never over plain http unless listed so
    assert not key_allowed("https://api.vapi.ai.evil.example/api-json")
    assert not key_allowed("https://api.vapi.ai@evil.example/api-json")


def test_redirect_from_an_allowed_origin_drops_the_key(spec_server, second_server, spec_bytes_min, keyed,
                                                       monkeypatch):
    elsewhere = second_server.route("/spec.json", second_server.Reply(200, spec_bytes_min))
    url = spec_server.route("/api-json", spec_server.Reply(302, b"", {"Location": elsewhere}))
    monkeypatch.setenv("VAPI_SPEC_URL", url)
    assert load(url).document["openapi"] == "3.0.3"
    assert _auth(spec_server) == [f"Bearer {KEY}"] and _auth(second_server, "/spec.json") == [None]


def test_diff_and_gate_candidate_urls_never_see_the_key(spec_server, spec_bytes_min, fixtures, tmp_path):
    """The commands the issue names, end to end: `diff URL FILE` and `spec fetch --source URL`."""
    url = spec_server.route("/candidate.json", spec_server.Reply(200, spec_bytes_min))
    env = {**os.environ, "VAPI_API_KEY": KEY, "VAPI_CONTRACT_STORE": str(tmp_path / "store")}
    for argv in (["diff", url, str(fixtures / "openapi31.json")], ["spec", "fetch", "--source", url]):
        proc = subprocess.run([sys.executable, "-m", "vapi_contract.cli", *argv], capture_output=True, text=True,
                              env=env, timeout=120, check=False)
        assert "VAPI_API_KEY not sent" in proc.stderr and KEY not in proc.stderr + proc.stdout, proc
    assert _auth(spec_server, "/candidate.json") == [None, None]


# -- credentials inside URLs ----------------------------------------------------------------------------
def test_redact_url_masks_userinfo_and_secret_parameters():
    assert redact_url("http://user:secret@host/spec.json") == "http://***@host/spec.json"
    assert redact_url("https://h/x?api_key=k1&v=2&access_token=t&X-Amz-Signature=s") == \
        "https://h/x?api_key=***&v=2&access_token=***&X-Amz-Signature=***"
    assert redact_url("https://api.vapi.ai/api-json") == "https://api.vapi.ai/api-json"
    assert redact_url("file:/x.json") == "file:/x.json" and redact_url("snapshot:abc") == "snapshot:abc"
    assert "s3cr3t" not in redact_url("http://u:s3cr3t@[::1/x")  # unparseable: nothing of it survives
    assert redact_text("GET http://u:pw@h/x failed") == "GET http://***@h/x failed"


def test_url_credentials_are_used_but_never_kept_or_printed(spec_server, spec_bytes_min, tmp_path, keyed):
    R = spec_server.Reply
    spec_server.route("/spec.json?api_key=zz-param-secret", R(200, spec_bytes_min, {"ETag": '"e1"'}),
                      R(304, b"", {"ETag": '"e1"'}))
    port = spec_server.httpd.server_address[1]
    url = f"http://user:pw-secret@127.0.0.1:{port}/spec.json?api_key=zz-param-secret"
    store = tmp_path / "store"
    env = {**os.environ, "VAPI_API_KEY": KEY}
    outputs = []
    for argv in (["spec", "fetch", "--source", url, "--store", str(store)],
                 ["spec", "fetch", "--source", url, "--store", str(store), "--format", "json"],
                 ["spec", "list", "--store", str(store)], ["spec", "show", "latest", "--store", str(store)]):
        proc = subprocess.run([sys.executable, "-m", "vapi_contract.cli", *argv], capture_output=True, text=True,
                              env=env, timeout=120, check=False)
        assert proc.returncode == 0, proc
        outputs.append(proc.stdout + proc.stderr)
    hits = spec_server.hits("/spec.json?api_key=zz-param-secret")
    assert hits[0]["headers"]["Authorization"].startswith("Basic ")  # the URL's own credentials, not the key
    assert hits[1]["headers"]["If-None-Match"] == '"e1"'  # the ETag is remembered under the redacted URL
    assert '"unchanged": true' in outputs[1]
    index = (store / "index.json").read_text()
    for text in (*outputs, index):
        assert "pw-secret" not in text and "zz-param-secret" not in text and KEY not in text
    assert f"http://***@127.0.0.1:{port}/spec.json?api_key=***" in json.loads(index)["etags"]


def test_errors_name_the_url_redacted(spec_server):
    port = spec_server.httpd.server_address[1]
    with pytest.raises(Exception) as info:
        load(f"http://user:pw-secret@127.0.0.1:{port}/missing?token=tok-secret")
    assert "pw-secret" not in str(info.value) and "tok-secret" not in str(info.value)
    assert "HTTP 404" in str(info.value)


@pytest.mark.parametrize("entry", ["*", "*.vapi.ai", "ftp://host", "http://"])
def test_an_allow_list_entry_that_names_no_origin_is_an_error(spec_server, spec_bytes_min, keyed, monkeypatch,
                                                              entry):
    """No wildcards and no silent skipping: a typo must not quietly leave the key out, or let it out."""
    from vapi_contract.errors import SpecSourceError

    monkeypatch.setenv("VAPI_API_KEY_HOSTS", f"staging.example.com,{entry}")
    url = spec_server.route("/api-json", spec_server.Reply(200, spec_bytes_min))
    with pytest.raises(SpecSourceError, match="VAPI_API_KEY_HOSTS entry"):
        load(url)
    assert not spec_server.requests


def test_only_credential_names_are_masked_in_query_strings_ids_stay_as_evidence():
    from vapi_contract.spec.urls import redact_url

    masked = redact_url("https://h/x?api_key=a&access_token=b&X-Amz-Signature=c&client_secret=d&sessionToken=e"
                        "&key=f&password=g")
    assert masked == ("https://h/x?api_key=***&access_token=***&X-Amz-Signature=***&client_secret=***"
                      "&sessionToken=***&key=***&password=***")
    kept = "https://h/chat?sessionId=s1&keyword=k&authorId=a1&limit=5"
    assert redact_url(kept) == kept
