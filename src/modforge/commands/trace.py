"""Print the traceability matrix of modules: global REQ -> module REQ -> SCEN -> TASK -> code (TODO stubs, files
that cite the IDs) -> E2E test -> CHANGELOG release, with the gaps marked (a requirement without a scenario; a
scenario without a task, a test or a release).

MODULE may be a module or a monorepo (default: every module under the current directory). `--format html -o
trace.html` writes one self-contained page (no network) with progress bars, filters by phase and by gap, and
links to the file and line of each item.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from modforge.errors import ModforgeError

NAME = "trace"
HELP = "print the traceability matrix (markdown, json or a self-contained html page)"
FORMATS = ("markdown", "json", "html")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="*", type=Path, metavar="MODULE", help="modules or a monorepo (default: .)")
    parser.add_argument("--format", choices=FORMATS, default="markdown", help="output format (default: markdown)")
    parser.add_argument("-o", "--output", type=Path, metavar="FILE", help="write to FILE instead of standard output")
    parser.add_argument("--no-cache", action="store_true", help="read every document again")


def run(args: argparse.Namespace) -> int:
    import gc

    from modforge.pipeline import collect, trace

    gc.disable()  # a short run over acyclic data: collecting only costs time
    if args.output is not None and args.output.is_dir():
        raise ModforgeError(f"{args.output} is a folder; name the file to write, such as trace.html")
    # each module's part is made and rendered in the worker that read it, in parallel (modforge.pipeline.collect)
    record = trace.module_markdown if args.format == "markdown" else trace.module_json
    parts = [view.record for view in collect.collect(args.paths, use_cache=not args.no_cache, record=record)]
    if args.format == "json":
        pieces = trace.json_pieces(parts)  # written as they are: the document is never joined into one string
    elif args.format == "html":
        from modforge.pipeline import html  # the page's code, only for the page

        pieces = [html.render(parts)]
    else:
        pieces = [trace.render_markdown(parts)]
    if args.output is None:
        sys.stdout.writelines(pieces)
        return 0
    try:
        with open(args.output, "w", encoding="utf-8") as out:
            out.writelines(pieces)
    except OSError as error:
        raise ModforgeError(f"cannot write {args.output}: {error.strerror or error}; choose a writable path") from None
    print(f"wrote the {args.format} matrix to {args.output}", file=sys.stderr)
    return 0
