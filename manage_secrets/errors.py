"""One-line errors with a distinct exit code each; AWS faults translated, never a traceback."""

from __future__ import annotations

from command_line.process_end import EXIT_BROKEN_PIPE, EXIT_INTERRUPTED

EXIT_OK = 0
EXIT_CHECKS_FAILED = 1
EXIT_NOT_FOUND = 3
EXIT_ACCESS_DENIED = 4
EXIT_NO_CREDENTIALS = 5
EXIT_THROTTLED = 6
EXIT_SCHEDULED_FOR_DELETION = 7
EXIT_NOT_JSON = 8
EXIT_REGION = 9
EXIT_NO_PULUMI = 10
EXIT_PULUMI_FAILED = 11
EXIT_NO_SUCH_KEY = 12
EXIT_ABORTED = 13
EXIT_AWS_ERROR = 14
EXIT_NOT_READY = 15
EXIT_MISSING_KEYS = 16
EXIT_UNKEEPABLE_VALUE = 17
EXIT_ROTATION_STUCK = 18
EXIT_ROTATION_INCOMPLETE = 19
EXIT_DATABASE = 20
EXIT_NO_PROJECT = 21
EXIT_MISSING_DEPENDENCY = 22
EXIT_NOT_VERIFIED = 23
EXIT_KEY_SET_NOT_READ = 24
EXIT_REDEPLOYMENT_INCOMPLETE = 25
EXIT_AWS_SETTING = 26
EXIT_USAGE = 64
EXIT_INTERNAL = 70

# What each exit code means: `--help` prints it and docs/operations-cli.md's table is generated
# from it (python -m tools.docs_tables).
EXIT_CODES: tuple[tuple[int, str], ...] = (
    (EXIT_OK, "done"),
    (EXIT_CHECKS_FAILED, "doctor found failures"),
    (EXIT_NOT_FOUND, "secret not found"),
    (EXIT_ACCESS_DENIED, "access denied"),
    (EXIT_NO_CREDENTIALS, "no or invalid credentials"),
    (EXIT_THROTTLED, "throttled after retries"),
    (EXIT_SCHEDULED_FOR_DELETION, "secret scheduled for deletion"),
    (EXIT_NOT_JSON, "secret string is not JSON"),
    (EXIT_REGION, "no region, or region/endpoint unreachable"),
    (EXIT_NO_PULUMI, "Pulumi CLI not installed (commands printed)"),
    (EXIT_PULUMI_FAILED, "a Pulumi command failed"),
    (EXIT_NO_SUCH_KEY, "no such JSON key"),
    (EXIT_ABORTED, "not confirmed"),
    (EXIT_AWS_ERROR, "other AWS error"),
    (EXIT_NOT_READY, "RDS instance not available"),
    (EXIT_MISSING_KEYS, "adopt: the existing secrets lack keys the application needs"),
    (EXIT_UNKEEPABLE_VALUE, "adopt: an existing value the stack cannot keep (e.g. the password)"),
    (EXIT_ROTATION_STUCK, "rotate-db: no rotation configured, or a version stuck in AWSPENDING"),
    (EXIT_ROTATION_INCOMPLETE, "rotate-db: the new version did not become AWSCURRENT in time"),
    (EXIT_DATABASE, "bootstrap-db-user: the database is unreachable or refused the session"),
    (EXIT_NO_PROJECT, "no checkout of the stack here: run from one, or pass --project-dir"),
    (EXIT_MISSING_DEPENDENCY, "installed without its dependencies: pip install '.[cli]'"),
    (
        EXIT_NOT_VERIFIED,
        "the database server could not be verified (TLS: bundle, certificate, host name); "
        "nothing was sent",
    ),
    (
        EXIT_KEY_SET_NOT_READ,
        "rotate-jwt: tasks still hold an older key set (they would log users out); nothing changed",
    ),
    (
        EXIT_REDEPLOYMENT_INCOMPLETE,
        "rotate-jwt: the key set is written, but the services were not redeployed in time",
    ),
    (
        EXIT_AWS_SETTING,
        "an AWS setting (AWS_RETRY_MODE, AWS_MAX_ATTEMPTS, AWS_ENDPOINT_URL, or the profile's) "
        "is not valid; nothing ran",
    ),
    (EXIT_USAGE, "bad arguments (nothing runs; what was typed after a key is never repeated)"),
    (EXIT_INTERNAL, "unexpected error: rerun with MANAGE_SECRETS_DEBUG=1 and report it"),
    (EXIT_INTERRUPTED, "interrupted (Ctrl-C)"),
    (EXIT_BROKEN_PIPE, "the reader went away (`... | head`)"),
)


def _exit_codes_help() -> str:
    lines = [f"{code:>5}  {meaning}" for code, meaning in EXIT_CODES]
    return "exit codes:\n" + "\n".join(lines)


EXIT_CODES_HELP = _exit_codes_help()


class CliError(Exception):
    def __init__(self, exit_code: int, message: str):
        super().__init__(message)
        self.exit_code = exit_code


THROTTLING_CODES = {
    "ThrottlingException",
    "Throttling",
    "TooManyRequestsException",
    "RequestLimitExceeded",
}
ACCESS_CODES = {"AccessDeniedException", "AccessDenied", "UnauthorizedOperation"}
CREDENTIAL_CODES = {
    "UnrecognizedClientException",
    "InvalidClientTokenId",
    "ExpiredTokenException",
    "ExpiredToken",
    "InvalidSignatureException",
    "SignatureDoesNotMatch",
}


def translate(error: Exception, region: str | None, subject: str = "") -> CliError:
    """A botocore exception as the one line an on-call engineer needs."""
    from botocore import exceptions as boto

    where = f" in {region}" if region else ""
    if isinstance(error, boto.ProfileNotFound):
        return CliError(
            EXIT_NO_CREDENTIALS,
            f"no AWS profile named {error.kwargs.get('profile')!r}: set AWS_PROFILE to one "
            "that `aws configure list-profiles` lists, or unset it",
        )
    if isinstance(error, boto.InvalidRegionError):
        return CliError(
            EXIT_REGION,
            f"{error.kwargs.get('region_name')!r} is not a region name: pass --region or set "
            "AWS_REGION to one such as eu-west-1",
        )
    if isinstance(error, (boto.NoCredentialsError, boto.PartialCredentialsError)):
        return CliError(
            EXIT_NO_CREDENTIALS,
            "no AWS credentials found: set AWS_PROFILE, run `aws sso login`, or export "
            "AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY",
        )
    if isinstance(error, boto.NoRegionError):
        return CliError(EXIT_REGION, "no AWS region: pass --region or set AWS_REGION")
    if isinstance(error, (boto.EndpointConnectionError, boto.ConnectTimeoutError)):
        return CliError(
            EXIT_REGION,
            f"cannot reach AWS{where}: check --region (a real region name) and the network",
        )
    if isinstance(error, boto.ClientError):
        code = error.response.get("Error", {}).get("Code", "")
        message = error.response.get("Error", {}).get("Message", "")
        if code in THROTTLING_CODES:
            return CliError(
                EXIT_THROTTLED,
                f"AWS kept throttling{where} after retries ({code}): wait a minute and retry, "
                "or look for a client that calls in a loop",
            )
        if code in ACCESS_CODES:
            return CliError(
                EXIT_ACCESS_DENIED,
                f"access denied{where}{' on ' + subject if subject else ''}: your identity lacks "
                "the permission (check `aws sts get-caller-identity` and its policies)",
            )
        if code in CREDENTIAL_CODES:
            return CliError(
                EXIT_NO_CREDENTIALS,
                f"AWS rejected the credentials ({code}): refresh them (aws sso login) and retry",
            )
        not_found = code in (
            "ResourceNotFoundException",
            "NoSuchEntity",
            "ParameterNotFound",
            "DBInstanceNotFound",
            "NotFound",  # SNS's NotFoundException (botocore's sns model: error code NotFound)
        )
        if not_found or (code == "ClientException" and "Unable to describe" in message):
            return CliError(
                EXIT_NOT_FOUND,
                f"{subject or 'resource'} not found{where}: check --stack and --region "
                "(`doctor --regions <r1>,<r2>` looks in other regions)",
            )
        if code == "InvalidRequestException" and "marked" in message and "delet" in message:
            return CliError(
                EXIT_SCHEDULED_FOR_DELETION,
                f"{subject or 'the secret'} is scheduled for deletion: restore it with "
                f"`python -m manage_secrets restore {subject or 'NAME'}`",
            )
        return CliError(
            EXIT_AWS_ERROR,
            f"AWS error{where}: {code}: {message.splitlines()[0] if message else ''}",
        )
    if isinstance(error, boto.BotoCoreError):
        return CliError(EXIT_AWS_ERROR, f"AWS client error{where}: {type(error).__name__}")
    raise error
