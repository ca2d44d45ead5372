"""The listener executor: acks, interactive work and drafting each get their own pool.

Bolt submits ack functions and lazy listeners alike to the one ``listener_executor`` it
is given. Slack gives an ack 3 s and a modal's ``trigger_id`` about 3 s as well, while a
draft through a slow LLM can take ``LLM_TIMEOUT_S`` (20 s by default). With one pool, a
burst of slow drafts holds every thread and a click on Edit opens its modal only after
them — too late, Slack answers ``expired_trigger_id``. So :class:`ListenerExecutor` runs

- ack functions (plain functions, not lazy) on the ``bolt-ack`` pool;
- lazy listeners marked :func:`interactive` (opening modals, decisions, message updates,
  App Home) on the ``bolt-ui`` pool;
- every other lazy listener (recommend and draft, regenerate, digests) on ``bolt-lazy``.

Bolt wraps each lazy listener with ``functools.wraps`` before submitting it, so the
wrapper carries the original in ``__wrapped__`` and the marker is read from there.
:meth:`ListenerExecutor.wait_idle` lets tests and benchmarks drain the pools instead of
sleeping.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])

LANE_ATTR = "slack_lane"
ACK, INTERACTIVE, DRAFTING = "ack", "interactive", "drafting"


def interactive(func: F) -> F:
    """Mark a lazy listener as short, user-facing work that must not queue behind drafts."""
    setattr(func, LANE_ATTR, INTERACTIVE)
    return func


def lane_of(fn: Callable[..., Any]) -> str:
    """The pool a submitted callable belongs on (see the module docstring)."""
    wrapped = getattr(fn, "__wrapped__", None)
    if wrapped is None:
        return ACK
    return getattr(wrapped, LANE_ATTR, DRAFTING)


class ListenerExecutor(Executor):
    """Three thread pools behind Bolt's one executor, each ``workers`` threads wide."""

    def __init__(self, workers: int, ack_workers: int | None = None,
                 interactive_workers: int | None = None) -> None:
        self._pools = {
            ACK: ThreadPoolExecutor(ack_workers or workers, thread_name_prefix="bolt-ack"),
            INTERACTIVE: ThreadPoolExecutor(interactive_workers or workers,
                                            thread_name_prefix="bolt-ui"),
            DRAFTING: ThreadPoolExecutor(workers, thread_name_prefix="bolt-lazy"),
        }
        self._pending = 0
        self._idle = threading.Condition()

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        with self._idle:
            self._pending += 1
        try:
            future = self._pools[lane_of(fn)].submit(fn, *args, **kwargs)
        except BaseException:
            self._done(None)
            raise
        future.add_done_callback(self._done)
        return future

    def _done(self, _: Future[Any] | None) -> None:
        with self._idle:
            self._pending -= 1
            self._idle.notify_all()

    def wait_idle(self, timeout: float = 30.0, *, busy: int = 0) -> bool:
        """Block until at most ``busy`` tasks are queued or running on all pools together
        (0: idle); False on timeout."""
        deadline = time.monotonic() + timeout
        with self._idle:
            while self._pending > busy:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._idle.wait(left)
        return True

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        for pool in self._pools.values():
            pool.shutdown(wait=wait, cancel_futures=cancel_futures)
