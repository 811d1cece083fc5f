"""Deliberately wrong behaviours (`--fault NAME`) the suite's own tests use to prove its checks catch each one."""

from __future__ import annotations

FAULTS: dict[str, str] = {
    "drop-required": "responses of stored objects omit one required property (e.g. `orgId`)",
    "wrong-type": "responses carry `createdAt` as a number instead of a date-time string",
    "ignore-auth": "requests without a valid bearer token are served as the first organisation instead of 401",
    "undeletable": "DELETE answers 200 with the object but keeps it, so a later GET still finds it",
    "server-error": "POST /assistant (else the spec's first create) answers 500 with Vapi's error shape",
    "accept-invalid": "request validation is off: invalid bodies and parameters are accepted instead of 400",
    "leak-orgs": "objects are not scoped to their organisation: org B can read org A's objects",
    "slow": "every response is delayed by 1.5 s",
    "delete-wrong-type": "DELETE success answers carry `createdAt` as a number (every other answer is right)",
    "seeded-wrong-type": "item reads (GET /x/{id}) of objects seeded at start (--seed-objects) carry `createdAt` as "
                         "a number; objects created through the API are answered right",
    "nameless-unlisted": "list operations omit objects without a `name`, so e.g. a tool or file never appears in "
                         "its list",
    "create-accepts-invalid": "create operations skip request-body validation and answer their success status to "
                              "invalid bodies (every other operation still answers 400)",
    "limit-ignored": "list operations ignore `limit` (their metadata still echoes it)",
    "patch-not-persisted": "PATCH answers the merged object but does not store the change",
    "non-ascii-500": "a create or update whose body holds a string with a non-ASCII character answers 500",
    "per-variant-updates": "an update is read against the stored object's own variant, as Vapi's per-type DTOs do: a "
                           "body the spec's update oneOf accepts through another variant (`async` on a dtmf tool) "
                           "answers 400 (a live night reports that as a spec gap)",
    "deleted-still-listed": "after DELETE the object still appears in list answers (GET by id is 404)",
}


def check(name: str | None) -> str | None:
    """The fault name, or a one-line UsageError naming the known ones."""
    if name is None or name in FAULTS:
        return name
    from ..errors import UsageError

    raise UsageError(f"unknown twin fault {name!r}; known faults: {', '.join(sorted(FAULTS))}")
