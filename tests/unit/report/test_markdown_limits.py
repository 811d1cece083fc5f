"""summary.md stays a postable PR comment: short reproducers (long ones run from summary.json), bounded size."""

from __future__ import annotations

import copy
import datetime as dt
import json
import os
import re
import shutil
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from vapi_contract.contract import triage
from vapi_contract.report import build
from vapi_contract.report.markdown import MAX_BYTES, REPRO_LIMIT, render_markdown, short_reproducer

KEY = "0f9e8d7c-6b5a-4321-9abc-def012345678"


@pytest.fixture
def summary(nightly_dir, baseline_file):
    return build(nightly_dir, baseline_file, today=dt.date(2026, 11, 21))


def _blown_up(summary: dict, findings: int, body: int) -> dict:
    """The fixture's summary with `findings` new findings whose reproducers carry `body`-character bodies, as many
    known ones, and long lists everywhere else."""
    big = copy.deepcopy(summary)
    template = next(f for f in big["findings"] if f["status"] == "new")
    big["findings"] = []
    for i in range(findings):
        for status in ("new", "known"):
            f = copy.deepcopy(template)
            f.update(status=status, fingerprint=f"{i:04x}{status[0]}" + "ab" * 8, operation=f"POST /thing{i}/{{id}}",
                     message="é|<b>" * 60, reproducer=triage.curl("post", f"https://api.vapi.ai/thing{i}", {
                         "Authorization": f"Bearer {KEY}"}, json.dumps({"name": "x" * body}), [KEY]))
            big["findings"].append(f)
    big["warnings"] = [f"warning {i} " + "w" * 250 for i in range(400)]
    big["missing"] = [{"operation": f"GET /m{i}", "reason": "r" * 200} for i in range(400)]
    big["fixed"] = [{"fingerprint": "f" * 16, "operation": f"GET /f{i}", "reason": "r" * 150, "owner": "qa"}
                    for i in range(400)]
    return big


def test_a_large_run_stays_under_the_comment_limit_and_counts_the_rest(summary):
    text = render_markdown(_blown_up(summary, findings=400, body=18_000))
    assert len(text.encode("utf-8")) <= MAX_BYTES < 65_536
    assert "### New findings (400)" in text
    assert re.search(r"\| \u2026 \| \| \| \| \d+ more in summary\.json / index\.html \| \|", text)
    assert re.search(r"Reproducers \(\d+ of 400; \d+ more in index\.html / summary\.json\)", text)
    assert re.search(r"\d+ more warning\(s\) in summary\.json", text)
    # every reproducer shown is short and keeps the key a variable
    for block in re.findall(r"```sh\n(.*?)\n```", text, re.DOTALL):
        assert len(block) < REPRO_LIMIT + 400 and KEY not in block
    assert text.count("```sh") >= 1


def test_an_unbounded_run_is_cut_with_a_note(summary):
    big = _blown_up(summary, findings=5, body=10)
    big["spec_issue_counts"] = {f"kind-{i}-" + "k" * 100: 1 for i in range(2000)}
    text = render_markdown(big)
    assert len(text.encode("utf-8")) <= MAX_BYTES
    assert text.rstrip().endswith("the rest is in index.html and summary.json._")


def test_a_short_reproducer_is_shown_whole_and_a_long_one_points_at_summary_json():
    short = triage.curl("get", "https://api.vapi.ai/x", {"Authorization": f"Bearer {KEY}"}, None, [KEY])
    assert short_reproducer(short, "ab" * 8) == short
    long = triage.curl("post", "https://api.vapi.ai/x", {"Authorization": f"Bearer {KEY}"}, "y" * 5000, [KEY])
    shown = short_reproducer(long, "ab" * 8)
    assert len(shown) < REPRO_LIMIT and "y" * 400 not in shown
    assert """bash -c "$(jq -r '.findings[] | select(.fingerprint == "abababababababab") | .reproducer' \
summary.json)\"""" in shown
    assert "jq" not in short_reproducer(long, "not safe'; rm -rf /")  # never spliced into the command


@pytest.mark.skipif(not (shutil.which("curl") and shutil.which("jq")), reason="needs curl and jq")
def test_the_long_reproducer_of_summary_md_runs_from_the_run_directory(nightly_dir, tmp_path):
    seen: list[dict] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
            seen.append({"auth": self.headers.get("Authorization"), "body": body})
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        payload = json.dumps({"name": "z" * 6000, "quote": "it's $HOME"})
        command = triage.curl("post", f"http://127.0.0.1:{httpd.server_address[1]}/assistant",
                              {"Authorization": f"Bearer {KEY}", "Content-Type": "application/json"},
                              payload, [KEY])
        records = [json.loads(line) for line in (nightly_dir / "findings.gw0.jsonl").read_text().splitlines()]
        target = next(r for r in records if r["fingerprint"] == "48b8035b31a532a9")  # a new finding
        target["reproducer"] = command
        (nightly_dir / "findings.gw0.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
        build(nightly_dir, None, today=dt.date(2026, 11, 21))
        md = (nightly_dir / "summary.md").read_text()
        block = next(b for b in re.findall(r"```sh\n(.*?)\n```", md, re.DOTALL) if "48b8035b31a532a9" in b)
        assert "z" * 500 not in block
        subprocess.run(["bash", "-c", block], cwd=nightly_dir, check=True, timeout=30, capture_output=True,
                       env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "VAPI_API_KEY": KEY})
    finally:
        httpd.shutdown()
        httpd.server_close()
    assert seen == [{"auth": f"Bearer {KEY}", "body": payload}]


def test_the_totals_count_tests_never_more_operations_than_the_spec_has(summary):
    """A night has a fuzz test per operation plus lifecycles and behaviour tests: '108 of 79' operations read as
    a report mixing two runs."""
    wide = copy.deepcopy(summary)
    wide["totals"].update(operations=108, operations_in_spec=79)
    text = render_markdown(wide)
    assert "| tests | passed |" in text and "| 108 | " in text
    assert "108 of 79" not in text
