"""The resource types the aws stand-in acts on, one handler each (importing registers them)."""

from engine.providers.aws.services import (  # noqa: F401
    compute,
    ecs_logs,
    iam,
    kms,
    notify,
    s3_trail,
    secretsmanager,
)
