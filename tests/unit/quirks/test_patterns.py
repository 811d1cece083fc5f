"""python_pattern: exact ECMA semantics in Python re, checked against Node.js (the Vapi server's engine),
the `regex` module, jsonschema_rs, and hypothesis generation."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import unicodedata

import jsonschema_rs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vapi_contract.spec.quirks import python_pattern, split_js_literal
from vapi_contract.spec.quirks.patterns import split_js_literal as _split
from vapi_contract.spec.quirks.unicode_sets import unicode_property

# Every distinct pattern in the 126 published versions (surveyed), plus ECMA corner cases.
VAPI_PATTERNS = [
    r"/^\p{L}[\p{L}\d]*(?::[+-]?\d+)?$/u",
    r"/^[a-zA-Z0-9_-]{1,40}$/",
    r"/^[a-zA-Z0-9_-]{1,64}$/",
    r"/^[a-zA-Z0-9][a-zA-Z0-9._-]*(?:\/[a-zA-Z0-9][a-zA-Z0-9._-]*){0,2}$/",
    r"/^[a-zA-Z][a-zA-Z0-9_]*$/",
    r"/^[A-Z][A-Z0-9_]*$/",
    r"/^[a-zA-Z0-9_]+$/",
]
CORNER_PATTERNS = [
    r"^\d+$", r"\w+", r"^\s*$", r"\S", r"a.b", r"/a.b/s", r"\bfoo\b", r"\Bo", r"/^[a-z]+$/i", r"/[^k]/i",
    r"/^ab$/m", r"(?<y>a)\k<y>", r"^(a)\1$", r"[^]", r"x[]", r"/\u{1F600}/u", r"/^[\u{1F600}-\u{1F64F}]+$/u",
    r"\u00e9", r"\x41", r"\cJ", r"[\b]", r"a{2,}", r"a{,2}", r"/^\p{Lu}\P{L}$/u", r"/^\p{N}+$/u",
    r"/^\p{P}$/u", r"/^\p{Script=Greek}+$/u", r"[\d-z]", r"]", r"a|b|", r"(?:ab)+?", r"(?=a)\w", r"(?!a)\w",
    r"(?<=a)b", r"(?<!a)b", r"^\/path$", r"\.", r"[.]", r"\e", r"\0",
]
EDGE_STRINGS = [
    "", "a", "A", "abc", "ABC", "a\n", "abc\n", "\nabc", "ab\ncd", "a\u2028b", "a\rb", "axb", "a\nb", "123",
    "١٢٣", "é", "É", "ǅ", "K", "\u212a", "ſ", "_", "-", " ", "\t", "\ufeff", "\u00a0", "\x85", "\u1680", "foo",
    "xfoox", "foo bar", "aa", "ab", "😀", "😀😀", "a:5", "é1:+3", "日本:-12", "Ab", "Σ", "ΣΑ", "Ⅻ", "²", "٣",
    "gpt-4o", "team/agent.v1", "my_tool-1", "A_B1", "a/b/c/d", "\x08", "\x0a", "\x00", ".", "/path", "e",
    "abc" * 30, "a" * 65,
]


def _node() -> str:
    node = shutil.which("node")
    if not node:
        pytest.skip("node not installed: the ECMA oracle is unavailable")
    return node


_NODE_SCRIPT = """
let input = '';
process.stdin.on('data', d => input += d).on('end', () => {
  const out = JSON.parse(input).map(([body, flags, strings]) => {
    const re = new RegExp(body, flags);
    return strings.map(s => re.test(s));
  });
  process.stdout.write(JSON.stringify(out));
});
"""


def _ecma(cases: list[tuple[str, str, list[str]]]) -> list[list[bool]]:
    out = subprocess.run(
        [_node(), "-e", _NODE_SCRIPT], input=json.dumps(cases), capture_output=True, text=True, check=True, timeout=60
    )
    return json.loads(out.stdout)


def _body_flags(pattern: str) -> tuple[str, str]:
    literal = split_js_literal(pattern)
    return (literal.body, literal.flags) if literal else (pattern, "")


def _assigned(s: str) -> bool:
    """Code points every engine here agrees on (assigned in this Python's Unicode version)."""
    return all(unicodedata.category(ch) != "Cn" for ch in s)


def test_js_literals_split():
    assert _split("/^[a-z]+$/i") == split_js_literal("/^[a-z]+$/i")
    assert split_js_literal("/^[a-z]+$/i").body == "^[a-z]+$" and split_js_literal("/x/gi").flags == "gi"
    assert split_js_literal("^[a-z]+$") is None
    assert split_js_literal("/x/q") is None  # not a flag: a plain pattern that starts with a slash


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("/^[a-zA-Z0-9_-]{1,40}$/", r"^[\-0-9A-Z_a-z]{1,40}(?![\s\S])"),
        ("/^[a-z]+$/i", r"^[A-Za-z]+(?![\s\S])"),
        (r"^(?<y>\d)\k<y>$", r"^([0-9])\1(?![\s\S])"),
        (r"[^]", r"[\s\S]"),
        (r"x[]", r"x(?!)"),
        (r"a{,2}", r"a\{,2\}"),  # not a quantifier in ECMA, but {0,2} in Python
    ],
)
def test_translation_examples(pattern, expected):
    assert python_pattern(pattern) == expected


@pytest.mark.parametrize("pattern", VAPI_PATTERNS + CORNER_PATTERNS)
def test_translation_is_a_fixpoint(pattern):
    """A normalized document normalizes to itself: translating a translation changes nothing."""
    translated = python_pattern(pattern)
    assert python_pattern(translated) == translated


def test_surrogate_pairs_and_backreferences():
    assert python_pattern(r"[\uD83D\uDE00]") == "[\U0001F600]"  # one astral char, written as itself
    assert python_pattern(r"(a)\1") == r"(a)\1"
    assert python_pattern(r"(a)\1(?:0)") == r"(a)\1(?:0)"


@pytest.mark.parametrize(
    "pattern", [r"\uD83D", r"\1(a)", r"(a)\10", r"(?i)a", r"/\p{NoSuchProperty}/u", r"[z-a]", r"/\q/u", r"(?<=a+)b", r"a(", r"/[a&&b]/v", r"\k<nope>"]
)
def test_untranslatable_patterns_are_none(pattern):
    assert python_pattern(pattern) is None


def test_python_specific_semantics_are_ecma():
    end = python_pattern(r"^\d+$")
    assert re.search(end, "123") and not re.search(end, "123\n") and not re.search(end, "١٢٣")
    assert not re.search(python_pattern(r"^\w$"), "é")
    assert not re.search(python_pattern(r"a.b"), "a\u2028b") and re.search(python_pattern("/a.b/s"), "a\u2028b")
    assert re.search(python_pattern(r"^\s$"), "\ufeff") and not re.search(python_pattern(r"^\s$"), "\x85")
    assert re.search(python_pattern(r"\bé"), "é") is None  # é is not an ECMA word character


def test_all_patterns_match_like_node():
    """Differential test: every pattern x edge string; Python re and jsonschema_rs vs Node.js RegExp.test."""
    cases, translated = [], []
    for pattern in VAPI_PATTERNS + CORNER_PATTERNS:
        body, flags = _body_flags(pattern)
        strings = [s for s in EDGE_STRINGS if _assigned(s)]
        cases.append((body, flags, strings))
        translated.append(python_pattern(pattern))
    for (body, flags, strings), ours, theirs in zip(cases, translated, _ecma(cases)):
        assert ours is not None, body
        mine = [bool(re.search(ours, s)) for s in strings]
        diff = [s for s, a, b in zip(strings, mine, theirs) if a != b]
        assert not diff, f"/{body}/{flags}: python and node disagree on {diff!r}"
        rust = jsonschema_rs.Draft4Validator({"type": "string", "pattern": ours})
        diff = [s for s, b in zip(strings, theirs) if rust.is_valid(s) != b]
        assert not diff, f"/{body}/{flags}: jsonschema_rs and node disagree on {diff!r}"


@pytest.mark.parametrize("pattern", VAPI_PATTERNS + CORNER_PATTERNS)
def test_translations_are_valid_ecma_for_jsonschema_rs(pattern):
    validator = jsonschema_rs.Draft4Validator({"type": "string", "pattern": python_pattern(pattern)})
    assert validator.is_valid("") in (True, False)


@pytest.mark.parametrize("pattern", VAPI_PATTERNS)
def test_hypothesis_generates_matching_strings(pattern):
    """hypothesis from_regex works on the translation; what it generates, Node.js accepts too."""
    translated = re.compile(python_pattern(pattern))
    drawn: list[str] = []

    @settings(max_examples=40, database=None, derandomize=True, suppress_health_check=list(HealthCheck))
    @given(st.from_regex(translated))
    def draw(value):
        assert translated.search(value)
        drawn.append(value)

    draw()
    assert drawn
    body, flags = _body_flags(pattern)
    sample = [s for s in dict.fromkeys(drawn) if _assigned(s)]
    assert all(_ecma([(body, flags, sample)])[0]), sample


def test_unicode_letters_are_the_letters_every_engine_agrees_on():
    """\\p{L} = this Python's unicodedata letters; the regex module and Node.js agree on every one of them
    (letters newer Unicode versions added are left out: an older server would reject them)."""
    import regex

    letters = unicode_property("L")
    members = [c for lo, hi in letters for c in range(lo, hi + 1)]
    assert members == [c for c in range(0x110000) if unicodedata.category(chr(c)).startswith("L")]
    translated = re.compile(python_pattern(r"/^\p{L}+$/u"))
    sample = [chr(c) for c in range(0, 0x30000, 3) if _assigned(chr(c))]
    for ch in sample:
        assert bool(translated.search(ch)) == bool(regex.search(r"^\p{L}+$", ch)), hex(ord(ch))
    script = (
        "const r=/^\\p{L}$/u; const a=JSON.parse(require('fs').readFileSync(0,'utf8'));"
        "console.log(JSON.stringify(a.filter(c=>!r.test(String.fromCodePoint(c)))))"
    )
    out = subprocess.run([_node(), "-e", script], input=json.dumps(members), capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == []


@pytest.mark.parametrize("name", ["Letter", "gc=L", "General_Category=Letter"])
def test_property_name_spellings(name):
    assert unicode_property(name) == unicode_property("L")


def test_scripts_and_binary_properties_come_from_the_regex_module():
    greek = unicode_property("Script=Greek")
    assert greek and all(unicodedata.category(chr(lo)) != "Cn" for lo, _ in greek)
    assert re.search(python_pattern(r"/^\p{sc=Greek}+$/u"), "Σοφία")
    assert unicode_property("Script=NoSuchScript") is None and unicode_property("Foo=L") is None
