"""IAM: role, inline role policy and managed policy attachment (terraform-provider-aws
internal/service/iam: a role's id is its name, an inline policy's `role:name`, an attachment's
import id `role/policy-arn`)."""

from __future__ import annotations

import json
from urllib.parse import unquote

from engine.providers.aws.context import aws_call, missing, tag_list, tag_map
from engine.providers.aws.handler import Handler, changed


def _document(value) -> str:
    """IAM answers policy documents URL-encoded (botocore may already have parsed them)."""
    if isinstance(value, str):
        return unquote(value)
    return json.dumps(value)


class Role(Handler):
    token = "aws:iam/role:Role"
    computed = ("arn", "id", "uniqueId", "createDate", "tagsAll")
    defaults = {"forceDetachPolicies": False, "maxSessionDuration": 3600, "path": "/"}
    optional_computed = frozenset({"name", "namePrefix", "inlinePolicies", "managedPolicyArns"})

    def create(self, ctx, inputs):
        name = inputs["name"]
        request = {
            "RoleName": name,
            "AssumeRolePolicyDocument": inputs["assumeRolePolicy"],
            "Path": inputs.get("path") or "/",
            "Tags": tag_list(inputs.get("tags")),
        }
        if inputs.get("description"):
            request["Description"] = inputs["description"]
        if inputs.get("maxSessionDuration"):
            request["MaxSessionDuration"] = inputs["maxSessionDuration"]
        role = aws_call(
            f"creating IAM Role ({name})", lambda: ctx.client("iam").create_role(**request)
        )["Role"]
        return name, _computed(role)

    def read(self, ctx, id_, state):
        found = missing(lambda: ctx.client("iam").get_role(RoleName=id_))
        if found is None:
            return None
        role = found["Role"]
        inputs = {
            "name": role["RoleName"],
            "path": role.get("Path", "/"),
            "assumeRolePolicy": _document(role["AssumeRolePolicyDocument"]),
            "maxSessionDuration": role.get("MaxSessionDuration", 3600),
            "forceDetachPolicies": state.get("forceDetachPolicies", False),
        }
        if role.get("Description"):
            inputs["description"] = role["Description"]
        if role.get("Tags"):
            inputs["tags"] = tag_map(role["Tags"])
        return inputs, _computed(role)

    def update(self, ctx, id_, olds, news):
        iam = ctx.client("iam")
        if changed(olds, news, "assumeRolePolicy"):
            aws_call(
                f"updating IAM Role ({id_}) assume role policy",
                lambda: iam.update_assume_role_policy(
                    RoleName=id_, PolicyDocument=news["assumeRolePolicy"]
                ),
            )
        if changed(olds, news, "description", "maxSessionDuration"):
            request = {"RoleName": id_, "Description": news.get("description", "")}
            if news.get("maxSessionDuration"):
                request["MaxSessionDuration"] = news["maxSessionDuration"]
            aws_call(f"updating IAM Role ({id_})", lambda: iam.update_role(**request))
        before, after = olds.get("tags") or {}, news.get("tags") or {}
        if set(before) - set(after):
            aws_call(
                f"untagging IAM Role ({id_})",
                lambda: iam.untag_role(RoleName=id_, TagKeys=sorted(set(before) - set(after))),
            )
        new = {k: v for k, v in after.items() if before.get(k) != v}
        if new:
            aws_call(
                f"tagging IAM Role ({id_})",
                lambda: iam.tag_role(RoleName=id_, Tags=tag_list(new)),
            )
        return _computed(iam.get_role(RoleName=id_)["Role"])

    def delete(self, ctx, id_, state):
        aws_call(f"deleting IAM Role ({id_})", lambda: ctx.client("iam").delete_role(RoleName=id_))


def _computed(role: dict) -> dict:
    return {
        "arn": role["Arn"],
        "uniqueId": role["RoleId"],
        "createDate": role["CreateDate"].isoformat() if role.get("CreateDate") else "",
    }


class RolePolicy(Handler):
    token = "aws:iam/rolePolicy:RolePolicy"
    computed = ("id",)
    taggable = False

    def create(self, ctx, inputs):
        role, name = inputs["role"], inputs["name"]
        aws_call(
            f"putting IAM Role ({role}) policy ({name})",
            lambda: ctx.client("iam").put_role_policy(
                RoleName=role, PolicyName=name, PolicyDocument=inputs["policy"]
            ),
        )
        return f"{role}:{name}", {}

    def read(self, ctx, id_, state):
        role, _, name = id_.partition(":")
        found = missing(lambda: ctx.client("iam").get_role_policy(RoleName=role, PolicyName=name))
        if found is None:
            return None
        return {"role": role, "name": name, "policy": _document(found["PolicyDocument"])}, {}

    def update(self, ctx, id_, olds, news):
        self.create(ctx, news)
        return {}

    def delete(self, ctx, id_, state):
        role, _, name = id_.partition(":")
        aws_call(
            f"deleting IAM Role ({role}) policy ({name})",
            lambda: ctx.client("iam").delete_role_policy(RoleName=role, PolicyName=name),
        )


class RolePolicyAttachment(Handler):
    token = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
    computed = ("id",)
    taggable = False

    def create(self, ctx, inputs):
        role, policy = inputs["role"], inputs["policyArn"]
        aws_call(
            f"attaching IAM Policy ({policy}) to IAM Role ({role})",
            lambda: ctx.client("iam").attach_role_policy(RoleName=role, PolicyArn=policy),
        )
        return f"{role}/{policy}", {}

    def read(self, ctx, id_, state):
        role, _, policy = id_.partition("/")
        found = missing(lambda: ctx.client("iam").list_attached_role_policies(RoleName=role))
        if found is None or policy not in {p["PolicyArn"] for p in found["AttachedPolicies"]}:
            return None
        return {"role": role, "policyArn": policy}, {}

    def delete(self, ctx, id_, state):
        role, policy = state["role"], state["policyArn"]
        aws_call(
            f"detaching IAM Policy ({policy}) from IAM Role ({role})",
            lambda: ctx.client("iam").detach_role_policy(RoleName=role, PolicyArn=policy),
        )
