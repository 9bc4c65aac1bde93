"""What runs code or holds the database: the Serverless Application Repository stack of the
rotation function, and RDS instances (the database example).

The application stack is not emulated by moto. Its state is computed in AWS's shape (a
CloudFormation stack ARN, the template's `RotationLambdaARN` output), and what its template
creates is made in moto, so that what reads it works on what the engine made: the function (with
no code to run), its execution role, and the permission for Secrets Manager to invoke it
(SecretsManagerRDSPostgreSQLRotationMultiUser's template: the function, its role, the
permission).
"""

from __future__ import annotations

import json
import uuid

from engine.providers.aws.context import aws_call, missing, tag_list
from engine.providers.aws.handler import Handler
from tests.support.function_stub import HANDLER, LAMBDA_TRUST, RUNTIME, code_that_does_nothing


class RotationApplication(Handler):
    token = "aws:serverlessrepository/cloudFormationStack:CloudFormationStack"
    computed = ("id", "outputs", "tagsAll")
    emulated = False

    def create(self, ctx, inputs):
        parameters = inputs.get("parameters") or {}
        if isinstance(parameters, str):
            parameters = json.loads(parameters)
        function = parameters.get("functionName") or inputs["name"]
        iam, lambda_ = ctx.client("iam"), ctx.client("lambda")
        role = aws_call(
            f"creating the application's role ({function})",
            lambda: iam.create_role(
                RoleName=f"{function}-role-{uuid.uuid4().hex[:12]}",
                AssumeRolePolicyDocument=LAMBDA_TRUST,
            ),
        )["Role"]
        created = aws_call(
            f"creating the application's function ({function})",
            lambda: lambda_.create_function(
                FunctionName=function,
                Runtime=RUNTIME,
                Role=role["Arn"],
                Handler=HANDLER,
                Code={"ZipFile": code_that_does_nothing()},
                Tags=dict(inputs.get("tags") or {}),
            ),
        )
        aws_call(
            f"adding the application's permission ({function})",
            lambda: lambda_.add_permission(
                FunctionName=function,
                StatementId="SecretsManagerAccess",
                Action="lambda:InvokeFunction",
                Principal="secretsmanager.amazonaws.com",
            ),
        )
        stack = f"serverlessrepo-{inputs['name']}"
        arn = ctx.arn("cloudformation", f"stack/{stack}/{uuid.uuid4()}")
        return arn, {"outputs": {"RotationLambdaARN": created["FunctionArn"]}}

    def update(self, ctx, id_, olds, news):
        return {}  # parameters change the CloudFormation stack; nothing moto holds changes

    def delete(self, ctx, id_, state):
        parameters = state.get("parameters") or {}
        if isinstance(parameters, str):
            parameters = json.loads(parameters)
        function = parameters.get("functionName") or state["name"]
        lambda_ = ctx.client("lambda")
        found = missing(lambda: lambda_.get_function(FunctionName=function))
        if found is None:
            return
        lambda_.delete_function(FunctionName=function)
        role = found["Configuration"]["Role"].rsplit("/", 1)[-1]
        missing(lambda: ctx.client("iam").delete_role(RoleName=role))


class DatabaseInstance(Handler):
    token = "aws:rds/instance:Instance"
    computed = (
        "address",
        "arn",
        "endpoint",
        "id",
        "masterUserSecrets",
        "port",
        "resourceId",
        "tagsAll",
    )

    def create(self, ctx, inputs):
        identifier = inputs["identifier"]
        request = {
            "DBInstanceIdentifier": identifier,
            "DBInstanceClass": inputs["instanceClass"],
            "Engine": inputs["engine"],
            "AllocatedStorage": int(inputs.get("allocatedStorage") or 20),
            "Tags": tag_list(inputs.get("tags")),
        }
        for name, field in (
            ("engineVersion", "EngineVersion"),
            ("dbName", "DBName"),
            ("username", "MasterUsername"),
            ("password", "MasterUserPassword"),
            ("storageEncrypted", "StorageEncrypted"),
            ("deletionProtection", "DeletionProtection"),
            ("publiclyAccessible", "PubliclyAccessible"),
            ("backupRetentionPeriod", "BackupRetentionPeriod"),
            ("manageMasterUserPassword", "ManageMasterUserPassword"),
        ):
            if inputs.get(name) is not None:
                request[field] = inputs[name]
        instance = aws_call(
            f"creating RDS DB Instance ({identifier})",
            lambda: ctx.client("rds").create_db_instance(**request),
        )["DBInstance"]
        return identifier, _computed(instance)

    def update(self, ctx, id_, olds, news):
        found = ctx.client("rds").describe_db_instances(DBInstanceIdentifier=id_)
        return _computed(found["DBInstances"][0])

    def delete(self, ctx, id_, state):
        rds = ctx.client("rds")
        if state.get("deletionProtection"):
            rds.modify_db_instance(DBInstanceIdentifier=id_, DeletionProtection=False)
        aws_call(
            f"deleting RDS DB Instance ({id_})",
            lambda: rds.delete_db_instance(DBInstanceIdentifier=id_, SkipFinalSnapshot=True),
        )


def _computed(instance: dict) -> dict:
    endpoint = instance.get("Endpoint") or {}
    secret = instance.get("MasterUserSecret")
    return {
        "address": endpoint.get("Address", ""),
        "port": endpoint.get("Port", 5432),
        "endpoint": f"{endpoint.get('Address', '')}:{endpoint.get('Port', 5432)}",
        "arn": instance["DBInstanceArn"],
        "resourceId": instance.get("DbiResourceId", ""),
        "masterUserSecrets": [
            {
                "secretArn": secret["SecretArn"],
                "secretStatus": secret.get("SecretStatus", "active"),
                "kmsKeyId": secret.get("KmsKeyId", ""),
            }
        ]
        if secret
        else [],
    }


class StateMachine(Handler):
    """A Step Functions state machine (terraform-provider-aws internal/service/sfn: its id is
    its ARN); moto stores it, and runs nothing."""

    token = "aws:sfn/stateMachine:StateMachine"
    computed = ("arn", "id", "creationDate", "status", "tagsAll")
    defaults = {"publish": False, "type": "STANDARD"}
    optional_computed = frozenset(
        {
            "name",
            "namePrefix",
            "loggingConfiguration",
            "tracingConfiguration",
            "encryptionConfiguration",
        }
    )

    def create(self, ctx, inputs):
        created = aws_call(
            f"creating Step Functions State Machine ({inputs['name']})",
            lambda: ctx.client("stepfunctions").create_state_machine(
                name=inputs["name"],
                definition=inputs["definition"],
                roleArn=inputs["roleArn"],
                type=inputs.get("type") or "STANDARD",
                tags=[
                    {"key": k, "value": v} for k, v in sorted((inputs.get("tags") or {}).items())
                ],
            ),
        )
        arn = created["stateMachineArn"]
        return arn, {
            "arn": arn,
            "creationDate": created["creationDate"].isoformat(),
            "status": "ACTIVE",
        }

    def update(self, ctx, id_, olds, news):
        aws_call(
            f"updating Step Functions State Machine ({id_})",
            lambda: ctx.client("stepfunctions").update_state_machine(
                stateMachineArn=id_, definition=news["definition"], roleArn=news["roleArn"]
            ),
        )
        return {"arn": id_, "status": "ACTIVE"}

    def delete(self, ctx, id_, state):
        missing(lambda: ctx.client("stepfunctions").delete_state_machine(stateMachineArn=id_))
