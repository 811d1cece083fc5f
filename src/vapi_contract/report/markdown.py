"""`summary.md`: a CI comment (GitHub/GitLab flavoured Markdown) with the verdict first.

Stays under GitHub's 65,536-character comment limit whatever the run: tables are capped, reproducers collapsed
and cut to REPRO_LIMIT characters (a long one is run from summary.json instead), and when the whole comment is
still over MAX_BYTES the caps shrink and the rest is counted as "N more in summary.json / index.html".
"""

from __future__ import annotations

import re
from typing import Any

from .accepting import accept_command
from .coverage import by_family, exercised_text
from .summary import pass_rate_text

MAX_ROWS = 40
MAX_BYTES = 60_000  # UTF-8 bytes of the whole comment: GitHub refuses more than 65,536 characters
REPRO_LIMIT = 800  # characters of one reproducer shown in the comment; the full command stays in summary.json
# (table rows, reproducers) per list, tried in order until the comment fits in MAX_BYTES
CAPS = ((MAX_ROWS, MAX_ROWS), (MAX_ROWS, 20), (MAX_ROWS, 10), (30, 5), (20, 5), (10, 0), (5, 0))
VERDICT = {
    "pass": "\u2705 **PASS**: no new contract findings",
    "fail": "\u274c **FAIL**: new contract findings",
    "incomplete": "\u26a0\ufe0f **INCOMPLETE**: the run could not test everything (never a pass)",
}


def _cell(text: Any, limit: int = 160) -> str:
    value = " ".join(str(text if text is not None else "").split())
    if len(value) > limit:
        value = value[: limit - 1] + "\u2026"
    # Untrusted text (API responses end up in messages): no table breaks, no raw HTML, no code-span escapes.
    return value.replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;").replace("`", "'")


def _code(text: str) -> str:
    fence = "```"
    while fence in text:
        fence += "`"
    return f"{fence}sh\n{text}\n{fence}"


def short_reproducer(command: str, fingerprint: str) -> str:
    """The reproducer as the comment shows it: whole when short; else a runnable line that takes the full
    command from the run directory's summary.json, and the command's head as a comment."""
    if len(command) <= REPRO_LIMIT:
        return command
    head = " ".join(command[:300].split())
    lines = [f"# {len(command):,} characters (a long body): the full command is in summary.json;",
             "# from the run directory, with VAPI_API_KEY exported:"]
    if re.fullmatch(r"[0-9A-Za-z_.-]+", fingerprint or ""):
        program = f'.findings[] | select(.fingerprint == "{fingerprint}") | .reproducer'
        lines.append(f"bash -c \"$(jq -r '{program}' summary.json)\"")
    return "\n".join([*lines, f"# {head} \u2026"])


def _run_line(summary: dict[str, Any]) -> str:
    run = summary.get("run") or {}
    target = run.get("target") or {}
    spec = run.get("spec") or {}
    parts = [f"run `{_cell(run.get('run_id', '?'))}`"]
    if target:
        parts.append(f"target {_cell(target.get('kind', '?'))} `{_cell(target.get('base_url', ''))}`")
    if spec:
        parts.append(f"spec {_cell(spec.get('title') or '')} {_cell(spec.get('version') or '')} "
                     f"`{_cell(str(spec.get('sha256') or '')[:12])}`".replace("  ", " "))
    for key in ("profile", "seed", "shard"):
        if run.get(key) is not None:
            parts.append(f"{key} `{_cell(run[key])}`")
    if run.get("merged_from"):
        parts.append(f"merged from {len(run['merged_from'])} shards")
    total = (summary.get("timings") or {}).get("total_s")
    if total is not None:
        parts.append(f"{total:.0f} s")
    return " \u00b7 ".join(parts)


def _with_known(t: dict[str, Any]) -> str:
    return f" ({t['passed_with_known']} with known findings)" if t["passed_with_known"] else ""


def _pass_rate_line(t: dict[str, Any]) -> str:
    return (f"Pass rate {pass_rate_text(t['pass_rate'])}: {t['passed']} of {t['tested']} tested operations without new findings, "
            f"{t['passed_with_known']} of them with known (accepted) findings only.")


def _coverage_line(t: dict[str, Any]) -> str:
    if t.get("exercised") is None:
        return "Success path exercised: n/a (this run recorded no coverage evidence)."
    return (f"Success path exercised: **{exercised_text(t)}** operations had a documented success (2xx) answer "
            "observed and checked.")


def _coverage_section(summary: dict[str, Any], rows: int) -> list[str]:
    """Operations never exercised, with the reason; the exercised ones as per-family counts."""
    t = summary["totals"]
    ops = [op for op in summary["operations"] if op.get("exercised") is not None]
    if t.get("exercised") is None or not ops:
        return []
    missing = [op for op in ops if not op["exercised"]]
    lines = [f"### Success-path coverage: {exercised_text(t)}", ""]
    unrecorded = (t.get("exercised_of") or 0) - len(ops)
    if missing:
        lines += [f"Never exercised ({len(missing)}):", "", "| operation | statuses checked | reason |", "|---|---|---|"]
        for op in missing[:rows]:
            seen = ", ".join(f"{code} x{n}" for code, n in (op.get("statuses") or {}).items()) or "none"
            lines.append(f"| `{_cell(op['operation'])}` | {seen} | {_cell(op.get('not_exercised_reason'), 240)} |")
        if len(missing) > rows:
            lines.append(f"| \u2026 | | {len(missing) - rows} more in summary.json / index.html |")
        lines.append("")
    if unrecorded > 0:
        lines += [f"_{unrecorded} operation(s) of the spec have no record in this run (neither tested nor skipped)._",
                  ""]
    families = ", ".join(f"{_cell(name)} {done}/{total}" for name, (done, total) in by_family(ops).items())
    lines += [f"Exercised by family: {families}", ""]
    return lines


def _render(summary: dict[str, Any], rows: int, repros: int) -> str:
    t = summary["totals"]
    res = summary["resources"]
    lines = [f"## vapi-contract: {VERDICT[summary['verdict']]}", "", _run_line(summary), ""]
    lines += [  # tests: fuzzed operations, lifecycles and behaviour tests, so never "108 of 79 operations"
        "| tests | passed | failed | skipped | error/timeout | cases | new | known | fixed | flaky | leaks |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        (f"| {t['operations']} | {t['passed']}{_with_known(t)} | {t['failed']} | {t['skipped']} | "
        f"{t['error'] + t['timeout'] + t['unfinished']} | {t['cases']} | **{t['new']}** | {t['known']} | "
        f"{t['fixed']} | {t['flaky']} | {res['leaks']} |"),
        "",
        _pass_rate_line(t),
        "",
        _coverage_line(t),
        "",
        "Findings by class: " + ", ".join(f"{k} {v}" for k, v in t["by_classification"].items()),
        "",
    ]
    warnings = summary.get("warnings") or []
    lines += [f"> \u26a0\ufe0f {_cell(warning, 300)}" for warning in warnings[:rows]]
    if len(warnings) > rows:
        lines.append(f"> \u2026 {len(warnings) - rows} more warning(s) in summary.json")
    if warnings:
        lines.append("")
    missing = summary.get("missing") or []
    if missing:  # selected, no result: why the verdict is incomplete
        lines += [f"### Selected but no result ({len(missing)}): the run is incomplete", ""]
        lines += [f"- `{_cell(m['operation'])}`: {_cell(m['reason'])}" for m in missing[:rows]]
        if len(missing) > rows:
            lines.append(f"- \u2026 {len(missing) - rows} more in summary.json")
        lines.append("")

    new = [f for f in summary["findings"] if f["status"] == "new"]
    if new:
        lines += [f"### New findings ({len(new)})", "",
                  "| operation | check | class | HTTP | message | fingerprint |", "|---|---|---|---:|---|---|"]
        for f in new[:rows]:
            note = " (flaky)" if f["flaky"] else ""
            if f.get("baseline") and f["baseline"].get("expired"):
                note += f" (baseline entry expired {f['baseline']['expires']})"
            lines.append(f"| `{_cell(f['operation'])}` | {_cell(f['check'])} | {f['classification']} | "
                         f"{f['status_code'] if f['status_code'] is not None else ''} | "
                         f"{_cell(f['message'])}{' ' + _cell(note) if note else ''} | `{f['fingerprint']}` |")
        if len(new) > rows:
            lines.append(f"| \u2026 | | | | {len(new) - rows} more in summary.json / index.html | |")
        repro = [f for f in new if f.get("reproducer")]
        if repro:
            shown = (f"{repros} of {len(repro)}; {len(repro) - repros} more in index.html / summary.json"
                     if len(repro) > repros else f"{len(repro)}")
            lines += ["", f"<details><summary>Reproducers ({shown})</summary>", ""]
            for f in repro[:repros]:
                lines += [f"**`{_cell(f['operation'])}`** {_cell(f['check'])} `{f['fingerprint']}`", "",
                          _code(short_reproducer(str(f["reproducer"]), str(f["fingerprint"]))), ""]
            lines += ["</details>", ""]
        lines += [f"<details><summary>Accept commands ({min(len(new), rows)}): fill in reason, owner, expiry</summary>",
                  "", *(f"- `{accept_command(f)}`" for f in new[:rows]), "",
                  ("Several at once: `vapi-contract report accept --run RUN_DIR --new --class CLASS --check NAME "
                   "--reason ... --owner ... --expires YYYY-MM-DD`"), "", "</details>", ""]

    known = [f for f in summary["findings"] if f["status"] == "known"]
    if known:
        lines += [f"<details><summary>Known (accepted) findings still failing ({len(known)})</summary>", "",
                  "| operation | check | class | owner | until | reason |", "|---|---|---|---|---|---|"]
        for f in known[:rows]:
            b = f.get("baseline") or {}
            lines.append(f"| `{_cell(f['operation'])}` | {_cell(f['check'])} | {f['classification']} | "
                         f"{_cell(b.get('owner'))} | {b.get('expires', '')} | {_cell(b.get('reason'))} |")
        if len(known) > rows:
            lines.append(f"| \u2026 | | | | | {len(known) - rows} more in summary.json / index.html |")
        lines += ["", "</details>", ""]

    if summary["fixed"]:
        lines += [f"### Fixed ({len(summary['fixed'])}): accepted findings no longer seen", ""]
        for e in summary["fixed"][:rows]:
            where = f" `{_cell(e['operation'])}`" if e.get("operation") else ""
            lines.append(f"- `{_cell(e['fingerprint'])}`{where}: {_cell(e['reason'])} ({_cell(e['owner'])}); "
                         "remove it from the baseline")
        if len(summary["fixed"]) > rows:
            lines.append(f"- \u2026 {len(summary['fixed']) - rows} more in summary.json / index.html")
        lines.append("")
    if summary.get("not_covered"):
        lines += [(f"_{len(summary['not_covered'])} accepted finding(s) not seen and not checked again by this run "
                  "(operation, check or kind of case not run): not covered, not fixed._"), ""]
    patterns = (summary.get("baseline") or {}).get("patterns") or {}
    if patterns.get("entries"):
        lines += [f"_Baseline patterns: {patterns['used']} used, {patterns['unused']} unused "
                  "(" + "; ".join(f"{_cell(e.get('describe') or '', 80)}: {e['matched']}"
                                  + (" (expired)" if e.get("expired") else "") for e in patterns["entries"][:10])
                  + ")._", ""]

    problems = [op for op in summary["operations"] if op["status"] in ("error", "timeout", "unfinished")]
    if problems:
        lines += [f"### Operations cut short or not completed ({len(problems)})", ""]
        for op in problems[:rows]:
            lines.append(f"- `{_cell(op['operation'])}`: {op['status']}, {_cell(op.get('reason') or '')}")
        if len(problems) > rows:
            lines.append(f"- \u2026 {len(problems) - rows} more in summary.json / index.html")
        lines.append("")
    lines += _coverage_section(summary, rows)
    if res["leaks"] or res["created"]:
        leak_note = f" \u2014 **{res['leaks']} leaked**" if res["leaks"] else ""
        lines += [f"Resources: {res['created']} created, {res['deleted']} deleted{leak_note}"
                  + (" (`vapi-contract janitor` removes them)" if res["leaks"] else ""), ""]
        for item in res["leaked"][:10]:
            lines.append(f"- `{_cell(item['resource_id'])}` {_cell(item.get('name') or '')} "
                         f"from `{_cell(item.get('operation') or '?')}`")
        if res["leaked"]:
            lines.append("")
    if summary["spec_issues"]:
        counts = ", ".join(f"{_cell(k)} {v}" for k, v in summary["spec_issue_counts"].items())
        lines += [f"Spec issues: {len(summary['spec_issues'])} ({counts})", ""]
    return "\n".join(lines).rstrip() + "\n"


def render_markdown(summary: dict[str, Any], max_bytes: int = MAX_BYTES) -> str:
    """summary.md, at most `max_bytes` UTF-8 bytes: the first caps of CAPS that fit; past the last, cut at a line
    with a note (a run would need thousands of warnings or findings to get there)."""
    for rows, repros in CAPS:
        text = _render(summary, rows, repros)
        if len(text.encode("utf-8")) <= max_bytes:
            return text
    note = ("\n\n_summary.md cut here to stay under GitHub's comment limit: the rest is in index.html and "
            "summary.json._\n")
    kept = text.encode("utf-8")[: max_bytes - len(note.encode("utf-8"))].decode("utf-8", "ignore")
    return kept[: kept.rfind("\n") + 1 or len(kept)].rstrip() + note
