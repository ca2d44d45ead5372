"""The one wiring of a personabot process, built once from :class:`~bot.settings.Settings`.

:class:`Wiring` owns what every surface runs on: the settings, the team's personas, the
approvals store, and the recommender, context index and drafter (loaded once, on first
use, by :class:`bot.components.SharedComponents`), plus the LLM providers a request may
pick with ``--llm``. ``personabot serve`` builds one and hands it to the Slack features
(:func:`bot.slack.services.build_deps`) and to the digests
(:func:`bot.digests.scheduler.build_digests`, whose composer reads the same model), so the
process holds one model and one review index. Each CLI command builds its wiring the same
way (:func:`bot.cli.common.wiring_or_exit`).

This room sits between Slack and the stores: it may import the stores and the top-level
modules; everything that serves a person imports it. The digest scheduler lives above Slack
(it posts through Slack), so it is built over the wiring, not inside it.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bot.components import Components, SharedComponents
from bot.settings import Settings
from bot.store.approvals import Store

if TYPE_CHECKING:
    from crm.llm import LLMProvider
    from recsys.personas import Persona


@dataclass
class Wiring:
    """The settings, personas, approvals store and shared model parts of one process."""

    settings: Settings
    personas: tuple[Persona, ...]
    #: None when nothing is to be stored (``personabot recommend --no-save``, previews)
    approvals: Store | None
    components: SharedComponents
    _providers: dict[str, LLMProvider] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def parts(self) -> Components:
        """The recommender, context index and drafter (loaded on first use; a failed load
        raises :class:`bot.components.ComponentError` and is tried again next time)."""
        return self.components.get()

    @property
    def loaded(self) -> bool:
        return self.components.loaded

    def brands(self) -> tuple[str, ...]:
        """The loaded catalog's brands, as the profile parser reads them (none before the
        model is loaded: loading it is never a side effect of asking)."""
        return self.parts().recommender.brands if self.loaded else ()

    def provider(self, name: str | None) -> LLMProvider | None:
        """The provider a request picked (``--llm name``), built once per name; None: the
        drafter's own (``LLM_PROVIDER``)."""
        if not name:
            return None
        from crm.llm import LLMConfig, resolve_provider

        with self._lock:
            if name not in self._providers:
                self._providers[name] = resolve_provider(name, LLMConfig.from_settings(self.settings))
            return self._providers[name]


def build_wiring(settings: Settings, approvals: Store | None = None) -> Wiring:
    """The wiring over ``settings``: personas from ``PERSONAS_PATH`` (a bad file raises
    ``recsys.personas.PersonaFileError``), the model parts built on first use with
    ``approvals``' approved drafts as the drafter's style examples."""
    from recsys.personas import load_personas

    return Wiring(settings=settings, personas=load_personas(settings.personas_path),
                  approvals=approvals, components=SharedComponents(settings, approvals))
