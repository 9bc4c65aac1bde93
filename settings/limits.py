"""What AWS and the application limit the settings to: the declarations, the validation and the
generated docs read them here, so all three agree."""

from __future__ import annotations

FARGATE_CPU_UNITS = (256, 512, 1024, 2048, 4096, 8192, 16384)
POSTGRES_ENGINES = ("postgres", "aurora-postgresql")
# The values CloudWatch Logs PutRetentionPolicy accepts.
LOG_RETENTION_DAYS = (
    *(1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731),
    *(1096, 1827, 2192, 2557, 2922, 3288, 3653),
)
RDS_RESERVED_USERNAMES = ("rdsadmin", "rdsrepladmin", "postgres")
# The tags the stack puts on every resource itself (settings.model.Settings.tags).
RESERVED_TAG_KEYS = ("Project", "Environment", "ManagedBy")
# An imported JWT key shorter than this is too weak to keep (HS256 wants 256 bits).
MIN_IMPORTED_KEY_LENGTH = 32
