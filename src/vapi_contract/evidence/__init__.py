"""evidence area: the typed record of a contract run and its run directory, below both the contract layer (which
writes it) and the report layer (which reads it). See docs/architecture.md.

- `model`: `Finding`, `OperationRecord`, `SpecIssue`, `RunMeta` (frozen; `to_json` / `from_json`)
- `writer`: `RunWriter` (streams records into a run dir, redacted), `claim_run_dir`, `new_run_id`
- `reader`: `load_evidence(run_dir) -> Evidence` (typed records + warnings; never fatal on a killed run)
- `redact`: the one `Redactor` every written record and rendered report goes through
"""
