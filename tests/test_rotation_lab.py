"""The rotation proven against real parts, smaller than `make bench`'s 20 rotations: a real
PostgreSQL server, the moto server loaded from the synthesized stack, the operations CLI as a
separate process, and a fleet that keeps signing in (tests/support/rotation_lab.py)."""

from __future__ import annotations

import json
import secrets as random_source

import pytest

from tests.support import long_lived_tasks
from tests.support.aws_emulator import leased_emulator
from tests.support.postgres_server import PostgresServer
from tests.support.rotation_lab import (
    MASTER_USER,
    NAMES,
    Lab,
    deploy_managed,
    run_managed,
    run_previous_scheme,
    with_servers,
)

pytestmark = [pytest.mark.postgres, pytest.mark.heavy(seconds=40)]

# Two rotations: the first creates the second user, the second changes the first user's
# password under a fleet that holds it.
ROTATIONS = 2


def test_managed_rotation_loses_no_login():
    managed = with_servers(run_managed, ROTATIONS)
    assert managed.logins > 50
    assert managed.failed == 0


def test_the_previous_scheme_loses_logins_under_the_same_load():
    # Tasks that start between `pulumi up` and the password change on RDS, and running tasks
    # after it, are refused.
    previous = with_servers(run_previous_scheme, ROTATIONS)
    assert previous.logins > 50
    assert previous.failed > 0


def test_long_lived_tasks_fail_without_restarts_and_never_with_them():
    # Three rotations: a task from before the first fails at the second's setSecret.
    restarted, kept = long_lived_tasks.compare(3)
    assert restarted.logins > 100 and restarted.failed == 0
    assert kept.failed > 0


@pytest.fixture(scope="module")
def lab():
    master_password = random_source.token_urlsafe(24)
    with leased_emulator() as moto, PostgresServer(MASTER_USER, master_password) as database:
        lab = Lab(moto, database, master_password)
        # The master secret holds a wrong password at first: the test fixes it later.
        lab.deployed, lab.master_arn = deploy_managed(lab, "not-it")
        yield lab


def test_bootstrap_db_user_creates_the_first_user_once_and_refuses_bad_input(lab):
    credentials = lab.deployed.values[NAMES.db_credentials]
    here = f"{lab.address.host}:{lab.address.port}"

    def bootstrap(*args: str):
        done = lab.cli("bootstrap-db-user", *args)
        assert "Traceback" not in done.stderr
        assert credentials["password"] not in done.stdout + done.stderr
        assert lab.master_password not in done.stdout + done.stderr
        return done

    nobody_listens = bootstrap("--connect", "127.0.0.1:1")
    assert nobody_listens.returncode == 20
    assert "cannot reach the database" in nobody_listens.stderr
    wrong_master = bootstrap("--connect", here)
    assert wrong_master.returncode == 20
    assert "master secret's credentials do not sign in" in wrong_master.stderr
    assert bootstrap("--connect", "nowhere").returncode == 64

    lab.secrets().put_secret_value(
        SecretId=lab.master_arn,
        SecretString=json.dumps({"username": MASTER_USER, "password": lab.master_password}),
    )
    created = bootstrap("--connect", here)
    assert created.returncode == 0, created.stderr
    assert f"created role {credentials['username']}" in created.stdout
    assert lab.sign_in(credentials)
    again = bootstrap("--connect", here)
    assert again.returncode == 0 and "nothing to do" in again.stdout


def test_bootstrap_db_user_needs_the_managed_rotations_shape(lab):
    manual = {
        k: v for k, v in lab.deployed.values[NAMES.db_credentials].items() if k != "masterarn"
    }
    lab.secrets().create_secret(
        Name="demo-production-db-credentials", SecretString=json.dumps(manual)
    )
    done = lab.cli("bootstrap-db-user", "--app", "demo")
    assert done.returncode == 12
    assert "names no master secret (masterarn)" in done.stderr
