"""Verified TLS to the database, against a PostgreSQL server that accepts TLS only, reached as the
runbook's SSM port forward reaches RDS: `bootstrap-db-user --connect 127.0.0.1:PORT`, the
server's certificate checked against the bundle given and the host name db-credentials names.

A missing bundle, a bundle of another authority, a certificate made out to another host name
and a server that offers no TLS are each refused (exit 23) before any password is sent: the
server's own log shows no authentication. The right bundle and name work."""

from __future__ import annotations

import json
import os
import secrets as random_source
import subprocess
import sys

import pytest
from conftest import ROOT, synth

from manage_secrets.database import Address, Tls, connect
from stack_model.naming import StackNames
from tests.support.aws_emulator import deploy, emulator_env, leased_emulator
from tests.support.postgres_server import PostgresServer
from tests.support.tls_postgres import CertificateAuthority, TlsPostgresServer, server_binaries

pytestmark = [pytest.mark.postgres, pytest.mark.heavy(seconds=15)]

NAMES = StackNames("programador-musical", "production")
MASTER = "pm_admin"
# The endpoint production's db-credentials names (Pulumi.production.yaml, databaseHost).
RDS_HOST = "programador-musical-production-db.c8x2kd1qpt0z.us-east-1.rds.amazonaws.com"


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    if server_binaries() is None:
        reason = "Debian's postgresql is not installed: `make postgresql` installs it"
        if os.environ.get("ENGINE_TIER_REQUIRED"):
            pytest.fail(reason)
        pytest.skip(reason)
    folder = tmp_path_factory.mktemp("tls")
    ca, stranger = CertificateAuthority("Test RDS CA"), CertificateAuthority("Someone else")
    (folder / "bundle.pem").write_bytes(ca.pem())
    (folder / "stranger.pem").write_bytes(stranger.pem())
    password = random_source.token_urlsafe(24)
    with leased_emulator() as moto:
        master = moto.client("secretsmanager").create_secret(
            Name="rds!db-tls", SecretString=json.dumps({"username": MASTER, "password": password})
        )["ARN"]
        deployed = deploy(moto, synth(show_secrets=True, rotationMasterSecretArn=master))
        with (
            TlsPostgresServer(MASTER, password, ca, RDS_HOST) as right,
            TlsPostgresServer(MASTER, password, ca, "another-host.example.com") as wrong,
            PostgresServer(MASTER, password) as plaintext,
        ):
            dbname = deployed.values[NAMES.db_credentials]["dbname"]
            admin = {"username": MASTER, "password": password, "host": RDS_HOST}
            session = connect(
                admin, Tls(folder / "bundle.pem"), Address("127.0.0.1", right.port), "postgres"
            )
            session.run(f'CREATE DATABASE "{dbname}"')
            session.close()
            yield folder, moto, right, wrong, plaintext, deployed


def _bootstrap(setup, port: int, *options: str) -> subprocess.CompletedProcess:
    _, moto, *_ = setup
    return subprocess.run(
        [sys.executable, "-m", "manage_secrets", "bootstrap-db-user", "--connect",
         f"127.0.0.1:{port}", *options],
        cwd=ROOT, env=emulator_env(moto.endpoint), capture_output=True, text=True,
    )  # fmt: skip


def _authenticated(server) -> int:
    """Connections the server got as far as authenticating (or refusing a password)."""
    return sum(
        1
        for line in server.log.splitlines()
        if "connection authorized" in line or "authentication failed" in line
    )


def _refused_before_any_password(done, server, before: int, words: str) -> None:
    assert done.returncode == 23, done.stderr
    (line,) = done.stderr.strip().splitlines()
    assert words in line and "nothing was sent" in line
    assert _authenticated(server) == before


def test_without_a_bundle_nothing_is_sent(setup):
    right = setup[2]
    before, received = _authenticated(right), right.log.count("connection received")
    done = _bootstrap(setup, right.port)
    _refused_before_any_password(done, right, before, "--ca-bundle")
    assert right.log.count("connection received") == received  # not even a connection


def test_a_bundle_of_another_authority_is_refused(setup):
    folder, _, right, *_ = setup
    before = _authenticated(right)
    done = _bootstrap(setup, right.port, "--ca-bundle", str(folder / "stranger.pem"))
    _refused_before_any_password(done, right, before, f"is not {RDS_HOST}")


def test_a_certificate_for_another_host_name_is_refused(setup):
    folder, _, _, wrong, *_ = setup
    before = _authenticated(wrong)
    done = _bootstrap(setup, wrong.port, "--ca-bundle", str(folder / "bundle.pem"))
    _refused_before_any_password(done, wrong, before, f"is not {RDS_HOST}")


def test_a_server_without_tls_is_refused(setup):
    folder, _, _, _, plaintext, _ = setup
    done = _bootstrap(setup, plaintext.port, "--ca-bundle", str(folder / "bundle.pem"))
    assert done.returncode == 23
    assert "does not offer TLS" in done.stderr and "nothing was sent" in done.stderr


def test_plaintext_needs_the_loudly_named_opt_out_and_a_tls_only_server_still_refuses_it(setup):
    right = setup[2]
    done = _bootstrap(setup, right.port, "--insecure-plaintext-for-local-tests")
    assert done.returncode == 20  # the server's pg_hba: hostssl only
    assert "no encryption" in done.stderr


def test_the_right_bundle_and_host_name_create_the_first_user(setup):
    folder, _, right, _, _, deployed = setup
    before = _authenticated(right)
    done = _bootstrap(setup, right.port, "--ca-bundle", str(folder / "bundle.pem"))
    assert done.returncode == 0, done.stderr
    credentials = deployed.values[NAMES.db_credentials]
    assert f"created role {credentials['username']}" in done.stdout
    assert _authenticated(right) > before
    assert credentials["password"] not in done.stdout + done.stderr


def test_doctor_signs_in_verified_and_refuses_an_unverified_server(setup):
    folder, moto, right, wrong, _, _ = setup

    def doctor(port: int, *options: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "manage_secrets", "doctor", "--sign-in", "--connect",
             f"127.0.0.1:{port}", *options],
            cwd=ROOT, env=emulator_env(moto.endpoint), capture_output=True, text=True,
        )  # fmt: skip

    bundle = ("--ca-bundle", str(folder / "bundle.pem"))
    # Once the first user exists (bootstrap does nothing when it already signs in): it signs in,
    # verified. The test makes it itself: tests may run on other workers, in any order.
    assert _bootstrap(setup, right.port, *bundle).returncode == 0
    verified = doctor(right.port, *bundle)
    assert "PASS  programador-musical-production-db-credentials's current credentials" in (
        verified.stdout
    )
    before = _authenticated(wrong)
    refused = doctor(wrong.port, *bundle)
    assert "FAIL  programador-musical-production-db-credentials's current credentials" in (
        refused.stdout
    )
    assert f"is not {RDS_HOST}" in refused.stdout and refused.returncode == 1
    assert _authenticated(wrong) == before
