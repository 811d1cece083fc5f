"""Spec drift: fetch the published spec, compare it with the newest snapshot, and on a change snapshot it,
write the diff report and an alert, and notify a webhook.

Exit codes (see `DriftOutcome.exit_code`): 0 no change or below --fail-on, 1 a change at or above --fail-on,
2 the spec could not be fetched or is unusable (raised as SpecSourceError: nothing is snapshotted).
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

from ..fsutil import atomic_write
from .model import DiffResult


@dataclass
class DriftOutcome:
    status: str  # "unchanged" | "baseline" | "changed"
    snapshot_id: str | None = None
    previous_id: str | None = None
    result: DiffResult | None = None
    files: list[Path] = field(default_factory=list)
    webhook: object | None = None  # alerts.Delivery when a webhook was given
    fail_on: str | None = None

    @property
    def exit_code(self) -> int:
        return 1 if self.result is not None and self.result.fails(self.fail_on) else 0


def check_drift(source: str, store_dir: str | Path, *, webhook: str | None = None, fail_on: str | None = None,
                alert_dir: str | Path | None = None, fetch_options=None, validate: bool = True,
                webhook_retries: int = 3, webhook_backoff: float = 0.5) -> DriftOutcome:
    from ..spec.fetch import is_url
    from ..spec.sources import load_file, load_url
    from ..spec.store import SnapshotStore, canonical_sha256
    from .engine import compare

    store = SnapshotStore(store_dir)
    # Only the source itself: no fallback to the store or a mirror, which would hide that the source is down.
    # SpecSourceError (exit 2) leaves the store untouched.
    if is_url(source):
        loaded = load_url(source, store=store, options=fetch_options)
    else:
        loaded = load_file(source)
    latest = store.latest()
    if getattr(loaded, "unchanged", False) or (latest is not None and latest.sha256 == canonical_sha256(loaded.document)):
        return DriftOutcome("unchanged", latest.id if latest else None, latest.id if latest else None, fail_on=fail_on)
    if latest is None:
        entry, _ = store.add(loaded, validate=validate)
        return DriftOutcome("baseline", entry.id, None, fail_on=fail_on)
    previous = store.load_document(latest)
    result = compare(previous, loaded.document, old_label=latest.id, new_label="published")
    entry, _ = store.add(loaded, validate=validate)
    result.new_label = entry.id
    outcome = DriftOutcome("changed", entry.id, latest.id, result, fail_on=fail_on)
    if not result.changes:
        return outcome  # the text changed (descriptions, examples) but not the contract: snapshot only
    outcome.files, payload = _write_alert(result, source, entry.id, Path(alert_dir or Path(store_dir) / "alerts"))
    if webhook:
        from .alerts import post_webhook

        outcome.webhook = post_webhook(webhook, payload, retries=webhook_retries, backoff=webhook_backoff)
        _append_delivery(outcome)
    return outcome


def _write_alert(result: DiffResult, source: str, snapshot_id: str, alert_dir: Path) -> tuple[list[Path], dict]:
    from .alerts import alert_markdown, slack_payload
    from .renderers import render

    folder = alert_dir / snapshot_id
    folder.mkdir(parents=True, exist_ok=True)
    payload = slack_payload(result, source=source, snapshot_id=snapshot_id)
    files = {
        "diff.md": render(result, "markdown"),
        "diff.json": render(result, "json"),
        "alert.md": alert_markdown(result, source=source, snapshot_id=snapshot_id,
                                   report_path=str(folder / "diff.md")),
        "slack.json": json.dumps(payload, indent=2, ensure_ascii=False) + "\n",
    }
    written = []
    for name, text in files.items():
        written.append(atomic_write(folder / name, text))
    return written, payload


def _append_delivery(outcome: DriftOutcome) -> None:
    delivery = outcome.webhook
    line = (f"\nWebhook: delivered ({delivery.detail})\n" if delivery.ok
            else f"\nWebhook: FAILED after {delivery.attempts} attempt(s): {delivery.detail}\n")
    alert = next((p for p in outcome.files if p.name == "alert.md"), None)
    if alert is not None:
        with alert.open("a", encoding="utf-8") as fh:
            fh.write(line)
    if not delivery.ok:
        print(f"vapi-contract: webhook delivery failed after {delivery.attempts} attempt(s): {delivery.detail}",
              file=sys.stderr)
