"""`python -m facilitation …` is the `facilitation` command."""

from .cli import main

main()
