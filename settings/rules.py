"""What the general settings accept: the name prefix, regions, tags, the administrator role, the
rotation tokens, and the monitoring section (the database, container and rotation sections have
modules of their own)."""

from __future__ import annotations

import re

from settings.declarations import (
    RESERVED_TAG_KEYS,
)
from settings.model import (
    MonitoringSettings,
)
from settings.schema import Reader
from stack_model.aws_limits import (
    RESERVED_TAG_PREFIX,
    TAG_KEY_LENGTH,
    TAG_LIMIT,
    TAG_VALUE_LENGTH,
    TRAIL_TAG_VALUE_MIN,
    bucket_name_problem,
    region_problem,
    tag_text_ok,
)
from stack_model.naming import StackNames

# Every pattern here is used with fullmatch: `$` would let a trailing newline through.
# Lowercase so every derived name also fits S3 and KMS alias rules; 40 leaves room for the
# longest suffix ("-ecs-execution-role") inside IAM's 64-character role-name limit.
NAME_PREFIX_PATTERN = re.compile(r"[a-z][a-z0-9-]{0,38}[a-z0-9]")
# Local part: printable ASCII without space or "@" (no control characters); domain: DNS labels.
EMAIL_PATTERN = re.compile(r"[!-?A-~]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+")
# CloudWatch Logs LogGroupName (botocore logs model: 1-512, [\.\-_/#A-Za-z0-9]+).
LOG_GROUP_PATTERN = re.compile(r"[.\-_/#A-Za-z0-9]{1,512}")


def name_prefix(reader: Reader, stack: str) -> str | None:
    """`<appName>-<stack>` names every resource, so it must fit every service's naming rules."""
    app_name = reader.value("appName")
    prefix = f"{app_name}-{stack}"
    accepted = (
        f'a name that, joined with the stack as "<appName>-{stack}", is 2-40 lowercase letters, '
        "digits or hyphens, starting with a letter (it names every resource)"
    )
    if not app_name or not NAME_PREFIX_PATTERN.fullmatch(prefix):
        reader.problem("appName", app_name, accepted)
        return app_name
    # The derived names with the strictest rules: the trail's S3 buckets.
    names = StackNames(app_name, stack)
    broken = bucket_name_problem(names.trail_bucket("123456789012")) or bucket_name_problem(
        names.trail_access_log_bucket("123456789012")
    )
    if broken:
        reader.problem("appName", app_name, f"{accepted}; its S3 bucket name must be {broken}")
    return app_name


def region(reader: Reader, name: str | None) -> str | None:
    problem = region_problem(name) if name else "an AWS region such as us-east-1"
    if problem:
        reader.problem("aws:region", name, f"{problem}; set it with `pulumi config set aws:region`")
    return name


def replica_regions(reader: Reader, primary: str | None) -> tuple[str, ...]:
    regions = reader.value("replicaRegions") or []
    seen: list[str] = []
    for name in regions:
        if not isinstance(name, str) or region_problem(name) or name == primary or name in seen:
            reader.problem("replicaRegions", name)
        else:
            seen.append(name)
    return tuple(seen)


def tags(reader: Reader, create_trail: bool) -> dict[str, str]:
    tags: dict[str, str] = {}
    # CloudTrail refuses empty tag values; only a stack with its own trail tags one.
    value_min = TRAIL_TAG_VALUE_MIN if create_trail else 0
    for entry in reader.value("tags") or []:
        if not isinstance(entry, str) or "=" not in entry:
            reader.problem("tags", entry)
            continue
        key, value = entry.split("=", 1)
        valid = (
            len(key) in TAG_KEY_LENGTH
            and len(value) in TAG_VALUE_LENGTH
            and len(value) >= value_min
            and tag_text_ok(key)
            and tag_text_ok(value)
            and not key.lower().startswith(RESERVED_TAG_PREFIX)
            and key not in RESERVED_TAG_KEYS
            and key not in tags
        )
        if not valid:
            reader.problem("tags", entry)
            continue
        tags[key] = value
    if len(tags) + len(RESERVED_TAG_KEYS) > TAG_LIMIT:
        reader.problem(
            "tags",
            f"{len(tags)} tags",
            f"at most {TAG_LIMIT - len(RESERVED_TAG_KEYS)} tags: AWS allows {TAG_LIMIT} per "
            f"resource and the stack adds {', '.join(RESERVED_TAG_KEYS)}",
        )
    return tags


def monitoring_settings(reader: Reader) -> MonitoringSettings:
    emails = reader.value("monitoringAlarmEmails") or []
    for email in emails:
        if not isinstance(email, str) or not EMAIL_PATTERN.fullmatch(email):
            reader.problem("monitoringAlarmEmails", email)
    log_group = reader.value("monitoringCloudTrailLogGroup") or None
    create_trail = reader.value("monitoringCreateTrail")
    if log_group is not None and not LOG_GROUP_PATTERN.fullmatch(log_group):
        reader.problem("monitoringCloudTrailLogGroup", log_group)
    elif log_group is not None and create_trail:
        reader.problem(
            "monitoringCloudTrailLogGroup",
            log_group,
            "either an existing trail log group or monitoringCreateTrail=true, not both",
        )
    archive = reader.integer("trailArchiveAfterDays")
    expire = reader.integer("trailExpireAfterDays")
    lock = reader.integer("trailObjectLockDays")
    if isinstance(archive, int) and isinstance(expire, int) and archive >= expire:
        reader.problem("trailArchiveAfterDays", archive)
    if isinstance(lock, int) and isinstance(expire, int) and lock > expire:
        reader.problem("trailObjectLockDays", lock)
    return MonitoringSettings(
        alarm_emails=tuple(e for e in emails if isinstance(e, str)),
        retrieval_threshold=reader.integer("monitoringRetrievalThreshold"),
        cloudtrail_log_group=log_group,
        create_trail=create_trail,
        trail_archive_after_days=archive,
        trail_expire_after_days=expire,
        trail_object_lock_days=lock,
    )


ROLE_ARN_PATTERN = re.compile(r"arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]{1,512}")


def administrator_role(reader: Reader) -> str | None:
    role = reader.value("secretsAdministratorRoleArn") or None
    if role is not None and not ROLE_ARN_PATTERN.fullmatch(role):
        reader.problem("secretsAdministratorRoleArn", role)
    return role


def rotation_token(reader: Reader, key: str) -> str:
    token = reader.value(key)
    if not token or len(token) > 128 or not token.isprintable():
        reader.problem(key, token)
    return token
