"""TASKS.md: `### TASK-<P>-<NN>: Title` headings numbered 1, 2, 3 ... across phases, subtasks `- [ ] K.M`."""

from __future__ import annotations

from collections.abc import Iterator

from modforge.checker.rules.context import Context
from modforge.checker.rules.helpers import heading_findings
from modforge.checker.rules.registry import ERROR, Finding, hit, rule
from modforge.spec import grammar, layout
from modforge.spec.grammar import IdKind

CHECKBOX_MARKS = (" ", "x")


@rule("MF501", "task-heading", ERROR, "{problem}: write `{expected}`{hint}")
def task_heading(ctx: Context) -> Iterator[Finding]:
    """A heading in `TASKS.md` that is not a task definition.

    **What it checks.** In `TASKS.md` every level-3 heading is `### TASK-<P>-<NN>: Title` with a title,
    and a task heading is never at another level. The older `### 1. SDK Implementation` form is reported
    with the ID it should carry.

    **Why.** Top-level task IDs are the stable references of commits, PRs and dependencies between tasks
    (spec: "Why top-level task IDs only").

    **Example.** `### 2. Domain Layer` — write `### TASK-OAGW-02: Domain Layer`.
    """
    doc = ctx.doc(layout.TASKS)
    if doc is not None:
        yield from heading_findings(ctx, [doc], IdKind.TASK, lambda d: d.tasks, "Title")


@rule(
    "MF502",
    "task-sequence",
    ERROR,
    "{id} {problem}: number tasks 1, 2, 3 ... across all phases, with no gap or repeat",
)
def task_sequence(ctx: Context) -> Iterator[Finding]:
    """Task IDs that do not run 1, 2, 3 ... through the whole of `TASKS.md`.

    **What it checks.** Top-level task IDs, read top to bottom, are `TASK-<P>-01`, `TASK-<P>-02`, ...
    sequential across all phases (phase 2 continues where phase 1 stopped), with no gap, repeat or
    step back; none is numbered 0.

    **Why.** The spec: top-level tasks use IDs "sequential across all phases". A gap hides a deleted
    task that commits may still cite; a repeat makes two tasks answer to one ID.

    **Example.** `TASK-OAGW-06` as the last task of phase 1, then `TASK-OAGW-01` opening phase 2 —
    phase 2 starts at `TASK-OAGW-07`.
    """
    doc = ctx.doc(layout.TASKS)
    if doc is None:
        return
    seen: dict[int, int] = {}
    highest = 0
    for task in doc.tasks:
        if task.id is None:
            continue  # MF501 reports the missing ID
        number = task.id.number
        if number in seen:
            problem = f"repeats the task at line {seen[number]}"
        elif number < highest:
            problem = f"comes after {_task(ctx, task.id.prefix, highest)}"
        elif number == 0:  # the first task is 1: a task 0 would pass as the start of the sequence
            problem = "is numbered 0"
        elif number > highest + 1:
            skipped = _task(ctx, task.id.prefix, highest + 1)
            problem = f"skips {skipped}" if number == highest + 2 else f"skips {skipped} and more"
        else:
            problem = ""
        if problem:
            yield hit(doc.path, task.line, ctx.column(doc, task.line), id=task.id.text, problem=problem)
        seen.setdefault(number, task.line)
        highest = max(highest, number)


def _task(ctx: Context, prefix: str | None, number: int) -> str:
    return grammar.format_id(IdKind.TASK, prefix or ctx.prefix or "<P>", number)


@rule(
    "MF503",
    "subtask-numbering",
    ERROR,
    "subtask {found}of {task} {problem}: number its subtasks {first}, {second}, ... in order",
)
def subtask_numbering(ctx: Context) -> Iterator[Finding]:
    """Subtasks not numbered `K.M`, with K the task's number and M running 1, 2, 3 ...

    **What it checks.** The checklist items directly under `### TASK-<P>-<K>: ...` are numbered `K.1`,
    `K.2`, `K.3` ... in order (`- [ ] 3.1 Create database entities`). Items nested under an item are
    free.

    **Why.** The spec numbers subtasks hierarchically (1.1, 1.2, 1.3) instead of giving them IDs; the
    number is how a reviewer and a commit message point at one item, so it must match its task.

    **Example.**

    ```markdown
    ### TASK-OAGW-02: Domain Layer
    - [ ] 2.1 Implement request forwarding service (SCEN-OAGW-01)
    - [ ] 1.2 Implement authorization checks (SCEN-OAGW-02, REQ-1, REQ-3)
    ```
    """
    doc = ctx.doc(layout.TASKS)
    if doc is None:
        return
    for task in doc.tasks:
        k = task.id.number if task.id is not None else task.legacy_number  # `### K. Title` always has its K
        name = task.id.text if task.id is not None else f"task {k}"
        expected = 1
        for subtask in task.subtasks:
            if subtask.depth:
                continue
            # Every part of a number is digits; no number: none. `2.01` is 2.1.
            numbers = [int(part) for part in subtask.number.split(".") if part]
            if numbers == [k, expected]:
                expected += 1
                continue
            if not numbers:
                problem = f"has no number (expected {k}.{expected})"
            elif len(numbers) != 2:
                problem = f"is not numbered K.M (expected {k}.{expected})"
            elif numbers[0] != k:
                problem = f"carries another task's number (expected {k}.{expected})"
            else:
                problem = f"is out of sequence (expected {k}.{expected})"
            found = f"{subtask.number} " if subtask.number else ""
            yield hit(doc.path, subtask.line, found=found, task=name, problem=problem, first=f"{k}.1", second=f"{k}.2")
            expected = (numbers[1] if len(numbers) == 2 and numbers[0] == k else expected) + 1


@rule(
    "MF504",
    "checkbox-mark",
    ERROR,
    "checkbox `[{mark}]` is not a task state: write `- [ ]` (to do) or `- [x]` (done)",
)
def checkbox_mark(ctx: Context) -> Iterator[Finding]:
    """A checklist item whose checkbox is neither `[ ]` nor `[x]`.

    **What it checks.** Every checklist item in `TASKS.md` is `- [ ]` (to do) or `- [x]` (done): one
    space or one lower-case `x` between the brackets.

    **Why.** The checkboxes are the pipeline's progress record (Step 3.3: "all Phase 1 tasks are checked
    off"); `[X]`, `[-]`, `[~]` or `[]` are states nobody agreed on, and some renderers do not show
    them as checkboxes.

    **Example.** `- [~] 2.3 Add tracing instrumentation (REQ-10)` — either it is done (`[x]`) or not
    (`[ ]`).
    """
    doc = ctx.doc(layout.TASKS)
    if doc is None:
        return
    for task in doc.tasks:
        for subtask in task.subtasks:
            if subtask.mark not in CHECKBOX_MARKS:
                yield hit(doc.path, subtask.line, mark=subtask.mark)


@rule(
    "MF505",
    "task-outside-phase",
    ERROR,
    "{id} is not under a phase section while the design defines phases: move it under `## {section}`",
)
def task_outside_phase(ctx: Context) -> Iterator[Finding]:
    """A task outside every phase section while the design defines phases.

    **What it checks.** When the design defines phases, every task of `TASKS.md` sits under a phase
    section: `## PHASE-<P>-<N>: Title` (canonical, what the template writes) or the spec's `## Phase N`.
    A design without phases lets tasks stand alone.

    **Why.** The spec splits `TASKS.md` by phases when a module uses phased delivery: Step 3 implements
    the tasks of Phase 1 and leaves later phases as TODO stubs, so every task must say its phase.

    **Example.** `### TASK-OAGW-01: SDK Implementation` above the first `## PHASE-OAGW-1: ...`.
    """
    doc = ctx.doc(layout.TASKS)
    if doc is None or not ctx.design_phases:
        return
    first = ctx.design_phases[min(ctx.design_phases)]
    section = layout.phase_section_heading(first.id.text, "Title")
    for task in doc.tasks:
        if task.phase is None:
            name = task.id.text if task.id is not None else f"task {task.legacy_number}"
            yield hit(doc.path, task.line, ctx.column(doc, task.line), id=name, section=section)
