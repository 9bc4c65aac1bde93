"""The fields of db-credentials that are not credentials, kept current under managed rotation.

Secrets Manager owns `username` and `password` once it rotates the secret, so the stack ignores
changes to its version (ignoreChanges). But `engine`, `host`, `port`, `dbname` and `masterarn`
still come from config, and AWS's alternating-users function copies them from AWSCURRENT into
each new version: a stack that turned managed rotation on after it was deployed has no
`masterarn` (setSecret then fails), and a moved database never reaches the secret (setSecret
fails the host check). This resource merges those fields into AWSCURRENT with PutSecretValue,
username and password untouched, whenever they differ in config, and refuses while a rotation
is in flight (an AWSPENDING version that is not AWSCURRENT).

A Pulumi dynamic provider: the engine runs it with `python -m pulumi.dynamic` in the program's
Python, which has botocore (requirements.txt). Its state holds no credential. The class is
pickled by reference: moving it out of this module needs an alias module.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from typing import Any

import pulumi
from pulumi.dynamic import CreateResult, DiffResult, ReadResult, ResourceProvider, UpdateResult

from stack_model.rotation_scheme import AlternatingUsers


class RotationInFlight(Exception):
    pass


def _client(region: str):
    import botocore.session

    return botocore.session.get_session().create_client("secretsmanager", region_name=region)


def merge_fields(client, secret_id: str, fields: Mapping[str, Any]) -> str:
    """Writes `fields` into AWSCURRENT when they differ from it; the current version id after."""
    stages = client.describe_secret(SecretId=secret_id).get("VersionIdsToStages", {})
    pending = [v for v, s in stages.items() if "AWSPENDING" in s and "AWSCURRENT" not in s]
    if pending:
        raise RotationInFlight(
            f"{secret_id}: a rotation is in flight (version {pending[0]} is AWSPENDING); "
            "run `pulumi up` again once it has finished (`manage-secrets doctor` shows it)"
        )
    current = client.get_secret_value(SecretId=secret_id, VersionStage="AWSCURRENT")
    values = json.loads(current["SecretString"])
    merged = {**values, **fields}
    if merged == values:
        return current["VersionId"]
    token = str(uuid.uuid4())
    client.put_secret_value(
        SecretId=secret_id, ClientRequestToken=token, SecretString=json.dumps(merged)
    )
    return token


class CredentialFieldsProvider(ResourceProvider):
    def _apply(self, props: dict) -> dict:
        version = merge_fields(_client(props["region"]), props["secretId"], props["fields"])
        return {**props, "versionId": version}

    def create(self, props: dict) -> CreateResult:
        return CreateResult(id_=props["secretId"], outs=self._apply(props))

    def diff(self, id_: str, olds: dict, news: dict) -> DiffResult:
        changed = [k for k in ("secretId", "region", "fields") if olds.get(k) != news.get(k)]
        return DiffResult(
            changes=bool(changed), replaces=["secretId"] if "secretId" in changed else []
        )

    def update(self, id_: str, olds: dict, news: dict) -> UpdateResult:
        return UpdateResult(outs=self._apply(news))

    def read(self, id_: str, props: dict) -> ReadResult:
        current = _client(props["region"]).get_secret_value(SecretId=id_, VersionStage="AWSCURRENT")
        values = json.loads(current["SecretString"])
        fields = {k: values[k] for k in AlternatingUsers.configured_fields if k in values}
        return ReadResult(id_, {**props, "fields": fields, "versionId": current["VersionId"]})

    def delete(self, id_: str, props: dict) -> None:
        return None  # the fields stay in the secret, as the secret's own version does


class CredentialFields(pulumi.dynamic.Resource):
    version_id: pulumi.Output[str]

    def __init__(
        self,
        name: str,
        secret_id: pulumi.Input[str],
        region: str,
        fields: Mapping[str, Any],
        opts: pulumi.ResourceOptions | None = None,
    ):
        super().__init__(
            CredentialFieldsProvider(),
            name,
            {"secretId": secret_id, "region": region, "fields": dict(fields), "versionId": None},
            opts,
        )
