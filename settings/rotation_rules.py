"""What the rotation settings accept: the scheme (rotationManaged), what Secrets Manager's rotation
needs (master secret, network), and the services redeployed after each rotation."""

from __future__ import annotations

import re

from settings.declarations import BY_NAME
from settings.model import DatabaseSettings, RotationSettings
from settings.schema import Reader
from stack_model.restarts import SERVICE
from stack_model.rotation import MAX_ROTATED_USERNAME, schedule_problem
from stack_model.rotation_scheme import scheme_for

SUBNET_PATTERN = re.compile(r"subnet-([0-9a-f]{8}|[0-9a-f]{17})")
SECURITY_GROUP_PATTERN = re.compile(r"sg-([0-9a-f]{8}|[0-9a-f]{17})")
SECRET_ARN_PATTERN = re.compile(
    r"arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@!-]{1,512}"
)
KMS_KEY_ARN_PATTERN = re.compile(r"arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key/[A-Za-z0-9-]{1,128}")


def _ids(reader: Reader, key: str, pattern: re.Pattern, required: bool) -> tuple[str, ...]:
    ids = reader.value(key) or []
    seen: list[str] = []
    for entry in ids:
        if not isinstance(entry, str) or not pattern.fullmatch(entry) or entry in seen:
            reader.problem(key, entry)
        else:
            seen.append(entry)
    if required and not ids:
        reader.problem(
            key, [], f"at least one ID with rotationManaged=true: {BY_NAME[key].accepted}"
        )
    return tuple(seen)


def restart_services(reader: Reader) -> tuple[str, ...]:
    services = reader.value("rotationRestartServices") or []
    seen: list[str] = []
    for entry in services:
        if not isinstance(entry, str) or not SERVICE.fullmatch(entry) or entry in seen:
            reader.problem("rotationRestartServices", entry)
        else:
            seen.append(entry)
    return tuple(seen)


def rotation_settings(reader: Reader, database: DatabaseSettings) -> RotationSettings:
    """The scheme rotationManaged picks; Secrets Manager's rotation needs a master secret and a
    network path, the manual one nothing."""
    scheme = scheme_for(bool(reader.value("rotationManaged")))
    managed = scheme.rotated_by_secrets_manager
    schedule = reader.value("rotationSchedule")
    if schedule is not None and schedule_problem(schedule):
        reader.problem("rotationSchedule", schedule)
    master = reader.value("rotationMasterSecretArn") or None
    if master is not None and not SECRET_ARN_PATTERN.fullmatch(master):
        reader.problem("rotationMasterSecretArn", master)
    elif master is None and managed:
        reader.problem("rotationMasterSecretArn", "", BY_NAME["rotationMasterSecretArn"].accepted)
    master_key = reader.value("rotationMasterSecretKmsKeyArn") or None
    if master_key is not None and not KMS_KEY_ARN_PATTERN.fullmatch(master_key):
        reader.problem("rotationMasterSecretKmsKeyArn", master_key)
    if managed and database.username and len(database.username) > MAX_ROTATED_USERNAME:
        # The function names the second user `<username>_clone`, within PostgreSQL's 63.
        reader.problem(
            "databaseUsername",
            database.username,
            f"at most {MAX_ROTATED_USERNAME} characters with rotationManaged=true (the rotation "
            "adds `_clone` for the second user)",
        )
    return RotationSettings(
        scheme=scheme,
        schedule=schedule,
        master_secret_arn=master,
        master_secret_kms_key_arn=master_key,
        subnet_ids=_ids(reader, "rotationSubnetIds", SUBNET_PATTERN, managed),
        security_group_ids=_ids(
            reader, "rotationSecurityGroupIds", SECURITY_GROUP_PATTERN, managed
        ),
    )
