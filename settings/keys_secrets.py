"""The declared keys of the secrets themselves: the database they point at, the generated values,
their rotation (settings/declarations.py gathers every key, in this order first)."""

from __future__ import annotations

from settings.config_key import ConfigKey, declare
from settings.limits import MIN_IMPORTED_KEY_LENGTH, POSTGRES_ENGINES, RDS_RESERVED_USERNAMES

SECRET_KEYS: tuple[ConfigKey, ...] = (
    declare(
        "appName",
        "string",
        'Application name; every physical name is "<appName>-<stack>-...".',
        "`<appName>-<stack>` is 2-40 lowercase letters, digits or hyphens, starting with a letter, "
        "and the names derived from it keep S3's bucket naming rules (no `xn--`, `sthree-` or "
        "`amzn-s3-demo-` prefix)",
        default="programador-musical",
    ),
    declare(
        "databaseHost",
        "string",
        "Hostname of the RDS PostgreSQL endpoint (required; no placeholder is invented).",
        "the RDS endpoint hostname, e.g. `<identifier>.<random>.<region>.rds.amazonaws.com`",
        legacy_name="database.host",
    ),
    declare(
        "databasePort",
        "integer",
        "Port of the database endpoint.",
        "an integer from 1 to 65535",
        default=5432,
        low=1,
        high=65535,
        legacy_name="database.port",
    ),
    declare(
        "databaseName",
        "string",
        "Database name.",
        "a letter, then letters, digits or underscores, at most 63 characters; not a PostgreSQL "
        "reserved word (`select`, `user`, ...)",
        default="programador_musical",
        legacy_name="database.name",
    ),
    declare(
        "databaseUsername",
        "string",
        "Database user name.",
        "a letter, then letters, digits or underscores, at most 63 characters; not a PostgreSQL "
        "reserved word, not " + ", ".join(RDS_RESERVED_USERNAMES),
        default="programador_user",
        legacy_name="database.username",
    ),
    declare(
        "databaseEngine",
        "string",
        "Engine recorded in the db-credentials secret, as AWS's RDS rotation functions expect it.",
        "one of " + ", ".join(POSTGRES_ENGINES),
        default="postgres",
        legacy_name="database.engine",
    ),
    declare(
        "databasePasswordLength",
        "integer",
        "Length of the generated database password.",
        "an integer from 16 to 128",
        default=20,
        low=16,
        high=128,
        legacy_name="database.passwordLength",
    ),
    declare(
        "jwtBytes",
        "integer",
        "Random bytes in the generated JWT signing key (base64-encoded).",
        "an integer from 32 to 256",
        default=32,
        low=32,
        high=256,
        legacy_name="jwt.bytes",
    ),
    declare(
        "jwtSecretKey",
        "string",
        "Existing JWT signing key to import instead of generating one; empty means generate. "
        "Set it with `pulumi config set --secret jwtSecretKey`.",
        f"an existing key of at least {MIN_IMPORTED_KEY_LENGTH} characters, set with `--secret`; "
        "empty means generate",
        default="",
        secret=True,
        legacy_name="jwt.secretKey",
    ),
    declare(
        "databasePassword",
        "string",
        "Existing database password to keep instead of generating one (adopting a database that "
        "runs); empty means generate. Set it with `pulumi config set --secret databasePassword`.",
        "an existing password RDS accepts (8 to 128 printable ASCII characters without `/`, `@`, "
        '`"` or spaces), set with `--secret`; empty means generate',
        default="",
        secret=True,
    ),
    declare(
        "rotationJwt",
        "string",
        "Token of the JWT key from before jwtKeyGeneration, kept by the keys of even "
        "generations; leave it as it is (a change replaces those keys). Rotate with "
        "jwtKeyGeneration.",
        "a non-empty printable token of at most 128 characters",
        default="initial",
        legacy_name="rotation.jwt",
    ),
    declare(
        "rotationDatabase",
        "string",
        "Rotation token of the database password under manual rotation (rotationManaged false); "
        "change it and run `pulumi up` to generate a new password. Managed rotation ignores it.",
        "a non-empty printable token of at most 128 characters",
        default="initial",
        legacy_name="rotation.database",
    ),
    declare(
        "jwtKeyGeneration",
        "integer",
        "Generation N of the JWT key set: the app signs with key N and accepts N-1, N and N+1. "
        "Add 1 to rotate without logging anyone out (`manage-secrets rotate-jwt`); add 3 after "
        "a leak, which replaces every key and logs everyone out.",
        "an integer from 0 to 1000000 that only grows",
        default=0,
        low=0,
        high=1_000_000,
    ),
    declare(
        "rotationManaged",
        "boolean",
        "Secrets Manager rotates db-credentials on a schedule with AWS's hosted alternating-users "
        "PostgreSQL function (docs/rotation.md). false keeps the manual scheme: rotationDatabase "
        "and `pulumi up`, with an error window.",
        "true or false; true needs rotationMasterSecretArn, rotationSubnetIds and "
        "rotationSecurityGroupIds",
        default=False,
    ),
    declare(
        "rotationSchedule",
        "string",
        "When Secrets Manager rotates db-credentials (rotationManaged).",
        "rate(N days) with N from 1 to 1000, rate(N hours) with N from 4 to 24, or a cron() "
        "expression with six fields",
        default="rate(30 days)",
    ),
    declare(
        "rotationMasterSecretArn",
        "string",
        "ARN of the secret holding the RDS master user's credentials (RDS's own managed master "
        "secret, `masterUserSecretArn` of the database stack); the rotation function signs in with "
        "it to change the inactive user's password.",
        "a Secrets Manager secret ARN `arn:aws:secretsmanager:<region>:<account>:secret:<name>`; "
        "required with rotationManaged",
        default="",
    ),
    declare(
        "rotationMasterSecretKmsKeyArn",
        "string",
        "ARN of the KMS key that encrypts the master secret, when it is not aws/secretsmanager.",
        "a KMS key ARN `arn:aws:kms:<region>:<account>:key/<id>`, or empty",
        default="",
    ),
    declare(
        "rotationSubnetIds",
        "array",
        "Private subnets of the database's VPC the rotation function runs in; they must reach RDS "
        "and Secrets Manager (a VPC interface endpoint with private DNS, or a NAT gateway).",
        "a list of subnet IDs `subnet-<8 or 17 hex digits>`, each once; at least one with "
        "rotationManaged",
        default=[],
    ),
    declare(
        "rotationSecurityGroupIds",
        "array",
        "Security groups of the rotation function; the database's group must allow them on the "
        "database port, and they must reach the Secrets Manager endpoint on 443.",
        "a list of security group IDs `sg-<8 or 17 hex digits>`, each once; at least one with "
        "rotationManaged",
        default=[],
    ),
    declare(
        "rotationRestartServices",
        "array",
        "ECS services (`cluster/service`) that read the secrets: each successful rotation of "
        "db-credentials and each new JWT key set forces a new deployment of them, so no task "
        "outlives one rotation (docs/rotation.md).",
        "a list of `cluster/service` names (letters, digits, hyphens, underscores), each once",
        default=[],
    ),
)
