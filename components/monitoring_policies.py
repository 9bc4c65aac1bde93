"""The alarm topic's key policy and topic policy: who may publish to the stack's alarm topic."""

from __future__ import annotations

from stack_model.policy_documents import account_administers_key, policy_document, statement


def topic_key_policy(account: str) -> str:
    # CloudWatch and EventBridge cannot publish to a topic encrypted with the AWS-managed
    # aws/sns key; they need these grants on a key of ours.
    return policy_document(
        account_administers_key(account),
        statement(
            ["kms:Decrypt", "kms:GenerateDataKey*"],
            "*",
            sid="AlarmPublishers",
            principal={"Service": ["cloudwatch.amazonaws.com", "events.amazonaws.com"]},
            condition={"StringEquals": {"aws:SourceAccount": account}},
        ),
    )


def topic_policy(topic_arn: str, account: str, rule_arn: str | None, alarm_arns: list[str]) -> str:
    """Only this stack's alarms (and rotation rule, where there is one) publish; the account
    manages the topic."""
    publishers = [
        statement(
            "sns:Publish",
            topic_arn,
            sid="StackAlarmsPublish",
            principal={"Service": "cloudwatch.amazonaws.com"},
            condition={"ArnEquals": {"aws:SourceArn": alarm_arns}},
        )
    ]
    if rule_arn:
        publishers.append(
            statement(
                "sns:Publish",
                topic_arn,
                sid="RotationRulePublishes",
                principal={"Service": "events.amazonaws.com"},
                condition={"ArnEquals": {"aws:SourceArn": rule_arn}},
            )
        )
    return policy_document(
        *publishers,
        statement(
            [
                "sns:GetTopicAttributes",
                "sns:SetTopicAttributes",
                "sns:Subscribe",
                "sns:ListSubscriptionsByTopic",
            ],
            topic_arn,
            sid="AccountManages",
            principal={"AWS": f"arn:aws:iam::{account}:root"},
        ),
    )
