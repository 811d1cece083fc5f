"""The run dashboard's findings: filters and search (inline, offline), an escaped response excerpt each."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from vapi_contract.evidence.writer import RunWriter
from vapi_contract.render.html import FILTER_SCRIPT, excerpt, filter_bar, item_attrs
from vapi_contract.report import build

EVIL = '"><script>alert(1)</script>'


class Elements(HTMLParser):
    """Start tags with their (unescaped) attributes, as a browser reads them."""

    def __init__(self, html: str):
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def _run(tmp_path):
    writer = RunWriter(tmp_path, [], worker="")
    writer.start({"spec": {"sha256": "cd" * 32, "title": "t"}})
    writer.operation({"operation": "POST /assistant", "status": "failed", "cases": 3})
    writer.finding({"operation": "POST /assistant", "check": "not_a_server_error", "classification": "server-bug",
                    "fingerprint": "a1" * 8, "message": "500 on a long name", "status_code": 500,
                    "details": {"response": 'HTTP 500 application/json: {"message":"<b>boom</b> & more"}',
                                "case_id": "x1"}})
    writer.finding({"operation": "POST /assistant", "check": "check" + EVIL, "classification": "spec-gap",
                    "fingerprint": "b2" * 8, "message": "400 undocumented", "status_code": 400,
                    "details": {"response": "HTTP 400 text/html: " + EVIL}})
    writer.finish({"exit_code": 1})
    build(tmp_path)
    return (tmp_path / "index.html").read_text()


def test_findings_carry_filter_attributes_and_the_bar_lists_their_values(tmp_path):
    html = _run(tmp_path)
    tags = Elements(html).tags
    findings = [a for t, a in tags if t == "details" and "finding" in (a.get("class") or "")]
    assert {(a["data-class"], a["data-check"], a["data-status"]) for a in findings} == {
        ("server-bug", "not_a_server_error", "new"), ("spec-gap", "check" + EVIL, "new")}
    assert all("data-item" in a for a in findings)
    (bar,) = [a for t, a in tags if t == "div" and "data-filters" in a]
    assert bar["data-filters"] == "findings" and "hidden" in bar  # shown by the script only
    assert ("section", {"id": "findings"}) in tags
    selects = [a["name"] for t, a in tags if t == "select"]
    assert selects == ["class", "check", "status"]
    options = [a["value"] for t, a in tags if t == "option"]
    assert {"server-bug", "spec-gap", "not_a_server_error", "check" + EVIL, "new"} <= set(options)
    assert any(t == "input" and a.get("type") == "search" for t, a in tags)
    assert html.count(FILTER_SCRIPT) == 1 and html.count("<script") == 1  # inline; nothing fetched
    assert not re.search(r"""\bsrc\s*=|https?://(?!www\.w3\.org/2000/svg)(?!127\.0\.0\.1)""", FILTER_SCRIPT)


def test_response_excerpt_is_shown_escaped_and_not_repeated_in_the_details(tmp_path):
    html = _run(tmp_path)
    assert ('<div class="excerpt" title="response excerpt">HTTP 500 application/json: {&quot;message&quot;:'
            '&quot;&lt;b&gt;boom&lt;/b&gt; &amp; more&quot;}</div>') in html
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert html.count("boom") == 1  # the excerpt, not again in the details JSON
    assert "&quot;case_id&quot;: &quot;x1&quot;" in html  # the other details stay


def test_helpers_escape_and_shorten():
    assert item_attrs(**{"class": 'a"b', "check": None}) == ' data-item data-class="a&quot;b"'
    assert excerpt("") == ""
    long = excerpt("x\n" * 400, limit=50)
    assert "\n" not in long and long.endswith(">" + "x " * 24 + "x\u2026</div>")
    bar = filter_bar("scope<", [("status", "new/known", ["new", "known", None, "new"])])
    assert 'data-filters="scope&lt;"' in bar and bar.count("<option") == 3  # all, known, new
