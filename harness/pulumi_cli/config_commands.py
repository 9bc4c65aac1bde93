"""`pulumi config set` and `pulumi config rm` on a stack file, as the CLI runs them
(pulumi/pulumi pkg/cmd/pulumi/config/config.go: newConfigSetCmd, configSetCmd.Run,
newConfigRemoveCmd; pkg/cmd/pulumi/config/io.go: parseConfigKey), so a test can replay every
command line the docs and the operations CLI print and read what the program then sees.

Not ported: the `looksLikeSecret` entropy heuristic (it only ever refuses a plaintext value) and
remote (ESC) stack config.
"""

from __future__ import annotations

import argparse
import shlex
from pathlib import Path

import yaml

from harness.pulumi_cli import yaml_v3
from harness.pulumi_cli.config_values import (
    Ciphertext,
    ConfigMap,
    Key,
    Value,
    map_remove,
    map_set,
    namespaced_key,
    to_object,
)
from harness.pulumi_cli.stack_config import Crypter
from harness.pulumi_cli.workspace import load_project, load_project_stack

TYPES = {"": None, "string": "string", "int": "int", "bool": "bool", "float": "float"}


class ConfigCommandError(ValueError):
    """What the CLI would refuse, with its message."""


def parse_config_key(project: str, key: str, path: bool) -> Key:
    """io.go, parseConfigKey: a path's namespace comes from its first segment only."""
    if path:
        split = next((i for i, c in enumerate(key) if c in "[."), -1)
        if split > 0:
            top = parse_config_key(project, key[:split], False)
            return Key(top.namespace, top.name + key[split:])
    return namespaced_key(project, key)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="pulumi config", exit_on_error=False, add_help=False)
    parser.add_argument("verb", choices=("set", "rm"))
    parser.add_argument("--stack", "-s")
    parser.add_argument("--cwd", "-C")
    parser.add_argument("--path", action="store_true")
    parser.add_argument("--secret", action="store_true")
    parser.add_argument("--plaintext", action="store_true")
    parser.add_argument("--type", default="")
    parser.add_argument("--raw", action="store_true")
    parser.add_argument("--yes", "-y", action="store_true")
    parser.add_argument("key")
    parser.add_argument("value", nargs="?")
    return parser


FLAGS = {"--stack", "-s", "--cwd", "-C", "--path", "--secret", "--plaintext", "--type",
         "--raw", "--yes", "-y"}  # fmt: skip


def _refuse_unknown_flags(argv: list[str]) -> None:
    """spf13/pflag reads every word that starts with `-` before a `--` as flags: a negative
    number is refused as a flag (`pulumi config set key -- -1` sets it)."""
    for word in argv:
        if word == "--":
            return
        if not word.startswith("-") or word == "-" or word.split("=", 1)[0] in FLAGS:
            continue
        if word.startswith("--"):
            raise ConfigCommandError(f"unknown flag: {word.split('=', 1)[0]}")
        unknown = next((c for c in word[1:] if f"-{c}" not in FLAGS), word[1])
        raise ConfigCommandError(f"unknown shorthand flag: '{unknown}' in {word}")


def run(
    command_line: str | list[str],
    program_dir: Path,
    stdin: str | None = None,
    default_stack: str | None = None,
    crypter: Crypter | None = None,
) -> Path:
    """Applies one `pulumi config set|rm ...` line to `Pulumi.<stack>.yaml`; returns that file."""
    argv = shlex.split(command_line) if isinstance(command_line, str) else list(command_line)
    if argv[:2] != ["pulumi", "config"]:
        raise ConfigCommandError(f"not a `pulumi config` command: {argv[:3]}")
    _refuse_unknown_flags(argv[2:])
    try:
        args = _parser().parse_args(argv[2:])
    except (argparse.ArgumentError, SystemExit) as error:
        raise ConfigCommandError(f"unknown flag or argument: {error}") from None
    given = sorted(n for n, on in (("secret", args.secret), ("plaintext", args.plaintext),
                                    ("type", bool(args.type))) if on)  # fmt: skip
    if len(given) > 1:
        # cobra's MarkFlagsMutuallyExclusive, which lists the flags given in sorted order.
        raise ConfigCommandError(
            "if any flags in the group [secret plaintext type] are set none of the others can "
            f"be; [{' '.join(given)}] were all set"
        )
    stack = args.stack or default_stack
    if not stack:
        raise ConfigCommandError("no stack selected: pass --stack")
    project = load_project(program_dir / "Pulumi.yaml")
    stack_file = program_dir / f"Pulumi.{stack}.yaml"
    config = load_project_stack(project, stack_file).config
    key = parse_config_key(project.name, args.key, args.path)
    if args.verb == "rm":
        map_remove(config, key, args.path)
    else:
        map_set(config, key, _value(args, stdin, crypter or Crypter()), args.path)
    save_stack(stack_file, config)
    return stack_file


def _value(args: argparse.Namespace, stdin: str | None, crypter: Crypter) -> Value:
    value = args.value
    if value is None:
        if stdin is None:
            raise ConfigCommandError("config value must be specified in non-interactive mode")
        # cmdutil.RemoveTrailingNewline removes one trailing newline unless --raw
        value = stdin if args.raw else stdin.removesuffix("\n").removesuffix("\r")
    if args.secret:
        return Value(crypter.encrypt(value), secure=True)
    if args.type not in TYPES:
        raise ConfigCommandError(
            f'invalid type "{args.type}"; must be one of string, int, bool, or float'
        )
    return Value(value, type=TYPES[args.type])


class _GoYamlDumper(yaml.SafeDumper):
    pass


def _represent_str(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    style = '"' if yaml_v3.needs_quotes(text) else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


_GoYamlDumper.add_representer(str, _represent_str)


def _as_yaml(obj: object) -> object:
    if isinstance(obj, Ciphertext):
        return {"secure": obj.value}
    if isinstance(obj, list):
        return [_as_yaml(item) for item in obj]
    if isinstance(obj, dict):
        return {key: _as_yaml(item) for key, item in obj.items()}
    return obj


def save_stack(path: Path, config: ConfigMap) -> None:
    """Writes the stack file back (keys sorted, as yaml.v3 encodes a Go map)."""
    document = yaml_v3.load(path.read_bytes()) if path.exists() else None
    document = document if isinstance(document, dict) else {}
    document["config"] = {
        str(key): _as_yaml(to_object(value)) for key, value in sorted(config.items())
    }
    path.write_text(yaml.dump(document, Dumper=_GoYamlDumper, sort_keys=False, allow_unicode=True))
