"""The rules of the programador-musical CrossGuard pack, by area: each module defines its policies
complete (name, description, rule, config schema) and lists them; this one gathers them in the
order docs/guardrails.md numbers them for tools to run. `__main__.py` wraps them in a
PolicyPack for `pulumi preview --policy-pack policy`; `tools/policy_check.py` runs the same
objects offline against the synthesized stack. Every message says how to fix what it reports.
"""

from __future__ import annotations

import pack_ecs
import pack_iam
import pack_logs_trail
import pack_monitoring
import pack_secrets
from pack_facts import CREDENTIALS_SECRET_SUFFIX, JWT_KEY_SET_KEYS, ROTATED_TOGETHER
from pack_support import (
    BUCKET,
    BUCKET_LIFECYCLE,
    BUCKET_VERSIONING,
    IDENTITY_POLICIES,
    KMS_KEY,
    LOG_GROUP,
    METRIC_ALARM,
    ROLE,
    ROLE_POLICY,
    SECRET,
    SECRET_POLICY,
    SECRET_ROTATION,
    TASK_DEFINITION,
    TRAIL,
)

_ORDER = (
    "secrets-recovery-window",
    "secrets-customer-managed-key",
    "iam-no-wildcard-secret-access",
    "ecs-no-credentials-in-environment",
    "ecs-secret-references-well-formed",
    "ecs-execution-role-trust",
    "kms-key-rotation",
    "production-secrets-protected",
    "log-group-retention",
    "replicas-use-a-customer-managed-key",
    "production-logs-encrypted",
    "monitoring-alarms-present",
    "secrets-and-grants-match",
    "secrets-have-resource-policies",
    "rotated-secrets-have-a-schedule",
    "containers-read-rotated-credentials-whole",
    "trail-bucket-versioned-and-lifecycled",
    "containers-read-the-jwt-key-set-whole",
)
_BY_NAME = {
    policy.name: policy
    for area in (pack_secrets, pack_iam, pack_ecs, pack_logs_trail, pack_monitoring)
    for policy in area.POLICIES
}
assert sorted(_BY_NAME) == sorted(_ORDER), "every area's policy is gathered, once"
POLICIES = [_BY_NAME[name] for name in _ORDER]

__all__ = [
    "BUCKET",
    "BUCKET_LIFECYCLE",
    "BUCKET_VERSIONING",
    "CREDENTIALS_SECRET_SUFFIX",
    "IDENTITY_POLICIES",
    "JWT_KEY_SET_KEYS",
    "KMS_KEY",
    "LOG_GROUP",
    "METRIC_ALARM",
    "POLICIES",
    "ROLE",
    "ROLE_POLICY",
    "ROTATED_TOGETHER",
    "SECRET",
    "SECRET_POLICY",
    "SECRET_ROTATION",
    "TASK_DEFINITION",
    "TRAIL",
]
