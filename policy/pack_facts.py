"""Facts of the stack the pack's rules rely on, copied from stack_model (the pack runs from its own
folder, without the project's packages); tests/test_policy_pack.py holds each copy equal to the
original."""

from __future__ import annotations

# The secret of database credentials, as the stacks of this project name it.
CREDENTIALS_SECRET_SUFFIX = "-db-credentials"
# JSON keys a container must not read one by one from a rotated secret (ECS reads each entry
# with its own GetSecretValue: two reads can straddle a rotation and pair mismatched halves).
ROTATED_TOGETHER = ("username", "password")
# The JWT key set's keys (stack_model/jwt_key_set.py, JWT_KEYS; a test holds the copy to it): a
# container that read them one by one could hold keys of two generations.
JWT_KEY_SET_KEYS = ("jwt_secret_key", "jwt_secret_key_previous", "jwt_secret_key_next")
