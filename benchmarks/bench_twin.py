"""Twin throughput on loopback, beside the ceiling: a minimal Starlette hello-world on uvicorn.

    .venv/bin/python benchmarks/bench_twin.py [--spec PATH] [--requests 2000] [--repeats 5] [--clients 2]
                                              [--ports 18100-18199]

One server process each; the load comes from separate httpx client processes (default 2, keep-alive, each
sequential on its own connection), so a Python client's own cost does not cap the figure. Also reports the twin's start-up time (spawn to
healthy) on the given spec. Medians over repeats; on a shared machine read the ratios, not the absolutes. Exit 1
when a target is missed (start-up under 2 s, GET over 1,000 req/s).
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
DEFAULT_SPEC = REPO.parent / "shared" / "vapi-spec-history" / "2026-04-22T1131-7dc5137.json.gz"
ASSISTANT = {
    "name": "Bench desk",
    "firstMessage": "Hello, how can I help?",
    "model": {"provider": "openai", "model": "gpt-4o", "messages": [{"role": "system", "content": "Be brief."}]},
    "voice": {"provider": "11labs", "voiceId": "burt"},
    "maxDurationSeconds": 600,
}

HELLO_SERVER = textwrap.dedent("""
    import sys
    import uvicorn
    from starlette.applications import Starlette
    from starlette.responses import JSONResponse
    from starlette.requests import Request
    from starlette.routing import Route

    async def hello(request: Request):
        if request.method == "POST":
            return JSONResponse(await request.json(), status_code=201)
        return JSONResponse({"hello": "world"})

    app = Starlette(routes=[Route("/hello", hello, methods=["GET", "POST"])])
    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning", access_log=False)
""")

CLIENT = textwrap.dedent("""
    import json, sys, time, httpx
    url, method, count, headers, body = sys.argv[1], sys.argv[2], int(sys.argv[3]), json.loads(sys.argv[4]), sys.argv[5]
    payload = json.loads(body) if body else None
    with httpx.Client(headers=headers, timeout=30) as client:
        for _ in range(min(200, count)):  # warm-up: connection, validators, caches
            client.request(method, url, json=payload)
        statuses = set()
        started = time.time()
        for _ in range(count):
            statuses.add(client.request(method, url, json=payload).status_code)
        ended = time.time()
    print(json.dumps({"started": started, "ended": ended, "count": count, "statuses": sorted(statuses)}))
""")


PORTS: range | None = None  # --ports: only these (a shared machine gives each user a range)


def free_port() -> int:
    for port in PORTS or [0]:
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return sock.getsockname()[1]
    raise SystemExit(f"no free port in {PORTS}")


def port_range(text: str) -> range:
    low, _, high = text.partition("-")
    try:
        return range(int(low), int(high or low) + 1)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected LOW-HIGH, got {text!r}") from None


def load(url: str, method: str, count: int, headers: dict, body: dict | None, clients: int) -> float:
    """Requests per second served to `clients` concurrent client processes (each its own connection)."""
    command = [sys.executable, "-c", CLIENT, url, method, str(count), json.dumps(headers), json.dumps(body) if body else ""]
    processes = [subprocess.Popen(command, stdout=subprocess.PIPE, text=True) for _ in range(clients)]
    results = [json.loads(p.communicate()[0]) for p in processes]
    expected = {"GET": [200], "POST": [201]}[method]
    for result in results:
        if result["statuses"] != expected:
            raise SystemExit(f"{method} {url}: unexpected statuses {result['statuses']}")
    wall = max(r["ended"] for r in results) - min(r["started"] for r in results)
    return sum(r["count"] for r in results) / wall


def start_hello() -> tuple[subprocess.Popen, str]:
    port = free_port()
    process = subprocess.Popen([sys.executable, "-c", HELLO_SERVER, str(port)])
    base = f"http://127.0.0.1:{port}"
    for _ in range(500):
        try:
            httpx.get(base + "/hello", timeout=1)
            return process, base
        except httpx.HTTPError:
            time.sleep(0.02)
    process.kill()
    raise SystemExit("hello-world server did not start")


def wait_warm(twin, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not httpx.get(twin.base_url + "/__twin/health", timeout=5).json()["validatorsReady"]:
        if time.monotonic() > deadline:
            raise SystemExit("twin validators did not finish compiling")
        time.sleep(0.05)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spec", default=str(DEFAULT_SPEC))
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--clients", type=int, default=2, help="concurrent client processes (default 2)")
    parser.add_argument("--ports", type=port_range, default=None, help="LOW-HIGH: listen only on these ports")
    args = parser.parse_args()
    global PORTS
    PORTS = args.ports
    sys.path.insert(0, str(REPO / "src"))
    from vapi_contract.twin.server import start_twin

    starts, warm = [], []
    for _ in range(3):
        began = time.perf_counter()
        with start_twin(spec=args.spec, port=free_port()) as twin:
            starts.append(time.perf_counter() - began)
            wait_warm(twin)
            warm.append(time.perf_counter() - began)

    twin = start_twin(spec=args.spec, port=free_port())
    wait_warm(twin)  # throughput is measured in the steady state, every validator compiled
    hello, hello_base = start_hello()
    try:
        headers = twin.headers()
        created = httpx.post(twin.base_url + "/assistant", json=ASSISTANT, headers=headers, timeout=30)
        assert created.status_code == 201, created.text
        item = f"{twin.base_url}/assistant/{created.json()['id']}"
        figures: dict[str, list[float]] = {k: [] for k in ("twin GET", "hello GET", "twin POST", "hello POST")}
        for _ in range(args.repeats):  # interleaved, so load on the shared machine hits both alike
            figures["twin GET"].append(load(item, "GET", args.requests, headers, None, args.clients))
            figures["hello GET"].append(load(hello_base + "/hello", "GET", args.requests, {}, None, args.clients))
            figures["twin POST"].append(load(twin.base_url + "/assistant", "POST", args.requests, headers, ASSISTANT, args.clients))
            figures["hello POST"].append(load(hello_base + "/hello", "POST", args.requests, {}, ASSISTANT, args.clients))
    finally:
        twin.stop()
        hello.terminate()
        hello.wait()

    median = {k: statistics.median(v) for k, v in figures.items()}
    print(f"bench_twin: spec {Path(args.spec).name}, {args.requests} requests x {args.repeats} repeats, "
          f"1 server process, {args.clients} httpx client process(es) (keep-alive); load average {os.getloadavg()[0]:.1f}")
    print(f"  twin start-up (spawn -> healthy), median of 3: {statistics.median(starts):.2f} s "
          f"(min {min(starts):.2f} s); every validator compiled (background warm-up done): "
          f"{statistics.median(warm):.2f} s")
    for verb, path in (("GET", "/assistant/{id}"), ("POST", "/assistant")):
        twin_rps, peer_rps = median[f"twin {verb}"], median[f"hello {verb}"]
        spread = ", ".join(f"{x:.0f}" for x in figures[f"twin {verb}"])
        print(f"  {verb:4} {path:16} twin {twin_rps:7.0f} req/s  | hello-world {peer_rps:7.0f} req/s  "
              f"| ratio {twin_rps / peer_rps:.2f}  (twin runs: {spread})")
    fast_start, fast_get = statistics.median(starts) < 2.0, median["twin GET"] >= 1000
    print(f"  targets: start-up < 2 s -> {'meets' if fast_start else 'MISSES'}; "
          f"GET >= 1,000 req/s -> {'meets' if fast_get else 'MISSES'}")
    return 0 if fast_start and fast_get else 1


if __name__ == "__main__":
    sys.exit(main())
