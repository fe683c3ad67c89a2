"""Check modules' documents against the pipeline spec and print every finding.

With no PATH, checks every module under the current directory (each folder with a `docs/` holding pipeline
documents). A PATH may be a monorepo, a module, or one document: then only that document's findings are
shown, while its references still resolve against its whole module. With --whole-modules (the pre-commit
hook), any file under a module names the whole module and every finding of it is shown.
Exit status: 0 no errors (warnings allowed, or --exit-zero), 1 errors found, 2 usage or I/O problem.
Text output is coloured on a terminal (NO_COLOR turns it off, FORCE_COLOR on); `github` and `sarif` name
files from the repository root; `json` carries `schema_version`, and with it a usage error is JSON too.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from modforge.checker import output

NAME = "check"
HELP = "check modules' documents against the pipeline spec"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="*", type=Path, metavar="PATH", help="monorepo, module or document")
    parser.add_argument("--format", choices=output.FORMATS, default="text", help="output format (default: text)")
    parser.add_argument(
        "--select",
        action="append",
        metavar="CODES",
        help="only these rules: comma-separated codes or prefixes (MF1,MF201); replaces the config file's",
    )
    parser.add_argument(
        "--ignore",
        action="append",
        metavar="CODES",
        help="skip these rules: comma-separated codes or prefixes; adds to the config file's",
    )
    parser.add_argument("--no-cache", action="store_true", help="read and check every document again")
    parser.add_argument(
        "--whole-modules",
        action="store_true",
        help="a file names the module it is in: report every finding of each module a file is under (any file: "
        "a document, the answers file, a *.rej file); files outside modules are skipped (the pre-commit hook)",
    )
    parser.add_argument(
        "--exit-zero", action="store_true", help="exit 0 even when errors are found (2 still means a problem)"
    )
    parser.add_argument(
        "--output-file", type=Path, metavar="FILE", help="write the report to FILE instead of the standard output"
    )


def run(args: argparse.Namespace) -> int:
    from modforge.checker import engine
    from modforge.config import load_settings

    settings = load_settings(Path.cwd(), args.select, args.ignore, args.paths)
    result = engine.run_check(args.paths, settings, use_cache=not args.no_cache, whole_modules=args.whole_modules)
    diagnostics = result.diagnostics
    summary = output.Summary.of(diagnostics, result.modules, result.documents)
    to_terminal = args.output_file is None and sys.stdout.isatty()
    color = args.format == "text" and args.output_file is None and output.wants_color(to_terminal)
    report = output.render(diagnostics, summary, args.format, color=color, cwd=os.getcwd())
    if args.output_file is not None:
        _write(args.output_file, report)
    else:
        sys.stdout.write(report)
    return 1 if summary.errors and not args.exit_zero else 0


def _write(path: Path, report: str) -> None:
    from modforge.errors import ModforgeError

    try:
        path.write_text(report, encoding="utf-8")
    except OSError as error:
        raise ModforgeError(f"cannot write {path}: {error.strerror or error}; choose another --output-file") from None
