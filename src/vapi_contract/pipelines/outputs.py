"""Where the jobs write (their out dir): one atomic write, and a folder that refuses it is one line, exit 2."""

from __future__ import annotations

from pathlib import Path

from ..errors import UsageError
from ..fsutil import atomic_write


def make_out_dir(out: Path) -> Path:
    """OUT, created; a file in the way, a read-only parent or a full disk is a one-line UsageError."""
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {out} is a file, not a directory")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"--out {out}: cannot create it ({exc.strerror or exc})") from None
    return out


def write_output(path: Path, data: str | bytes) -> Path:
    """Replace PATH atomically (never half a verdict or dashboard); a write the disk refuses is one line."""
    try:
        return atomic_write(path, data)
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None
