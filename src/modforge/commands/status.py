"""Show where each module stands in the pipeline: the step it has reached (with the evidence from its documents
and code), each phase's tasks checked, scenarios with an E2E test and scenarios released, the template release it
follows, and the checker's error and warning counts.

With no PATH, every module under the current directory. One module gets a detailed view, several a table
(one row per module). `--format json` prints a versioned shape for scripts (README, "Review gates").
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

NAME = "status"
HELP = "show the pipeline step each module has reached, and its progress"
FORMATS = ("text", "json")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="*", type=Path, metavar="PATH", help="monorepo or module (default: .)")
    parser.add_argument("--format", choices=FORMATS, default="text", help="output format (default: text)")
    parser.add_argument("--no-cache", action="store_true", help="read every document again")


def run(args: argparse.Namespace) -> int:
    import gc

    from modforge.pipeline import collect, status

    gc.disable()  # a short run over acyclic data: collecting only costs time
    cwd = os.getcwd()
    # each module's record is made in the worker that read it, in parallel (modforge.pipeline.collect)
    views = collect.collect(
        args.paths, use_cache=not args.no_cache, record=lambda view: status.module_record(view, cwd)
    )
    if args.format == "json":
        sys.stdout.write(status.render_json(views, cwd))
    elif len(views) == 1:
        sys.stdout.write(status.render_detail(views[0], cwd))
    else:
        sys.stdout.write(status.render_table(views, cwd))
    return 0
