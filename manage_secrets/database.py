"""Signing in to the database with a secret's credentials, as the application and AWS's rotation
function do: pg8000 (pure Python, SCRAM), TLS off only for a local address."""

from __future__ import annotations

from dataclasses import dataclass

from manage_secrets.errors import EXIT_DATABASE, EXIT_USAGE, CliError


@dataclass(frozen=True)
class Address:
    """Where to reach the database: the secret's host and port, or a tunnel to them."""

    host: str
    port: int

    @classmethod
    def parse(cls, text: str) -> Address:
        host, _, port = text.rpartition(":")
        if not host or not port.isdigit() or not 0 < int(port) < 65536:
            raise CliError(
                EXIT_USAGE, f"--connect {text!r}: expected HOST:PORT, e.g. 127.0.0.1:5432"
            )
        return cls(host, int(port))


def connect(credentials: dict, address: Address | None = None, database: str | None = None):
    """A pg8000 connection as `credentials` (username, password, host, port, dbname)."""
    import pg8000.native

    where = address or Address(credentials["host"], int(credentials.get("port", 5432)))
    local = where.host in ("127.0.0.1", "localhost", "::1")
    return pg8000.native.Connection(
        credentials["username"],
        host=where.host,
        port=where.port,
        password=credentials["password"],
        database=database or credentials.get("dbname") or "postgres",
        # RDS requires TLS, verified against the CAs Python trusts (SSL_CERT_FILE can point at
        # AWS's RDS bundle); a local tunnel's end (SSM port forwarding) is the machine itself.
        ssl_context=None if local else True,
        timeout=10,
    )


def can_sign_in(credentials: dict, address: Address | None = None) -> bool:
    """Whether the database accepts these credentials (a refused login is False; the database
    unreachable is an error, not a verdict)."""
    import pg8000.exceptions

    try:
        connect(credentials, address).close()
        return True
    except pg8000.exceptions.DatabaseError as error:
        if _code(error) in ("28P01", "28000"):  # invalid_password, invalid_authorization
            return False
        raise CliError(
            EXIT_DATABASE, f"the database refused the session: {_message(error)}"
        ) from None
    except (OSError, pg8000.exceptions.InterfaceError) as error:
        raise CliError(
            EXIT_DATABASE,
            f"cannot reach the database at {(address or credentials.get('host'))}: "
            f"{type(error).__name__}; from outside the VPC use a tunnel and --connect",
        ) from None


def database_error(error: Exception) -> CliError:
    """A pg8000 error raised inside a session, as one line without a value in it."""
    return CliError(EXIT_DATABASE, f"the database refused: {_message(error)}")


def _code(error) -> str:
    details = error.args[0] if error.args and isinstance(error.args[0], dict) else {}
    return details.get("C", "")


def _message(error) -> str:
    details = error.args[0] if error.args and isinstance(error.args[0], dict) else {}
    return details.get("M", type(error).__name__)
