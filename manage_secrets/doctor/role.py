"""`doctor`'s checks of the execution role: it exists, its policies let it read and decrypt each
secret (evaluated with stack_model/iam_policy.py), and nothing in them reaches further."""

from __future__ import annotations

from manage_secrets.doctor.checklist import Checklist
from manage_secrets.errors import CliError
from stack_model.iam_policy import evaluate, grants_beyond


def _role_documents(checklist: Checklist, role: str) -> list[dict]:
    iam = checklist.aws.client("iam")
    call = checklist.aws.call
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


def check_role(checklist: Checklist) -> None:

    role = checklist.names.execution_role
    iam = checklist.aws.client("iam")
    if not checklist.attempt(
        f"execution role {role} exists",
        lambda: checklist.aws.call(lambda: iam.get_role(RoleName=role), role)["Role"]["Arn"],
        "run `pulumi up` for this stack",
    ):
        return
    try:
        documents = _role_documents(checklist, role)
    except CliError as error:
        checklist.record(
            f"policies of {role} are readable",
            False,
            str(error),
            "give your identity iam:GetRolePolicy, iam:ListRolePolicies and "
            "iam:ListAttachedRolePolicies, or ask someone who has them",
        )
        return
    for name, described in checklist.described.items():
        decision = evaluate(documents, "secretsmanager:GetSecretValue", described["ARN"])
        checklist.record(
            f"{role} may GetSecretValue on {name}",
            decision.allowed,
            decision.value,
            "run `pulumi up`: the stack writes the grant "
            f"({checklist.names.execution_secrets_policy})",
        )
        key = described.get("KmsKeyId")
        if key and not key.startswith("alias/aws/"):
            via = {"kms:ViaService": f"secretsmanager.{checklist.aws.region}.amazonaws.com"}

            def may_decrypt(key=key, via=via) -> str:
                arn = checklist.key_metadata(key)["Arn"]
                decision = evaluate(documents, "kms:Decrypt", arn, via)
                if not decision.allowed:
                    raise CliError(1, decision.value)
                return decision.value

            checklist.attempt(
                f"{role} may decrypt {name} with its KMS key",
                may_decrypt,
                "run `pulumi up`: the grant includes kms:Decrypt on the stack's key",
            )

    _least_privilege(checklist, role, documents)


def _least_privilege(checklist: Checklist, role: str, documents: list[dict]) -> None:
    """Every statement of the role that reaches secrets or KMS beyond this stack's exact
    ARNs (the old guide's `programador-musical-*` one, say) is a warning with its fix."""

    exact = set()
    for described in checklist.described.values():
        arn = described["ARN"]
        exact.add(arn)
        key = described.get("KmsKeyId")
        if key and not key.startswith("alias/aws/"):
            try:
                exact.add(checklist.key_metadata(key)["Arn"])
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
                    exact.add(checklist.key_metadata(replica_key, replica["Region"])["Arn"])
                except CliError:
                    pass  # the replica's own status check reports a missing key
    for finding in grants_beyond(documents, exact):
        checklist.warn(
            f"{role} reaches only this stack's secrets",
            finding,
            "remove that statement (or policy) from the role; the stack's own grant "
            f"({checklist.names.execution_secrets_policy}) names the exact ARNs",
        )
