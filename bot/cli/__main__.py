"""``python -m bot.cli`` runs the ``personabot`` console script."""

from bot.cli.root import main

main()
