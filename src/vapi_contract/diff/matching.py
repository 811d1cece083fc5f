"""Pairing the branches of oneOf/anyOf/allOf across versions, so only real additions and removals are reported."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .schemas import ANNOTATIONS, shape, types_of, unwrap


def _by_ref(differ, branch: Any, side: str) -> str | None:
    branch = unwrap(branch)
    if isinstance(branch, dict) and isinstance(branch.get("$ref"), str):
        return branch["$ref"]
    return None


def _by_title(differ, branch: Any, side: str) -> str | None:
    branch = unwrap(branch)
    if isinstance(branch, dict) and isinstance(branch.get("title"), str):
        return branch["title"]
    return None


def _by_shape(differ, branch: Any, side: str) -> str | None:
    """Canonical JSON with a top-level $ref followed: a renamed component with the same shape matches."""
    branch = unwrap(branch)
    if isinstance(branch, dict) and isinstance(branch.get("$ref"), str):
        return differ.component_shape(side, branch["$ref"])
    return shape(branch)


MATCHERS: tuple[Callable[..., str | None], ...] = (_by_ref, _by_title, _by_shape)


def match_branches(differ, old: Any, new: Any) -> tuple[list[tuple[Any, Any]], list[Any], list[Any]]:
    """(pairs, removed, added): match by ref, then by title, then by resolved shape, then inline leftovers by position
    when equally many (an edited inline branch). Differently named refs of different shape stay unmatched."""
    old = list(old) if isinstance(old, list) else []
    new = list(new) if isinstance(new, list) else []
    pairs: list[tuple[Any, Any]] = []
    for label_of in MATCHERS:
        if not old or not new:
            break
        slots: dict[str, list[int]] = {}
        for index, branch in enumerate(new):
            label = label_of(differ, branch, "new")
            if label is not None:
                slots.setdefault(label, []).append(index)
        used: set[int] = set()
        unmatched = []
        for branch in old:
            label = label_of(differ, branch, "old")
            free = [i for i in slots.get(label, ()) if i not in used] if label is not None else []
            if free:
                used.add(free[0])
                pairs.append((branch, new[free[0]]))
            else:
                unmatched.append(branch)
        old = unmatched
        new = [branch for index, branch in enumerate(new) if index not in used]
    inline_old = [b for b in old if _by_ref(differ, b, "old") is None]
    inline_new = [b for b in new if _by_ref(differ, b, "new") is None]
    if inline_old and len(inline_old) == len(inline_new):
        pairs.extend(zip(inline_old, inline_new))
        old = [b for b in old if not any(b is i for i in inline_old)]
        new = [b for b in new if not any(b is i for i in inline_new)]
    return pairs, old, new


def match_composition(differ, old: dict, new: dict, keyword: str) -> tuple[list, list, list]:
    """Branches of KEYWORD in two schema nodes. When only one side has the composition (`X` -> `oneOf: [X', Y]`)
    the plain side counts as one branch: matched by shape, or, for non-object schemas, with the first leftover
    branch of the same type, so an edited X is compared as a change rather than reported removed."""
    old_list, new_list = _own(old, keyword), _own(new, keyword)
    if isinstance(old_list, list) and isinstance(new_list, list):
        pairs, removed, added = match_branches(differ, old_list, new_list)
        if keyword == "allOf" and len(removed) == 1 and len(added) == 1:
            # allOf parts are merged anyway: one part swapped for another is that part changing
            pairs.append((removed.pop(), added.pop()))
        return pairs, removed, added
    if not isinstance(old_list, list) and not isinstance(new_list, list):
        return [], [], []
    plain_is_old = not isinstance(old_list, list)
    plain_side, wrapper = (old, new) if plain_is_old else (new, old)
    # keys the wrapper kept (description, default, nullable...) did not move into a branch
    plain = {k: v for k, v in plain_side.items() if k not in ANNOTATIONS and wrapper.get(k) != v}
    pairs, removed, added = match_branches(differ, [plain] if plain_is_old else old_list,
                                           new_list if plain_is_old else [plain])
    leftover_plain = removed if plain_is_old else added
    others = added if plain_is_old else removed
    plain_types = types_of(plain)
    if leftover_plain and plain_types:
        resolve = differ.resolve_new if plain_is_old else differ.resolve_old
        best = _closest(plain, plain_types, others, resolve)
        if best is not None:
            others.remove(best)
            leftover_plain.clear()
            pairs.append((plain, best) if plain_is_old else (best, plain))
    return pairs, removed, added


def _own(schema: dict, keyword: str) -> Any:
    """The branches of KEYWORD, except an allOf that only repeats refs of the oneOf/anyOf beside it
    (NestJS writes `oneOf: [A], allOf: [A]`), which adds nothing."""
    branches = schema.get(keyword)
    if keyword == "allOf" and isinstance(branches, list):
        own = {b.get("$ref") for b in branches if isinstance(b, dict)}
        beside = {b.get("$ref") for k in ("oneOf", "anyOf") for b in schema.get(k) or [] if isinstance(b, dict)}
        if None not in own and own <= beside:
            return None
    return branches


def _closest(plain: dict, plain_types: frozenset, branches: list, resolve) -> Any:
    """The branch the plain schema most likely became: the first of the same scalar type, or for objects
    the one sharing most property names (at least half of them, Jaccard)."""
    best, best_score = None, 0.5
    names = set(plain.get("properties") or {}) if isinstance(plain.get("properties"), dict) else set()
    for branch in branches:
        resolved = unwrap(branch)
        if isinstance(resolved, dict) and isinstance(resolved.get("$ref"), str):
            resolved = resolve(resolved["$ref"])
        if not isinstance(resolved, dict) or types_of(resolved) != plain_types:
            continue
        if "object" not in plain_types:
            return branch
        other = set(resolved.get("properties") or {}) if isinstance(resolved.get("properties"), dict) else set()
        score = len(names & other) / len(names | other) if names | other else 0.0
        if score >= best_score:
            best, best_score = branch, score
    return best
