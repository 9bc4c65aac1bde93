"""The ApplicationSecrets component as the production stack declares it."""

from __future__ import annotations

import base64
import importlib
import inspect
from urllib.parse import unquote, urlsplit

from conftest import secret_json, synth

from settings.declarations import declared
from stack_model.jwt_key_set import JWT_KEYS
from stack_model.rotation_scheme import AlternatingUsers, ManualToken
from stack_model.secret_shapes import (
    DB_CREDENTIAL_KEYS,
    PASSWORD_SPECIAL_CHARACTERS,
    RDS_FORBIDDEN_PASSWORD_CHARACTERS,
)

SECRET = "aws:secretsmanager/secret:Secret"
APP = "programador-musical-production-app-secrets"
DB = "programador-musical-production-db-credentials"
HOST = "programador-musical-production-db.c8x2kd1qpt0z.us-east-1.rds.amazonaws.com"
MASTER = (
    "arn:aws:secretsmanager:us-east-1:123456789012:secret:"
    "rds!db-3f1c6a52-8d2e-4b7a-9c41-0e5d7f2a9b13-Ab12Cd"
)


def manual(**config: str):
    """The production stack with the manual rotation scheme (what staging runs)."""
    return synth(show_secrets=True, rotationManaged="false", **config)


def test_names_derive_from_app_and_stack(production):
    assert sorted(r["inputs"]["name"] for r in production.resources_of(SECRET)) == [APP, DB]
    for name in (APP, DB):
        assert production.named(SECRET, name)["inputs"]["name"] == name
    assert production.outputs["appSecretsName"] == APP
    assert production.outputs["dbCredentialsName"] == DB


def test_rotated_app_secret_holds_only_the_jwt_key_set(production_revealed):
    # Nothing Secrets Manager rotates is copied into app-secrets: a copy would go stale.
    values = secret_json(production_revealed, APP)
    assert (
        tuple(values)
        == AlternatingUsers.app_secret_keys
        == (
            "jwt_secret_key",
            "jwt_secret_key_previous",
            "jwt_secret_key_next",
            "jwt_key_generation",
        )
    )
    keys = [values[k] for k in AlternatingUsers.app_secret_keys[:3]]
    assert len(set(keys)) == 3
    assert values["jwt_key_generation"] == 0


def test_rotated_db_credentials_hold_what_the_multi_user_function_reads(production_revealed):
    values = secret_json(production_revealed, DB)
    assert tuple(values) == AlternatingUsers.db_credential_keys
    assert set(values) == {"engine", "host", "username", "password", "dbname", "port", "masterarn"}
    assert values["masterarn"] == MASTER
    assert values["engine"] == "postgres"
    assert values["port"] == 5432 and isinstance(values["port"], int)
    assert (values["host"], values["dbname"]) == (HOST, "programador_musical")
    assert values["username"] == "programador_user"


def test_manual_app_secret_keeps_the_guides_keys_and_the_jwt_key_set():
    values = secret_json(manual(), APP)
    assert (
        tuple(values)
        == ManualToken.app_secret_keys
        == (
            "jwt_secret_key",
            "database_url",
            "database_host",
            "database_name",
            "database_username",
            "database_password",
            "jwt_secret_key_previous",
            "jwt_secret_key_next",
            "jwt_key_generation",
        )
    )
    assert values["database_host"] == HOST
    assert values["database_name"] == "programador_musical"
    assert values["database_username"] == "programador_user"


def test_manual_db_credentials_keep_the_rds_rotation_shape():
    values = secret_json(manual(), DB)
    assert (
        tuple(values)
        == DB_CREDENTIAL_KEYS
        == ("username", "password", "engine", "host", "port", "dbname")
    )
    assert values["engine"] == "postgres"
    assert values["port"] == 5432 and isinstance(values["port"], int)
    assert values["host"] == HOST
    assert values["dbname"] == "programador_musical"


def test_one_password_is_shared_and_round_trips_through_the_url():
    result = manual()
    app = secret_json(result, APP)
    db = secret_json(result, DB)
    assert app["database_password"] == db["password"]
    url = urlsplit(app["database_url"])
    assert url.scheme == "postgresql"
    assert unquote(url.password) == db["password"]
    assert unquote(url.username) == "programador_user"
    assert (url.hostname, url.port, url.path) == (HOST, 5432, "/programador_musical")
    assert len(db["password"]) == 20


def test_password_generator_only_uses_rds_safe_characters(production):
    (password,) = production.resources_of("random:index/randomPassword:RandomPassword")
    inputs = password["inputs"]
    assert inputs["length"] == 20
    assert inputs["special"] is True
    assert inputs["overrideSpecial"] == PASSWORD_SPECIAL_CHARACTERS
    assert not set(inputs["overrideSpecial"]) & RDS_FORBIDDEN_PASSWORD_CHARACTERS
    assert "'" not in inputs["overrideSpecial"]


def test_jwt_key_is_the_configured_number_of_random_bytes_in_base64(
    production, production_revealed
):
    size = declared("jwtBytes").default
    slots = production.resources_of("random:index/randomBytes:RandomBytes")
    assert [slot["inputs"]["length"] for slot in slots] == [size] * 3
    for result, length in (
        (production_revealed, size),
        (synth(show_secrets=True, jwtBytes="48"), 48),
    ):
        values = secret_json(result, APP)
        for key in JWT_KEYS:
            assert len(base64.b64decode(values[key], validate=True)) == length


def test_customer_managed_key_encrypts_both_secrets_when_on(production):
    key = production.resource("aws:kms/key:Key", "application-secrets-kms-key")
    assert key["inputs"]["enableKeyRotation"] is True
    assert key["protect"] is True
    alias = production.resource("aws:kms/alias:Alias", "application-secrets-kms-alias")
    assert alias["inputs"]["name"] == "alias/programador-musical-production-secrets"
    key_arn = production.outputs["kmsKeyArn"]
    assert key_arn.startswith("arn:aws:kms:us-east-1:123456789012:key/")
    for name in (APP, DB):
        assert production.named(SECRET, name)["inputs"]["kmsKeyId"] == key_arn


def test_aws_managed_key_by_default():
    result = synth(kmsCustomerManagedKey="false")
    of_the_secrets = [
        r for r in result.resources if r["parent"] == "application-secrets" and "kms" in r["type"]
    ]
    assert of_the_secrets == []
    # The log groups lose their key with it; the trail keeps its own (an audit requirement).
    assert not any(r["parent"] == "log-encryption" for r in result.resources)
    assert [k["parent"] for k in result.resources_of("aws:kms/key:Key")] == [
        "audit-trail",
        "secrets-monitoring",
        "secrets-monitoring",  # the alarm topic's copy in the replica region
    ]
    assert result.outputs["kmsKeyArn"] is None
    for name in (APP, DB):
        assert "kmsKeyId" not in result.named(SECRET, name)["inputs"]


def test_secrets_are_protected_with_a_30_day_recovery_window(production):
    for name in (APP, DB):
        secret = production.named(SECRET, name)
        assert secret["protect"] is True
        assert secret["inputs"]["recoveryWindowInDays"] == 30


def test_throwaway_stack_may_turn_protection_off_and_delete_immediately():
    result = synth(protect="false", recoveryWindowInDays="0")
    for name in (APP, DB):
        secret = result.named(SECRET, name)
        assert secret["protect"] is False
        assert secret["inputs"]["recoveryWindowInDays"] == 0
    assert not result.resource("aws:kms/key:Key", "application-secrets-kms-key")["protect"]


def _is_taggable(type_token: str) -> bool:
    package, module_and_type, _ = type_token.split(":")
    if package != "aws":
        return False
    module, class_name = module_and_type.split("/")[0], type_token.rsplit(":", 1)[1]
    cls = getattr(importlib.import_module(f"pulumi_aws.{module}"), class_name)
    return "tags" in inspect.signature(cls._internal_init).parameters


def test_every_taggable_resource_carries_the_stack_tags(production):
    expected = {
        "Project": "programador-musical",
        "Environment": "production",
        "ManagedBy": "pulumi",
        "Team": "platform",
        "CostCenter": "programador-musical",
    }
    taggable = [r for r in production.resources if _is_taggable(r["type"])]
    assert {r["type"] for r in taggable} >= {SECRET, "aws:kms/key:Key"}
    for resource in taggable:
        assert resource["inputs"].get("tags") == expected, resource["name"]


def test_every_resource_lives_in_a_project_component(production):
    components = {
        r["name"]: r["type"]
        for r in production.resources
        if r["type"].startswith("programador-musical:")
    }
    assert set(components.values()) >= {"programador-musical:secrets:ApplicationSecrets"}
    for resource in production.resources:
        if resource["name"] not in components:
            assert resource["parent"] in components, resource["name"]
        else:
            assert resource["parent"] is None


def test_imported_jwt_key_replaces_the_first_slots_generator():
    imported = "existing-ssm-jwt-key-0123456789abcdefghijklmnop"
    result = synth(show_secrets=True, secrets={"jwtSecretKey": imported})
    generated = result.resources_of("random:index/randomBytes:RandomBytes")
    assert sorted(r["name"] for r in generated) == [
        "application-secrets-jwt-key-slot-1",
        "application-secrets-jwt-key-slot-2",
    ]
    assert secret_json(result, APP)["jwt_secret_key"] == imported
    # One rotation later it is the previous key; two later a generated key replaces it (and it
    # was never the next key: the key set of generation 0 is the first it was in).
    rotated = synth(show_secrets=True, jwtKeyGeneration="1", secrets={"jwtSecretKey": imported})
    assert secret_json(rotated, APP)["jwt_secret_key_previous"] == imported
    twice = synth(show_secrets=True, jwtKeyGeneration="2", secrets={"jwtSecretKey": imported})
    assert imported not in secret_json(twice, APP).values()
    masked = synth(secrets={"jwtSecretKey": imported})
    version = masked.version_of(APP)
    assert version["inputs"]["secretString"] == "[secret]"


def test_generated_values_and_password_output_are_secret(production):
    for name in (APP, DB):
        version = production.version_of(name)
        assert version["inputs"]["secretString"] == "[secret]"
    # Under managed rotation no output holds the password: it lives in the rotated secret only
    # (the output stays declared secret, and is null).
    assert production.secret_outputs == {"databasePassword"}
    assert synth(show_secrets=True).outputs["databasePassword"] is None
    manual_outputs = synth(rotationManaged="false")
    assert manual_outputs.secret_outputs == {"databasePassword"}
    assert manual_outputs.outputs["databasePassword"] == "[secret]"
