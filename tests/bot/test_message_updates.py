"""Per-message update serialization: one writer at a time, the last render after the last change."""

from __future__ import annotations

import threading

import pytest

from bot.slack.message_updates import MessageUpdates


def test_a_refresh_asked_for_during_an_update_renders_again_afterwards() -> None:
    updates = MessageUpdates()
    state = {"decisions": 1}
    rendered: list[int] = []
    inside, release = threading.Event(), threading.Event()

    def update() -> None:
        seen = state["decisions"]  # read at update time, like refresh_message
        if not rendered:
            inside.set()
            release.wait(10)
        rendered.append(seen)

    first = threading.Thread(target=updates.run, args=("R1", update))
    first.start()
    assert inside.wait(10)
    for n in (2, 3):  # two more decisions while the first update is in flight
        state["decisions"] = n
        assert updates.run("R1", update) is False  # coalesced, not queued
    release.set()
    first.join(10)
    assert rendered == [1, 3]  # the last render saw every decision
    assert updates.run("R1", update) is True  # and the key was released


def test_other_messages_are_not_held_up() -> None:
    updates = MessageUpdates()
    inside, release = threading.Event(), threading.Event()

    def slow() -> None:
        inside.set()
        release.wait(10)

    worker = threading.Thread(target=updates.run, args=("R1", slow))
    worker.start()
    assert inside.wait(10)
    done: list[str] = []
    assert updates.run("R2", lambda: done.append("R2")) is True and done == ["R2"]
    release.set()
    worker.join(10)


def test_a_failed_update_releases_the_message() -> None:
    updates = MessageUpdates()

    def broken() -> None:
        raise RuntimeError("slack down")

    with pytest.raises(RuntimeError):
        updates.run("R1", broken)
    done: list[int] = []
    assert updates.run("R1", lambda: done.append(1)) is True and done == [1]
