"""`migrate-from-ssm`: SSM Parameter Store values become this stack's secret config."""

from __future__ import annotations

from dataclasses import dataclass

from manage_secrets.aws import Aws
from manage_secrets.errors import EXIT_NOT_FOUND, CliError

# Name below --path, lowercase, "/" and "-" as "_" (so .../database/host is database_host)
# -> config key of the stack.
CONFIG_FOR_PARAMETER = {
    "jwt_secret_key": "jwtSecretKey",
    "jwt_secret": "jwtSecretKey",
    "secret_key": "jwtSecretKey",
    "database_host": "databaseHost",
    "host": "databaseHost",
    "db_host": "databaseHost",
    "database_port": "databasePort",
    "db_port": "databasePort",
    "database_name": "databaseName",
    "db_name": "databaseName",
    "database_username": "databaseUsername",
    "database_user": "databaseUsername",
    "db_user": "databaseUsername",
    "db_username": "databaseUsername",
}
GENERATED_BY_THE_STACK = {"database_password", "db_password"}


@dataclass(frozen=True)
class Migration:
    mapped: list[tuple[str, str, str]]  # (parameter, config key, value)
    generated: list[str]
    unknown: list[str]

    def describe(self) -> str:
        lines = ["SSM parameter -> stack config (values masked):"]
        for parameter, key, value in self.mapped:
            lines.append(f"  {parameter} -> {key} (secret) = ******** ({len(value)} characters)")
        for parameter in self.generated:
            lines.append(
                f"  {parameter}: not migrated, the stack generates the password; after the "
                "first `pulumi up`, apply it to RDS (docs/runbooks.md, database password)"
            )
        for parameter in self.unknown:
            lines.append(f"  {parameter}: not migrated, no config key matches it (set by hand)")
        return "\n".join(lines)


def read(aws: Aws, path: str) -> Migration:
    ssm = aws.client("ssm")
    pages = ssm.get_paginator("get_parameters_by_path").paginate(
        Path=path, Recursive=True, WithDecryption=True
    )
    parameters = aws.call(lambda: [p for page in pages for p in page["Parameters"]], path)
    if not parameters:
        raise CliError(
            EXIT_NOT_FOUND, f"no parameters under {path} in {aws.region}: check --path and --region"
        )
    mapped, generated, unknown = [], [], []
    for parameter in sorted(parameters, key=lambda p: p["Name"]):
        relative = parameter["Name"][len(path.rstrip("/")) :].strip("/")
        leaf = relative.lower().replace("/", "_").replace("-", "_")
        if leaf in CONFIG_FOR_PARAMETER:
            mapped.append((parameter["Name"], CONFIG_FOR_PARAMETER[leaf], parameter["Value"]))
        elif leaf in GENERATED_BY_THE_STACK:
            generated.append(parameter["Name"])
        else:
            unknown.append(parameter["Name"])
    return Migration(mapped, generated, unknown)
