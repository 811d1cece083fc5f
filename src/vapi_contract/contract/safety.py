"""Which operations may run against a live account: the one reviewed place that decides it.

Default-deny. Three kinds of operation, derived from the spec (path, method, operationId and the spec's other
paths), never from a hard-coded list of today's labels:

- `read`: GET/HEAD, and the POST queries listed in LISTED. Safe everywhere.
- `mutating`: a write recognised as create/update/delete of an object the run can own: `POST P` where
  `DELETE P/{x}` exists (the run deletes what it made), and `PATCH|PUT|DELETE P/{x}` where that `POST P` exists.
  In `safe-live` (the default on a URL) fuzzed only on objects the run created itself.
- `cost`: costs money or reaches the real world (placing calls, campaigns, buying phone numbers, chats and LLM
  runs, eval / structured-output / insight runs), and **every write not recognised above**: an action endpoint
  (`POST .../suggest`, `POST /x/{id}/invite`), a create nothing can undo, a write to a path of another shape.
  Excluded unless `--allow-cost`, on the twin too, and the plan and report give the reason. A write that is safe
  after all is listed in LISTED (with its reason) after review.

Review rule: a change here changes what a nightly run may do to a customer's account; it needs a test in
tests/unit/contract/test_safety.py against the real spec.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

# The allow-list: operations (fnmatch patterns on "METHOD /path") whose kind was reviewed by hand, with the reason.
# Only what the structural rules below would get wrong goes here.
LISTED: dict[str, tuple[str, str]] = {
    "POST /analytics": ("read", "POST /analytics is a query"),
}

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
# Last segments that read as a verb: only used to word the reason of an unrecognised write.
ACTION_VERBS = frozenset({
    "activate", "add", "buy", "call", "cancel", "charge", "clone", "complete", "connect", "control", "credit",
    "deactivate", "dial", "disable", "discover", "enable", "end", "execute", "export", "generate", "import",
    "invite", "join", "leave", "migrate", "pause", "publish", "purchase", "refresh", "reset", "resume", "retry",
    "say", "send", "start", "stop", "suggest", "sync", "transfer", "trigger", "upload", "validate", "verify",
})


@dataclass(frozen=True)
class Classification:
    kind: str  # "read" | "mutating" | "cost"
    reason: str
    recognised: bool = True  # False: a write no rule knows (default-deny made it `cost`)

    @property
    def is_cost(self) -> bool:
        return self.kind == "cost"


def _segments(path: str) -> list[str]:
    parts = [p for p in path.strip("/").split("/") if p]
    if parts and re.fullmatch(r"v\d+", parts[0]):
        parts = parts[1:]
    return parts


def _is_param(segment: str) -> bool:
    return segment.startswith("{") and segment.endswith("}") and "/" not in segment


def family(path: str) -> str:
    """Resource family of a path: `/v2/phone-number/{id}` -> `phone-number`."""
    parts = _segments(path)
    return parts[0] if parts else ""


def listed(method: str, path: str) -> tuple[str, str] | None:
    label = f"{method.upper()} {path}"
    return next((entry for pattern, entry in LISTED.items() if fnmatch.fnmatchcase(label, pattern)), None)


def _items_of(paths: Mapping[str, Any], collection: str) -> list[str]:
    """`collection/{x}` paths (one level down, ending in a parameter)."""
    return [p for p in paths if p.startswith(collection + "/{") and _is_param(p[len(collection) + 1:])]


def _has(paths: Mapping[str, Any], path: str, method: str) -> bool:
    item = paths.get(path)
    return isinstance(item, Mapping) and method.lower() in item


def recognised(method: str, path: str, paths: Mapping[str, Any]) -> str | None:
    """What a write is, when its shape in the spec says so: 'create', 'update', 'delete', else None."""
    method = method.upper()
    last = path.rstrip("/").rsplit("/", 1)[-1]
    if method == "POST":  # `/provider/{provider}/{resourceName}` is a collection too
        if any(_has(paths, item, "delete") for item in _items_of(paths, path.rstrip("/"))):
            return "create"
        return None
    if method in ("PATCH", "PUT", "DELETE") and _is_param(last):
        collection = path.rstrip("/").rsplit("/", 1)[0]
        if collection and _has(paths, collection, "post") and recognised("POST", collection, paths) == "create":
            return "delete" if method == "DELETE" else "update"
    return None


def _intrinsic(method: str, path: str, operation_id: str | None) -> Classification | None:
    """Reads, listed operations and writes that cost money whatever the spec's shape."""
    parts = _segments(path)
    fam = parts[0] if parts else ""
    last = next((p for p in reversed(parts) if not p.startswith("{")), "")
    if method in READ_METHODS:
        return Classification("read", "read-only method")
    entry = listed(method, path)
    if entry is not None:
        return Classification(*entry)
    if method == "POST" and last in COST_ACTION_SEGMENTS and last != fam:
        return Classification("cost", f"POST .../{last} runs a billable action")
    if operation_id and COST_OPERATION_ID.search(operation_id):
        return Classification("cost", f"operation {operation_id} runs a billable or real-world action")
    if method == "POST" and fam in COST_CREATE_FAMILIES:
        return Classification("cost", f"creating a {fam} costs money or reaches the real world")
    if method in ("PATCH", "PUT") and fam in COST_UPDATE_FAMILIES:
        return Classification("cost", f"updating a {fam} can restart a real-world action")
    return None


def _unrecognised(method: str, path: str) -> Classification:
    last = path.rstrip("/").rsplit("/", 1)[-1]
    if method == "POST" and last.lower() in ACTION_VERBS:
        what = f"POST .../{last} is an action endpoint"
    elif method == "POST" and not _is_param(last):
        what = f"POST {path} is not a create the run can undo (no DELETE {path}/{{id}})"
    elif not _is_param(last):
        what = f"{method} .../{last} is an action on a path, not on an object"
    else:
        what = f"{method} {path} addresses objects the run cannot create (no create it can undo)"
    return Classification("cost", f"unrecognised write: {what}; costly until listed in contract/safety.py LISTED",
                          recognised=False)


def classify(method: str, path: str, operation_id: str | None = None,
             paths: Mapping[str, Any] | None = None) -> Classification:
    """The kind of one operation. `paths` (the spec's paths object) makes it default-deny: a write is `mutating`
    only when recognised as create/update/delete of an object the run can own, else `cost`. Without `paths`,
    only the name-based rules apply: for callers that classify an operation of a CRUD family already found in
    the spec (a lifecycle step, an own object's create)."""
    method = method.upper()
    verdict = _intrinsic(method, path, operation_id)
    if verdict is not None:
        return verdict
    if method not in WRITE_METHODS:
        return Classification("cost", f"unrecognised method {method}; costly until listed in contract/safety.py",
                              recognised=False)
    if paths is None:
        return Classification("mutating", f"{method} changes stored state")
    kind = recognised(method, path, paths)
    if kind == "create":
        return Classification("mutating", "creates an object the run deletes again")
    if kind is not None:
        return Classification("mutating", f"{'deletes' if kind == 'delete' else 'updates'} an object of a family "
                                          "the run can create")
    return _unrecognised(method, path)


def exclusion_reason(method: str, path: str, operation_id: str | None, *, live: bool, allow_cost: bool,
                     profile: str, paths: Mapping[str, Any] | None = None, deletable: bool = False) -> str | None:
    """Why this operation is not fuzzed in this run, or None when it is.

    `paths`: the spec's paths object (default-deny, see classify). In `safe-live` (a customer's account) writes
    are fuzzed only where they cannot touch what the run did not create: a create whose objects the run tracks
    and deletes (`deletable`, or a `DELETE path/{id}` in `paths`), and writes addressed by path ids, which get
    ids of objects the run created or generated ids that address nothing (contract/objects.py). Any other
    profile on a URL is a disposable staging organisation."""
    verdict = classify(method, path, operation_id, paths)
    if verdict.is_cost and not allow_cost:
        return f"costly: {verdict.reason} (pass --allow-cost to include)"
    undoable = deletable or (paths is not None and recognised(method, path, paths) == "create")
    # an unrecognised write let through by --allow-cost still never makes what safe-live cannot undo
    writes = verdict.kind == "mutating" or not verdict.recognised
    if writes and profile == "safe-live" and "{" not in path and not undoable:
        return ("safe-live: a write that is neither a create the run can undo nor addressed to an object it "
                "created")
    return None
