"""The tables of docs/ generated from what they document, so prose never holds a second copy:

    config-table       settings/declarations.py      docs/configuration.md
    outputs-table      outputs_contract.py           docs/outputs.md
    alarms             stack_model/alarms.py         docs/monitoring.md
    cli-exit-codes     manage_secrets/errors.py      docs/operations-cli.md
    synth-exit-codes   tools/synth.py                docs/development.md

Each sits between `<!-- generated: NAME ... -->` and `<!-- end: NAME -->`.

    python -m tools.docs_tables --write   # rewrite the tables
    python -m tools.docs_tables --check   # exit 1 naming each stale file (the tests run this)
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
BLOCK = re.compile(
    r"<!-- generated: (?P<name>[a-z-]+) \(python -m tools.docs_tables --write\) -->\n"
    r".*?<!-- end: (?P=name) -->",
    re.S,
)
CONFIG_TYPES = {"string": "string", "integer": "integer", "boolean": "boolean"}


def _table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def config_table() -> str:
    from settings.declarations import CONFIG_KEYS

    def default(key) -> str:
        if key.required:
            return "(none, required)"
        if key.default == "":
            return '`""` (none)'
        return f"`{json.dumps(key.default)}`"

    rows = [
        (
            "`aws:region`",
            "string",
            "(none)",
            "a region botocore's partition data knows, e.g. `us-east-1`",
        )
    ]
    for key in CONFIG_KEYS:
        kind = ("secret " if key.secret else "") + CONFIG_TYPES.get(key.type, "list of strings")
        rows.append((f"`{key.name}`", kind, default(key), key.accepted))
    return _table(("key", "type", "default", "accepted"), rows)


def outputs_table() -> str:
    from outputs_contract import CONTRACT

    rows = [(f"`{o.name}`", o.type, "yes" if o.secret else "no", o.meaning) for o in CONTRACT]
    return _table(("output", "type", "secret", "meaning"), rows)


def alarms() -> str:
    from stack_model.alarms import ALARMS

    sections = []
    for alarm in ALARMS:
        checks = "\n".join(f"{n}. {check}" for n, check in enumerate(alarm.checks, 1))
        trail = "" if alarm.needs_trail else " Needs no CloudTrail log group."
        sections.append(
            f"### {alarm.signal}\n\n"
            f"Alarm `<app>-<stack>-secrets-{alarm.signal}`. {alarm.watches}{trail} "
            f"Cost per month: {alarm.cost}.\n\nCheck first:\n\n{checks}"
        )
    return "\n\n".join(sections)


def cli_exit_codes() -> str:
    from manage_secrets.errors import EXIT_CODES

    return _table(("exit code", "meaning"), [(str(code), text) for code, text in EXIT_CODES])


def synth_exit_codes() -> str:
    from tools.synth import SYNTH_EXIT_CODES

    return _table(("exit code", "meaning"), [(str(code), text) for code, text in SYNTH_EXIT_CODES])


GENERATORS: dict[str, Callable[[], str]] = {
    "config-table": config_table,
    "outputs-table": outputs_table,
    "alarms": alarms,
    "cli-exit-codes": cli_exit_codes,
    "synth-exit-codes": synth_exit_codes,
}


class UnknownBlock(Exception):
    pass


def rendered(text: str) -> str:
    def block(match: re.Match) -> str:
        name = match["name"]
        if name not in GENERATORS:
            raise UnknownBlock(name)
        return (
            f"<!-- generated: {name} (python -m tools.docs_tables --write) -->\n"
            f"{GENERATORS[name]()}\n<!-- end: {name} -->"
        )

    return BLOCK.sub(block, text)


def blocks_in(text: str) -> list[str]:
    return [match["name"] for match in BLOCK.finditer(text)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.docs_tables")
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--write", action="store_true")
    mode.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)
    stale = []
    for path in sorted(DOCS.glob("*.md")):
        text = path.read_text()
        try:
            wanted = rendered(text)
        except UnknownBlock as error:
            print(f"{path.name}: no generator for the block `{error}`", file=sys.stderr)
            return 1
        if wanted != text:
            stale.append(path)
            if args.write:
                path.write_text(wanted)
    if args.check:
        for path in stale:
            print(
                f"docs/{path.name} is stale: run `python -m tools.docs_tables --write`",
                file=sys.stderr,
            )
        return 1 if stale else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
