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
