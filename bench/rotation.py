"""The rotation proof under load (`make bench`): the managed alternating-users rotation and the
previous manual scheme run the same simulated fleet against a real PostgreSQL server and the
moto server loaded from the synthesized stack (tests/support/rotation_lab.py), with tasks that live
through rotations (tests/support/long_lived_tasks.py); before them, the JWT key set under rolling
deployments against the two-slot release (tests/support/jwt_fleet.py).

The last line has the form the rotation issue asks for:
`rotation: 20 rotations, N logins, 0 failed (previous scheme: M failed)`.
"""

from __future__ import annotations

import sys

from tests.support import jwt_fleet, long_lived_tasks
from tests.support.rotation_lab import compare, summary

ROTATIONS = 20


def main() -> int:
    key_set, two_slots = jwt_fleet.compare(ROTATIONS)
    print(jwt_fleet.summary(ROTATIONS, key_set, two_slots))
    restarted, kept = long_lived_tasks.compare(ROTATIONS)
    print(long_lived_tasks.summary(ROTATIONS, restarted, kept))
    managed, previous = compare(ROTATIONS)
    print(summary(ROTATIONS, managed, previous))
    proven = (
        key_set.rejected == 0 < two_slots.rejected
        and restarted.failed == 0 < kept.failed
        and managed.failed == 0 < previous.failed
    )
    return 0 if proven else 1


if __name__ == "__main__":
    sys.exit(main())
