"""Every physical name of one stack's resources, from `<appName>-<stack>`: the one place the
naming rule is written. The components name what they create with it, the operations CLI finds
what exists with it, and the settings check its longest names against AWS's limits before any
resource is declared."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class StackNames:
    app: str
    stack: str

    @property
    def prefix(self) -> str:
        return f"{self.app}-{self.stack}"

    # Secrets and their key
    @property
    def app_secrets(self) -> str:
        return f"{self.prefix}-app-secrets"

    @property
    def db_credentials(self) -> str:
        return f"{self.prefix}-db-credentials"

    @property
    def secrets_key_alias(self) -> str:
        return f"alias/{self.prefix}-secrets"

    def secret(self, alias: str) -> str:
        """`app` or `db`, as config and container mappings name the two secrets."""
        return {"app": self.app_secrets, "db": self.db_credentials}[alias]

    def secrets(self) -> tuple[str, str]:
        """Both secrets' names."""
        return (self.app_secrets, self.db_credentials)

    # Managed rotation
    @property
    def rotation_function(self) -> str:
        """The hosted rotation function (Lambda allows 64 characters; the prefix is <= 40)."""
        return f"{self.prefix}-db-rotation"

    @property
    def rotation_application(self) -> str:
        """The rotation application's CloudFormation stack (AWS adds `serverlessrepo-`)."""
        return f"{self.prefix}-db-rotation"

    # ECS
    @property
    def execution_role(self) -> str:
        return f"{self.prefix}-ecs-execution-role"

    @property
    def execution_role_description(self) -> str:
        return f"ECS task execution role of {self.prefix}"

    @property
    def execution_secrets_policy(self) -> str:
        """The inline policy on the execution role that reads the secrets."""
        return f"{self.prefix}-ecs-execution-secrets"

    @property
    def task_family(self) -> str:
        return f"{self.prefix}-app"

    @property
    def app_log_group(self) -> str:
        return f"/ecs/{self.prefix}"

    # Monitoring
    @property
    def alarm_topic(self) -> str:
        return f"{self.prefix}-secrets-alarms"

    def alarm(self, signal: str) -> str:
        """An alarm, and the CloudTrail metric filter feeding it, named after its signal."""
        return f"{self.prefix}-secrets-{signal}"

    def metric(self, metric: str) -> str:
        """A custom metric of this stack in the project's namespace."""
        return f"{self.prefix}/{metric}"

    @property
    def rotation_failed_rule(self) -> str:
        return f"{self.prefix}-secrets-rotation-failed"

    @property
    def dashboard(self) -> str:
        return f"{self.prefix}-secrets"

    # The dedicated CloudTrail trail
    @property
    def trail(self) -> str:
        return f"{self.prefix}-secrets-trail"

    def trail_bucket(self, account: str) -> str:
        """S3 bucket names are global: the account id makes this one unique."""
        return f"{self.prefix}-trail-{account}"

    @property
    def trail_log_group(self) -> str:
        return f"/aws/cloudtrail/{self.prefix}-secrets"

    def trail_access_log_bucket(self, account: str) -> str:
        """Where S3 writes the trail bucket's server access logs (the longest bucket name)."""
        return f"{self.prefix}-access-{account}"

    @property
    def trail_key_alias(self) -> str:
        return f"alias/{self.prefix}-trail"

    @property
    def logs_key_alias(self) -> str:
        return f"alias/{self.prefix}-logs"

    @property
    def trail_delivery_role(self) -> str:
        """The role CloudTrail assumes to write to the log group, and its inline policy."""
        return f"{self.prefix}-cloudtrail-logs"

    @property
    def restart_state_machine(self) -> str:
        """The Step Functions state machine that redeploys the services after a rotation."""
        return f"{self.prefix}-restart-services"

    @property
    def restart_role(self) -> str:
        return f"{self.prefix}-restart-services"

    @property
    def restart_trigger_role(self) -> str:
        return f"{self.prefix}-restart-trigger"

    def restart_rule(self, trigger: str) -> str:
        return f"{self.prefix}-restart-on-{trigger}"
