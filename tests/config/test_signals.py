"""`alongside serve` and `alongside run` pass SIGTERM and SIGINT on: nothing is left running.

A process manager (systemd, a container runtime) stops a service by signalling
the process it started; gunicorn and the task worker must stop with it.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _descendants(pid: int) -> set[int]:
    """Every process below ``pid`` (read from /proc, children of children too)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(parent, []).append(int(entry.name))
    found: set[int] = set()
    todo = [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def _wait_for_port(port: int, process: subprocess.Popen[bytes], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, "the server stopped before it answered"
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"nothing answered on port {port}")


@pytest.mark.parametrize("command", ["serve", "run"])
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_stops_the_server_and_everything_it_started(
    command: str, signum: signal.Signals, tmp_path: Path
) -> None:
    port = _free_port()
    leaks = ("ALONGSIDE_", "DATABASE_URL", "DJANGO_", "PYTEST_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(leaks)}
    env.update(ALONGSIDE_DEMO_MODE="1", ALONGSIDE_DATA_DIR=str(tmp_path))
    process = subprocess.Popen(
        [sys.executable, "-m", "alongside.config.cli", command, "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        # Its own process group, so the signal reaches only the alongside process,
        # as when a process manager signals the main process of a service.
        start_new_session=True,
    )
    started: set[int] = set()
    try:
        _wait_for_port(port, process)
        deadline = time.monotonic() + 10
        # gunicorn's master and its workers (and for `run`, the task worker).
        while time.monotonic() < deadline and len(started) < (3 if command == "serve" else 4):
            started |= _descendants(process.pid)
            time.sleep(0.2)
        assert started, "the server started no child process"
        os.kill(process.pid, signum)
        process.wait(timeout=30)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and any(_alive(pid) for pid in started):
            time.sleep(0.2)
        left = sorted(pid for pid in started if _alive(pid))
        assert not left, f"still running after {signum.name}: {left}"
    finally:
        for pid in [process.pid, *started]:
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
