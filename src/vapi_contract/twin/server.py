"""Run the twin on uvicorn: in the foreground (`serve`) or in a child process for tests and pipelines (`start_twin`).

The child process keeps the twin responsive while a contract run's CPU-heavy data generation runs in the parent,
and lets pytest-xdist workers share one twin. It is passed the spec by path, announces its port on stdout once
bound, and exits by itself when its parent dies, so no orphan outlives a run.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from ..errors import TargetUnreachableError, UsageError
from .faults import check as check_fault
from .state import DEFAULT_ADMIN_TOKEN, DEFAULT_TOKENS, org_uuid

READY_TIMEOUT = 30.0


def read_tokens(path: str | Path | None) -> tuple[dict[str, str], str]:
    """Org tokens and the admin token from a JSON file: `{"orgs": {"org-a": "tok"}, "admin": "tok"}` or a flat
    `{"org-a": "tok"}` mapping; defaults when no file is given."""
    if path is None:
        return dict(DEFAULT_TOKENS), DEFAULT_ADMIN_TOKEN
    try:
        data = json.loads(Path(path).read_text())
    except (OSError, ValueError) as exc:
        raise UsageError(f"cannot read twin tokens file {path}: {exc}") from None
    orgs = data.get("orgs", data) if isinstance(data, dict) else None
    admin = data.get("admin", DEFAULT_ADMIN_TOKEN) if isinstance(data, dict) and "orgs" in data else DEFAULT_ADMIN_TOKEN
    if not isinstance(orgs, dict) or not orgs or not all(isinstance(v, str) and v for v in orgs.values()):
        raise UsageError(f"twin tokens file {path}: expected {{\"org-name\": \"token\", ...}} with at least one org")
    return {str(k): v for k, v in orgs.items()}, str(admin)


def bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # proto must be IPPROTO_TCP: asyncio only sets TCP_NODELAY on such sockets, and without it every
    # response waits ~40 ms for a delayed ACK (Nagle), capping a keep-alive client at ~25 req/s
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def serve(spec: str | Path | None, host: str = "127.0.0.1", port: int = 8787, fault: str | None = None,
          tokens: dict[str, str] | None = None, admin_token: str | None = None, announce=None,
          seed_objects: int = 0) -> None:
    """Load the spec, seed `seed_objects` objects into every collection of every organisation, bind, then serve
    until interrupted. `announce(port)` is called once the socket is bound."""
    import uvicorn

    from ..spec.sources import load
    from .app import build_app
    from .state import TwinState

    check_fault(fault)
    check_seed(seed_objects)
    loaded = load(spec) if spec is not None else load_offline_default()
    state = TwinState(loaded.document, tokens, admin_token, fault, loaded.raw, seed_objects)
    sock = bind(host, port)
    config = uvicorn.Config(build_app(state), log_level="warning", access_log=False, lifespan="off",
                            timeout_keep_alive=30, backlog=2048)
    server = uvicorn.Server(config)
    if announce:
        announce(sock.getsockname()[1])
    server.run(sockets=[sock])


def check_seed(count: int) -> int:
    if isinstance(count, bool) or not isinstance(count, int) or not 0 <= count <= 1000:
        raise UsageError(f"--seed-objects must be a whole number between 0 and 1000, got {count!r}")
    return count


def load_offline_default():
    """The twin runs offline, so without --spec it never fetches the live spec: the newest snapshot in the
    store, else the newest version in VAPI_SPEC_MIRROR (announced on stderr)."""
    from .. import config
    from ..spec.sources import announce, load_file, load_snapshot, newest_in_mirror, open_store

    store = open_store(None)
    latest = store.latest()
    if latest is not None:
        announce(f"twin: serving the newest snapshot {latest.id} from {store.root}")
        return load_snapshot(store, latest.id)
    mirror = config.spec_mirror()
    if mirror is None or not mirror.is_dir():
        raise UsageError(f"no --spec given, the store {store.root} is empty and VAPI_SPEC_MIRROR is not a folder")
    path = newest_in_mirror(mirror)
    announce(f"twin: serving the newest version in the mirror: {path}")
    return load_file(path)


def _watch_parent(parent: int) -> None:
    """Exit when the process that started us is gone (its pid is re-parented away)."""
    while True:
        time.sleep(0.5)
        if os.getppid() != parent:
            os._exit(0)


class RunningTwin:
    """A twin served by a child process. Use as a context manager, or call `stop()`."""

    def __init__(self, process: subprocess.Popen, host: str, port: int, tokens: dict[str, str], admin_token: str,
                 fault: str | None, cleanup: list[Path], seed_objects: int = 0):
        self.process, self.host, self.port = process, host, port
        self.seed_objects = seed_objects
        self.tokens, self.admin_token, self.fault = tokens, admin_token, fault
        self.org_ids = {org: org_uuid(org) for org in tokens}
        self._cleanup = cleanup

    @property
    def base_url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def pid(self) -> int:
        return self.process.pid

    def headers(self, org: str | None = None) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[org or next(iter(self.tokens))]}"}

    def _admin(self, path: str, payload: Any) -> dict[str, Any]:
        import httpx

        response = httpx.post(self.base_url + path, json=payload, timeout=60,
                              headers={"Authorization": f"Bearer {self.admin_token}"})
        if response.status_code != 200:
            raise UsageError(f"twin refused {path}: {response.text[:300]}")
        return response.json()

    def set_spec(self, spec: dict[str, Any] | str | Path) -> dict[str, Any]:
        """Switch the served spec: a parsed document, or a source (file path) the twin loads itself."""
        payload = spec if isinstance(spec, dict) else {"source": str(spec)}
        return self._admin("/__twin/spec", payload)

    def set_fault(self, name: str | None) -> None:
        """Switch the deliberately wrong behaviour at runtime (None restores correct behaviour)."""
        check_fault(name)
        self._admin("/__twin/fault", {"name": name})
        self.fault = name

    def reset(self) -> None:
        """Forget every stored object (a seeded twin gets its seeded objects back) and the `/__twin/stats` counts."""
        self._admin("/__twin/reset", {})

    def seed(self, count: int) -> int:
        """Replace the seeded objects by `count` per collection of every organisation; returns how many were made."""
        check_seed(count)
        added = self._admin("/__twin/seed", {"count": count})["seeded"]
        self.seed_objects = count
        return added

    def stats(self) -> dict[str, dict[str, int]]:
        """What each operation answered so far: `{"GET /assistant/{id}": {"200": 3, "404": 7}}`."""
        import httpx

        response = httpx.get(self.base_url + "/__twin/stats", timeout=60,
                             headers={"Authorization": f"Bearer {self.admin_token}"})
        response.raise_for_status()
        return response.json()

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self, timeout: float = 5.0) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout)
        if self.process.stdout:
            self.process.stdout.close()
        for path in self._cleanup:
            path.unlink(missing_ok=True)
        self._cleanup = []

    def __enter__(self) -> RunningTwin:  # noqa: PYI034 - a final class in practice
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"RunningTwin({self.base_url}, pid={self.pid}, fault={self.fault})"


def start_twin(spec: str | Path | dict[str, Any] | None = None, host: str = "127.0.0.1", port: int = 0,
               fault: str | None = None, tokens: dict[str, str] | None = None, admin_token: str | None = None,
               timeout: float = READY_TIMEOUT, seed_objects: int = 0) -> RunningTwin:
    """Start a twin in a child process and return once it answers its health endpoint. `port=0` picks a free
    port; `spec` is a source `vapi_contract.spec.sources.load` accepts, or a parsed document; `seed_objects`
    objects are in every collection of every organisation before it answers."""
    check_fault(fault)
    check_seed(seed_objects)
    tokens = dict(tokens or DEFAULT_TOKENS)
    admin_token = admin_token or DEFAULT_ADMIN_TOKEN
    cleanup: list[Path] = []
    if isinstance(spec, dict):
        with tempfile.NamedTemporaryFile("w", suffix=".json", prefix="vapi-twin-spec-", delete=False) as handle:
            json.dump(spec, handle)
        cleanup.append(Path(handle.name))
        spec = handle.name
    with tempfile.NamedTemporaryFile("w", suffix=".json", prefix="vapi-twin-tokens-", delete=False) as handle:
        json.dump({"orgs": tokens, "admin": admin_token}, handle)
    cleanup.append(Path(handle.name))
    command = [sys.executable, "-m", "vapi_contract.twin.server", "--host", host, "--port", str(port),
               "--tokens", handle.name, "--parent", str(os.getpid())]
    if spec is not None:
        command += ["--spec", str(spec)]
    if fault:
        command += ["--fault", fault]
    if seed_objects:
        command += ["--seed-objects", str(seed_objects)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        bound = _read_port(process, timeout)
        twin = RunningTwin(process, host, bound, tokens, admin_token, fault, cleanup, seed_objects)
        _wait_healthy(twin, timeout)
    except BaseException:
        process.kill()
        process.wait()
        for path in cleanup:
            path.unlink(missing_ok=True)
        raise
    threading.Thread(target=_drain, args=(process,), daemon=True).start()
    return twin


def _read_port(process: subprocess.Popen, timeout: float) -> int:
    result: list[str] = []
    reader = threading.Thread(target=lambda: result.append(process.stdout.readline()), daemon=True)
    reader.start()
    reader.join(timeout)
    line = result[0] if result else ""
    if not line.startswith("{"):
        process.kill()
        _out, err = process.communicate(timeout=5)
        last = (err or "").strip().splitlines()[-1:] or ["no output"]
        raise TargetUnreachableError(f"twin did not start: {last[0]}")
    return int(json.loads(line)["port"])


def _wait_healthy(twin: RunningTwin, timeout: float) -> None:
    import httpx  # not at module level: the child process never needs it

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not twin.alive():
            raise TargetUnreachableError(f"twin exited with status {twin.process.returncode} before it was ready")
        try:
            if httpx.get(twin.base_url + "/__twin/health", timeout=1.0).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.02)
    raise TargetUnreachableError(f"twin did not answer {twin.base_url}/__twin/health within {timeout:.0f} s")


def _drain(process: subprocess.Popen) -> None:
    """Keep reading the child's stderr so a chatty twin never blocks on a full pipe."""
    for _line in process.stderr:
        pass


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="vapi_contract.twin.server")
    parser.add_argument("--spec")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--fault")
    parser.add_argument("--tokens")
    parser.add_argument("--parent", type=int)
    parser.add_argument("--seed-objects", type=int, default=0)
    args = parser.parse_args(argv)
    if args.parent:
        threading.Thread(target=_watch_parent, args=(args.parent,), daemon=True).start()
    tokens, admin = read_tokens(args.tokens)

    def announce(port: int) -> None:
        print(json.dumps({"port": port, "pid": os.getpid()}), flush=True)

    from ..errors import VapiContractError

    try:
        serve(args.spec, args.host, args.port, args.fault, tokens, admin, announce, args.seed_objects)
    except VapiContractError as exc:
        print(f"vapi-contract: error: {exc}", file=sys.stderr)
        return exc.exit_code
    return 0


if __name__ == "__main__":
    sys.exit(main())
