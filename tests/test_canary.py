"""Canary: known generated values must not leak into default output, plain outputs or errors."""

from __future__ import annotations

import json

import pytest
from conftest import run_synth

from harness.mock_cloud import MockCloud
from harness.synth import format_tree, synthesize
from settings import ConfigError

PASSWORD_CANARY = "Canary!Pw#0123456789"
JWT_CANARY_BYTES = b"canary-jwt-key-0123456789abcdefg"
IMPORTED_CANARY = "imported-canary-jwt-key-that-is-long-enough"


class CanaryCloud(MockCloud):
    def _resource_state(self, typ, name, inputs, identity):
        resource_id, state = super()._resource_state(typ, name, inputs, identity)
        if typ == "random:index/randomPassword:RandomPassword":
            state["result"] = PASSWORD_CANARY
        if typ == "random:index/randomBytes:RandomBytes":
            state["base64"] = __import__("base64").b64encode(JWT_CANARY_BYTES).decode()
            state["hex"] = JWT_CANARY_BYTES.hex()
        return resource_id, state


def _needles():
    import base64
    from urllib.parse import quote

    return [
        PASSWORD_CANARY,
        quote(PASSWORD_CANARY, safe=""),
        base64.b64encode(JWT_CANARY_BYTES).decode(),
        JWT_CANARY_BYTES.hex(),
    ]


def _assert_absent(text: str) -> None:
    for needle in _needles():
        assert needle not in text


def test_canaries_are_really_generated_values():
    revealed = synthesize(show_secrets=True, mocks=CanaryCloud(region="us-east-1"))
    assert PASSWORD_CANARY in json.dumps(revealed.document())


def test_default_text_and_json_output_hide_generated_values():
    result = synthesize(mocks=CanaryCloud(region="us-east-1"))
    _assert_absent(format_tree(result))
    _assert_absent(json.dumps(result.document()))


def test_plain_outputs_hold_no_generated_value():
    result = synthesize(show_secrets=True, mocks=CanaryCloud(region="us-east-1"))
    plain = {k: v for k, v in result.outputs.items() if k not in result.secret_outputs}
    _assert_absent(json.dumps(plain))
    assert "databasePassword" in result.secret_outputs


def test_imported_key_is_hidden_in_output_and_errors():
    result = synthesize(secret_overrides={"jwtSecretKey": IMPORTED_CANARY})
    assert IMPORTED_CANARY not in json.dumps(result.document())
    assert IMPORTED_CANARY not in format_tree(result)
    short = IMPORTED_CANARY[:20]
    with pytest.raises(ConfigError) as caught:
        synthesize(secret_overrides={"jwtSecretKey": short}, overrides={"databasePort": "70000"})
    assert short not in str(caught.value)


def test_cli_default_output_never_prints_what_show_secrets_reveals(cli_render):
    def run(*args, render=cli_render):
        done = render(*args)
        assert done.returncode == 0, done.stderr
        return done.stdout

    # Made here, not shared: only this test reads the revealed values, kept in no file.
    revealed = json.loads(run("--json", "--show-secrets", render=run_synth))
    app = next(
        r
        for r in revealed["resources"]
        if r["type"] == "aws:secretsmanager/secretVersion:SecretVersion"
        and r["name"].endswith("app-secrets")
    )
    values = json.loads(app["inputs"]["secretString"])
    default_text, default_json = run(), run("--json")
    for key in ("jwt_secret_key", "jwt_secret_key_previous"):
        assert values[key] not in default_text
        assert values[key] not in default_json
