"""One `doctor` run: the credentials first (nothing else can be checked without them), then each
area in the order the old guide's troubleshooting list had them, and the report."""

from __future__ import annotations

from manage_secrets.doctor.checklist import Check, Checklist
from manage_secrets.doctor.key_set import check_key_set
from manage_secrets.doctor.role import check_role
from manage_secrets.doctor.rotation import check_rotation, check_sign_in
from manage_secrets.doctor.secrets import (
    check_kms_keys,
    check_resource_policies,
    check_secret,
)
from manage_secrets.doctor.task import check_task_definition
from manage_secrets.errors import EXIT_REGION, CliError
from stack_model.naming import StackNames


def _reach_or_sign_in(error: CliError) -> str:
    if error.exit_code == EXIT_REGION:
        return (
            "check --region (a real region name) and the network path to AWS (proxy, VPC "
            "endpoint for STS); nothing else can be checked without it"
        )
    return "set AWS_PROFILE or run `aws sso login`; nothing else can be checked without it"


def run(checklist: Checklist) -> list[Check]:
    aws = checklist.aws
    sts = aws.client("sts")

    def identity() -> str:
        who = aws.call(sts.get_caller_identity)
        return f"{who['Arn']} (account {who['Account']})"

    if not checklist.attempt("credentials", identity, _reach_or_sign_in):
        return checklist.checks
    for secret_name in checklist.names.secrets():
        check_secret(checklist, secret_name)
    check_resource_policies(checklist)
    check_role(checklist)
    check_task_definition(checklist)
    check_kms_keys(checklist)
    check_key_set(checklist)
    check_rotation(checklist)
    if checklist.database is not None:
        check_sign_in(checklist)
    return checklist.checks


def report(checks: list[Check], names: StackNames, region: str | None) -> tuple[str, bool]:
    lines = [f"doctor: {names.prefix} in {region}"]
    for check in checks:
        level = "WARN" if check.warning else "PASS" if check.passed else "FAIL"
        lines.append(f"{level}  {check.title}" + (f": {check.detail}" if check.detail else ""))
        if (check.warning or not check.passed) and check.fix:
            lines.append(f"      fix: {check.fix}")
    failed = sum(not check.passed for check in checks)
    warned = sum(check.warning for check in checks)
    lines.append(f"{len(checks)} checks, {failed} failed, {warned} warnings")
    return "\n".join(lines), failed == 0
