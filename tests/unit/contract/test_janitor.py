"""The janitor deletes tagged leftovers, and only those, on a real twin."""

from __future__ import annotations

import httpx

from vapi_contract.contract.resources import TAG_PREFIX, items_of, janitor, tag_name
from vapi_contract.contract.transport import Client
from vapi_contract.twin.server import start_twin


def test_janitor_deletes_tagged_objects_only(newest_spec_path, newest_spec):
    with start_twin(spec=newest_spec_path) as twin:
        headers = twin.headers()
        names = [tag_name("20261121T000000Z-abc123", "/assistant"), TAG_PREFIX + "old-tool", "customer assistant"]
        for name in names:
            assert httpx.post(twin.base_url + "/assistant", json={"name": name}, headers=headers).status_code == 201
        client = Client(twin.base_url)
        dry = janitor(client, newest_spec, headers, dry_run=True)
        assert len(dry) == 2 and not any(item["deleted"] for item in dry)
        found = janitor(client, newest_spec, headers)
        assert sorted(item["name"] for item in found) == sorted(names[:2]) and all(i["deleted"] for i in found)
        left = items_of(httpx.get(twin.base_url + "/assistant", headers=headers).json())
        assert [o["name"] for o in left] == ["customer assistant"]


def test_tag_names_fit_vapi_name_limits():
    name = tag_name("20261121T123456Z-1a2b3c", "/observability/scorecard")
    assert name.startswith(TAG_PREFIX + "1a2b3c-") and len(name) <= 40


def test_a_prefix_that_is_not_the_run_tag_needs_yes(newest_spec_path, monkeypatch, capsys):
    """`janitor --prefix v` would delete every object named v... on production: one line, exit 2, nothing sent;
    --dry-run lists them, --yes deletes them; the tag itself and a run's tag need neither."""
    from vapi_contract.cli import main
    from vapi_contract.contract.resources import broad_prefix

    assert broad_prefix(TAG_PREFIX) is None and broad_prefix(TAG_PREFIX + "1a2b3c") is None
    assert all(broad_prefix(p) for p in ("v", "", "vapi-contract", "VAPI-CONTRACT-"))
    with start_twin(spec=newest_spec_path) as twin:
        headers = twin.headers()
        monkeypatch.setenv("VAPI_API_KEY", headers["Authorization"].split(" ", 1)[1])
        for name in ("voice bot", TAG_PREFIX + "1a2b3c-assistant"):
            assert httpx.post(twin.base_url + "/assistant", json={"name": name}, headers=headers).status_code == 201
        common = ["janitor", "--target", twin.base_url, "--spec", str(newest_spec_path)]

        def names():
            return sorted(o["name"] for o in items_of(httpx.get(twin.base_url + "/assistant", headers=headers).json()))

        capsys.readouterr()
        assert main([*common, "--prefix", "v"]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "--prefix 'v' is not this project's run tag" in err and "--yes" in err
        assert names() == ["vapi-contract-1a2b3c-assistant", "voice bot"]
        assert main([*common, "--prefix", "v", "--dry-run"]) == 0
        out = capsys.readouterr().out
        assert "would delete" in out and "voice bot" in out and names() == ["vapi-contract-1a2b3c-assistant", "voice bot"]
        assert main([*common, "--prefix", TAG_PREFIX + "1a2b3c"]) == 0
        assert names() == ["voice bot"]
        assert main([*common, "--prefix", "v", "--yes"]) == 0
        assert names() == []
