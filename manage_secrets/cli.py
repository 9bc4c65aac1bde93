"""python -m manage_secrets <command> [--stack production] [--region ...]

Read commands talk to AWS directly (botocore, standard retry mode). Writes go through Pulumi,
which owns the values: the CLI prints each Pulumi command before it runs it.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
from pathlib import Path

from command_line import process_end
from manage_secrets.errors import (
    EXIT_CHECKS_FAILED,
    EXIT_INTERNAL,
    EXIT_MISSING_DEPENDENCY,
    EXIT_OK,
    CliError,
)
from manage_secrets.parser import build_parser
from manage_secrets.stack import DEFAULT_APP
from manage_secrets.writes import (
    apply_password_to_rds,
    rotation_token,
    secrets_manager_rotates,
    update_value,
)
from stack_model.naming import StackNames


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
    elif command == "rotate-db" and secrets_manager_rotates(aws, names, args):
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
            update_value(plan, names, args.key, args.value)
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
            plan.config_rm("databasePassword").config_set(
                "rotationDatabase", rotation_token(args.token)
            )
            if args.rds_instance:
                from manage_secrets.rds_preflight import check_instance

                # Checked now, before the plan runs any Pulumi command: a missing, busy or
                # forbidden instance would leave the secrets with a password RDS never gets.
                check_instance(aws, args.rds_instance)
                plan.then.append(apply_password_to_rds(aws, names, args.rds_instance))
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
    args = build_parser().parse_args(argv)
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
