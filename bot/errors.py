"""The one error root of the bot, and the one place errors become words for a person.

Every error the bot raises on purpose derives from :class:`BotError` and keeps its builtin
base (``ValueError`` for bad input, ``RuntimeError`` for a part that cannot run), so old
``except ValueError`` callers keep working:

* ``bot.settings.SettingsError`` — a setting is missing or malformed
* ``bot.components.ComponentError`` — a setting names an unusable model, catalog or guide
* ``bot.store.db.DatabaseFileError`` — ``DB_PATH`` cannot be used as SQLite
* ``bot.store.approvals.DraftClosedError`` — the draft already has a decision
* ``bot.slack.command_text.CommandError`` — bad ``/recommend`` text
* ``bot.slack.services.ProfileError`` / ``ServiceError`` — the request cannot be served
* ``bot.digests.listeners.DigestCommandError`` — bad ``/digest`` text
* ``bot.digests.scheduler.PostError`` — Slack refused a digest post

:func:`user_message` is what both surfaces show: the CLI prints it after ``error:`` (see
:func:`bot.cli.common.fail_on`), Slack escapes it into the reply
(:func:`bot.slack.flows.user_reason`). It speaks for the bot's errors and for the errors
``crm`` and ``recsys`` raise for bad files and input; anything else is an internal error
whose raw text is never shown (it may hold anything).
"""

from __future__ import annotations

from crm.errors import CRMError
from recsys.errors import RecsysError


class BotError(Exception):
    """Root of the errors the bot raises on purpose; the message is one line for a person."""

    #: The CLI's exit status for this error (2: fix the input or a setting; 1: it failed).
    exit_code: int = 2


def is_expected(exc: BaseException) -> bool:
    """True for an error whose message is meant for a person (the bot's, crm's, recsys')."""
    return isinstance(exc, (BotError, CRMError, RecsysError))


def user_message(exc: BaseException) -> str | None:
    """The one line to tell a person about ``exc``, or None when it is an internal error."""
    if not is_expected(exc):
        return None
    return str(exc).strip() or type(exc).__name__
