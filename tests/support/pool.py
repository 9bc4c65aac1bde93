"""Servers that are costly to start and that one user at a time borrows (a test module, an engine
session): a lease hands out one that an earlier lease of this process gave back, made ready for
its new user, else starts one; each stops when the process's test session ends, or at exit."""

from __future__ import annotations

import atexit
import contextlib
import threading
from collections.abc import Callable, Iterator
from typing import Generic, TypeVar

T = TypeVar("T")


class Pool(Generic[T]):
    def __init__(
        self,
        start: Callable[[], T],
        ready: Callable[[T], None],
        alive: Callable[[T], bool],
        stop: Callable[[T], None],
    ):
        self._start, self._ready, self._alive, self._stop = start, ready, alive, stop
        self._lock = threading.Lock()
        self._idle: list[T] = []
        self._started: list[T] = []
        atexit.register(self.stop_all)

    @contextlib.contextmanager
    def lease(self) -> Iterator[T]:
        with self._lock:
            server = self._idle.pop() if self._idle else None
        if server is None:
            server = self._start()
            with self._lock:
                self._started.append(server)
        self._ready(server)
        try:
            yield server
        finally:
            if self._alive(server):
                with self._lock:
                    self._idle.append(server)

    def stop_all(self) -> None:
        """Stops every server this pool started."""
        with self._lock:
            started = list(self._started)
            self._started.clear()
            self._idle.clear()
        for server in started:
            self._stop(server)
