"""Spec drift: fetch the published spec, snapshot what is new, and alert on contract changes once they have
persisted (debounce.py), with the diff report, a Markdown alert and a Slack-compatible payload to a webhook.

Exit codes (see `DriftOutcome.exit_code`): 0 no change, a pending change, a flap, or a change below --fail-on;
1 a confirmed change at or above --fail-on; 2 the spec could not be fetched or is unusable (raised as
SpecSourceError: nothing is snapshotted).
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

from ..fsutil import atomic_write
from .debounce import Debounce, DriftState, Pending
from .model import DiffResult


@dataclass
class DriftOutcome:
    status: str  # "unchanged" | "baseline" | "pending" | "changed" | "flap"
    snapshot_id: str | None = None
    previous_id: str | None = None  # the baseline compared against
    result: DiffResult | None = None
    files: list[Path] = field(default_factory=list)
    webhook: object | None = None  # alerts.Delivery when a webhook was given
    fail_on: str | None = None
    pending: Pending | None = None  # while a change waits for confirmation, or the window a flap spanned
    flapped: tuple[list[str], list[str]] = ([], [])  # (appeared then vanished, vanished then came back)

    @property
    def exit_code(self) -> int:
        return 1 if self.status == "changed" and self.result is not None and self.result.fails(self.fail_on) else 0


def check_drift(source: str, store_dir: str | Path, *, webhook: str | None = None, fail_on: str | None = None,
                alert_dir: str | Path | None = None, fetch_options=None, validate: bool = True,
                webhook_retries: int = 3, webhook_backoff: float = 0.5, debounce: Debounce | None = None,
                now: dt.datetime | None = None, review=None) -> DriftOutcome:
    """REVIEW: a function DiffResult -> DiffResult (severity overrides, approvals; see review.py) applied to what
    an alert would say; a change it leaves empty is settled without an alert."""
    from ..spec.fetch import is_url
    from ..spec.sources import load_file, load_url
    from ..spec.store import SnapshotStore, canonical_sha256
    from .engine import compare

    debounce = debounce or Debounce()
    now = now or dt.datetime.now(dt.timezone.utc)
    store_dir = Path(store_dir)
    store = SnapshotStore(store_dir)
    # Only the source itself: no fallback to the store or a mirror, which would hide that the source is down.
    # SpecSourceError (exit 2) leaves the store untouched.
    loaded = load_url(source, store=store, options=fetch_options) if is_url(source) else load_file(source)
    latest = store.latest()
    if latest is None:
        entry, _ = store.add(loaded, validate=validate)
        DriftState(baseline=entry.id).save(store_dir)
        return DriftOutcome("baseline", entry.id, None, fail_on=fail_on)
    state = DriftState.load(store_dir)
    baseline = _entry(store, state.baseline) or latest
    if getattr(loaded, "unchanged", False) or latest.sha256 == canonical_sha256(loaded.document):
        entry, document = latest, None  # the newest snapshot is what is published
    else:
        entry, _ = store.add(loaded, validate=validate)
        document = loaded.document
    if entry.sha256 == baseline.sha256 and state.pending is None:
        if state.baseline != baseline.id:
            state.baseline = baseline.id
            state.save(store_dir)
        return DriftOutcome("unchanged", entry.id, baseline.id, fail_on=fail_on)
    new_doc = document if document is not None else store.load_document(entry)
    alert_root = Path(alert_dir or store_dir / "alerts")
    alert = _Alert(store, source, alert_root, webhook, webhook_retries, webhook_backoff, fail_on, review)
    pending = state.pending
    if pending is not None and pending.current not in (None, entry.id) and debounce.confirmed(pending, now):
        # what was published before this fetch outlived the debounce before it was replaced: alert it now
        confirmed = _entry(store, pending.current)
        if confirmed is not None:
            outcome = alert.send(baseline, confirmed, store.load_document(confirmed), pending)
            state.baseline, state.pending = confirmed.id, None
            if compare(outcome_doc := store.load_document(confirmed), new_doc).changes:
                state.pending = Pending(since=now.isoformat())
                state.pending.observe(entry.id, _ops(outcome_doc), _ops(new_doc), now)
            else:
                state.baseline = entry.id
            state.save(store_dir)
            alert.deliver(outcome)
            return outcome
    old_doc = store.load_document(baseline)
    result = compare(old_doc, new_doc, old_label=baseline.id, new_label=entry.id)
    base_ops, ops = _ops(old_doc), _ops(new_doc)
    if not result.changes:
        # the contract is the baseline's again (or only its text changed): a pending window was a flap
        state.pending, state.baseline = None, entry.id
        state.save(store_dir)
        if pending is None:
            return DriftOutcome("unchanged", entry.id, baseline.id, result, fail_on=fail_on)
        outcome = DriftOutcome("flap", entry.id, baseline.id, result, fail_on=fail_on, pending=pending,
                               flapped=(list(pending.appeared), list(pending.vanished)))
        outcome.files = _write_flap(outcome, source, alert_root)
        if webhook:  # once, as information: a flap is worth knowing about, never worth a page
            from .alerts import flap_payload, post_webhook

            outcome.webhook = post_webhook(webhook, flap_payload(source=source, outcome=outcome),
                                           retries=webhook_retries, backoff=webhook_backoff)
        return outcome
    pending = pending or Pending(since=now.isoformat())
    pending.observe(entry.id, base_ops, ops, now)
    if not debounce.confirmed(pending, now):
        state.pending = pending
        state.save(store_dir)
        return DriftOutcome("pending", entry.id, baseline.id, result, fail_on=fail_on, pending=pending)
    outcome = alert.send(baseline, entry, new_doc, pending, result)
    state.baseline, state.pending = entry.id, None
    state.save(store_dir)  # before the POST: a crash while posting must not alert the same change again
    alert.deliver(outcome)
    return outcome


def _ops(document: dict) -> set[str]:
    from ..spec.model import iter_operations

    return {op.label for op in iter_operations(document)}


@dataclass
class _Alert:
    store: object
    source: str
    alert_dir: Path
    webhook: str | None
    retries: int
    backoff: float
    fail_on: str | None
    review: object = None
    payload: dict | None = None

    def send(self, baseline, entry, document: dict, pending: Pending, result: DiffResult | None = None) -> DriftOutcome:
        """Write the alert files for baseline -> ENTRY (the POST happens in deliver, after the state is saved)."""
        from .engine import compare

        if result is None:
            result = compare(self.store.load_document(baseline), document, old_label=baseline.id, new_label=entry.id)
        if self.review is not None:
            result = self.review(result)
        outcome = DriftOutcome("changed", entry.id, baseline.id, result, fail_on=self.fail_on, pending=pending,
                               flapped=pending.flapped(_ops(document)))
        if result.changes:  # everything approved or dropped by an override: settled, nothing to alert
            outcome.files, self.payload = _write_alert(outcome, self.source, self.alert_dir)
        return outcome

    def deliver(self, outcome: DriftOutcome) -> None:
        if self.webhook and self.payload is not None:
            from .alerts import post_webhook

            outcome.webhook = post_webhook(self.webhook, self.payload, retries=self.retries, backoff=self.backoff)
            _append_delivery(outcome)


def _entry(store, snapshot_id: str | None):
    if not snapshot_id:
        return None
    try:
        return store.get(snapshot_id)
    except Exception:  # noqa: BLE001 -- a baseline pruned from the store: start again from the newest snapshot
        return None


def _write_alert(outcome: DriftOutcome, source: str, alert_dir: Path) -> tuple[list[Path], dict]:
    from .alerts import alert_markdown, slack_payload
    from .renderers import render

    result = outcome.result
    folder = alert_dir / outcome.snapshot_id
    folder.mkdir(parents=True, exist_ok=True)
    payload = slack_payload(result, source=source, snapshot_id=outcome.snapshot_id, pending=outcome.pending,
                            flapped=outcome.flapped)
    files = {
        "diff.md": render(result, "markdown"),
        "diff.json": render(result, "json"),
        "alert.md": alert_markdown(result, source=source, snapshot_id=outcome.snapshot_id,
                                   report_path=str(folder / "diff.md"), pending=outcome.pending,
                                   flapped=outcome.flapped),
        "slack.json": json.dumps(payload, indent=2, ensure_ascii=False) + "\n",
    }
    return [atomic_write(folder / name, text) for name, text in files.items()], payload


def _write_flap(outcome: DriftOutcome, source: str, alert_dir: Path) -> list[Path]:
    """One record of a partial publish that reverted before it was confirmed (an informational message, never
    an alert)."""
    from .alerts import flap_markdown, flap_payload

    folder = alert_dir / f"flap-{outcome.snapshot_id}"
    folder.mkdir(parents=True, exist_ok=True)
    payload = json.dumps(flap_payload(source=source, outcome=outcome), indent=2, ensure_ascii=False) + "\n"
    return [atomic_write(folder / "flap.md", flap_markdown(source=source, outcome=outcome)),
            atomic_write(folder / "slack.json", payload)]


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
