"""Where chart labels go so they never overprint each other: axis dates, event markers, bar values.

`place_labels` takes labels that want to sit at an x position, in priority order, and keeps each one only where
its text box (estimated from the character count) clears every label already kept in that row by `gap`; a label
that fits in no row is dropped (its mark stays, with its tooltip). Near an edge a label is anchored to hug the
plot instead of overflowing the SVG's viewBox.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

CHAR_W = 6.2  # average advance of an 11px system-ui character: an estimate, generous rather than tight


@dataclass(frozen=True)
class Placed:
    x: float  # the anchor point to draw the text at
    row: int  # 0 = first row; the caller turns rows into y offsets
    text: str
    anchor: str  # SVG text-anchor: start | middle | end
    left: float  # the text box [left, right] it occupies
    right: float


def text_width(text: str, char_w: float = CHAR_W) -> float:
    return len(text) * char_w


def place_labels(wanted: Sequence[tuple[float, str]], *, lo: float, hi: float, rows: int = 1,
                 gap: float = 6.0, char_w: float = CHAR_W, anchor: str = "middle") -> list[Placed | None]:
    """Where each of `wanted` = [(x, text), ...] (first = most important) goes, None for a label left out: kept
    between `lo` and `hi`, in at most `rows` rows, no two boxes of a row closer than `gap`. `anchor` is where the
    text sits relative to x (`middle`: centred on it, `start`: beginning at it); a box that would cross
    `lo`/`hi` is moved inside. The result is aligned with `wanted`."""
    kept: list[Placed | None] = []
    taken: list[list[tuple[float, float]]] = [[] for _ in range(max(rows, 1))]
    for x, text in wanted:
        kept.append(None)
        if not text:
            continue
        width = text_width(text, char_w)
        left = x - width / 2 if anchor == "middle" else x if anchor == "start" else x - width
        how = anchor
        if left < lo:
            left, how, at = lo, "start", lo
        elif left + width > hi:
            left, how, at = hi - width, "end", hi
        else:
            at = x
        right = left + width
        for row, boxes in enumerate(taken):
            if all(right + gap <= a or left >= b + gap for a, b in boxes):
                boxes.append((left, right))
                kept[-1] = Placed(at, row, text, how, left, right)
                break
    return kept


def axis_candidates(positions: Sequence[tuple[float, str]]) -> list[tuple[float, str]]:
    """Axis labels in the order they should claim space: the last, the first, then every other from the left
    (so a crowded axis keeps both ends and an even spread in between)."""
    if len(positions) <= 2:
        return list(reversed(positions))
    return [positions[-1], positions[0], *positions[1:-1]]
