"""The CloudWatch dashboard of the secrets: alarm states and the metrics behind them."""

from __future__ import annotations

import json

from components.signals import METRIC_NAMESPACE, PERIOD_SECONDS, RETRIEVAL_DIMENSIONS
from stack_model.naming import StackNames


def secrets_dashboard(
    names: StackNames, region: str, alarm_arns: list[str], with_trail: bool
) -> str:
    def metric_widget(title: str, metrics: list, y: int) -> dict:
        return {
            "type": "metric",
            "x": 0,
            "y": y,
            "width": 24,
            "height": 6,
            "properties": {
                "title": title,
                "region": region,
                "stat": "Sum",
                "period": PERIOD_SECONDS,
                "view": "timeSeries",
                "metrics": metrics,
            },
        }

    widgets = [
        {
            "type": "alarm",
            "x": 0,
            "y": 0,
            "width": 24,
            "height": 3,
            "properties": {"title": f"{names.prefix} secrets alarms", "alarms": alarm_arns},
        },
        metric_widget(
            "GetSecretValue calls (account, region)",
            [["AWS/Usage", "CallCount", *[x for kv in RETRIEVAL_DIMENSIONS.items() for x in kv]]],
            3,
        ),
    ]
    if with_trail:
        widgets.append(
            metric_widget(
                "Access problems (this stack's secrets)",
                [
                    [METRIC_NAMESPACE, names.metric("UnauthorizedAccess")],
                    [METRIC_NAMESPACE, names.metric("FailedRetrievals")],
                ],
                9,
            )
        )
        widgets.append(
            metric_widget(
                "Rotations",
                [
                    [METRIC_NAMESPACE, names.metric("RotationSucceeded")],
                    [METRIC_NAMESPACE, names.metric("RotationFailed")],
                ],
                15,
            )
        )
    return json.dumps({"widgets": widgets})
