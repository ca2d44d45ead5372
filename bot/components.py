"""Build the recommender, the context index and the drafter from settings, in one place.

Every surface runs on the same three parts from the same settings (through
:class:`bot.wiring.Wiring`); building them here keeps one rule for every setting: a file that is
named but missing or broken is a :class:`ComponentError` whose one-line message names the
setting to fix, never a silent fallback to demo data or a traceback.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from bot.errors import BotError
from bot.settings import Settings

if TYPE_CHECKING:
    from crm.context import ContextIndex
    from crm.drafting import Drafter, StyleSource
    from recsys.recommender import Recommender


class ComponentError(BotError, RuntimeError):
    """A setting names something unusable; ``exit_code`` is 2 for a bad path, 1 for a failed load."""

    def __init__(self, message: str, exit_code: int = 2) -> None:
        super().__init__(message)
        self.exit_code = exit_code


@dataclass(frozen=True)
class Components:
    """What a ``/recommend`` runs on: the drafter's index covers the recommender's catalog."""

    recommender: Recommender
    index: ContextIndex
    drafter: Drafter


def build_components(settings: Settings, *,
                     style_source: StyleSource | None = None) -> Components:
    """Load the model over ``CATALOG_PATH`` (unset: the catalog recorded in the model), index it with ``BRANDS_PATH`` and make the drafter.

    The drafter's provider is ``LLM_PROVIDER`` (a misconfigured one becomes visible offline
    fallbacks via ``resolve_provider``); a request's ``--llm`` is passed per draft
    (:meth:`bot.wiring.Wiring.provider`). ``style_source`` defaults to the example
    messages in ``data/crm_examples.json``; the Slack bot passes its approved drafts.
    """
    from crm.context import BrandsFileError, ContextIndex, load_brands, load_default_tone
    from crm.drafting import Drafter, examples_style_source
    from crm.llm import LLMConfig, resolve_provider
    from recsys import paths
    from recsys.catalog import CatalogError
    from recsys.model import ModelLoadError
    from recsys.recommender import Recommender

    catalog = settings.catalog_path  # None: the catalog the model records (model.json), not the demo one
    if catalog is not None and not catalog.exists():
        raise ComponentError(f"catalog file not found: {catalog} (CATALOG_PATH) — point CATALOG_PATH at a "
                             "products.json, or unset it to use the catalog the model was trained on")
    if catalog is not None and not catalog.is_file():
        raise ComponentError(f"catalog path {catalog} (CATALOG_PATH) is not a file — point CATALOG_PATH at a "
                             "products.json")
    try:
        recommender = Recommender.load(settings.model_dir, catalog, columns=settings.catalog_columns,
                                          index=settings.recsys_index)
    except CatalogError as exc:
        raise ComponentError(f"CATALOG_PATH: {exc}") from None
    except ModelLoadError as exc:
        hint = "" if catalog is not None else "; or set CATALOG_PATH"
        raise ComponentError(f"MODEL_DIR: {exc}{hint}", exit_code=1) from None
    except OSError as exc:
        raise ComponentError(f"the recommendation model could not be loaded: {exc.strerror or exc} "
                             "(MODEL_DIR, CATALOG_PATH)", exit_code=1) from None
    try:
        brands = load_brands(settings.brands_path) if settings.brands_path else {}
    except BrandsFileError as exc:
        raise ComponentError(f"BRANDS_PATH: {exc}; fix it, or unset BRANDS_PATH to use the demo brand "
                             "guides") from None
    try:
        default_tone = load_default_tone(settings.default_tone_path)
    except BrandsFileError as exc:
        raise ComponentError(f"DEFAULT_TONE_PATH: {exc}; fix it, or unset DEFAULT_TONE_PATH to use the "
                             "shipped data/default_tone.json") from None
    index = ContextIndex(recommender.catalog, brands, default_tone=default_tone)
    drafter = Drafter(
        index,
        resolve_provider(None, LLMConfig.from_settings(settings)),
        optout_number=settings.crm_optout_number,
        contact_number=settings.crm_contact_number,
        add_label=settings.crm_add_label,
        style_source=style_source or examples_style_source(paths.CRM_EXAMPLES),
        timeout_s=settings.llm_timeout_s,
        sender=settings.crm_sender_name,
    )
    return Components(recommender=recommender, index=index, drafter=drafter)


class ApprovedDrafts(Protocol):
    """The one method of the approvals store that style examples need."""

    def style_examples(self, persona: str, brand_id: str) -> list[str]: ...


def store_style_source(store: ApprovedDrafts | None) -> StyleSource | None:
    """The one style rule for Slack, the CLI and the digests: approved drafts of the same
    persona and brand, else the shipped example messages (``data/crm_examples.json``).

    Without a store, ``None`` — :func:`build_components` then uses the examples alone.
    """
    if store is None:
        return None
    from crm.drafting import examples_style_source
    from recsys import paths

    examples = examples_style_source(paths.CRM_EXAMPLES)

    def style_source(persona: str | None, brand_id: str) -> list[str]:
        return store.style_examples(persona or "", brand_id) or list(examples(persona, brand_id))

    return style_source


class SharedComponents:
    """The process's one recommender, context index and drafter, built on first use.

    The process's :class:`bot.wiring.Wiring` holds one, which the Slack services and the
    digests share, so the process holds one model and one review index. Thread-safe; a failed load
    (:class:`ComponentError`) is not cached, so fixing the model file heals a running bot.
    """

    def __init__(self, settings: Settings, store: ApprovedDrafts | None = None) -> None:
        self.settings = settings
        self.store = store
        self._lock = threading.Lock()
        self._built: Components | None = None

    def get(self) -> Components:
        with self._lock:
            if self._built is None:
                self._built = build_components(self.settings,
                                               style_source=store_style_source(self.store))
            return self._built

    @property
    def loaded(self) -> bool:
        return self._built is not None
