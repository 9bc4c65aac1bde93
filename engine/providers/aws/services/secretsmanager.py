"""Secrets Manager: secret, version, resource policy and rotation (terraform-provider-aws
internal/service/secretsmanager: ids and deletes as those resources make them)."""

from __future__ import annotations

import json
import re

from engine.providers.aws.context import Context, aws_call, missing, tag_list, tag_map
from engine.providers.aws.handler import Handler, changed


class Secret(Handler):
    token = "aws:secretsmanager/secret:Secret"
    computed = ("arn", "id", "tagsAll")
    defaults = {"forceOverwriteReplicaSecret": False, "recoveryWindowInDays": 30}
    optional_computed = frozenset({"policy", "namePrefix"})

    def create(self, ctx, inputs):
        name = inputs["name"]
        request = {"Name": name, "Tags": tag_list(inputs.get("tags"))}
        for key, field in (("description", "Description"), ("kmsKeyId", "KmsKeyId")):
            if inputs.get(key):
                request[field] = inputs[key]
        if inputs.get("replicas"):
            request["AddReplicaRegions"] = _replicas(inputs["replicas"])
            request["ForceOverwriteReplicaSecret"] = bool(inputs.get("forceOverwriteReplicaSecret"))
        secrets = ctx.client("secretsmanager")
        arn = aws_call(
            f"creating Secrets Manager Secret ({name})", lambda: secrets.create_secret(**request)
        )["ARN"]
        if inputs.get("policy"):
            aws_call(
                f"putting Secrets Manager Secret ({name}) policy",
                lambda: secrets.put_resource_policy(SecretId=arn, ResourcePolicy=inputs["policy"]),
            )
        return arn, {"arn": arn}

    def read(self, ctx, id_, state):
        described = missing(lambda: ctx.client("secretsmanager").describe_secret(SecretId=id_))
        if described is None or described.get("DeletedDate"):
            return None
        inputs = {
            "name": described["Name"],
            "recoveryWindowInDays": state.get("recoveryWindowInDays", 30),
            "forceOverwriteReplicaSecret": state.get("forceOverwriteReplicaSecret", False),
        }
        if described.get("Description"):
            inputs["description"] = described["Description"]
        if described.get("KmsKeyId"):
            inputs["kmsKeyId"] = described["KmsKeyId"]
        if described.get("Tags"):
            inputs["tags"] = tag_map(described["Tags"])
        if described.get("ReplicationStatus"):
            inputs["replicas"] = [
                {k: v for k, v in (("region", r["Region"]), ("kmsKeyId", r.get("KmsKeyId"))) if v}
                for r in described["ReplicationStatus"]
            ]
        return inputs, {"arn": described["ARN"]}

    def update(self, ctx, id_, olds, news):
        secrets = ctx.client("secretsmanager")
        name = news["name"]
        if changed(olds, news, "description", "kmsKeyId"):
            request = {"SecretId": id_, "Description": news.get("description", "")}
            if news.get("kmsKeyId"):
                request["KmsKeyId"] = news["kmsKeyId"]
            aws_call(
                f"updating Secrets Manager Secret ({name})",
                lambda: secrets.update_secret(**request),
            )
        _retag(ctx, "secretsmanager", id_, olds.get("tags"), news.get("tags"))
        if changed(olds, news, "replicas"):
            before = {r["region"] for r in olds.get("replicas") or []}
            after = {r["region"]: r for r in news.get("replicas") or []}
            if before - set(after):
                aws_call(
                    f"removing replicas of ({name})",
                    lambda: secrets.remove_regions_from_replication(
                        SecretId=id_, RemoveReplicaRegions=sorted(before - set(after))
                    ),
                )
            added = [after[region] for region in sorted(set(after) - before)]
            if added:
                aws_call(
                    f"replicating ({name})",
                    lambda: secrets.replicate_secret_to_regions(
                        SecretId=id_, AddReplicaRegions=_replicas(added)
                    ),
                )
        return {"arn": id_}

    def delete(self, ctx, id_, state):
        window = state.get("recoveryWindowInDays", 30)
        request = {"SecretId": id_}
        if window == 0:
            request["ForceDeleteWithoutRecovery"] = True
        else:
            request["RecoveryWindowInDays"] = window
        secrets = ctx.client("secretsmanager")
        if state.get("replicas"):
            regions = [r["region"] for r in state["replicas"]]
            aws_call(
                f"removing replicas of ({id_})",
                lambda: secrets.remove_regions_from_replication(
                    SecretId=id_, RemoveReplicaRegions=regions
                ),
            )
        aws_call(
            f"deleting Secrets Manager Secret ({id_})", lambda: secrets.delete_secret(**request)
        )


def _replicas(replicas: list[dict]) -> list[dict]:
    return [
        {"Region": r["region"], **({"KmsKeyId": r["kmsKeyId"]} if r.get("kmsKeyId") else {})}
        for r in replicas
    ]


def _retag(ctx: Context, service: str, arn: str, before: dict | None, after: dict | None) -> None:
    before, after = before or {}, after or {}
    client = ctx.client(service)
    gone = sorted(set(before) - set(after))
    if gone:
        aws_call(f"untagging ({arn})", lambda: client.untag_resource(SecretId=arn, TagKeys=gone))
    new = {k: v for k, v in after.items() if before.get(k) != v}
    if new:
        aws_call(f"tagging ({arn})", lambda: client.tag_resource(SecretId=arn, Tags=tag_list(new)))


class SecretVersion(Handler):
    token = "aws:secretsmanager/secretVersion:SecretVersion"
    computed = ("arn", "id", "versionId", "versionStages")
    taggable = False
    optional_computed = frozenset({"versionStages"})

    def create(self, ctx, inputs):
        request = {"SecretId": inputs["secretId"]}
        if inputs.get("secretString") is not None:
            request["SecretString"] = inputs["secretString"]
        if inputs.get("versionStages"):
            request["VersionStages"] = inputs["versionStages"]
        version = aws_call(
            f"putting Secrets Manager Secret ({inputs['secretId']}) value",
            lambda: ctx.client("secretsmanager").put_secret_value(**request),
        )
        stages = inputs.get("versionStages") or ["AWSCURRENT"]
        arn = version["ARN"]
        return f"{arn}|{version['VersionId']}", {
            "arn": arn,
            "versionId": version["VersionId"],
            "versionStages": stages,
        }

    def read(self, ctx, id_, state):
        arn, _, version_id = id_.partition("|")
        found = missing(
            lambda: ctx.client("secretsmanager").get_secret_value(
                SecretId=arn, VersionId=version_id
            )
        )
        if found is None:
            return None
        inputs = {"secretId": arn, "secretString": found.get("SecretString")}
        return inputs, {
            "arn": found["ARN"],
            "versionId": version_id,
            "versionStages": found.get("VersionStages", []),
        }

    def update(self, ctx, id_, olds, news):
        return {}  # only versionStages could change in place; the stack never sets them

    def delete(self, ctx, id_, state):
        # secret_version.go, Delete: every stage the version holds is removed, but AWSCURRENT,
        # which cannot be (it moves only to another version).
        arn, _, version_id = id_.partition("|")
        secrets = ctx.client("secretsmanager")
        found = missing(lambda: secrets.describe_secret(SecretId=arn))
        if found is None or found.get("DeletedDate"):
            return
        for stage in found.get("VersionIdsToStages", {}).get(version_id, []):
            if stage != "AWSCURRENT":
                aws_call(
                    f"removing stage {stage} of ({id_})",
                    lambda s=stage: secrets.update_secret_version_stage(
                        SecretId=arn, VersionStage=s, RemoveFromVersionId=version_id
                    ),
                )


class SecretPolicy(Handler):
    token = "aws:secretsmanager/secretPolicy:SecretPolicy"
    computed = ("id",)
    taggable = False
    defaults = {"blockPublicPolicy": False}

    def create(self, ctx, inputs):
        arn = inputs["secretArn"]
        aws_call(
            f"putting Secrets Manager Secret ({arn}) policy",
            lambda: ctx.client("secretsmanager").put_resource_policy(
                SecretId=arn,
                ResourcePolicy=inputs["policy"],
                BlockPublicPolicy=bool(inputs.get("blockPublicPolicy")),
            ),
        )
        return arn, {}

    def read(self, ctx, id_, state):
        found = missing(lambda: ctx.client("secretsmanager").get_resource_policy(SecretId=id_))
        if found is None or not found.get("ResourcePolicy"):
            return None
        return {
            "secretArn": id_,
            "policy": found["ResourcePolicy"],
            "blockPublicPolicy": state.get("blockPublicPolicy", False),
        }, {}

    def update(self, ctx, id_, olds, news):
        self.create(ctx, news)
        return {}

    def delete(self, ctx, id_, state):
        aws_call(
            f"deleting Secrets Manager Secret ({id_}) policy",
            lambda: ctx.client("secretsmanager").delete_resource_policy(SecretId=id_),
        )


RATE_DAYS = re.compile(r"rate\((\d+) days?\)")


class SecretRotation(Handler):
    token = "aws:secretsmanager/secretRotation:SecretRotation"
    computed = ("id", "rotationEnabled")
    taggable = False
    defaults = {"rotateImmediately": True}

    def create(self, ctx, inputs):
        secret_id = inputs["secretId"]
        rules = inputs.get("rotationRules") or {}
        schedule = rules.get("scheduleExpression")
        days = RATE_DAYS.fullmatch(schedule or "")
        # moto marks a rotation enabled only from AutomaticallyAfterDays, which AWS treats as
        # the same schedule as rate(N days).
        aws_rules = (
            {"AutomaticallyAfterDays": int(days.group(1))}
            if days
            else {"ScheduleExpression": schedule}
            if schedule
            else {"AutomaticallyAfterDays": rules.get("automaticallyAfterDays")}
        )
        secrets = ctx.client("secretsmanager")
        aws_call(
            f"enabling Secrets Manager Secret ({secret_id}) rotation",
            lambda: secrets.rotate_secret(
                SecretId=secret_id,
                RotationLambdaARN=inputs["rotationLambdaArn"],
                RotationRules=aws_rules,
                RotateImmediately=inputs.get("rotateImmediately", True),
            ),
        )
        return secret_id, {"rotationEnabled": True}

    def read(self, ctx, id_, state):
        described = missing(lambda: ctx.client("secretsmanager").describe_secret(SecretId=id_))
        if described is None or not described.get("RotationEnabled"):
            return None
        inputs = {
            k: state[k] for k in ("secretId", "rotationRules", "rotateImmediately") if k in state
        }
        inputs["rotationLambdaArn"] = described.get("RotationLambdaARN")
        return inputs, {"rotationEnabled": True}

    def update(self, ctx, id_, olds, news):
        self.create(ctx, {**news, "rotateImmediately": False})
        return {"rotationEnabled": True}

    def delete(self, ctx, id_, state):
        aws_call(
            f"cancelling Secrets Manager Secret ({id_}) rotation",
            lambda: ctx.client("secretsmanager").cancel_rotate_secret(SecretId=id_),
        )


def secret_json(ctx: Context, secret_id: str) -> dict:
    value = ctx.client("secretsmanager").get_secret_value(SecretId=secret_id)["SecretString"]
    return json.loads(value)
