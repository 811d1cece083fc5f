from vapi_contract.render.text import one_line


def test_short_messages_pass_through_on_one_line():
    assert one_line("status 404 is not documented") == "status 404 is not documented"
    assert one_line("first paragraph\nwrapped\n\nFailed validating ...") == "first paragraph wrapped"
    assert one_line(None) == ""


def test_a_huge_instance_dump_keeps_what_failed():
    message = '{"allOf": [' + '"x", ' * 200 + '"y"]} is not valid under any of the given schemas\n\nFailed ...'
    short = one_line(message)
    assert len(short) <= 160 and short.startswith('{"allOf"')
    assert short.endswith("… is not valid under any of the given schemas")


def test_long_text_without_a_verdict_is_cut():
    assert one_line("x" * 500, limit=50) == "x" * 49 + "…"


HOSTILE = "/assistant/<img src=x onerror=alert(1)>|`x`\n\n<!-- hidden -->"


def test_markdown_text_carries_no_raw_html_and_no_table_breaks():
    from vapi_contract.render.text import md_code, md_text

    text = md_text(HOSTILE)
    assert "<" not in text and ">" not in text and "\n" not in text
    assert "\\|" in text and text.count("|") == text.count("\\|")
    assert md_text("a &lt;b&gt;") == "a &amp;lt;b&amp;gt;"  # entities show as typed, not as markup
    code = md_code(HOSTILE)
    assert code.startswith("`") and code.endswith("`") and code.count("`") == 2 and "\n" not in code


def test_the_nightly_summary_and_the_gate_verdict_escape_spec_text():
    from vapi_contract.pipelines.dashboard import render_markdown as night_markdown
    from vapi_contract.pipelines.verdict import PASS, Check, Verdict
    from vapi_contract.pipelines.verdict import render_markdown as gate_markdown

    night = {"night": "2026-11-21", "verdict": "fail", "reasons": [f"contract run could not test: {HOSTILE}"],
             "spec": {"snapshot_id": "s1", "snapshot_created": False,
                      "validation": {"new": 0, "known": 0, "fixed": 0}},
             "spec_changes": {"previous": None, "summary": {}},
             "contract": {"counts": {"new": 1}, "pass_rate": 50.0, "known_operations": 0, "coverage": {},
                          "findings": [{"status": "new", "classification": "server-bug", "operation": HOSTILE,
                                        "check": "<b>c</b>", "message": HOSTILE}]}}
    verdict = Verdict(f"release gate for file {HOSTILE}", [Check("spec validation", PASS, HOSTILE)])
    for text in (night_markdown(night), gate_markdown(verdict)):
        outside_code = "".join(text.split("`")[::2])
        assert "<img" not in outside_code and "<!--" not in outside_code and "<b>" not in outside_code


def test_plural_counts_one_thing_and_many_things():
    from vapi_contract.render.text import plural

    assert plural(1, "fixed finding") == "1 fixed finding"
    assert [plural(n, "finding") for n in (0, 2)] == ["0 findings", "2 findings"]
    assert plural(3, "entry", "entries") == "3 entries" and plural(1, "entry", "entries") == "1 entry"


def test_findings_text_counts_the_new_findings_that_fail_a_verdict_and_names_infra_apart():
    from vapi_contract.render.text import findings_text

    counts = {"findings": 16, "new": 12, "new_contract": 11, "known": 3, "fixed": 1}
    assert findings_text(counts) == "findings: 11 new (+1 new infrastructure problem), 3 known, 1 fixed"
    assert findings_text({"new": 2, "new_contract": 2, "known": 0, "fixed": 0}) == "findings: 2 new, 0 known, 0 fixed"


def test_whole_reason_keeps_what_failed_entire_and_shortens_only_the_quoted_instance():
    from vapi_contract.render.text import whole_reason

    instance = '{"properties":{' + '"x":{"type":"string"},' * 500 + '"y":{}}}'
    message = (f"{instance} is not valid under any of the schemas listed in the 'oneOf' keyword\n\n"
               f"Failed validating \"oneOf\" in schema\n\nOn instance:\n    {instance}")
    text = whole_reason(message)
    assert text.endswith("… is not valid under any of the schemas listed in the 'oneOf' keyword")
    assert len(text) < 160 and "\n" not in text
    allowed = "[" + ", ".join(f"'field{i}'" for i in range(40)) + "]"
    long_reason = f"['a', 'b'] is not one of {allowed}"
    assert whole_reason(long_reason) == long_reason  # a long reason is never cut
    assert whole_reason("Duplicate parameter 'name'") == "Duplicate parameter 'name'"


def test_whole_reason_names_the_repeated_items_of_a_non_unique_list():
    from vapi_contract.render.text import whole_reason

    voices = ["luna", "zeus"] + [f"v{i}" for i in range(200)] + ["zeus", "luna", "zeus"]
    assert whole_reason(f"{voices!r} has non-unique elements").endswith(
        ' has non-unique elements (repeated: "zeus", "luna")')
    assert whole_reason("[not a list] has non-unique elements") == "[not a list] has non-unique elements"
