"""Build every report of a run dir from its evidence: summary.json, junit.xml, summary.md, index.html."""

from __future__ import annotations

import datetime as _dt
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

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
    redactor = Redactor([*secrets, *env_secrets()])
    scrubbed = scrub_evidence(run_dir, redactor) if run_dir.is_dir() else []
    evidence = load_evidence(run_dir)
    evidence.warnings += [f"{name} contained an API key; it was redacted in place" for name in scrubbed]
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


def scrub_evidence(run_dir: Path, redactor: Redactor) -> list[str]:
    """Redact secrets from evidence files written around the RunWriter (a raw key in a worker's crash dump).

    Returns the names of the files rewritten. Only the secrets change: each file is rewritten atomically.
    """
    if not redactor.secrets:
        return []
    names = []
    for path in sorted(run_dir.glob("*.jsonl")) + [run_dir / "run.json"]:
        if not path.is_file():
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        if redactor.contains_secret(text):
            atomic_write_text(path, redactor.serialized(text))
            names.append(path.name)
    return names


def schema_path() -> Path:
    """The JSON Schema documenting summary.json (shipped in the package)."""
    return Path(__file__).with_name("schemas") / "summary.schema.json"
