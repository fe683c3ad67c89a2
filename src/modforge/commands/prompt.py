"""Render a pipeline step's prompt for a module: the step's rules, this module's IDs, headings and document
paths, and the acceptance criteria of the step's review gate. Paste it into your LLM tool, review the result
against the criteria, then run `modforge check`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from modforge.errors import ModforgeError
from modforge.templating import prompts

NAME = "prompt"
HELP = "render a pipeline step's prompt for a module"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "step",
        nargs="?",
        metavar="STEP",
        help=f"the pipeline step: {', '.join(prompts.STEP_KEYS)}, or the spec's step number "
        f"({', '.join(prompts.STEP_NUMBERS)})",
    )
    parser.add_argument(
        "module_dir",
        nargs="?",
        default=".",
        metavar="MODULE_DIR",
        help="the module's folder, holding .copier-answers.yml (default: the current folder)",
    )
    parser.add_argument(
        "--list",
        action="store_true",
        help="list the steps, their spec step and prompt file, and exit; with a module (`--list MODULE`), mark the "
        "step it is at and the prompt to run next",
    )
    parser.add_argument(
        "--phase",
        type=int,
        metavar="N",
        help=f"the implementation phase, for the steps repeated per phase "
        f"({', '.join(step.key for step in prompts.STEPS if step.per_phase)}); default 1",
    )
    parser.add_argument("-o", "--output", metavar="FILE", help="write the prompt to FILE instead of standard output")
    parser.add_argument("--force", action="store_true", help="with --output, overwrite FILE when it exists")


def run(args: argparse.Namespace) -> int:
    if args.list:
        _print_steps(args.step if args.module_dir == "." else args.module_dir)
        return 0
    if not args.step:
        raise ModforgeError(
            f"name a step: {', '.join(prompts.STEP_KEYS)}, or a spec step number {', '.join(prompts.STEP_NUMBERS)} "
            "(see `modforge prompt --list`)"
        )
    prompts.get_step(args.step)  # an unknown step is the first thing to report
    output = Path(args.output) if args.output else None
    if output is not None and output.exists() and not args.force:  # checked first: nothing rendered, nothing lost
        raise ModforgeError(f"{output} exists; choose another file, or pass --force to overwrite it")
    text = prompts.render_for_module(args.step, Path(args.module_dir), args.phase)
    if output is not None:
        try:
            output.write_text(text, encoding="utf-8")
        except OSError as error:
            raise ModforgeError(f"cannot write {output}: {error.strerror or error}; choose a writable path") from None
        print(f"wrote the {args.step} prompt to {output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def _print_steps(module: str | None = None) -> None:
    """The steps; with MODULE (`--list MODULE`), the step it is at (from `modforge status`) marked `>` and the
    prompt to run next."""
    here = next_prompt = None
    if module is not None:
        from modforge.pipeline import collect, status

        views = collect.collect([Path(module)])
        if len(views) != 1:
            raise ModforgeError(f"{module} holds {len(views)} modules; name one module folder")
        step = views[0].step
        here = step.prompt
        next_prompt = status.next_command(views[0], step, module)
        label = "done" if step.step == "done" else f"Step {step.step}"
        print(f"{views[0].name}: {label}{f' (phase {step.phase})' if step.phase else ''}: {'; '.join(step.evidence)}")
    rows = [("", "STEP", "SPEC", "PROMPT", "WHAT")]
    rows += [
        (
            ">" if s.key == here else "",
            s.key,
            s.number or f"({s.spec_step})",
            s.file,
            s.summary + (" (--phase N)" if s.per_phase else ""),
        )
        for s in prompts.STEPS
    ]
    if module is None:
        rows = [row[1:] for row in rows]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False)) + "  " + row[-1])
    if module is not None:
        print(f"next: {next_prompt}" if next_prompt else "next: nothing; every phase is tested and released")
