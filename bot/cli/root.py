"""The ``personabot`` console script.

Each area registers its own subcommands from ``bot/cli/``; heavy imports (torch,
the LLM SDKs, Bolt) happen inside the commands so ``--help`` stays instant.
"""

from __future__ import annotations

import typer

from bot.cli import catalog, digest, model, parse, recommend, serve

app = typer.Typer(
    name="personabot",
    help=(
        "personabot — persona-based product recommendations and compliant CRM drafts.\n\n"
        "Try:  personabot recommend \"30s dry-skin woman, moisture\"\n\n"
        "      personabot parse \"30대 건성 여성 보습\" --json"
    ),
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
)

for module in (parse, recommend, model, catalog, serve, digest):
    module.register(app)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
