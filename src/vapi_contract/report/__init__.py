"""report area: turns a contract run's evidence (its run dir) into summary.json, junit.xml, summary.md and a
self-contained index.html dashboard; baseline triage (new / known / fixed); shard merging.

Public entry points (imported lazily so importing a submodule stays cheap):
- `build(run_dir, baseline=None) -> dict`            render every report of a run dir, return the summary
- `merge(run_dirs, out_dir, baseline=None) -> dict`  combine shard run dirs into one and build its reports
- (the run-dir writer and reader are `vapi_contract.evidence`)
"""

from __future__ import annotations

from typing import Any

__all__ = ["build", "merge"]


def __getattr__(name: str) -> Any:
    if name == "build":
        from .builder import build

        return build
    if name == "merge":
        from .merging import merge

        return merge
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
