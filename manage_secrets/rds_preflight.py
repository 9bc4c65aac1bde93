"""Before `rotate-db --rds-instance` changes anything: the instance exists, is available, and
the caller may modify it, as AWS's own policy simulator evaluates it."""

from __future__ import annotations

import re

from manage_secrets.errors import EXIT_ACCESS_DENIED, EXIT_NOT_READY, CliError

ACTION = "rds:ModifyDBInstance"


def principal_arn(caller_arn: str) -> str:
    """The IAM principal behind a caller: an assumed-role session is simulated as its role."""
    match = re.fullmatch(r"arn:([^:]+):sts::(\d+):assumed-role/([^/]+)/.+", caller_arn)
    if match:
        partition, account, role = match.groups()
        return f"arn:{partition}:iam::{account}:role/{role}"
    return caller_arn


def check_instance(aws, instance: str) -> None:
    rds = aws.client("rds")
    described = aws.call(lambda: rds.describe_db_instances(DBInstanceIdentifier=instance), instance)
    database = described["DBInstances"][0]
    status = database["DBInstanceStatus"]
    if status != "available":
        raise CliError(
            EXIT_NOT_READY,
            f"{instance} is {status}, not available: wait for it (`aws rds wait "
            f"db-instance-available --db-instance-identifier {instance}`) and rerun; nothing "
            "was changed",
        )
    caller = aws.call(lambda: aws.client("sts").get_caller_identity())["Arn"]
    if caller.endswith(":root"):
        return
    principal = principal_arn(caller)
    iam = aws.client("iam")
    try:
        result = aws.call(
            lambda: iam.simulate_principal_policy(
                PolicySourceArn=principal,
                ActionNames=[ACTION],
                ResourceArns=[database["DBInstanceArn"]],
            ),
            "iam:SimulatePrincipalPolicy",
        )
    except CliError as error:
        if error.exit_code != EXIT_ACCESS_DENIED:
            raise
        raise CliError(
            EXIT_ACCESS_DENIED,
            f"cannot check that {principal} may {ACTION} on {instance}: "
            "iam:SimulatePrincipalPolicy is denied; allow it, or rotate through the database "
            "stack (docs/runbooks.md, database password); nothing was changed",
        ) from None
    decision = result["EvaluationResults"][0]["EvalDecision"]
    if decision != "allowed":
        raise CliError(
            EXIT_ACCESS_DENIED,
            f"{principal} may not {ACTION} on {instance} ({decision}): grant it, or rotate "
            "through the database stack (docs/runbooks.md, database password); nothing was changed",
        )
