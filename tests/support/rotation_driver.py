"""The alternating-users rotation, driven as Secrets Manager and AWS's hosted function drive it,
written from AWS's documentation (Secrets Manager User Guide: "Rotation by Lambda function",
"Rotation strategy: alternating users", and the four steps of a rotation function), against a
Secrets Manager API (the moto server) and a real PostgreSQL server.

Secrets Manager's part: a new version id (the ClientRequestToken), the four steps in order, and
the AWSPENDING label removed once AWSCURRENT has moved. The function's part:
- createSecret: a copy of AWSCURRENT with the other user's name and a new password, as AWSPENDING;
- setSecret: sign in as the current user first (AWS's guard against a confused deputy), then as
  the master user create the other user (granting it the current user's role) or set its
  password;
- testSecret: sign in as the pending user;
- finishSecret: move AWSCURRENT to the new version.
One deviation: RDS's own master secret has no host, and the function looks the instance up with
DescribeDBInstances; here it is the server db-credentials points at.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from stack_model.rotation import ROTATION_EXCLUDE_CHARACTERS, alternate_username

PASSWORD_LENGTH = 32


@dataclass
class AlternatingUsersRotation:
    secrets: object  # a botocore secretsmanager client
    secret_id: str
    # Opens a session with credentials (a dict as db-credentials holds them), or raises.
    connect: Callable[[dict], object]
    # Whether credentials sign in.
    can_sign_in: Callable[[dict], bool]

    def _get(self, stage: str, version: str | None = None) -> dict:
        extra = {"VersionId": version} if version else {}
        value = self.secrets.get_secret_value(SecretId=self.secret_id, VersionStage=stage, **extra)
        return json.loads(value["SecretString"])

    def create_secret(self, token: str) -> None:
        current = self._get("AWSCURRENT")
        try:
            if self._get("AWSPENDING", token):
                return  # this version exists: a retried step changes nothing
        except (self.secrets.exceptions.ResourceNotFoundException, ValueError, KeyError):
            pass  # none yet, or the empty one RotateSecret reserved for the function to fill
        password = self.secrets.get_random_password(
            PasswordLength=PASSWORD_LENGTH, ExcludeCharacters=ROTATION_EXCLUDE_CHARACTERS
        )["RandomPassword"]
        pending = {
            **current,
            "username": alternate_username(current["username"]),
            "password": password,
        }
        self.secrets.put_secret_value(
            SecretId=self.secret_id,
            ClientRequestToken=token,
            SecretString=json.dumps(pending),
            VersionStages=["AWSPENDING"],
        )

    def set_secret(self, token: str) -> None:
        pending = self._get("AWSPENDING", token)
        if self.can_sign_in(pending):
            return
        current = self._get("AWSCURRENT")
        if alternate_username(current["username"]) != pending["username"]:
            raise RuntimeError("setSecret: the pending user is not the current user's pair")
        if not self.can_sign_in(current):
            raise RuntimeError("setSecret: the current credentials do not sign in")
        master = json.loads(
            self.secrets.get_secret_value(SecretId=current["masterarn"])["SecretString"]
        )
        from pg8000.native import identifier, literal

        session = self.connect({**current, **master})
        try:
            user, password = identifier(pending["username"]), literal(pending["password"])
            if session.run("SELECT 1 FROM pg_roles WHERE rolname = :n", n=pending["username"]):
                session.run(f"ALTER ROLE {user} WITH PASSWORD {password}")
            else:
                session.run(f"CREATE ROLE {user} WITH LOGIN PASSWORD {password}")
                session.run(f"GRANT {identifier(current['username'])} TO {user}")
        finally:
            session.close()

    def test_secret(self, token: str) -> None:
        session = self.connect(self._get("AWSPENDING", token))
        try:
            session.run("SELECT now()")
        finally:
            session.close()

    def finish_secret(self, token: str) -> None:
        stages = self.secrets.describe_secret(SecretId=self.secret_id)["VersionIdsToStages"]
        current = next(v for v, s in stages.items() if "AWSCURRENT" in s)
        if current == token:
            return
        self.secrets.update_secret_version_stage(
            SecretId=self.secret_id,
            VersionStage="AWSCURRENT",
            MoveToVersionId=token,
            RemoveFromVersionId=current,
        )

    def steps(self, token: str | None = None) -> list[tuple[str, Callable[[], None]]]:
        """One rotation as Secrets Manager runs it: the four steps, then AWSPENDING removed.
        `token` is the version Secrets Manager asked for (RotateSecret), else a new one."""
        token = token or str(uuid.uuid4())

        def done() -> None:
            self.secrets.update_secret_version_stage(
                SecretId=self.secret_id, VersionStage="AWSPENDING", RemoveFromVersionId=token
            )

        return [
            ("createSecret", lambda: self.create_secret(token)),
            ("setSecret", lambda: self.set_secret(token)),
            ("testSecret", lambda: self.test_secret(token)),
            ("finishSecret", lambda: self.finish_secret(token)),
            ("done", done),
        ]
