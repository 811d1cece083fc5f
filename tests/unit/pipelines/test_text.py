from vapi_contract.pipelines.text import one_line


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
