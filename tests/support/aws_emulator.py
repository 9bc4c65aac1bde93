"""A moto server on 127.0.0.1 for the CLI tests, loaded with what the synthesized stack declares,
and a fault server that answers every call with one AWS error (moto does not emulate throttling
or IAM denials of the caller)."""

from __future__ import annotations

import contextlib
import json
import os
import re
import select
import subprocess
import sys
import tempfile
import threading
import urllib.request
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from tests.support.function_stub import HANDLER, LAMBDA_TRUST, RUNTIME, code_that_does_nothing
from tests.support.moto_server import ERROR_LOG_VARIABLE
from tests.support.pool import Pool

REGION = "us-east-1"


def emulator_env(
    endpoint: str, region_variable: str = "AWS_DEFAULT_REGION", **extra: str
) -> dict[str, str]:
    """The environment of a process (the operations CLI, the AWS CLI) that must talk to the
    emulator at `endpoint` and to nothing else: this process's AWS settings and profiles are
    left out, the credentials are dummies, and the region is set in `region_variable`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        AWS_ENDPOINT_URL=endpoint,
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_EC2_METADATA_DISABLED="true",
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
    )
    env[region_variable] = REGION
    env.update(extra)
    return env


class MotoServer:
    """`python -m moto.server` as a separate process, so the CLI talks to it over real HTTP."""

    def __init__(self):
        self.port = 0
        self.endpoint = ""
        self.process: subprocess.Popen | None = None
        self.error_log = ""
        # The stack the tests share, and whether a test changed the emulator since it was made.
        self.deployed: DeployedStack | None = None
        self.dirty = False
        self.manual_scheme = False  # the deployed stack's rotation was cancelled
        self._clients: dict[tuple[str, str], object] = {}

    def start(self) -> MotoServer:
        root = str(Path(__file__).resolve().parents[2])
        handle, self.error_log = tempfile.mkstemp(prefix="moto-errors-", suffix=".log")
        os.close(handle)
        env = {
            **os.environ,
            "MOTO_IAM_LOAD_MANAGED_POLICIES": "true",
            "PYTHONPATH": root,
            ERROR_LOG_VARIABLE: self.error_log,
        }
        # moto's server with its Secrets Manager corrected where it departs from AWS's documented
        # stage handling (tests/support/moto_server.py); it binds a port of its own choosing and
        # prints it first, so no other process can hold the port it was told to use.
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.support.moto_server"],
            stdin=subprocess.PIPE,  # closed when this process ends: the server then ends too
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        ready, _, _ = select.select([self.process.stdout], [], [], 30)
        first_line = self.process.stdout.readline() if ready else ""
        if not first_line.strip().isdigit():
            self.stop()
            problem = self.process.stderr.read().strip().splitlines()[-1:] or ["no output"]
            raise RuntimeError(f"moto server did not start (waited up to 30 s): {problem[0]}")
        self.port = int(first_line)
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self._configure()
        return self

    def _configure(self) -> None:
        # Lambda invocations answer without running code (no Docker here): Secrets Manager's
        # calls to the rotation function succeed as no-ops (moto/core/config.py).
        body = json.dumps({"lambda": {"use_docker": False}}).encode()
        request = urllib.request.Request(
            f"{self.endpoint}/moto-api/config", data=body, method="POST"
        )
        request.add_header("Content-Type", "application/json")
        urllib.request.urlopen(request, timeout=10).close()

    def reset(self) -> None:
        """Empties the emulator, as a new server would be, and its error log."""
        request = urllib.request.Request(f"{self.endpoint}/moto-api/reset", method="POST")
        urllib.request.urlopen(request, timeout=10).close()
        Path(self.error_log).write_text("")  # the server appends: it writes on from the start
        self.deployed, self.dirty, self.manual_scheme = None, False, False

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        if self.error_log:
            Path(self.error_log).unlink(missing_ok=True)

    def errors(self, limit: int = 4000) -> str:
        """The end of what the server logged as errors: the tracebacks behind its 500s, which a
        client sees only as "Internal Server Error"."""
        if not self.error_log:
            return ""
        try:
            return Path(self.error_log).read_text(errors="replace")[-limit:]
        except FileNotFoundError:  # stopped
            return ""

    def client(self, service: str, region: str = REGION):
        """A boto3 client of this server (one per service and region: making one costs more than
        most calls)."""
        import boto3

        if (service, region) not in self._clients:
            self._clients[service, region] = boto3.client(
                service,
                region_name=region,
                endpoint_url=self.endpoint,
                aws_access_key_id="testing",
                aws_secret_access_key="testing",
            )
        return self._clients[service, region]


_EMULATORS: Pool[MotoServer] = Pool(
    start=lambda: MotoServer().start(),
    ready=MotoServer.reset,
    alive=lambda server: server.process.poll() is None,
    stop=MotoServer.stop,
)


def leased_emulator() -> contextlib.AbstractContextManager[MotoServer]:
    """An empty moto server for as long as the `with` lasts: one an earlier lease in this process
    gave back, reset (a hundredth of a second), else a new one (0.4 s to start, then about 1.5 s
    of moto's lazy loading on first use, in each test module that had a server of its own)."""
    return _EMULATORS.lease()


def stop_emulators() -> None:
    """Stops every server this process's leases started."""
    _EMULATORS.stop_all()


@dataclass
class DeployedStack:
    """What the emulator holds, keyed as the stack names it."""

    arns: dict[str, str] = field(default_factory=dict)  # synth ARN -> emulator ARN
    secret_arns: dict[str, str] = field(default_factory=dict)  # name -> emulator ARN
    values: dict[str, dict] = field(default_factory=dict)  # name -> JSON values
    key_id: str | None = None

    def replace(self, text: str) -> str:
        for synth_arn, real_arn in self.arns.items():
            text = text.replace(synth_arn, real_arn)
        return text


def _in_region(arn: str, region: str) -> str:
    parts = arn.split(":")
    parts[3] = region
    return ":".join(parts)


def deploy(server: MotoServer, revealed) -> DeployedStack:
    """Creates in the emulator, through its APIs, what the synthesized stack declares: the KMS
    key, both secrets with their JSON, the execution role with its policies, the task definition.
    An input the emulator rejects fails the test."""
    deployed = DeployedStack()
    kms_key_arn = revealed.outputs.get("kmsKeyArn")
    if kms_key_arn:
        key = server.client("kms").create_key(Description="secrets key")["KeyMetadata"]
        deployed.arns[kms_key_arn] = key["Arn"]
        deployed.key_id = key["KeyId"]

    secrets = server.client("secretsmanager")
    for resource in revealed.resources_of("aws:secretsmanager/secret:Secret"):
        for replica in resource["inputs"].get("replicas", []):
            key = replica.get("kmsKeyId")
            if key and key not in deployed.arns:
                created_key = server.client("kms", replica["region"]).create_key()["KeyMetadata"]
                deployed.arns[key] = created_key["Arn"]
    for resource in revealed.resources_of("aws:secretsmanager/secret:Secret"):
        inputs = resource["inputs"]
        version = revealed.version_of(inputs["name"])
        extra = {"KmsKeyId": deployed.replace(inputs["kmsKeyId"])} if "kmsKeyId" in inputs else {}
        if inputs.get("replicas"):
            extra["AddReplicaRegions"] = [
                {
                    "Region": r["region"],
                    **({"KmsKeyId": deployed.replace(r["kmsKeyId"])} if "kmsKeyId" in r else {}),
                }
                for r in inputs["replicas"]
            ]
        created = secrets.create_secret(
            Name=inputs["name"],
            Description=inputs["description"],
            SecretString=version["inputs"]["secretString"],
            Tags=[{"Key": k, "Value": v} for k, v in inputs["tags"].items()],
            **extra,
        )
        synth_arn = version["inputs"]["secretId"]
        deployed.arns[synth_arn] = created["ARN"]
        for replica in inputs.get("replicas", []):
            deployed.arns[_in_region(synth_arn, replica["region"])] = _in_region(
                created["ARN"], replica["region"]
            )
        deployed.secret_arns[inputs["name"]] = created["ARN"]
        deployed.values[inputs["name"]] = json.loads(version["inputs"]["secretString"])

    iam = server.client("iam")
    prefix = f"programador-musical-{revealed.stack}"
    policies = revealed.resources_of("aws:secretsmanager/secretPolicy:SecretPolicy")
    role = revealed.named("aws:iam/role:Role", f"{prefix}-ecs-execution-role")["inputs"]
    created_role = iam.create_role(
        RoleName=role["name"], AssumeRolePolicyDocument=role["assumeRolePolicy"]
    )["Role"]
    deployed.arns[revealed.outputs["executionRoleArn"]] = created_role["Arn"]
    for policy in revealed.resources_of("aws:iam/rolePolicy:RolePolicy"):
        if policy["inputs"]["role"] == role["name"]:
            iam.put_role_policy(
                RoleName=role["name"],
                PolicyName=policy["inputs"]["name"],
                PolicyDocument=deployed.replace(policy["inputs"]["policy"]),
            )
    for attachment in revealed.resources_of("aws:iam/rolePolicyAttachment:RolePolicyAttachment"):
        iam.attach_role_policy(RoleName=role["name"], PolicyArn=attachment["inputs"]["policyArn"])
    for policy in policies:  # after the role: the policy may name it
        secrets.put_resource_policy(
            SecretId=deployed.replace(policy["inputs"]["secretArn"]),
            ResourcePolicy=deployed.replace(policy["inputs"]["policy"]),
            BlockPublicPolicy=policy["inputs"]["blockPublicPolicy"],
        )

    for rotation in revealed.resources_of("aws:secretsmanager/secretRotation:SecretRotation"):
        _deploy_rotation(server, revealed, rotation["inputs"], deployed)

    task = revealed.named("aws:ecs/taskDefinition:TaskDefinition", f"{prefix}-app")["inputs"]
    server.client("ecs").register_task_definition(
        family=task["family"],
        containerDefinitions=json.loads(deployed.replace(task["containerDefinitions"])),
        executionRoleArn=created_role["Arn"],
        requiresCompatibilities=task["requiresCompatibilities"],
        networkMode=task["networkMode"],
        cpu=task["cpu"],
        memory=task["memory"],
    )
    return deployed


def _deploy_rotation(server: MotoServer, revealed, rotation: dict, deployed: DeployedStack) -> None:
    """What the rotation application's template makes (the function, its role, and the Lambda
    permission for Secrets Manager), then the rotation schedule on the secret."""
    (application,) = revealed.resources_of(
        "aws:serverlessrepository/cloudFormationStack:CloudFormationStack"
    )
    function = application["inputs"]["parameters"]["functionName"]
    role = server.client("iam").create_role(
        RoleName=f"{function}-role", AssumeRolePolicyDocument=LAMBDA_TRUST
    )["Role"]
    lambda_client = server.client("lambda")
    created = lambda_client.create_function(
        FunctionName=function,
        Runtime=RUNTIME,
        Role=role["Arn"],
        Handler=HANDLER,
        Code={"ZipFile": code_that_does_nothing()},
    )
    lambda_client.add_permission(
        FunctionName=function,
        StatementId="SecretsManagerAccess",
        Action="lambda:InvokeFunction",
        Principal="secretsmanager.amazonaws.com",
    )
    deployed.arns[rotation["rotationLambdaArn"]] = created["FunctionArn"]
    secrets = server.client("secretsmanager")
    secret_id = deployed.replace(rotation["secretId"])
    schedule = rotation["rotationRules"]["scheduleExpression"]
    days = re.fullmatch(r"rate\((\d+) days?\)", schedule)
    # moto marks rotation enabled only from AutomaticallyAfterDays, which AWS treats as the
    # same schedule as rate(N days).
    rules = (
        {"AutomaticallyAfterDays": int(days.group(1))} if days else {"ScheduleExpression": schedule}
    )
    secrets.rotate_secret(
        SecretId=secret_id,
        RotationLambdaARN=created["FunctionArn"],
        RotationRules=rules,
        RotateImmediately=rotation["rotateImmediately"],
    )


class _StubAws:
    """A local HTTP server on 127.0.0.1 answering every POST with `answer(body)`: (status,
    headers, text). Subclasses speak one AWS protocol where moto cannot."""

    def __init__(self):
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's naming
                body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
                stub.target = self.headers.get("X-Amz-Target", "")
                status, headers, text = stub.answer(body)
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(text)))
                self.end_headers()
                self.wfile.write(text.encode())

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.endpoint = f"http://127.0.0.1:{self.server.server_address[1]}"
        # shutdown() waits for the serving loop to look at its flag, which it does once per
        # poll interval: at the default 0.5 s, every `with FaultServer(...)` ended 0.4 s late.
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    def answer(self, body: str) -> tuple[int, dict, str]:
        raise NotImplementedError

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()


class FaultServer(_StubAws):
    """Answers every request with one AWS JSON-protocol error, counting the attempts."""

    def __init__(self, code: str, status: int = 400):
        super().__init__()
        self.code, self.status, self.requests = code, status, 0

    def answer(self, body: str) -> tuple[int, dict, str]:
        self.requests += 1
        text = json.dumps({"__type": self.code, "message": f"{self.code} (fault server)"})
        headers = {"x-amzn-ErrorType": self.code, "Content-Type": "application/x-amz-json-1.1"}
        return self.status, headers, text


class PolicySimulator(_StubAws):
    """IAM's SimulatePrincipalPolicy (query protocol, XML), which moto does not emulate: answers
    every simulation with one decision, or AccessDenied. The CLI reaches it through
    AWS_ENDPOINT_URL_IAM while every other service stays on moto."""

    def __init__(self, decision: str = "allowed"):
        super().__init__()
        self.decision, self.requests = decision, []

    def answer(self, body: str) -> tuple[int, dict, str]:
        from urllib.parse import parse_qs

        self.requests.append({key: value[0] for key, value in parse_qs(body).items()})
        if self.decision == "AccessDenied":
            return (
                403,
                {"Content-Type": "text/xml"},
                (
                    "<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code>"
                    "<Message>not allowed (simulator)</Message></Error>"
                    "<RequestId>1</RequestId></ErrorResponse>"
                ),
            )
        return (
            200,
            {"Content-Type": "text/xml"},
            (
                '<SimulatePrincipalPolicyResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">'
                "<SimulatePrincipalPolicyResult><IsTruncated>false</IsTruncated><EvaluationResults>"
                "<member><EvalActionName>rds:ModifyDBInstance</EvalActionName><EvalResourceName>*"
                f"</EvalResourceName><EvalDecision>{self.decision}</EvalDecision></member>"
                "</EvaluationResults></SimulatePrincipalPolicyResult><ResponseMetadata><RequestId>1"
                "</RequestId></ResponseMetadata></SimulatePrincipalPolicyResponse>"
            ),
        )


class RunningTasks(_StubAws):
    """ECS's ListTasks and DescribeTasks (JSON protocol) for one service's running tasks, each
    with its startedAt: moto launches no task for a service and records no start time. The CLI
    reaches it through AWS_ENDPOINT_URL_ECS while every other service stays on moto."""

    def __init__(self, cluster: str, started: list[float]):
        super().__init__()
        self.cluster, self.started = cluster, started

    def _arn(self, index: int) -> str:
        return f"arn:aws:ecs:{REGION}:123456789012:task/{self.cluster}/task{index}"

    def answer(self, body: str) -> tuple[int, dict, str]:
        if self.target.endswith(".ListTasks"):
            answer = {"taskArns": [self._arn(i) for i in range(len(self.started))]}
        else:
            answer = {
                "tasks": [
                    {"taskArn": self._arn(i), "lastStatus": "RUNNING", "startedAt": at}
                    for i, at in enumerate(self.started)
                ],
                "failures": [],
            }
        return 200, {"Content-Type": "application/x-amz-json-1.1"}, json.dumps(answer)
