"""oneOf branches that one valid payload can match twice: strict oneOf rejects it, a real server does not.

With lenient_oneof, such a oneOf becomes anyOf (the discriminator, if any, stays next to it).
"""

from __future__ import annotations

from typing import Any

from vapi_contract.spec.quirks.context import Context
from vapi_contract.spec.quirks.rules import schema_rule
from vapi_contract.spec.quirks.rules._facts import disjoint, facts_of


@schema_rule("oneOf")
def fix(schema: dict[str, Any], pointer: str, ctx: Context) -> None:
    branches = schema["oneOf"]
    if not isinstance(branches, list) or len(branches) < 2:
        return
    overlap = first_overlap(branches, ctx)
    if overlap is None:
        return
    i, j = overlap
    names = [_name(branches[k], k) for k in (i, j)]
    ctx.moved(branches, pointer + "/oneOf")
    if ctx.lenient_oneof and "anyOf" not in schema:
        schema["anyOf"] = schema.pop("oneOf")
        action = "read as anyOf"
    elif ctx.lenient_oneof:  # both present: keep both constraints, relax the oneOf one
        schema["allOf"] = [*schema.get("allOf", []), {"anyOf": schema.pop("oneOf")}]
        action = "read as anyOf"
    else:
        action = "kept strict"
    ctx.report(
        "oneof-overlap", pointer + "/oneOf",
        f"oneOf branches {names[0]} and {names[1]} can match the same value; {action}",
    )


def first_overlap(branches: list[Any], ctx: Context) -> tuple[int, int] | None:
    facts = [facts_of(b, ctx) for b in branches]
    if _tagged(facts):
        return None
    for i in range(len(facts)):
        for j in range(i + 1, len(facts)):
            if not disjoint(facts[i], facts[j]):
                return i, j
    return None


def _tagged(facts: list) -> bool:
    """Fast path for discriminated unions: one property every branch requires, with disjoint values."""
    common = frozenset.intersection(*(f.required for f in facts))
    for name in common:
        value_sets = [f.properties.get(name) for f in facts]
        if any(v is None or v.values is None for v in value_sets):
            continue
        if len(frozenset().union(*(v.values for v in value_sets))) == sum(len(v.values) for v in value_sets):
            return True
    return False


def _name(branch: Any, index: int) -> str:
    if isinstance(branch, dict):
        if isinstance(branch.get("$ref"), str):
            return f"#{index} ({branch['$ref'].rsplit('/', 1)[-1]})"
        if isinstance(branch.get("title"), str):
            return f"#{index} ({branch['title']})"
    return f"#{index}"
