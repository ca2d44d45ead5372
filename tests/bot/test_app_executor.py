"""Bolt hands acks and lazy listeners to one executor; ours must keep them on separate pools."""

from __future__ import annotations

import logging
import threading

from slack_bolt.lazy_listener.internals import build_runnable_function
from slack_bolt.request import BoltRequest

from bot.slack.app import ListenerExecutor


def test_lazy_listeners_run_on_the_work_pool_and_acks_on_their_own() -> None:
    executor = ListenerExecutor(workers=1, ack_workers=1)
    release = threading.Event()
    names: dict[str, str] = {}

    def heavy() -> None:
        names["lazy"] = threading.current_thread().name
        release.wait(10)

    # The same wrapping Bolt applies to every lazy listener before submitting it.
    lazy = build_runnable_function(func=heavy, logger=logging.getLogger("t"),
                                   request=BoltRequest(body="", headers={}))
    busy = executor.submit(lazy)
    # With the only work thread blocked, an ack still runs at once.
    ack = executor.submit(lambda: threading.current_thread().name)
    assert ack.result(timeout=10).startswith("bolt-ack")
    release.set()
    busy.result(timeout=10)
    assert names["lazy"].startswith("bolt-lazy")
    executor.shutdown()


def test_interactive_lazy_listeners_do_not_queue_behind_drafting() -> None:
    from bot.slack.executor import interactive

    executor = ListenerExecutor(workers=1, ack_workers=1, interactive_workers=1)
    release = threading.Event()

    def draft() -> None:
        release.wait(10)

    names: list[str] = []

    @interactive
    def open_modal() -> None:
        names.append(threading.current_thread().name)

    request = BoltRequest(body="", headers={})
    wrap = lambda f: build_runnable_function(func=f, logger=logging.getLogger("t"),  # noqa: E731
                                             request=request)
    drafts = [executor.submit(wrap(draft)) for _ in range(3)]  # one running, two queued
    modal = executor.submit(wrap(open_modal))
    modal.result(timeout=10)  # would wait for all three drafts on a shared pool
    assert names[0].startswith("bolt-ui")
    assert not executor.wait_idle(0.01)  # the drafts are still there
    release.set()
    for future in drafts:
        future.result(timeout=10)
    assert executor.wait_idle(10)
    executor.shutdown()


def _lazy(func):  # the wrapping Bolt gives every lazy listener
    return build_runnable_function(func=func, logger=logging.getLogger("t"),
                                   request=BoltRequest(body="", headers={}))


def test_a_draft_about_to_start_waits_for_the_acks_in_flight() -> None:
    executor = ListenerExecutor(workers=1, ack_workers=1, defer_s=30, quiet_s=0)
    release = threading.Event()
    order: list[str] = []

    def ack() -> None:
        release.wait(10)
        order.append("ack")

    executor.submit(ack)
    draft = executor.submit(_lazy(lambda: order.append("draft")))
    assert executor.wait_deferred(1)  # the draft is holding back, not running
    release.set()
    draft.result(timeout=10)
    assert order == ["ack", "draft"]
    executor.shutdown()


def test_a_draft_never_waits_longer_than_defer_s() -> None:
    executor = ListenerExecutor(workers=1, ack_workers=1, defer_s=0, quiet_s=0)
    release = threading.Event()
    executor.submit(lambda: release.wait(10))  # an ack that does not finish
    ran: list[str] = []
    executor.submit(_lazy(lambda: ran.append("draft"))).result(timeout=10)
    assert ran == ["draft"]
    release.set()
    executor.shutdown()
