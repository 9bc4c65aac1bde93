"""Programador Musical secrets stack, read top to bottom like a table of contents."""

import pulumi

from components.secrets import ApplicationSecrets, ApplicationSecretsArgs
from settings import settings_from_pulumi

settings = settings_from_pulumi()

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

pulumi.export("appSecretsArn", secrets.app_secrets.arn)
pulumi.export("appSecretsName", secrets.app_secrets.name)
pulumi.export("dbCredentialsArn", secrets.db_credentials.arn)
pulumi.export("dbCredentialsName", secrets.db_credentials.name)
pulumi.export("kmsKeyArn", secrets.kms_key.arn if secrets.kms_key else None)
pulumi.export("databasePassword", secrets.database_password)
