"""ECS task definitions and CloudWatch Logs (terraform-provider-aws internal/service/ecs and
internal/service/logs: a task definition's id is its family, and a delete deregisters the
revision; a log group's id is its name)."""

from __future__ import annotations

import json

from engine.providers.aws.context import aws_call, missing, tag_list, tag_map
from engine.providers.aws.handler import Handler, changed

TASK_FIELDS = (
    ("cpu", "cpu"),
    ("memory", "memory"),
    ("networkMode", "networkMode"),
    ("requiresCompatibilities", "requiresCompatibilities"),
    ("executionRoleArn", "executionRoleArn"),
    ("taskRoleArn", "taskRoleArn"),
    ("pidMode", "pidMode"),
    ("ipcMode", "ipcMode"),
)


class TaskDefinition(Handler):
    token = "aws:ecs/taskDefinition:TaskDefinition"
    computed = ("arn", "arnWithoutRevision", "id", "revision", "tagsAll")
    defaults = {"skipDestroy": False, "trackLatest": False}
    optional_computed = frozenset({"networkMode", "enableFaultInjection"})

    def create(self, ctx, inputs):
        request = {
            "family": inputs["family"],
            "containerDefinitions": json.loads(inputs["containerDefinitions"]),
        }
        for name, field in TASK_FIELDS:
            if inputs.get(name):
                request[field] = inputs[name]
        if inputs.get("tags"):
            request["tags"] = tag_list(inputs["tags"], "key", "value")
        registered = aws_call(
            f"creating ECS Task Definition ({inputs['family']})",
            lambda: ctx.client("ecs").register_task_definition(**request),
        )["taskDefinition"]
        return inputs["family"], _computed(registered)

    def read(self, ctx, id_, state):
        wanted = state.get("arn") or id_
        found = missing(
            lambda: ctx.client("ecs").describe_task_definition(
                taskDefinition=wanted, include=["TAGS"]
            )
        )
        if found is None or found["taskDefinition"].get("status") == "INACTIVE":
            return None
        definition = found["taskDefinition"]
        inputs = {
            "family": definition["family"],
            "containerDefinitions": json.dumps(definition["containerDefinitions"]),
        }
        for name, field in TASK_FIELDS:
            if definition.get(field):
                inputs[name] = definition[field]
        if found.get("tags"):
            inputs["tags"] = tag_map(found["tags"], "key", "value")
        return inputs, _computed(definition)

    def update(self, ctx, id_, olds, news):
        return {}  # tags only (every other input registers a new revision)

    def delete(self, ctx, id_, state):
        if state.get("skipDestroy"):
            return
        aws_call(
            f"deregistering ECS Task Definition ({state.get('arn', id_)})",
            lambda: ctx.client("ecs").deregister_task_definition(
                taskDefinition=state.get("arn", id_)
            ),
        )


def _computed(definition: dict) -> dict:
    arn = definition["taskDefinitionArn"]
    return {
        "arn": arn,
        "arnWithoutRevision": arn.rsplit(":", 1)[0],
        "revision": definition["revision"],
    }


class LogGroup(Handler):
    token = "aws:cloudwatch/logGroup:LogGroup"
    computed = ("arn", "id", "tagsAll")
    defaults = {"retentionInDays": 0, "skipDestroy": False}
    optional_computed = frozenset({"logGroupClass", "namePrefix", "name"})

    def create(self, ctx, inputs):
        name = inputs["name"]
        logs = ctx.client("logs")
        request = {"logGroupName": name, "tags": dict(inputs.get("tags") or {})}
        if inputs.get("kmsKeyId"):
            request["kmsKeyId"] = inputs["kmsKeyId"]
        aws_call(
            f"creating CloudWatch Logs Log Group ({name})", lambda: logs.create_log_group(**request)
        )
        self._retention(ctx, name, inputs)
        return name, {"arn": ctx.arn("logs", f"log-group:{name}")}

    def _retention(self, ctx, name: str, inputs: dict) -> None:
        logs = ctx.client("logs")
        days = inputs.get("retentionInDays") or 0
        if days:
            aws_call(
                f"setting CloudWatch Logs Log Group ({name}) retention",
                lambda: logs.put_retention_policy(logGroupName=name, retentionInDays=days),
            )
        else:
            aws_call(
                f"removing CloudWatch Logs Log Group ({name}) retention",
                lambda: logs.delete_retention_policy(logGroupName=name),
            )

    def read(self, ctx, id_, state):
        groups = ctx.client("logs").describe_log_groups(logGroupNamePrefix=id_)["logGroups"]
        group = next((g for g in groups if g["logGroupName"] == id_), None)
        if group is None:
            return None
        inputs = {
            "name": id_,
            "retentionInDays": group.get("retentionInDays", 0),
            "skipDestroy": state.get("skipDestroy", False),
        }
        if group.get("kmsKeyId"):
            inputs["kmsKeyId"] = group["kmsKeyId"]
        tags = ctx.client("logs").list_tags_log_group(logGroupName=id_).get("tags") or {}
        if tags:
            inputs["tags"] = tags
        return inputs, {"arn": ctx.arn("logs", f"log-group:{id_}")}

    def update(self, ctx, id_, olds, news):
        logs = ctx.client("logs")
        if changed(olds, news, "retentionInDays"):
            self._retention(ctx, id_, news)
        if changed(olds, news, "kmsKeyId"):
            # AssociateKmsKey and DisassociateKmsKey: moto answers 500 (not implemented).
            ctx.note(f"moto does not emulate AssociateKmsKey: {id_}'s key is in the state only")
        before, after = olds.get("tags") or {}, news.get("tags") or {}
        if set(before) - set(after):
            logs.untag_log_group(logGroupName=id_, tags=sorted(set(before) - set(after)))
        if after:
            logs.tag_log_group(logGroupName=id_, tags=after)
        return {"arn": ctx.arn("logs", f"log-group:{id_}")}

    def delete(self, ctx, id_, state):
        aws_call(
            f"deleting CloudWatch Logs Log Group ({id_})",
            lambda: ctx.client("logs").delete_log_group(logGroupName=id_),
        )


class LogMetricFilter(Handler):
    token = "aws:cloudwatch/logMetricFilter:LogMetricFilter"
    computed = ("id",)
    taggable = False

    def create(self, ctx, inputs):
        transformation = inputs["metricTransformation"]
        aws_transformation = {
            "metricName": transformation["name"],
            "metricNamespace": transformation["namespace"],
            "metricValue": transformation["value"],
        }
        if transformation.get("defaultValue") is not None:
            aws_transformation["defaultValue"] = float(transformation["defaultValue"])
        aws_call(
            f"creating CloudWatch Logs Metric Filter ({inputs['name']})",
            lambda: ctx.client("logs").put_metric_filter(
                logGroupName=inputs["logGroupName"],
                filterName=inputs["name"],
                filterPattern=inputs.get("pattern", ""),
                metricTransformations=[aws_transformation],
            ),
        )
        return inputs["name"], {}

    def update(self, ctx, id_, olds, news):
        self.create(ctx, news)
        return {}

    def delete(self, ctx, id_, state):
        aws_call(
            f"deleting CloudWatch Logs Metric Filter ({id_})",
            lambda: ctx.client("logs").delete_metric_filter(
                logGroupName=state["logGroupName"], filterName=id_
            ),
        )
