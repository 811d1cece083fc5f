"""Evidence of a contract run, streamed to its run dir as it happens (see docs/report.md, "Run directory").

The contract layer hands the typed records of `model.py` (`Finding`, `OperationRecord`, `SpecIssue`); a plain
mapping is written as given (test fixtures, the report's merge of shards, resources and coverage counts).

A killed run still leaves its evidence: every record is one JSON line written with a single `os.write` on an
`O_APPEND` descriptor and fsync'd, and `run.json` is replaced atomically. Under pytest-xdist each worker writes
its own files (`findings.gw0.jsonl`), so lines from different processes never interleave; readers glob
`findings*.jsonl`.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import re
import secrets as _random
import threading
import time
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from ..errors import UsageError, VapiContractError
from ..fsutil import atomic_write
from .model import Finding, OperationRecord, SpecIssue
from .redact import Redactor

KINDS = ("findings", "operations", "resources", "coverage")
SPEC_ISSUES = "spec-issues"  # spec problems found by workers during the run; merged into run.json's list


def utc_now() -> str:
    """ISO 8601 UTC timestamp with a `Z` suffix, second precision plus milliseconds."""
    now = _dt.datetime.now(_dt.timezone.utc)
    return now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"


def new_run_id(now: _dt.datetime | None = None) -> str:
    """`20261121T123456Z-1a2b3c`: sortable by start time, unique across shards started the same second."""
    now = now or _dt.datetime.now(_dt.timezone.utc)
    return now.strftime("%Y%m%dT%H%M%SZ") + "-" + _random.token_hex(3)


def default_worker() -> str | None:
    """The pytest-xdist worker id (`gw0`...) when running inside one, else None (single process)."""
    return os.environ.get("PYTEST_XDIST_WORKER") or None


class EvidenceWriteError(VapiContractError):
    """The run dir stopped accepting evidence (read-only, full disk): the run could not record, so it could not
    test (exit 3), and what was written so far stays readable."""

    exit_code = 3


def write_failure(path: Path | str, exc: OSError) -> str:
    """`cannot write PATH: No space left on device`: the one line every output error shows."""
    return f"cannot write {path}: {exc.strerror or exc}"


def atomic_write_text(path: Path, text: str) -> None:
    """Write `text` to `path` atomically and durably (see `vapi_contract.fsutil.atomic_write`); a folder that
    refuses the write (read-only, full disk) is a one-line UsageError and the old file is left as it was."""
    try:
        atomic_write(path, text)
    except OSError as exc:
        raise UsageError(write_failure(path, exc)) from None


MAX_RECORD_DEPTH = 100  # the writer's records nest a few levels; a deeper one would exhaust the recursion of reports


def too_deep(value: Any, limit: int = MAX_RECORD_DEPTH) -> bool:
    """True when VALUE nests deeper than LIMIT (checked without recursion; reports walk records recursively)."""
    stack = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            return True
        if isinstance(node, dict):
            stack.extend((v, depth + 1) for v in node.values())
        elif isinstance(node, list):
            stack.extend((v, depth + 1) for v in node)
    return False


LOCK_NAME = ".vapi-contract.lock"
# Every file a run writes into its run dir: anything else means the folder is not (only) a previous run.
_RUN_FILE = re.compile(r"^(run\.json|(findings|operations|resources|coverage|spec-issues)(\.[\w-]+)?\.jsonl"
                       r"|summary\.json|junit\.xml|summary\.md|index\.html|\..+\.tmp|" + re.escape(LOCK_NAME) + ")$")


def claim_run_dir(run_dir: Path | str) -> tuple[Any, str | None]:
    """Make `run_dir` ready for a new run: an absent or empty folder is used as is; one that holds only a previous
    run's files is cleared (a rerun into the same `--report-dir` must not mix two runs' evidence); anything else
    (foreign files, subfolders, another run still writing there) is refused with a one-line UsageError.

    Returns (held lock, one-line note or None). Keep the lock until the run ends: a second run into the same
    folder is refused while it is held.
    """
    from filelock import FileLock, Timeout

    run_dir = Path(run_dir)
    if run_dir.exists() and not run_dir.is_dir():
        raise UsageError(f"--report-dir {run_dir} is a file, not a directory")
    try:
        run_dir.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(run_dir / LOCK_NAME))
        lock.acquire(timeout=0)
    except Timeout:
        raise UsageError(f"--report-dir {run_dir}: another run is writing there; choose another directory") from None
    except OSError as exc:
        raise UsageError(f"--report-dir {run_dir}: cannot write there ({exc.strerror or exc})") from None
    entries = [p for p in run_dir.iterdir() if p.name != LOCK_NAME]
    if not entries:
        return lock, None
    foreign = sorted(p.name for p in entries if p.is_dir() or not _RUN_FILE.match(p.name))
    if foreign or not (run_dir / "run.json").exists() and not any(p.suffix == ".jsonl" for p in entries):
        lock.release()
        listed = foreign or sorted(p.name for p in entries)  # report-like names alone: no evidence to replace
        shown = ", ".join(listed[:3]) + (", ..." if len(listed) > 3 else "")
        raise UsageError(f"--report-dir {run_dir} is not empty and is not a run directory (holds {shown}); "
                         "choose a new or empty directory")
    previous = _previous_run_id(run_dir)
    try:
        for path in entries:
            path.unlink(missing_ok=True)
    except OSError as exc:
        lock.release()
        raise UsageError(f"--report-dir {run_dir}: cannot clear the previous run ({exc.strerror or exc})") from None
    return lock, (f"--report-dir {run_dir} held a previous run ({previous}); its {len(entries)} file(s) were removed, "
                  "this run starts clean")


def _previous_run_id(run_dir: Path) -> str:
    try:
        meta = json.loads((run_dir / "run.json").read_text(encoding="utf-8"))
        return f"run {meta['run_id']}" if isinstance(meta, dict) and meta.get("run_id") else "run id unknown"
    except (OSError, ValueError):
        return "run id unknown"


def _deep_merge(base: dict[str, Any], update: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in update.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


class RunWriter:
    """Appends redacted evidence records to `run_dir`; usable from the controller and every xdist worker.

    `RunWriter(run_dir, secrets)`: `secrets` are the literal strings (API keys) replaced by `***` in every
    string written, keys included. `worker` defaults to `$PYTEST_XDIST_WORKER`; with a worker id the files
    are `findings.<worker>.jsonl`, otherwise `findings.jsonl`.

    Durability: each record is one `os.write`, so it is in the kernel the moment `finding()` returns and a
    killed process loses nothing. Against a machine crash, the file is fsync'd when at least `fsync_interval`
    seconds passed since its last fsync (default 0.2 s: an fsync costs ~5 ms here, per record it would cap
    a run at ~200 records/s) and always on `close()`; `fsync_interval=0` syncs every record, `fsync=False` never.
    """

    def __init__(
        self,
        run_dir: Path | str,
        secrets: Iterable[str | None] = (),
        *,
        worker: str | None = None,
        fsync: bool = True,
        fsync_interval: float = 0.2,
    ):
        self.run_dir = Path(run_dir)
        try:
            self.run_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise EvidenceWriteError(write_failure(self.run_dir, exc)) from None
        self.redactor = Redactor(secrets)
        self.worker = worker if worker is not None else default_worker()
        self.fsync = fsync
        self.fsync_interval = fsync_interval
        self._fds: dict[str, int] = {}
        self._synced_at: dict[str, float] = {}
        self._dirty: set[str] = set()
        self._lock = threading.Lock()
        self._meta: dict[str, Any] | None = None

    # -- run.json -------------------------------------------------------------------------------------
    @property
    def run_json(self) -> Path:
        return self.run_dir / "run.json"

    def start(self, meta: dict[str, Any]) -> dict[str, Any]:
        """Write `run.json` for a starting run; fills `run_id`, `started_at` and `status: "running"` if absent.

        A run that never calls `finish` keeps `status: "running"`, which reports show as interrupted.
        """
        record = {
            "run_id": meta.get("run_id") or new_run_id(),
            "started_at": meta.get("started_at") or utc_now(),
            "finished_at": None,
            "status": "running",
            "exit_code": None,
        }
        record.update({k: v for k, v in meta.items() if v is not None or k not in record})
        self._write_meta(record)
        return self._meta  # type: ignore[return-value]

    def finish(self, meta_update: dict[str, Any]) -> dict[str, Any]:
        """Merge `meta_update` into `run.json` (nested dicts like `timings` merge key by key) and rewrite it.

        Sets `finished_at` and, unless given, `status: "completed"`.
        """
        self.sync()
        current = self._meta if self._meta is not None else self.read_meta()
        merged = _deep_merge(current, meta_update)
        merged["finished_at"] = meta_update.get("finished_at") or utc_now()
        if "status" not in meta_update:
            merged["status"] = "completed"
        self._write_meta(merged)
        return self._meta  # type: ignore[return-value]

    def read_meta(self) -> dict[str, Any]:
        try:
            return json.loads(self.run_json.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}

    def _write_meta(self, meta: dict[str, Any]) -> None:
        clean = self.redactor.value(meta)
        try:
            atomic_write(self.run_json, json.dumps(clean, ensure_ascii=False, indent=2) + "\n")
        except OSError as exc:
            raise EvidenceWriteError(write_failure(self.run_json, exc)) from None
        self._meta = clean

    # -- evidence streams -----------------------------------------------------------------------------
    def finding(self, record: Finding | Mapping[str, Any]) -> None:
        """Append one finding; `time` is filled in when missing."""
        if isinstance(record, Finding):
            record = {**record.to_json(), "time": record.time or utc_now()}
        self._append("findings", {"time": utc_now(), **record} if isinstance(record, dict) else record)

    def operation(self, record: OperationRecord | Mapping[str, Any]) -> None:
        """Append the result of one operation once its tests have finished."""
        self._append("operations", record.to_json() if isinstance(record, OperationRecord) else record)

    def resource(self, record: dict[str, Any]) -> None:
        """Append a resource the run created / deleted / failed to delete on the target."""
        self._append("resources", {"time": utc_now(), **record})

    def coverage(self, record: dict[str, Any]) -> None:
        """Append responses checked for one operation since the last flush (`{operation, statuses, checked,
        source, reason}`); the report sums them into the run's success-path coverage."""
        self._append("coverage", record)

    def spec_issue(self, record: SpecIssue | Mapping[str, Any]) -> None:
        """Append a spec issue found while testing; reports merge these with run.json's `spec_issues`
        (deduplicated by fingerprint), even when the run was killed."""
        self._append(SPEC_ISSUES, record.to_json() if isinstance(record, SpecIssue) else record)

    def path_for(self, kind: str) -> Path:
        suffix = f".{self.worker}" if self.worker else ""
        return self.run_dir / f"{kind}{suffix}.jsonl"

    def _append(self, kind: str, record: Any) -> None:
        if not isinstance(record, dict):
            raise TypeError(f"{kind} record must be a dict, got {type(record).__name__}")
        if too_deep(record):  # e.g. a deeply nested body the server echoed: keep the record, not that value
            record = {k: f"<nested deeper than {MAX_RECORD_DEPTH} levels: not recorded>"
                      if too_deep(v, MAX_RECORD_DEPTH - 1) else v for k, v in record.items()}
        line = (self.redactor.dumps(record, separators=(",", ":")) + "\n").encode("utf-8")
        with self._lock:
            try:
                self._write_line(kind, line)
            except OSError as exc:
                raise EvidenceWriteError(write_failure(self.path_for(kind), exc)) from None

    def _write_line(self, kind: str, line: bytes) -> None:
        """One whole line on the O_APPEND descriptor (caller holds the lock)."""
        fd = self._fds.get(kind)
        if fd is None:
            fd = os.open(self.path_for(kind), os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            self._fds[kind] = fd
        written = os.write(fd, line)
        while written < len(line):  # only on a full disk or a signal; keep the line whole if we can
            written += os.write(fd, line[written:])
        if self.fsync:
            now = time.monotonic()
            if now - self._synced_at.get(kind, float("-inf")) >= self.fsync_interval:
                os.fsync(fd)
                self._synced_at[kind] = now
                self._dirty.discard(kind)
            else:
                self._dirty.add(kind)

    # -- lifecycle ------------------------------------------------------------------------------------
    def sync(self) -> None:
        """fsync every stream written since its last fsync (called by `finish()` and `close()`)."""
        with self._lock:
            for kind in list(self._dirty):
                try:
                    os.fsync(self._fds[kind])
                except OSError as exc:
                    raise EvidenceWriteError(write_failure(self.path_for(kind), exc)) from None
                self._synced_at[kind] = time.monotonic()
            self._dirty.clear()

    def close(self) -> None:
        with self._lock:
            for kind, fd in self._fds.items():
                try:
                    if kind in self._dirty:
                        os.fsync(fd)
                    os.close(fd)
                except OSError:
                    pass
            self._fds.clear()
            self._dirty.clear()

    def __enter__(self) -> RunWriter:  # noqa: PYI034 - py3.10 has no typing.Self
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:  # pragma: no cover - best effort when the owner forgot close()
        if getattr(self, "_fds", None):
            self.close()
