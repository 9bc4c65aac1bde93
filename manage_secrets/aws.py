"""botocore clients with botocore's standard retry mode (five attempts in all) unless the user set
their own, and its default credential chain; errors become CliError. botocore directly, not
boto3: boto3 adds nothing these calls use and drags in s3transfer and multiprocessing, a third of
a read command's start-up."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from typing import Any, TypeVar

from manage_secrets.aws_settings import check_endpoint, retries
from manage_secrets.errors import EXIT_NOT_JSON, EXIT_REGION, CliError, translate

T = TypeVar("T")


class Aws:
    def __init__(self, region: str | None):
        import botocore.session
        from botocore.config import Config
        from botocore.exceptions import ProfileNotFound

        from manage_secrets.service_models import use_on_demand_loader

        self.session = botocore.session.get_session()
        try:
            profile = self.session.get_scoped_config()
        except ProfileNotFound as error:
            # Before the region: with a profile that does not exist, botocore finds no region
            # either, and "no AWS region" would send the user after the wrong setting.
            raise translate(error, region) from None
        # After the profile's check: reading data_path reads the profile.
        use_on_demand_loader(self.session)
        # AWS_REGION is what the AWS CLI v2 and the SDKs document; older botocore reads only
        # AWS_DEFAULT_REGION and the profile.
        self.region = (
            region or os.environ.get("AWS_REGION") or self.session.get_config_variable("region")
        )
        if not self.region:
            raise CliError(EXIT_REGION, "no AWS region: pass --region or set AWS_REGION")
        check_endpoint(profile)
        self.config = Config(retries=retries(profile), connect_timeout=5, read_timeout=30)
        self._clients: dict[tuple[str, str | None], Any] = {}

    def client(self, service: str, region: str | None = None):
        key = (service, region)
        if key not in self._clients:
            try:
                self._clients[key] = self.session.create_client(
                    service, region_name=region or self.region, config=self.config
                )
            except Exception as error:  # noqa: BLE001 - translated or re-raised
                raise translate(error, region or self.region) from None
        return self._clients[key]

    def call(self, action: Callable[[], T], subject: str = "", region: str | None = None) -> T:
        try:
            return action()
        except Exception as error:  # noqa: BLE001 - translated or re-raised
            raise translate(error, region or self.region, subject) from None

    def secret_json(
        self, secret_id: str, version_stage: str | None = None, version_id: str | None = None
    ) -> dict:
        """The secret's JSON object (AWSCURRENT unless a stage or version is named); a one-line
        error (no value in it) when it is not JSON."""
        secrets = self.client("secretsmanager")
        if version_id:
            extra = {"VersionId": version_id}
        else:
            # AWSCURRENT is what AWS answers without a stage; naming it keeps the answer right
            # where an emulator lags (moto's default version does not follow a stage move).
            extra = {"VersionStage": version_stage or "AWSCURRENT"}
        response = self.call(
            lambda: secrets.get_secret_value(SecretId=secret_id, **extra), secret_id
        )
        try:
            parsed = json.loads(response.get("SecretString") or "")
        except ValueError:
            parsed = None
        if not isinstance(parsed, dict):
            raise CliError(
                EXIT_NOT_JSON,
                f"{secret_id} does not hold a JSON object: it was written outside this stack; "
                "run `pulumi up` to write it back",
            )
        return parsed
