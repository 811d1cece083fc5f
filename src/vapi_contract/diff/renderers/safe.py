"""Spec text is untrusted: a path or enum value may carry `<!channel>`, `<http://evil|docs>`, raw HTML or
Markdown links. These helpers make it inert for each place it is shown (issue 11 item 4)."""

from __future__ import annotations

import re

_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~])")  # emphasis, code, links/images ([...]), tables, strikethrough


def md_text(text: str) -> str:
    """Plain Markdown text: HTML escaped (no tags, no entities of the spec's own), Markdown syntax neutralised so
    the spec cannot make links, images or emphasis; one line."""
    text = str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", text).replace("\r", " ").replace("\n", " ")


def md_code(text: str) -> str:
    """A Markdown code span, for our own identifiers (rule ids, snapshot ids). Nothing inside is interpreted, but
    a renderer that is not CommonMark might, so `<` and `>` become look-alikes and a backtick (which would end
    the span) a quote."""
    text = str(text).replace("`", "'").replace("<", "‹").replace(">", "›").replace("\r", " ").replace("\n", " ")
    return "`" + text.replace("|", "\\|") + "`"


def slack_text(text: str) -> str:
    """Slack mrkdwn: `&`, `<` and `>` are its control characters (`<!channel>`, `<url|label>`); escaped, the
    text shows as written and can neither ping nor link."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_code(text: str) -> str:
    return "`" + slack_text(str(text).replace("`", "'")) + "`"
