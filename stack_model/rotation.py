"""Facts of Secrets Manager's alternating-users rotation of the database credentials (the JWT key
set's are in stack_model/jwt_key_set.py). Free of Pulumi, so the settings, the components, the
operations CLI and the rotation lab share one copy."""

from __future__ import annotations

import gzip
import json
import re
from functools import cache

from stack_model.aws_limits import botocore_data

# AWS's hosted rotation function for RDS PostgreSQL, alternating users (Secrets Manager User
# Guide, "Rotation function templates"), from the Serverless Application Repository of the aws
# partition. Pinned: a new version changes code that holds the master password, so it is a
# reviewed change here, never a silent `latest`. 1.1.671 is the version AWS CDK pins
# (aws-secretsmanager/lib/secret-rotation.ts, POSTGRES_ROTATION_MULTI_USER).
ROTATION_APPLICATION_ID = (
    "arn:aws:serverlessrepo:us-east-1:297356227824:applications/"
    "SecretsManagerRDSPostgreSQLRotationMultiUser"
)
ROTATION_APPLICATION_VERSION = "1.1.671"
# The application's template creates an IAM role and the Lambda permission for Secrets Manager.
ROTATION_APPLICATION_CAPABILITIES = ("CAPABILITY_IAM", "CAPABILITY_RESOURCE_POLICY")
# The output of the application's template that names its function.
ROTATION_FUNCTION_OUTPUT = "RotationLambdaARN"
# What the function leaves out of the passwords it generates (GetRandomPassword's
# ExcludeCharacters), as the function's own default does (`:/@"'\`, the application's
# template's EXCLUDE_CHARACTERS): what RDS refuses in a password, the quotes and backslash that
# break naive quoting, and the colon that ends a .pgpass field or a URL's user part.
ROTATION_EXCLUDE_CHARACTERS = ":/@\"'\\"

# The alternating users: the function's get_alt_username appends "_clone" to the current user,
# or strips it, and refuses a name that would pass PostgreSQL's 63-character identifier limit.
CLONE_SUFFIX = "_clone"
POSTGRES_IDENTIFIER_LIMIT = 63
MAX_ROTATED_USERNAME = POSTGRES_IDENTIFIER_LIMIT - len(CLONE_SUFFIX)


def alternate_username(username: str) -> str:
    """The other user of the pair: `app_user` <-> `app_user_clone`."""
    if username.endswith(CLONE_SUFFIX):
        return username.removesuffix(CLONE_SUFFIX)
    return username + CLONE_SUFFIX


def secrets_manager_endpoint(region: str) -> str:
    """The endpoint the function calls. A VPC interface endpoint with private DNS answers for
    this same name, so it stays right with or without one."""
    return f"https://secretsmanager.{region}.amazonaws.com"


@cache
def _secretsmanager_shapes() -> dict:
    # botocore's own model of the API (its newest version).
    models = botocore_data() / "secretsmanager"
    newest = sorted(models.iterdir())[-1] / "service-2.json.gz"
    return json.loads(gzip.decompress(newest.read_bytes()))["shapes"]


def schedule_expression_shape() -> dict:
    """RotationRules.ScheduleExpression as botocore's model states it (min, max, pattern)."""
    return _secretsmanager_shapes()["ScheduleExpressionType"]


def automatic_days_range() -> range:
    """RotationRules.AutomaticallyAfterDays as botocore's model states it."""
    shape = _secretsmanager_shapes()["AutomaticallyRotateAfterDaysType"]
    return range(shape["min"], shape["max"] + 1)


# Secrets Manager User Guide, "Schedule expressions in Secrets Manager rotation": rate(N hours)
# with N from 4 to 24 (rotation at most every four hours), rate(N days) within the
# AutomaticallyAfterDays range, or a cron() with six fields.
RATE = re.compile(r"rate\((\d+) (hour|hours|day|days)\)")
CRON = re.compile(r"cron\((\S+( \S+){5})\)")
RATE_HOURS = range(4, 25)
SCHEDULE_FORM = (
    "rate(N days) with N from 1 to 1000, rate(N hours) with N from 4 to 24, or a cron() "
    "expression with six fields, e.g. cron(0 4 ? * SUN *)"
)


def schedule_problem(expression: str) -> str | None:
    """None when Secrets Manager accepts `expression` as a rotation schedule; else the form."""
    shape = schedule_expression_shape()
    if not shape["min"] <= len(expression) <= shape["max"] or not re.fullmatch(
        shape["pattern"], expression
    ):
        return SCHEDULE_FORM
    rate = RATE.fullmatch(expression)
    if rate:
        number, unit = int(rate.group(1)), rate.group(2)
        allowed = RATE_HOURS if unit.startswith("hour") else automatic_days_range()
        singular = unit in ("hour", "day")
        if number not in allowed or singular != (number == 1):
            return SCHEDULE_FORM
        return None
    return None if CRON.fullmatch(expression) else SCHEDULE_FORM
