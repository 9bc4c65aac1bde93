"""The rotation proof under load (`make bench`): the managed alternating-users rotation and the
previous manual scheme run the same simulated fleet against a real PostgreSQL server and the
moto server loaded from the synthesized stack (tools/rotation_lab.py). Then the JWT rollover:
a token signed before a key rotation still verifies after it; one signed two rotations back
does not (tools/jwt_rollover.py).

The last line has the form the rotation issue asks for:
`rotation: 20 rotations, N logins, 0 failed (previous scheme: M failed)`.
"""

from __future__ import annotations

import sys

from tools import long_lived_tasks
from tools.jwt_rollover import prove_rollover
from tools.rotation_lab import compare, summary

ROTATIONS = 20


def main() -> int:
    print(prove_rollover(start_generation=0))
    restarted, kept = long_lived_tasks.compare(ROTATIONS)
    print(long_lived_tasks.summary(ROTATIONS, restarted, kept))
    managed, previous = compare(ROTATIONS)
    print(summary(ROTATIONS, managed, previous))
    proven = restarted.failed == 0 < kept.failed and managed.failed == 0 < previous.failed
    return 0 if proven else 1


if __name__ == "__main__":
    sys.exit(main())
