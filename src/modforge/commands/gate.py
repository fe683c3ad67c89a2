"""Check a pipeline step's review gate for a module: each acceptance criterion of the spec's step as pass, fail
(with the file and line that fails it) or reviewer (an item the owner ticks by hand).

STEP is the spec's step number (1, 2, 3.1, 3.3, 3.6, 4, 5) or a name (intent-design, requirements-scenarios,
tasks, code, actual-docs, e2e-tests, next-phase). A gate checks its own step and that `modforge check` finds no
error; it does not re-run earlier gates. Exit status: 0 every machine-checked criterion passes, 1 one fails,
2 usage or input problem. Run one gate per step's pull request as a required CI job (README, "Review gates").
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from modforge.errors import ModforgeError

NAME = "gate"
HELP = "check a pipeline step's acceptance criteria for a module (its review gate)"
FORMATS = ("text", "json", "github")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("step", metavar="STEP", help="1, 2, 3.1, 3.3, 3.6, 4, 5 (or a name: tasks, code, ...)")
    parser.add_argument("module", nargs="?", default=".", type=Path, metavar="MODULE", help="the module (default: .)")
    parser.add_argument("--phase", type=int, metavar="N", help="the implementation phase (default: 1; for 5, 2)")
    parser.add_argument("--format", choices=FORMATS, default="text", help="output format (default: text)")
    parser.add_argument("--coverage", type=Path, metavar="FILE", help="coverage report (lcov or Cobertura XML)")


def run(args: argparse.Namespace) -> int:
    from modforge.pipeline import gates, report

    step = gates.step_of(args.step)
    root = require_module(args.module)
    phase = args.phase if args.phase is not None else (2 if step == "5" else 1)
    gate = gates.Gate(root, phase, args.coverage)
    refuse_unreadable(gate.diagnostics)
    numbers = [p.number for p in gate.view.phases]
    if numbers and phase not in numbers:
        raise ModforgeError(f"--phase {phase} is out of range: the module's phases are {', '.join(map(str, numbers))}")
    if step == "5" and phase < 2:
        raise ModforgeError("step 5 repeats the pipeline for phase 2 and later: pass --phase 2 or more (or gate 4)")
    outcomes = gates.run_gate(step, gate)
    sys.stdout.write(report.render(args.format, step, gate, outcomes))
    return 1 if any(o.result == gates.FAIL for o in outcomes) else 0


def require_module(path: Path) -> Path:
    """The module folder `path` names, with an answers file; ModforgeError otherwise."""
    from modforge.documents import loader
    from modforge.spec import layout

    root = loader.absolute(path)
    if not root.is_dir():
        raise ModforgeError(f"{path}: no such folder; pass a module folder such as modules/cred-store")
    if not loader.is_module(root):
        raise ModforgeError(
            f"{path}: not a module (a module's {layout.DOCS_DIR}/ holds pipeline documents such as "
            f"{layout.INTENT_DESIGN}); pass a module folder"
        )
    if not (root / layout.ANSWERS_FILE).is_file():
        raise ModforgeError(
            f"{path}: no {layout.ANSWERS_FILE}, so its phases and prefix are unknown; "
            "bring it under the template with `modforge adopt`"
        )
    return root


def refuse_unreadable(diagnostics) -> None:
    from modforge.pipeline.collect import UNREADABLE

    for diagnostic in diagnostics:
        if diagnostic.code in UNREADABLE:
            raise ModforgeError(
                f"{diagnostic.path}:{diagnostic.line}: {diagnostic.message}; "
                "fix it (see `modforge check`), then run again"
            )
