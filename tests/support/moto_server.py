"""`python -m moto.server` on a port of its own choosing, with three corrections to its Secrets
Manager where it departs from what AWS documents and the engine tier ran into (moto is pinned
exactly in requirements-dev.txt, so each correction is checked against the version it patches):

- Moving AWSCURRENT with UpdateSecretVersionStage leaves moto's notion of the current version
  behind, so a later PutSecretValue labels a second version AWSCURRENT. AWS keeps exactly one
  ("Staging labels": a label is attached to one version at a time).
- RotateSecret without RotationLambdaARN forgets the secret's function, and moto then moves
  AWSCURRENT itself to a version that has no value. AWS uses the function already configured
  (RotateSecret, RotationLambdaARN: "if you don't specify it, Secrets Manager uses the existing
  function"), and only the function's finishSecret moves AWSCURRENT.
- RotateSecret with RotateImmediately=false leaves the AWSPENDING copy it tested with, so the
  next rotation finds a pending version. AWS "creates an AWSPENDING version of the secret and
  then removes it" (RotateSecret, RotateImmediately).

Five changes are for speed, not fidelity:
- Of AWS's ~1,300 managed policies, moto loads only those the stack attaches
  (AWS_MANAGED_POLICIES_ATTACHED). Loading all of them cost 0.7 s on every reset and again on the
  first IAM call after it; attaching one the stack does not declare fails here with
  NoSuchEntity, which a test would show.
- The backend a request's host names is looked up once per host. moto matched every request's
  host against its list of modules, listing its package directory and testing each entry with
  stat (about 240 per request). The answer depends on the host and moto's own files alone.
- The regions of a service are read from botocore once per service. moto caches them per backend
  object, and a reset makes new ones, so every reset read botocore's endpoint data again.
- botocore's service models are read once per process. moto makes several botocore sessions, and
  each parsed the models again: EC2's (4 MB of JSON, read only for its endpoint prefix when moto
  lists EC2's regions) four times, on the first ECS call after the server starts.
- A KMS key's private key is generated when first used (Sign, Verify, GetPublicKey). moto made a
  2,048-bit RSA key for every key, the stack's symmetric ones included (45 ms each).
"""

from __future__ import annotations

import sys

MOTO_VERSION = "5.2.5"
# The file the server writes its errors to (tracebacks of the requests it answered with a 500).
ERROR_LOG_VARIABLE = "MOTO_ERROR_LOG"


def _answered_once(owner: type, method: str, key=lambda instance, argument: argument) -> None:
    """owner.method answered once per key for every instance, where the answer depends on the
    key and on files that do not change (moto's, botocore's), never on the instance."""
    look_up = getattr(owner, method)
    answers: dict = {}

    def once(instance, *args, **kwargs):
        asked = key(instance, *args, **kwargs)
        if asked not in answers:
            answers[asked] = look_up(instance, *args, **kwargs)
        return answers[asked]

    setattr(owner, method, once)


def _models_read_once() -> None:
    """Loader.load_service_model, cached per Loader by botocore, cached here for the process: the
    models are the same files whichever session asks (and no caller changes them: botocore hands
    one session's callers the same object already)."""
    from botocore.loaders import Loader

    def model(loader, service_name, type_name, api_version=None):
        return tuple(loader.search_paths), service_name, type_name, api_version

    _answered_once(Loader, "load_service_model", key=model)


def _private_key_on_first_use() -> None:
    from moto.kms import models

    generate = models.generate_private_key
    models.generate_private_key = lambda key_spec: None  # Key.__init__'s; made when read below

    def private_key(key):
        if key.__dict__.get("_private_key") is None:
            key.__dict__["_private_key"] = generate(key.key_spec)
        return key.__dict__["_private_key"]

    def set_private_key(key, value):
        key.__dict__["_private_key"] = value

    models.Key.private_key = property(private_key, set_private_key)


def _patch() -> None:
    import moto
    from moto.core.base_backend import AccountSpecificBackend
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication
    from moto.secretsmanager.models import SecretsManagerBackend

    if moto.__version__ != MOTO_VERSION:
        raise SystemExit(
            f"tests/support/moto_server.py corrects moto {MOTO_VERSION}, not {moto.__version__}"
        )
    import json

    from moto.iam.aws_managed_policies import aws_managed_policies_data
    from moto.iam.models import AWSManagedPolicy, IAMBackend, load_iam_aws_managed_policies

    from stack_model.policy_documents import AWS_MANAGED_POLICIES_ATTACHED

    # moto's _init_aws_policies, over the attached policies' data alone (parsed once).
    names = {arn.rpartition("/")[2] for arn in AWS_MANAGED_POLICIES_ATTACHED}
    attached = {n: d for n, d in json.loads(aws_managed_policies_data).items() if n in names}
    if attached.keys() != names:
        raise SystemExit(
            f"moto {MOTO_VERSION} has no managed policy {sorted(names - set(attached))}"
        )

    def _init_aws_policies(self):
        if not load_iam_aws_managed_policies():
            return []
        return [
            AWSManagedPolicy.from_data(name, self.account_id, self.region_name, data)
            for name, data in attached.items()
        ]

    IAMBackend._init_aws_policies = _init_aws_policies
    _answered_once(DomainDispatcherApplication, "get_backend_for_host")
    _answered_once(AccountSpecificBackend, "_generate_regions")
    _private_key_on_first_use()
    _models_read_once()
    update_stage = SecretsManagerBackend.update_secret_version_stage
    rotate = SecretsManagerBackend.rotate_secret

    def update_secret_version_stage(self, secret_id, version_stage, remove_from_version_id,
                                    move_to_version_id):  # fmt: skip
        answer = update_stage(
            self, secret_id, version_stage, remove_from_version_id, move_to_version_id
        )
        if version_stage == "AWSCURRENT" and move_to_version_id:
            self.secrets[secret_id].default_version_id = move_to_version_id
        return answer

    def rotate_secret(self, secret_id, client_request_token=None, rotation_lambda_arn=None,
                      rotation_rules=None, rotate_immediately=True):  # fmt: skip
        if not rotation_lambda_arn and secret_id in self.secrets:
            rotation_lambda_arn = self.secrets[secret_id].rotation_lambda_arn or None
        current = self.secrets[secret_id].default_version_id if secret_id in self.secrets else None
        before = set(self.secrets[secret_id].versions) if secret_id in self.secrets else set()
        answer = rotate(
            self, secret_id, client_request_token, rotation_lambda_arn, rotation_rules,
            rotate_immediately,
        )  # fmt: skip
        if rotation_lambda_arn and secret_id in self.secrets:
            # The function (which moto does not run) moves AWSCURRENT in finishSecret.
            self.secrets[secret_id].default_version_id = current
            if not rotate_immediately:
                versions = self.secrets[secret_id].versions
                for tested in set(versions) - before:
                    if versions[tested]["version_stages"] == ["AWSPENDING"]:
                        del versions[tested]
        return answer

    SecretsManagerBackend.update_secret_version_stage = update_secret_version_stage
    SecretsManagerBackend.rotate_secret = rotate_secret


def main() -> None:
    """Serves on 127.0.0.1 at a port the system picks, and prints that port as its first line.
    A port picked by the parent and bound here later could be taken in between by any process
    binding port 0 (the engine tier's gRPC servers do, dozens of times a second); the parent
    would then talk to that process, or to another test's emulator."""
    _patch()
    import logging
    import os
    import signal
    import threading

    from moto.moto_server.werkzeug_app import (
        DomainDispatcherApplication,
        MotoRequestHandler,
        create_backend_app,
    )
    from werkzeug.serving import make_server

    app = DomainDispatcherApplication(create_backend_app)
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=MotoRequestHandler)
    # moto builds some URLs it answers with (SQS queue URLs, for one) from MOTO_PORT.
    os.environ["MOTO_PORT"] = str(server.port)
    print(server.port, flush=True)
    # Nothing else goes to the parent's pipe (read at start only: a full pipe would block the
    # server). Errors go to the log file the parent named, where a failing test can show them: a
    # 500 is the server's traceback, which the client never sees. Not werkzeug's line per request.
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    log = os.open(os.environ.get(ERROR_LOG_VARIABLE) or os.devnull, os.O_WRONLY | os.O_APPEND)
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    os.dup2(log, sys.stderr.fileno())
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    # The parent holds this process's stdin open for as long as it lives: end of file means it is
    # gone (a crashed or killed test run), and an emulator nobody can stop must not outlive it.
    threading.Thread(target=lambda: (sys.stdin.read(), os._exit(0)), daemon=True).start()
    server.serve_forever()


if __name__ == "__main__":
    main()
