"""Who holds a digest claim or the scheduler lease, and whether that holder is known dead.

A holder id is ``host:pid:token``. Claims and the lease also expire on their own (a holder
on another machine, or a frozen one, is only presumed gone after its TTL), but when the
holder ran on *this* host we can tell at once that it is gone, so a restart after a crash
recovers in seconds instead of waiting out the TTL:

* same host, another pid that no longer exists → dead (``kill -9`` then restart);
* same host, *our own* pid but a token this process never issued → dead (a container
  restarted with the same hostname and pid 1);
* anything else (another host, a live pid, an id in another format) → not known dead.

Holders this process issued stay "alive" until :func:`retire` — two schedulers in one test
process never mistake each other for dead.
"""

from __future__ import annotations

import os
import socket
import threading
import uuid

_LIVE: set[str] = set()
_LOCK = threading.Lock()


def new_holder() -> str:
    """A holder id unique to this process (and registered as alive in it)."""
    holder = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
    with _LOCK:
        _LIVE.add(holder)
    return holder


def retire(holder: str) -> None:
    """This holder has stopped (its scheduler shut down); it may now be presumed dead."""
    with _LOCK:
        _LIVE.discard(holder)


def is_dead(holder: str | None) -> bool:
    """True only when ``holder`` ran on this host and certainly no longer runs."""
    if not holder:
        return False
    parts = holder.split(":")
    if len(parts) != 3 or not parts[1].isdigit():
        return False
    host, pid = parts[0], int(parts[1])
    if host != socket.gethostname():
        return False
    if pid == os.getpid():
        with _LOCK:
            return holder not in _LIVE
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # a live process of another user
        return False
    return _is_zombie(pid)


def _is_zombie(pid: int) -> bool:
    """A killed child its parent has not reaped yet still answers ``kill(pid, 0)``."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] == "Z"
    except (OSError, IndexError):
        return False
