"""Tasks that live longer than one rotation interval, as ECS services keep them (weeks), against
the real PostgreSQL server and the emulator of the rotation lab (tests/support/rotation_lab.py).

A service of SERVICE_TASKS tasks starts once and signs in on every tick. With restarts (what
`rotationRestartServices` makes: every RotationSucceeded forces a new deployment), the tasks are
replaced one per tick after each rotation, each reading the credentials current then, before
the next rotation starts. Without, they keep what they read at their start: the alternating-users
rotation changes that user's password at the rotation after next, and their logins fail.
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from tests.support.rotation_lab import NAMES, Lab, Tally, prepare_managed, with_servers

SERVICE_TASKS = 6
# Ticks between one rotation's end and the next one's start (a rolling deployment replaces one
# task per tick, so it is done before the next rotation).
TICKS_BETWEEN_ROTATIONS = SERVICE_TASKS + 1


@dataclass
class Service:
    resolve: object
    sign_in: object
    tally: Tally = field(default_factory=Tally)
    tasks: list[dict] = field(default_factory=list)

    def start(self) -> None:
        self.tasks = [self.resolve() for _ in range(SERVICE_TASKS)]

    def tick(self, pool: ThreadPoolExecutor) -> None:
        results = list(pool.map(self.sign_in, self.tasks))
        self.tally.logins += len(results)
        self.tally.failed += results.count(False)


def run(lab: Lab, rotations: int, restarts: bool) -> Tally:
    rotation = prepare_managed(lab)
    secrets = lab.secrets()

    def resolve() -> dict:
        # DATABASE_CREDENTIALS, one GetSecretValue at task start (AWSCURRENT, named for moto).
        value = secrets.get_secret_value(SecretId=NAMES.db_credentials, VersionStage="AWSCURRENT")
        return json.loads(value["SecretString"])

    service = Service(resolve, lab.sign_in)
    service.start()
    with ThreadPoolExecutor(max_workers=8) as pool:
        for _ in range(rotations):
            for _, step in rotation.steps():
                step()
                service.tick(pool)
            for index in range(TICKS_BETWEEN_ROTATIONS):
                if restarts and index < SERVICE_TASKS:
                    service.tasks[index] = resolve()  # the forced deployment's next task
                service.tick(pool)
    return service.tally


def compare(rotations: int) -> tuple[Tally, Tally]:
    """(with restarts, without) over `rotations` rotations, each on fresh servers."""
    return (
        with_servers(lambda lab, n: run(lab, n, restarts=True), rotations),
        with_servers(lambda lab, n: run(lab, n, restarts=False), rotations),
    )


def summary(rotations: int, restarted: Tally, kept: Tally) -> str:
    return (
        f"rotation (long-lived tasks): {rotations} rotations, {restarted.logins} logins, "
        f"{restarted.failed} failed (without restarts: {kept.failed} failed)"
    )
