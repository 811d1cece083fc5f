"""The inline filter script, run in node against a minimal DOM: selects and search hide what does not match."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from vapi_contract.render.html import FILTER_SCRIPT

HARNESS = """
function el(tag, attrs, text) {
  var handlers = {};
  return {tagName: tag, name: attrs.name || "", value: "", hidden: !!attrs.hidden, textContent: text || "",
          getAttribute: function (k) { return k in attrs ? attrs[k] : null; },
          addEventListener: function (type, fn) { handlers[type] = fn; },
          fire: function (type) { handlers[type](); }, querySelector: null, querySelectorAll: null};
}
var items = [
  el("DETAILS", {"data-item": "", "data-class": "server-bug", "data-check": "not_a_server_error", "data-status": "new"},
     "POST /assistant 500 boom"),
  el("DETAILS", {"data-item": "", "data-class": "spec-gap", "data-check": "undocumented_status_code",
                 "data-status": "known"}, "GET /call 404 Not Found"),
  el("DETAILS", {"data-item": "", "data-class": "spec-gap", "data-check": "undocumented_status_code",
                 "data-status": "new"}, "GET /tool/{id} 404 Not Found"),
];
var cls = el("SELECT", {name: "class"}), status = el("SELECT", {name: "status"}), text = el("INPUT", {name: "text"});
var count = el("SPAN", {});
var bar = el("DIV", {"data-filters": "findings", hidden: true});
bar.querySelectorAll = function () { return [cls, status, text]; };
bar.querySelector = function () { return count; };
var scope = {querySelectorAll: function () { return items; }};
var document = {querySelectorAll: function () { return [bar]; },
                getElementById: function (id) { return id === "findings" ? scope : null; }};
var out = {};
function shown() { return items.map(function (i) { return !i.hidden; }); }
SCRIPT
out.start = [bar.hidden, shown(), count.textContent];
cls.value = "spec-gap"; cls.fire("change"); out.cls = shown();
status.value = "new"; status.fire("change"); out.both = shown();
cls.value = ""; cls.fire("change"); text.value = "  POST  boom "; text.fire("input"); out.text = shown();
status.value = ""; status.fire("change"); text.value = "404 gone"; text.fire("input"); out.none = shown();
out.count = count.textContent;
console.log(JSON.stringify(out));
"""


@pytest.mark.skipif(not shutil.which("node"), reason="needs node")
def test_filter_script_in_a_minimal_dom():
    script = FILTER_SCRIPT.removeprefix("<script>").removesuffix("</script>")
    result = subprocess.run(["node", "-e", HARNESS.replace("SCRIPT", script)], capture_output=True, text=True,
                            timeout=30, check=True)
    out = json.loads(result.stdout)
    assert out["start"] == [False, [True, True, True], "3 of 3 shown"]  # the bar shows itself, nothing hidden
    assert out["cls"] == [False, True, True]
    assert out["both"] == [False, False, True]
    assert out["text"] == [True, False, False]  # every word typed, case-insensitive
    assert out["none"] == [False, False, False] and out["count"] == "0 of 3 shown"
