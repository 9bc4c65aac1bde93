"""`doctor`'s checks of the secrets themselves: each exists (and where else), is not scheduled for
deletion, its replicas are in sync, it has its resource policy, its KMS key is enabled."""

from __future__ import annotations

from manage_secrets.doctor.checklist import Checklist
from manage_secrets.errors import CliError


def check_secret(checklist: Checklist, name: str) -> None:
    secrets = checklist.aws.client("secretsmanager")
    elsewhere = [r for r in checklist.other_regions if _exists_in(checklist, name, r)]
    where = f" (also in {', '.join(elsewhere)})" if elsewhere else ""

    def describe() -> str:
        checklist.described[name] = checklist.aws.call(
            lambda: secrets.describe_secret(SecretId=name), name
        )
        return checklist.described[name]["ARN"] + where

    exists = checklist.attempt(
        f"{name} exists in {checklist.aws.region}",
        describe,
        "run `pulumi up` for this stack, or pass the region it lives in with --region"
        + (f" (found in {', '.join(elsewhere)})" if elsewhere else ""),
    )
    if not exists:
        return
    deletion = checklist.described[name].get("DeletedDate")
    checklist.record(
        f"{name} is not scheduled for deletion",
        deletion is None,
        f"deletion planned for {deletion:%Y-%m-%d}" if deletion else "",
        f"python -m manage_secrets restore {name}",
    )
    for replica in checklist.described[name].get("ReplicationStatus", []):
        status = replica.get("Status", "unknown")
        checklist.record(
            f"replica of {name} in {replica.get('Region')} is InSync",
            status == "InSync",
            f"{status}: {replica.get('StatusMessage', '')}".rstrip(": "),
            "check the replica region's KMS key (it must exist and be enabled) and "
            "`aws secretsmanager describe-secret --secret-id NAME` there; "
            "`replicate-secret-to-regions --force-overwrite-replica-secret` retries",
        )


def _exists_in(checklist: Checklist, name: str, region: str) -> bool:
    client = checklist.aws.client("secretsmanager", region)
    try:
        checklist.aws.call(lambda: client.describe_secret(SecretId=name), name, region)
        return True
    except CliError:
        return False


def check_resource_policies(checklist: Checklist) -> None:
    secrets = checklist.aws.client("secretsmanager")
    for name, described in checklist.described.items():
        try:
            found = checklist.aws.call(
                lambda arn=described["ARN"]: secrets.get_resource_policy(SecretId=arn), name
            )
        except CliError:
            continue  # the existence checks report what is wrong with the secret
        if not found.get("ResourcePolicy"):
            checklist.warn(
                f"{name} has its resource policy",
                "none attached (the stack attaches one to each secret)",
                "run `pulumi up`; if someone removed it on purpose, see "
                "docs/guardrails.md before adding it back",
            )


def check_kms_keys(checklist: Checklist) -> None:
    for name, described in checklist.described.items():
        key = described.get("KmsKeyId")
        if not key or key.startswith("alias/aws/"):
            checklist.record(f"{name} KMS key", True, "aws/secretsmanager (AWS managed)")
            continue

        def probe(key=key) -> str:
            state = checklist.key_metadata(key)["KeyState"]
            if state != "Enabled":
                raise CliError(1, f"key {key} is {state}")
            return f"{key} enabled"

        checklist.attempt(
            f"{name} KMS key is enabled",
            probe,
            "enable it (`aws kms enable-key`) or cancel its deletion "
            "(`aws kms cancel-key-deletion`); the secret cannot be read until then",
        )
