"""The operations CLI's command line: every command, its options, and the help that lists the
exit codes. Errors in the arguments exit 64 without repeating what was typed."""

from __future__ import annotations

import argparse
from pathlib import Path

from command_line.arguments import without_arguments
from manage_secrets import arguments
from manage_secrets.errors import EXIT_CODES_HELP, EXIT_USAGE
from manage_secrets.stack import DEFAULT_APP

DESCRIPTION = (
    "Read commands talk to AWS directly (botocore, standard retry mode). Writes go through "
    "Pulumi, which owns the values: the CLI prints each Pulumi command before it runs it."
)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:
        message = without_arguments(message)
        self.exit(EXIT_USAGE, f"manage_secrets: {message} (see --help)\n")


def build_parser() -> argparse.ArgumentParser:
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
        description=DESCRIPTION,
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
