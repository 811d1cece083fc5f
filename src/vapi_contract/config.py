"""Configuration from the environment: pointing at the live API is a configuration change only."""

from __future__ import annotations

import os
from pathlib import Path

DEFAULT_SPEC_URL = "https://api.vapi.ai/api-json"
DEFAULT_BASE_URL = "https://api.vapi.ai"
DEFAULT_STORE = Path("specs/vapi")
# The shared history of published versions, when it sits beside the checkout (or beside the current folder).
DEFAULT_MIRROR = Path("..") / "shared" / "vapi-spec-history"
# Names the private file through which a contract run's workers find the run (contract/context.py); read by the
# pytest plugin too, which loads in every session and so imports nothing heavier than this module.
CONTEXT_ENV = "VAPI_CONTRACT_CONTEXT"


def spec_url() -> str:
    return os.environ.get("VAPI_SPEC_URL", DEFAULT_SPEC_URL)


def base_url() -> str:
    return os.environ.get("VAPI_BASE_URL", DEFAULT_BASE_URL)


def api_key() -> str | None:
    return os.environ.get("VAPI_API_KEY") or None


def secondary_api_key() -> str | None:
    return os.environ.get("VAPI_API_KEY_SECONDARY") or None


def spec_mirror() -> Path | None:
    """VAPI_SPEC_MIRROR when set (empty: no mirror), else `../shared/vapi-spec-history` beside the current folder
    or beside this checkout when it holds an index.json, so plain pytest on the suite and `vapi-contract run` find
    it without `make`."""
    value = os.environ.get("VAPI_SPEC_MIRROR")
    if value is not None:
        return Path(value) if value else None
    checkout = Path(__file__).resolve().parents[2]  # src/vapi_contract/config.py -> the checkout (editable install)
    for base in (Path.cwd(), checkout):
        candidate = (base / DEFAULT_MIRROR).resolve()
        if (candidate / "index.json").is_file():
            return candidate
    return None


def store_dir() -> Path:
    return Path(os.environ.get("VAPI_CONTRACT_STORE", str(DEFAULT_STORE)))


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "vapi-contract"
