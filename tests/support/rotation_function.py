"""The rotation function's side of RotateSecret, for the emulator: moto invokes a Lambda without
running its code, so this thread plays the function. It watches the secret for the version
Secrets Manager reserved in AWSPENDING and runs the four steps on it (with the alternating-users
driver, tests/support/rotation_driver.py, or any steps given), as the function's invocations would.

    with RotationFunction(secrets_client, secret_id, driver.steps):
        run `manage-secrets rotate-db` ...
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

POLL_SECONDS = 0.2


class RotationFunction(threading.Thread):
    def __init__(
        self,
        secrets,
        secret_id: str,
        steps: Callable[[str], list[tuple[str, Callable[[], None]]]],
    ):
        super().__init__(daemon=True)
        self.secrets, self.secret_id, self.steps = secrets, secret_id, steps
        self.stop = threading.Event()
        self.rotated: list[str] = []
        self.failure: Exception | None = None

    def _reserved(self) -> str | None:
        stages = self.secrets.describe_secret(SecretId=self.secret_id)["VersionIdsToStages"]
        return next(
            (v for v, s in stages.items() if "AWSPENDING" in s and "AWSCURRENT" not in s), None
        )

    def run(self) -> None:
        while not self.stop.is_set():
            token = self._reserved()
            if token and token not in self.rotated:
                try:
                    for _, step in self.steps(token):
                        step()
                except Exception as error:  # noqa: BLE001 - reported by __exit__
                    self.failure = error
                    return
                self.rotated.append(token)
            time.sleep(POLL_SECONDS)

    def __enter__(self) -> RotationFunction:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        self.join(timeout=10)
        if self.failure is not None and exc[0] is None:
            raise self.failure
