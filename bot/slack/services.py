"""What the Slack layer asks of the rest of personabot: parse, recommend and draft, redraft,
check — the :class:`Services` protocol, and :class:`Pipeline`, the real one over the
process's :class:`bot.wiring.Wiring`.

The listeners never import ``recsys`` or ``crm``: they call those four methods and get
plain records back; tests hand :func:`build_deps` a fake with the same methods. The model
loads lazily on first use, so a missing model file becomes a clear message on that request
(and an audit entry) instead of a dead process.

A ``/recommend`` is parsed once, in its ack (:meth:`Pipeline.parse`): the
:class:`ParsedText` it returns travels to the lazy listener and into
:meth:`Pipeline.recommend_and_draft` as it is. It is read again only when it was read before
the catalog's brands were known (the first requests of a process, before the model loaded),
so that "설화수 크림" still finds its brand; the persona is assigned by the parser, once.

:class:`BotDeps` is what each feature's ``register(app, deps)`` receives: the wiring, the
services, the approval policy, the rate limiter, the language resolver and the per-message
update serializer (:mod:`bot.slack.message_updates`).
"""

from __future__ import annotations

import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from slack_sdk import WebClient

from bot.components import ComponentError, Components
from bot.errors import BotError
from bot.slack.i18n import LanguageResolver
from bot.slack.message_updates import MessageUpdates
from bot.store.approvals import FindingRow, JSONObject, NewDraft, Store
from bot.wiring import Wiring

if TYPE_CHECKING:
    from recsys.profile import Profile
    from recsys.recommender import Recommender


class ProfileError(BotError, ValueError):
    """The description could not be read as a customer profile (message says what was)."""


class ServiceError(BotError, RuntimeError):
    """The work failed in a way the user can be told about in one line."""


@dataclass(frozen=True)
class ParsedText:
    """A description read as a profile (persona assigned), and whether the catalog's brands
    were known when it was read."""

    profile: Profile
    with_brands: bool


@dataclass(frozen=True)
class Outcome:
    """Everything one ``/recommend`` produced; dict shapes are documented in ``bot.store.approvals``."""

    profile: JSONObject
    persona: str
    product_id: str
    brand_id: str
    recommendations: list[JSONObject]
    drafts: list[NewDraft]
    # {"ko": ..., "en": ...} when the model serves a catalog it was not trained on, else None
    catalog_note: dict[str, str] | None = None


@dataclass(frozen=True)
class CheckResult:
    findings: list[FindingRow]
    approvable: bool


class Services(Protocol):
    """What the listeners call; :class:`Pipeline` is the real one."""

    def parse(self, text: str) -> ParsedText:
        """The profile in ``text``, or :class:`ProfileError` saying what was understood."""

    def recommend_and_draft(self, text: str, *, k: int = 3, channel: str | None = None,
                            llm: str | None = None,
                            parsed: ParsedText | None = None) -> Outcome:
        """Recommend ``k`` products for ``parsed`` (None: parse ``text``) and draft the top one."""

    def redraft(self, text: str, product_id: str, tone: str, *, channel: str | None = None,
                llm: str | None = None) -> NewDraft:
        """One tone drafted again for the same description and product."""

    def check(self, text: str, channel: str | None, product_id: str) -> CheckResult:
        """Every check a drafted message gets (:meth:`crm.drafting.Drafter.check`): ad and
        cosmetics rules, the product's facts and reviews, the sender, the tone-guide notice."""


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

    def is_approver(self, client: WebClient, user_id: str) -> bool:
        if user_id in self.user_ids:
            return True
        return bool(self.usergroup_id) and user_id in self._members(client)

    def refusal(self, client: WebClient, user_id: str, requester_id: str) -> str | None:
        """The i18n key explaining why ``user_id`` may not approve, or None."""
        if not self.is_approver(client, user_id):
            return "not_approver"
        if user_id == requester_id and not self.allow_self_approval:
            return "self_approval"
        return None

    def _members(self, client: WebClient) -> frozenset[str]:
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
    """What every Slack feature's ``register(app, deps)`` receives."""

    wiring: Wiring
    services: Services
    policy: ApprovalPolicy
    limiter: RateLimiter
    languages: LanguageResolver
    updates: MessageUpdates = field(default_factory=MessageUpdates)

    @property
    def store(self) -> Store:
        """The approvals store every Slack feature reads and writes."""
        assert self.wiring.approvals is not None, "the Slack app needs an approvals store"
        return self.wiring.approvals


def build_deps(wiring: Wiring, services: Services | None = None) -> BotDeps:
    """The Slack features' dependencies over ``wiring`` (``services``: the real
    :class:`Pipeline` over it unless a test hands in another)."""
    settings = wiring.settings
    return BotDeps(
        wiring=wiring,
        services=services or Pipeline(wiring),
        policy=ApprovalPolicy(settings.approver_user_ids, settings.approver_usergroup_id,
                              allow_self_approval=settings.allow_self_approval),
        limiter=RateLimiter(settings.rate_limit_per_minute),
        languages=LanguageResolver(settings.bot_language),
    )


def catalog_note(recommender: Recommender) -> dict[str, str] | None:
    """The approvers' note when the model serves a catalog it was not trained on (ko and en)."""
    match = getattr(recommender, "catalog_match", None)
    if match is None or match.same:
        return None
    return {"ko": match.message("ko"), "en": match.message("en")}


class Pipeline:
    """:class:`Services` over the process's wiring: its model parts, personas and providers."""

    def __init__(self, wiring: Wiring) -> None:
        self.wiring = wiring
        self.settings = wiring.settings

    def parts(self) -> Components:
        try:
            return self.wiring.parts()
        except ComponentError as exc:
            raise ServiceError(f"the recommendation model could not be loaded: {exc}") from None

    def _read(self, text: str) -> ParsedText:
        from recsys.parsing import parse_profile

        loaded = self.wiring.loaded  # before reading: a load finishing meanwhile does not count
        brands = self.wiring.brands() if loaded else ()
        profile = parse_profile(text, personas=self.wiring.personas, brands=brands)
        return ParsedText(profile, with_brands=loaded)

    def parse(self, text: str) -> ParsedText:
        """The profile, with the catalog's brands once the model is loaded; text that only a
        brand could make sense of loads it (once) before it is refused."""
        from recsys.parsing import ProfileParseError

        try:
            return self._read(text)
        except ProfileParseError as exc:
            if self.wiring.loaded:
                raise ProfileError(str(exc)) from None
        try:
            self.parts()
        except ServiceError:
            pass  # the request fails later with that message; here only the text is judged
        try:
            return self._read(text)
        except ProfileParseError as exc:
            raise ProfileError(str(exc)) from None

    def recommend_and_draft(self, text: str, *, k: int = 3, channel: str | None = None,
                            llm: str | None = None,
                            parsed: ParsedText | None = None) -> Outcome:
        from dataclasses import asdict

        from crm.pipeline import run_recommend

        parts = self.parts()
        if parsed is None or not parsed.with_brands:
            parsed = self.parse(text)  # read before the catalog's brands were known
        result = run_recommend(parsed.profile, parts.recommender, parts.drafter, k=k,
                               channel=channel or self.settings.crm_channel,
                               provider=self.wiring.provider(llm))
        if result.product is None:
            raise ServiceError((result.note("en") or "no product matches this profile")
                               + "; loosen the type, brand, gender or budget")
        product = result.product
        return Outcome(profile=result.profile.to_dict(), persona=result.profile.persona or "",
                       product_id=str(product.product_id), brand_id=str(product.brand_id),
                       recommendations=[asdict(r) for r in result.recommendations],
                       drafts=[NewDraft.of(d) for d in result.drafts],
                       catalog_note=catalog_note(parts.recommender))

    def redraft(self, text: str, product_id: str, tone: str, *, channel: str | None = None,
                llm: str | None = None) -> NewDraft:
        drafter = self.parts().drafter
        drafts = drafter.draft(self.parse(text).profile, product_id,
                               channel=channel or self.settings.crm_channel, tones=(tone,),
                               provider=self.wiring.provider(llm))
        return NewDraft.of(drafts[0])

    def check(self, text: str, channel: str | None, product_id: str) -> CheckResult:
        from crm.compliance import is_approvable
        from crm.drafting import finding_dict

        findings = self.parts().drafter.check(text, product_id, channel=channel or self.settings.crm_channel)
        return CheckResult([finding_dict(f) for f in findings],  # type: ignore[misc]
                           bool(is_approvable(findings)))
