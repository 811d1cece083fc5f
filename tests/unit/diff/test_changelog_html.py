"""The changelog page's plots: breaking counts as bars, marker labels that never overprint each other."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from vapi_contract.diff.changelog.build import build_changelog
from vapi_contract.diff.changelog.history import open_history
from vapi_contract.diff.changelog.html import render_changelog_html

NS = "{http://www.w3.org/2000/svg}"


def _label_boxes(svg: ET.Element) -> list[tuple[str, float, float, str]]:
    out = []
    for el in svg.iter(f"{NS}text"):
        if el.get("fill") != "#b45309":  # marker labels
            continue
        x, w = float(el.get("x")), len(el.text) * 5.7
        left = x - w if el.get("text-anchor") == "end" else x
        out.append((el.get("y"), left, left + w, el.text))
    return out


def test_changelog_plots_over_august_to_october_2025(spec_history):
    history = open_history(spec_history)
    start = next(i for i, v in enumerate(history) if v.id.startswith("2025-08-19"))
    end = next(i for i, v in enumerate(history) if v.id.startswith("2025-10-16"))
    html = render_changelog_html(build_changelog(history[start:end + 1], window=3))
    svgs = [ET.fromstring(s) for s in re.findall(r"<svg .*?</svg>", html, re.DOTALL)]
    assert len(svgs) == 3
    ops, _schemas, breaking = svgs
    assert list(ops.iter(f"{NS}polyline")) and not list(breaking.iter(f"{NS}polyline"))
    bars = [r.find(f"{NS}title").text for r in breaking.iter(f"{NS}rect") if r.find(f"{NS}title") is not None]
    assert any(re.fullmatch(r"breaking @ 2025-08-31\S*: \d+", t) for t in bars)
    boxes = _label_boxes(ops)
    assert boxes and any(text.endswith("breaking") for *_, text in boxes)
    for i, (y, left, right, text) in enumerate(boxes):
        for y2, left2, right2, text2 in boxes[i + 1:]:
            assert y != y2 or right <= left2 or right2 <= left, (text, text2)
