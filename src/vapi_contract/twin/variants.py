"""An update of a polymorphic object is read against the variant the object is, not against any variant.

A tool's update body is `oneOf` every tool's update DTO; Vapi validates it against the DTO of the stored tool's own
type, so `PATCH /tool/<a dtmf tool> {"async": true}` is a 400 (`async` belongs to function tools), not a 200 that
silently drops the field. The stored object's variant is found generically: the update branch pinning the object's
discriminator value (`discriminator.propertyName`, else `type`, by enum/const or the discriminator mapping), else the
update branch with the same `title` as the item-schema branch the object matches (Vapi titles both `DtmfTool`).
Names that no update branch documents are left alone (they are dropped as undocumented, as for any family).
"""

from __future__ import annotations

from typing import Any

from .schemas import SchemaBook


def _pins(book: SchemaBook, branch: Any, prop: str, value: Any, depth: int = 0) -> bool | None:
    """Whether a branch pins `prop` to `value` (None: it does not pin `prop` at all)."""
    branch = book.resolve(branch)
    if not isinstance(branch, dict) or depth > 8:
        return None
    sub = book.resolve((branch.get("properties") or {}).get(prop))
    if isinstance(sub, dict):
        allowed = sub.get("enum") if isinstance(sub.get("enum"), list) else [sub["const"]] if "const" in sub else None
        if allowed is not None:
            return value in allowed
    for part in branch.get("allOf") or []:
        found = _pins(book, part, prop, value, depth + 1)
        if found is not None:
            return found
    return None


def _titles(book: SchemaBook, item_ptr: str | None, obj: dict[str, Any]) -> set[str]:
    """Titles of the item-schema branches the stored object matches."""
    item = book.resolve(book.at(item_ptr)) if item_ptr else None
    branches = (item.get("oneOf") or item.get("anyOf") or []) if isinstance(item, dict) else []
    return {b["title"] for b in branches if isinstance(b, dict) and isinstance(b.get("title"), str)
            and book.schema_valid(book.resolve(b), obj)}


def own_branches(book: SchemaBook, request_ptr: str, item_ptr: str | None, obj: dict[str, Any]) -> list[Any] | None:
    """The update branches for this stored object, or None when the update schema is not polymorphic or the
    object's variant cannot be told (then the whole schema applies, as before)."""
    schema = book.resolve(book.at(request_ptr))
    branches = (schema.get("oneOf") or schema.get("anyOf")) if isinstance(schema, dict) else None
    if not isinstance(branches, list) or len(branches) < 2:
        return None
    discriminator = schema.get("discriminator") or {}
    prop = discriminator.get("propertyName") or "type"
    if prop in obj:
        mapped = (discriminator.get("mapping") or {}).get(obj[prop])
        pinned = [b for b in branches if (isinstance(b, dict) and b.get("$ref") == mapped)
                  or _pins(book, b, prop, obj[prop]) is True]
        if pinned or any(_pins(book, b, prop, obj[prop]) is not None for b in branches):
            return pinned or None
    titles = _titles(book, item_ptr, obj)
    titled = [b for b in branches if isinstance(b, dict) and b.get("title") in titles]
    return titled if titles and titled and len(titled) < len(branches) else None


def update_problems(book: SchemaBook, request_ptr: str | None, item_ptr: str | None, obj: dict[str, Any],
                    body: Any) -> list[str]:
    """Why an update body does not fit the stored object's own variant (empty when it does, or when the update
    schema is not polymorphic)."""
    if request_ptr is None or not isinstance(body, dict):
        return []
    own = own_branches(book, request_ptr, item_ptr, obj)
    if not own:
        return []
    schema = book.resolve(book.at(request_ptr))
    every = [book.property_names(b) for b in (schema.get("oneOf") or schema.get("anyOf"))]
    mine = [book.property_names(b) for b in own]
    if any(names is None for names in mine):
        return []  # the object's own variant allows any name
    known = set().union(*(n for n in every if n is not None))
    allowed = set().union(*mine)
    problems = [f"property {name} should not exist" for name in body if name in known and name not in allowed]
    if not problems and not any(book.schema_valid(book.resolve(b), body) for b in own):
        problems.append("body does not fit the update of this object's own type")
    return problems
