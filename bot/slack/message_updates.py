"""One writer at a time per Slack message, and the last write always from the newest state.

Three approvers deciding three drafts of one request at once each re-render the message
and call ``chat.update``. Unserialized, the renders race the network: an update rendered
before the second decision can land after the one rendered after it, and the message
shows a decided draft as still pending (with its buttons) for good.

:class:`MessageUpdates` runs the update for one key (the request id) on one thread at a
time. A refresh asked for while another is running does not queue a thread behind it:
it marks the key dirty and returns, and the running thread renders again — re-reading the
store — once its current update is done. So every decision committed before a refresh was
asked for is in a render that starts after it, and the last ``chat.update`` sent for a
message always shows every decision. One process; several processes on one database
would need the same rule across them (they do not share a message today).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class _State:
    dirty: bool = False


class MessageUpdates:
    """Serialize and coalesce ``update()`` calls per key."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running: dict[str, _State] = {}

    def run(self, key: str, update: Callable[[], None]) -> bool:
        """Run ``update`` for ``key`` now, or have the thread already updating it run it
        again afterwards. True when this call did the updating.

        An exception from ``update`` reaches the caller running it, after the renders
        asked for meanwhile have been tried; the key is always released, so a failed Slack
        call never wedges later refreshes.
        """
        with self._lock:
            state = self._running.get(key)
            if state is not None:
                state.dirty = True
                return False
            state = self._running[key] = _State()
        error: Exception | None = None
        try:
            while True:
                try:
                    update()
                except Exception as exc:
                    error = error or exc
                with self._lock:
                    if not state.dirty:  # released in the same step as the last check
                        del self._running[key]
                        break
                    state.dirty = False
        finally:
            with self._lock:
                if self._running.get(key) is state:
                    del self._running[key]
        if error is not None:
            raise error
        return True
