"""Every `pulumi config` command line the README, the docs and the operations CLI's messages give, replayed
with the CLI's own semantics onto a copy of the stack: the CLI accepts the result and the program
reads the intended value. (The commands the operations CLI runs are replayed in
test_manage_secrets.py, from what its stub `pulumi` recorded.)"""

from __future__ import annotations

import re

import pytest
from config_replay import apply, program_reads, project_copy
from conftest import ROOT, synth

from harness.pulumi_cli.config_commands import ConfigCommandError
from harness.stack_loading import StackRefused
from harness.synth import synthesize

IMPORTED_KEY = "imported-jwt-key-0123456789abcdefghijklmnop"
# Placeholders the docs use, and what a user would type for them.
TYPED_FOR = {
    '"$(date +%F)"': "2026-12-01",
    "<address>": "db-new.c8x2kd1qpt0z.us-east-1.rds.amazonaws.com",
    "<current + 1>": "1",
    "<master secret ARN>": "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-3f8c2a7e-4b1d-4e0f-9a6c-1d2e3f4a5b6c-Ab12Cd",
}
# The value the program must then read, per command (as the docs mean it).
INTENDED = {
    "pulumi config set containerImage 123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1.4.2": (
        "containerImage",
        "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1.4.2",
    ),
    "pulumi config set --path 'tags[2]' Owner=platform": (
        "tags",
        ["Team=platform", "CostCenter=programador-musical", "Owner=platform"],
    ),
    "pulumi config set jwtKeyGeneration <current + 1>": ("jwtKeyGeneration", 1),
    'pulumi config set rotationDatabase "$(date +%F)"': ("rotationDatabase", "2026-12-01"),
    "pulumi config set --secret jwtSecretKey": ("jwtSecretKey", IMPORTED_KEY),
    "pulumi config set databaseHost <address>": ("databaseHost", TYPED_FOR["<address>"]),
    "pulumi config set protect false": ("protect", False),
    "pulumi config rm secretsAdministratorRoleArn": ("secretsAdministratorRoleArn", ""),
    "pulumi config set --plaintext rotationMasterSecretArn <master secret ARN>": (
        "rotationMasterSecretArn",
        TYPED_FOR["<master secret ARN>"],
    ),
}
DOCUMENTS = [
    ROOT / "README.md",
    *sorted((ROOT / "docs").glob("*.md")),
    *sorted((ROOT / "manage_secrets").glob("*.py")),
]


def documented_commands() -> list[str]:
    """Every `pulumi config set|rm <key> ...` in the README and docs (inline code or code blocks) and in
    the operations CLI's messages."""
    pattern = r"pulumi config (?:set|rm) [^`\n#|\"]*(?:\"\$\(date \+%F\)\")?"
    found = [c for path in DOCUMENTS for c in re.findall(pattern, path.read_text())]
    # A mention of a flag in prose ("`pulumi config set --secret` does") names no key.
    return sorted({c.strip() for c in found if any(not w.startswith("-") for w in c.split()[3:])})


def test_every_documented_command_is_covered_here():
    assert documented_commands() == sorted(INTENDED)


@pytest.mark.parametrize("command", sorted(INTENDED))
def test_readme_command_makes_the_program_read_the_intended_value(tmp_path, command):
    program = project_copy(tmp_path)
    key, intended = INTENDED[command]
    line = command
    for placeholder, typed in TYPED_FOR.items():
        line = line.replace(placeholder, typed)
    if " rm " in line:
        apply(program, "pulumi config set --secret jwtSecretKey", stdin=IMPORTED_KEY + "\n")
    apply(program, line, stdin=IMPORTED_KEY + "\n" if "--secret" in line else None)
    value, secret = program_reads(program, key)
    assert value == intended
    assert secret == (intended == IMPORTED_KEY)


def test_imported_jwt_key_set_with_secret_passes_the_cli_and_is_really_imported(tmp_path):
    program = project_copy(tmp_path)
    apply(program, "pulumi config set --secret jwtSecretKey", stdin=IMPORTED_KEY + "\n")
    result = synthesize("production", program_dir=program, show_secrets=True)
    version = result.version_of("programador-musical-production-app-secrets")
    assert f'"jwt_secret_key": "{IMPORTED_KEY}"' in version["inputs"]["secretString"]
    # The imported key fills the current slot instead of its generator.
    generated = result.resources_of("random:index/randomBytes:RandomBytes")
    assert sorted(r["name"] for r in generated) == [
        "application-secrets-jwt-key-slot-1",
        "application-secrets-jwt-key-slot-2",
    ]
    stack_file = (program / "Pulumi.production.yaml").read_text()
    assert IMPORTED_KEY not in stack_file and "secure:" in stack_file


def test_unset_optional_secret_passes_the_cli(tmp_path):
    program = project_copy(tmp_path)
    assert program_reads(program, "jwtSecretKey") == ("", False)
    assert synth().resources_of("random:index/randomBytes:RandomBytes")


def test_imported_jwt_key_set_in_plain_text_is_refused_without_echoing_it(tmp_path):
    from settings import ConfigError

    program = project_copy(tmp_path)
    apply(program, ["pulumi", "config", "set", "jwtSecretKey", IMPORTED_KEY])
    with pytest.raises(ConfigError) as caught:
        synthesize("production", program_dir=program)
    assert "jwtSecretKey = [secret]" in str(caught.value)
    assert "--secret" in str(caught.value)
    assert IMPORTED_KEY not in str(caught.value)


def test_a_list_set_as_one_string_is_refused_by_the_cli_as_pulumi_would(tmp_path):
    program = project_copy(tmp_path)
    apply(program, ["pulumi", "config", "set", "tags", '["Team=a"]'])
    with pytest.raises(StackRefused, match="key 'tags' must be of type 'array<string>'"):
        synthesize("production", program_dir=program)


def test_mutually_exclusive_flags_are_refused_like_the_cli(tmp_path):
    program = project_copy(tmp_path)
    before = (program / "Pulumi.production.yaml").read_text()
    with pytest.raises(ConfigCommandError, match="none of the others can be"):
        apply(program, "pulumi config set --secret --plaintext rotationJwt x")
    assert (program / "Pulumi.production.yaml").read_text() == before
