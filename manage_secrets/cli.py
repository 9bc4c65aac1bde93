"""python -m manage_secrets <command> [--stack production] [--region ...]

Read commands talk to AWS directly (botocore, standard retry mode). Writes go through Pulumi,
which owns the values: the CLI prints each Pulumi command before it runs it.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
from datetime import UTC, datetime
from pathlib import Path

from command_line import process_end
from command_line.arguments import without_arguments
from manage_secrets import arguments
from manage_secrets.errors import (
    EXIT_CHECKS_FAILED,
    EXIT_CODES_HELP,
    EXIT_INTERNAL,
    EXIT_MISSING_DEPENDENCY,
    EXIT_OK,
    EXIT_USAGE,
    CliError,
)
from manage_secrets.stack import CONFIG_FOR_KEY, DEFAULT_APP, NOT_SETTABLE
from stack_model.naming import StackNames


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:
        message = without_arguments(message)
        self.exit(EXIT_USAGE, f"manage_secrets: {message} (see --help)\n")


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--stack",
        default="production",
        type=arguments.stack_name,
        help="stack (environment), default production",
    )
    common.add_argument(
        "--region", type=arguments.region, help="AWS region (default: AWS_REGION / profile)"
    )
    common.add_argument(
        "--app", default=DEFAULT_APP, help=f"application name, default {DEFAULT_APP}"
    )
    common.add_argument(
        "--project-dir",
        type=Path,
        help="the checkout of the stack to act on (default: MANAGE_SECRETS_PROJECT_DIR, else the "
        "checkout the working directory is in)",
    )
    parser = _Parser(
        prog="python -m manage_secrets",
        description=__doc__.split("\n\n")[1],
        epilog=EXIT_CODES_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        return commands.add_parser(name, parents=[common], help=help_text, description=help_text)

    listing = command("list", "this application's secrets (all stacks unless --stack is given)")
    listing.set_defaults(stack=None)
    listing.add_argument("--json", action="store_true", help="JSON for scripts")
    command("get", "both secrets of the stack, values masked (key names and lengths)").add_argument(
        "--show", action="store_true", help="print the values in clear text (they are secrets)"
    )
    get_value = command("get-value", "the raw value of one JSON key on stdout, for scripts")
    get_value.add_argument("key")
    get_value.add_argument(
        "--secret",
        choices=("app", "db"),
        default="app",
        help="app-secrets (default) or db-credentials",
    )
    command("versions", "version ids, stages and dates of both secrets")
    doctor = command("doctor", "the troubleshooting checklist; exit 1 when anything fails")
    doctor.add_argument(
        "--regions", default="", help="comma-separated regions to look for the secrets too"
    )
    doctor.add_argument(
        "--sign-in",
        action="store_true",
        help="also sign in with db-credentials' current version (TLS verified as its host)",
    )
    doctor.add_argument("--connect", metavar="HOST:PORT", help="with --sign-in: a port forward")
    _database_options(doctor)
    command("restore", "cancel a planned deletion inside the recovery window").add_argument("name")
    adopt = command(
        "adopt",
        "read-only: what the old script and Terraform built -> a `pulumi import` file, the "
        "config that keeps today's values, and what the first `pulumi up` will change",
    )
    adopt.add_argument(
        "--out", type=Path, help="directory for import.json and config.sh (default adopt-STACK)"
    )
    migrate = command(
        "migrate-from-ssm", "SSM Parameter Store values -> this stack's secret config"
    )
    migrate.add_argument("--path", required=True, help="e.g. /programador-musical/production")
    migrate.add_argument("--dry-run", action="store_true", help="print the plan, change nothing")
    migrate.add_argument("--yes", action="store_true", help="do not ask for confirmation")

    def write(name: str, help_text: str) -> argparse.ArgumentParser:
        parser_ = command(name, help_text + " (through the Pulumi CLI)")
        parser_.add_argument(
            "--yes", action="store_true", help="do not ask; pulumi runs with --yes"
        )
        return parser_

    write("create", "create or update the stack: `pulumi up`")
    update = write("update-value", "change the config behind one JSON key, then `pulumi up`")
    update.add_argument("key")
    update.add_argument("value", help='the new value, or "-" to read it from stdin')
    rotate_jwt = write(
        "rotate-jwt",
        "next JWT key generation (jwtKeyGeneration + 1) once every task holds the current key "
        "set: its next key signs, every task accepts it, nobody is logged out; then `pulumi up` "
        "and the wait for the redeployment",
    )
    rotate_jwt.add_argument(
        "--emergency",
        action="store_true",
        help="after a leak: replace every key (generation + 3); every session ends",
    )
    rotate_jwt.add_argument(
        "--wait",
        type=float,
        default=600.0,
        metavar="SECONDS",
        help="how long to wait for the services' redeployment (default 600)",
    )
    rotate_db = command(
        "rotate-db",
        "managed rotation: Secrets Manager rotates now and the CLI follows each step; manual "
        "rotation: a new token, then `pulumi up` (through the Pulumi CLI)",
    )
    rotate_db.add_argument(
        "--yes", action="store_true", help="do not ask; pulumi runs with --yes (manual)"
    )
    rotate_db.add_argument(
        "--wait",
        type=float,
        default=300.0,
        help="seconds to wait for the new version to become AWSCURRENT (managed; default 300)",
    )
    rotate_db.add_argument("--token", help="manual: rotation token (default: current UTC time)")
    rotate_db.add_argument(
        "--rds-instance", help="manual: then set the new password on this RDS instance and wait"
    )
    bootstrap = command(
        "bootstrap-db-user",
        "first deployment, managed rotation: create the application's database user with the "
        "password of db-credentials, signed in with the master secret it names",
    )
    bootstrap.add_argument(
        "--connect",
        metavar="HOST:PORT",
        help="reach the database here instead of the secret's host (an SSM port forward); the "
        "server must still prove to be the secret's host",
    )
    _database_options(bootstrap)
    write("delete", "`pulumi destroy`; protected resources stay unless protect was turned off")
    return parser


def _database_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--ca-bundle",
        type=Path,
        metavar="FILE",
        help="RDS certificate bundle the server is verified with (default: "
        "MANAGE_SECRETS_RDS_CA_BUNDLE); AWS publishes it as global-bundle.pem",
    )
    parser.add_argument(
        "--insecure-plaintext-for-local-tests",
        action="store_true",
        help="no TLS at all, to a loopback address only: for a local test database, never RDS",
    )


def _token(given: str | None) -> str:
    return given or datetime.now(UTC).strftime("%Y-%m-%dT%H%M%SZ")


def _update_value(plan, names: StackNames, key: str, value: str):
    if key in NOT_SETTABLE:
        raise CliError(EXIT_USAGE, f"{key} cannot be set: {NOT_SETTABLE[key]}")
    if key not in CONFIG_FOR_KEY:
        raise CliError(
            EXIT_USAGE,
            f"no JSON key {key!r}; settable keys: {', '.join(CONFIG_FOR_KEY)}",
        )
    config_key, secret = CONFIG_FOR_KEY[key]
    value = sys.stdin.read().rstrip("\n") if value == "-" else value
    if not value.strip():
        # An empty jwtSecretKey means "generate": it would replace an imported key silently.
        raise CliError(EXIT_USAGE, f"{key}: the value is empty; nothing was changed")
    from settings import problems_with

    problems = problems_with(config_key, value, secret)
    if problems:
        raise CliError(
            EXIT_USAGE,
            f"{key} -> {problems[0]}; the stack would refuse it, so nothing was changed",
        )
    return plan.config_set(config_key, value, secret)


def _apply_password_to_rds(aws, names: StackNames, instance: str):
    def apply() -> str:
        password = aws.secret_json(names.db_credentials)["password"]
        rds = aws.client("rds")
        aws.call(
            lambda: rds.modify_db_instance(
                DBInstanceIdentifier=instance, MasterUserPassword=password, ApplyImmediately=True
            ),
            instance,
        )
        waiter = rds.get_waiter("db_instance_available")
        aws.call(
            lambda: waiter.wait(
                DBInstanceIdentifier=instance, WaiterConfig={"Delay": 15, "MaxAttempts": 80}
            ),
            instance,
        )
        return f"{instance} has the new password and is available"

    shown = (
        f"aws rds modify-db-instance --db-instance-identifier {instance} "
        "--master-user-password ******** --apply-immediately && "
        f"aws rds wait db-instance-available --db-instance-identifier {instance}"
    )
    return shown, apply


def _managed_rotation(aws, names: StackNames, args: argparse.Namespace) -> bool:
    """Whether db-credentials is rotated by Secrets Manager (its rotation is configured)."""
    from manage_secrets.managed_rotation import rotation_state

    managed = rotation_state(aws, names.db_credentials).enabled
    if managed and (args.token or args.rds_instance):
        raise CliError(
            EXIT_USAGE,
            f"{names.db_credentials} is rotated by Secrets Manager: --token and --rds-instance "
            "belong to the manual scheme; run `rotate-db` alone",
        )
    return managed


class _LazyAws:
    """The AWS session, made on first use: commands that only run Pulumi need no region."""

    def __init__(self, region: str | None):
        self._region, self._aws = region, None

    def __getattr__(self, name: str):
        if self._aws is None:
            from manage_secrets.aws import Aws

            self._aws = Aws(self._region)
        return getattr(self._aws, name)


def run(args: argparse.Namespace) -> int:
    from manage_secrets import reading
    from manage_secrets.project import find_project
    from manage_secrets.pulumi_runner import PulumiPlan

    project = find_project(args.project_dir)
    if args.stack is not None and args.command != "list":
        # `list --stack` filters what AWS holds, which may include stacks of other checkouts.
        args.stack = project.stack(args.stack)
    names = StackNames(args.app, args.stack or "production")
    aws = _LazyAws(args.region)
    command = args.command
    if command == "list":
        print(reading.list_secrets(aws, args.app, args.stack, args.json))
    elif command == "get":
        print(reading.get(aws, names, args.show))
    elif command == "get-value":
        print(reading.get_value(aws, names, args.key, args.secret))
    elif command == "versions":
        print(reading.versions(aws, names))
    elif command == "restore":
        print(reading.restore(aws, args.name))
    elif command == "doctor":
        from manage_secrets.doctor.checklist import Checklist
        from manage_secrets.doctor.checkup import report, run

        regions = [r.strip() for r in args.regions.split(",") if r.strip()]
        checklist = Checklist(aws, names, regions)
        if args.sign_in:
            from manage_secrets.database import Address, Tls

            checklist.database = (
                Tls.from_options(args.ca_bundle, args.insecure_plaintext_for_local_tests),
                Address.parse(args.connect) if args.connect else None,
            )
        text, healthy = report(run(checklist), names, aws.region)
        print(text)
        return EXIT_OK if healthy else EXIT_CHECKS_FAILED
    elif command == "adopt":
        from manage_secrets.adoption import adopt

        app_option = "" if args.app == DEFAULT_APP else f" --app {args.app}"
        out = args.out or Path(f"adopt-{names.stack}")
        print(adopt(aws, names, out, app_option))
    elif command == "migrate-from-ssm":
        from manage_secrets import ssm_migration

        migration = ssm_migration.read(aws, args.path)
        print(migration.describe())
        if args.dry_run or not migration.mapped:
            return EXIT_OK
        plan = PulumiPlan(names.stack, project.directory)
        for _, key, value in migration.mapped:
            plan.config_set(key, value, secret=True)
        plan.execute(args.yes)
        print(f"next: pulumi preview --stack {names.stack}, then pulumi up")
    elif command == "bootstrap-db-user":
        from manage_secrets.bootstrap import bootstrap_user
        from manage_secrets.database import Address, Tls

        address = Address.parse(args.connect) if args.connect else None
        tls = Tls.from_options(args.ca_bundle, args.insecure_plaintext_for_local_tests)
        print(bootstrap_user(aws, names.db_credentials, address, tls))
    elif command == "rotate-db" and _managed_rotation(aws, names, args):
        from manage_secrets import task_age
        from manage_secrets.managed_rotation import rotate_now, rotation_state

        state = rotation_state(aws, names.db_credentials)
        if state.enabled and not state.pending:  # a rotation will be requested
            for warning in task_age.warnings(aws, names, state.last_rotated):
                print(f"manage_secrets: warning: {warning}", file=sys.stderr)
        print(rotate_now(aws, names.db_credentials, names.rotation_function, args.wait))
    else:
        plan = PulumiPlan(names.stack, project.directory)
        followed = None
        if command == "update-value":
            _update_value(plan, names, args.key, args.value)
        elif command == "rotate-jwt":
            from manage_secrets import jwt_rotation, task_age

            if args.emergency:
                print(
                    "emergency: every key of the JWT key set is replaced; every session ends "
                    "and every user signs in again"
                )
                followed = task_age.redeployed_services(aws, names)
            else:
                followed = jwt_rotation.check_before(aws, names)
            jwt_rotation.next_generation(plan, args.emergency)
        elif command == "rotate-db":
            # Likewise a kept password (adopt): without removing it, nothing would change.
            plan.config_rm("databasePassword").config_set("rotationDatabase", _token(args.token))
            if args.rds_instance:
                from manage_secrets.rds_preflight import check_instance

                # Checked now, before the plan runs any Pulumi command: a missing, busy or
                # forbidden instance would leave the secrets with a password RDS never gets.
                check_instance(aws, args.rds_instance)
                plan.then.append(_apply_password_to_rds(aws, names, args.rds_instance))
        if command == "delete":
            plan.run("destroy", args.yes)
        else:
            plan.run("up", args.yes)
        try:
            plan.execute(args.yes)
        except CliError as error:
            if command == "delete" and "failed" in str(error):
                raise CliError(
                    error.exit_code,
                    f"{error}; if Pulumi refused because resources are protected, that is on "
                    "purpose: `pulumi config set protect false` and `pulumi up` first",
                ) from None
            raise
        if followed:
            from manage_secrets.jwt_rotation import follow_redeployment

            print(follow_redeployment(aws, names, followed, args.wait))
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        code = run(args)
        sys.stdout.flush()
        return code
    except CliError as error:
        print(f"manage_secrets: {error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("manage_secrets: interrupted", file=sys.stderr)
        return process_end.EXIT_INTERRUPTED
    except BrokenPipeError:
        return process_end.broken_pipe()
    except Exception as error:  # noqa: BLE001 - one line, never a traceback
        if os.environ.get("MANAGE_SECRETS_DEBUG"):
            raise
        print(
            f"manage_secrets: unexpected {type(error).__name__}; rerun with "
            "MANAGE_SECRETS_DEBUG=1 for the traceback and report it",
            file=sys.stderr,
        )
        return EXIT_INTERNAL


def _dependencies_missing() -> str | None:
    """A `pip install .` without the `cli` extra installs the code without botocore."""
    import importlib.util

    if importlib.util.find_spec("botocore") is None:
        return (
            "manage_secrets: botocore is not installed: install the CLI with its dependencies, "
            "`pip install '.[cli]'` from a checkout of the stack"
        )
    return None


def console_main() -> None:
    """`manage-secrets` and `python -m manage_secrets`: one process, one command."""
    missing = _dependencies_missing()
    if missing:
        print(missing, file=sys.stderr)
        sys.exit(EXIT_MISSING_DEPENDENCY)
    # Cyclic GC passes while botocore loads its service models (large dicts of dicts) are pure
    # overhead in a one-shot process: one such pass cost a `list` 40 ms (bench/manage_secrets.py).
    gc.disable()
    sys.exit(main())
