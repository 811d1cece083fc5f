"""Changelog over real history: per-pair reports, plots, and flapping (partial publishes) detected."""

from __future__ import annotations

import json
import re

import pytest

from vapi_contract.cli import main
from vapi_contract.diff.changelog.build import build_changelog
from vapi_contract.diff.changelog.flapping import ADDED_THEN_REMOVED, REMOVED_THEN_READDED, find_flapping
from vapi_contract.diff.changelog.history import open_history


def test_flapping_both_directions_and_window():
    presence = [{"a", "b"}, {"a", "b", "x"}, {"a", "b"}, {"b"}, {"b"}, {"a", "b"}, {"a"}]
    events = find_flapping(presence, "operations", window=1)
    assert [(e.kind, e.start, e.end, e.names) for e in events] == [(ADDED_THEN_REMOVED, 1, 2, ["x"])]
    events = find_flapping(presence, "operations", window=2)
    assert [(e.kind, e.start, e.end, e.names) for e in events] == [
        (ADDED_THEN_REMOVED, 1, 2, ["x"]), (REMOVED_THEN_READDED, 3, 5, ["a"])]
    # `b` vanishing in the last version is not a flap: nothing after it can tell


def test_no_flapping_in_a_steady_history():
    assert find_flapping([{"a"}, {"a", "b"}, {"a", "b"}, {"b"}], "operations", window=3) == []


@pytest.fixture(scope="module")
def early_store(tmp_path_factory, spec_history):
    """A real SnapshotStore with the first six published versions (38 -> 99 -> 37 operations on 2024-11-11)."""
    from vapi_contract.spec.sources import load_file
    from vapi_contract.spec.store import SnapshotStore

    versions = sorted(json.loads((spec_history / "index.json").read_text())["versions"],
                      key=lambda v: (v["published"], v["file"]))[:6]
    store = SnapshotStore(tmp_path_factory.mktemp("store"))
    for version in versions:
        store.add(load_file(spec_history / version["file"]), published_at=version["published"], validate=False)
    return store.root


def test_changelog_cli_on_a_store_flags_the_november_2024_flap(early_store, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["changelog", "--store", str(early_store), "--out", str(out)]) == 0
    assert "operation flaps" in capsys.readouterr().out
    markdown = (out / "changelog.md").read_text()
    # GET /log (published 17:44) and the 61 operations of the 17:45 partial publish all vanished at 23:02: one flap
    assert re.search(r"- 2024-?11-?11T1744\S* → 2024-?11-?11T2302\S* \(2 version\(s\)\): 62 operations appeared and "
                     r"vanished again", markdown)
    assert "likely a partial publish" in markdown
    html = (out / "changelog.html").read_text()
    assert html.count("<svg") >= 3 and "<script" not in html and "<link" not in html
    assert "Operations over time" in html and "Schemas over time" in html and "Breaking changes per version" in html
    assert html.count("<details id=\"pair-") == 5 and "api-path-removed-without-deprecation" in html  # per-pair sections
    pairs = sorted((out / "pairs").glob("*.json"))
    assert len(pairs) == 5
    blip_undone = json.loads(next(p for p in pairs if re.search("2024-?11-?11T2302", p.name)).read_text())
    assert len(blip_undone["operations_removed"]) == 62 and len(blip_undone["flapped_removals"]) == 62


def test_changelog_over_august_to_october_2025(spec_history):
    """27 operations removed for good, and the 2025-10-03 five-operation blip, from the real files."""
    history = open_history(spec_history)
    start = next(i for i, v in enumerate(history) if v.id.startswith("2025-08-19"))
    end = next(i for i, v in enumerate(history) if v.id.startswith("2025-10-16"))
    changelog = build_changelog(history[start:end + 1], window=3)
    removal = next(p for p in changelog.pairs if p.new.id.startswith("2025-08-31"))
    assert len(removal.ops_removed) == 27 and not removal.flapped
    assert removal.summary["error"] >= 25
    blips = [e for e in changelog.operation_flaps if e.kind == ADDED_THEN_REMOVED]
    assert any(len(e.names) == 5 and changelog.ids[e.start].startswith("2025-10-03T1428") for e in blips)

    from vapi_contract.diff.changelog.report import render_changelog_markdown

    markdown = render_changelog_markdown(changelog)
    assert "**27 operations removed**" in markdown


def test_changelog_needs_two_versions(tmp_path, capsys):
    assert main(["changelog", "--store", str(tmp_path / "nothing-here"), "--out", str(tmp_path / "o")]) == 2
    assert capsys.readouterr().err.startswith("vapi-contract: error: ")


@pytest.mark.slow
def test_changelog_over_the_whole_shared_history(spec_history, tmp_path):
    out = tmp_path / "out"
    assert main(["changelog", "--store", str(spec_history), "--out", str(out)]) == 0
    markdown = (out / "changelog.md").read_text()
    assert "2024-11-11T1744-d76af5b → 2024-11-11T2302-0fd6039 (2 version(s)): 62 operations appeared" in markdown
    assert "2024-12-10T1906-b457797 → 2024-12-11T1711-4c1231c (1 version(s)): 65 operations appeared" in markdown
    flaps = markdown.split("## Flapping", 1)[1].split("\n## ", 1)[0]
    starts = re.findall(r"^- (\S+) →", flaps, re.MULTILINE)
    assert len(starts) == len(set(starts))  # every flap named once
    assert "**27 operations removed**" in markdown
    assert len(list((out / "pairs").glob("*.md"))) == 125


def test_one_partial_publish_is_named_once():
    """Operations swapped for others in one publish and swapped back: one episode, both directions in it."""
    from vapi_contract.diff.changelog.flapping import episodes

    a, b = {"GET /block", "GET /x"}, {"GET /workflow", "GET /x"}
    presence = [a, a, b, a, a]
    events = find_flapping(presence, "operations")
    assert len(events) == 2  # an appearance and a disappearance ...
    [episode] = episodes(events)  # ... of one publish
    assert (episode.start, episode.end, episode.appeared, episode.vanished) == (2, 3, ["GET /workflow"], ["GET /block"])
    text = episode.describe([f"v{i}" for i in range(5)])
    assert text.count("v2") == 1 and "appeared and vanished again" in text and "vanished and came back" in text
