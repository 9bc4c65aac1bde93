"""Programador Musical secrets stack, read top to bottom like a table of contents."""

from components.audit_trail import AuditTrail, AuditTrailArgs
from components.database_rotation import DatabaseRotation, DatabaseRotationArgs
from components.execution_role import EcsExecutionRole, EcsExecutionRoleArgs
from components.log_encryption import LogEncryption, LogEncryptionArgs
from components.monitoring import SecretsMonitoring, SecretsMonitoringArgs
from components.secret_access import TemplateHeldReader
from components.secrets import ApplicationSecrets, ApplicationSecretsArgs
from components.service_restarts import Change, ServiceRestarts, ServiceRestartsArgs, Trigger
from components.signals import rotation_event_rule
from components.task_definition import ApplicationTaskDefinition, ApplicationTaskDefinitionArgs
from outputs_contract import export_outputs
from settings.program import settings_from_pulumi
from stack_model.logical_names import (
    AUDIT_TRAIL,
    DATABASE_ROTATION,
    EXECUTION_ROLE,
    LOG_ENCRYPTION,
    MONITORING,
    SECRETS,
    SERVICE_RESTARTS,
    TASK,
)

settings = settings_from_pulumi()

# 1. The two secrets, their generated values, and each secret's own policy (public policies
#    blocked; with an administrator role, every principal but the readers and it denied: the
#    readers are every grant below, whatever the order).
secrets = ApplicationSecrets(SECRETS.name, ApplicationSecretsArgs.from_settings(settings))

# 2. Managed rotation (production): Secrets Manager rotates db-credentials on a schedule with
#    AWS's alternating-users function, which the secrets' resource policy lets through.
rotation = None
if settings.rotation.scheme.rotated_by_secrets_manager:
    rotation = DatabaseRotation(
        DATABASE_ROTATION.name,
        DatabaseRotationArgs.from_settings(
            settings,
            secrets.db_credentials,
            secrets.kms_key.arn if secrets.kms_key else None,
            secrets.credential_fields,
        ),
    )
    # Its role holds the permission from AWS's template; the secrets' policy lets it through.
    secrets.access.grant_read(TemplateHeldReader(rotation.function_role_arn))

# 3. The ECS execution role (image pull and logs; secret reads are granted by what uses them).
execution_role = EcsExecutionRole(EXECUTION_ROLE.name, EcsExecutionRoleArgs.from_settings(settings))

# 4. The task definition. Each container secret carries its secret, so wiring it grants the
#    execution role read access to exactly that secret's ARN (and its key). With the
#    customer-managed key on (production), the log groups get a key of their own.
log_key_arn = None
if settings.customer_managed_key:
    log_key_arn = LogEncryption(
        LOG_ENCRYPTION.name, LogEncryptionArgs.from_settings(settings)
    ).key.arn
container_secrets = [
    secrets.access.container_secret(mapping.env_name, mapping.secret, mapping.key)
    for mapping in settings.container.secrets
]
task = ApplicationTaskDefinition(
    TASK.name,
    ApplicationTaskDefinitionArgs.from_settings(
        settings, execution_role, container_secrets, log_key_arn
    ),
)

# 5. No task outlives a rotation: each successful rotation of db-credentials, and each new JWT
#    key set, redeploys the services that read the secrets (rotationRestartServices;
#    docs/rotation.md).
if settings.restart_services:
    db_rotated = [
        Trigger(
            "db-rotation",
            secrets.db_credentials.arn.apply(
                lambda arn: rotation_event_rule("RotationSucceeded", [arn])
            ),
        )
    ]
    key_set = Change("key-set", secrets.key_set_digest, secrets.app_secrets_version)
    ServiceRestarts(
        SERVICE_RESTARTS.name,
        ServiceRestartsArgs.from_settings(settings, db_rotated if rotation else [], [key_set]),
    )

# 6. Alarms on real AWS signals: CloudTrail (an existing trail's log group, or a dedicated trail),
#    AWS/Usage call counts, and EventBridge rotation events, all notifying one SNS topic.
trail_log_group = settings.monitoring.cloudtrail_log_group
if settings.monitoring.create_trail:
    trail = AuditTrail(AUDIT_TRAIL.name, AuditTrailArgs.from_settings(settings, log_key_arn))
    trail_log_group = trail.log_group.name
monitoring = SecretsMonitoring(
    MONITORING.name,
    SecretsMonitoringArgs.from_settings(
        settings, secrets, trail_log_group, settings.names.rotation_function if rotation else None
    ),
)

# 7. The outputs other stacks consume (outputs_contract.py; docs/outputs.md).
export_outputs(
    {
        "appSecretsArn": secrets.app_secrets.arn,
        "appSecretsName": secrets.app_secrets.name,
        "dbCredentialsArn": secrets.db_credentials.arn,
        "dbCredentialsName": secrets.db_credentials.name,
        "kmsKeyArn": secrets.kms_key.arn if secrets.kms_key else None,
        # Under managed rotation the password lives only in the rotated secret: no stale copy.
        "databasePassword": (
            secrets.database_password if settings.rotation.scheme.exports_password else None
        ),
        "databaseUsername": settings.database.username,
        "databaseName": settings.database.name,
        "executionRoleArn": execution_role.role.arn,
        "executionRoleName": execution_role.role.name,
        "taskDefinitionArn": task.task_definition.arn,
        "taskDefinitionFamily": task.task_definition.family,
        "containerSecrets": [secret.definition() for secret in container_secrets],
        "replicaSecretArns": secrets.access.replica_arns(),
        "rotationFunctionArn": rotation.function_arn if rotation else None,
        "containerSecretsByRegion": {
            region: [
                secrets.access.container_secret(m.env_name, m.secret, m.key, region).definition()
                for m in settings.container.secrets
            ]
            for region in (settings.region, *settings.replica_regions)
        },
        "alarmTopicArn": monitoring.topic.arn,
        "alarmNames": [alarm.name for alarm in monitoring.alarms],
        "dashboardName": monitoring.dashboard.dashboard_name,
    }
)
