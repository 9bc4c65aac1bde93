"""`manage_secrets` vs the old guide's AWS CLI commands, as whole processes, side by side
(`make bench`). A moto server on 127.0.0.1 holds this stack's secrets plus 2,000 unrelated ones.

- list: `python -m manage_secrets list` (server-side name filter) vs
  `aws secretsmanager list-secrets --query "SecretList[?contains(Name, 'programador-musical')]"`
  (every secret of the account, filtered on the client). Target: at least 2x faster.
- get-value: `python -m manage_secrets get-value jwt_secret_key` vs
  `aws secretsmanager get-secret-value ... --query SecretString --output text` piped to a JSON
  parse. Target: not slower (ratio >= 1).
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

from tests.support.aws_emulator import MotoServer, emulator_env

ROOT = Path(__file__).resolve().parents[1]

RUNS = 5
UNRELATED = 2000
APP = "programador-musical-production-app-secrets"
AWS = str(Path(sys.executable).with_name("aws"))


def timed(command: list[str] | str, env: dict) -> float:
    start = time.perf_counter()
    done = subprocess.run(
        command, env=env, cwd=ROOT, shell=isinstance(command, str), capture_output=True, text=True
    )
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"bench: {command} failed: {done.stderr.strip()}")
    return elapsed


def main() -> None:
    server = MotoServer().start()
    try:
        secrets = server.client("secretsmanager")
        for index in range(UNRELATED):
            secrets.create_secret(Name=f"unrelated-service-{index:04d}", SecretString="{}")
        secrets.create_secret(Name=APP, SecretString=json.dumps({"jwt_secret_key": "k" * 44}))
        secrets.create_secret(
            Name="programador-musical-production-db-credentials", SecretString="{}"
        )
        env = emulator_env(server.endpoint)
        cases = {
            "list": (
                [sys.executable, "-m", "manage_secrets", "list"],
                [
                    AWS,
                    "secretsmanager",
                    "list-secrets",
                    "--query",
                    "SecretList[?contains(Name, 'programador-musical')]",
                ],
                2.0,
            ),
            "get-value": (
                [sys.executable, "-m", "manage_secrets", "get-value", "jwt_secret_key"],
                f"{AWS} secretsmanager get-secret-value --secret-id {APP} --query SecretString "
                f"--output text | {sys.executable} -c "
                "\"import json,sys; print(json.load(sys.stdin)['jwt_secret_key'])\"",
                1.0,
            ),
        }
        met = True
        for name, (ours, theirs, target) in cases.items():
            mine, guide = [], []
            for _ in range(RUNS):
                mine.append(timed(ours, env))
                guide.append(timed(theirs, env))
            ratio = statistics.median(guide) / statistics.median(mine)
            met &= ratio >= target
            print(
                f"{name:10s} manage_secrets {statistics.median(mine) * 1000:7.0f} ms   "
                f"guide's aws cli {statistics.median(guide) * 1000:7.0f} ms   "
                f"speed-up {ratio:5.2f}x (target >= {target})"
            )
        print("targets: " + ("met" if met else "MISSED"))
    finally:
        server.stop()


if __name__ == "__main__":
    main()
