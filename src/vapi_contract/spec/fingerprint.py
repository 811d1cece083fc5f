"""The one fingerprint recipe of the project: the first hex digits of sha256 over an identity's parts.

Every kind of evidence that must be recognised again in a later run (a spec validation error in a known-errors
baseline, a quirk the spec normalisation reported, a contract finding in accepted-findings.yaml, a spec issue a
contract run met) is named by `fingerprint(*parts)`. Only the framing differs per kind, and it is pinned, because
stored baselines hold these values: changing a separator or a length would turn every accepted entry into "new".

| kind                                   | parts                                          | separator | hex digits |
|----------------------------------------|------------------------------------------------|-----------|------------|
| spec error (`spec validate`)           | check, keyword, pointer                        | NUL       | 16         |
| quirk (`spec quirks`, SpecIssue.make)  | kind, pointer                                  | none      | 16         |
| contract finding (accepted-findings)   | operation, check, classification, stable cause | US (0x1f) | 20         |
| spec issue met by a contract run       | kind, pointer, stable cause                    | US (0x1f) | 20         |

The spec layer is the bottom of the stack, so every layer (spec, contract, report) can import this module.
"""

from __future__ import annotations

import hashlib
import re

FIELD_SEP = "\x1f"  # ASCII unit separator: cannot occur in an operation label, a check name or a JSON pointer
DIGITS = 20


def fingerprint(*parts: str, sep: str = FIELD_SEP, length: int = DIGITS) -> str:
    """sha256 over PARTS joined by SEP (UTF-8), its first LENGTH hex digits."""
    return hashlib.sha256(sep.join(parts).encode("utf-8")).hexdigest()[:length]


def spec_error(check: str, keyword: str, pointer: str) -> str:
    """A validation error: where (pointer) and what failed (check, keyword); survives rewording of the message."""
    return fingerprint(check, keyword, pointer, sep="\x00", length=16)


def quirk(kind: str, pointer: str) -> str:
    """A quirk of the spec, addressed in the original document (docs/quirks.md: sha256(kind + pointer)[:16])."""
    return fingerprint(kind, pointer, sep="", length=16)


def finding(operation: str, check: str, classification: str, cause: str) -> str:
    """A contract finding: made of its cause only, with generated values removed (`stable_cause`)."""
    return fingerprint(operation, check, classification, stable_cause(cause))


def run_issue(kind: str, pointer: str, message: str) -> str:
    """A spec issue a contract run met (an unsendable case, a slow operation...): deduplicated across workers."""
    return fingerprint(kind, pointer, stable_cause(message))


_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?")
_LONG_NUMBER = re.compile(r"(?<![\w.])-?\d{4,}(\.\d+)?|\d+\.\d+")
_LONG_QUOTED = re.compile(r"'[^']{25,}'|\"[^\"]{25,}\"")
_HEX = re.compile(r"\b[0-9a-f]{16,}\b")
_PORT = re.compile(r"(127\.0\.0\.1|localhost|\[::1\]):\d+")


def stable_cause(text: str) -> str:
    """The part of a failure message that names its cause (its first line), without ids, times, ports, or random
    generated data."""
    line = (text or "").strip().splitlines()[0] if (text or "").strip() else ""
    for pattern, placeholder in ((_UUID, "<uuid>"), (_TIME, "<time>"), (_PORT, "<host>"), (_HEX, "<hex>"),
                                 (_LONG_QUOTED, "<value>"), (_LONG_NUMBER, "<n>")):
        line = pattern.sub(placeholder, line)
    return re.sub(r"\s+", " ", line)[:300]
