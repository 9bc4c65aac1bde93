"""Physical names derived from `<appName>-<stack>` that the settings must check before use."""

from __future__ import annotations


def trail_bucket_name(prefix: str, account: str) -> str:
    """The dedicated trail's bucket: S3 names are global, so the account id makes it unique."""
    return f"{prefix}-trail-{account}"
