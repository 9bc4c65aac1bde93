"""Consumers, tested from their side: the example stacks read this stack's real synthesized
outputs through StackReference, so a renamed or de-secreted output breaks them here."""

from __future__ import annotations

import gc
import json
import logging

import pytest
from conftest import ROOT, synth

from harness.sdk_internals import thread_event_loop
from harness.synth import synthesize

REFERENCE = "programador-musical/programador-musical/production"


@pytest.fixture(scope="module")
def secrets_stack():
    return synth(show_secrets=True)


@pytest.fixture(scope="module")
def manual_secrets_stack():
    return synth(show_secrets=True, rotationManaged="false")


MANUAL = {"managedRotation": "false"}


def consumer(example: str, secrets_stack, show_secrets: bool = False, config=None):
    return synthesize(
        "production",
        config or {},
        program_dir=ROOT / "examples" / example,
        show_secrets=show_secrets,
        stack_references={REFERENCE: secrets_stack},
    )


def test_under_managed_rotation_rds_keeps_its_master_password_and_exports_the_secret(
    secrets_stack,
):
    result = consumer("database", secrets_stack, show_secrets=True)
    (instance,) = result.resources_of("aws:rds/instance:Instance")
    inputs = instance["inputs"]
    assert inputs["manageMasterUserPassword"] is True
    assert "password" not in inputs
    # The master user is not the application's: that one is created with the rotated password.
    assert inputs["username"] == "pm_admin" != secrets_stack.outputs["databaseUsername"]
    assert result.outputs["masterUserSecretArn"].startswith(
        "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-"
    )


def test_database_uses_the_generated_password_as_master_password(manual_secrets_stack):
    secrets_stack = manual_secrets_stack
    result = consumer("database", secrets_stack, show_secrets=True, config=MANUAL)
    (instance,) = result.resources_of("aws:rds/instance:Instance")
    inputs = instance["inputs"]
    assert instance["name"] == inputs["identifier"] == "programador-musical-production-db"
    assert inputs["password"] == secrets_stack.outputs["databasePassword"]
    assert inputs["username"] == "programador_user" and inputs["dbName"] == "programador_musical"
    assert inputs["engine"] == "postgres"
    assert inputs["storageEncrypted"] is True
    assert inputs["deletionProtection"] is True
    assert inputs["publiclyAccessible"] is False
    assert inputs["tags"]["CredentialsSecret"] == secrets_stack.outputs["dbCredentialsArn"]
    assert result.outputs["credentialsSecretArn"] == secrets_stack.outputs["dbCredentialsArn"]
    assert result.outputs["address"].startswith("programador-musical-production-db.")


def test_password_stays_secret_end_to_end(manual_secrets_stack):
    secrets_stack = manual_secrets_stack
    result = consumer("database", secrets_stack, config=MANUAL)
    (instance,) = result.resources_of("aws:rds/instance:Instance")
    assert instance["inputs"]["password"] == "[secret]"
    password = secrets_stack.outputs["databasePassword"]
    assert password not in json.dumps(result.document())
    assert "databasePassword" in secrets_stack.secret_outputs


def test_service_reuses_container_secrets_and_execution_role(secrets_stack):
    result = consumer("service", secrets_stack)
    (task,) = result.resources_of("aws:ecs/taskDefinition:TaskDefinition")
    assert task["inputs"]["family"] == "programador-musical-production-worker"
    assert task["inputs"]["executionRoleArn"] == secrets_stack.outputs["executionRoleArn"]
    (container,) = json.loads(task["inputs"]["containerDefinitions"])
    assert container["secrets"] == secrets_stack.outputs["containerSecrets"]
    assert {s["name"] for s in container["secrets"]} >= {"APP_SECRETS", "DATABASE_CREDENTIALS"}


# The failing consumer leaves the coroutines of its other outputs unawaited, as a failed
# `pulumi up` would; Python warns about them when they are collected.
@pytest.mark.filterwarnings("ignore:coroutine .* was never awaited:RuntimeWarning")
@pytest.mark.parametrize(
    ("example", "output", "config"),
    [
        ("database", "databasePassword", MANUAL),
        ("database", "dbCredentialsArn", {}),
        ("service", "containerSecrets", {}),
        ("service", "executionRoleArn", {}),
    ],
)
def test_a_renamed_output_breaks_the_consumer(secrets_stack, example, output, config):
    with pytest.raises(KeyError, match=output):
        synthesize(
            "production",
            config,
            program_dir=ROOT / "examples" / example,
            stack_references={REFERENCE: _with_output_renamed(secrets_stack, output)},
        )


def _with_output_renamed(stack, output: str):
    """A copy of `stack` whose output `output` is exported under another name."""
    renamed = type(stack)(**{**stack.__dict__})
    renamed.outputs = {
        (f"{output}Renamed" if name == output else name): value
        for name, value in stack.outputs.items()
    }
    return renamed


def test_a_failed_synth_reports_its_error_once_and_asyncio_keeps_reporting_others(
    secrets_stack, caplog
):
    """The resources waiting on a missing output each hold its error; asyncio logged every one
    of them when collected ("Future exception was never retrieved", 172 tracebacks on a test
    worker's stderr)."""
    caplog.set_level(logging.ERROR, logger="asyncio")
    with pytest.raises(KeyError, match="dbCredentialsArn"):
        consumer("database", _with_output_renamed(secrets_stack, "dbCredentialsArn"))
    consumer("database", secrets_stack)  # drops what the failed synth left queued
    gc.collect()
    assert [r.getMessage() for r in caplog.records if r.name == "asyncio"] == []

    unrelated = thread_event_loop().create_future()
    unrelated.set_exception(RuntimeError("not the synth's"))
    del unrelated
    gc.collect()
    [reported] = [r.getMessage() for r in caplog.records]
    assert (
        reported.startswith("Future exception was never retrieved") and "not the synth" in reported
    )


@pytest.mark.parametrize("example", ["database", "service"])
def test_example_config_keys_without_default_are_set_by_the_stack(example):
    """The Pulumi CLI refuses to run a stack missing a key declared without a default."""
    import yaml

    directory = ROOT / "examples" / example
    project = yaml.safe_load((directory / "Pulumi.yaml").read_text())
    stack = yaml.safe_load((directory / "Pulumi.production.yaml").read_text())["config"]
    for key, spec in project["config"].items():
        if "default" not in spec:
            assert f"{project['name']}:{key}" in stack, key
