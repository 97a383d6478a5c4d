"""`python -m facilitation …` is the `facilitation` command."""

from .transport.cli import main

main()
