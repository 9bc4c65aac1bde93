"""The AWS settings a user makes themselves (environment, or the profile), checked before botocore
reads them, so a bad one is named with the form it takes instead of surfacing as a botocore
exception; and the retries the CLI asks for where the user set none."""

from __future__ import annotations

import os

from manage_secrets.errors import EXIT_AWS_SETTING, CliError

# botocore's retry modes (botocore/config.py, Config's `retries`).
RETRY_MODES = ("legacy", "standard", "adaptive")
DEFAULT_MODE, DEFAULT_ATTEMPTS = "standard", 5


def _user_setting(variable: str, key: str, profile: dict) -> tuple[str, str] | None:
    """Where the user set it and its value: the environment first, then the profile, the order
    botocore reads them in."""
    if os.environ.get(variable):
        return variable, os.environ[variable]
    if profile.get(key):
        return f"{key} in the AWS profile", str(profile[key])
    return None


def _refused(setting: tuple[str, str], accepted: str) -> CliError:
    where, value = setting
    return CliError(EXIT_AWS_SETTING, f"{where} is {value!r}: {accepted}")


def retries(profile: dict) -> dict:
    """Standard mode and five attempts in all, except what the user set themselves, as the AWS
    CLI and the SDKs honour it: a client's own retries setting overrides the user's, so
    `AWS_MAX_ATTEMPTS=1` once still made five attempts."""
    chosen = {}
    mode = _user_setting("AWS_RETRY_MODE", "retry_mode", profile)
    if mode is None:
        chosen["mode"] = DEFAULT_MODE
    elif mode[1] not in RETRY_MODES:
        raise _refused(mode, f"use one of {', '.join(RETRY_MODES)}, or unset it ({DEFAULT_MODE})")
    attempts = _user_setting("AWS_MAX_ATTEMPTS", "max_attempts", profile)
    if attempts is None:
        chosen["total_max_attempts"] = DEFAULT_ATTEMPTS
    elif not _positive_integer(attempts[1]):
        raise _refused(
            attempts, f"use a whole number of attempts, 1 or more, or unset it ({DEFAULT_ATTEMPTS})"
        )
    return chosen


def check_endpoint(profile: dict) -> None:
    """AWS_ENDPOINT_URL (or endpoint_url in the profile) is a URL, by botocore's own test."""
    from botocore.utils import is_valid_endpoint_url, is_valid_ipv6_endpoint_url

    if os.environ.get("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "").lower() == "true":
        return  # botocore does not read them then
    endpoint = _user_setting("AWS_ENDPOINT_URL", "endpoint_url", profile)
    if endpoint and not (
        is_valid_endpoint_url(endpoint[1]) or is_valid_ipv6_endpoint_url(endpoint[1])
    ):
        raise _refused(
            endpoint, "use a URL such as https://host:port, or unset it (AWS's own endpoints)"
        )


def _positive_integer(text: str) -> bool:
    try:
        return int(text) >= 1
    except ValueError:
        return False
