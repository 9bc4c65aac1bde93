"""The database stack: RDS PostgreSQL for the secrets stack's credentials.

Managed rotation (the default, as production runs it): RDS keeps the master password in a
secret of its own (`manage_master_user_password`), which this stack exports for the secrets
stack's `rotationMasterSecretArn`; the application's user is created by
`manage-secrets bootstrap-db-user` with the first password of db-credentials
(docs/rotation.md). Manual rotation (`managedRotation: false`): the master user is the
application's, with the secrets stack's password, which travels as a secret Output from the
StackReference into the instance; it is never read in plain text here, and never exported.
"""

import pulumi
import pulumi_aws as aws

config = pulumi.Config()
environment = pulumi.get_stack()
org = config.get("secretsOrg") or pulumi.get_organization()
secrets = pulumi.StackReference(
    f"{org}/programador-musical/{config.get('secretsStack') or environment}"
)
managed_rotation = config.get_bool("managedRotation")
managed_rotation = True if managed_rotation is None else managed_rotation

identifier = f"{config.get('appName') or 'programador-musical'}-{environment}-db"
credentials_arn = secrets.require_output("dbCredentialsArn")
if managed_rotation:
    master = {
        "username": config.get("masterUsername") or "pm_admin",
        "manage_master_user_password": True,
    }
else:
    master = {
        "username": secrets.require_output("databaseUsername"),
        "password": secrets.require_output("databasePassword"),
    }
database = aws.rds.Instance(
    identifier,
    identifier=identifier,
    engine="postgres",
    engine_version="16",
    instance_class=config.get("instanceClass") or "db.t4g.micro",
    allocated_storage=config.get_int("allocatedStorage") or 20,
    db_name=secrets.require_output("databaseName"),
    storage_encrypted=True,
    deletion_protection=True,
    publicly_accessible=False,
    backup_retention_period=7,
    skip_final_snapshot=False,
    final_snapshot_identifier=f"{identifier}-final",
    tags={"Environment": environment, "ManagedBy": "pulumi", "CredentialsSecret": credentials_arn},
    **master,
)

# Set these as `databaseHost` (and `rotationMasterSecretArn`) of the secrets stack, then
# `pulumi up` there (docs/deploying.md).
pulumi.export("address", database.address)
pulumi.export("port", database.port)
pulumi.export("credentialsSecretArn", credentials_arn)
pulumi.export(
    "masterUserSecretArn",
    database.master_user_secrets.apply(lambda found: found[0].secret_arn if found else None),
)
