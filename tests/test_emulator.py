"""The tests' moto server (tests/support/aws_emulator.py) as a process: it tells its parent the
port it bound, it does not outlive a test run that died without stopping it, the traceback
behind a 500 is kept where a failing test can show it, and a leased server is empty and never
handed to two users at once."""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from conftest import ROOT

from tests.support.aws_emulator import MotoServer, leased_emulator
from tests.support.pool import Pool

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


def _unimplemented_action(endpoint: str) -> int:
    """An action moto does not implement: it answers 500, a bare "Internal Server Error"."""
    request = urllib.request.Request(
        endpoint,
        data=b"{}",
        method="POST",
        headers={
            "X-Amz-Target": "secretsmanager.NoSuchAction",
            "Content-Type": "application/x-amz-json-1.1",
            "Authorization": "AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/"
            "secretsmanager/aws4_request, SignedHeaders=host, Signature=0",
        },
    )
    try:
        urllib.request.urlopen(request, timeout=10).close()
    except urllib.error.HTTPError as error:
        return error.code
    return 200


def test_the_traceback_behind_a_500_is_kept_and_goes_with_the_server():
    server = MotoServer().start()
    try:
        assert _unimplemented_action(server.endpoint) == 500
        # The server logs the error after it has answered.
        deadline = time.monotonic() + 10
        while "Traceback" not in server.errors() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert "Traceback" in server.errors()
        assert "no_such_action action has not been implemented" in server.errors()
        # Errors only: not a line per request.
        server.reset()
        assert "/moto-api/reset" not in server.errors()
    finally:
        server.stop()
    assert not Path(server.error_log).exists()


class _Counted:
    """A server for the pool's own rules: no process behind it."""

    def __init__(self):
        self.readied, self.alive, self.stopped = 0, True, False


def _counted_pool() -> tuple[Pool[_Counted], list[_Counted]]:
    started: list[_Counted] = []

    def start() -> _Counted:
        started.append(_Counted())
        return started[-1]

    def ready(server: _Counted) -> None:
        server.readied += 1

    def stop(server: _Counted) -> None:
        server.stopped = True

    return Pool(start, ready, lambda server: server.alive, stop), started


def test_a_lease_never_holds_a_server_another_lease_holds_and_reuses_one_given_back():
    pool, started = _counted_pool()
    with pool.lease() as first:
        with pool.lease() as second:
            assert second is not first
    with pool.lease() as again:
        assert again in (first, second) and len(started) == 2
    assert sum(server.readied for server in started) == 3  # each lease readied its server
    # A server that died while leased is not handed out again.
    with pool.lease() as dying:
        dying.alive = False
    with pool.lease() as third, pool.lease() as fourth:
        assert dying not in (third, fourth)
    pool.stop_all()
    assert all(server.stopped for server in started)


def test_a_leased_moto_server_given_back_is_reset_before_its_next_lease():
    with leased_emulator() as first:
        first.client("secretsmanager").create_secret(Name="left-behind", SecretString="x")
    with leased_emulator() as again:
        assert again is first  # given back, and reused
        assert again.client("secretsmanager").list_secrets()["SecretList"] == []
        assert again.deployed is None and not again.dirty
