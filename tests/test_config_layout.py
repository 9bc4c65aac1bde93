"""The config layout as the real Pulumi CLI reads it (through the port in harness/pulumi_cli):
every project file loads, every declared key is found by the CLI's path lookup and read the
same way by the program, the old dotted layout is refused with the CLI's own messages, and keys
the project does not declare are errors that name the key to use."""

from __future__ import annotations

import shutil

import pytest
from conftest import ROOT, run_synth, synth
from engine_tier import real_project_schema

from harness.pulumi_cli import yaml_v3
from harness.pulumi_cli.config_values import map_get, parse_key
from harness.pulumi_cli.project_schema import PORTED_SCHEMA
from harness.pulumi_cli.stack_config import Crypter, StackConfigError, merge_and_validate
from harness.pulumi_cli.workspace import (
    load_policy_pack,
    load_project,
    load_project_stack,
    validate_project_file,
)
from harness.stack_loading import load_stack_config
from harness.synth import synthesize
from settings import CONFIG_KEYS, ConfigError
from settings.schema import Reader

DOTTED = ROOT / "tests" / "fixtures" / "dotted_layout"
PROGRAMS = [ROOT, ROOT / "examples" / "database", ROOT / "examples" / "service"]
STACK_FILES = [path for program in PROGRAMS for path in sorted(program.glob("Pulumi.*.yaml"))]


@pytest.mark.parametrize("stack_file", STACK_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_stack_file_passes_the_clis_validation(stack_file):
    project = load_project(stack_file.parent / "Pulumi.yaml")
    stack = load_project_stack(project, stack_file)
    assert stack.warnings == []
    merge_and_validate(stack_file.name[7:-5], project, stack.config, Crypter().decrypt)


def test_the_policy_pack_project_loads_as_the_cli_loads_it():
    assert load_policy_pack(ROOT / "policy" / "PulumiPolicy.yaml") == "python"


@pytest.mark.parametrize("program", PROGRAMS, ids=lambda p: str(p.relative_to(ROOT)) or "root")
def test_project_files_match_the_ported_project_schema(program):
    validate_project_file(program / "Pulumi.yaml", PORTED_SCHEMA)


def test_project_files_match_the_real_project_schema():
    """The schema the pinned CLI embeds (make engine copies it); required where the engine tier
    is (make test, CI)."""
    real = real_project_schema()
    for program in PROGRAMS:
        validate_project_file(program / "Pulumi.yaml", real)


@pytest.mark.parametrize("stack", ["production", "staging"])
def test_every_key_a_stack_sets_is_found_by_the_cli_and_read_alike_by_the_program(stack):
    stack_file = ROOT / f"Pulumi.{stack}.yaml"
    written = yaml_v3.load(stack_file.read_bytes())["config"]
    project = load_project(ROOT / "Pulumi.yaml")
    config = load_project_stack(project, stack_file).config
    handed = load_stack_config(stack)
    reader = Reader(project.name, lambda k: handed.values.get(f"{project.name}:{k}"), bool)
    ours = {key: value for key, value in written.items() if key.startswith(f"{project.name}:")}
    assert ours, "the stack sets keys of its own"
    for full, raw in ours.items():
        name = full.split(":", 1)[1]
        assert name in project.config, f"{full} is not declared in Pulumi.yaml"
        by_path, found = map_get(config, parse_key(full), True)
        flat, _ = map_get(config, parse_key(full), False)
        assert found and by_path == flat, full
        assert reader.value(name) == raw, full
    assert reader.problems == []


def test_declared_keys_are_flat_so_the_clis_path_lookup_is_the_key_itself():
    for key in CONFIG_KEYS:
        assert key.name.isalnum() and key.name[0].islower(), key.name


def cli_refusal(program) -> str:
    project = load_project(program / "Pulumi.yaml")
    stack = load_project_stack(project, program / "Pulumi.production.yaml")
    with pytest.raises(StackConfigError) as caught:
        merge_and_validate("production", project, stack.config, Crypter().decrypt)
    return str(caught.value)


def test_the_dotted_layout_is_refused_with_the_clis_message():
    assert cli_refusal(DOTTED) == (
        "Stack 'production' is missing configuration values 'container.image' and 'database.host'"
    )


def test_the_dotted_layout_with_nested_values_still_fails_on_the_typed_secret(tmp_path):
    # Satisfying the lookup with objects (`pulumi config set --path`) only moves the failure:
    # the typed secret's empty default is applied as plain text, then refused.
    shutil.copy(DOTTED / "Pulumi.yaml", tmp_path / "Pulumi.yaml")
    stack_text = (DOTTED / "Pulumi.production.yaml").read_text() + (
        "  programador-musical:database:\n    host: db.example.com\n"
        "  programador-musical:container:\n    image: registry.example.com/app:1\n"
    )
    (tmp_path / "Pulumi.production.yaml").write_text(stack_text)
    assert cli_refusal(tmp_path) == (
        "Stack 'production' with configuration key 'jwt.secretKey' must be encrypted as it's secret"
    )


def test_synth_of_a_dotted_stack_file_prints_the_clis_message_and_the_new_names(tmp_path):
    shutil.copy(ROOT / "Pulumi.yaml", tmp_path / "Pulumi.yaml")
    shutil.copy(ROOT / "__main__.py", tmp_path / "__main__.py")
    shutil.copy(DOTTED / "Pulumi.production.yaml", tmp_path / "Pulumi.production.yaml")
    done = run_synth("--program", str(tmp_path))
    assert done.returncode == 2, done.stderr
    lines = done.stderr.splitlines()
    assert lines[0] == (
        "error: validating stack config: Stack 'production' is missing configuration values "
        "'containerImage' and 'databaseHost'"
    )
    assert (
        "hint: `programador-musical:database.host` is set but Pulumi.yaml does not declare it; "
        "rename it to `programador-musical:databaseHost`" in lines
    )
    assert "Traceback" not in done.stderr


def test_a_dotted_optional_key_the_cli_lets_through_is_named_by_the_program():
    with pytest.raises(ConfigError) as caught:
        synth(**{"logs.retentionInDays": "90", "monitoring.createTrail": "false"})
    found = {problem.key: str(problem) for problem in caught.value.problems}
    assert set(found) == {"logs.retentionInDays", "monitoring.createTrail"}
    assert "rename `programador-musical:logs.retentionInDays` to " in found["logs.retentionInDays"]
    assert "`programador-musical:logsRetentionInDays`" in found["logs.retentionInDays"]


@pytest.mark.parametrize(
    ("typo", "meant"),
    [("databse.port", "databasePort"), ("DatabasePort", "databasePort"), ("alarmEmail", None)],
)
def test_an_undeclared_key_is_an_error_naming_the_closest_valid_key(typo, meant):
    with pytest.raises(ConfigError) as caught:
        synthesize(overrides={typo: "5432"})
    (problem,) = caught.value.problems
    assert problem.key == typo
    assert problem.shown_value == "'5432'"
    if meant:
        assert f"did you mean `{meant}`?" in problem.accepted
    else:
        assert "did you mean" not in problem.accepted
    assert f"pulumi config rm {typo}" in problem.accepted


def test_an_undeclared_key_set_as_a_secret_is_named_without_its_value():
    with pytest.raises(ConfigError) as caught:
        synthesize(secret_overrides={"jwt.secretKey": "x" * 40})
    assert "x" * 40 not in str(caught.value)
    assert "jwt.secretKey = [secret]" in str(caught.value)
    assert "`programador-musical:jwtSecretKey`" in str(caught.value)


def test_a_document_read_twice_is_read_afresh_whatever_the_first_reader_changed():
    """yaml_v3.load caches parses by text; each caller still gets its own document."""
    text = "config:\n  programador-musical:tags:\n    - Team=ops\n"
    first = yaml_v3.load(text)
    first["config"]["programador-musical:tags"].append("changed")
    first["added"] = True
    assert yaml_v3.load(text.encode()) == {"config": {"programador-musical:tags": ["Team=ops"]}}
