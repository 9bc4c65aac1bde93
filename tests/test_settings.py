"""Configuration: every problem reported at once, each naming key, value and accepted form."""

from __future__ import annotations

import pytest

from settings import ConfigError, config_schema, load_settings

VALID = {
    "database.host": "db.c8x2kd1qpt0z.us-east-1.rds.amazonaws.com",
    "container.image": "registry.example.com/app:1.0",
}


def load(stack: str = "production", region: str | None = "us-east-1", **config: str):
    values = {**VALID, **{key.replace("__", "."): value for key, value in config.items()}}
    values = {key: value for key, value in values.items() if value is not None}
    return load_settings("programador-musical", stack, values.get, region)


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


def test_every_declared_key_is_read_and_nothing_undeclared():
    asked = []
    load_settings(
        "programador-musical",
        "production",
        lambda key: asked.append(key) or VALID.get(key),
        "us-east-1",
    )
    assert set(asked) == set(config_schema())


@pytest.mark.parametrize(
    ("config", "key", "accepted"),
    [
        ({"database__host": None}, "database.host", "RDS endpoint hostname"),
        ({"database__host": "not a host!"}, "database.host", "DNS hostname"),
        ({"database__port": "abc"}, "database.port", "an integer"),
        ({"database__port": "0"}, "database.port", "from 1 to 65535"),
        ({"database__port": "65536"}, "database.port", "from 1 to 65535"),
        ({"database__passwordLength": "15"}, "database.passwordLength", "from 16 to 128"),
        ({"database__passwordLength": "129"}, "database.passwordLength", "from 16 to 128"),
        ({"jwt__bytes": "31"}, "jwt.bytes", "from 32 to 256"),
        ({"recoveryWindowInDays": "6"}, "recoveryWindowInDays", "from 7 to 30"),
        ({"recoveryWindowInDays": "31"}, "recoveryWindowInDays", "from 7 to 30"),
        ({"recoveryWindowInDays": "0"}, "recoveryWindowInDays", "protect=false"),
        ({"appName": "Programador_Musical"}, "appName", "lowercase letters"),
        ({"appName": "a" * 40}, "appName", "2-40"),
        ({"appName": "-bad"}, "appName", "starting with a letter"),
        ({"database__engine": "mysql"}, "database.engine", "postgres, aurora-postgresql"),
        ({"database__name": "1db"}, "database.name", "a letter, then"),
        ({"database__username": "rdsadmin"}, "database.username", "other than"),
        ({"database__username": "user-name"}, "database.username", "a letter, then"),
        ({"tags": "Team=platform"}, "tags", "a list"),
        ({"tags": '["NoEquals"]'}, "tags", '"Key=Value"'),
        ({"tags": '["aws:owner=me"]'}, "tags", "no aws: prefix"),
        ({"tags": '["Project=other"]'}, "tags", "reserved key"),
        ({"tags": '["Team=a", "Team=b"]'}, "tags", "duplicate"),
        ({"tags": '["=value"]'}, "tags", '"Key=Value"'),
        ({"tags": '["K=' + "v" * 257 + '"]'}, "tags", "value 0-256"),
        ({"tags": "[1]"}, "tags", '"Key=Value"'),
        ({"protect": "yes"}, "protect", "true or false"),
        ({"kms__customerManagedKey": "1"}, "kms.customerManagedKey", "true or false"),
        ({"rotation__jwt": ""}, "rotation.jwt", "non-empty printable token"),
        ({"rotation__database": "x" * 129}, "rotation.database", "at most 128"),
        ({"container__image": None}, "container.image", "an image reference"),
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
        database__host=None,
        database__port="70000",
        database__passwordLength="8",
        jwt__bytes="16",
        recoveryWindowInDays="3",
        appName="BAD",
        database__engine="oracle",
        tags='["oops"]',
    )
    assert set(found) == {
        "database.host",
        "database.port",
        "database.passwordLength",
        "jwt.bytes",
        "recoveryWindowInDays",
        "appName",
        "database.engine",
        "tags",
    }


def test_message_names_project_key_value_and_fix():
    with pytest.raises(ConfigError) as caught:
        load(database__port="70000")
    message = str(caught.value)
    assert "programador-musical:database.port = 70000" in message
    assert "from 1 to 65535" in message
    assert "pulumi config set" in message


def test_secret_config_value_never_appears_in_errors():
    short_secret = "TOO-SHORT-SECRET-xyz"
    with pytest.raises(ConfigError) as caught:
        load(jwt__secretKey=short_secret)
    assert short_secret not in str(caught.value)
    assert "jwt.secretKey = [secret]" in str(caught.value)


def test_zero_recovery_window_is_allowed_without_protection():
    settings = load(protect="false", recoveryWindowInDays="0")
    assert settings.recovery_window_in_days == 0 and settings.protect is False


def test_config_error_registers_nothing():
    from tools.mock_cloud import MockCloud
    from tools.synth import synthesize

    class Counting(MockCloud):
        created = 0

        def new_resource(self, args):
            Counting.created += 1
            return super().new_resource(args)

    with pytest.raises(ConfigError):
        synthesize("production", {"database.port": "x"}, mocks=Counting(region="us-east-1"))
    assert Counting.created == 0


def test_values_set_as_secrets_are_masked_in_errors():
    """`migrate-from-ssm` sets database.host as secret config; a bad one must not be echoed."""
    values = {**VALID, "database.host": "secret host!"}
    with pytest.raises(ConfigError) as caught:
        load_settings(
            "programador-musical",
            "production",
            values.get,
            "us-east-1",
            is_secret=lambda key: key == "database.host",
        )
    assert "secret host!" not in str(caught.value)
    assert "database.host = [secret]" in str(caught.value)


def test_encrypted_stack_values_are_secret_in_the_synth(tmp_path):
    from tools.synth import load_stack_config

    (tmp_path / "Pulumi.yaml").write_text("name: demo\nruntime: python\n")
    (tmp_path / "Pulumi.dev.yaml").write_text(
        "config:\n  demo:database.host:\n    secure: v1:AAAA\n  aws:region: us-east-1\n"
    )
    config = load_stack_config("dev", program_dir=tmp_path)
    assert config.secret_keys == ["demo:database.host"]
    assert config.values["demo:database.host"] != "v1:AAAA"
    assert any("cannot be read offline" in warning for warning in config.warnings)
