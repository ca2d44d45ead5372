"""The root of every error recsys raises on purpose.

``except RecsysError`` catches all of them in one place (the CLI and the Slack app map it to
a one-line message); each subclass also keeps its builtin base (``ValueError``, ``KeyError``,
``RuntimeError``), so existing ``except ValueError`` clauses keep working.
"""

from __future__ import annotations


class RecsysError(Exception):
    """A recsys failure whose message says what went wrong and what to do about it."""
