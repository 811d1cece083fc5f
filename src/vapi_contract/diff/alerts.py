"""Drift alerts: a Markdown note and a Slack-compatible JSON payload, and delivery to a webhook with retries.
A webhook that fails is reported (returned and printed), never raised."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .model import DiffResult
from .renderers import headline, reach

SLACK_TEXT_LIMIT = 2900  # Slack rejects section text past 3000 characters


def alert_markdown(result: DiffResult, *, source: str, snapshot_id: str, report_path: str | None = None) -> str:
    lines = [f"# Spec drift: {source}", "", f"New snapshot `{snapshot_id}` (previous `{result.old_label}`).", "",
             f"**{headline(result)}**", ""]
    for change in result.at_least("warning")[:25]:
        lines.append(f"- **{change.level}** `{change.id}` {reach(change)}: {change.message}")
    if len(result.at_least("warning")) > 25:
        lines.append(f"- … {len(result.at_least('warning')) - 25} more")
    if report_path:
        lines += ["", f"Full report: `{report_path}`"]
    return "\n".join(lines) + "\n"


def slack_payload(result: DiffResult, *, source: str, snapshot_id: str) -> dict[str, Any]:
    summary = result.summary()
    icon = ":rotating_light:" if summary["error"] else ":warning:" if summary["warning"] else ":information_source:"
    title = f"{icon} Vapi spec drift: {headline(result)}"
    bullets = []
    for change in result.at_least("warning"):
        bullets.append(f"• *{change.level}* `{change.id}` {reach(change)}: {change.message}")
    body, used = [], 0
    for bullet in bullets:
        if used + len(bullet) + 1 > SLACK_TEXT_LIMIT:
            body.append(f"… and {len(bullets) - len(body)} more")
            break
        body.append(bullet)
        used += len(bullet) + 1
    blocks: list[dict[str, Any]] = [
        {"type": "section", "text": {"type": "mrkdwn", "text": title}},
        {"type": "context", "elements": [{"type": "mrkdwn",
                                          "text": f"source {source} · snapshot `{snapshot_id}` · previous `{result.old_label}`"}]},
    ]
    if body:
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": "\n".join(body)}})
    return {"text": title, "blocks": blocks, "summary": summary, "snapshot": snapshot_id}


@dataclass
class Delivery:
    ok: bool
    attempts: int
    detail: str  # "HTTP 200" or why it failed


def post_webhook(url: str, payload: dict[str, Any], *, retries: int = 3, timeout: float = 10.0,
                 backoff: float = 0.5, sleep: Callable[[float], None] = time.sleep) -> Delivery:
    import httpx

    detail = ""
    attempts = retries + 1
    for attempt in range(1, attempts + 1):
        try:
            response = httpx.post(url, content=json.dumps(payload).encode(), timeout=timeout,
                                  headers={"Content-Type": "application/json"})
        except httpx.HTTPError as exc:
            detail = f"{type(exc).__name__}: {str(exc).strip()[:200] or 'no detail'}"
        else:
            if 200 <= response.status_code < 300:
                return Delivery(True, attempt, f"HTTP {response.status_code}")
            detail = f"HTTP {response.status_code}"
            if response.status_code < 500 and response.status_code != 429:
                return Delivery(False, attempt, detail)  # a client error will not fix itself
        if attempt < attempts:
            sleep(backoff * 2 ** (attempt - 1))
    return Delivery(False, attempts, detail)
