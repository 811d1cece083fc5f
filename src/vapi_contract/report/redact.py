"""The report's name for the one redactor (it lives with the evidence it protects: vapi_contract/evidence/redact.py)."""

from vapi_contract.evidence.redact import (  # noqa: F401 - re-exported
    ENV_KEYS,
    MASK,
    MIN_SECRET_LENGTH,
    Redactor,
    env_secrets,
    redact,
    short_key_notes,
)
