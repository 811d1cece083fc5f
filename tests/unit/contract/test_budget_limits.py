"""The request budget and the rate limit hold for the whole run: one schedule shared by every worker process
(budget.RequestLimits), each CI shard with its 1/N. Measured at the target: a relay that records the time of every
request it receives."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from vapi_contract.contract.budget import RequestBudgetExhausted, RequestLimits
from vapi_contract.contract.options import resolve
from vapi_contract.errors import UsageError

from .test_transport import Relay

REPO = Path(__file__).resolve().parents[3]


class FakeTime:
    def __init__(self):
        self.now = 100.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_slots_are_spaced_by_the_rate_and_never_in_the_past(tmp_path):
    fake = FakeTime()
    limits = RequestLimits(0, 4.0, tmp_path / "limits", clock=fake.clock, sleep=fake.sleep)
    for _ in range(3):
        limits.acquire()
    assert fake.slept == [0.25, 0.25]
    fake.now += 10  # idle time is not saved up for a burst
    limits.acquire()
    limits.acquire()
    assert fake.slept == [0.25, 0.25, 0.25] and limits.sent() == 5


def test_two_handles_on_one_file_share_budget_and_schedule(tmp_path):
    fake = FakeTime()
    a, b = (RequestLimits(3, 2.0, tmp_path / "limits", clock=fake.clock, sleep=fake.sleep) for _ in range(2))
    a.acquire()
    b.acquire()  # the second request of the run waits for its slot, whichever process sends it
    a.acquire()
    assert fake.slept == [0.5, 0.5]
    with pytest.raises(RequestBudgetExhausted, match="3 requests"):
        b.acquire()
    assert (a.granted, b.granted) == (2, 1) and a.sent() == b.sent() == 3


def test_without_limits_nothing_is_shared_or_waited(tmp_path):
    limits = RequestLimits(0, 0.0, tmp_path / "limits")
    for _ in range(5):
        limits.acquire()
    assert limits.granted == 5 and not (tmp_path / "limits").exists()


@pytest.mark.parametrize(("shard", "expected"), [
    (None, (100, 5.0)), ("1/4", (25, 1.25)), ("4/4", (25, 1.25)), ("1/3", (34, 5 / 3)), ("3/3", (33, 5 / 3)),
])
def test_a_ci_shard_gets_its_share_of_budget_and_rate(shard, expected):
    options = resolve({"target": "https://api.example.com", "request_budget": 100, "rate_limit": 5.0,
                       "shard": shard})
    assert options.limits() == pytest.approx(expected)
    if shard:
        count = int(shard.split("/")[1])
        shares = [resolve({"target": "twin", "request_budget": 100, "rate_limit": 5.0, "shard": f"{i}/{count}"})
                  .limits() for i in range(1, count + 1)]
        assert sum(b for b, _ in shares) == 100 and sum(r for _, r in shares) == pytest.approx(5.0)


def test_negative_limits_are_refused():
    with pytest.raises(UsageError):
        resolve({"rate_limit": -1.0})


WORKER = """
import sys
from vapi_contract.contract.budget import RequestLimits
from vapi_contract.contract.transport import Client, RequestBudgetExhausted

url, path, budget, rate = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
client = Client(url, limits=RequestLimits(budget, rate, path))
sent = 0
try:
    for _ in range(100):
        client.request("GET", "/x")
        sent += 1
except RequestBudgetExhausted:
    pass
print(sent)
"""


def observed_rate(records: list[dict]) -> float:
    """Requests per second between the first and the last request the target received."""
    times = sorted(r["t"] for r in records)
    return (len(times) - 1) / (times[-1] - times[0])


def test_two_processes_share_one_rate_and_one_budget(tmp_path):
    target = Relay()
    try:
        workers = [subprocess.Popen([sys.executable, "-c", WORKER, target.url, str(tmp_path / "limits"), "24", "8"],
                                    stdout=subprocess.PIPE, text=True) for _ in range(2)]
        sent = [int(worker.communicate(timeout=120)[0]) for worker in workers]
    finally:
        target.close()
    assert sum(sent) == len(target.records) == 24 and min(sent) > 0  # both drew from the one budget
    assert observed_rate(target.records) == pytest.approx(8.0, rel=0.1)


# -- measured at the target: full contract runs, 2 xdist workers -------------------------------------------------

def contract_run(tmp_path: Path, spec: Path, target: str, key: str, *args: str, env: dict | None = None):
    report = tmp_path / "run"
    command = [sys.executable, "-m", "vapi_contract.cli", "run", "--spec", str(spec), "--target", target,
               "--profile", "nightly", "--seed", "11", "--report-dir", str(report), "--workers", "2", "-q",
               "--max-examples", "5", "--no-case-cache", *args]
    full_env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache"), "VAPI_API_KEY": key, **(env or {})}
    full_env.pop("VAPI_CONTRACT_CONTEXT", None)
    done = subprocess.run(command, cwd=REPO, env=full_env, capture_output=True, text=True, timeout=900, check=False)
    return done.returncode, report, done.stdout[-3000:] + done.stderr[-3000:]


OPERATIONS = "GET /assistant,GET /assistant/{id},GET /tool,POST /tool,GET /squad,GET /file"
# cheap to generate: the workers ask for more than the limit even on a loaded machine, so the limit is what is seen
READS = "GET /assistant,GET /assistant/{id},GET /tool,GET /tool/{id},GET /squad,GET /squad/{id},GET /file"


@pytest.mark.slow
@pytest.mark.parametrize("limits", [("--rate-limit", "3"), ("--rate-limit", "6", "--shard", "2/2")],
                         ids=["run", "shard"])
def test_the_rate_limit_holds_for_the_whole_run_across_workers(tmp_path, newest_spec_path, limits):
    """3 req/s for the run, or a 6 req/s night split over 2 shards: the target sees 3 req/s from 2 workers."""
    from vapi_contract.twin.server import start_twin

    with start_twin(spec=newest_spec_path, seed_objects=1) as twin:
        target = Relay(upstream=twin.base_url)
        try:
            code, report, output = contract_run(tmp_path, newest_spec_path, target.url, twin.tokens["org-a"],
                                                *limits, "--request-budget", "300", "--operations", READS,
                                                "--max-examples", "10", "--no-lifecycle")
        finally:
            target.close()
    assert code in (0, 1), output
    assert json.loads((report / "run.json").read_text())["requests_sent"] == len(target.records) - 1
    rate = observed_rate(target.records[1:])  # the first is the reachability check, before the workers start
    print(f"{' '.join(limits)}, 2 workers: {len(target.records)} requests, observed {rate:.2f} req/s")
    assert len(target.records) > 60 and rate == pytest.approx(3.0, rel=0.1)


@pytest.mark.slow
@pytest.mark.parametrize("limits", [("--request-budget", "100"), ("--request-budget", "80", "--shard", "1/2")],
                         ids=["run", "shard"])
def test_the_budget_holds_for_the_whole_run_and_a_shard_gets_its_share(tmp_path, newest_spec_path, limits):
    """Without a budget these operations take more (over 120 requests the run, ~60 a shard): the cap stops them."""
    from vapi_contract.twin.server import start_twin

    expected = 100 if "--shard" not in limits else 40
    with start_twin(spec=newest_spec_path, seed_objects=1) as twin:
        target = Relay(upstream=twin.base_url)
        try:
            code, report, output = contract_run(tmp_path, newest_spec_path, target.url, twin.tokens["org-a"],
                                                *limits, "--rate-limit", "0", "--operations", OPERATIONS)
        finally:
            target.close()
    assert code in (0, 1, 3), output
    sent = len(target.records) - 1  # less the reachability check
    print(f"{' '.join(limits)}, 2 workers: {sent} requests at the target")
    assert json.loads((report / "run.json").read_text())["requests_sent"] == sent
    assert expected * 0.9 <= sent <= expected
