"""Combine the run dirs of `--shard I/N` runs (different operations, same spec) into one run dir + reports."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..errors import UsageError
from ..evidence.model import RunMeta, SpecIssue
from ..evidence.reader import COVERAGE, EVIDENCE_KINDS, Evidence, evidence_files, load_evidence
from ..evidence.redact import Redactor, env_secrets
from ..evidence.writer import atomic_write_text, new_run_id

_SHARD = re.compile(r"^(\d+)/(\d+)$")


def _same(values: list[Any]) -> Any:
    distinct = {json.dumps(v, sort_keys=True) for v in values}
    return values[0] if len(distinct) == 1 else None


def _status(shards: list[RunMeta]) -> str:
    statuses = {m.status for m in shards}
    if statuses == {"completed"}:
        return "completed"
    if "error" in statuses:
        return "error"
    return "interrupted"


def _shard_warnings(metas: list[RunMeta]) -> list[str]:
    seen: dict[int, set[int]] = {}
    for meta in metas:
        match = _SHARD.match(meta.shard or "")
        if match:
            seen.setdefault(int(match.group(2)), set()).add(int(match.group(1)))
    warnings = []
    for total, indexes in seen.items():
        missing = sorted(set(range(1, total + 1)) - indexes)
        if missing:
            warnings.append(f"merged {len(indexes)} of {total} shards: shard(s) "
                            f"{', '.join(f'{i}/{total}' for i in missing)} missing, results are partial")
    if len(seen) > 1:
        warnings.append(f"merged shards of different splits ({', '.join(f'N={n}' for n in sorted(seen))})")
    return warnings


def merged_meta(shards: list[Evidence]) -> RunMeta:
    metas = [e.meta for e in shards]
    starts = [m.started_at for m in metas if m.started_at]
    ends = [m.finished_at for m in metas]
    codes = [m.exit_code for m in metas]
    timings: dict[str, float | None] = {}
    for meta in metas:  # shards run in parallel: wall-clock phases are the slowest shard's
        for key, value in meta.timings.items():
            if value is not None:
                timings[key] = max(timings.get(key) or 0.0, value)
    issues: dict[str, SpecIssue] = {}
    for meta in metas:
        for issue in meta.spec_issues:
            issues.setdefault(issue.key(), issue)
    workers = [m.workers for m in metas]
    return RunMeta(
        run_id=new_run_id(),
        started_at=min(starts) if starts else None,
        finished_at=max(ends) if ends and all(ends) else None,  # type: ignore[type-var]
        status=_status(metas),
        exit_code=max(codes) if all(isinstance(c, int) for c in codes) else None,  # type: ignore[type-var]
        target=metas[0].target,
        spec=metas[0].spec,
        profile=_same([m.profile for m in metas]),
        seed=_same([m.seed for m in metas]),
        max_examples=_same([m.max_examples for m in metas]),
        workers=sum(w for w in workers if isinstance(w, int)) or None,
        shard=None,
        options=_merged_options(metas),
        timings=timings,
        spec_issues=list(issues.values()),
        merged_from=[m.run_id or e.run_dir.name for m, e in zip(metas, shards)],
        shards=[{"run_id": m.run_id, "dir": str(e.run_dir), "shard": m.shard, "status": m.status,
                 "exit_code": m.exit_code, "timings": m.timings} for m, e in zip(metas, shards)],
        merge_warnings=[*_shard_warnings(metas), *(f"{e.run_dir.name}: {w}" for e in shards for w in e.warnings)],
    )


def _check_out_dir(out_dir: Path, inputs: list[Path]) -> None:
    resolved = out_dir.resolve()
    if any(resolved == p.resolve() for p in inputs):
        raise UsageError(f"--out {out_dir} is one of the run dirs being merged; choose a new directory")
    if not out_dir.exists():
        return
    previous = out_dir / "run.json"
    is_merge = previous.is_file() and "merged_from" in previous.read_text(encoding="utf-8", errors="replace")
    worker_files = [p for kind in EVIDENCE_KINDS for p in evidence_files(out_dir, kind) if p.name != f"{kind}.jsonl"]
    if (previous.exists() and not is_merge) or worker_files:
        raise UsageError(f"--out {out_dir} already holds the evidence of a run; choose a new directory")


def _check_distinct(shards: list[Evidence]) -> None:
    """The same run twice (the same folder, or a copy of it) would count its cases, coverage and leaks twice."""
    seen: dict[str, Path] = {}
    for evidence in shards:
        run_id = evidence.meta.run_id
        for key in (f"dir {evidence.run_dir.resolve()}", f"run {run_id}" if run_id else None):
            if key is None:
                continue
            if key in seen:
                raise UsageError(f"{evidence.run_dir} and {seen[key]} are the same {key.split(' ', 1)[0]} "
                                 f"({key.split(' ', 1)[1]}); give each shard once")
            seen[key] = evidence.run_dir


def merge(
    run_dirs: Iterable[Path | str], out_dir: Path | str, baseline: Path | str | None = None
) -> dict[str, Any]:
    """Write the shards' combined evidence to `out_dir` and build its reports; returns the summary.

    Refuses (UsageError, one line) fewer than one input, inputs run against different specs (sha256), and an
    `out_dir` that is an input or holds another run's evidence.
    """
    from .builder import build

    inputs = [Path(p) for p in run_dirs]
    out = Path(out_dir)
    if not inputs:
        raise UsageError("report merge needs at least one run directory")
    _check_out_dir(out, inputs)
    shards = [load_evidence(p) for p in inputs]
    _check_distinct(shards)
    shas = {str((e.meta.spec or {}).get("sha256")): e.run_dir.name for e in shards}
    if len(shas) > 1:
        listed = ", ".join(f"{name}={sha[:12]}" for sha, name in shas.items())
        raise UsageError(f"cannot merge runs of different specs (spec sha256 differ: {listed})")
    meta = merged_meta(shards)
    redactor = Redactor(env_secrets())  # a raw key in a shard's evidence is not copied into the merged run
    out.mkdir(parents=True, exist_ok=True)
    for kind in EVIDENCE_KINDS:  # coverage records are summed by the report, so shards' records just concatenate
        if kind == COVERAGE and not any(e.files.get(kind) for e in shards):
            (out / f"{kind}.jsonl").unlink(missing_ok=True)  # older runs: no coverage evidence, figure stays n/a
            continue
        lines = []
        for evidence in shards:
            label = evidence.meta.shard or evidence.run_dir.name
            lines += [redactor.dumps({**r, "shard": r.get("shard", label)}, separators=(",", ":"))
                      for r in evidence.raw_records(kind)]
        atomic_write_text(out / f"{kind}.jsonl", "".join(line + "\n" for line in lines))
    atomic_write_text(out / "run.json", redactor.dumps(meta.to_json(), indent=2) + "\n")
    return build(out, baseline)


def _merged_options(metas: list[RunMeta]) -> dict[str, Any]:
    """The first shard's options, with `selected` the union of every shard's: a merged run that misses any
    shard's test is incomplete, not only one that misses shard 1's."""
    options = dict(metas[0].options)
    lists = [m.options.get("selected") for m in metas]
    if all(isinstance(x, list) for x in lists):
        options["selected"] = sorted({label for x in lists for label in x})
    elif "selected" in options:
        options.pop("selected")  # some shard did not record its selection: judge the merge as before
    return options
