"""SNS topics, their policies and subscriptions; CloudWatch alarms and dashboards; EventBridge
rules and targets (terraform-provider-aws internal/service/sns, cloudwatch and events: a topic's
id is its ARN, an alarm's and a rule's their names, a target's `<rule>-<target id>`)."""

from __future__ import annotations

import json
import uuid

from engine.providers.aws.context import aws_call, missing, tag_list, tag_map
from engine.providers.aws.handler import Handler

TOPIC_ATTRIBUTES = (
    ("kmsMasterKeyId", "KmsMasterKeyId"),
    ("displayName", "DisplayName"),
    ("policy", "Policy"),
    ("deliveryPolicy", "DeliveryPolicy"),
)


class Topic(Handler):
    token = "aws:sns/topic:Topic"
    computed = ("arn", "id", "owner", "tagsAll")
    defaults = {"fifoTopic": False, "contentBasedDeduplication": False}
    optional_computed = frozenset(
        {"policy", "deliveryPolicy", "name", "namePrefix", "signatureVersion"}
    )

    def create(self, ctx, inputs):
        attributes = {field: inputs[name] for name, field in TOPIC_ATTRIBUTES if inputs.get(name)}
        arn = aws_call(
            f"creating SNS Topic ({inputs['name']})",
            lambda: ctx.client("sns").create_topic(
                Name=inputs["name"], Attributes=attributes, Tags=tag_list(inputs.get("tags"))
            ),
        )["TopicArn"]
        return arn, {"arn": arn, "owner": ctx.account}

    def read(self, ctx, id_, state):
        sns = ctx.client("sns")
        found = missing(lambda: sns.get_topic_attributes(TopicArn=id_))
        if found is None:
            return None
        attributes = found["Attributes"]
        inputs = {
            "name": id_.rsplit(":", 1)[-1],
            "fifoTopic": False,
            "contentBasedDeduplication": False,
        }
        for name, field in TOPIC_ATTRIBUTES:
            if attributes.get(field):
                inputs[name] = attributes[field]
        tags = tag_map(sns.list_tags_for_resource(ResourceArn=id_).get("Tags"))
        if tags:
            inputs["tags"] = tags
        return inputs, {"arn": id_, "owner": attributes.get("Owner", ctx.account)}

    def update(self, ctx, id_, olds, news):
        sns = ctx.client("sns")
        for name, field in TOPIC_ATTRIBUTES:
            if olds.get(name) != news.get(name) and name != "policy":
                sns.set_topic_attributes(
                    TopicArn=id_, AttributeName=field, AttributeValue=news.get(name) or ""
                )
        if news.get("tags"):
            sns.tag_resource(ResourceArn=id_, Tags=tag_list(news["tags"]))
        return {"arn": id_, "owner": ctx.account}

    def delete(self, ctx, id_, state):
        aws_call(
            f"deleting SNS Topic ({id_})", lambda: ctx.client("sns").delete_topic(TopicArn=id_)
        )


class TopicPolicy(Handler):
    token = "aws:sns/topicPolicy:TopicPolicy"
    computed = ("id", "owner")
    taggable = False

    def create(self, ctx, inputs):
        arn = inputs["arn"]
        aws_call(
            f"setting SNS Topic ({arn}) policy",
            lambda: ctx.client("sns").set_topic_attributes(
                TopicArn=arn, AttributeName="Policy", AttributeValue=inputs["policy"]
            ),
        )
        return arn, {"owner": ctx.account}

    def update(self, ctx, id_, olds, news):
        return self.create(ctx, news)[1]

    def delete(self, ctx, id_, state):
        # topic_policy.go, Delete: the topic gets AWS's default policy back.
        default = {
            "Version": "2008-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": "*"},
                    "Action": "SNS:Publish",
                    "Resource": id_,
                    "Condition": {"StringEquals": {"AWS:SourceOwner": ctx.account}},
                }
            ],
        }
        missing(
            lambda: ctx.client("sns").set_topic_attributes(
                TopicArn=id_, AttributeName="Policy", AttributeValue=json.dumps(default)
            )
        )


class TopicSubscription(Handler):
    token = "aws:sns/topicSubscription:TopicSubscription"
    computed = ("arn", "id", "ownerId", "pendingConfirmation", "confirmationWasAuthenticated")
    taggable = False
    defaults = {
        "rawMessageDelivery": False,
        "confirmationTimeoutInMinutes": 1,
        "endpointAutoConfirms": False,
    }

    def create(self, ctx, inputs):
        arn = aws_call(
            f"creating SNS Topic Subscription ({inputs['topic']})",
            lambda: ctx.client("sns").subscribe(
                TopicArn=inputs["topic"],
                Protocol=inputs["protocol"],
                Endpoint=inputs["endpoint"],
                ReturnSubscriptionArn=True,
            ),
        )["SubscriptionArn"]
        return arn, {
            "arn": arn,
            "ownerId": ctx.account,
            "pendingConfirmation": inputs["protocol"] == "email",
        }

    def update(self, ctx, id_, olds, news):
        return {}

    def delete(self, ctx, id_, state):
        missing(lambda: ctx.client("sns").unsubscribe(SubscriptionArn=id_))


ALARM_FIELDS = (
    ("alarmDescription", "AlarmDescription"),
    ("comparisonOperator", "ComparisonOperator"),
    ("evaluationPeriods", "EvaluationPeriods"),
    ("metricName", "MetricName"),
    ("namespace", "Namespace"),
    ("period", "Period"),
    ("statistic", "Statistic"),
    ("threshold", "Threshold"),
    ("treatMissingData", "TreatMissingData"),
    ("datapointsToAlarm", "DatapointsToAlarm"),
    ("alarmActions", "AlarmActions"),
    ("okActions", "OKActions"),
    ("insufficientDataActions", "InsufficientDataActions"),
    ("actionsEnabled", "ActionsEnabled"),
    ("unit", "Unit"),
)


class MetricAlarm(Handler):
    token = "aws:cloudwatch/metricAlarm:MetricAlarm"
    computed = ("arn", "id", "tagsAll")
    defaults = {"actionsEnabled": True, "treatMissingData": "missing"}

    def create(self, ctx, inputs):
        request = {"AlarmName": inputs["name"], "Tags": tag_list(inputs.get("tags"))}
        for name, field in ALARM_FIELDS:
            if inputs.get(name) is not None:
                request[field] = inputs[name]
        if inputs.get("dimensions"):
            request["Dimensions"] = [
                {"Name": k, "Value": v} for k, v in sorted(inputs["dimensions"].items())
            ]
        aws_call(
            f"creating CloudWatch Metric Alarm ({inputs['name']})",
            lambda: ctx.client("cloudwatch").put_metric_alarm(**request),
        )
        return inputs["name"], {"arn": ctx.arn("cloudwatch", f"alarm:{inputs['name']}")}

    def read(self, ctx, id_, state):
        cloudwatch = ctx.client("cloudwatch")
        alarms = cloudwatch.describe_alarms(AlarmNames=[id_])["MetricAlarms"]
        if not alarms:
            return None
        alarm = alarms[0]
        inputs = {"name": id_}
        for name, field in ALARM_FIELDS:
            if alarm.get(field) not in (None, []):
                inputs[name] = alarm[field]
        if alarm.get("Dimensions"):
            inputs["dimensions"] = {d["Name"]: d["Value"] for d in alarm["Dimensions"]}
        tags = tag_map(cloudwatch.list_tags_for_resource(ResourceARN=alarm["AlarmArn"])["Tags"])
        if tags:
            inputs["tags"] = tags
        return inputs, {"arn": alarm["AlarmArn"]}

    def update(self, ctx, id_, olds, news):
        return self.create(ctx, news)[1]

    def delete(self, ctx, id_, state):
        aws_call(
            f"deleting CloudWatch Metric Alarm ({id_})",
            lambda: ctx.client("cloudwatch").delete_alarms(AlarmNames=[id_]),
        )


class Dashboard(Handler):
    token = "aws:cloudwatch/dashboard:Dashboard"
    computed = ("dashboardArn", "id")
    taggable = False

    def create(self, ctx, inputs):
        name = inputs["dashboardName"]
        aws_call(
            f"creating CloudWatch Dashboard ({name})",
            lambda: ctx.client("cloudwatch").put_dashboard(
                DashboardName=name, DashboardBody=inputs["dashboardBody"]
            ),
        )
        return name, {"dashboardArn": f"arn:aws:cloudwatch::{ctx.account}:dashboard/{name}"}

    def update(self, ctx, id_, olds, news):
        return self.create(ctx, news)[1]

    def delete(self, ctx, id_, state):
        aws_call(
            f"deleting CloudWatch Dashboard ({id_})",
            lambda: ctx.client("cloudwatch").delete_dashboards(DashboardNames=[id_]),
        )


class EventRule(Handler):
    token = "aws:cloudwatch/eventRule:EventRule"
    computed = ("arn", "id", "tagsAll")
    defaults = {"eventBusName": "default", "state": "ENABLED"}

    def create(self, ctx, inputs):
        request = {
            "Name": inputs["name"],
            "State": inputs.get("state") or "ENABLED",
            "Tags": tag_list(inputs.get("tags")),
        }
        for name, field in (
            ("eventPattern", "EventPattern"),
            ("description", "Description"),
            ("scheduleExpression", "ScheduleExpression"),
            ("roleArn", "RoleArn"),
        ):
            if inputs.get(name):
                request[field] = inputs[name]
        arn = aws_call(
            f"creating EventBridge Rule ({inputs['name']})",
            lambda: ctx.client("events").put_rule(**request),
        )["RuleArn"]
        return inputs["name"], {"arn": arn}

    def update(self, ctx, id_, olds, news):
        return self.create(ctx, news)[1]

    def delete(self, ctx, id_, state):
        aws_call(
            f"deleting EventBridge Rule ({id_})", lambda: ctx.client("events").delete_rule(Name=id_)
        )


class EventTarget(Handler):
    token = "aws:cloudwatch/eventTarget:EventTarget"
    computed = ("id", "targetId")
    taggable = False
    defaults = {"eventBusName": "default", "forceDestroy": False}

    def create(self, ctx, inputs):
        # target.go: a target without an id gets a unique one (sdkid.UniqueId: "terraform-...").
        target_id = inputs.get("targetId") or f"terraform-{uuid.uuid4().hex[:26]}"
        target = {"Id": target_id, "Arn": inputs["arn"]}
        for name, field in (("roleArn", "RoleArn"), ("input", "Input")):
            if inputs.get(name):
                target[field] = inputs[name]
        aws_call(
            f"creating EventBridge Target ({inputs['rule']}-{target_id})",
            lambda: ctx.client("events").put_targets(Rule=inputs["rule"], Targets=[target]),
        )
        return f"{inputs['rule']}-{target_id}", {"targetId": target_id}

    def update(self, ctx, id_, olds, news):
        return self.create(ctx, {**news, "targetId": news.get("targetId") or olds.get("targetId")})[
            1
        ]

    def delete(self, ctx, id_, state):
        missing(
            lambda: ctx.client("events").remove_targets(Rule=state["rule"], Ids=[state["targetId"]])
        )
