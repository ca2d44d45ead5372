"""One root for every error ``crm`` raises, so the CLI and Slack can catch them together.

Each class also keeps the builtin base it had before the root existed (``KeyError`` for an
unknown product, ``ValueError`` for a bad file or name, ``RuntimeError`` for a provider
call), so code that catches the builtin keeps working. The classes live next to the code
that raises them (:class:`crm.llm.LLMError`, :class:`crm.context.UnknownProductError`,
:class:`crm.context.BrandsFileError`); the ones without a natural home live here.
"""

from __future__ import annotations


class CRMError(Exception):
    """Something ``crm`` could not do; the message says what and how to fix it."""


class UnknownChoiceError(CRMError, ValueError):
    """A channel, tone or particle name that is not one of the known ones (message lists them)."""
