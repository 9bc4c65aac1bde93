"""The example consumers read this stack through a real StackReference on the same backend:
the database stack takes the credentials secret's ARN, the second service the execution role and
the container secrets, with no ARN copied by hand."""

from __future__ import annotations

import json

import pytest
from engine_tier import stack_up

pytestmark = [pytest.mark.engine, pytest.mark.heavy(seconds=21)]


@pytest.fixture(scope="module")
def secrets_stack(engine):
    project = engine.project(label="secrets-for-consumers")
    stack_up(engine, project, "production")
    outputs = (
        engine.pulumi(project, "stack", "output", "--stack", "production", "--json").check().json()
    )
    return project, outputs


def _consumer_up(engine, folder, *config: str) -> dict:
    """The example in `folder`, its stack reading this stack's organization on this backend."""
    stack_up(engine, folder, "production", "secretsOrg=organization", *config)
    return (
        engine.pulumi(folder, "stack", "output", "--stack", "production", "--json").check().json()
    )


def test_the_database_stack_reads_the_credentials_secret_through_a_stack_reference(
    engine, secrets_stack
):
    project, outputs = secrets_stack
    exported = _consumer_up(engine, project / "examples" / "database")
    rds = engine.moto.client("rds")
    (instance,) = rds.describe_db_instances(
        DBInstanceIdentifier="programador-musical-production-db"
    )["DBInstances"]
    tags = {t["Key"]: t["Value"] for t in instance["TagList"]}
    assert (
        tags["CredentialsSecret"] == outputs["dbCredentialsArn"] == exported["credentialsSecretArn"]
    )
    assert exported["masterUserSecretArn"] == instance["MasterUserSecret"]["SecretArn"]
    assert exported["address"] == instance["Endpoint"]["Address"]


def test_the_second_service_gets_the_role_and_the_container_secrets_through_it(
    engine, secrets_stack
):
    project, outputs = secrets_stack
    exported = _consumer_up(engine, project / "examples" / "service")
    described = engine.moto.client("ecs").describe_task_definition(
        taskDefinition=exported["taskDefinitionArn"]
    )["taskDefinition"]
    assert described["executionRoleArn"] == outputs["executionRoleArn"]
    (container,) = described["containerDefinitions"]
    assert container["secrets"] == outputs["containerSecrets"]
    assert "programador-musical-production-app-secrets" in json.dumps(container["secrets"])
