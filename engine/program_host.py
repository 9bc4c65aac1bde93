"""One language server for a whole engine session: it serves whichever program the CLI runs (the
project directory the CLI hands it), one run at a time, as the launcher's own server does for
one. What a program's run costs is then the program, not starting Python and importing the
SDKs again for every `pulumi` command of a test session.

Before each run the modules of earlier programs are forgotten (anything imported from outside
the interpreter's own paths), so each program imports its own `components`, `settings`, ...,
even when an earlier commit's copy ran just before.

    python -m engine.program_host      # prints its port, serves until stdin closes
"""

from __future__ import annotations

import sys
import sysconfig
import threading
from pathlib import Path

from engine.launcher import serve_program

SHARED = {Path(p).resolve() for p in sysconfig.get_paths().values()}


def _forget_programs() -> None:
    """Drops every module loaded from outside the interpreter and its site-packages."""
    for name, module in list(sys.modules.items()):
        origin = getattr(module, "__file__", None)
        if origin and not any(Path(origin).resolve().is_relative_to(p) for p in SHARED):
            if name != "__main__" and not name.startswith(("engine", "tools")):
                del sys.modules[name]


def main() -> None:
    lock = threading.Lock()
    server, port = serve_program(None, before_run=_forget_programs, lock=lock)
    print(port, flush=True)
    sys.stdin.read()  # the session closes it when it ends
    server.stop(0)


if __name__ == "__main__":
    main()
