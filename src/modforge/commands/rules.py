"""List every rule of `modforge check`: code, severity, name and what it reports.

`--format markdown` writes the catalogue kept in docs/RULES.md; `--format json` gives every field.
"""

from __future__ import annotations

import argparse
import sys

from modforge.checker.rules import catalogue

NAME = "rules"
HELP = "list every check rule"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=catalogue.FORMATS, default="text", help="output format (default: text)")


def run(args: argparse.Namespace) -> int:
    sys.stdout.write(catalogue.render(args.format))
    return 0
