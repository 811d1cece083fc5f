"""ECMA-262 (JSON Schema's regex dialect, plus common PCRE spellings) -> Python `re`, exactly.

The output is in the common subset of Python `re` and ECMA-262 (jsonschema_rs checks patterns as ECMA
regexes), and hypothesis can generate from it: classes become explicit code-point ranges, case-insensitivity
becomes case-closed classes, named groups become numbered ones, and anchors become lookarounds where
Python's differ (`$` also matches before a trailing newline in Python, never in JavaScript).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from vapi_contract.spec.quirks.unicode_sets import (
    ASCII_DIGITS,
    ASCII_WORD,
    ECMA_LINE_TERMINATORS,
    ECMA_SPACE,
    Range,
    case_closure,
    complement,
    normalize_ranges,
    unicode_property,
)

_JS_LITERAL = re.compile(r"^/(?P<body>.+)/(?P<flags>[dgimsuvy]*)$", re.DOTALL)
_QUANTIFIER = re.compile(r"\{\d+(,\d*)?\}")
_END = r"(?![\s\S])"
_WORD_CLASS = "[0-9A-Z_a-z]"
_WORD_BOUNDARY = rf"(?:(?<={_WORD_CLASS})(?!{_WORD_CLASS})|(?<!{_WORD_CLASS})(?={_WORD_CLASS}))"
_NOT_WORD_BOUNDARY = rf"(?:(?<={_WORD_CLASS})(?={_WORD_CLASS})|(?<!{_WORD_CLASS})(?!{_WORD_CLASS}))"
_CLASS_ESCAPES: dict[str, tuple[Range, ...]] = {"d": ASCII_DIGITS, "w": ASCII_WORD, "s": ECMA_SPACE}
_SYNTAX = frozenset("^$\\.*+?()[]{}|/")
_CLASS_SYNTAX = frozenset("\\]-[^")
_CONTROL_ESCAPES = {"t": 0x09, "n": 0x0A, "v": 0x0B, "f": 0x0C, "r": 0x0D}
_CONTROL_NAMES = {code: "\\" + letter for letter, code in _CONTROL_ESCAPES.items()}


class PatternUntranslatable(ValueError):
    """The pattern has no exact Python equivalent (or is not a valid pattern at all)."""


@dataclass(frozen=True)
class JsLiteral:
    body: str
    flags: str


def split_js_literal(pattern: str) -> JsLiteral | None:
    """`"/^[a-z]+$/i"` -> JsLiteral("^[a-z]+$", "i"); None when the pattern is not written that way."""
    match = _JS_LITERAL.match(pattern)
    if not match or match.group("body").endswith("\\") and not match.group("body").endswith("\\\\"):
        return None
    return JsLiteral(match.group("body"), match.group("flags"))


@functools.lru_cache(maxsize=4096)
def python_pattern(pattern: str, flags: str = "", *, js_literal: bool = True) -> str | None:
    """A Python-`re` pattern matching exactly what the ECMA pattern matches, or None if impossible.

    With `js_literal`, a pattern written as a JavaScript literal (`/body/flags`) is read as such.
    """
    if js_literal and (literal := split_js_literal(pattern)):
        pattern, flags = literal.body, flags + literal.flags
    try:
        translated = _Translator(pattern, flags).translate()
        re.compile(translated)
    except (PatternUntranslatable, re.error, RecursionError):
        return None
    return translated


def char_escape(code: int, *, in_class: bool = False) -> str:
    """One code point, spelled so Python re, ECMA (jsonschema_rs) and hypothesis all read it the same way.

    Only syntax characters are escaped: ECMA's unicode mode rejects identity escapes like `\\:`.
    """
    ch = chr(code)
    if code in _CONTROL_NAMES:
        return _CONTROL_NAMES[code]
    if 0x20 <= code < 0x7F:
        return "\\" + ch if ch in (_CLASS_SYNTAX if in_class else _SYNTAX) else ch
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    return ch  # astral: no escape spelling is shared by Python (\\U........) and ECMA (\\u{...})


def class_text(ranges: tuple[Range, ...]) -> str:
    """A bracket expression for the ranges, negated when that is shorter; `(?!)` when empty."""
    if not ranges:
        return "(?!)"
    inverse = complement(ranges)
    if len(inverse) < len(ranges):
        return "[^" + _ranges_text(inverse) + "]" if inverse else r"[\s\S]"
    return "[" + _ranges_text(ranges) + "]"


def _ranges_text(ranges: tuple[Range, ...]) -> str:
    parts = []
    for lo, hi in ranges:
        first, last = char_escape(lo, in_class=True), char_escape(hi, in_class=True)
        if lo == hi:
            parts.append(first)
        elif hi == lo + 1:
            parts.append(first + last)
        else:
            parts.append(f"{first}-{last}")
    return "".join(parts)


def _no_lone_surrogate(code: int) -> None:
    if 0xD800 <= code <= 0xDFFF:  # JSON text never holds one; jsonschema_rs rejects them in patterns
        raise PatternUntranslatable("lone surrogate")


class _Translator:
    def __init__(self, source: str, flags: str) -> None:
        unknown = set(flags) - set("dgimsuvy")
        if unknown:
            raise PatternUntranslatable(f"unknown flags {''.join(sorted(unknown))}")
        self.src = source
        self.pos = 0
        self.unicode = "u" in flags or "v" in flags
        self.sets_mode = "v" in flags
        self.flags = flags
        self.fold = "i" in flags
        self.groups = 0
        self.group_names: dict[str, int] = {}
        self.out: list[str] = []

    # -- driver ---------------------------------------------------------------------------------------
    def translate(self) -> str:
        while self.pos < len(self.src):
            self.out.append(self._atom())
        body = "".join(self.out)
        if "y" in self.flags:  # sticky: RegExp.test starts at lastIndex 0, so the match is anchored
            body = rf"\A(?:{body})"
        return body

    def _atom(self) -> str:
        ch = self.src[self.pos]
        self.pos += 1
        if ch == "\\":
            return self._escape()
        if ch == "[":
            return self._class()
        if ch == ".":
            return r"[\s\S]" if "s" in self.flags else class_text(complement(normalize_ranges(ECMA_LINE_TERMINATORS)))
        if ch == "^":
            return r"(?<![^\n\r\u2028\u2029])" if "m" in self.flags else "^"
        if ch == "$":
            return r"(?![^\n\r\u2028\u2029])" if "m" in self.flags else _END
        if ch == "(":
            return self._group_open()
        if ch == "{":
            match = _QUANTIFIER.match(self.src, self.pos - 1)
            if match:
                self.pos = match.end()
                return match.group()
            return r"\{"
        if ch == "}":
            return r"\}"
        if ch in "|)*+?":
            return ch
        return self._literal(ord(ch))

    def _literal(self, code: int) -> str:
        _no_lone_surrogate(code)
        if self.fold and (closed := case_closure(((code, code),))) != ((code, code),):
            return class_text(closed)
        return char_escape(code)

    def _set(self, ranges: tuple[Range, ...]) -> str:
        return class_text(case_closure(ranges) if self.fold else ranges)

    def _group_open(self) -> str:
        rest = self.src[self.pos :]
        if rest.startswith(("?<", "?P<")) and not rest.startswith(("?<=", "?<!")):
            end = self.src.find(">", self.pos)
            if end < 0:
                raise PatternUntranslatable("bad group name")
            self.groups += 1
            self.group_names[self.src[self.pos + rest.index("<") + 1 : end]] = self.groups
            self.pos = end + 1
            return "("  # numbered: Python spells names (?P<n>), ECMA (?<n>); numbers are shared
        if not rest.startswith("?"):
            self.groups += 1
        if rest.startswith("?P=") and (end := self.src.find(")", self.pos)) > 0:  # PCRE/Python backreference
            name, self.pos = self.src[self.pos + 3 : end], end + 1
            if name not in self.group_names:
                raise PatternUntranslatable(f"backreference to unknown group {name!r}")
            return f"(?:\\{self.group_names[name]})"
        for prefix in ("?:", "?=", "?!", "?<=", "?<!"):
            if rest.startswith(prefix):
                self.pos += len(prefix)
                return "(" + prefix
        if rest.startswith("?"):  # inline flags / modifiers: not ECMA-262 as servers run it
            raise PatternUntranslatable("unsupported group syntax")
        return "("

    # -- escapes --------------------------------------------------------------------------------------
    def _escape(self) -> str:
        if self.pos >= len(self.src):
            raise PatternUntranslatable("trailing backslash")
        ch = self.src[self.pos]
        self.pos += 1
        ranges = self._class_escape(ch)
        if ranges is not None:
            return self._set(ranges)
        if ch == "b":
            return _WORD_BOUNDARY
        if ch == "B":
            return _NOT_WORD_BOUNDARY
        if ch == "A":
            return r"(?<![\s\S])"
        if ch == "z":
            return _END
        if ch == "Z":
            return r"(?=\n?(?![\s\S]))"
        if ch.isdigit() and ch != "0":
            digits = ch + self._take_while(str.isdigit)
            if int(digits) > self.groups:  # forward refs / Annex B octal: JS and Python disagree
                raise PatternUntranslatable(f"backreference to a group not yet closed: {digits}")
            return self._backreference(int(digits))
        if ch == "k" and self.src.startswith("<", self.pos):
            end = self.src.find(">", self.pos)
            if end < 0:
                raise PatternUntranslatable("bad named backreference")
            name, self.pos = self.src[self.pos + 1 : end], end + 1
            if name not in self.group_names:
                raise PatternUntranslatable(f"backreference to unknown group {name!r}")
            return self._backreference(self.group_names[name])
        return self._literal(self._char_escape(ch))

    def _backreference(self, number: int) -> str:
        """`\\N`, wrapped only when a digit follows (so `\\1` then `0` never reads as `\\10`)."""
        follows_digit = self.pos < len(self.src) and self.src[self.pos].isdigit()
        return f"(?:\\{number})" if follows_digit else f"\\{number}"

    def _class_escape(self, ch: str) -> tuple[Range, ...] | None:
        """Ranges for \\d \\D \\w \\W \\s \\S \\p{..} \\P{..}; None for any other escape."""
        lower = ch.lower()
        if lower in _CLASS_ESCAPES:
            ranges = normalize_ranges(_CLASS_ESCAPES[lower])
            return complement(ranges) if ch.isupper() else ranges
        if lower == "p":
            if self.src.startswith("{", self.pos):
                end = self.src.find("}", self.pos)
                if end < 0:
                    raise PatternUntranslatable("unterminated \\p{")
                name, self.pos = self.src[self.pos + 1 : end], end + 1
            elif self.pos < len(self.src) and self.src[self.pos].isalpha():  # PCRE \pL
                name, self.pos = self.src[self.pos], self.pos + 1
            elif not self.unicode:
                return None  # Annex B: \p is just "p"
            else:
                raise PatternUntranslatable("bad \\p escape")
            ranges = unicode_property(name)
            if ranges is None:
                raise PatternUntranslatable(f"unknown Unicode property {name!r}")
            return complement(ranges) if ch == "P" else ranges
        return None

    def _char_escape(self, ch: str) -> int:
        """Code point of a single-character escape (the part after the backslash)."""
        if ch in _CONTROL_ESCAPES:
            return _CONTROL_ESCAPES[ch]
        if ch == "0" and not (self.pos < len(self.src) and self.src[self.pos].isdigit()):
            return 0
        if ch == "x":
            return self._hex(2) if self._is_hex(2) else ord("x")
        if ch == "u":
            if self.unicode and self.src.startswith("{", self.pos):
                end = self.src.find("}", self.pos)
                digits = self.src[self.pos + 1 : end] if end > 0 else ""
                if not digits or not all(c in "0123456789abcdefABCDEF" for c in digits):
                    raise PatternUntranslatable("bad \\u{...} escape")
                self.pos = end + 1
                return int(digits, 16)
            if not self._is_hex(4):
                if self.unicode:
                    raise PatternUntranslatable("bad \\u escape")
                return ord("u")
            code = self._hex(4)
            # A \\uD83D\\uDE00 pair means one astral character (exact in /u; what is meant without it).
            if 0xD800 <= code <= 0xDBFF and self.src.startswith("\\u", self.pos):
                save = self.pos
                self.pos += 2
                if self._is_hex(4) and 0xDC00 <= (low := int(self.src[self.pos : self.pos + 4], 16)) <= 0xDFFF:
                    self.pos += 4
                    return 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                self.pos = save
            return code
        if ch == "c" and self.pos < len(self.src) and self.src[self.pos].isascii() and self.src[self.pos].isalpha():
            self.pos += 1
            return ord(self.src[self.pos - 1]) % 32
        if ch.isascii() and ch.isalnum():
            if self.unicode:
                raise PatternUntranslatable(f"invalid escape \\{ch}")
            return ord(ch)  # Annex B identity escape
        return ord(ch)

    def _is_hex(self, n: int) -> bool:
        chunk = self.src[self.pos : self.pos + n]
        return len(chunk) == n and all(c in "0123456789abcdefABCDEF" for c in chunk)

    def _hex(self, n: int) -> int:
        value = int(self.src[self.pos : self.pos + n], 16)
        self.pos += n
        return value

    def _take_while(self, predicate) -> str:
        start = self.pos
        while self.pos < len(self.src) and predicate(self.src[self.pos]):
            self.pos += 1
        return self.src[start : self.pos]

    # -- bracket expressions --------------------------------------------------------------------------
    def _class(self) -> str:
        negated = self.src.startswith("^", self.pos)
        if negated:
            self.pos += 1
        ranges: list[Range] = []
        while True:
            if self.pos >= len(self.src):
                raise PatternUntranslatable("unterminated character class")
            if self.src[self.pos] == "]":
                self.pos += 1
                break
            if self.sets_mode and (self.src[self.pos] == "[" or self.src.startswith(("&&", "--"), self.pos)):
                raise PatternUntranslatable("v-flag set operations are not supported")
            low = self._class_atom()
            if isinstance(low, tuple):
                ranges.extend(low)
                continue
            if self.src.startswith("-", self.pos) and not self.src.startswith("-]", self.pos):
                self.pos += 1
                high = self._class_atom()
                if isinstance(high, tuple):  # `[a-\d]`: Annex B reads the dash literally
                    if self.unicode:
                        raise PatternUntranslatable("class escape in a range")
                    ranges.extend([(low, low), (0x2D, 0x2D), *high])
                    continue
                if high < low:
                    raise PatternUntranslatable("range out of order")
                ranges.append((low, high))
            else:
                ranges.append((low, low))
        for lo, hi in ranges:
            if lo <= 0xDFFF and hi >= 0xD800:
                _no_lone_surrogate(max(lo, 0xD800))
        merged = normalize_ranges(ranges)
        if self.fold:  # close under case first: [^a]/i must not match "A"
            merged = case_closure(merged)
        return class_text(complement(merged) if negated else merged)

    def _class_atom(self) -> int | tuple[Range, ...]:
        ch = self.src[self.pos]
        self.pos += 1
        if ch != "\\":
            code = ord(ch)
            if self.unicode and 0xD800 <= code <= 0xDBFF and self.pos < len(self.src):
                low = ord(self.src[self.pos])
                if 0xDC00 <= low <= 0xDFFF:
                    self.pos += 1
                    return 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
            return code
        if self.pos >= len(self.src):
            raise PatternUntranslatable("trailing backslash")
        esc = self.src[self.pos]
        self.pos += 1
        ranges = self._class_escape(esc)
        if ranges is not None:
            return ranges
        if esc == "b":
            return 0x08
        if esc == "-":
            return 0x2D
        return self._char_escape(esc)
