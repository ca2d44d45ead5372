"""What a weekly persona digest says, and how it looks in Slack and as a chart.

For each persona the digest shows the top products for the persona's representative
profile (``data/personas.json``), what changed since that subscription's previous digest
(new entries, rank moves, products that left the list), one or two review highlights and
one ready-to-approve draft. Everything here is pure given its inputs: the recommender,
review index and drafter come in through :class:`DigestSources` (``LiveSources`` reads the
process's :class:`bot.wiring.Wiring`), so tests build digests from plain records. Products
are named by the catalog's ``display_name`` (no promo tags), as drafts and explanations are.

The Slack rendering respects Block Kit limits (≤ 50 blocks per message, 150-character
headers, 3,000-character sections, ≤ 10 context elements): personas are packed into as
few messages as fit, a persona is never split, and every piece of catalog, review or LLM
text is escaped for mrkdwn.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from bot.badges import Badge, badge
from bot.digests.store import Run, Subscription
from bot.slack.blocks import SECTION_MAX
from bot.slack.i18n import t
from bot.slack.mrkdwn import clip, escape
from bot.store.approvals import JSONObject, NewDraft, Store
from bot.wiring import Wiring
from recsys.personas import UnknownPersonaError, find_persona
from recsys.profile import Profile

if TYPE_CHECKING:
    from crm.context import ReviewSnippet
    from recsys.personas import Persona
    from recsys.recommender import Recommender

#: One Slack message as posted: ``{"text", "blocks"}`` (plus ``thread``/``request_id`` for a
#: draft card); a Block Kit block is a JSON object.
Message = JSONObject
Block = JSONObject

MAX_BLOCKS = 50
MAX_HEADER = 150
MAX_CONTEXT_TEXT = 2000
MAX_FALLBACK_TEXT = 3000
TOP_K = 5
HIGHLIGHTS = 2
# A digest leaves out a product whose reviews average below RATING_FLOOR stars over at least
# MIN_RATED rated reviews. A missing rating (or a 0, which exports use for "none") is unknown,
# not low: unrated products stay. CANDIDATES × k products are asked for so the list stays
# k long after low-rated ones and near-duplicates are dropped.
RATING_FLOOR = 3.0
MIN_RATED = 2
CANDIDATES = 3
# Words that make a set, a refill or a promo bundle of a product line, not another product.
BUNDLE_WORDS = (
    "기획세트", "기획", "세트", "듀오", "트리오", "키트", "에디션", "스페셜", "한정", "본품", "리필",
    "증정", "단품", "set", "duo", "trio", "kit", "edition", "special", "limited", "refill", "pack",
)
_BRACKETS = re.compile(r"\[[^\]]*\]|\([^)]*\)|\{[^}]*\}")
_AMOUNTS = re.compile(r"\d+(?:\.\d+)?\s*(?:ml|mL|g|kg|매|개입|개|종|ea|p|호)\b|\d+\s*\+\s*\d+", re.IGNORECASE)


@dataclass(frozen=True)
class PersonaInfo:
    name: str
    name_ko: str
    description: str
    profile: Profile


@dataclass(frozen=True)
class DigestProduct:
    product_id: str
    name: str
    brand: str
    price: int
    score: float
    name_en: str = ""
    brand_id: str = ""
    #: the whole recommendation row, stored with a digest's draft card
    extra: JSONObject = field(default_factory=dict)
    rating: float | None = None  # mean stars of its rated reviews; None = unknown
    rated: int = 0  # how many reviews carried a rating


def name_stem(name: str) -> str:
    """A product name without what makes a set or a size of the same line: bracketed notes,
    amounts (50ml, 2개, 1+1) and bundle words — ``[기획] 수분 세럼 50ml 듀오`` → ``수분 세럼``."""
    text = _BRACKETS.sub(" ", name.casefold())
    text = _AMOUNTS.sub(" ", text)
    words = [w for w in re.split(r"[\s/,+·|_-]+", text) if w]
    kept = []
    for word in words:
        for bundle in BUNDLE_WORDS:
            if word.endswith(bundle) and len(word) > len(bundle):
                word = word[: -len(bundle)]
        if word not in BUNDLE_WORDS:
            kept.append(word)
    return " ".join(kept)


def near_duplicate(a: DigestProduct, b: DigestProduct) -> bool:
    """Same brand and the same name stem (a set, a refill or another size of one line): the
    reader would see the same product twice. Only equal stems count — "수분 크림" and
    "수분 크림 라이트" are different products."""
    if a.brand_id and b.brand_id and a.brand_id != b.brand_id:
        return False
    if not (a.brand_id and b.brand_id) and a.brand.casefold() != b.brand.casefold():
        return False
    sa, sb = name_stem(a.name), name_stem(b.name)
    if not sa or not sb:
        return False
    return sa == sb


def low_rated(product: DigestProduct) -> bool:
    return product.rating is not None and product.rated >= MIN_RATED and product.rating < RATING_FLOOR


def pick_products(candidates: Iterable[DigestProduct], k: int) -> list[DigestProduct]:
    """The first ``k`` candidates (in rank order) that are neither low-rated nor a
    near-duplicate of one already picked."""
    picked: list[DigestProduct] = []
    for product in candidates:
        if len(picked) == k:
            break
        if low_rated(product) or any(near_duplicate(product, p) for p in picked):
            continue
        picked.append(product)
    return picked


@dataclass(frozen=True)
class DigestDraft:
    """The one ready-to-approve draft; ``stored`` is it as the approvals store keeps it
    (model, fallback reason, findings with their severity), when it came from a drafter."""

    tone: str
    text: str
    provider: str
    approvable: bool
    findings: tuple[str, ...] = ()
    stored: NewDraft | None = None

    @property
    def badge(self) -> Badge:
        severities = [str(f.get("severity", "")) for f in self.stored.findings] if self.stored else []
        return badge(severities, self.approvable)

    def to_new_draft(self) -> NewDraft:
        """What the approvals store records for this draft's card."""
        return self.stored or NewDraft(tone=self.tone, text=self.text, provider=self.provider,
                                       model=None, fallback_reason=None, findings=[],
                                       approvable=self.approvable)


class DigestSources(Protocol):
    """Where a digest's facts come from (the real models in ``LiveSources``, fakes in tests).

    A source may also offer ``catalog_note(lang) -> str | None`` (said once at the top of the
    digest, e.g. when the model serves a catalog it was not trained on).
    """

    def personas(self) -> Sequence[PersonaInfo]: ...

    def top_products(self, profile: Profile, k: int) -> list[DigestProduct]: ...

    def highlights(self, profile: Profile, product_id: str, limit: int) -> list[str]: ...

    def draft(self, profile: Profile, product: DigestProduct) -> DigestDraft | None: ...


@dataclass(frozen=True)
class ProductLine:
    """One product in this week's list and where it stood last time."""

    rank: int
    product: DigestProduct
    previous_rank: int | None

    @property
    def change(self) -> str:
        if self.previous_rank is None:
            return "new"
        if self.previous_rank > self.rank:
            return "up"
        if self.previous_rank < self.rank:
            return "down"
        return "same"

    @property
    def marker(self) -> str:
        """What the reader sees next to the product: 🆕, ▲2, ▼1 or =."""
        if self.previous_rank is None:
            return "🆕"
        moved = abs(self.previous_rank - self.rank)
        return {"up": f"▲{moved}", "down": f"▼{moved}", "same": "="}[self.change]


@dataclass(frozen=True)
class PersonaDigest:
    persona: PersonaInfo
    lines: tuple[ProductLine, ...]
    dropped: tuple[str, ...]
    highlights: tuple[str, ...]
    draft: DigestDraft | None
    first: bool

    def snapshot(self) -> list[dict[str, str]]:
        return [{"product_id": ln.product.product_id, "name": ln.product.name} for ln in self.lines]


@dataclass(frozen=True)
class Digest:
    title: str
    period_label: str
    sections: tuple[PersonaDigest, ...]
    language: str = "en"  # the bot's own words (header, notes, card titles); data stays as is
    # said once per digest: e.g. the model serves a catalog it was not trained on
    note: str | None = None

    def snapshot(self) -> dict[str, list[dict[str, str]]]:
        """What the next digest of the same subscription compares against."""
        return {s.persona.name: s.snapshot() for s in self.sections}

    def chart_data(self) -> JSONObject:
        """What :func:`render_chart` draws. Its title stays in the Latin script whatever the
        digest's language: the bundled chart font has no Hangul glyphs."""
        title = self.title if self.language == "en" else "Weekly digest"
        label = self.period_label if self.period_label.isascii() else ""
        return {
            "title": f"{title} — {label}" if label else title,
            "personas": [
                {
                    "name": s.persona.name,
                    "products": [
                        {"label": ln.product.name_en or ln.product.product_id,
                         "score": round(ln.product.score, 4), "change": ln.change}
                        for ln in s.lines
                    ],
                }
                for s in self.sections
            ],
        }


# -- composing -------------------------------------------------------------------------


def compare_ranks(
    previous: Sequence[dict[str, str]] | None, products: Sequence[DigestProduct]
) -> tuple[tuple[ProductLine, ...], tuple[str, ...]]:
    """Rank this week's products against last digest's list: (lines, names that left)."""
    before = {item["product_id"]: rank for rank, item in enumerate(previous or (), start=1)}
    lines = tuple(
        ProductLine(rank, product, before.get(product.product_id) if previous is not None else None)
        for rank, product in enumerate(products, start=1)
    )
    now_ids = {p.product_id for p in products}
    dropped = tuple(item["name"] for item in previous or () if item["product_id"] not in now_ids)
    return lines, dropped


def profile_text(profile: Profile) -> str:
    """Marketer-style text that ``recsys.parsing.parse_profile`` reads back as ``profile``.

    A digest card's Regenerate button redrafts from its request's text, as for ``/recommend``.
    """
    parts = []
    if profile.age_min is not None:
        parts.append(f"{profile.age_min // 10 * 10}s")
    if profile.gender:
        parts.append({"F": "woman", "M": "man"}.get(profile.gender, profile.gender))
    if profile.skin_type:
        parts.append(f"{profile.skin_type} skin")
    parts += [c.replace("_", "-") for c in profile.concerns]
    if profile.category:
        parts.append(profile.category)
    if profile.price_min and profile.price_max:
        parts.append(f"{profile.price_min}-{profile.price_max} won")
    elif profile.price_max:
        parts.append(f"under {profile.price_max} won")
    elif profile.price_min:
        parts.append(f"over {profile.price_min} won")
    return ", ".join(parts)


def select_personas(sources: DigestSources, persona: str) -> list[PersonaInfo]:
    """``all`` or one persona by name (:func:`recsys.personas.find_persona`)."""
    personas = list(sources.personas())
    if persona.casefold() == "all":
        return personas
    chosen = find_persona(persona, personas)
    if chosen is None:
        valid = ", ".join(p.name for p in personas)
        raise UnknownPersonaError(f"Unknown persona {persona!r}; choose one of: {valid} or all")
    return [chosen]


def compose_digest(
    sources: DigestSources,
    persona: str,
    previous: dict[str, list[dict[str, str]]] | None,
    *,
    period_label: str,
    k: int = TOP_K,
    language: str = "en",
) -> Digest:
    """Build the digest of ``persona`` (a name or ``all``) against the previous snapshot,
    with the bot's own words in ``language`` (``ko`` or ``en``)."""
    sections = []
    for info in select_personas(sources, persona):
        products = pick_products(sources.top_products(info.profile, k * CANDIDATES), k)
        before = previous.get(info.name) if previous is not None else None
        lines, dropped = compare_ranks(before, products)
        highlights: list[str] = []
        draft = None
        if products:
            highlights = sources.highlights(info.profile, products[0].product_id, HIGHLIGHTS)
            draft = sources.draft(info.profile, products[0])
        sections.append(
            PersonaDigest(info, lines, dropped, tuple(highlights[:HIGHLIGHTS]), draft, before is None)
        )
    title = t("digest.title_all", language) if persona.casefold() == "all" else \
        t("digest.title_one", language, persona=sections[0].persona.name)
    catalog_note = getattr(sources, "catalog_note", None)  # optional in DigestSources
    return Digest(title, period_label, tuple(sections), language,
                  catalog_note(language) if callable(catalog_note) else None)


# -- Block Kit -------------------------------------------------------------------------


def _price(won: int, lang: str = "en") -> str:
    return f"₩{won:,}" if won else t("digest.price_na", lang)


def products_text(section: PersonaDigest, lang: str = "en") -> str:
    """The ranked list with change markers, as mrkdwn within one section's limit."""
    rows = []
    for line in section.lines:
        p = line.product
        marker = "" if section.first else f"  `{line.marker}`"
        rows.append(
            f"{line.rank}. *{clip(escape(p.name), 120)}* — {clip(escape(p.brand), 60)}"
            f" · {_price(p.price, lang)}{marker}"
        )
    if not rows:
        rows.append(t("digest.no_products", lang))
    if section.dropped:
        rows.append(t("digest.left", lang, names=", ".join(clip(escape(n), 60) for n in section.dropped)))
    elif section.first and section.lines:
        rows.append(t("digest.first", lang))
    return clip("\n".join(rows), SECTION_MAX)


def persona_blocks(section: PersonaDigest, draft_blocks: list[Block] | None = None,
                   lang: str = "en") -> list[Block]:
    """Header, ranked products, review highlights and the draft for one persona."""
    info = section.persona
    blocks: list[Block] = [
        {"type": "header",
         "text": {"type": "plain_text", "text": clip(f"{info.name_ko} · {info.name}", MAX_HEADER)}},
        {"type": "context",
         "elements": [{"type": "mrkdwn", "text": clip(escape(info.description), MAX_CONTEXT_TEXT)}]},
        {"type": "section", "text": {"type": "mrkdwn", "text": products_text(section, lang)}},
    ]
    if section.highlights:
        blocks.append({
            "type": "context",
            "elements": [
                {"type": "mrkdwn", "text": clip(f"💬 “{escape(h)}”", MAX_CONTEXT_TEXT)}
                for h in section.highlights[:HIGHLIGHTS]
            ],
        })
    if draft_blocks is not None:
        blocks.extend(draft_blocks)
    elif section.draft is not None:
        blocks.extend(plain_draft_blocks(section.draft, lang))
    blocks.append({"type": "divider"})
    return blocks


def plain_draft_blocks(draft: DigestDraft, lang: str = "en") -> list[Block]:
    """The draft without buttons (previews and the terminal; the posted digest threads the
    approvable card under the digest)."""
    status = t("digest.passes", lang) if draft.badge.approvable else \
        t("digest.needs_edits", lang, findings="; ".join(draft.findings))
    heading = t("digest.draft", lang, tone=escape(draft.tone))
    return [
        {"type": "section",
         "text": {"type": "mrkdwn", "text": clip(f"{heading}\n{escape(draft.text)}", SECTION_MAX)}},
        {"type": "context",
         "elements": [{"type": "mrkdwn", "text": clip(escape(f"{draft.provider} · {status}"), MAX_CONTEXT_TEXT)}]},
    ]


def digest_messages(
    digest: Digest,
    draft_blocks: Callable[[PersonaDigest], list[Block] | None] | None = None,
    *,
    note: str | None = None,
) -> list[Message]:
    """The digest as Slack messages ``{"text", "blocks"}`` of at most 50 blocks each."""
    intro: list[Block] = [
        {"type": "header", "text": {"type": "plain_text", "text": clip(f"📬 {digest.title}", MAX_HEADER)}},
        {"type": "context", "elements": [{"type": "mrkdwn", "text": clip(escape(digest.period_label), MAX_CONTEXT_TEXT)}]},
    ]
    if digest.note:
        intro.append({"type": "context", "elements": [
            {"type": "mrkdwn", "text": clip(f":information_source: {escape(digest.note)}", MAX_CONTEXT_TEXT)}]})
    if note:
        intro.append({"type": "context", "elements": [{"type": "mrkdwn", "text": clip(note, MAX_CONTEXT_TEXT)}]})
    messages: list[list[Block]] = [intro]
    for section in digest.sections:
        blocks = persona_blocks(section, draft_blocks(section) if draft_blocks else None,
                                digest.language)
        if len(messages[-1]) + len(blocks) > MAX_BLOCKS:
            messages.append([])
        messages[-1].extend(blocks[:MAX_BLOCKS])
    return [{"text": fallback_text(digest, i, len(messages)), "blocks": blocks}
            for i, blocks in enumerate(messages)]


def fallback_text(digest: Digest, part: int, parts: int) -> str:
    """Notification/fallback text: the title and each persona's number one."""
    head = f"{digest.title} — {digest.period_label}" + (f" ({part + 1}/{parts})" if parts > 1 else "")
    tops = [
        f"{s.persona.name}: {s.lines[0].product.name}" for s in digest.sections if s.lines
    ]
    return clip(escape(head + ("\n" + "\n".join(tops) if part == 0 and tops else "")), MAX_FALLBACK_TEXT)


# -- chart -----------------------------------------------------------------------------

CHANGE_COLOURS = {"new": "#2a9d8f", "up": "#3a86ff", "down": "#e76f51", "same": "#8d99ae"}


def render_chart(data: JSONObject) -> bytes:
    """A small PNG: per persona, this week's top products by score, coloured by change."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    personas = [p for p in data["personas"] if p["products"]]  # type: ignore[attr-defined]
    cols = 1 if len(personas) <= 1 else 2
    rows = max(1, (len(personas) + cols - 1) // cols)
    legend_in = 0.6
    height = 1.9 * rows + 0.5 + legend_in
    fig, axes = plt.subplots(rows, cols, figsize=(5.2 * cols, height), squeeze=False)
    for ax, persona in zip(axes.flat, personas):
        products = persona["products"][::-1]
        ax.barh(
            [clip(p["label"], 28) for p in products],
            [p["score"] for p in products],
            color=[CHANGE_COLOURS.get(p["change"], "#8d99ae") for p in products],
        )
        ax.set_title(persona["name"], fontsize=9, loc="left")
        ax.tick_params(labelsize=7)
    for ax in list(axes.flat)[len(personas):]:
        ax.axis("off")
    fig.suptitle(clip(str(data.get("title", "digest")), 80), fontsize=10)
    handles = [Patch(color=colour, label=label) for label, colour in CHANGE_COLOURS.items()]
    fig.legend(handles=handles, loc="lower center", ncol=4, fontsize=7, frameon=False,
               title="bar length: model score · colour: change since the last digest",
               title_fontsize=7)
    fig.tight_layout(rect=(0, legend_in / height, 1, 1))
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110)
    plt.close(fig)
    return buffer.getvalue()


def period_label(period: datetime, tz: str, lang: str = "en") -> str:
    from zoneinfo import ZoneInfo

    return t("digest.week_of", lang, date=period.astimezone(ZoneInfo(tz)).strftime("%Y-%m-%d (%a %H:%M %Z)"))


# -- the scheduled run's payload --------------------------------------------------------


class DigestComposer:
    """Builds what :class:`bot.digests.scheduler.DigestRunner` posts for a (subscription, period).

    Without an approvals store the draft is shown inline (no buttons). With one, each
    persona's draft becomes a ``digest`` request in ``bot.store.approvals`` (deduplicated per
    subscription, period and persona, so a retried run reuses it) and is posted in the
    digest's thread as the same approvable card ``/recommend`` uses, rendered by
    ``render_request(request_id)``; ``on_posted`` then ties each card to its Slack ``ts``.
    """

    def __init__(
        self,
        sources: DigestSources,
        *,
        approvals: Store | None = None,
        render_request: Callable[[str], Message] | None = None,
        k: int = TOP_K,
        language: Callable[[Subscription], str] | None = None,
    ) -> None:
        self.sources = sources
        self.approvals = approvals if render_request is not None else None
        self.render_request = render_request
        self.k = k
        # The digest's language per subscription (BOT_LANGUAGE, else the subscriber's locale).
        self.language = language or (lambda _sub: "en")

    def __call__(self, sub: Subscription, period: datetime,
                 previous: dict[str, list[dict[str, str]]] | None) -> JSONObject:
        lang = self.language(sub)
        label = period_label(period, sub.schedule.timezone, lang)
        digest = compose_digest(self.sources, sub.persona, previous, period_label=label, k=self.k,
                                language=lang)
        if self.approvals is None:
            messages = digest_messages(digest)
        else:
            messages = digest_messages(digest, lambda _section: [], note=t("digest.cards_note", lang))
            messages += self._draft_cards(sub, period, digest)
        return {"messages": messages, "snapshot": digest.snapshot(), "chart": digest.chart_data()}

    def _draft_cards(self, sub: Subscription, period: datetime, digest: Digest) -> list[Message]:
        assert self.render_request is not None and self.approvals is not None
        cards = []
        for section in digest.sections:
            draft = section.draft
            if draft is None or not section.lines:
                continue
            product = section.lines[0].product
            persona = section.persona
            request, created = self.approvals.create_request(
                kind="digest",
                user_id=sub.created_by,
                channel_id=sub.channel_id,
                text=f"weekly digest: {persona.name}",
                dedupe_key=f"digest:{sub.id}:{period.isoformat()}:{persona.name}",
                team_id=sub.team_id,
                options={"profile_text": profile_text(persona.profile)},
                language=digest.language,
                title=clip(t("digest.card_title", digest.language, name_ko=persona.name_ko,
                             name=persona.name), MAX_HEADER),
            )
            if created:
                self.approvals.record_outcome(
                    request.id,
                    profile=persona.profile.to_dict(),
                    persona=persona.name,
                    product_id=product.product_id,
                    brand_id=product.brand_id,
                    recommendations=[
                        ln.product.extra or {"rank": ln.rank, "product_id": ln.product.product_id,
                                             "name": ln.product.name, "brand": ln.product.brand,
                                             "price": ln.product.price, "score": ln.product.score}
                        for ln in section.lines
                    ],
                    drafts=[draft.to_new_draft()],
                )
            card = dict(self.render_request(request.id))
            cards.append({**card, "thread": True, "request_id": request.id})
        return cards

    def on_posted(self, sub: Subscription, run: Run, payload: JSONObject,
                  posted: dict[str, str]) -> None:
        """Recording step: give each draft card's request its message so buttons find it."""
        if self.approvals is None:
            return
        for part, message in enumerate(payload["messages"]):  # type: ignore[arg-type]
            if message.get("request_id") and str(part) in posted:
                self.approvals.set_message(message["request_id"], sub.channel_id, posted[str(part)])


def persona_quotes(snippets: Sequence[ReviewSnippet], persona: str | None,
                   personas: tuple[Persona, ...], limit: int) -> list[ReviewSnippet]:
    """The best ``limit`` review snippets written by reviewers of ``persona`` (their review
    profile assigned to it by :func:`recsys.personas.assign_persona`); only when none of the
    reviewers match, the best ones overall."""
    from recsys.personas import assign_persona

    matching = [s for s in snippets if persona and s.reviewer_profile is not None
                and assign_persona(s.reviewer_profile, personas) == persona]
    return list(matching or snippets)[:limit]


class LiveSources:
    """:class:`DigestSources` over the process's wiring: its personas, two-tower
    recommender, review index and drafter (loaded once, on first use, and shared with Slack).

    Drafts come from ``LLM_PROVIDER`` (the offline drafter unless one is configured), with
    the wiring's style examples (:func:`bot.components.store_style_source`).
    """

    def __init__(self, wiring: Wiring) -> None:
        import threading

        self.wiring = wiring
        self._lock = threading.Lock()
        self._rating_cache: dict[str, tuple[float, int]] | None = None

    def personas(self) -> list[PersonaInfo]:
        return [PersonaInfo(p.name, p.name_ko, p.description, p.representative_profile)
                for p in self.wiring.personas]

    def catalog_note(self, lang: str = "en") -> str | None:
        """Said once per digest (in its language) when the model serves a catalog it was not
        trained on."""
        return self.wiring.parts().recommender.catalog_match.message(lang)

    def top_products(self, profile: Profile, k: int) -> list[DigestProduct]:
        from dataclasses import asdict

        recommender = self.wiring.parts().recommender
        ratings = self._ratings(recommender)
        products = []
        for r in recommender.recommend(profile, k=k):
            mean, rated = ratings.get(r.product_id, (None, 0))
            products.append(DigestProduct(
                r.product_id, r.display_name or r.name, r.brand, int(r.price or 0), float(r.score),
                name_en=r.name_en or "", brand_id=r.brand_id or "", extra=asdict(r),
                rating=mean, rated=rated))
        return products

    def _ratings(self, recommender: Recommender) -> dict[str, tuple[float, int]]:
        """product_id -> (mean stars, rated reviews) over the catalog's reviews, once.
        NaN and 0 are unknown ratings and are not counted."""
        with self._lock:
            if self._rating_cache is None:
                frame = recommender.catalog.interactions
                rated = frame[(frame["source"] == "review") & (frame["rating"] > 0)]
                grouped = rated.groupby("product_id")["rating"].agg(["mean", "count"])
                self._rating_cache = {str(pid): (float(row["mean"]), int(row["count"]))
                                      for pid, row in grouped.iterrows()}
            return self._rating_cache

    def highlights(self, profile: Profile, product_id: str, limit: int) -> list[str]:
        snippets = self.wiring.parts().drafter.index.snippets(profile, product_id, limit=limit * 5)
        return [s.text for s in persona_quotes(snippets, profile.persona, self.wiring.personas, limit)]

    def draft(self, profile: Profile, product: DigestProduct) -> DigestDraft | None:
        drafter = self.wiring.parts().drafter
        drafts = drafter.draft(profile, product.product_id, channel=self.wiring.settings.crm_channel,
                               tones=("friendly",))
        if not drafts:
            return None
        d = drafts[0]
        return DigestDraft(tone=d.tone, text=d.text, provider=d.provider, approvable=d.approvable,
                           findings=tuple(f.message_en for f in d.findings),
                           stored=NewDraft.of(d))
