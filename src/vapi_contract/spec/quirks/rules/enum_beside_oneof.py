"""An `enum` next to a `oneOf`/`anyOf` whose branches admit more (88 times, e.g. OpenAIVoice.voiceId:
enum = the presets, oneOf = [presets, any "OpenAI Voice ID" string]). The spec contradicts itself; the
branches state the intent (custom IDs are accepted), so the enum beside them is dropped.
An enum equal to the union of the branch enums (LMNTVoice.language) is harmless and kept.
"""

from __future__ import annotations

from typing import Any

from vapi_contract.spec.quirks.context import Context
from vapi_contract.spec.quirks.rules import schema_rule
from vapi_contract.spec.quirks.rules._facts import facts_of
from vapi_contract.spec.quirks.rules._values import canonical


@schema_rule("enum")
def fix(schema: dict[str, Any], pointer: str, ctx: Context) -> None:
    enum = schema["enum"]
    branches = schema.get("oneOf") if isinstance(schema.get("oneOf"), list) else schema.get("anyOf")
    if not isinstance(enum, list) or not isinstance(branches, list) or not branches:
        return
    allowed = {canonical(v) for v in enum}
    wider = []
    for index, branch in enumerate(branches):
        values = facts_of(branch, ctx).values
        if values is None or not values <= allowed:
            wider.append(index)
    if wider:
        del schema["enum"]
        ctx.report(
            "enum-contradicts-oneof", pointer + "/enum",
            f"enum beside oneOf/anyOf rejects what branch(es) {wider} accept; enum dropped, branches apply",
        )
