"""The database stack: RDS PostgreSQL whose master password is the secrets stack's password.

The password travels as a secret Output from the StackReference into the instance; it is never
read in plain text here, and never exported.
"""

import pulumi
import pulumi_aws as aws

config = pulumi.Config()
environment = pulumi.get_stack()
org = config.get("secretsOrg") or pulumi.get_organization()
secrets = pulumi.StackReference(
    f"{org}/programador-musical/{config.get('secretsStack') or environment}"
)

identifier = f"{config.get('appName') or 'programador-musical'}-{environment}-db"
credentials_arn = secrets.require_output("dbCredentialsArn")
database = aws.rds.Instance(
    identifier,
    identifier=identifier,
    engine="postgres",
    engine_version="16",
    instance_class=config.get("instanceClass") or "db.t4g.micro",
    allocated_storage=config.get_int("allocatedStorage") or 20,
    db_name=secrets.require_output("databaseName"),
    username=secrets.require_output("databaseUsername"),
    password=secrets.require_output("databasePassword"),
    storage_encrypted=True,
    deletion_protection=True,
    publicly_accessible=False,
    backup_retention_period=7,
    skip_final_snapshot=False,
    final_snapshot_identifier=f"{identifier}-final",
    tags={"Environment": environment, "ManagedBy": "pulumi", "CredentialsSecret": credentials_arn},
)

# Set this as `databaseHost` of the secrets stack, then `pulumi up` there (docs/deploying.md).
pulumi.export("address", database.address)
pulumi.export("port", database.port)
pulumi.export("credentialsSecretArn", credentials_arn)
