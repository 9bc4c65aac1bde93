"""The port of the CLI's config rules (harness/pulumi_cli) held to the real CLI: for the ported
Pulumi test cases, the hostile stack files and the hostile `pulumi config set` values, both
accept or both refuse, with the same message.

The CLI validates a stack's config in `pulumi preview` before it runs anything; here the program
is an empty one, served by the SDK's language server for every case, so a case costs one CLI
start. The port answers through harness.stack_loading, as the synth loads a stack."""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from concurrent import futures
from dataclasses import dataclass
from pathlib import Path

import grpc
import pytest
from test_hostile_input import BROKEN_FILES, MINIMAL_STACK, WRONG_YAML_TYPES

from engine import layout
from engine.session import PASSPHRASE
from harness.pulumi_cli.config_commands import ConfigCommandError, run
from harness.pulumi_cli.workspace import WorkspaceError
from harness.sdk_internals import language_server
from harness.stack_loading import StackRefused, load_stack_config
from harness.synth import ROOT

pytestmark = [pytest.mark.engine, pytest.mark.heavy(seconds=20)]


@dataclass(frozen=True)
class Case:
    id: str
    project: str
    stack: str | None  # None: an empty stack file (the case is about the project file)
    commands: tuple[tuple[str, ...], ...] = ()  # `pulumi config ...` before the preview

    @property
    def validated(self) -> bool:
        """Whether a preview judges the case: `pulumi config` commands on a project that
        declares no config are judged by the commands and the file they leave alone."""
        return not self.commands or self.project != TEST_PROJECT


TEST_PROJECT = "name: test\nruntime: python\n"
OUR_PROJECT = (ROOT / "Pulumi.yaml").read_text()

# sdk/go/common/workspace/project_test.go and pkg/workspace/config_project_test.go, as the port's
# own tests take them (tests/test_pulumi_cli_config.py), with a Python runtime for the CLI.
PULUMI_CASES = [
    Case("untyped-not-validated", TEST_PROJECT + "config:\n  instanceSize: t3.micro\n"
         "  aws:region: us-west-1", "config:\n  instanceSize: 9999\n  aws:region: 42"),
    Case("only-default-or-value", TEST_PROJECT + "config:\n  instanceSize:\n    default: t3.micro"
         "\n  region:\n    value: us-west-1", "config:\n  aws:answer: 42"),
    Case("array-not-correctly-typed", TEST_PROJECT + "config:\n  values:\n    type: array\n"
         "    items:\n      type: string\n    default: [value]", "config:\n  test:values: someValue\n"),
    Case("integer-hello", TEST_PROJECT + "config:\n  importantNumber:\n    type: integer\n",
         "config:\n  test:importantNumber: hello\n"),
    Case("integer-20", TEST_PROJECT + "config:\n  importantNumber:\n    type: integer\n",
         "config:\n  test:importantNumber: 20\n"),
    Case("missing-one", TEST_PROJECT + "config:\n  values:\n    type: array\n    items:\n"
         "      type: string", ""),
    Case("missing-three", TEST_PROJECT + "config:\n  hello:\n    type: integer\n  values:\n"
         "    type: array\n    items:\n      type: string\n  world:\n    type: string", ""),
    Case("undeclared-stack-values", TEST_PROJECT, "config:\n  hello: 21\n  world: 42"),
    Case("secret-in-plaintext", TEST_PROJECT + "config:\n  importantNumber:\n    type: integer\n"
         "    secret: true\n", "config:\n  test:importantNumber: 20\n"),
    Case("uint64", TEST_PROJECT, "config:\n  test:instanceSize: 18446744073709551615"),
    Case("missing-name", "runtime: python\n", None),
    Case("default-of-wrong-type", TEST_PROJECT + "config:\n  instanceSize:\n    type: integer\n"
         "    default: hello\n", None),
    Case("namespaced-typed", TEST_PROJECT + "config:\n  aws:region:\n    type: string\n"
         "    value:\n      region: us-west-1\n", None),
    Case("default-and-value", TEST_PROJECT + "config:\n  instanceSize:\n    type: string\n"
         "    default: t3.micro\n    value: t4.large\n", None),
    Case("array-without-items", TEST_PROJECT + "config:\n  instanceSize:\n    type: array\n"
         "    default: [t3.micro, t4.large]\n", None),
    Case("namespaced-default", TEST_PROJECT + "config:\n  aws:region:\n    default: us-west-1\n",
         None),
    Case("config-and-stack-config-dir", TEST_PROJECT + "config: ./some/path\n"
         "stackConfigDir: ./some/other/path", None),
]  # fmt: skip
# This project's declarations with the hostile stack files (tests/test_hostile_input.py).
HOSTILE_FILES = [
    Case(f"wrong-type-{key}-{index}", OUR_PROJECT, MINIMAL_STACK + "  " + line + "\n")
    for index, (line, key, _, _) in enumerate(WRONG_YAML_TYPES)
] + [
    Case(f"broken-file-{index}", OUR_PROJECT, text)
    for index, (text, _, _) in enumerate(BROKEN_FILES)
    if "\udcff" not in text  # not writable as text: the port's own test writes the bytes
]
# Values a hurried user types into `pulumi config set`.
SET_VALUES = [
    ("databaseHost", "db.example.com\n"),
    ("databaseName", "select"),
    ("tags", "Team=platform"),
    ("databasePort", "5432.0"),
    ("containerCpu", "1024"),
    ("protect", "yes"),
    ("jwtKeyGeneration", "9" * 30),
    ("appName", "no"),
]
HOSTILE_SETS = [
    Case(f"set-{key}-{index}", OUR_PROJECT, MINIMAL_STACK, (("config", "set", key, value),))
    for index, (key, value) in enumerate(SET_VALUES)
] + [
    Case("set-list-as-path", OUR_PROJECT, MINIMAL_STACK,
         (("config", "set", "--path", "tags[0]", "Team=platform"),)),
    Case("set-secret-and-plaintext", OUR_PROJECT, MINIMAL_STACK,
         (("config", "set", "--secret", "--plaintext", "rotationJwt", "x"),)),
]  # fmt: skip


def _stack_yaml(config: dict) -> str:
    """A stack file holding a map_test.go starting map (strings quoted, objects as YAML)."""
    lines = ["config:"]
    for key, value in config.items():
        text = value["text"] if not value["object"] else json.loads(value["text"])
        lines.append(f"  {json.dumps(key)}: {json.dumps(text)}")
    return "\n".join(lines) + "\n" if config else ""


def _map_cases() -> list[Case]:
    """sdk/go/common/resource/config/map_test.go's Set and Remove tables (the port's own
    tests/pulumi_cases/config_map.json), as `pulumi config set|rm [--path]` on a stack file;
    secure values are left out (another provider's ciphertext)."""
    tables = json.loads((ROOT / "tests" / "pulumi_cases" / "config_map.json").read_text())
    cases = []
    for table in ("TestSetSuccess", "TestSetFail", "TestRemoveSuccess", "TestRemoveFail"):
        for index, case in enumerate(tables[table]):
            values = list((case.get("config") or {}).values()) + [case.get("value") or {}]
            if any(v.get("secure") for v in values) or (case.get("value") or {}).get("object"):
                continue
            path = ("--path",) if case["path"] else ()
            if table.startswith("TestSet"):
                text = (case.get("value") or {}).get("text", "value")
                command = ("config", "set", *path, case["key"], text)
            else:
                command = ("config", "rm", *path, case["key"])
            stack = _stack_yaml(case.get("config") or {})
            cases.append(Case(f"{table}-{index}", TEST_PROJECT, stack, (command,)))
    return cases


CASES = PULUMI_CASES + HOSTILE_FILES + HOSTILE_SETS + _map_cases()


@pytest.fixture(scope="module")
def empty_program():
    """One language server for every case: a program that declares nothing."""
    servicer, options = language_server(lambda: None)
    from pulumi.runtime.proto import language_pb2_grpc

    server = grpc.server(futures.ThreadPoolExecutor(max_workers=2), options=options)
    language_pb2_grpc.add_LanguageRuntimeServicer_to_server(servicer, server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    yield f"127.0.0.1:{port}"
    server.stop(0)


def _write(folder: Path, case: Case) -> None:
    folder.mkdir(parents=True)
    (folder / "Pulumi.yaml").write_text(case.project)
    (folder / "Pulumi.dev.yaml").write_text(case.stack or "")


def _shown(message: str, folder: Path) -> str:
    return message.replace(str(folder), "<project>")


@dataclass(frozen=True)
class Cli:
    """The real CLI on one backend where stack `dev` of each project name exists already: a
    case then costs its own commands and one preview."""

    root: Path
    client: str

    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "PULUMI_HOME": str(self.root / "home"),
            "PULUMI_BACKEND_URL": f"file://{self.root / 'state'}",
            "PULUMI_CONFIG_PASSPHRASE": PASSPHRASE,
            "PULUMI_SKIP_UPDATE_CHECK": "true",
            "NO_COLOR": "1",
        }

    def pulumi(self, folder: Path, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run([str(layout.CLI), *args], cwd=folder, env=self.env(),
                              capture_output=True, text=True, timeout=120, check=False)  # fmt: skip

    def outcome(self, folder: Path, case: Case) -> str:
        """'ok' and the stack file the commands left, or the CLI's first error line."""
        written = None
        checks = [(*c, "--stack", "dev") for c in case.commands]
        if case.validated:
            checks.append(("preview", "--stack", "dev", f"--client={self.client}"))
        for args in checks:
            done = self.pulumi(folder, *args)
            if done.returncode != 0:
                lines = (done.stderr + done.stdout).splitlines()
                errors = [line.split("error: ", 1)[1].strip() for line in lines if "error:" in line]
                return _shown(errors[0] if errors else f"exit {done.returncode}", folder)
            if args[0] == "config":
                # The preview writes the stack file again (the passphrase's salt), as it would.
                written = _ok(folder)
        return written or "ok"


@pytest.fixture(scope="module")
def cli(tmp_path_factory, empty_program) -> Cli:
    root = tmp_path_factory.mktemp("cli")
    (root / "state").mkdir()
    made = Cli(root, empty_program)
    for name in {TEST_PROJECT, OUR_PROJECT}:
        folder = Path(tempfile.mkdtemp(dir=root))
        (folder / "Pulumi.yaml").write_text(name)
        assert made.pulumi(folder, "stack", "init", "dev").returncode == 0
    return made


def _ok(folder: Path) -> str:
    """Accepted, and what the stack file holds after the commands (as yaml.v3 reads it)."""
    from harness.pulumi_cli import yaml_v3

    document = yaml_v3.load((folder / "Pulumi.dev.yaml").read_bytes()) or {}
    return "ok " + json.dumps(document.get("config") or {}, sort_keys=True)


def _port(folder: Path, case: Case) -> str:
    """'ok', or the port's message, as the CLI words it."""
    try:
        for args in case.commands:
            run(["pulumi", *args], folder, default_stack="dev")
        if case.validated:
            load_stack_config("dev", program_dir=folder)
    except (StackRefused, WorkspaceError, ConfigCommandError) as error:
        return _shown(str(error).split("\n")[0], folder)
    return _ok(folder) if case.commands else "ok"


def test_the_port_and_the_cli_agree_on_every_case(tmp_path, cli):
    def compare(case: Case) -> str | None:
        cli_folder, port_folder = tmp_path / "cli" / case.id, tmp_path / "port" / case.id
        _write(cli_folder, case)
        _write(port_folder, case)
        found, ported = cli.outcome(cli_folder, case), _port(port_folder, case)
        return None if found == ported else f"{case.id}:\n    cli:  {found}\n    port: {ported}"

    with futures.ThreadPoolExecutor(max_workers=4) as pool:
        disagreements = [d for d in pool.map(compare, CASES) if d]
    assert len(CASES) > 100
    assert disagreements == [], "\n".join(disagreements)
