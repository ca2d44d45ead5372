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

Threads do not make Python's drafting faster (the recommender, offline drafter and
compliance checks hold the GIL), but they do slow every ack running next to them. So a
drafting task that is about to start first waits — at most ``defer_s`` — until no ack and
no interactive task is in flight and no request is being dispatched
(:meth:`ListenerExecutor.urgent`, entered by ``bot.slack.server``): a burst of ``/recommend`` is acked first and drafted
right after, instead of both sharing the CPU. (A draft already running is not paused.)

Bolt wraps each lazy listener with ``functools.wraps`` before submitting it, so the
wrapper carries the original in ``__wrapped__`` and the marker is read from there.
:meth:`ListenerExecutor.wait_idle` lets tests and benchmarks drain the pools instead of
sleeping.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")
# Any callable Bolt hands us (acks and lazy listeners take different arguments).
F = TypeVar("F", bound=Callable[..., object])

LANE_ATTR = "slack_lane"
ACK, INTERACTIVE, DRAFTING = "ack", "interactive", "drafting"


def interactive(func: F) -> F:
    """Mark a lazy listener as short, user-facing work that must not queue behind drafts."""
    setattr(func, LANE_ATTR, INTERACTIVE)
    return func


def lane_of(fn: Callable[..., object]) -> str:
    """The pool a submitted callable belongs on (see the module docstring)."""
    wrapped = getattr(fn, "__wrapped__", None)
    if wrapped is None:
        return ACK
    return getattr(wrapped, LANE_ATTR, DRAFTING)


class ListenerExecutor(Executor):
    """Three thread pools behind Bolt's one executor, each ``workers`` threads wide."""

    def __init__(self, workers: int, ack_workers: int | None = None,
                 interactive_workers: int | None = None, *, defer_s: float = 2.0,
                 quiet_s: float = 0.05) -> None:
        self._pools = {
            ACK: ThreadPoolExecutor(ack_workers or workers, thread_name_prefix="bolt-ack"),
            INTERACTIVE: ThreadPoolExecutor(interactive_workers or workers,
                                            thread_name_prefix="bolt-ui"),
            DRAFTING: ThreadPoolExecutor(workers, thread_name_prefix="bolt-lazy"),
        }
        self.defer_s = defer_s
        self.quiet_s = quiet_s
        self._last_urgent = 0.0
        self._pending = 0
        self._urgent = 0  # acks and interactive tasks queued or running
        self.deferred = 0  # drafting tasks waiting for them right now
        self._idle = threading.Condition()

    def submit(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> Future[T]:
        lane = lane_of(fn)
        urgent = lane != DRAFTING
        with self._idle:
            self._pending += 1
            self._urgent += urgent
        task = fn if urgent else self._after_urgent(fn)
        try:
            future = self._pools[lane].submit(task, *args, **kwargs)
        except BaseException:
            self._done(urgent)
            raise
        future.add_done_callback(lambda _: self._done(urgent))
        return future

    def _after_urgent(self, fn: Callable[P, T]) -> Callable[P, T]:
        def run(*args: P.args, **kwargs: P.kwargs) -> T:
            self._wait_quiet()
            return fn(*args, **kwargs)

        return run

    def _wait_quiet(self) -> None:
        """Until nothing urgent has been in flight for ``quiet_s`` (a burst arrives
        unevenly; one idle instant is not the end of it), or ``defer_s`` has passed."""
        deadline = time.monotonic() + self.defer_s
        with self._idle:
            self.deferred += 1
            self._idle.notify_all()
            while (now := time.monotonic()) < deadline:
                if self._urgent:
                    self._idle.wait(deadline - now)
                elif now - self._last_urgent < self.quiet_s:
                    self._idle.wait(min(deadline, self._last_urgent + self.quiet_s) - now)
                else:
                    break
            self.deferred -= 1

    def _done(self, urgent: bool) -> None:
        with self._idle:
            self._pending -= 1
            if urgent:
                self._urgent -= 1
                self._last_urgent = time.monotonic()
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

    @contextmanager
    def urgent(self) -> Iterator[None]:
        """Count the enclosed work (an HTTP request being dispatched) as urgent: drafting
        tasks about to start wait for it like they wait for acks."""
        with self._idle:
            self._urgent += 1
        try:
            yield
        finally:
            with self._idle:
                self._urgent -= 1
                self._last_urgent = time.monotonic()
                self._idle.notify_all()

    def wait_deferred(self, count: int, timeout: float = 10.0) -> bool:
        """Block until ``count`` drafting tasks are waiting for urgent work (tests)."""
        with self._idle:
            return self._idle.wait_for(lambda: self.deferred >= count, timeout=timeout)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        for pool in self._pools.values():
            pool.shutdown(wait=wait, cancel_futures=cancel_futures)
