"""Print the next free ID of a kind in a module, in the spec's spelling: `REQ`, `SCEN`, `TASK` or `PHASE`.

Free means above every number of that kind the module's documents use anywhere (intent, TASKS, actual
documents, the gap analysis and the changelog), so an ID that was used once, even if deleted since, is never
handed out again. `--count N` prints N of them, one per line.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from modforge.errors import ModforgeError

NAME = "next-id"
HELP = "print the next free REQ, SCEN, TASK or PHASE id of a module"
KINDS = ("REQ", "SCEN", "TASK", "PHASE")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("kind", metavar="KIND", help=f"one of {', '.join(KINDS)}")
    parser.add_argument("module", nargs="?", default=".", type=Path, metavar="MODULE", help="the module (default: .)")
    parser.add_argument("--count", type=int, default=1, metavar="N", help="how many IDs to print (default: 1)")


def run(args: argparse.Namespace) -> int:
    from modforge.commands.gate import require_module
    from modforge.documents import loader
    from modforge.spec.grammar import IdKind, id_sequence

    kind_name = args.kind.upper()
    if kind_name not in KINDS:
        raise ModforgeError(f"unknown kind {args.kind!r}; choose one of {', '.join(KINDS)}")
    if args.count < 1:
        raise ModforgeError(f"--count {args.count}: give a number of IDs, 1 or more")
    module = loader.load_module(require_module(args.module))
    for document in module.documents.values():
        if document.problems and document.problems[0].code != "empty":
            problem = document.problems[0]
            raise ModforgeError(f"{document.path}:{problem.line}: {problem.message}; fix it, then run again")
    if module.answers_problem is not None or not module.prefix:
        raise ModforgeError(f"{args.module}: its answers file gives no readable id_prefix; fix it, then run again")
    kind = IdKind[kind_name]
    used = [
        parsed.number
        for document in module.documents.values()
        for parsed in document.distinct_ids
        if parsed.kind is kind and parsed.prefix == module.prefix
    ]
    print("\n".join(id_sequence(kind, module.prefix, args.count, start=max(used, default=0) + 1)))
    return 0
