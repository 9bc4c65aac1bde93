"""Where a component's resources are made: the account and region of the provider it inherits,
asked through invokes parented to the component (so an explicit provider on it is the one asked)."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws


def account_of(component: pulumi.Resource) -> pulumi.Output[str]:
    options = pulumi.InvokeOutputOptions(parent=component)
    return aws.get_caller_identity_output(opts=options).account_id


def region_of(component: pulumi.Resource) -> pulumi.Output[str]:
    return aws.get_region_output(opts=pulumi.InvokeOutputOptions(parent=component)).region
