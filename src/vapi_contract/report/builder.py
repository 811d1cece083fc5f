"""Build every report of a run dir from its evidence: summary.json, junit.xml, summary.md, index.html."""

from __future__ import annotations

import datetime as _dt
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..evidence.reader import load_evidence
from ..evidence.redact import Redactor, env_secrets, short_key_notes
from ..evidence.writer import atomic_write_text
from .baseline import Baseline
from .baseline import load as load_baseline
from .dashboard import render_dashboard
from .junit import render_junit
from .markdown import render_markdown
from .summary import summarize

REPORT_FILES = ("summary.json", "junit.xml", "summary.md", "index.html")


def build(
    run_dir: Path | str,
    baseline: Path | str | Baseline | None = None,
    *,
    secrets: Iterable[str | None] = (),
    today: _dt.date | None = None,
) -> dict[str, Any]:
    """Render the reports of `run_dir` in place and return the summary dict (shape: summary.schema.json).

    `baseline`: a baseline file path (validated: a bad file is a one-line UsageError), a loaded `Baseline`, or
    None (every finding is new). `secrets` are masked in every report in addition to the API keys found in the
    environment (VAPI_API_KEY, VAPI_API_KEY_SECONDARY), even though the writer already redacted the evidence.
    The evidence itself is only read, never rewritten. Every report is replaced atomically, so a failed build
    never leaves a half-written report.
    """
    run_dir = Path(run_dir)
    loaded = load_baseline(baseline) if isinstance(baseline, (str, Path)) else baseline
    redactor = Redactor([*secrets, *env_secrets()])
    evidence = load_evidence(run_dir)
    evidence.warnings += short_key_notes()
    evidence.warnings += [f"{name} holds an API key written around the run's redactor: the reports mask it, the "
                          "evidence file is left unchanged (redact or delete it before sharing the run dir)"
                          for name in unredacted_evidence(run_dir, redactor)]
    summary = redactor.value(summarize(evidence, loaded, today=today))
    rendered = {
        "summary.json": json.dumps(summary, indent=2, ensure_ascii=False) + "\n",
        "junit.xml": render_junit(summary),
        "summary.md": render_markdown(summary),
        "index.html": render_dashboard(summary),
    }
    for name, text in rendered.items():  # render everything first: nothing is written if one renderer fails
        rendered[name] = redactor.rendered(text)
    for name, text in rendered.items():
        atomic_write_text(run_dir / name, text)
    return summary


def unredacted_evidence(run_dir: Path, redactor: Redactor) -> list[str]:
    """Names of evidence files that hold a declared secret (a raw key in a worker's crash dump, an older
    writer). Detection only: evidence is never rewritten, reports are built from redacted values."""
    if not redactor.secrets:
        return []
    names = []
    for path in sorted(run_dir.glob("*.jsonl")) + [run_dir / "run.json"]:
        try:
            with path.open("rb") as fh:
                if any(redactor.contains_secret(line.decode("utf-8", "replace")) for line in fh):
                    names.append(path.name)
        except OSError:
            continue
    return names


def schema_path() -> Path:
    """The JSON Schema documenting summary.json (shipped in the package)."""
    return Path(__file__).with_name("schemas") / "summary.schema.json"
