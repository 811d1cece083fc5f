"""Rendering shared by every HTML report: the run dashboard (report), the changelog (diff), the night's page
(pipelines). Inline SVG charts (`charts`: lines, bars for counts, sparklines), label placement so chart labels
never overprint (`labels`), HTML helpers (`html`: escaping, findings filters, response excerpts) and
terminal/Markdown wording (`text`: plurals, finding counts, one-line and Markdown escaping). It imports
nothing of the project, so any layer may use it; no scripts or assets are fetched: every page works offline.
"""
