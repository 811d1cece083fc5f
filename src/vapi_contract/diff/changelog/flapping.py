"""Flapping: names (operations, schemas) that appear and vanish again within a few versions, or vanish and come
back. In Vapi's history this is a partial or stale publish (e.g. 2024-11-11: 38 -> 99 -> 37 operations within
hours), not an API change, and a reader wants to know that before acting on the "removed" findings."""

from __future__ import annotations

from dataclasses import dataclass, field

ADDED_THEN_REMOVED = "added-then-removed"
REMOVED_THEN_READDED = "removed-then-re-added"


@dataclass
class FlapEvent:
    kind: str  # ADDED_THEN_REMOVED | REMOVED_THEN_READDED
    what: str  # "operations" | "schemas"
    start: int  # index of the first version of the episode (first with / first without the names)
    end: int  # index of the version where it is undone
    names: list[str] = field(default_factory=list)

    @property
    def versions(self) -> int:
        return self.end - self.start

    def describe(self, ids: list[str]) -> str:
        shown = ", ".join(self.names[:5]) + (f" and {len(self.names) - 5} more" if len(self.names) > 5 else "")
        if self.kind == ADDED_THEN_REMOVED:
            return (f"{len(self.names)} {self.what} appeared in {ids[self.start]} and were gone again in "
                    f"{ids[self.end]} ({self.versions} version(s) later): {shown}")
        return (f"{len(self.names)} {self.what} vanished in {ids[self.start]} and were back in {ids[self.end]} "
                f"({self.versions} version(s) later): {shown}")


def find_flapping(presence: list[set[str]], what: str, window: int = 3) -> list[FlapEvent]:
    """Episodes of at most WINDOW versions, strictly inside the history (the first and last versions cannot
    tell a flap from a real change), grouped by (kind, start, end)."""
    events: dict[tuple[str, int, int], FlapEvent] = {}
    names = set().union(*presence) if presence else set()
    count = len(presence)
    for name in names:
        flags = [name in present for present in presence]
        index = 1
        while index < count:
            if flags[index] != flags[index - 1]:
                start, state = index, flags[index]
                end = start
                while end < count and flags[end] == state:
                    end += 1
                if end < count and end - start <= window:
                    kind = ADDED_THEN_REMOVED if state else REMOVED_THEN_READDED
                    events.setdefault((kind, start, end), FlapEvent(kind, what, start, end)).names.append(name)
                index = end
            else:
                index += 1
    for event in events.values():
        event.names.sort()
    return sorted(events.values(), key=lambda e: (e.start, e.end, e.kind))


def flapped_removals(events: list[FlapEvent]) -> dict[int, set[str]]:
    """Version index -> names whose removal at that version is part of a flap (undone soon after, or undoing
    a short-lived addition), so per-pair reports can say "likely a partial publish"."""
    marked: dict[int, set[str]] = {}
    for event in events:
        at = event.start if event.kind == REMOVED_THEN_READDED else event.end
        marked.setdefault(at, set()).update(event.names)
    return marked


@dataclass
class FlapEpisode:
    """One partial publish: every flap event whose versions overlap, so it is named once (a publish that adds
    61 operations and drops 5 others is one episode, not two)."""

    start: int
    end: int
    appeared: list[str] = field(default_factory=list)  # appeared, then vanished again
    vanished: list[str] = field(default_factory=list)  # vanished, then came back

    def describe(self, ids: list[str], what: str = "operations") -> str:
        parts = []
        for names, verb in ((self.appeared, "appeared and vanished again"), (self.vanished, "vanished and came back")):
            if names:
                shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
                parts.append(f"{len(names)} {what} {verb} ({shown})")
        return (f"{ids[self.start]} → {ids[self.end]} ({self.end - self.start} version(s)): " + "; ".join(parts))


def episodes(events: list[FlapEvent]) -> list[FlapEpisode]:
    merged: list[FlapEpisode] = []
    for event in sorted(events, key=lambda e: (e.start, e.end)):
        last = merged[-1] if merged else None
        if last is not None and event.start < last.end:  # overlapping versions: the same publish episode
            last.end = max(last.end, event.end)
        else:
            last = FlapEpisode(event.start, event.end)
            merged.append(last)
        target = last.appeared if event.kind == ADDED_THEN_REMOVED else last.vanished
        target.extend(name for name in event.names if name not in target)
    for episode in merged:
        episode.appeared.sort()
        episode.vanished.sort()
    return merged
