"""The harness's port of the CLI's project loading and stack config validation against
Pulumi's own test cases: pulumi/pulumi pkg/workspace/config_project_test.go and
sdk/go/common/workspace/project_test.go (commit 1b5949891b3c), one test each, same inputs and
expected messages. Go's NewPanicCrypter stands for "nothing is encrypted"; Base64Crypter is
ported as BASE64_CRYPTER.

Every test runs twice: with the port's project schema, and with the schema the pinned CLI
embeds (tests/engine_tier.py, real_project_schema), so the port answers as the real one does."""

from __future__ import annotations

import base64

import pytest
from engine_tier import real_project_schema

from harness.pulumi_cli import workspace
from harness.pulumi_cli.config_values import map_get, parse_key, secure_keys
from harness.pulumi_cli.project_schema import PORTED_SCHEMA
from harness.pulumi_cli.stack_config import (
    BASE64_CRYPTER,
    StackConfigError,
    merge_and_validate,
    program_config,
)
from harness.pulumi_cli.workspace import WorkspaceError, load_project, load_project_stack


def _panic(ciphertext: str) -> str:
    raise AssertionError("nothing in this case is encrypted")


@pytest.fixture(autouse=True, params=["ported schema", "real schema"])
def project_schema(request, monkeypatch) -> None:
    chosen = PORTED_SCHEMA if request.param == "ported schema" else real_project_schema()
    monkeypatch.setattr(workspace, "schema", lambda: chosen)


def load(tmp_path, project_yaml: str, stack_yaml: str | None = None, crypter=None):
    (tmp_path / "Pulumi.yaml").write_text(project_yaml)
    project = load_project(tmp_path / "Pulumi.yaml")
    if stack_yaml is None:
        return project, None
    (tmp_path / "Pulumi.dev.yaml").write_text(stack_yaml)
    stack = load_project_stack(project, tmp_path / "Pulumi.dev.yaml")
    decrypt = crypter.decrypt if crypter else _panic
    return project, (stack, lambda: merge_and_validate("dev", project, stack.config, decrypt))


def value(stack, key: str) -> str:
    found, ok = map_get(stack.config, parse_key(key), False)
    assert ok, key
    return found.text


# --- pkg/workspace/config_project_test.go ----------------------------------------------------


def test_stack_config_is_inherited_from_project_config(tmp_path):
    _, (stack, validate) = load(
        tmp_path,
        "name: test\nruntime: dotnet\nconfig:\n  instanceSize: t3.micro\n  instanceCount: 20\n"
        "  protect: true",
        "config:\n  test:instanceSize: t4.large",
    )
    validate()
    assert len(stack.config) == 3
    assert value(stack, "test:instanceSize") == "t4.large"
    assert value(stack, "test:instanceCount") == "20"
    assert value(stack, "test:protect") == "true"


def test_namespaced_config_values_are_inherited_correctly(tmp_path):
    _, (stack, validate) = load(
        tmp_path,
        "name: test\nruntime: dotnet\nconfig:\n  aws:region: us-west-1\n"
        '  pulumi:disable-default-providers: ["*"]\n  instanceSize: t3.micro',
        "config:\n  test:instanceSize: t4.large",
    )
    validate()
    assert len(stack.config) == 3
    assert value(stack, "test:instanceSize") == "t4.large"
    assert value(stack, "aws:region") == "us-west-1"
    assert value(stack, "pulumi:disable-default-providers") == '["*"]'


def test_loading_stack_config_without_namespacing_the_project(tmp_path):
    _, (stack, validate) = load(
        tmp_path,
        "name: test\nruntime: dotnet\nconfig:\n  aws:region: us-west-1\n  instanceSize: t3.micro",
        "config:\n  instanceSize: t4.large",
    )
    validate()
    assert len(stack.config) == 2
    assert value(stack, "test:instanceSize") == "t4.large"
    assert value(stack, "aws:region") == "us-west-1"


def test_untyped_project_config_values_are_not_validated(tmp_path):
    _, (stack, validate) = load(
        tmp_path,
        "name: test\nruntime: dotnet\nconfig:\n  instanceSize: t3.micro\n  aws:region: us-west-1",
        "config:\n  instanceSize: 9999\n  aws:region: 42",
    )
    validate()
    assert value(stack, "test:instanceSize") == "9999"
    assert value(stack, "aws:region") == "42"


def test_untyped_project_config_values_with_only_default_or_only_value(tmp_path):
    _, (stack, validate) = load(
        tmp_path,
        "name: test\nruntime: dotnet\nconfig:\n  instanceSize:\n    default: t3.micro\n"
        "  region:\n    value: us-west-1",
        "config:\n  aws:answer: 42",
    )
    validate()
    assert len(stack.config) == 3
    assert value(stack, "test:instanceSize") == "t3.micro"
    assert value(stack, "test:region") == "us-west-1"
    assert value(stack, "aws:answer") == "42"


def test_untyped_stack_config_values_do_need_project_declaration(tmp_path):
    _, (stack, validate) = load(
        tmp_path,
        "name: test\nruntime: dotnet\nconfig:\n  createVpc: true",
        "config:\n  instanceSize: 42",
    )
    validate()
    assert len(stack.config) == 2
    assert value(stack, "test:instanceSize") == "42"
    assert value(stack, "test:createVpc") == "true"


def test_untyped_project_config_object_values_passed_down_to_stack(tmp_path):
    _, (stack, validate) = load(
        tmp_path,
        "name: test\nruntime: dotnet\nconfig:\n  instanceSize:\n    value:\n      hello: world\n"
        "  aws:config:\n    value:\n      region: us-west-1",
        "config:\n  aws:whatever: 42",
    )
    validate()
    assert len(stack.config) == 3
    assert value(stack, "test:instanceSize") == '{"hello":"world"}'
    assert value(stack, "aws:config") == '{"region":"us-west-1"}'
    assert value(stack, "aws:whatever") == "42"


def test_stack_config_errors_when_stack_value_is_not_correctly_typed(tmp_path):
    _, (_, validate) = load(
        tmp_path,
        "name: test\nruntime: dotnet\nconfig:\n  values:\n    type: array\n    items:\n"
        "      type: string\n    default: [value]",
        "config:\n  test:values: someValue\n",
    )
    with pytest.raises(StackConfigError, match=r"must be of type 'array<string>'"):
        validate()


def test_stack_config_integer_type_is_correctly_validated(tmp_path):
    project = "name: test\nruntime: dotnet\nconfig:\n  importantNumber:\n    type: integer\n"
    load(tmp_path, project, "config:\n  test:importantNumber: 20\n")[1][1]()
    _, (_, validate) = load(tmp_path, project, "config:\n  test:importantNumber: hello\n")
    with pytest.raises(StackConfigError) as caught:
        validate()
    assert str(caught.value) == (
        "Stack 'dev' with configuration key 'importantNumber' must be of type 'integer'"
    )


@pytest.mark.parametrize(
    ("declarations", "message"),
    [
        (
            "  values:\n    type: array\n    items:\n      type: string",
            "Stack 'dev' is missing configuration value 'values'",
        ),
        (
            "  another:\n    type: string\n  values:\n    type: array\n    items:\n"
            "      type: string",
            "Stack 'dev' is missing configuration values 'another' and 'values'",
        ),
        (
            "  hello:\n    type: integer\n  values:\n    type: array\n    items:\n"
            "      type: string\n  world:\n    type: string",
            "Stack 'dev' is missing configuration values 'hello', 'values' and 'world'",
        ),
    ],
    ids=["one", "two", "multiple"],
)
def test_stack_config_errors_when_missing_stack_values_with_no_default(
    tmp_path, declarations, message
):
    _, (_, validate) = load(tmp_path, f"name: test\nruntime: dotnet\nconfig:\n{declarations}", "")
    with pytest.raises(StackConfigError) as caught:
        validate()
    assert str(caught.value) == message


def test_stack_config_does_not_error_when_project_has_not_defined_config(tmp_path):
    _, (_, validate) = load(
        tmp_path, "name: test\nruntime: dotnet", "config:\n  hello: 21\n  world: 42\n  another: 42"
    )
    validate()


def test_stack_config_secret_is_correctly_validated(tmp_path):
    project = (
        "name: test\nruntime: dotnet\nconfig:\n  importantNumber:\n    type: integer\n"
        "    secret: true\n"
    )
    encrypted = base64.b64encode(b"20").decode()
    valid = f"config:\n  test:importantNumber:\n    secure: {encrypted}\n"
    load(tmp_path, project, valid, BASE64_CRYPTER)[1][1]()
    _, (_, validate) = load(
        tmp_path, project, "config:\n  test:importantNumber: 20\n", BASE64_CRYPTER
    )
    with pytest.raises(StackConfigError) as caught:
        validate()
    assert str(caught.value) == (
        "Stack 'dev' with configuration key 'importantNumber' must be encrypted as it's secret"
    )


def test_stack_config_uint64(tmp_path):
    _, (stack, validate) = load(
        tmp_path,
        "name: test\nruntime: dotnet",
        "config:\n  test:instanceSize: 18446744073709551615",
    )
    validate()
    assert len(stack.config) == 1
    assert value(stack, "test:instanceSize") == "18446744073709551615"


def test_decrypted_map_and_secure_keys_as_the_program_receives_them(tmp_path):
    # TestEnvironmentMerge's stack file and expectations, without the ESC environment
    # (not ported): what Map.Decrypt and Map.SecureKeys give the language host.
    secret = base64.b64encode(b"hunter2").decode()
    _, (stack, validate) = load(
        tmp_path,
        "name: test\nruntime: nodejs",
        "config:\n  test:boolean: true\n  test:number: 42\n  test:string: foo\n  test:array:\n"
        "    - first\n    - second\n  test:object:\n    foo: bar\n    object:\n      baz: 42\n"
        f"  test:secret:\n    secure: {secret}\n",
        BASE64_CRYPTER,
    )
    validate()
    assert [str(key) for key in secure_keys(stack.config)] == ["test:secret"]
    handed = program_config(stack.config, BASE64_CRYPTER.decrypt, lambda key: "")
    assert handed.values == {
        "test:array": '["first","second"]',
        "test:boolean": "true",
        "test:number": "42",
        "test:object": '{"foo":"bar","object":{"baz":42}}',
        "test:string": "foo",
        "test:secret": "hunter2",
    }


# --- sdk/go/common/workspace/project_test.go ------------------------------------------------


def test_project_validation_for_name(tmp_path):
    with pytest.raises(WorkspaceError, match="project is missing a 'name' attribute"):
        load(tmp_path, "runtime: dotnet\n")


def test_project_validation_succeeds_for_object_config_type(tmp_path):
    load(
        tmp_path,
        "name: test\nruntime: dotnet\nconfig:\n  example:\n    type: object\n"
        "    default:\n      hello: world\n",
    )


@pytest.mark.parametrize(
    ("declaration", "message"),
    [
        (
            "  instanceSize:\n    type: integer\n    default: hello",
            "The default value specified for configuration key 'instanceSize' is not of the "
            "expected type 'integer'",
        ),
        (
            "  values:\n    type: array\n    items:\n      type: array\n      items:\n"
            "        type: string\n    default: [hello]",
            "The default value specified for configuration key 'values' is not of the expected "
            "type 'array<array<string>>'",
        ),
        (
            "  aws:region:\n    type: string\n    value:\n      region: us-west-1",
            "Configuration key 'aws:region' is not namespaced by the project and should not "
            "define a type",
        ),
        (
            "  instanceSize:\n    type: string\n    default: t3.micro\n    value: t4.large",
            "project config 'instanceSize' cannot have both a 'default' and 'value' attribute",
        ),
        (
            "  instanceSize:\n    type: array\n    default: [t3.micro, t4.large]",
            "The configuration key 'instanceSize' declares an array but does not specify the "
            "underlying type via the 'items' attribute",
        ),
        (
            "  aws:region:\n    default: us-west-1",
            "Configuration key 'aws:region' is not namespaced by the project and should not "
            "define a default value. Did you mean to use the 'value' attribute instead of "
            "'default'?",
        ),
    ],
    ids=[
        "incorrect-default-type",
        "incorrect-default-array-type",
        "namespaced-should-not-be-typed",
        "both-value-and-default",
        "array-without-items",
        "namespaced-should-not-provide-default",
    ],
)
def test_project_config_declarations_the_cli_refuses(tmp_path, declaration, message):
    with pytest.raises(WorkspaceError) as caught:
        load(tmp_path, f"name: test\nruntime: dotnet\nconfig:\n{declaration}\n")
    assert message in str(caught.value)


def test_project_validation_succeeds_for_correct_default_value_type(tmp_path):
    load(
        tmp_path,
        "name: test\nruntime: dotnet\nconfig:\n  instanceSize:\n    type: integer\n"
        "    default: 1\n  values:\n    type: array\n    items:\n      type: array\n"
        "      items:\n        type: string\n    default: [[hello]]\n",
    )


def test_loading_config_is_rewritten_to_stack_config_dir(tmp_path):
    project, _ = load(tmp_path, "name: test\nruntime: dotnet\nconfig: ./some/path")
    assert project.config == {}


def test_defining_both_config_and_stack_config_dir_errors_out(tmp_path):
    with pytest.raises(WorkspaceError, match="Should not use both config and stackConfigDir"):
        load(
            tmp_path,
            "name: test\nruntime: dotnet\nconfig: ./some/path\nstackConfigDir: ./some/other/path",
        )


def test_config_object_and_stack_config_dir_successfully_load_project(tmp_path):
    project, _ = load(
        tmp_path,
        "name: test\nruntime: dotnet\nstackConfigDir: ./some/other/path\nconfig:\n  value: hello\n",
    )
    assert len(project.config) == 1


def test_a_missing_name_attribute_is_reported(tmp_path):
    # TestProjectLoadJSONInformativeErrors, "a missing name attribute" (the first message part).
    with pytest.raises(WorkspaceError) as caught:
        load(tmp_path, '{"Name": "project", "runtime": "test"}')
    assert "project is missing a 'name' attribute" in str(caught.value)
    assert "found 'Name' instead" in str(caught.value)
