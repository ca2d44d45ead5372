"""CLI command: ``personabot parse`` — show how free text becomes a customer profile."""

from __future__ import annotations

import json

import typer

from bot.cli.common import console, err_console, request_brands, settings_or_exit, wiring_or_exit
from recsys.personas import find_persona


def parse(
    text: str = typer.Argument(..., help="What a marketer would type, in English or Korean."),
    as_json: bool = typer.Option(False, "--json", help="Print exactly Profile.to_dict() as JSON."),
) -> None:
    """Parse marketer text into a customer profile and persona.

    Examples:

      personabot parse "30s dry-skin woman, moisture"

      personabot parse "30대 건성 여성 보습 3만원대" --json

      personabot parse "gift for dad under 50,000 won, persona=Gift_Buyer"

      personabot parse "클렌징 오일"      (a product type alone is a request)

      personabot parse "선물용 향수 3만원대 남자친구" --json

    Product types and kinds come from the shared product vocabulary; brands are those of the
    catalog in CATALOG_PATH (else the catalog recorded with the model in MODEL_DIR).

    Exits with code 2 and a one-line message when nothing in the text is recognisable.
    """
    from rich.table import Table
    from rich.text import Text

    from recsys.parsing import ProfileParseError, parse_profile

    settings = settings_or_exit()
    personas = wiring_or_exit(settings).personas
    try:
        profile = parse_profile(text, personas=personas,
                                brands=request_brands(settings))
    except ProfileParseError as exc:
        # Text, not markup: the message quotes user input, which may contain "[...]".
        err_console.print(Text.assemble(("error:", "bold red"), " ", str(exc)), soft_wrap=True)
        raise typer.Exit(2) from None
    if as_json:
        typer.echo(json.dumps(profile.to_dict(), ensure_ascii=False))
        return
    persona = find_persona(profile.persona, personas) if profile.persona else None
    table = Table(title="Parsed profile", show_header=True, header_style="bold")
    table.add_column("field")
    table.add_column("value")
    for key, value in profile.to_dict().items():
        if key == "persona" and persona is not None:
            shown = f"{persona.name} ({persona.name_ko})"
        elif isinstance(value, list):
            shown = ", ".join(value) if value else "—"
        elif isinstance(value, bool):
            shown = "yes" if value else "—"
        elif isinstance(value, int) and key.startswith("price"):
            shown = f"₩{value:,}"
        else:
            shown = "—" if value is None else str(value)
        table.add_row(key, shown)
    console.print(table)
    if persona is not None:
        console.print(f"[bold]{persona.name}[/] — {persona.description_ko}", highlight=False)


def register(app: typer.Typer) -> None:
    """Add this module's commands to the root app."""
    app.command("parse")(parse)
