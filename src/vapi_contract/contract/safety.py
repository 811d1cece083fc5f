"""Which operations may run against a live account: the one reviewed place that decides it.

Three kinds of operation, derived from the spec (path, method, operationId), never from a hard-coded list of
today's labels, so a new endpoint of an existing kind is classified without a code change:

- `read`: GET/HEAD. Safe everywhere.
- `mutating`: create/update/delete of a stored object. In `safe-live` (the default on a URL) fuzzed only on
  objects the run created itself: creates whose objects it tracks and deletes, writes addressed to its own ids.
- `cost`: costs money or reaches the real world (placing calls, campaigns, buying phone numbers, chats and LLM
  runs, eval / structured-output / insight runs, analytics queries are reads). Excluded unless `--allow-cost`.

Review rule: a change here changes what a nightly run may do to a customer's account; it needs a test in
tests/unit/contract/test_safety.py against the real spec.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

# First path segment (after an optional version prefix) of resource families whose CREATE reaches the real
# world or spends money: a call dials a phone, a campaign dials many, a phone number is bought, a chat/session
# runs an LLM conversation.
COST_CREATE_FAMILIES = frozenset({"call", "campaign", "phone-number", "chat", "session"})
# Last path segment of POSTs that execute something billable (LLM, eval, insight run, preview, OpenAI proxy).
COST_ACTION_SEGMENTS = frozenset({"run", "runs", "preview", "responses", "test", "execute", "completions"})
# operationId verbs with the same meaning, for endpoints whose path does not say it.
COST_OPERATION_ID = re.compile(r"_(run|preview|createOpenAIChat|dial|buy|purchase|execute|test)\w*$", re.IGNORECASE)
# Updates that can restart a real-world action (a campaign resumed, a call controlled) are costly too.
COST_UPDATE_FAMILIES = frozenset({"call", "campaign"})
# Read-only queries sent with POST.
QUERY_POSTS = frozenset({"analytics"})


@dataclass(frozen=True)
class Classification:
    kind: str  # "read" | "mutating" | "cost"
    reason: str

    @property
    def is_cost(self) -> bool:
        return self.kind == "cost"


def _segments(path: str) -> list[str]:
    parts = [p for p in path.strip("/").split("/") if p]
    if parts and re.fullmatch(r"v\d+", parts[0]):
        parts = parts[1:]
    return parts


def family(path: str) -> str:
    """Resource family of a path: `/v2/phone-number/{id}` -> `phone-number`."""
    parts = _segments(path)
    return parts[0] if parts else ""


def classify(method: str, path: str, operation_id: str | None = None) -> Classification:
    method = method.upper()
    parts = _segments(path)
    fam = parts[0] if parts else ""
    last = next((p for p in reversed(parts) if not p.startswith("{")), "")
    if method in READ_METHODS:
        return Classification("read", "read-only method")
    if method == "POST" and fam in QUERY_POSTS:
        return Classification("read", f"POST /{fam} is a query")
    if method == "POST" and last in COST_ACTION_SEGMENTS and last != fam:
        return Classification("cost", f"POST .../{last} runs a billable action")
    if operation_id and COST_OPERATION_ID.search(operation_id):
        return Classification("cost", f"operation {operation_id} runs a billable or real-world action")
    if method == "POST" and fam in COST_CREATE_FAMILIES:
        return Classification("cost", f"creating a {fam} costs money or reaches the real world")
    if method in ("PATCH", "PUT") and fam in COST_UPDATE_FAMILIES:
        return Classification("cost", f"updating a {fam} can restart a real-world action")
    return Classification("mutating", f"{method} changes stored state")


def exclusion_reason(method: str, path: str, operation_id: str | None, *, live: bool, allow_cost: bool,
                     profile: str, deletable: bool = False) -> str | None:
    """Why this operation is not fuzzed in this run, or None when it is.

    In `safe-live` (a customer's account) writes are fuzzed only where they cannot touch what the run did not
    create: a create whose objects the run tracks and deletes (`deletable`: a `DELETE path/{id}` exists), and
    writes addressed by path ids, which get ids of objects the run created or generated ids that address
    nothing (contract/objects.py). Any other profile on a URL is a disposable staging organisation."""
    verdict = classify(method, path, operation_id)
    if verdict.is_cost and not allow_cost:
        return f"costly: {verdict.reason} (pass --allow-cost to include)"
    if verdict.kind == "mutating" and profile == "safe-live" and "{" not in path and not deletable:
        return ("safe-live: a write that is neither a create the run can undo nor addressed to an object it "
                "created")
    return None
