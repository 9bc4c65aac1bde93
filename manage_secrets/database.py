"""Signing in to the database with a secret's credentials, as the application and AWS's rotation
function do: pg8000 (pure Python, SCRAM), over TLS that is verified.

Every session is TLS, and the server must prove it is the RDS host the secret names: its
certificate chains to the RDS certificate bundle (`--ca-bundle`, or MANAGE_SECRETS_RDS_CA_BUNDLE:
AWS's global-bundle.pem) and is made out to the secret's `host`, even when the connection goes
to 127.0.0.1 through a port forward. pg8000 alone does neither: `ssl_context=True` or `None`
means TLS without any check, and `None` falls back to plaintext when the server declines
(pg8000 core.py, _make_socket). A check that fails stops before the startup message, so no
password is ever sent to a server that was not verified.

Plaintext exists only for local tests, behind an explicit, loudly named opt-out, and only to a
loopback address.
"""

from __future__ import annotations

import os
import ssl
from dataclasses import dataclass
from pathlib import Path

from manage_secrets.errors import EXIT_DATABASE, EXIT_NOT_VERIFIED, EXIT_USAGE, CliError

CA_BUNDLE_VARIABLE = "MANAGE_SECRETS_RDS_CA_BUNDLE"
PLAINTEXT_VARIABLE = "MANAGE_SECRETS_INSECURE_PLAINTEXT_FOR_LOCAL_TESTS"
LOOPBACK = ("127.0.0.1", "localhost", "::1")
BUNDLE_SOURCE = "https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem"


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


@dataclass(frozen=True)
class Tls:
    """How sessions are protected: a CA bundle to verify with, or (local tests only) none."""

    ca_bundle: Path | None = None
    insecure_plaintext: bool = False

    @classmethod
    def from_options(cls, ca_bundle: Path | None, insecure_plaintext: bool) -> Tls:
        bundle = ca_bundle or (
            Path(os.environ[CA_BUNDLE_VARIABLE]) if os.environ.get(CA_BUNDLE_VARIABLE) else None
        )
        return cls(bundle, insecure_plaintext or os.environ.get(PLAINTEXT_VARIABLE) == "1")

    def context(self, expected_host: str, address: Address):
        """The ssl_context for pg8000, or False for the local-tests opt-out."""
        if self.insecure_plaintext:
            if address.host not in LOOPBACK:
                raise CliError(
                    EXIT_USAGE,
                    f"plaintext is for local tests on a loopback address only, not {address.host}",
                )
            return False
        if self.ca_bundle is None:
            raise CliError(
                EXIT_NOT_VERIFIED,
                "no RDS certificate bundle to verify the database with: pass --ca-bundle FILE or "
                f"set {CA_BUNDLE_VARIABLE} (AWS's bundle: {BUNDLE_SOURCE}); nothing was sent",
            )
        try:
            context = ssl.create_default_context(cafile=str(self.ca_bundle))
        except (OSError, ssl.SSLError) as error:
            raise CliError(
                EXIT_NOT_VERIFIED,
                f"the certificate bundle {self.ca_bundle} cannot be read as PEM certificates "
                f"({type(error).__name__}); nothing was sent",
            ) from None
        return _VerifyAs(context, expected_host)


class _VerifyAs:
    """An SSLContext that checks the certificate against `host`, whatever address pg8000 dialled
    (it passes the address it connected to, 127.0.0.1 through a port forward)."""

    def __init__(self, context: ssl.SSLContext, host: str):
        self._context, self._host = context, host

    def wrap_socket(self, sock, server_hostname=None, **options):
        return self._context.wrap_socket(sock, server_hostname=self._host, **options)


def connect(
    credentials: dict, tls: Tls, address: Address | None = None, database: str | None = None
):
    """A pg8000 connection as `credentials` (username, password, host, port, dbname)."""
    import pg8000.native

    where = address or Address(credentials["host"], int(credentials.get("port", 5432)))
    return pg8000.native.Connection(
        credentials["username"],
        host=where.host,
        port=where.port,
        password=credentials["password"],
        database=database or credentials.get("dbname") or "postgres",
        ssl_context=tls.context(credentials.get("host", where.host), where),
        timeout=10,
    )


def can_sign_in(credentials: dict, tls: Tls, address: Address | None = None) -> bool:
    """Whether the database accepts these credentials (a refused login is False; an unreachable
    or unverified server is an error, not a verdict)."""
    import pg8000.exceptions

    try:
        connect(credentials, tls, address).close()
        return True
    except ssl.SSLCertVerificationError as error:
        raise CliError(
            EXIT_NOT_VERIFIED,
            f"the database server is not {credentials.get('host')}: {error.verify_message}; "
            "nothing was sent (a port forward to the wrong place, or the wrong bundle)",
        ) from None
    except pg8000.exceptions.DatabaseError as error:
        # invalid_password: the server knows no such user/password pair (it answers the same for
        # a user that does not exist). Anything else, a pg_hba refusal (28000) included, is not a
        # verdict on the credentials.
        if _code(error) == "28P01":
            return False
        raise CliError(
            EXIT_DATABASE, f"the database refused the session: {_message(error)}"
        ) from None
    except pg8000.exceptions.InterfaceError as error:
        if "refuses SSL" in str(error):
            raise CliError(
                EXIT_NOT_VERIFIED,
                "the database server does not offer TLS (RDS always does): nothing was sent",
            ) from None
        raise _unreachable(credentials, address, error) from None
    except (OSError, ssl.SSLError) as error:
        raise _unreachable(credentials, address, error) from None


def _unreachable(credentials: dict, address: Address | None, error: Exception) -> CliError:
    return CliError(
        EXIT_DATABASE,
        f"cannot reach the database at {(address or credentials.get('host'))}: "
        f"{type(error).__name__}; from outside the VPC use a tunnel and --connect",
    )


def database_error(error: Exception) -> CliError:
    """A pg8000 error raised inside a session, as one line without a value in it."""
    return CliError(EXIT_DATABASE, f"the database refused: {_message(error)}")


def _code(error) -> str:
    details = error.args[0] if error.args and isinstance(error.args[0], dict) else {}
    return details.get("C", "")


def _message(error) -> str:
    details = error.args[0] if error.args and isinstance(error.args[0], dict) else {}
    return details.get("M", type(error).__name__)
