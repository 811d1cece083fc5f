import os
import stat

import pytest

from vapi_contract.fsutil import atomic_write


def test_writes_text_and_bytes_readable_by_others(tmp_path):
    target = atomic_write(tmp_path / "a" / "b.json", "{}\n")
    assert target.read_text() == "{}\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    atomic_write(target, b"\x1f\x8b", durable=False)
    assert target.read_bytes() == b"\x1f\x8b"


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temp(tmp_path, monkeypatch):
    target = tmp_path / "index.json"
    atomic_write(target, "old")

    def refuse(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(OSError):
        atomic_write(target, "new")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["index.json"]
