"""Code-point range sets for regex character classes, so ECMA classes become explicit Python ranges.

Python's `re` has no `\\p{..}`, and its `\\d`/`\\w`/`\\s`/`.` mean something else than ECMA's. We compute
exact sets instead, over the code points assigned in this Python's `unicodedata` (Unicode 14 on 3.11):
those are read alike by every engine involved (Node.js servers, Rust's regex in jsonschema_rs, the `regex`
module), whereas letters added by newer Unicode versions are letters to some engines and unassigned to others
(a generated string using one would be rejected by a server on an older Unicode). General categories come
from `unicodedata`; scripts and binary properties from the `regex` module, cut to those code points.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable

Range = tuple[int, int]  # inclusive
MAX_CODE_POINT = 0x10FFFF
# Lone surrogates never occur in JSON text and Rust's regex (jsonschema_rs) rejects them in classes.
UNIVERSE: tuple[Range, ...] = ((0, 0xD7FF), (0xE000, MAX_CODE_POINT))

ASCII_DIGITS: tuple[Range, ...] = ((0x30, 0x39),)
ASCII_WORD: tuple[Range, ...] = ((0x30, 0x39), (0x41, 0x5A), (0x5F, 0x5F), (0x61, 0x7A))
# ECMA-262 WhiteSpace + LineTerminator (what `\s` means in JavaScript).
ECMA_SPACE: tuple[Range, ...] = (
    (0x09, 0x0D), (0x20, 0x20), (0xA0, 0xA0), (0x1680, 0x1680), (0x2000, 0x200A),
    (0x2028, 0x2029), (0x202F, 0x202F), (0x205F, 0x205F), (0x3000, 0x3000), (0xFEFF, 0xFEFF),
)
ECMA_LINE_TERMINATORS: tuple[Range, ...] = ((0x0A, 0x0A), (0x0D, 0x0D), (0x2028, 0x2029))


def normalize_ranges(ranges: Iterable[Range]) -> tuple[Range, ...]:
    """Sorted, merged, surrogate-free ranges."""
    merged: list[list[int]] = []
    for lo, hi in sorted(ranges):
        if lo > hi:
            continue
        if merged and lo <= merged[-1][1] + 1:
            merged[-1][1] = max(merged[-1][1], hi)
        else:
            merged.append([lo, hi])
    return intersect(tuple((a, b) for a, b in merged), UNIVERSE)


def intersect(a: tuple[Range, ...], b: tuple[Range, ...]) -> tuple[Range, ...]:
    out: list[Range] = []
    i = j = 0
    while i < len(a) and j < len(b):
        lo, hi = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if lo <= hi:
            out.append((lo, hi))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return tuple(out)


def complement(ranges: tuple[Range, ...]) -> tuple[Range, ...]:
    out: list[Range] = []
    start = 0
    for lo, hi in ranges:
        if lo > start:
            out.append((start, lo - 1))
        start = hi + 1
    if start <= MAX_CODE_POINT:
        out.append((start, MAX_CODE_POINT))
    return intersect(tuple(out), UNIVERSE)


@functools.lru_cache(maxsize=1)
def _all_code_points() -> str:
    return "".join(chr(c) for lo, hi in UNIVERSE for c in range(lo, hi + 1))


_CATEGORY_NAMES = {
    "Letter": "L", "Cased_Letter": "LC", "Uppercase_Letter": "Lu", "Lowercase_Letter": "Ll",
    "Titlecase_Letter": "Lt", "Modifier_Letter": "Lm", "Other_Letter": "Lo", "Mark": "M", "Combining_Mark": "M",
    "Nonspacing_Mark": "Mn", "Spacing_Mark": "Mc", "Enclosing_Mark": "Me", "Number": "N", "Decimal_Number": "Nd",
    "digit": "Nd", "Letter_Number": "Nl", "Other_Number": "No", "Punctuation": "P", "punct": "P",
    "Connector_Punctuation": "Pc", "Dash_Punctuation": "Pd", "Open_Punctuation": "Ps", "Close_Punctuation": "Pe",
    "Initial_Punctuation": "Pi", "Final_Punctuation": "Pf", "Other_Punctuation": "Po", "Symbol": "S",
    "Math_Symbol": "Sm", "Currency_Symbol": "Sc", "Modifier_Symbol": "Sk", "Other_Symbol": "So",
    "Separator": "Z", "Space_Separator": "Zs", "Line_Separator": "Zl", "Paragraph_Separator": "Zp", "Other": "C",
    "Control": "Cc", "cntrl": "Cc", "Format": "Cf", "Surrogate": "Cs", "Private_Use": "Co", "Unassigned": "Cn",
}


@functools.lru_cache(maxsize=1)
def _categories() -> dict[str, tuple[Range, ...]]:
    """General category (two letters) -> ranges, from this Python's unicodedata; one pass, cached."""
    import unicodedata

    runs: dict[str, list[Range]] = {}
    start, current = 0, unicodedata.category("\0")
    for code in range(1, MAX_CODE_POINT + 2):
        category = unicodedata.category(chr(code)) if code <= MAX_CODE_POINT else None
        if category != current:
            runs.setdefault(current, []).append((start, code - 1))
            start, current = code, category
    return {name: normalize_ranges(ranges) for name, ranges in runs.items()}


def _category(short: str) -> tuple[Range, ...] | None:
    table = _categories()
    if short == "LC":
        members = ("Lu", "Ll", "Lt")
    elif len(short) == 1:
        members = tuple(name for name in table if name[0] == short)
    else:
        members = (short,)
    if not members or any(len(m) != 2 or m[0] not in "LMNPSZC" for m in members):
        return None
    return normalize_ranges(r for m in members for r in table.get(m, ()))


@functools.lru_cache(maxsize=256)
def unicode_property(name: str) -> tuple[Range, ...] | None:
    """Ranges of `\\p{name}` (general category, script or binary property), None if unknown."""
    if not name or any(ch in name for ch in "{}\\[]"):
        return None
    key, _, value = name.partition("=")
    if value and key in ("General_Category", "gc"):
        name = value
    elif value and key not in ("Script", "sc", "Script_Extensions", "scx"):
        return None
    if name == "Any":
        return UNIVERSE
    if name == "ASCII":
        return ((0, 0x7F),)
    if name == "Assigned":
        return complement(_category("Cn") or ())
    if not value or key in ("General_Category", "gc"):
        short = _CATEGORY_NAMES.get(name, name)
        if len(short) <= 2 and short[:1] in "LMNPSZC" and (found := _category(short)) is not None:
            return found
        if value:
            return None
    return _regex_property(name)


def _regex_property(name: str) -> tuple[Range, ...] | None:
    import regex  # lazy: only scripts/binary properties need it

    try:
        compiled = regex.compile(rf"\p{{{name}}}+")
    except regex.error:
        return None
    text = _all_code_points()
    # Offsets in `text` map back to code points through UNIVERSE (one gap, the surrogates).
    gap_start, gap_size = UNIVERSE[0][1] + 1, UNIVERSE[1][0] - UNIVERSE[0][1] - 1

    def code_point(offset: int) -> int:
        return offset if offset < gap_start else offset + gap_size

    found = normalize_ranges((code_point(m.start()), code_point(m.end() - 1)) for m in compiled.finditer(text))
    return intersect(found, complement(_category("Cn") or ()))


def _canonicalize(ch: str) -> str:
    """ECMA-262 Canonicalize for /i without /u (toUpperCase, unless that leaves one char or enters ASCII)."""
    upper = ch.upper()
    if len(upper) != 1 or (ord(ch) >= 128 and ord(upper) < 128):
        return ch
    return upper


@functools.lru_cache(maxsize=1)
def _case_classes() -> tuple[tuple[int, ...], ...]:
    """Every group of 2+ code points that compare equal case-insensitively (cased letters end < 0x20000)."""
    groups: dict[str, set[int]] = {}
    for code in range(0x20000):
        if 0xD800 <= code <= 0xDFFF:
            continue
        ch = chr(code)
        canon = _canonicalize(ch)
        if canon != ch:
            groups.setdefault(canon, {ord(canon)}).add(code)
    return tuple(tuple(sorted(g)) for g in groups.values())


def _contains(ranges: tuple[Range, ...], code: int) -> bool:
    import bisect

    i = bisect.bisect_right(ranges, (code, MAX_CODE_POINT + 1)) - 1
    return i >= 0 and ranges[i][0] <= code <= ranges[i][1]


def case_closure(ranges: tuple[Range, ...]) -> tuple[Range, ...]:
    """The set plus every code point case-insensitively equal to one of its members."""
    extra = [
        (code, code)
        for group in _case_classes()
        if any(_contains(ranges, c) for c in group)
        for code in group
    ]
    return normalize_ranges([*ranges, *extra]) if extra else ranges
