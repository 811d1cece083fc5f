"""Configuration from the environment: pointing at the live API is a configuration change only."""

from __future__ import annotations

import os
from pathlib import Path

DEFAULT_SPEC_URL = "https://api.vapi.ai/api-json"
DEFAULT_BASE_URL = "https://api.vapi.ai"
DEFAULT_STORE = Path("specs/vapi")


def spec_url() -> str:
    return os.environ.get("VAPI_SPEC_URL", DEFAULT_SPEC_URL)


def base_url() -> str:
    return os.environ.get("VAPI_BASE_URL", DEFAULT_BASE_URL)


def api_key() -> str | None:
    return os.environ.get("VAPI_API_KEY") or None


def secondary_api_key() -> str | None:
    return os.environ.get("VAPI_API_KEY_SECONDARY") or None


def spec_mirror() -> Path | None:
    value = os.environ.get("VAPI_SPEC_MIRROR")
    return Path(value) if value else None


def store_dir() -> Path:
    return Path(os.environ.get("VAPI_CONTRACT_STORE", str(DEFAULT_STORE)))


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "vapi-contract"
