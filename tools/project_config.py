"""Renders Pulumi.yaml's `config:` block from settings.declarations, the one place each key is
declared (docs/configuration.md's table comes from the same declarations: tools/docs_tables.py).

    python -m tools.project_config --write   # rewrite Pulumi.yaml
    python -m tools.project_config --check   # exit 1 if it differs (the tests run this)
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from settings.declarations import CONFIG_KEYS, ConfigKey

ROOT = Path(__file__).resolve().parents[1]
PROJECT_FILE = ROOT / "Pulumi.yaml"
# Why an optional secret key carries no `type`: for a typed key the CLI demands encryption
# (pkg/workspace/config.go, validateStackConfigValue), and it applies a missing key's default as
# plain text (mergeConfig, createConfigValue), so a typed optional secret fails `pulumi preview`
# whenever it is unset, and a typed secret without a default is required. The program checks the
# type and that the value was set with --secret (settings/__init__.py).
UNTYPED_SECRET_NOTE = (
    "    # No `type` on purpose: the Pulumi CLI would apply the empty default as plain text\n"
    "    # and then refuse it as an unencrypted secret. The program checks it is a string set\n"
    "    # with --secret.\n"
)


def _yaml_scalar(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(_yaml_scalar(item) for item in value) + "]"
    if isinstance(value, int):
        return str(value)
    return json.dumps(value, ensure_ascii=False)


def _declaration(key: ConfigKey) -> str:
    lines = [f"  {key.name}:\n"]
    if key.secret and not key.required:
        lines.append(UNTYPED_SECRET_NOTE)
    else:
        lines.append(f"    type: {key.type}\n")
        if key.type == "array":
            lines.append("    items:\n      type: string\n")
    if key.secret:
        lines.append("    secret: true\n")
    lines.append(f"    description: {_yaml_scalar(key.description)}\n")
    if not key.required:
        lines.append(f"    default: {_yaml_scalar(key.default)}\n")
    return "".join(lines)


def config_block() -> str:
    header = (
        "# Generated from settings/declarations.py by `python -m tools.project_config --write`;\n"
        "# edit the declarations, not this block. Keys without a default are required.\n"
    )
    return header + "config:\n" + "".join(_declaration(key) for key in CONFIG_KEYS)


def project_file() -> str:
    text = PROJECT_FILE.read_text()
    start = text.index("# Generated from settings/declarations.py")
    return text[:start] + config_block()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.project_config")
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--write", action="store_true")
    mode.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)
    stale = [
        path for path, wanted in ((PROJECT_FILE, project_file()),) if path.read_text() != wanted
    ]
    if args.write:
        PROJECT_FILE.write_text(project_file())
        return 0
    for path in stale:
        print(
            f"{path.name} differs from settings/declarations.py: run "
            "`python -m tools.project_config --write`",
            file=sys.stderr,
        )
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
