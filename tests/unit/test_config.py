"""The default spec mirror is found without make: beside the current folder, else beside the checkout."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from vapi_contract import config

REPO = Path(__file__).resolve().parents[2]


def _history(root: Path) -> Path:
    folder = root / "shared" / "vapi-spec-history"
    folder.mkdir(parents=True)
    (folder / "index.json").write_text(json.dumps({"versions": []}))
    return folder


def test_an_explicit_value_wins_and_empty_means_none(monkeypatch, tmp_path):
    monkeypatch.setenv("VAPI_SPEC_MIRROR", str(tmp_path / "elsewhere"))
    assert config.spec_mirror() == tmp_path / "elsewhere"
    monkeypatch.setenv("VAPI_SPEC_MIRROR", "")
    assert config.spec_mirror() is None


def test_unset_finds_the_shared_history_beside_the_current_folder(monkeypatch, tmp_path):
    monkeypatch.delenv("VAPI_SPEC_MIRROR", raising=False)
    history = _history(tmp_path)
    (tmp_path / "clone").mkdir()
    monkeypatch.chdir(tmp_path / "clone")
    assert config.spec_mirror() == history.resolve()


def test_unset_falls_back_to_the_history_beside_the_checkout(monkeypatch, tmp_path):
    monkeypatch.delenv("VAPI_SPEC_MIRROR", raising=False)
    monkeypatch.chdir(tmp_path)  # nothing beside this folder
    beside = (REPO.parent / "shared" / "vapi-spec-history").resolve()
    assert config.spec_mirror() == (beside if (beside / "index.json").is_file() else None)


def test_the_cli_outside_make_and_outside_the_repo_finds_the_mirror(tmp_path, spec_history):
    """`vapi-contract plan` from an unrelated folder, no VAPI_SPEC_MIRROR, no live spec, an empty store: the spec
    comes from the shared history beside the checkout (spec_history skips this test where there is none)."""
    env = {k: v for k, v in os.environ.items() if k != "VAPI_SPEC_MIRROR"}
    env.update(VAPI_SPEC_URL="off", VAPI_CONTRACT_STORE=str(tmp_path / "store"), XDG_CACHE_HOME=str(tmp_path / "c"))
    result = subprocess.run([str(REPO / ".venv" / "bin" / "vapi-contract"), "plan"], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("plan against the twin") and " operations" in result.stdout.splitlines()[0]
