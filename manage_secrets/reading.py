"""Read commands: list, get, get-value, versions, and restore (it only cancels a deletion)."""

from __future__ import annotations

import json

from manage_secrets.aws import Aws
from manage_secrets.errors import EXIT_NO_SUCH_KEY, CliError
from manage_secrets.output import table, when
from stack_model.naming import StackNames


def list_secrets(aws: Aws, app: str, stack: str | None, as_json: bool) -> str:
    """Secrets Manager filters by name prefix on the server and pages; nothing else is fetched."""
    prefix = f"{app}-{stack}-" if stack else f"{app}-"
    secrets = aws.client("secretsmanager")
    pages = secrets.get_paginator("list_secrets").paginate(
        Filters=[{"Key": "name", "Values": [prefix]}],
        IncludePlannedDeletion=True,
        PaginationConfig={"PageSize": 100},
    )
    found = aws.call(lambda: [s for page in pages for s in page["SecretList"]])
    found = [s for s in found if s["Name"].startswith(prefix)]  # the filter ignores case
    records = [
        {
            "name": s["Name"],
            "lastChanged": when(s.get("LastChangedDate")),
            "lastAccessed": when(s.get("LastAccessedDate")),
            "kmsKey": s.get("KmsKeyId") or "aws/secretsmanager",
            "rotation": "on" if s.get("RotationEnabled") else "off",
            "plannedDeletion": when(s.get("DeletedDate")),
        }
        for s in sorted(found, key=lambda s: s["Name"])
    ]
    if as_json:
        return json.dumps(records, indent=2)
    if not records:
        return f"no secrets named {prefix}* in {aws.region}"
    return table(
        ["NAME", "LAST CHANGED", "LAST ACCESSED", "KMS KEY", "ROTATION", "PLANNED DELETION"],
        [list(r.values()) for r in records],
    )


def get(aws: Aws, names: StackNames, show: bool) -> str:
    lines = []
    for secret_name in names.secrets():
        values = aws.secret_json(secret_name)
        lines.append(secret_name)
        for key, value in values.items():
            text = value if isinstance(value, str) else json.dumps(value)
            shown = text if show else f"******** ({len(text)} characters)"
            lines.append(f"  {key}: {shown}")
    return "\n".join(lines)


def get_value(aws: Aws, names: StackNames, key: str, alias: str) -> str:
    secret_name = names.secret(alias)
    values = aws.secret_json(secret_name)
    if key not in values:
        raise CliError(
            EXIT_NO_SUCH_KEY,
            f"{secret_name} has no key {key!r}; valid keys: {', '.join(values)}"
            + ("" if alias == "db" else " (use --secret db for the db-credentials keys)"),
        )
    value = values[key]
    return value if isinstance(value, str) else json.dumps(value)


def versions(aws: Aws, names: StackNames) -> str:
    secrets = aws.client("secretsmanager")
    rows = []
    for secret_name in names.secrets():
        listed = aws.call(lambda n=secret_name: _all_versions(secrets, n), secret_name)
        for version in sorted(listed, key=lambda v: v.get("CreatedDate") or 0, reverse=True):
            rows.append(
                [
                    secret_name,
                    version["VersionId"],
                    ",".join(version.get("VersionStages", [])) or "-",
                    when(version.get("CreatedDate")),
                    when(version.get("LastAccessedDate")),
                ]
            )
    return table(["SECRET", "VERSION", "STAGES", "CREATED", "LAST ACCESSED"], rows)


def _all_versions(secrets, secret_name: str) -> list[dict]:
    # botocore has no paginator for ListSecretVersionIds; follow NextToken by hand.
    versions, token = [], None
    while True:
        page = secrets.list_secret_version_ids(
            SecretId=secret_name, IncludeDeprecated=True, **({"NextToken": token} if token else {})
        )
        versions += page["Versions"]
        token = page.get("NextToken")
        if not token:
            return versions


def restore(aws: Aws, name: str) -> str:
    secrets = aws.client("secretsmanager")
    described = aws.call(lambda: secrets.describe_secret(SecretId=name), name)
    if not described.get("DeletedDate"):
        return f"{name} is not scheduled for deletion; nothing to restore"
    aws.call(lambda: secrets.restore_secret(SecretId=name), name)
    return (
        f"restored {name}: its deletion planned for {when(described['DeletedDate'])} is cancelled"
    )
