"""The report's name for the run-dir reader (it lives with the evidence model: vapi_contract/evidence/reader.py)."""

from vapi_contract.evidence.reader import (  # noqa: F401 - re-exported
    COVERAGE,
    DEFAULT_MAX_EVIDENCE_MB,
    EVIDENCE_KINDS,
    Evidence,
    evidence_files,
    load_evidence,
    max_evidence_bytes,
    read_jsonl,
)
