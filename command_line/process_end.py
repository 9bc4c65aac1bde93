"""How a command-line process ends when its reader goes away or the user presses Ctrl-C: one
line (or none), the conventional exit code, never a traceback. Shared by the operations CLI and
the synth."""

from __future__ import annotations

import os
import signal
import sys

EXIT_INTERRUPTED = 130  # 128 + SIGINT, what shells report for Ctrl-C
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, what `yes | head` reports


def broken_pipe() -> int:
    """The reader went away (`... | head`): stop quietly, as tools killed by SIGPIPE do. Pointing
    stdout at /dev/null keeps the interpreter's final flush from raising again."""
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return EXIT_BROKEN_PIPE


def end_on_interrupt(program: str) -> None:
    """Ctrl-C ends the process at once with one line, wherever it is: KeyboardInterrupt raised
    inside the Pulumi SDK's threads and event loops surfaces as unrelated errors or tracebacks."""

    def interrupted(signum, frame) -> None:
        os.write(sys.stderr.fileno(), f"{program}: interrupted\n".encode())
        os._exit(EXIT_INTERRUPTED)

    signal.signal(signal.SIGINT, interrupted)
