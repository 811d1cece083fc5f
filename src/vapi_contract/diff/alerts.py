"""Drift alerts: a Markdown note and a Slack-compatible JSON payload, and delivery to a webhook under the
project's retry policy (retry.py). A webhook that fails is reported (returned and printed), never raised.

Everything taken from the spec (paths, property names, enum values) is untrusted: it is escaped for Slack
(`&`, `<`, `>`, so `<!channel>` cannot ping and `<http://x|docs>` cannot disguise a link) and for Markdown
(no raw HTML, no links). URLs lose their credentials (spec.urls.redact_url) before they are shown or sent.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .model import DiffResult
from .renderers import headline, reach
from .renderers.safe import md_code, md_text, slack_code, slack_text

SLACK_TEXT_LIMIT = 2900  # Slack rejects section text past 3000 characters


def _source(source: str) -> str:
    from ..spec.urls import redact_text

    return redact_text(source)


def _window_lines(pending, flapped, text) -> list[str]:
    """What the debounce saw between the baseline and the alert, in TEXT's escaping."""
    lines = []
    if pending is not None and pending.fetches > 1:
        lines.append(f"Seen in {pending.fetches} consecutive fetches since {pending.since} "
                     f"({len(pending.snapshots)} snapshot(s)).")
    appeared, came_back = flapped
    if appeared:
        lines.append(f"{len(appeared)} operation(s) appeared and vanished again meanwhile (partial publish): "
                     + ", ".join(text(op) for op in appeared[:10]) + (" …" if len(appeared) > 10 else ""))
    if came_back:
        lines.append(f"{len(came_back)} operation(s) vanished and came back meanwhile: "
                     + ", ".join(text(op) for op in came_back[:10]) + (" …" if len(came_back) > 10 else ""))
    return lines


def alert_markdown(result: DiffResult, *, source: str, snapshot_id: str, report_path: str | None = None,
                   pending=None, flapped=((), ())) -> str:
    lines = [f"# Spec drift: {md_text(_source(source))}", "",
             f"New snapshot {md_code(snapshot_id)} (previous {md_text(result.old_label)}).", "",
             f"**{headline(result)}**", ""]
    window = _window_lines(pending, flapped, md_text)
    if window:
        lines += [*window, ""]
    for change in result.at_least("warning")[:25]:
        lines.append(f"- **{change.level}** {md_code(change.id)} {md_text(reach(change))}: {md_text(change.message)}")
    if len(result.at_least("warning")) > 25:
        lines.append(f"- … {len(result.at_least('warning')) - 25} more")
    if report_path:
        lines += ["", f"Full report: {md_code(report_path)}"]
    return "\n".join(lines) + "\n"


def flap_markdown(*, source: str, outcome) -> str:
    pending = outcome.pending
    lines = [f"# Spec flap: {md_text(_source(source))}", "",
             (f"The published contract differed from snapshot {md_code(outcome.previous_id)} from {pending.since} "
              f"for {pending.fetches} fetch(es) ({len(pending.snapshots)} snapshot(s)) and is back to it in "
              f"{md_code(outcome.snapshot_id)}. Not alerted: a partial publish that reverted."), ""]
    appeared, vanished = outcome.flapped
    if appeared:
        lines.append("Appeared and vanished again: " + ", ".join(md_text(op) for op in appeared))
    if vanished:
        lines.append("Vanished and came back: " + ", ".join(md_text(op) for op in vanished))
    return "\n".join(lines) + "\n"


def slack_payload(result: DiffResult, *, source: str, snapshot_id: str, pending=None,
                  flapped=((), ())) -> dict[str, Any]:
    summary = result.summary()
    icon = ":rotating_light:" if summary["error"] else ":warning:" if summary["warning"] else ":information_source:"
    title = f"{icon} Vapi spec drift: {headline(result)}"
    bullets = []
    for change in result.at_least("warning"):
        bullets.append(f"• *{change.level}* {slack_code(change.id)} {slack_text(reach(change))}: "
                       f"{slack_text(change.message)}")
    body, used = [], 0
    for bullet in bullets:
        if used + len(bullet) + 1 > SLACK_TEXT_LIMIT:
            body.append(f"… and {len(bullets) - len(body)} more")
            break
        body.append(bullet)
        used += len(bullet) + 1
    context = (f"source {slack_text(_source(source))} · snapshot {slack_code(snapshot_id)} · "
               f"previous {slack_code(result.old_label)}")
    blocks: list[dict[str, Any]] = [
        {"type": "section", "text": {"type": "mrkdwn", "text": title}},
        {"type": "context", "elements": [{"type": "mrkdwn", "text": context}]},
    ]
    window = _window_lines(pending, flapped, slack_code)
    if window:
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": "\n".join(window)[:SLACK_TEXT_LIMIT]}]})
    if body:
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": "\n".join(body)}})
    return {"text": title, "blocks": blocks, "summary": summary, "snapshot": snapshot_id}


def flap_payload(*, source: str, outcome) -> dict[str, Any]:
    """The one message a reverted partial publish gets: informational, nothing to do."""
    pending = outcome.pending
    title = (f":information_source: Vapi spec flap: a partial publish reverted after {pending.fetches} fetch(es); "
             "no action needed")
    appeared, vanished = outcome.flapped
    lines = [(f"source {slack_text(_source(source))} · back to snapshot {slack_code(outcome.previous_id)} "
              f"in {slack_code(outcome.snapshot_id)} · differed since {slack_text(pending.since)}")]
    if appeared:
        lines.append(f"appeared and vanished again: {', '.join(slack_code(op) for op in appeared[:10])}"
                     + (" …" if len(appeared) > 10 else ""))
    if vanished:
        lines.append(f"vanished and came back: {', '.join(slack_code(op) for op in vanished[:10])}"
                     + (" …" if len(vanished) > 10 else ""))
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": title}},
              {"type": "context", "elements": [{"type": "mrkdwn", "text": "\n".join(lines)[:SLACK_TEXT_LIMIT]}]}]
    return {"text": title, "blocks": blocks, "summary": {"error": 0, "warning": 0, "info": 0},
            "snapshot": outcome.snapshot_id, "flap": True}


@dataclass
class Delivery:
    ok: bool
    attempts: int
    detail: str  # "HTTP 200" or why it failed


def _hide(url: str) -> Callable[[str], str]:
    """A webhook URL is itself a secret (Slack's carries its token in the path): details name only its host."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(url)
        shown = f"{parts.scheme}://{parts.hostname or '?'}/***"
    except ValueError:
        shown = "webhook"
    return lambda text: text.replace(url, shown)


def post_webhook(url: str, payload: dict[str, Any], *, retries: int = 3, timeout: float = 10.0,
                 backoff: float = 0.5, sleep: Callable[[float], None] = time.sleep) -> Delivery:
    """POST PAYLOAD under the project's retry policy: 429/502/503/504 and transport errors are retried (with
    Retry-After honoured), any other answer is final."""
    import httpx

    from .. import retry

    hide = _hide(url)
    attempts = 0

    def send():
        nonlocal attempts
        attempts += 1
        return httpx.post(url, content=json.dumps(payload).encode(), timeout=timeout,
                          headers={"Content-Type": "application/json"})

    policy = retry.Policy(attempts=retries + 1, backoff=backoff, sleep=sleep)
    try:
        response = retry.call(send, policy)
    except retry.GaveUp as exc:
        return Delivery(False, exc.attempts, hide(exc.detail))
    except httpx.HTTPError as exc:  # not retryable (a bad URL, an unsupported scheme...)
        return Delivery(False, attempts, hide(retry.describe(exception=exc)))
    ok = 200 <= response.status_code < 300
    return Delivery(ok, attempts, f"HTTP {response.status_code}")
