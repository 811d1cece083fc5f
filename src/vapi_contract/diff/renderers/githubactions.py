"""GitHub Actions workflow commands: one `::error` / `::warning` / `::notice` annotation per change, on the spec
file (and on the line of the operation's path when the file is a plain JSON/YAML text that names it), so a
pull request shows each breaking change where the spec changed."""

from __future__ import annotations

from pathlib import Path

from ..model import DiffResult
from . import headline, reach

_COMMAND = {"error": "error", "warning": "warning", "info": "notice"}


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def _path_lines(spec_file: str | None) -> dict[str, int]:
    """{"/assistant/{id}": line} for the keys of `paths` as they appear in the file, best effort."""
    if not spec_file or spec_file.endswith(".gz"):
        return {}
    try:
        text = Path(spec_file).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return {}
    lines: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        for quote in ('"', "'", ""):
            if stripped.startswith(f"{quote}/"):
                end = stripped.find(f"{quote}:", 1) if quote else stripped.find(":")
                if end > 0:
                    lines.setdefault(stripped[len(quote):end], number)
                break
    return lines


def render_githubactions(result: DiffResult, spec_file: str | None = None) -> str:
    where = spec_file or result.new_label
    lines_by_path = _path_lines(spec_file)
    out = []
    for change in result.changes:
        props = [f"file={_property(where)}"]
        path = (change.operation or "").partition(" ")[2]
        if path in lines_by_path:
            props.append(f"line={lines_by_path[path]}")
        props.append(f"title={_property(f'{change.id} ({change.level})')}")
        out.append(f"::{_COMMAND[change.level]} {','.join(props)}::{_data(f'{reach(change)}: {change.message}')}")
    out.append(f"::notice title={_property('spec diff')}::{_data(f'{result.old_label} -> {result.new_label}: {headline(result)}')}")
    return "\n".join(out) + "\n"
