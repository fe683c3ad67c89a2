"""List every rule of `modforge check`: code, severity, name and what it reports; or show one rule's page.

`modforge rules MF201` shows what one rule reports, its message and how to fix it (as `ruff rule F401`).
`--format markdown` writes the catalogue kept in docs/RULES.md; `--format json` gives every field.
"""

from __future__ import annotations

import argparse
import sys

from modforge.checker.rules import catalogue

NAME = "rules"
HELP = "list every check rule"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("code", nargs="?", metavar="CODE", help="show this rule's page (e.g. MF201)")
    parser.add_argument("--format", choices=catalogue.FORMATS, default="text", help="output format (default: text)")


def run(args: argparse.Namespace) -> int:
    if args.code:
        sys.stdout.write(catalogue.page(args.code, args.format))
    else:
        sys.stdout.write(catalogue.render(args.format))
    return 0
