"""``python -m colophon`` runs the CLI."""

from colophon.cli import main

main()
