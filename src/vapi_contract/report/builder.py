"""Build every report of a run dir from its evidence: summary.json, junit.xml, summary.md, index.html."""

from __future__ import annotations

import datetime as _dt
import json
from pathlib import Path
from typing import Any, Iterable

from .baseline import Baseline
from .baseline import load as load_baseline
from .dashboard import render_dashboard
from .evidence import load_evidence
from .junit import render_junit
from .markdown import render_markdown
from .redact import Redactor, env_secrets
from .summary import summarize
from .writer import atomic_write_text

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
    None (every finding is new). `secrets` are masked in every file in addition to the API keys found in the
    environment (VAPI_API_KEY, VAPI_API_KEY_SECONDARY), even though the writer already redacted the evidence.
    Every file is replaced atomically, so a failed build never leaves a half-written report.
    """
    run_dir = Path(run_dir)
    loaded = load_baseline(baseline) if isinstance(baseline, (str, Path)) else baseline
    evidence = load_evidence(run_dir)
    redactor = Redactor([*secrets, *env_secrets()])
    summary = redactor.value(summarize(evidence, loaded, today=today))
    rendered = {
        "summary.json": json.dumps(summary, indent=2, ensure_ascii=False) + "\n",
        "junit.xml": render_junit(summary),
        "summary.md": render_markdown(summary),
        "index.html": render_dashboard(summary),
    }
    for name, text in rendered.items():  # render everything first: nothing is written if one renderer fails
        rendered[name] = redactor.serialized(text)
    for name, text in rendered.items():
        atomic_write_text(run_dir / name, text)
    return summary


def schema_path() -> Path:
    """The JSON Schema documenting summary.json (shipped in the package)."""
    return Path(__file__).with_name("schemas") / "summary.schema.json"
