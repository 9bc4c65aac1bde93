"""The tests' moto server (tests/support/aws_emulator.py) as a process: it tells its parent the
port it bound, and it does not outlive a test run that died without stopping it."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from conftest import ROOT

DIES_WITHOUT_STOPPING = """
import os
from tests.support.aws_emulator import MotoServer
server = MotoServer().start()
print(server.process.pid, server.port, flush=True)
os._exit(1)
"""


def _running(pid: int) -> bool:
    stat = Path(f"/proc/{pid}/stat")
    try:
        return stat.read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_a_server_whose_test_process_died_ends_too():
    done = subprocess.run(
        [sys.executable, "-c", DIES_WITHOUT_STOPPING],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    pid, port = (int(field) for field in done.stdout.split())
    assert port > 0
    deadline = time.monotonic() + 10
    while _running(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _running(pid), f"moto server {pid} outlived the process that started it"
