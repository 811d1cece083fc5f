"""The report's name for the run-dir writer (it lives with the evidence model: vapi_contract/evidence/writer.py)."""

from vapi_contract.evidence.writer import (  # noqa: F401 - re-exported
    KINDS,
    LOCK_NAME,
    MAX_RECORD_DEPTH,
    SPEC_ISSUES,
    EvidenceWriteError,
    RunWriter,
    atomic_write_text,
    claim_run_dir,
    default_worker,
    new_run_id,
    too_deep,
    utc_now,
    write_failure,
)
