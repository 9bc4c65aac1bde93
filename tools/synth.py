"""The offline synth and change plan's command line (the harness, harness/synth.py, does the
work): what `pulumi preview` would show, without AWS, the Pulumi CLI or credentials.

python -m tools.synth [--stack NAME] [--json] [--show-secrets] [--program DIR]
                      [--config key=value ...] [--secret key=value ...]
                      [--diff GIT_REF_OR_SAVED_JSON]
"""

from __future__ import annotations

from command_line import process_end

if __name__ == "__main__":
    # Before the heavier imports, so Ctrl-C at any point ends with one line and exit 130.
    process_end.end_on_interrupt("synth")

import argparse
import contextlib
import gc
import json
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from command_line.arguments import without_arguments
from harness import plan_base
from harness.stack_loading import ROOT, NoSuchStack, StackRefused, load_stack_config
from harness.synth import SynthResult, format_tree, synthesize

EXIT_OK = 0
EXIT_PROGRAM_FAILED = 1
EXIT_CONFIG_ERROR = 2
EXIT_NO_STACK = 3
EXIT_USAGE = 64
SYNTH_EXIT_CODES = (
    (EXIT_OK, "rendered (or the change plan printed)"),
    (EXIT_PROGRAM_FAILED, "the program failed, or the base of a change plan could not be rendered"),
    (
        EXIT_CONFIG_ERROR,
        "invalid configuration: the Pulumi CLI's refusal (with the file and line of a broken stack "
        "file) or every problem the program found, on stderr; never a value",
    ),
    (EXIT_NO_STACK, "no such stack file"),
    (EXIT_USAGE, "bad arguments (never repeated: they may hold a secret)"),
    (process_end.EXIT_INTERRUPTED, "interrupted (Ctrl-C)"),
    (process_end.EXIT_BROKEN_PIPE, "the reader went away (`... | head`)"),
)


class SynthUsageError(Exception):
    """A request the synth cannot serve (unknown stack, malformed --config)."""

    def __init__(self, message: str, exit_code: int = EXIT_USAGE):
        super().__init__(message)
        self.exit_code = exit_code


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:
        self.exit(EXIT_USAGE, f"{self.prog}: {without_arguments(message)} (see --help)\n")


def add_config_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--config",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="set a config value, as `pulumi config set KEY VALUE` would (repeatable)",
    )
    parser.add_argument(
        "--secret",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="set an encrypted config value, as `pulumi config set --secret` would (repeatable)",
    )


def parse_overrides(pairs: Sequence[str], secret: bool = False) -> dict[str, str]:
    overrides = {}
    option = "--secret" if secret else "--config"
    for number, pair in enumerate(pairs, 1):
        key, sep, value = pair.partition("=")
        if not sep or not key:
            # Never repeated: `--config jwtSecretKey:<value>` holds the value itself.
            raise SynthUsageError(
                f"{option} takes KEY=VALUE; {option} number {number} has no key before '=' "
                "(it is not repeated here: it may hold a secret)"
            )
        overrides[key] = value
    return overrides


def _digest_key(diff: str | None) -> bytes | None:
    if diff:
        return os.urandom(32)
    # Set by a change plan rendering its base in this process's harness (harness/plan_base.py).
    given = os.environ.get(plan_base.SECRET_DIGEST_VARIABLE)
    if not given:
        return None
    try:
        return bytes.fromhex(given)
    except ValueError:
        raise SynthUsageError(f"{plan_base.SECRET_DIGEST_VARIABLE} must be hexadecimal") from None


def _plan_text(base: plan_base.Base, result: SynthResult, as_json: bool) -> str:
    from harness.change_plan import format_plan, plan, plan_document

    changes = plan(base.document, result.document())
    if as_json:
        return json.dumps(plan_document(changes), indent=2)
    text = format_plan(changes, base.label, "this working tree")
    if not base.secrets_compared:
        text += "\nnote: a saved render holds no secret digests: a secret counts as changed only"
        text += "\n      when a resource it is built from is created or replaced"
    return text


def refused_input() -> tuple[type[Exception], ...]:
    """What a render refuses before running the program: bad arguments, no such stack, a stack
    or project file the Pulumi CLI would refuse, a config value the program refuses."""
    from settings import ConfigError

    return (SynthUsageError, NoSuchStack, StackRefused, ConfigError)


def report_refused(prog: str, error: Exception) -> int:
    """One line on stderr (the CLI's hints after it) and the exit code, for `refused_input()`."""
    if isinstance(error, SynthUsageError):
        print(f"{prog}: {error}", file=sys.stderr)
        return error.exit_code
    if isinstance(error, NoSuchStack):
        print(f"{prog}: {error}", file=sys.stderr)
        return EXIT_NO_STACK
    if isinstance(error, StackRefused):
        # What `pulumi preview` prints (pkg/cmd/pulumi/operations/preview.go) before it runs
        # anything; the hints are the synth's own.
        # One line: the CLI's multi-line YAML errors ("unmarshal errors:\n  line 3: ...") too.
        where = ""
        if error.location:
            path, line = error.location
            where = f" ({path.name}" + (f", line {line})" if line else ")")
        print(
            "error: " + " ".join(str(error).split("\n")).replace("  ", " ") + where,
            file=sys.stderr,
        )
        for hint in error.hints:
            print(f"hint: {hint}", file=sys.stderr)
        return EXIT_CONFIG_ERROR
    print(error, file=sys.stderr)  # ConfigError: already one line per problem, key first
    return EXIT_CONFIG_ERROR


def _render(args: argparse.Namespace, program_dir: Path, digest_key: bytes | None) -> SynthResult:
    overrides = parse_overrides(args.config)
    secret_overrides = parse_overrides(args.secret, secret=True)
    references = {}
    if program_dir != ROOT:
        # A consumer (examples/*) reads this stack through StackReference: answer it with this
        # stack's own synth of the same stack name, from any organization. The consumer's own
        # stack and project files are checked first, so one the CLI refuses costs no render.
        load_stack_config(args.stack, overrides, program_dir, secret_overrides)
        this_stack = synthesize(args.stack, show_secrets=True)
        references[f"*/{this_stack.project}/{args.stack}"] = this_stack
    return synthesize(
        args.stack,
        overrides,
        program_dir=program_dir,
        show_secrets=args.show_secrets,
        secret_overrides=secret_overrides,
        stack_references=references,
        digest_key=digest_key,
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = _Parser(
        prog="python -m tools.synth",
        description="Offline synth: runs a Pulumi program under mocks, renders what it registers.",
    )
    parser.add_argument(
        "--stack", default="production", help="stack to render (Pulumi.<stack>.yaml)"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    parser.add_argument(
        "--show-secrets", action="store_true", help="print secret values instead of [secret]"
    )
    parser.add_argument(
        "--program",
        type=Path,
        default=ROOT,
        metavar="DIR",
        help="directory of the Pulumi program (default: this project)",
    )
    parser.add_argument(
        "--diff",
        metavar="REF_OR_JSON",
        help="print the change plan from a git ref (e.g. origin/main) or a saved --json render "
        "to this render, as `pulumi preview --diff` would classify it",
    )
    add_config_argument(parser)
    args = parser.parse_args(argv)
    if args.diff and args.show_secrets:
        parser.error("--diff never shows secrets; leave out --show-secrets")

    # A failing program leaves sibling futures whose errors asyncio would log at exit; the one
    # line printed below already says what failed.
    logging.getLogger("asyncio").setLevel(logging.CRITICAL)

    program_dir = args.program.resolve()
    try:
        digest_key = _digest_key(args.diff)
        with contextlib.ExitStack() as scope:
            # The base first: a bad --diff is refused before anything renders, and a commit's
            # render runs alongside this tree's.
            base_of = (
                scope.enter_context(
                    plan_base.rendering(args.diff, ROOT, args.stack, program_dir, digest_key)
                )
                if args.diff
                else None
            )
            result = _render(args, program_dir, digest_key)
            base = base_of() if base_of else None
    except plan_base.PlanBaseError as error:
        print(f"synth: {error}", file=sys.stderr)
        return EXIT_USAGE if "--diff" in str(error) else EXIT_PROGRAM_FAILED
    except refused_input() as error:
        return report_refused("synth", error)
    except Exception as error:  # noqa: BLE001 - one line, no traceback, for any program failure
        print(f"synth: the program failed: {type(error).__name__}: {error}", file=sys.stderr)
        return EXIT_PROGRAM_FAILED
    try:
        if base is not None:
            print(_plan_text(base, result, args.json))
        else:
            print(json.dumps(result.document(), indent=2) if args.json else format_tree(result))
        sys.stdout.flush()
    except BrokenPipeError:
        return process_end.broken_pipe()
    return EXIT_OK


if __name__ == "__main__":
    # A one-shot process: cyclic GC passes while pulumi_aws builds its thousands of generated
    # classes, and again at interpreter teardown, are pure overhead (a third of the wall time,
    # see bench/synth.py). Nothing here lives long enough to need them.
    gc.disable()
    exit_code = main()
    gc.freeze()
    sys.exit(exit_code)
