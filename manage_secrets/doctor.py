"""`doctor`: the old guide's troubleshooting list, run as a pass/fail checklist."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from manage_secrets.aws import Aws
from manage_secrets.errors import EXIT_REGION, CliError
from stack_model.naming import StackNames


@dataclass(frozen=True)
class Check:
    title: str
    passed: bool
    detail: str = ""
    fix: str = ""
    # Works, but is broader or weaker than the stack makes it: reported, not a failure.
    warning: bool = False


class Doctor:
    def __init__(self, aws: Aws, names: StackNames, other_regions: list[str]):
        self.aws = aws
        self.names = names
        self.other_regions = [r for r in other_regions if r != aws.region]
        self.checks: list[Check] = []
        self.described: dict[str, dict] = {}
        self.keys: dict[tuple[str, str | None], dict] = {}
        # (Tls, Address or None) when the current credentials are to be tried (--sign-in).
        self.database = None

    def record(self, title: str, passed: bool, detail: str = "", fix: str = "") -> None:
        self.checks.append(Check(title, passed, detail, fix))

    def warn(self, title: str, detail: str, fix: str) -> None:
        """Works, but is broader or weaker than the stack makes it: reported, not a failure."""
        self.checks.append(Check(title, True, detail, fix, warning=True))

    def attempt(self, title: str, probe: Callable[[], str], fix: str | Callable) -> bool:
        """Runs one probe; an AWS error becomes a failed check instead of ending the run. `fix`
        may depend on the error (a function of it)."""
        try:
            self.record(title, True, probe())
            return True
        except CliError as error:
            self.record(title, False, str(error), fix(error) if callable(fix) else fix)
            return False

    def run(self) -> list[Check]:
        sts = self.aws.client("sts")

        def identity() -> str:
            who = self.aws.call(sts.get_caller_identity)
            return f"{who['Arn']} (account {who['Account']})"

        def reach_or_sign_in(error: CliError) -> str:
            if error.exit_code == EXIT_REGION:
                return (
                    "check --region (a real region name) and the network path to AWS (proxy, VPC "
                    "endpoint for STS); nothing else can be checked without it"
                )
            return "set AWS_PROFILE or run `aws sso login`; nothing else can be checked without it"

        if not self.attempt("credentials", identity, reach_or_sign_in):
            return self.checks
        for secret_name, _ in self.names.secrets():
            self._secret(secret_name)
        self._resource_policies()
        self._role()
        self._task_definition()
        self._kms_keys()
        from manage_secrets.doctor_key_set import check_key_set
        from manage_secrets.doctor_rotation import check_rotation, check_sign_in

        check_key_set(self)
        check_rotation(self)
        if self.database is not None:
            check_sign_in(self)
        return self.checks

    def _secret(self, name: str) -> None:
        secrets = self.aws.client("secretsmanager")
        elsewhere = [r for r in self.other_regions if self._exists_in(name, r)]
        where = f" (also in {', '.join(elsewhere)})" if elsewhere else ""

        def describe() -> str:
            self.described[name] = self.aws.call(
                lambda: secrets.describe_secret(SecretId=name), name
            )
            return self.described[name]["ARN"] + where

        exists = self.attempt(
            f"{name} exists in {self.aws.region}",
            describe,
            "run `pulumi up` for this stack, or pass the region it lives in with --region"
            + (f" (found in {', '.join(elsewhere)})" if elsewhere else ""),
        )
        if not exists:
            return
        deletion = self.described[name].get("DeletedDate")
        self.record(
            f"{name} is not scheduled for deletion",
            deletion is None,
            f"deletion planned for {deletion:%Y-%m-%d}" if deletion else "",
            f"python -m manage_secrets restore {name}",
        )
        for replica in self.described[name].get("ReplicationStatus", []):
            status = replica.get("Status", "unknown")
            self.record(
                f"replica of {name} in {replica.get('Region')} is InSync",
                status == "InSync",
                f"{status}: {replica.get('StatusMessage', '')}".rstrip(": "),
                "check the replica region's KMS key (it must exist and be enabled) and "
                "`aws secretsmanager describe-secret --secret-id NAME` there; "
                "`replicate-secret-to-regions --force-overwrite-replica-secret` retries",
            )

    def _exists_in(self, name: str, region: str) -> bool:
        client = self.aws.client("secretsmanager", region)
        try:
            self.aws.call(lambda: client.describe_secret(SecretId=name), name, region)
            return True
        except CliError:
            return False

    def _role_documents(self, role: str) -> list[dict]:
        iam = self.aws.client("iam")
        call = self.aws.call
        documents = [
            call(lambda n=name: iam.get_role_policy(RoleName=role, PolicyName=n))["PolicyDocument"]
            for name in call(lambda: iam.list_role_policies(RoleName=role))["PolicyNames"]
        ]
        for attached in call(lambda: iam.list_attached_role_policies(RoleName=role))[
            "AttachedPolicies"
        ]:
            arn = attached["PolicyArn"]
            version = call(lambda a=arn: iam.get_policy(PolicyArn=a))["Policy"]["DefaultVersionId"]
            documents.append(
                call(lambda a=arn, v=version: iam.get_policy_version(PolicyArn=a, VersionId=v))[
                    "PolicyVersion"
                ]["Document"]
            )
        return documents

    def _role(self) -> None:
        from stack_model.iam_policy import evaluate

        role = self.names.execution_role
        iam = self.aws.client("iam")
        if not self.attempt(
            f"execution role {role} exists",
            lambda: self.aws.call(lambda: iam.get_role(RoleName=role), role)["Role"]["Arn"],
            "run `pulumi up` for this stack",
        ):
            return
        try:
            documents = self._role_documents(role)
        except CliError as error:
            self.record(
                f"policies of {role} are readable",
                False,
                str(error),
                "give your identity iam:GetRolePolicy, iam:ListRolePolicies and "
                "iam:ListAttachedRolePolicies, or ask someone who has them",
            )
            return
        for name, described in self.described.items():
            decision = evaluate(documents, "secretsmanager:GetSecretValue", described["ARN"])
            self.record(
                f"{role} may GetSecretValue on {name}",
                decision.allowed,
                decision.value,
                "run `pulumi up`: the stack writes the grant "
                f"({self.names.execution_secrets_policy})",
            )
            key = described.get("KmsKeyId")
            if key and not key.startswith("alias/aws/"):
                via = {"kms:ViaService": f"secretsmanager.{self.aws.region}.amazonaws.com"}

                def may_decrypt(key=key, via=via) -> str:
                    arn = self._key_metadata(key)["Arn"]
                    decision = evaluate(documents, "kms:Decrypt", arn, via)
                    if not decision.allowed:
                        raise CliError(1, decision.value)
                    return decision.value

                self.attempt(
                    f"{role} may decrypt {name} with its KMS key",
                    may_decrypt,
                    "run `pulumi up`: the grant includes kms:Decrypt on the stack's key",
                )

        self._least_privilege(role, documents)

    def _least_privilege(self, role: str, documents: list[dict]) -> None:
        """Every statement of the role that reaches secrets or KMS beyond this stack's exact
        ARNs (the old guide's `programador-musical-*` one, say) is a warning with its fix."""
        from stack_model.iam_policy import grants_beyond

        exact = set()
        for described in self.described.values():
            arn = described["ARN"]
            exact.add(arn)
            key = described.get("KmsKeyId")
            if key and not key.startswith("alias/aws/"):
                try:
                    exact.add(self._key_metadata(key)["Arn"])
                except CliError:
                    pass  # the key check reports it
            # A replica keeps the secret's name and suffix in its region, with its own key.
            for replica in described.get("ReplicationStatus", []):
                parts = arn.split(":")
                parts[3] = replica["Region"]
                exact.add(":".join(parts))
                replica_key = str(replica.get("KmsKeyId", ""))
                if replica_key and not replica_key.startswith("alias/aws/"):
                    try:
                        exact.add(self._key_metadata(replica_key, replica["Region"])["Arn"])
                    except CliError:
                        pass  # the replica's own status check reports a missing key
        for finding in grants_beyond(documents, exact):
            self.warn(
                f"{role} reaches only this stack's secrets",
                finding,
                "remove that statement (or policy) from the role; the stack's own grant "
                f"({self.names.execution_secrets_policy}) names the exact ARNs",
            )

    def _resource_policies(self) -> None:
        secrets = self.aws.client("secretsmanager")
        for name, described in self.described.items():
            try:
                found = self.aws.call(
                    lambda arn=described["ARN"]: secrets.get_resource_policy(SecretId=arn), name
                )
            except CliError:
                continue  # the existence checks report what is wrong with the secret
            if not found.get("ResourcePolicy"):
                self.warn(
                    f"{name} has its resource policy",
                    "none attached (the stack attaches one to each secret)",
                    "run `pulumi up`; if someone removed it on purpose, see "
                    "docs/guardrails.md before adding it back",
                )

    def _key_metadata(self, key: str, region: str | None = None) -> dict:
        # The role check and the key check both need it: one DescribeKey per key and region.
        if (key, region) not in self.keys:
            kms = self.aws.client("kms", region)
            self.keys[(key, region)] = self.aws.call(
                lambda: kms.describe_key(KeyId=key), key, region
            )["KeyMetadata"]
        return self.keys[(key, region)]

    def _task_definition(self) -> None:
        family = self.names.task_family
        ecs = self.aws.client("ecs")
        title = f"task definition {family} is registered"
        try:
            definition = self.aws.call(
                lambda: ecs.describe_task_definition(taskDefinition=family), family
            )["taskDefinition"]
        except CliError as error:
            self.record(title, False, str(error), "run `pulumi up` for this stack")
            return
        self.record(title, True, definition["taskDefinitionArn"])
        from manage_secrets.doctor_key_set import check_one_read

        for container in definition.get("containerDefinitions", []):
            for secret in container.get("secrets", []):
                self._value_from(container["name"], secret["name"], secret["valueFrom"])
            check_one_read(self, container["name"], container.get("secrets", []))

    def _value_from(self, container: str, env_name: str, value_from: str) -> None:
        """Resolves valueFrom as the ECS agent does at task start: the secret (at the stage or
        version named, else AWSCURRENT), then the JSON key if one is named."""
        title = f"{container}: {env_name} resolves ({value_from})"
        fix = "point valueFrom at an existing secret and JSON key (container.secrets), pulumi up"
        if value_from.startswith("arn:aws:ssm:") or not value_from.startswith("arn:"):
            ssm = self.aws.client("ssm")
            name = (
                value_from.split(":parameter", 1)[-1]
                if value_from.startswith("arn:")
                else value_from
            )

            def parameter_exists() -> str:
                self.aws.call(lambda: ssm.get_parameter(Name=name), name)
                return "parameter exists"

            self.attempt(title, parameter_exists, fix)
            return
        parts = value_from.split(":")
        arn, rest = ":".join(parts[:7]), parts[7:] + ["", "", ""]
        json_key, stage, version_id = rest[:3]

        def resolve() -> str:
            values = self.aws.secret_json(arn, stage or None, version_id or None)
            if not json_key:
                return "secret exists"
            if json_key not in values:
                raise CliError(1, f"the secret has no JSON key {json_key!r}")
            return f"JSON key {json_key} present"

        self.attempt(title, resolve, fix)

    def _kms_keys(self) -> None:
        for name, described in self.described.items():
            key = described.get("KmsKeyId")
            if not key or key.startswith("alias/aws/"):
                self.record(f"{name} KMS key", True, "aws/secretsmanager (AWS managed)")
                continue

            def probe(key=key) -> str:
                state = self._key_metadata(key)["KeyState"]
                if state != "Enabled":
                    raise CliError(1, f"key {key} is {state}")
                return f"{key} enabled"

            self.attempt(
                f"{name} KMS key is enabled",
                probe,
                "enable it (`aws kms enable-key`) or cancel its deletion "
                "(`aws kms cancel-key-deletion`); the secret cannot be read until then",
            )


def report(checks: list[Check], names: StackNames, region: str | None) -> tuple[str, bool]:
    lines = [f"doctor: {names.prefix} in {region}"]
    for check in checks:
        level = "WARN" if check.warning else "PASS" if check.passed else "FAIL"
        lines.append(f"{level}  {check.title}" + (f": {check.detail}" if check.detail else ""))
        if (check.warning or not check.passed) and check.fix:
            lines.append(f"      fix: {check.fix}")
    failed = sum(not check.passed for check in checks)
    warned = sum(check.warning for check in checks)
    lines.append(f"{len(checks)} checks, {failed} failed, {warned} warnings")
    return "\n".join(lines), failed == 0
