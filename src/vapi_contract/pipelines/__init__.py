"""pipelines area: the jobs users run, each one command with one verdict.

- `nightly.run(NightlyOptions) -> int`: spec stage -> contract run -> dashboard -> trend history.
- `gate.run(GateOptions) -> verdict.Verdict`: validation, unapproved breaking changes, contract run.
- `approvals.load(path) -> [Approval]`, `approvals.apply(changes, approvals) -> ApprovalOutcome`.
- `history.append(path, entry)`, `history.read(path)`, `history.charts(nights)`.
- `verdict.Verdict/Check` with `render_terminal/render_markdown/render_junit`.
- `spec_stage.run(...)`, `contract_stage.start_contract(...)/run_contract(...)/from_run_dirs(...)`: the steps.
(`vapi-contract drift` belongs to the diff area; `make drift` calls it.)
"""
