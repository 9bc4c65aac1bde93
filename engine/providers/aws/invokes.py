"""The aws data sources the programs call, answered from the moto server as the real provider
answers them from AWS (property names as the SDK reads them)."""

from __future__ import annotations

from engine.providers.aws.context import Context, aws_call
from engine.providers.server import ProviderError


def _caller_identity(ctx: Context, args: dict) -> dict:
    who = aws_call("reading the caller identity", ctx.clients("sts").get_caller_identity)
    return {
        "accountId": who["Account"],
        "arn": who["Arn"],
        "userId": who["UserId"],
        "id": who["Account"],
    }


def _region(ctx: Context, args: dict) -> dict:
    region = args.get("region") or args.get("name") or ctx.region
    return {
        "name": region,
        "region": region,
        "id": region,
        "endpoint": f"ec2.{region}.amazonaws.com",
        "description": region,
    }


def _partition(ctx: Context, args: dict) -> dict:
    return {
        "partition": "aws",
        "dnsSuffix": "amazonaws.com",
        "id": "aws",
        "reverseDnsPrefix": "com.amazonaws",
    }


def _function(ctx: Context, args: dict) -> dict:
    name = args["functionName"]
    found = aws_call(
        f"reading Lambda Function ({name})",
        lambda: ctx.client("lambda").get_function(FunctionName=name),
    )["Configuration"]
    return {
        "functionName": found["FunctionName"],
        "arn": found["FunctionArn"],
        "qualifiedArn": f"{found['FunctionArn']}:{found.get('Version', '$LATEST')}",
        "role": found["Role"],
        "runtime": found.get("Runtime", ""),
        "handler": found.get("Handler", ""),
        "id": name,
    }


INVOKES = {
    "aws:index/getCallerIdentity:getCallerIdentity": _caller_identity,
    "aws:index/getRegion:getRegion": _region,
    "aws:index/getPartition:getPartition": _partition,
    "aws:lambda/getFunction:getFunction": _function,
}


def invoke(ctx: Context, token: str, args: dict) -> dict:
    answer = INVOKES.get(token)
    if answer is None:
        raise ProviderError(f"the aws stand-in does not answer {token} (engine/providers/aws)")
    return answer(ctx, args)
