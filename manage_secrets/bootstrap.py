"""`bootstrap-db-user`: the first application user, with the password of db-credentials' first
version. The alternating-users rotation needs a working current user before its first run (its
setSecret signs in as the current user first); RDS creates only the master user, so this step
of the first deployment creates the other one, signed in with the master secret that
db-credentials names (`masterarn`). It changes nothing when the user already signs in."""

from __future__ import annotations

from manage_secrets.database import Address, Tls, can_sign_in, connect, database_error
from manage_secrets.errors import EXIT_DATABASE, EXIT_NO_SUCH_KEY, CliError


def bootstrap_user(aws, secret_id: str, address: Address | None, tls: Tls, out=print) -> str:
    current = aws.secret_json(secret_id)
    if "masterarn" not in current:
        raise CliError(
            EXIT_NO_SUCH_KEY,
            f"{secret_id} names no master secret (masterarn): it is not set up for managed "
            "rotation; set rotationManaged=true and `pulumi up` first",
        )
    user, database = current["username"], current["dbname"]
    if can_sign_in(current, tls, address):
        return f"{user} already signs in to {database}: nothing to do"
    master = aws.secret_json(current["masterarn"])
    # RDS's own master secret holds only the user name and password: the instance is the one
    # db-credentials points at, as the rotation function finds it.
    master_login = {**current, "username": master["username"], "password": master["password"]}
    out(f"signing in as the master user {master['username']} to create {user}")
    import pg8000.exceptions
    from pg8000.native import identifier, literal

    if not can_sign_in(master_login, tls, address):
        raise CliError(
            EXIT_DATABASE,
            f"the master secret's credentials do not sign in to {database}: is masterarn the "
            "RDS instance's own master secret (`masterUserSecretArn` of the database stack)?",
        )
    session = connect(master_login, tls, address)
    try:
        exists = session.run("SELECT 1 FROM pg_roles WHERE rolname = :name", name=user)
        verb = "ALTER" if exists else "CREATE"
        session.run(
            f"{verb} ROLE {identifier(user)} WITH LOGIN PASSWORD {literal(current['password'])}"
        )
        session.run(
            f"GRANT CONNECT, CREATE, TEMPORARY ON DATABASE {identifier(database)} "
            f"TO {identifier(user)}"
        )
        session.run(f"GRANT USAGE, CREATE ON SCHEMA public TO {identifier(user)}")
    except pg8000.exceptions.DatabaseError as error:
        raise database_error(error) from None
    finally:
        session.close()
    out(f"{verb.lower()}d role {user} with the password of {secret_id}'s current version")
    if not can_sign_in(current, tls, address):
        raise CliError(
            EXIT_DATABASE,
            f"{user} still cannot sign in: check pg_hba rules and the role's attributes",
        )
    return f"{user} signs in to {database}: the first rotation can run (`manage-secrets rotate-db`)"
