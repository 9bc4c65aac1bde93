"""Configuration: every problem reported at once, each naming key, value and accepted form."""

from __future__ import annotations

import pytest

from settings import CONFIG_KEYS, ConfigError, load_settings
from settings.declarations import RESERVED_TAG_KEYS

VALID = {
    "databaseHost": "db.c8x2kd1qpt0z.us-east-1.rds.amazonaws.com",
    "containerImage": "registry.example.com/app:1.0",
}


def load(stack: str = "production", region: str | None = "us-east-1", **config: str):
    values = {**VALID, **config}
    values = {key: value for key, value in values.items() if value is not None}
    return load_settings("programador-musical", stack, values.get, region, present=values)


def problems(**config) -> dict[str, str]:
    with pytest.raises(ConfigError) as caught:
        load(**config)
    return {problem.key: str(problem) for problem in caught.value.problems}


def test_defaults_come_from_pulumi_yaml():
    settings = load()
    assert settings.name_prefix == "programador-musical-production"
    assert settings.database.port == 5432
    assert settings.database.name == "programador_musical"
    assert settings.database.username == "programador_user"
    assert settings.database.password_length == 20
    assert settings.jwt_bytes == 32
    assert settings.recovery_window_in_days == 30
    assert settings.protect is True
    assert settings.customer_managed_key is False
    assert settings.tags == {
        "Project": "programador-musical",
        "Environment": "production",
        "ManagedBy": "pulumi",
    }
    # The keys users may not set are exactly the ones the stack sets itself.
    assert tuple(settings.tags) == RESERVED_TAG_KEYS


def test_every_declared_key_is_read_and_nothing_undeclared():
    asked = []
    load_settings(
        "programador-musical",
        "production",
        lambda key: asked.append(key) or VALID.get(key),
        "us-east-1",
    )
    assert set(asked) == {key.name for key in CONFIG_KEYS}


@pytest.mark.parametrize(
    ("config", "key", "accepted"),
    [
        ({"databaseHost": None}, "databaseHost", "RDS endpoint hostname"),
        ({"databaseHost": "not a host!"}, "databaseHost", "RDS endpoint hostname"),
        ({"databasePort": "abc"}, "databasePort", "an integer"),
        ({"databasePort": "0"}, "databasePort", "from 1 to 65535"),
        ({"databasePort": "65536"}, "databasePort", "from 1 to 65535"),
        ({"databasePasswordLength": "15"}, "databasePasswordLength", "from 16 to 128"),
        ({"databasePasswordLength": "129"}, "databasePasswordLength", "from 16 to 128"),
        ({"jwtBytes": "31"}, "jwtBytes", "from 32 to 256"),
        ({"recoveryWindowInDays": "6"}, "recoveryWindowInDays", "from 7 to 30"),
        ({"recoveryWindowInDays": "31"}, "recoveryWindowInDays", "from 7 to 30"),
        ({"recoveryWindowInDays": "0"}, "recoveryWindowInDays", "protect=false"),
        ({"appName": "Programador_Musical"}, "appName", "lowercase letters"),
        ({"appName": "a" * 40}, "appName", "2-40"),
        ({"appName": "-bad"}, "appName", "starting with a letter"),
        ({"databaseEngine": "mysql"}, "databaseEngine", "postgres, aurora-postgresql"),
        ({"databaseName": "1db"}, "databaseName", "a letter, then"),
        ({"databaseUsername": "rdsadmin"}, "databaseUsername", "not rdsadmin"),
        ({"databaseUsername": "user-name"}, "databaseUsername", "a letter, then"),
        ({"tags": "Team=platform"}, "tags", "a list"),
        ({"tags": '["NoEquals"]'}, "tags", '"Key=Value"'),
        ({"tags": '["aws:owner=me"]'}, "tags", "no aws: prefix"),
        ({"tags": '["Project=other"]'}, "tags", "reserved key"),
        ({"tags": '["Team=a", "Team=b"]'}, "tags", "duplicate"),
        ({"tags": '["=value"]'}, "tags", '"Key=Value"'),
        ({"tags": '["K=' + "v" * 257 + '"]'}, "tags", "value 0-256"),
        ({"tags": "[1]"}, "tags", '"Key=Value"'),
        ({"protect": "yes"}, "protect", "true or false"),
        ({"kmsCustomerManagedKey": "1"}, "kmsCustomerManagedKey", "true or false"),
        ({"rotationJwt": ""}, "rotationJwt", "non-empty printable token"),
        ({"rotationDatabase": "x" * 129}, "rotationDatabase", "at most 128"),
        ({"containerImage": None}, "containerImage", "an image reference"),
    ],
)
def test_bad_value_is_named_with_its_accepted_form(config, key, accepted):
    found = problems(**config)
    assert key in found, found
    assert accepted in found[key]


def test_missing_region_is_a_problem():
    with pytest.raises(ConfigError) as caught:
        load(region=None)
    assert [p.key for p in caught.value.problems] == ["aws:region"]


def test_all_problems_are_reported_together():
    found = problems(
        databaseHost=None,
        databasePort="70000",
        databasePasswordLength="8",
        jwtBytes="16",
        recoveryWindowInDays="3",
        appName="BAD",
        databaseEngine="oracle",
        tags='["oops"]',
    )
    assert set(found) == {
        "databaseHost",
        "databasePort",
        "databasePasswordLength",
        "jwtBytes",
        "recoveryWindowInDays",
        "appName",
        "databaseEngine",
        "tags",
    }


def test_message_names_project_key_value_and_fix():
    with pytest.raises(ConfigError) as caught:
        load(databasePort="70000")
    message = str(caught.value)
    assert "programador-musical:databasePort = 70000" in message
    assert "from 1 to 65535" in message
    assert "pulumi config set" in message


def test_secret_config_value_never_appears_in_errors():
    short_secret = "TOO-SHORT-SECRET-xyz"
    with pytest.raises(ConfigError) as caught:
        load(jwtSecretKey=short_secret)
    assert short_secret not in str(caught.value)
    assert "jwtSecretKey = [secret]" in str(caught.value)


def test_zero_recovery_window_is_allowed_without_protection():
    settings = load(protect="false", recoveryWindowInDays="0")
    assert settings.recovery_window_in_days == 0 and settings.protect is False


def test_config_error_registers_nothing():
    from harness.mock_cloud import MockCloud
    from harness.synth import synthesize

    class Counting(MockCloud):
        created = 0

        def new_resource(self, args):
            Counting.created += 1
            return super().new_resource(args)

    with pytest.raises(ConfigError):
        synthesize("production", {"databasePort": "0"}, mocks=Counting(region="us-east-1"))
    assert Counting.created == 0


def test_values_set_as_secrets_are_masked_in_errors():
    """`migrate-from-ssm` sets database.host as secret config; a bad one must not be echoed."""
    values = {**VALID, "databaseHost": "secret host!"}
    with pytest.raises(ConfigError) as caught:
        load_settings(
            "programador-musical",
            "production",
            values.get,
            "us-east-1",
            is_secret=lambda key: key == "databaseHost",
        )
    assert "secret host!" not in str(caught.value)
    assert "databaseHost = [secret]" in str(caught.value)


def test_encrypted_stack_values_are_secret_in_the_synth(tmp_path):
    from harness.stack_loading import load_stack_config

    (tmp_path / "Pulumi.yaml").write_text("name: demo\nruntime: python\n")
    (tmp_path / "Pulumi.dev.yaml").write_text(
        "config:\n  demo:database.host:\n    secure: v1:AAAA\n  aws:region: us-east-1\n"
    )
    config = load_stack_config("dev", program_dir=tmp_path)
    assert config.secret_keys == ["demo:database.host"]
    assert config.values["demo:database.host"] != "v1:AAAA"
    assert any("cannot be read offline" in warning for warning in config.warnings)


def test_a_bad_value_read_by_two_rules_is_reported_once():
    # monitoringCreateTrail decides the trail and the tags' minimum value length.
    assert list(problems(monitoringCreateTrail="maybe")) == ["monitoringCreateTrail"]
    with pytest.raises(ConfigError) as caught:
        load(monitoringCreateTrail="maybe")
    assert len(caught.value.problems) == 1
