"""CLI command: ``personabot recommend`` — a whole ``/recommend`` in the terminal.

Parses the text, recommends with the two-tower model, drafts the three tones for the top
product and shows each draft's compliance result. It is the body of ``make demo``, so it
loads the model and the context index once and needs no key or network by default.
"""

from __future__ import annotations

import json
from enum import Enum
from typing import TYPE_CHECKING

import typer

from bot.badges import badge
from bot.cli.common import console, err_console, fail, fail_on, settings_or_exit, wiring_or_exit
from bot.settings import CHANNELS, LLM_PROVIDERS
from recsys import labels

if TYPE_CHECKING:
    from rich.console import Console

    from bot.store.approvals import Store
    from crm.pipeline import RecommendResult


# Typer's choices, from the one table in bot.settings.
LLMChoice = Enum("LLMChoice", {name: name for name in LLM_PROVIDERS}, type=str)
ChannelChoice = Enum("ChannelChoice", {name: name for name in CHANNELS}, type=str)


TONE_TITLES = {"friendly": "친근한 · friendly", "professional": "전문적 · professional", "trendy": "트렌디 · trendy"}


def recommend(
    text: str = typer.Argument(..., help="Who to target, as a marketer would type it (English or Korean)."),
    llm: LLMChoice | None = typer.Option(
        None, "--llm", help="Who writes the drafts (default: LLM_PROVIDER, which defaults to offline)."
    ),
    channel: ChannelChoice | None = typer.Option(
        None, "--channel", help="kakao (1,000 chars), sms (90 bytes) or lms (2,000 bytes). Default: CRM_CHANNEL."
    ),
    top: int = typer.Option(3, "--top", min=1, max=20, help="How many products to recommend."),
    as_json: bool = typer.Option(False, "--json", help="Print one stable JSON object instead of tables."),
    save: bool = typer.Option(
        True, "--save/--no-save",
        help="Store the request and its drafts in the SQLite file DB_PATH (pending approval).",
    ),
    slack: bool = typer.Option(
        False, "--slack",
        help="Print the message /recommend would post in Slack (same blocks, as text) instead of the tables. "
             "Its language is BOT_LANGUAGE, or Korean when the request is written in Korean.",
    ),
) -> None:
    """Recommend products for a customer description and draft three CRM messages.

    Examples:

      personabot recommend "30s dry-skin woman, moisture"

      personabot recommend "30대 건성 여성 보습" --channel lms --top 5

      personabot recommend "20s oily skin, acne" --llm gemini      (needs GEMINI_API_KEY)

      personabot recommend "gift for mom under 50,000 won" --json

      personabot recommend "30대 건성 여성 보습" --slack     (the Slack message, as text)

    Drafts are friendly (친근한), professional (전문적) and trendy (트렌디), each checked against Korean ad-message and cosmetics-advertising rules.

    If the chosen LLM fails or is not configured, the offline copywriter takes over and the draft says why. Exits with code 2 when the text holds nothing recognisable.

    The request and its drafts are stored in DB_PATH (default personabot.db) with an audit entry, and approved drafts stored there guide the style of new ones.
    """
    from bot.slack.services import catalog_note
    from crm.pipeline import run_recommend
    from recsys.parsing import ProfileParseError, parse_profile

    if as_json and slack:
        fail("--json and --slack print different things; choose one", 2)
    settings = settings_or_exit()
    wiring = wiring_or_exit(settings, store=save)
    try:
        parse_profile(text, personas=wiring.personas)
        early_error = None
    except ProfileParseError as exc:  # may still name a brand of the catalog: load, then decide
        early_error = exc
    chosen_channel = channel.value if channel else settings.crm_channel
    status = err_console.status("Loading the model and the review index…", spinner="dots")
    with status:
        with fail_on():  # a named but unusable model, catalog or guide: one line naming it
            parts = wiring.parts()
        provider = wiring.provider(llm.value if llm else None)
        try:  # read again with the catalog's brands ("설화수 크림")
            profile = parse_profile(text, personas=wiring.personas, brands=parts.recommender.brands)
        except ProfileParseError as exc:
            status.stop()
            fail(str(early_error or exc), 2)
        status.update(f"Drafting with {(provider or parts.drafter.provider).name}…")
        result = run_recommend(profile, parts.recommender, parts.drafter, k=top,
                               channel=chosen_channel, provider=provider)
    note = catalog_note(parts.recommender)
    print_catalog_note(note)
    store = wiring.approvals
    if slack and store is None:  # --no-save: render from a store that lives for this command only
        from bot.store.approvals import Store

        store = Store.open(":memory:")
    language = message_language(text, settings.bot_language)
    request_id = _save(store, result, text, chosen_channel, language, note) if store is not None else None
    if slack:
        _print_slack(store, request_id)
        return
    if as_json:
        data = result_json(result, chosen_channel)
        data["request_id"] = request_id
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    render(result, chosen_channel, console)
    note = result.note("en")
    if note and result.recommendations:
        err_console.print(f"note: {note}", markup=False, highlight=False, soft_wrap=True)
    if request_id:
        console.print(
            f"Saved as request {request_id} in {settings.db_path} "
            f"({len(result.drafts)} drafts pending approval).",
            style="dim", markup=False, highlight=False,
        )


def print_catalog_note(note: dict[str, str] | None) -> None:
    """The approvers' catalog note (:func:`bot.slack.services.catalog_note`) as one line on
    stderr, so stdout stays clean."""
    from rich.text import Text

    if note:
        err_console.print(Text.assemble(("note:", "bold yellow"), " ", note["en"]), highlight=False, soft_wrap=True)


def message_language(text: str, setting: str) -> str:
    """``BOT_LANGUAGE`` when it names one; under ``auto`` (no Slack locale in a terminal),
    Korean for a request written in Korean, else English."""
    if setting in ("ko", "en"):
        return setting
    return "ko" if any("가" <= ch <= "힣" for ch in text) else "en"


def _print_slack(store: Store, request_id: str | None) -> None:
    """The stored request rendered by Slack's own message builder, as terminal text."""
    from bot.slack.flows import render
    from bot.slack.preview import as_text

    request = store.get_request(request_id) if request_id else None
    if request is None:  # nothing was recommended: there is no message to show
        fail("nothing to post: no product passed the request's filters; loosen them and retry", 2)
    typer.echo(as_text(render(store, request)[1]))


def _save(store: Store, result: RecommendResult, text: str, channel: str, language: str,
          catalog_note: dict[str, str] | None = None) -> str | None:
    """Store the request, its recommendations and drafts (kind ``cli``) with an audit entry,
    through the one write path Slack and the digests use (:meth:`Store.record_outcome`)."""
    import getpass
    import uuid

    from bot.store.approvals import NewDraft

    if result.product is None:
        return None
    try:
        user = f"cli:{getpass.getuser()}"
    except (OSError, KeyError):
        user = "cli"
    request, _ = store.create_request(
        kind="cli", user_id=user, channel_id="", text=text, dedupe_key=f"cli:{uuid.uuid4()}",
        options={"channel": channel, "top": len(result.recommendations) + result.shortfall},
        language=language, title=f"personabot recommend · {result.profile.persona}",
    )
    data = result.to_dict()
    store.record_outcome(
        request.id, profile=data["profile"], persona=result.profile.persona or "",
        product_id=result.product.product_id, brand_id=result.product.brand_id,
        recommendations=data["recommendations"],
        drafts=[NewDraft.of(d) for d in result.drafts],
        options={"catalog_note": catalog_note} if catalog_note else None,
    )
    return request.id


def result_json(result: RecommendResult, channel: str) -> dict[str, object]:
    """The ``--json`` shape: profile, persona, recommendations, channel and drafts."""
    data = result.to_dict()
    return {
        "profile": data["profile"],
        "persona": result.profile.persona,
        "channel": channel,
        "recommendations": data["recommendations"],
        "product_id": data["product_id"],
        "drafts": data["drafts"],
        "shortfall": data["shortfall"],
    }


def _both(field: str, code: str) -> str:
    """English then Korean, as the terminal shows every profile value (``dry skin 건성``)."""
    en, ko = labels.label(field, code, "en"), labels.label(field, code, "ko")
    return en if en == ko else f"{en} {ko}"


def _profile_line(result: RecommendResult) -> str:
    p = result.profile
    parts = []
    if p.age_min is not None or p.age_max is not None:
        parts.append(f"{p.age_min if p.age_min is not None else ''}–{p.age_max if p.age_max is not None else ''}")
    if p.gender:
        parts.append(_both("gender", p.gender))
    if p.skin_type:
        parts.append(_both("skin_type", p.skin_type))
    if p.concerns:
        parts.append(", ".join(_both("concern", c) for c in p.concerns))
    if p.category:
        parts.append(f"{labels.category_label(p.category, 'en')} {labels.category_label(p.category, 'ko')}")
    if p.price_min is not None or p.price_max is not None:
        lo = f"₩{p.price_min:,}" if p.price_min is not None else ""
        hi = f"₩{p.price_max:,}" if p.price_max is not None else ""
        parts.append(f"{lo}–{hi}")
    if p.named_types or p.sub_types:
        parts.append("/".join((p.named_types or p.sub_types)[:3]))
    elif p.kind and not p.category:  # a category already named its kind
        parts.append(f"{labels.category_label(p.kind, 'en')} {labels.category_label(p.kind, 'ko')}")
    if p.brands:
        parts.append("/".join(p.brands))
    if p.wants_set:
        parts.append("set 세트")
    if p.recipient:
        parts.append(f"for {p.recipient}")  # who will use it; the gender above is theirs
    return " · ".join(parts) or "anyone"


def render(result: RecommendResult, channel: str, out: Console) -> None:
    """Profile, product table and one panel per draft with its compliance badge."""
    from rich import box
    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text

    persona = Text(result.profile.persona or "—", style="bold magenta")
    header = Text.assemble(("Profile  ", "bold"), _profile_line(result), ("   Persona  ", "bold"), persona)
    out.print(Panel(header, title="personabot recommend", border_style="cyan", box=box.ROUNDED))

    if not result.recommendations:
        note = result.note("en") or "no product matches this profile's filters"
        out.print(Text(f"{note[0].upper()}{note[1:]}; nothing to draft.", style="yellow"))
        return
    table = Table(box=box.SIMPLE_HEAVY, header_style="bold", expand=True)
    table.add_column("#", justify="right", width=2)
    table.add_column("Product", ratio=5)
    table.add_column("Price", justify="right", no_wrap=True)
    table.add_column("Score", justify="right", no_wrap=True)
    table.add_column("Why", ratio=4)
    for rec in result.recommendations:
        name = Text(str(getattr(rec, "display_name", "") or rec.name), style="bold")
        kind = labels.product_kind_label(getattr(rec, "sub_type", ""), getattr(rec, "kind", "") or rec.category, "ko")
        name.append(f"\n{rec.brand} · {kind}", style="dim")
        why = Text(str(getattr(rec, "explanation_ko", "") or rec.explanation))
        if getattr(rec, "explanation_ko", "") and rec.explanation != rec.explanation_ko:
            why.append(f"\n{rec.explanation}", style="dim")
        table.add_row(str(rec.rank), name, f"₩{rec.price:,}", f"{rec.score:.2f}", why)
    out.print(table)

    top = result.product
    out.print(Text.assemble(("Drafts for ", "bold"), (str(top.name), "bold green"),
                            (f"  ({channel})", "dim")))
    for draft in result.drafts:
        verdict = badge((f.severity for f in draft.findings), draft.approvable)
        subtitle, colour = {
            "error": (f"✖ blocked · {verdict.count} error(s)", "red"),
            "warn": (f"✔ approvable · {verdict.count} warning(s)", "yellow"),
            "ok": ("✔ approvable · no findings", "green"),
        }[verdict.level]
        body = Text(draft.text)
        notes = Text("\n" if draft.fallback_reason or draft.findings else "")
        if draft.fallback_reason:
            notes.append(f"\n↺ fell back to the offline copywriter — {draft.fallback_reason}", style="yellow")
        for finding in draft.findings:
            style = "red" if str(finding.severity) == "error" else "yellow"
            notes.append(f"\n• {finding.rule} ({finding.severity}): {finding.message_ko} / {finding.message_en}", style=style)
            if finding.fix:
                notes.append(f"\n  fix: {finding.fix}", style="dim")
        out.print(
            Panel(
                Text.assemble(body, notes),
                title=Text(f"{TONE_TITLES.get(draft.tone, draft.tone)} · {draft.provider}/{draft.model}"),
                subtitle=subtitle,
                subtitle_align="right",
                border_style=colour,
                box=box.ROUNDED,
            )
        )


def register(app: typer.Typer) -> None:
    """Add this module's commands to the root app."""
    app.command("recommend")(recommend)
