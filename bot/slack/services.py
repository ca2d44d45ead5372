"""What the Slack layer needs from the rest of personabot, injected as plain callables.

The listeners never import ``recsys`` or ``crm``: they call the three functions of
:class:`Services` and get plain records back. :func:`build_services` wires the real
parts (profile parser, two-tower recommender, drafter with the store's approved drafts as
its style source, compliance checker); tests can hand :func:`build_deps` anything with the
same shape. The real pipeline loads lazily on first use, so a missing model file becomes
a clear message on that request (and an audit entry) instead of a dead process.

:class:`BotDeps` is what ``build_app(settings, deps, features)`` and each feature's
``register(app, deps)`` receive: the store, the services, the approval policy, the rate
limiter, the language resolver and the per-message update serializer
(:mod:`bot.slack.message_updates`).
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bot.slack.i18n import LanguageResolver
from bot.slack.message_updates import MessageUpdates
from bot.components import ComponentError, SharedComponents
from bot.settings import Settings
from bot.store.approvals import Store


class ProfileError(ValueError):
    """The description could not be read as a customer profile (message says what was)."""


class ServiceError(RuntimeError):
    """The work failed in a way the user can be told about in one line."""


@dataclass(frozen=True)
class DraftOut:
    tone: str
    text: str
    provider: str
    model: str
    fallback_reason: str | None
    findings: list[dict[str, Any]]
    approvable: bool


@dataclass(frozen=True)
class Outcome:
    """Everything one ``/recommend`` produced; dict shapes are documented in ``bot.store.approvals``."""

    profile: dict[str, Any]
    persona: str
    product_id: str
    brand_id: str
    recommendations: list[dict[str, Any]]
    drafts: list[DraftOut]
    # {"ko": ..., "en": ...} when the model serves a catalog it was not trained on, else None
    catalog_note: dict[str, str] | None = None


@dataclass(frozen=True)
class CheckResult:
    findings: list[dict[str, Any]]
    approvable: bool


@dataclass(frozen=True)
class Services:
    """``parse(text) -> profile dict`` (raises ProfileError);
    ``recommend_and_draft(text, *, k, channel, llm, profile=None) -> Outcome`` (``profile``:
    the dict ``parse(text)`` already returned, so a command is parsed once);
    ``redraft(text, product_id, tone, *, channel, llm) -> DraftOut``;
    ``check(text, channel, product_id) -> CheckResult`` (the drafter's own rules for that
    product: registered functional claims, the sender name ``CRM_SENDER_NAME``)."""

    parse: Callable[[str], dict[str, Any]]
    recommend_and_draft: Callable[..., Outcome]
    redraft: Callable[..., DraftOut]
    check: Callable[[str, str | None, str], CheckResult]
    #: the model these run on, shared with the digests (None: fakes in tests)
    components: SharedComponents | None = None


class RateLimiter:
    """At most ``per_minute`` admissions per user in any 60 s window.

    ``admit`` is memoised by ``key`` (the command's trigger id) so the ack and the lazy
    listener of one command, and Slack's retries of it, count once and agree.
    """

    def __init__(self, per_minute: int, window_s: float = 60.0) -> None:
        self.per_minute = per_minute
        self.window_s = window_s
        self._hits: dict[str, deque[float]] = {}
        self._decided: dict[str, float] = {}
        self._lock = threading.Lock()

    def admit(self, user_id: str, key: str) -> float:
        """0 when admitted, else the seconds to wait."""
        with self._lock:
            if key in self._decided:
                return self._decided[key]
            now = time.monotonic()
            hits = self._hits.setdefault(user_id, deque())
            while hits and now - hits[0] >= self.window_s:
                hits.popleft()
            wait = 0.0
            if len(hits) >= self.per_minute:
                wait = max(1.0, self.window_s - (now - hits[0]))
            else:
                hits.append(now)
            if len(self._decided) > 10_000:
                self._decided.clear()
            self._decided[key] = wait
            return wait


class ApprovalPolicy:
    """Who may approve: ``APPROVER_USER_IDS`` and/or members of ``APPROVER_USERGROUP_ID``.

    Group membership comes from ``usergroups.users.list`` and is cached for ``ttl_s``.
    """

    def __init__(self, user_ids: list[str], usergroup_id: str | None, *,
                 allow_self_approval: bool = False, ttl_s: float = 300.0) -> None:
        self.user_ids = set(user_ids)
        self.usergroup_id = usergroup_id
        self.allow_self_approval = allow_self_approval
        self.ttl_s = ttl_s
        self._group: tuple[float, frozenset[str]] | None = None
        self._lock = threading.Lock()

    def is_approver(self, client: Any, user_id: str) -> bool:
        if user_id in self.user_ids:
            return True
        return bool(self.usergroup_id) and user_id in self._members(client)

    def refusal(self, client: Any, user_id: str, requester_id: str) -> str | None:
        """The i18n key explaining why ``user_id`` may not approve, or None."""
        if not self.is_approver(client, user_id):
            return "not_approver"
        if user_id == requester_id and not self.allow_self_approval:
            return "self_approval"
        return None

    def _members(self, client: Any) -> frozenset[str]:
        with self._lock:
            if self._group and time.monotonic() - self._group[0] < self.ttl_s:
                return self._group[1]
        response = client.usergroups_users_list(usergroup=self.usergroup_id)
        members = frozenset(response.get("users") or ())
        with self._lock:
            self._group = (time.monotonic(), members)
        return members


@dataclass
class BotDeps:
    store: Store
    services: Services
    policy: ApprovalPolicy
    limiter: RateLimiter
    languages: LanguageResolver
    updates: MessageUpdates = field(default_factory=MessageUpdates)


def build_deps(settings: Settings, store: Store, services: Services) -> BotDeps:
    return BotDeps(
        store=store,
        services=services,
        policy=ApprovalPolicy(settings.approver_user_ids, settings.approver_usergroup_id,
                              allow_self_approval=settings.allow_self_approval),
        limiter=RateLimiter(settings.rate_limit_per_minute),
        languages=LanguageResolver(settings.bot_language),
    )


def _as_dict(record: Any) -> dict[str, Any]:
    if isinstance(record, dict):
        return dict(record)
    from dataclasses import asdict

    return asdict(record)


def finding_dict(finding: Any) -> dict[str, Any]:
    """A finding as stored: the keys of ``crm.compliance.Finding``, JSON-ready."""
    if hasattr(finding, "to_dict"):
        return finding.to_dict()
    return _as_dict(finding)


class _Pipeline:
    """The real recommender and drafter, loaded once on first use (thread-safe).

    A failed load is not cached, so fixing the model file heals the running bot.
    """

    def __init__(self, settings: Settings, store: Store,
                 components: SharedComponents | None = None) -> None:
        self.settings = settings
        self.store = store
        self.components = components or SharedComponents(settings, store)
        self._lock = threading.Lock()
        self._providers: dict[str, Any] = {}

    def parts(self) -> tuple[Any, Any]:
        try:
            built = self.components.get()
        except ComponentError as exc:
            raise ServiceError(f"the recommendation model could not be loaded: {exc}") from None
        return built.recommender, built.drafter

    @property
    def loaded(self) -> bool:
        return self.components.loaded

    def brands(self) -> tuple[str, ...]:
        """The loaded catalog's brands for the parser (none before the first load)."""
        return self.components.get().recommender.brands if self.loaded else ()

    def provider(self, name: str | None) -> Any:
        """The provider for ``--llm name`` (None: the drafter's default)."""
        if not name:
            return None
        from crm.llm import LLMConfig, resolve_provider

        with self._lock:
            if name not in self._providers:
                config = LLMConfig.from_settings(self.settings)
                self._providers[name] = resolve_provider(name, config)
            return self._providers[name]


def catalog_note(recommender: Any) -> dict[str, str] | None:
    """The approvers' note when the model serves a catalog it was not trained on (ko and en)."""
    match = getattr(recommender, "catalog_match", None)
    if match is None or match.same:
        return None
    return {"ko": match.message("ko"), "en": match.message("en")}


def build_services(settings: Settings, store: Store,
                   components: SharedComponents | None = None) -> Services:
    """The real components behind :class:`Services` (loaded on first use), over
    ``components`` — the process's one model — or a new one built from ``settings``."""
    from crm.compliance import check_message, is_approvable
    from crm.pipeline import run_recommend, with_persona
    from recsys.parsing import ProfileParseError, parse_profile
    from recsys.profile import Profile

    from recsys.personas import load_personas

    pipeline = _Pipeline(settings, store, components)
    personas = load_personas(settings.personas_path)

    def parse(text: str) -> dict[str, Any]:
        """The profile, with the catalog's brands once the pipeline is loaded; text that only a
        brand could make sense of loads it (once) before it is refused."""
        try:
            return parse_profile(text, personas=personas, brands=pipeline.brands()).to_dict()
        except ProfileParseError as exc:
            if pipeline.loaded:
                raise ProfileError(str(exc)) from None
        try:
            pipeline.parts()
        except ServiceError:
            pass  # the request fails later with that message; here only the text is judged
        try:
            return parse_profile(text, personas=personas, brands=pipeline.brands()).to_dict()
        except ProfileParseError as exc:
            raise ProfileError(str(exc)) from None

    def draft_out(draft: Any) -> DraftOut:
        return DraftOut(tone=draft.tone, text=draft.text, provider=draft.provider,
                        model=draft.model, fallback_reason=draft.fallback_reason,
                        findings=[finding_dict(f) for f in draft.findings],
                        approvable=bool(draft.approvable))

    def recommend_and_draft(text: str, *, k: int = 3, channel: str | None = None,
                            llm: str | None = None,
                            profile: dict[str, Any] | None = None) -> Outcome:
        recommender, drafter = pipeline.parts()
        if profile is None or (not profile.get("brands") and pipeline.brands()):
            profile = parse(text)  # parsed before the catalog's brands were known
        parsed = Profile.from_dict(profile)
        result = run_recommend(parsed, recommender, drafter, k=k,
                               channel=channel or settings.crm_channel,
                               provider=pipeline.provider(llm))
        if result.product is None:
            raise ServiceError((result.note("en") or "no product matches this profile")
                               + "; loosen the type, brand, gender or budget")
        product = _as_dict(result.product)
        return Outcome(profile=result.profile.to_dict(), persona=result.profile.persona or "",
                       product_id=str(product["product_id"]), brand_id=str(product["brand_id"]),
                       recommendations=[_as_dict(r) for r in result.recommendations],
                       drafts=[draft_out(d) for d in result.drafts],
                       catalog_note=catalog_note(recommender))

    def redraft(text: str, product_id: str, tone: str, *, channel: str | None = None,
                llm: str | None = None) -> DraftOut:
        _, drafter = pipeline.parts()
        profile = with_persona(Profile.from_dict(parse(text)))
        drafts = drafter.draft(profile, product_id, channel=channel or settings.crm_channel,
                               tones=(tone,), provider=pipeline.provider(llm))
        return draft_out(drafts[0])

    def check(text: str, channel: str | None, product_id: str) -> CheckResult:
        _, drafter = pipeline.parts()
        product = drafter.index.product(product_id)
        findings = check_message(text, channel=channel or settings.crm_channel,
                                 registered_functions=product.functions,
                                 sender=drafter.sender_for(product_id))
        return CheckResult([finding_dict(f) for f in findings], bool(is_approvable(findings)))

    return Services(parse=parse, recommend_and_draft=recommend_and_draft, redraft=redraft,
                    check=check, components=pipeline.components)
