"""A second service that runs with the same secrets, without copying a single ARN.

`containerSecrets` and `executionRoleArn` come from the secrets stack; when it rotates a value
or adds a mapping, this service picks it up on its next `pulumi up`.
"""

import pulumi
import pulumi_aws as aws

config = pulumi.Config()
environment = pulumi.get_stack()
org = config.get("secretsOrg") or pulumi.get_organization()
secrets = pulumi.StackReference(
    f"{org}/programador-musical/{config.get('secretsStack') or environment}"
)
name = f"{config.get('appName') or 'programador-musical'}-{environment}-worker"
region = aws.get_region_output().region

logs = aws.cloudwatch.LogGroup(name, name=f"/ecs/{name}", retention_in_days=30)
task = aws.ecs.TaskDefinition(
    name,
    family=name,
    requires_compatibilities=["FARGATE"],
    network_mode="awsvpc",
    cpu="256",
    memory="512",
    execution_role_arn=secrets.require_output("executionRoleArn"),
    container_definitions=pulumi.Output.json_dumps(
        [
            {
                "name": "worker",
                "image": config.require("image"),
                "essential": True,
                "secrets": secrets.require_output("containerSecrets"),
                "logConfiguration": {
                    "logDriver": "awslogs",
                    "options": {
                        "awslogs-group": logs.name,
                        "awslogs-region": region,
                        "awslogs-stream-prefix": "worker",
                    },
                },
            }
        ]
    ),
)
pulumi.export("taskDefinitionArn", task.arn)
