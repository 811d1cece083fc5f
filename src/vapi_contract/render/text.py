"""Messages short enough for a table cell, a PR comment line or a JUnit failure title."""

from __future__ import annotations

import ast
import json
import re

# jsonschema-style messages start with the whole offending instance ("{...3 KB...} is not valid under ...");
# what failed is in the tail, so that is what a reader needs.
_VERDICT = re.compile(r"\s(is not|is too|does not|should not|should be|has non-unique|was expected|"
                      r"is a required|are not allowed|is valid under each)\b")


def _first_paragraph(message: object) -> str:
    return " ".join(str(message or "").strip().split("\n\n", 1)[0].split())


def _last_verdict(text: str) -> re.Match[str] | None:
    """Where what failed starts: the last verdict phrase (the instance before it may quote verdict words)."""
    match = None
    for match in _VERDICT.finditer(text):
        pass
    return match


def one_line(message: object, limit: int = 160) -> str:
    text = _first_paragraph(message)
    if len(text) <= limit:
        return text
    match = _last_verdict(text)
    if match is not None and len(text) - match.start() < limit:
        head = text[: max(0, limit - (len(text) - match.start()) - 2)]
        return f"{head}…{text[match.start():]}".strip()
    return text[: limit - 1] + "…"


def plural(count: int, noun: str, nouns: str | None = None) -> str:
    """`1 finding`, `0 findings`, `2 findings`; NOUNS for an irregular plural (`plural(n, "entry", "entries")`).
    The one way every terminal line, verdict and report counts things."""
    return f"{count} {noun if count == 1 else nouns or noun + 's'}"


def findings_text(counts: dict[str, int]) -> str:
    """A run's findings as `findings: 11 new, 78 known, 1 fixed`, plus `(+1 new infrastructure problem)` when the
    target failed to answer: `new` is what fails a verdict (contract findings), so every line shows that number."""
    new = counts.get("new_contract", counts.get("new", 0))
    infra = counts.get("new", new) - new
    extra = f" (+{plural(infra, 'new infrastructure problem')})" if infra > 0 else ""
    return f"findings: {new} new{extra}, {counts.get('known', 0)} known, {counts.get('fixed', 0)} fixed"


def whole_reason(message: object, instance_limit: int = 80) -> str:
    """A validator message with its whole reason: the first paragraph on one line, the offending instance it
    quotes first (up to 36 KB of a schema) shortened to INSTANCE_LIMIT characters, what failed kept entire,
    and the repeated items named when the reason is `has non-unique elements`. Never cut at the end."""
    text = _first_paragraph(message)
    match = _last_verdict(text)
    if match is None:
        return text
    instance, verdict = text[: match.start()], text[match.start():]
    if verdict.strip().startswith("has non-unique"):
        repeated = _repeated(instance)
        if repeated:
            verdict += f" (repeated: {', '.join(repeated)})"
    if len(instance) > instance_limit:
        instance = instance[: instance_limit - 1] + "…"
    return instance + verdict


def _repeated(instance: str) -> list[str]:
    """Items listed more than once in a quoted JSON or Python list, in the order they first repeat."""
    items = None
    for parse in (json.loads, ast.literal_eval):
        try:
            items = parse(instance)
            break
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            continue
    if not isinstance(items, list):
        return []
    seen: set[str] = set()
    shown: list[str] = []
    for item in items:
        key = json.dumps(item, sort_keys=True, default=str)
        if key in seen and key not in shown:
            shown.append(key)
        seen.add(key)
    return shown


def md_text(value: object, limit: int = 300) -> str:
    """Untrusted text (spec paths, server messages) for a Markdown table cell or list item: one line, no table
    breaks, no raw HTML (a path like `/<img src=x>` shows as text in a PR comment or job summary)."""
    text = one_line(value, limit)
    return text.replace("&", "&amp;").replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")


def md_code(value: object, limit: int = 160) -> str:
    """Untrusted text as an inline code span: literal there, so only backticks and newlines need care."""
    return "`" + one_line(value, limit).replace("`", "'") + "`"
