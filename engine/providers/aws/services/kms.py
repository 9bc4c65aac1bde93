"""KMS: key and alias (terraform-provider-aws internal/service/kms: a key's id is its key id, an
alias's its name; deleting a key schedules its deletion after deletionWindowInDays)."""

from __future__ import annotations

from engine.providers.aws.context import aws_call, missing, tag_list, tag_map
from engine.providers.aws.handler import Handler, changed


class Key(Handler):
    token = "aws:kms/key:Key"
    computed = ("arn", "id", "keyId", "tagsAll")
    defaults = {
        "bypassPolicyLockoutSafetyCheck": False,
        "customerMasterKeySpec": "SYMMETRIC_DEFAULT",
        "enableKeyRotation": False,
        "isEnabled": True,
        "keyUsage": "ENCRYPT_DECRYPT",
    }
    optional_computed = frozenset({"description", "policy", "multiRegion", "rotationPeriodInDays"})

    def create(self, ctx, inputs):
        request = {
            "KeyUsage": inputs.get("keyUsage") or "ENCRYPT_DECRYPT",
            "KeySpec": inputs.get("customerMasterKeySpec") or "SYMMETRIC_DEFAULT",
            "MultiRegion": bool(inputs.get("multiRegion")),
            "Tags": tag_list(inputs.get("tags"), "TagKey", "TagValue"),
        }
        if inputs.get("description"):
            request["Description"] = inputs["description"]
        if inputs.get("policy"):
            request["Policy"] = inputs["policy"]
        kms = ctx.client("kms")
        key = aws_call("creating KMS Key", lambda: kms.create_key(**request))["KeyMetadata"]
        self._rotation(ctx, key["KeyId"], inputs)
        return key["KeyId"], {"arn": key["Arn"], "keyId": key["KeyId"]}

    def _rotation(self, ctx, key_id: str, inputs: dict) -> None:
        kms = ctx.client("kms")
        if inputs.get("enableKeyRotation"):
            aws_call(
                f"enabling KMS Key ({key_id}) rotation",
                lambda: kms.enable_key_rotation(KeyId=key_id),
            )
        else:
            aws_call(
                f"disabling KMS Key ({key_id}) rotation",
                lambda: kms.disable_key_rotation(KeyId=key_id),
            )

    def read(self, ctx, id_, state):
        kms = ctx.client("kms")
        found = missing(lambda: kms.describe_key(KeyId=id_))
        if found is None or found["KeyMetadata"].get("KeyState") == "PendingDeletion":
            return None
        key = found["KeyMetadata"]
        inputs = {
            "description": key.get("Description", ""),
            "keyUsage": key.get("KeyUsage"),
            "customerMasterKeySpec": key.get("KeySpec"),
            "multiRegion": key.get("MultiRegion", False),
            "enableKeyRotation": kms.get_key_rotation_status(KeyId=id_)["KeyRotationEnabled"],
            "policy": kms.get_key_policy(KeyId=id_, PolicyName="default")["Policy"],
            "deletionWindowInDays": state.get("deletionWindowInDays", 30),
            "isEnabled": key.get("Enabled", True),
        }
        tags = tag_map(kms.list_resource_tags(KeyId=id_).get("Tags"), "TagKey", "TagValue")
        if tags:
            inputs["tags"] = tags
        return inputs, {"arn": key["Arn"], "keyId": key["KeyId"]}

    def update(self, ctx, id_, olds, news):
        kms = ctx.client("kms")
        if changed(olds, news, "description"):
            aws_call(
                f"updating KMS Key ({id_}) description",
                lambda: kms.update_key_description(
                    KeyId=id_, Description=news.get("description", "")
                ),
            )
        if changed(olds, news, "policy") and news.get("policy"):
            aws_call(
                f"updating KMS Key ({id_}) policy",
                lambda: kms.put_key_policy(KeyId=id_, PolicyName="default", Policy=news["policy"]),
            )
        if changed(olds, news, "enableKeyRotation"):
            self._rotation(ctx, id_, news)
        before, after = olds.get("tags") or {}, news.get("tags") or {}
        if set(before) - set(after):
            kms.untag_resource(KeyId=id_, TagKeys=sorted(set(before) - set(after)))
        new = {k: v for k, v in after.items() if before.get(k) != v}
        if new:
            kms.tag_resource(KeyId=id_, Tags=tag_list(new, "TagKey", "TagValue"))
        key = kms.describe_key(KeyId=id_)["KeyMetadata"]
        return {"arn": key["Arn"], "keyId": key["KeyId"]}

    def delete(self, ctx, id_, state):
        aws_call(
            f"scheduling KMS Key ({id_}) deletion",
            lambda: ctx.client("kms").schedule_key_deletion(
                KeyId=id_, PendingWindowInDays=state.get("deletionWindowInDays") or 30
            ),
        )


class Alias(Handler):
    token = "aws:kms/alias:Alias"
    computed = ("arn", "id", "targetKeyArn")
    taggable = False

    def create(self, ctx, inputs):
        name = inputs["name"]
        aws_call(
            f"creating KMS Alias ({name})",
            lambda: ctx.client("kms").create_alias(
                AliasName=name, TargetKeyId=inputs["targetKeyId"]
            ),
        )
        return name, self._computed(ctx, name, inputs["targetKeyId"])

    def _computed(self, ctx, name: str, target: str) -> dict:
        key = ctx.client("kms").describe_key(KeyId=target)["KeyMetadata"]
        return {"arn": ctx.arn("kms", name), "targetKeyArn": key["Arn"]}

    def read(self, ctx, id_, state):
        aliases = ctx.client("kms").list_aliases()["Aliases"]
        found = next((a for a in aliases if a["AliasName"] == id_), None)
        if found is None:
            return None
        inputs = {"name": id_, "targetKeyId": found.get("TargetKeyId")}
        return inputs, self._computed(ctx, id_, found["TargetKeyId"])

    def update(self, ctx, id_, olds, news):
        aws_call(
            f"updating KMS Alias ({id_})",
            lambda: ctx.client("kms").update_alias(AliasName=id_, TargetKeyId=news["targetKeyId"]),
        )
        return self._computed(ctx, id_, news["targetKeyId"])

    def delete(self, ctx, id_, state):
        aws_call(
            f"deleting KMS Alias ({id_})", lambda: ctx.client("kms").delete_alias(AliasName=id_)
        )
