"""The CI workflows are valid, least-privileged, pinned, never print a secret, hand each job's exit code to its
step, and keep the snapshot store and history on the state branch (.ci/state, exercised here on a local remote)."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import tarfile
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[3]
WORKFLOWS = REPO / ".github" / "workflows"
SETUP_ACTION = REPO / ".github" / "actions" / "setup" / "action.yml"
NAMES = ("nightly.yml", "gate.yml", "drift.yml", "ci.yml")
SECRET_ENV = re.compile(r"\$\{\{[^}]*\bsecrets\.")
PRINTERS = ("echo", "printf", "cat", "env", "printenv", "tee")
PINNED = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$")
JOB_COMMANDS = ("nightly", "gate", "drift", "run")


def _load(name: str) -> dict:
    doc = yaml.safe_load((WORKFLOWS / name).read_text())
    if True in doc:  # YAML 1.1 reads the bare key `on` as a boolean
        doc["on"] = doc.pop(True)
    return doc


def _steps(doc: dict):
    for job_name, job in doc["jobs"].items():
        for step in job["steps"]:
            yield job_name, step


def _all_steps():
    for name in NAMES:
        for job_name, step in _steps(_load(name)):
            yield f"{name}/{job_name}", step
    for step in yaml.safe_load(SETUP_ACTION.read_text())["runs"]["steps"]:
        yield "actions/setup", step


def _make_targets() -> set[str]:
    text = (REPO / "Makefile").read_text()
    return set(re.findall(r"^([A-Za-z0-9_.-]+)\s*:(?!=)", text, flags=re.MULTILINE))


def _commands(script: str) -> list[list[str]]:
    commands = []
    for line in script.replace("\\\n", " ").splitlines():
        for command in re.split(r"&&|\|\||;|\|", line):
            words = shlex.split(command, comments=True)
            if words:
                commands.append(words)
    return commands


def _make_calls(script: str) -> list[str]:
    """Targets named by each `make ...` command in a shell script (variables and flags skipped)."""
    return [w for words in _commands(script) if words[0] == "make"
            for w in words[1:] if not w.startswith("-") and "=" not in w]


@pytest.fixture(scope="module", params=NAMES)
def workflow(request):
    return request.param, _load(request.param)


def test_each_workflow_is_a_valid_workflow_document(workflow):
    name, doc = workflow
    assert isinstance(doc.get("name"), str)
    assert doc["on"], f"{name}: no trigger"
    assert doc["jobs"], f"{name}: no jobs"
    for job_name, job in doc["jobs"].items():
        assert "runs-on" in job, f"{name}/{job_name}: no runs-on"
        assert isinstance(job.get("timeout-minutes"), int), f"{name}/{job_name}: no timeout"
        for need in [job["needs"]] if isinstance(job.get("needs"), str) else job.get("needs", []):
            assert need in doc["jobs"], f"{name}/{job_name}: needs unknown job {need}"
        for step in job["steps"]:
            assert ("uses" in step) != ("run" in step), f"{name}/{job_name}: a step needs exactly one of uses/run"


def test_make_call_parser_sees_through_variables_and_chains():
    assert _make_calls('make setup && .venv/bin/x report merge a b') == ["setup"]
    assert _make_calls('make run PROFILE=nightly SHARD="1/4" \\\n  REPORT_DIR=x') == ["run"]
    assert _make_calls("make -s gate GATE_ARGS='--out r'; make drift") == ["gate", "drift"]


def test_every_make_call_names_a_target_that_exists_and_no_job_runs_through_make():
    """make turns every failing exit code into 2: the job commands are called directly, after `make setup`."""
    calls = [(where, t) for where, step in _all_steps() for t in _make_calls(step.get("run", ""))]
    assert {t for _, t in calls} >= {"setup", "test", "lint"}
    missing = sorted({t for _, t in calls} - _make_targets())
    assert not missing, f"make targets that do not exist: {missing}"
    through_make = [(where, t) for where, t in calls if t in JOB_COMMANDS]
    assert not through_make, f"a job through make loses its exit code: {through_make}"


def test_each_job_command_is_the_cli_itself():
    runs = {name: "\n".join(s.get("run", "") for _, s in _steps(_load(name))) for name in NAMES}
    assert ".venv/bin/vapi-contract nightly" in runs["nightly.yml"]
    assert ".venv/bin/vapi-contract run" in runs["nightly.yml"]
    assert ".venv/bin/vapi-contract gate" in runs["gate.yml"]
    assert ".venv/bin/vapi-contract drift" in runs["drift.yml"]


def test_every_action_is_pinned_to_a_commit_with_its_tag():
    for path in [*(WORKFLOWS / n for n in NAMES), SETUP_ACTION]:
        for line in path.read_text().splitlines():
            match = re.match(r"^\s*(?:-\s+)?uses:\s*(.+)$", line)
            if not match or match.group(1).startswith("./"):
                continue
            assert PINNED.match(match.group(1).strip()), f"{path.name}: not pinned to a full SHA + tag: {line}"


def test_secrets_only_in_the_env_of_the_steps_that_use_them_and_never_printed(workflow):
    name, doc = workflow
    assert not SECRET_ENV.search(yaml.safe_dump(doc.get("env") or {})), f"{name}: a secret in workflow env"
    secret_names = set()
    for job_name, job in doc["jobs"].items():
        assert not SECRET_ENV.search(yaml.safe_dump(job.get("env") or {})), f"{name}/{job_name}: secret in job env"
        for step in job["steps"]:
            secret_names |= {k for k, v in (step.get("env") or {}).items() if SECRET_ENV.search(str(v))}
    for job_name, step in _steps(doc):
        script = step.get("run", "")
        assert not SECRET_ENV.search(script), f"{name}/{job_name}: a secret is interpolated into a script"
        assert "set -x" not in script, f"{name}/{job_name}: shell tracing would print secrets"
        assert "uses" not in step or not SECRET_ENV.search(yaml.safe_dump(step.get("env") or {})), (
            f"{name}/{job_name}: a secret handed to an action")
        for value in (step.get("with") or {}).values():
            assert not SECRET_ENV.search(str(value)), f"{name}/{job_name}: a secret is passed to an action input"
        for words in _commands(script):
            if words[0] in PRINTERS:
                leaked = [s for s in secret_names if any(s in w for w in words)]
                assert not leaked, f"{name}/{job_name}: prints secret {leaked}"
        # a step that runs no project command needs no secret
        env_secrets = [k for k, v in (step.get("env") or {}).items() if SECRET_ENV.search(str(v))]
        if env_secrets:
            assert "vapi-contract" in script, f"{name}/{job_name}: secrets {env_secrets} in a step that does not use them"


def test_least_privilege_permissions(workflow):
    name, doc = workflow
    assert doc.get("permissions") == {}, f"{name}: the workflow grants a default token scope; jobs say what they need"
    for job_name, job in doc["jobs"].items():
        permissions = job.get("permissions")
        assert isinstance(permissions, dict) and permissions, f"{name}/{job_name}: no job-level permissions"
        writes = {scope for scope, level in permissions.items() if level == "write"}
        runs = "\n".join(s.get("run", "") for s in job["steps"])
        if "contents" in writes:  # only the state job: no secret, no project code, only .ci/state
            assert job_name == "state" and ".venv" not in runs and "make" not in runs, f"{name}/{job_name}"
            assert not any(SECRET_ENV.search(yaml.safe_dump(s.get("env") or {})) for s in job["steps"])
        assert writes <= {"contents", "pull-requests", "checks"}, f"{name}/{job_name}: writes {writes}"
    if name == "gate.yml":
        assert doc["jobs"]["gate"]["permissions"] == {"contents": "read", "pull-requests": "write", "checks": "write"}


def test_checkouts_never_persist_credentials(workflow):
    name, doc = workflow
    checkouts = [s for _, s in _steps(doc) if str(s.get("uses", "")).startswith("actions/checkout@")]
    assert checkouts and all((s.get("with") or {}).get("persist-credentials") is False for s in checkouts), name


def test_pull_requests_run_the_projects_tests_and_lint():
    doc = _load("ci.yml")
    assert "pull_request" in doc["on"]
    calls = [t for _, step in _steps(doc) for t in _make_calls(step.get("run", ""))]
    assert "test" in calls and "lint" in calls


def test_the_gate_never_hands_the_key_to_a_pull_request():
    step = next(s for _, s in _steps(_load("gate.yml")) if "vapi-contract gate" in s.get("run", ""))
    for key in ("VAPI_API_KEY", "VAPI_API_KEY_SECONDARY"):
        assert "github.event_name == 'workflow_dispatch' && secrets." in step["env"][key]


def test_scheduled_jobs_have_valid_cron_lines():
    for name in ("nightly.yml", "drift.yml"):
        crons = [entry["cron"] for entry in _load(name)["on"]["schedule"]]
        assert crons
        for cron in crons:
            fields = cron.split()
            assert len(fields) == 5, f"{name}: bad cron {cron!r}"
            assert all(re.fullmatch(r"[\d*/,-]+", f) for f in fields), f"{name}: bad cron {cron!r}"


def test_venv_cache_is_keyed_on_the_lock_and_make_setup_is_then_a_noop():
    steps = yaml.safe_load(SETUP_ACTION.read_text())["runs"]["steps"]
    cache = next(s for s in steps if str(s.get("uses", "")).startswith("actions/cache@"))
    assert cache["with"]["path"] == ".venv" and "hashFiles('requirements.lock'" in cache["with"]["key"]
    assert "steps.python.outputs.python-version" in cache["with"]["key"]  # a venv is tied to its exact Python
    assert any(s.get("run") == "make setup" for s in steps)
    for name in NAMES:  # every job that runs project code uses it
        for job_name, job in _load(name)["jobs"].items():
            runs = "\n".join(s.get("run", "") for s in job["steps"])
            if ".venv/" in runs or "make " in runs:
                assert any(s.get("uses") == "./.github/actions/setup" for s in job["steps"]), f"{name}/{job_name}"


def test_the_contract_cache_is_cached_where_the_suite_writes_it(monkeypatch):
    """Generated cases and the hypothesis example database live under $XDG_CACHE_HOME/vapi-contract/contract
    (contract/case_cache.py); the runner sets no XDG_CACHE_HOME, so that is ~/.cache."""
    from vapi_contract.contract.case_cache import cache_root

    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setenv("HOME", "/home/runner")
    expected = cache_root()
    for name in ("nightly.yml", "gate.yml"):
        paths = [s["with"]["path"] for _, s in _steps(_load(name)) if str(s.get("uses", "")).startswith("actions/cache@")]
        assert paths, f"{name}: the contract cache is not cached"
        resolved = [Path(p.replace("~", "/home/runner", 1)) for p in paths]
        assert expected in resolved, f"{name}: caches {paths}, the suite writes {expected}"
        assert (expected / "hypothesis").is_relative_to(resolved[resolved.index(expected)])


def test_reports_are_uploaded_as_artifacts_even_on_failure():
    for name in ("nightly.yml", "gate.yml", "drift.yml"):
        uploads = [s for _, s in _steps(_load(name)) if str(s.get("uses", "")).startswith("actions/upload-artifact")]
        assert uploads, f"{name}: no report artifact"
        assert any(s.get("if", "").startswith("always()") for s in uploads), f"{name}: artifacts lost on failure"


def test_nightly_shards_the_contract_run_and_merges_the_shards():
    doc = _load("nightly.yml")
    sharded = [job for job in doc["jobs"].values() if "matrix" in job.get("strategy", {})]
    assert len(sharded) == 1
    job = sharded[0]
    shards = job["strategy"]["matrix"]["shard"]
    assert shards == list(range(1, len(shards) + 1)) and len(shards) >= 2
    assert str(len(shards)) == doc["env"]["SHARDS"]
    runs = "\n".join(step.get("run", "") for step in job["steps"])
    assert "vapi-contract run" in runs and '--shard "$SHARD/$SHARDS"' in runs
    merge_jobs = [j for j in doc["jobs"].values() if "report merge" in "\n".join(s.get("run", "") for s in j["steps"])]
    assert merge_jobs and merge_jobs[0].get("if", "").startswith("always()")
    needs = merge_jobs[0]["needs"]
    assert next(n for n, j in doc["jobs"].items() if j is job) in needs


def test_nightly_and_drift_keep_the_store_on_the_state_branch_from_one_concurrency_group():
    groups = {name: _load(name)["concurrency"] for name in ("nightly.yml", "drift.yml")}
    assert groups["nightly.yml"] == groups["drift.yml"] == {"group": "vapi-contract-state", "cancel-in-progress": False}
    for name in ("nightly.yml", "drift.yml", "gate.yml"):
        text = (WORKFLOWS / name).read_text()
        assert ".ci/state restore" in text and "actions/cache/restore" not in text and "cache/save" not in text
        assert (".ci/state save" in text) == (name != "gate.yml"), name  # the gate only reads production's store


def _git(*args: str, cwd: Path) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_the_state_branch_round_trip(tmp_path):
    """restore on no branch starts empty; save commits; an unchanged save commits nothing; restore brings it back;
    a save that would shrink or empty the store is refused (exit 3)."""
    remote = tmp_path / "remote.git"
    _git("init", "-q", "--bare", str(remote), cwd=tmp_path)
    tree = tmp_path / "tree"
    (tree / ".ci").mkdir(parents=True)
    shutil.copy(REPO / ".ci" / "state", tree / ".ci" / "state")
    env = {**os.environ, "STATE_REMOTE": str(remote), "GIT_CONFIG_GLOBAL": "/dev/null"}
    env.pop("GH_TOKEN", None)

    def state(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(["bash", str(tree / ".ci" / "state"), *args], cwd=tree, env=env, capture_output=True,
                              text=True, timeout=60, check=False)

    assert state("restore").returncode == 0 and not (tree / "specs").exists()
    (tree / "specs" / "vapi" / "snapshots").mkdir(parents=True)
    (tree / "specs" / "vapi" / "snapshots" / "a.json.gz").write_bytes(b"a")
    (tree / "specs" / "vapi" / "snapshots" / "drift-state.json").write_text("{}")  # drift's pending changes
    (tree / "specs" / "vapi" / "index.json").write_text("{}")
    (tree / "reports").mkdir()
    (tree / "reports" / "history.json").write_text('{"nights": [1]}')
    assert state("save", "night 1").returncode == 0
    assert "nothing to save" in state("save", "night 1 again").stdout
    packed = state("pack", str(tmp_path / "state.tgz"))
    assert packed.returncode == 0
    shutil.rmtree(tree / "specs")
    shutil.rmtree(tree / "reports")
    assert state("save", "empty").returncode == 3  # never replaces the saved store with nothing
    assert state("restore").returncode == 0
    assert (tree / "reports" / "history.json").read_text() == '{"nights": [1]}'
    assert (tree / "specs" / "vapi" / "snapshots" / "a.json.gz").read_bytes() == b"a"
    (tree / "specs" / "vapi" / "snapshots" / "a.json.gz").unlink()
    assert state("save", "shrunk").returncode == 3
    shutil.rmtree(tree / "specs")
    (tree / "specs" / "vapi" / "snapshots").mkdir(parents=True)
    (tree / "specs" / "vapi" / "snapshots" / "b.json.gz").write_bytes(b"b")
    with tarfile.open(tmp_path / "state.tgz", "r:gz") as packed_tar:
        members = packed_tar.getnames()
    assert "specs/vapi/index.json" in members
    hostile = tmp_path / "hostile.tgz"  # the state's paths plus one more: only the state's are taken
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "evil").write_text("x")
    subprocess.run(["tar", "-xzf", str(tmp_path / "state.tgz"), "-C", str(tmp_path / "x")], check=True)
    subprocess.run(["tar", "-czf", str(hostile), "-C", str(tmp_path / "x"), "specs", "reports", "evil"], check=True)
    assert state("save", "night 2", str(hostile)).returncode == 0  # the tarball adds a.json.gz back
    assert not (tree / "evil").exists()
    (tree / "specs" / "vapi" / "snapshots" / "drift-state.json").unlink()  # drift's state goes: not a shrinking store
    assert state("save", "night 3").returncode == 0
    log = _git("log", "--format=%s", "vapi-contract-state", cwd=remote)
    assert log.split("\n")[:3] == ["night 3", "night 2", "night 1"]
    files = _git("ls-tree", "-r", "--name-only", "vapi-contract-state", cwd=remote).split()
    assert files == ["reports/history.json", "specs/vapi/index.json", "specs/vapi/snapshots/a.json.gz",
                     "specs/vapi/snapshots/b.json.gz"]
