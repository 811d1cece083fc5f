"""HTML helpers shared by the self-contained pages (run dashboard, nightly page, changelog).

- `esc(value)`: text and attribute escaping (None is empty); everything from a spec or a server goes through it.
- `filter_bar(scope, facets)` + `item_attrs(...)` + `FILTER_SCRIPT`: filters and a text search over a list of
  findings, in plain inline JavaScript (no library, nothing fetched: the page works offline). Without scripts
  the bar stays hidden and every item shows.
- `excerpt(text)`: a short, escaped response excerpt.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape
from typing import Any

EXCERPT_CHARS = 300

FILTER_CSS = """
.filters{display:flex;flex-wrap:wrap;gap:8px;align-items:center;margin:6px 0 10px;font-size:12.5px}
.filters select,.filters input{font:inherit;padding:3px 6px;border:1px solid #d1d5db;border-radius:6px;background:#fff}
.filters input{min-width:220px}.filters .filter-count{color:#6b7280}[hidden]{display:none!important}
.excerpt{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:11.5px;color:#374151;background:#f9fafb;
border:1px solid #e5e7eb;border-radius:4px;padding:3px 6px;margin:4px 0;white-space:pre-wrap;word-break:break-all}
"""

# Each `[data-filters=ID]` bar filters the `[data-item]` elements inside `#ID`: a select named N keeps the items
# whose data-N equals its value (empty: all), the search box keeps those whose text contains every word typed.
FILTER_SCRIPT = """<script>
(function () {
  document.querySelectorAll("[data-filters]").forEach(function (bar) {
    var scope = document.getElementById(bar.getAttribute("data-filters"));
    if (!scope) { return; }
    var items = Array.prototype.slice.call(scope.querySelectorAll("[data-item]"));
    var controls = Array.prototype.slice.call(bar.querySelectorAll("select,input"));
    var count = bar.querySelector(".filter-count");
    function apply() {
      var shown = 0;
      var words = [];
      controls.forEach(function (c) {
        if (c.tagName === "INPUT") { words = c.value.toLowerCase().split(/\\s+/).filter(Boolean); }
      });
      items.forEach(function (el) {
        var keep = controls.every(function (c) {
          return c.tagName === "INPUT" || !c.value || el.getAttribute("data-" + c.name) === c.value;
        });
        var text = keep && words.length ? el.textContent.toLowerCase() : "";
        keep = keep && words.every(function (w) { return text.indexOf(w) >= 0; });
        el.hidden = !keep;
        if (keep) { shown += 1; }
      });
      if (count) { count.textContent = shown + " of " + items.length + " shown"; }
    }
    controls.forEach(function (c) { c.addEventListener("input", apply); c.addEventListener("change", apply); });
    bar.hidden = false;
    apply();
  });
})();
</script>"""


def esc(value: Any) -> str:
    """`value` as HTML text or a quoted attribute value: `& < > " '` escaped, None as the empty string."""
    return escape("" if value is None else str(value), quote=True)


def item_attrs(**facets: Any) -> str:
    """` data-item data-class="..." ...`: the attributes a filterable element carries (None values left out)."""
    return " data-item" + "".join(f' data-{name}="{esc(value)}"' for name, value in facets.items()
                                  if value is not None)


def filter_bar(scope: str, facets: Sequence[tuple[str, str, Iterable[Any]]], *, search: str = "search") -> str:
    """A hidden-until-scripted bar of one select per `(name, label, values)` facet and a text search, filtering
    the `[data-item]` elements inside the element with id `scope` (see FILTER_SCRIPT)."""
    parts = []
    for name, label, values in facets:
        options = "".join(f'<option value="{esc(v)}">{esc(v)}</option>'
                          for v in sorted({str(v) for v in values if v is not None}))
        parts.append(f'<label>{esc(label)} <select name="{esc(name)}"><option value="">all</option>{options}'
                     "</select></label>")
    parts.append(f'<input type="search" name="text" placeholder="{esc(search)}" aria-label="{esc(search)}">')
    return (f'<div class="filters" data-filters="{esc(scope)}" hidden>{"".join(parts)}'
            '<span class="filter-count"></span></div>')


def excerpt(text: Any, limit: int = EXCERPT_CHARS) -> str:
    """A response excerpt as escaped HTML (`<div class="excerpt">`), one line, at most `limit` characters; empty
    when there is none."""
    line = " ".join(str(text or "").split())
    if not line:
        return ""
    if len(line) > limit:
        line = line[: limit - 1] + "\u2026"
    return f'<div class="excerpt" title="response excerpt">{esc(line)}</div>'
