"""Secrets and their keys: recovery window, customer-managed key (and on every replica), key
rotation, protection in production, resource policies, rotation with a schedule."""

from __future__ import annotations

from collections.abc import Mapping

from pack_facts import CREDENTIALS_SECRET_SUFFIX
from pack_support import (
    KMS_KEY,
    PRODUCTION_STACKS_SCHEMA,
    SECRET,
    SECRET_POLICY,
    UNKNOWN,
    as_list,
    called,
    config_value,
    depends_on,
    is_production,
    known,
    rotations_by_secret,
)
from pulumi_policy import (
    EnforcementLevel,
    PolicyConfigSchema,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)

# The recovery window's default minimum (config `minimumDays`).
MIN_RECOVERY_WINDOW_DAYS = 7


def _recovery_window(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type != SECRET:
        return
    window = args.props.get("recoveryWindowInDays", 30)
    minimum = config_value(args, "minimumDays", MIN_RECOVERY_WINDOW_DAYS)
    if isinstance(window, (int, float)) and window < minimum:
        report(
            f"secret {called(args)} has a recovery window of {window} days, so a deletion "
            f"cannot be undone: set recoveryWindowInDays to {minimum}-30 "
            "(config recoveryWindowInDays)"
        )


def _customer_managed_key(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type != SECRET:
        return
    key = known(args.props, "kmsKeyId")
    if key is UNKNOWN:
        return  # a key this stack creates: its ARN is known once it exists
    if not key or key in ("alias/aws/secretsmanager",):
        report(
            f"secret {called(args)} uses the AWS-managed aws/secretsmanager key, whose policy you "
            "cannot restrict: set kmsCustomerManagedKey to true"
        )


def _kms_rotation(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type == KMS_KEY and args.props.get("enableKeyRotation") is not True:
        report(f"KMS key {called(args)} does not rotate: set enable_key_rotation=True")


def _production_secrets_protected(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type != SECRET or not is_production(args, args.urn):
        return
    if not args.opts.protect:
        report(
            f"production secret {called(args)} is not protected: keep config protect=true so "
            "`pulumi destroy` cannot delete it"
        )


def _secrets_have_resource_policies(args: StackValidationArgs, report: ReportViolation) -> None:
    guarded: set[str] = set()
    for policy in (r for r in args.resources if r.resource_type == SECRET_POLICY):
        if policy.props.get("blockPublicPolicy") is True:
            guarded |= {d.urn for d in depends_on(policy, "secretArn", SECRET)}
            guarded.add(known(policy.props, "secretArn"))
    for secret in (r for r in args.resources if r.resource_type == SECRET):
        if secret.urn not in guarded and known(secret.props, "arn") not in guarded:
            report(
                f"secret {called(secret)} has no resource policy with BlockPublicPolicy: "
                "attach one (components/secret_policies.py)",
                secret.urn,
            )


def _replicas_use_a_customer_managed_key(
    args: ResourceValidationArgs, report: ReportViolation
) -> None:
    if args.resource_type != SECRET or not (
        (key := known(args.props, "kmsKeyId")) is UNKNOWN or key
    ):
        return
    for replica in as_list(known(args.props, "replicas") or []):
        if (
            isinstance(replica, Mapping)
            and known(replica, "kmsKeyId") is not UNKNOWN
            and not replica.get("kmsKeyId")
        ):
            report(
                f"secret {called(args)} uses a customer-managed key but its replica in "
                f"{replica.get('region')} would fall back to aws/secretsmanager: give each "
                "replica a key of its region"
            )


def _rotated_secrets_have_a_schedule(args: StackValidationArgs, report: ReportViolation) -> None:
    rotations = rotations_by_secret(args)
    for secret in (r for r in args.resources if r.resource_type == SECRET):
        rotation = rotations.get(secret.urn)
        if rotation is None:
            if is_production(args, secret.urn) and str(called(secret)).endswith(
                CREDENTIALS_SECRET_SUFFIX
            ):
                report(
                    f"secret {called(secret)} holds database credentials in a production stack "
                    "but nothing rotates it: set rotationManaged=true (docs/rotation.md)",
                    secret.urn,
                )
            continue
        rules = rotation.props.get("rotationRules") or {}
        scheduled = rules.get("scheduleExpression") or rules.get("automaticallyAfterDays")
        function = known(rotation.props, "rotationLambdaArn")  # unknown: a function being made
        if not scheduled or not (function is UNKNOWN or function):
            report(
                f"secret {called(secret)} is rotated without a schedule or a function: give its "
                "SecretRotation rotationRules (scheduleExpression) and rotationLambdaArn",
                rotation.urn,
            )


POLICIES = [
    ResourceValidationPolicy(
        name="secrets-recovery-window",
        description="Secrets keep a recovery window of at least `minimumDays` days (7).",
        validate=_recovery_window,
        config_schema=PolicyConfigSchema(
            properties={
                "minimumDays": {"type": "integer", "minimum": 0, "maximum": 30, "default": 7}
            }
        ),
    ),
    ResourceValidationPolicy(
        name="secrets-customer-managed-key",
        description="Secrets are encrypted with a customer-managed KMS key.",
        validate=_customer_managed_key,
        enforcement_level=EnforcementLevel.ADVISORY,
    ),
    ResourceValidationPolicy(
        name="kms-key-rotation",
        description="KMS keys rotate.",
        validate=_kms_rotation,
    ),
    ResourceValidationPolicy(
        name="production-secrets-protected",
        description="Secrets of a production stack are protected from deletion.",
        validate=_production_secrets_protected,
        config_schema=PRODUCTION_STACKS_SCHEMA,
    ),
    StackValidationPolicy(
        name="secrets-have-resource-policies",
        description="Every secret has a resource policy that blocks public policies.",
        validate=_secrets_have_resource_policies,
    ),
    ResourceValidationPolicy(
        name="replicas-use-a-customer-managed-key",
        description="A secret under a customer-managed key keeps one on every replica.",
        validate=_replicas_use_a_customer_managed_key,
    ),
    StackValidationPolicy(
        name="rotated-secrets-have-a-schedule",
        description="A rotated secret has a schedule and a function; production rotates its "
        "database credentials.",
        validate=_rotated_secrets_have_a_schedule,
        config_schema=PRODUCTION_STACKS_SCHEMA,
    ),
]
