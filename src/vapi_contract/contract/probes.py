"""Auth probes: every operation that requires bearer auth answers 401 without a token and with a wrong one. Path
ids are random UUIDs and bodies empty, so even a server that ignores auth is not asked to touch a real object.
Sent through the one response-check path, so a 401 in the wrong shape or content type is a finding too."""

from __future__ import annotations

import uuid
from typing import Any

from ..spec.model import split_label
from . import triage


def auth_probe(engine, label: str) -> list[dict[str, Any]]:
    method, template = split_label(label)
    path = template
    for part in [p for p in template.split("/") if p.startswith("{")]:
        path = path.replace(part, str(uuid.uuid4()))
    body = {} if method in ("POST", "PATCH", "PUT") else None
    problems = []
    for variant, key in (("no token", None), ("wrong token", f"wrong-{uuid.uuid4()}")):
        response = engine.exchange(label, method, path, json=body, key=key, source="auth")
        if response.status_code == 401:
            continue
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        curl = triage.curl(method, engine.ctx.base_url + path, headers, "{}" if body is not None else None,
                           engine.secrets)
        again = engine.exchange(label, method, path, json=body, key=key, source="auth", check=False).status_code
        problems.append(engine.finding(
            label, "auth_required", f"{variant}: answered {response.status_code}, expected 401",
            status_code=response.status_code, reproducer=curl, flaky=again == 401,
            classification=triage.SERVER_BUG if response.status_code not in triage.INFRA_STATUS else triage.INFRA))
    return problems
