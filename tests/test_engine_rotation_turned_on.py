"""Managed rotation turned on for a running stack, and the database moved, through the real engine
and a real PostgreSQL server: production deployed by the program from before managed rotation,
then brought up with rotation on; the documented first-user step
(`manage-secrets bootstrap-db-user`), a rotation by the alternating-users driver (AWS's four
steps against the real server) and one by the documented command (`manage-secrets rotate-db`); then a new databaseHost. After each step db-credentials' AWSCURRENT holds every field, with the user and password of the step before
where nothing should have changed them. A config change while a rotation is in flight is
refused by `pulumi up`, and nothing is written."""

from __future__ import annotations

import json
import secrets as random_source

import pytest
from engine_tier import up_as_an_operator_would

from tests.support.postgres_server import PostgresServer
from tests.support.rotation_driver import AlternatingUsersRotation
from tests.support.rotation_function import RotationFunction
from tests.support.rotation_lab import MASTER_USER, Lab

pytestmark = [pytest.mark.engine, pytest.mark.postgres, pytest.mark.heavy(seconds=33)]

BEFORE_MANAGED_ROTATION = "6abb751"
SECRET = "programador-musical-production-db-credentials"
FIELDS = {"username", "password", "engine", "host", "port", "dbname", "masterarn"}


@pytest.fixture(scope="module")
def lab(engine):
    master_password = random_source.token_urlsafe(24)
    with PostgresServer(MASTER_USER, master_password) as database:
        yield Lab(engine.moto, database, master_password)


def _current(engine) -> dict:
    client = engine.moto.client("secretsmanager")
    return json.loads(
        client.get_secret_value(SecretId=SECRET, VersionStage="AWSCURRENT")["SecretString"]
    )


def _credentials(values: dict) -> tuple[str, str]:
    return values["username"], values["password"]


def test_turning_rotation_on_rotating_and_moving_the_database_keep_every_field(engine, lab):
    engine.moto.reset()
    old = engine.commit(BEFORE_MANAGED_ROTATION, label="manual-production")
    engine.init_stack(old, "production").check()
    up_as_an_operator_would(engine, old)
    manual = _current(engine)
    assert "masterarn" not in manual

    # The database stack's master secret, which the new config names.
    master = lab.secrets().create_secret(
        Name="rds!db-lab",
        SecretString=json.dumps({"username": MASTER_USER, "password": lab.master_password}),
    )["ARN"]
    current = engine.project(label="rotation-on", backend_of=old)
    engine.pulumi(current, "config", "set", "--stack", "production",
                  "--plaintext", "rotationMasterSecretArn", master).check()  # fmt: skip
    engine.pulumi(current, "up", "--stack", "production", "--yes", "--skip-preview").check()
    turned_on = _current(engine)
    assert FIELDS <= set(turned_on)
    assert turned_on["masterarn"] == master
    assert _credentials(turned_on) == _credentials(manual)

    # The first user, as the first-deployment runbook creates it, then one rotation by the
    # driver (AWS's four steps against the real server).
    lab.as_master(f'CREATE DATABASE "{turned_on["dbname"]}"')
    address = f"{lab.address.host}:{lab.address.port}"
    done = lab.cli("bootstrap-db-user", "--connect", address)
    assert done.returncode == 0, done.stderr
    driver = AlternatingUsersRotation(lab.secrets(), SECRET, lab.session, lab.sign_in)
    for _, step in driver.steps():
        step()
    rotated = _current(engine)
    assert FIELDS <= set(rotated)
    assert rotated["username"] == turned_on["username"] + "_clone"
    assert lab.sign_in(rotated)

    # The documented command: `manage-secrets rotate-db` asks Secrets Manager, which invokes the
    # function (moto runs no function code: tests/support/rotation_function.py plays it, with the same
    # driver) and the CLI follows the versions to the end.
    with RotationFunction(lab.secrets(), SECRET, driver.steps) as function:
        done = lab.cli("rotate-db", "--wait", "60")
    assert done.returncode == 0, done.stderr
    assert len(function.rotated) == 1
    commanded = _current(engine)
    assert FIELDS <= set(commanded)
    assert commanded["username"] == turned_on["username"]
    assert lab.sign_in(commanded) and lab.sign_in(rotated)

    # A rotation in flight: `pulumi up` with a moved database refuses and writes nothing.
    moved = "programador-musical-production-db-2.c8x2kd1qpt0z.us-east-1.rds.amazonaws.com"
    engine.pulumi(current, "config", "set", "--stack", "production", "databaseHost", moved).check()
    in_flight = AlternatingUsersRotation(lab.secrets(), SECRET, lab.session, lab.sign_in)
    steps = dict(in_flight.steps())
    steps["createSecret"]()
    refused = engine.pulumi(current, "up", "--stack", "production", "--yes", "--skip-preview")
    assert refused.returncode != 0
    assert "a rotation is in flight" in refused.stdout
    assert _current(engine) == commanded
    for name in ("setSecret", "testSecret", "finishSecret", "done"):
        steps[name]()
    finished = _current(engine)

    # Once it finished, the move reaches the rotated value; the credentials stay.
    engine.pulumi(current, "up", "--stack", "production", "--yes", "--skip-preview").check()
    moved_to = _current(engine)
    assert moved_to["host"] == moved
    assert FIELDS <= set(moved_to)
    assert _credentials(moved_to) == _credentials(finished)
    engine.pulumi(current, "preview", "--stack", "production", "--expect-no-changes").check()
