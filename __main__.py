"""Programador Musical secrets stack, read top to bottom like a table of contents."""

from components.audit_trail import AuditTrail, AuditTrailArgs
from components.execution_role import EcsExecutionRole, EcsExecutionRoleArgs
from components.monitoring import SecretsMonitoring, SecretsMonitoringArgs
from components.secrets import ApplicationSecrets, ApplicationSecretsArgs
from components.task_definition import ApplicationTaskDefinition, ApplicationTaskDefinitionArgs
from outputs_contract import export_outputs
from settings import settings_from_pulumi

settings = settings_from_pulumi()

# 1. The two secrets and their generated values.
secrets = ApplicationSecrets(
    "application-secrets",
    ApplicationSecretsArgs(
        name_prefix=settings.name_prefix,
        database_host=settings.database.host,
        database_port=settings.database.port,
        database_name=settings.database.name,
        database_username=settings.database.username,
        database_engine=settings.database.engine,
        password_length=settings.database.password_length,
        jwt_bytes=settings.jwt_bytes,
        jwt_imported_key=settings.jwt_imported_key,
        rotation_jwt=settings.rotation_jwt,
        rotation_database=settings.rotation_database,
        customer_managed_key=settings.customer_managed_key,
        recovery_window_in_days=settings.recovery_window_in_days,
        protect=settings.protect,
        tags=settings.tags,
    ),
)

# 2. The ECS execution role, allowed to read exactly those secrets.
execution_role = EcsExecutionRole(
    "ecs-execution-role",
    EcsExecutionRoleArgs(
        name_prefix=settings.name_prefix, readable_secrets=[secrets], tags=settings.tags
    ),
)

# 3. The task definition, whose container receives the secrets as environment variables.
container_secrets = [
    secrets.container_secret(mapping.env_name, mapping.secret, mapping.key)
    for mapping in settings.container.secrets
]
task = ApplicationTaskDefinition(
    "application-task",
    ApplicationTaskDefinitionArgs(
        name_prefix=settings.name_prefix,
        image=settings.container.image,
        execution_role_arn=execution_role.role.arn,
        container_secrets=container_secrets,
        cpu=settings.container.cpu,
        memory=settings.container.memory,
        container_port=settings.container.port,
        log_retention_in_days=settings.container.log_retention_in_days,
        environment={"APP_ENV": settings.stack},
        tags=settings.tags,
    ),
)

# 4. Alarms on real AWS signals: CloudTrail (an existing trail's log group, or a dedicated trail),
#    AWS/Usage call counts, and EventBridge rotation events, all notifying one SNS topic.
trail_log_group = settings.monitoring.cloudtrail_log_group
if settings.monitoring.create_trail:
    trail = AuditTrail(
        "audit-trail",
        AuditTrailArgs(
            name_prefix=settings.name_prefix,
            log_retention_in_days=settings.container.log_retention_in_days,
            tags=settings.tags,
        ),
    )
    trail_log_group = trail.log_group.name
monitoring = SecretsMonitoring(
    "secrets-monitoring",
    SecretsMonitoringArgs(
        name_prefix=settings.name_prefix,
        secrets=secrets,
        alarm_emails=settings.monitoring.alarm_emails,
        retrieval_threshold=settings.monitoring.retrieval_threshold,
        cloudtrail_log_group_name=trail_log_group,
        tags=settings.tags,
    ),
)

# 5. The outputs other stacks consume (outputs_contract.py; README, "Outputs").
export_outputs(
    {
        "appSecretsArn": secrets.app_secrets.arn,
        "appSecretsName": secrets.app_secrets.name,
        "dbCredentialsArn": secrets.db_credentials.arn,
        "dbCredentialsName": secrets.db_credentials.name,
        "kmsKeyArn": secrets.kms_key.arn if secrets.kms_key else None,
        "databasePassword": secrets.database_password,
        "databaseUsername": settings.database.username,
        "databaseName": settings.database.name,
        "executionRoleArn": execution_role.role.arn,
        "executionRoleName": execution_role.role.name,
        "taskDefinitionArn": task.task_definition.arn,
        "taskDefinitionFamily": task.task_definition.family,
        "containerSecrets": [secret.definition() for secret in container_secrets],
        "alarmTopicArn": monitoring.topic.arn,
        "alarmNames": [alarm.name for alarm in monitoring.alarms],
        "dashboardName": monitoring.dashboard.dashboard_name,
    }
)
