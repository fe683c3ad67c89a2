"""Documents the checker could not read, and what an unresolved merge or `copier update` leaves behind."""

from __future__ import annotations

from collections.abc import Iterator

from modforge.checker.rules.context import Context
from modforge.checker.rules.registry import ERROR, WARNING, Finding, hit, rule
from modforge.spec import layout


# The parser's problem message says what is wrong and how to fix it (documents.parser).
@rule("MF001", "unreadable-document", ERROR, "cannot check this document: {detail}")
def unreadable_document(ctx: Context) -> Iterator[Finding]:
    """A pipeline document that cannot be read as Markdown text.

    **What it checks.** Every pipeline document in `docs/` is a readable, UTF-8, text file of a sane size
    (not binary, not larger than the checker's limit).

    **Why.** A document the checker cannot read is a document no rule checks: it would pass silently.

    **Example.** `docs/INTENT_SCENARIOS.md` saved as UTF-16 by an editor, or a PDF renamed to `.md`.
    """
    for doc in ctx.documents:
        for problem in doc.problems:
            if problem.code != "empty":
                yield hit(doc.path, problem.line, problem.column, detail=problem.message)


@rule("MF002", "empty-document", WARNING, "document is empty: write its content, or delete the file")
def empty_document(ctx: Context) -> Iterator[Finding]:
    """A pipeline document with no content.

    **What it checks.** No pipeline document in `docs/` is empty (or whitespace only).

    **Why.** An empty document usually means a generation step stopped half-way; a reviewer should see
    it before the gate, not after.

    **Example.** `docs/INTENT_REQUIREMENTS.md` created with `touch` and never written.
    """
    for doc in ctx.documents:
        for problem in doc.problems:
            if problem.code == "empty":
                yield hit(doc.path, problem.line, problem.column)


@rule(
    "MF003",
    "unreadable-answers-file",
    ERROR,
    "{file} {detail}: fix it, or restore it with `git checkout -- {file}`; until then the ID prefix "
    "comes from the documents",
)
def unreadable_answers_file(ctx: Context) -> Iterator[Finding]:
    """A module's answers file that is not a YAML mapping.

    **What it checks.** The module's `.copier-answers.yml`, when there is one, is valid YAML holding a
    mapping of question names to answers, as copier writes it.

    **Why.** The answers file declares the module's ID prefix (MF103 and MF105 read it) and is what
    `copier update` needs: a broken one, often an update's unresolved conflict, makes the next update
    fail and silently takes the prefix check's reference away.

    **Example.** `.copier-answers.yml` still holding `<<<<<<< before updating` after a `copier update`.
    """
    problem = ctx.module.answers_problem
    if problem is not None:
        path = ctx.module.root / layout.ANSWERS_FILE
        yield hit(path, problem.line, problem.column, file=layout.ANSWERS_FILE, detail=problem.message)


@rule(
    "MF011",
    "merge-conflict-marker",
    ERROR,
    "leftover merge-conflict marker: resolve the conflict, then delete the marker line",
)
def merge_conflict_marker(ctx: Context) -> Iterator[Finding]:
    """A merge-conflict marker (`<<<<<<<`, `=======`, `>>>>>>>`) left in a document.

    **What it checks.** No line of a pipeline document is a merge-conflict marker. Markers inside fenced
    code blocks are not reported.

    **Why.** `copier update` and `git merge` write conflicts into the file and may still exit 0; a
    document with markers holds both versions and neither is what the owner approved.

    **Example.**

    ```markdown
    <<<<<<< before updating
    ### SCEN-OAGW-01: Forward request
    =======
    ### SCEN-OAGW-01: Forward request to upstream
    >>>>>>> after updating
    ```
    """
    for doc in ctx.documents:
        for line in doc.conflict_markers:
            yield hit(doc.path, line)


@rule("MF012", "leftover-file", ERROR, "{name} {problem}")
def leftover_file(ctx: Context) -> Iterator[Finding]:
    """A `*.rej` file, or a document under its older name beside today's, left in the module.

    **What it checks.** The module holds no `*.rej` file (anywhere but build output and hidden folders),
    and no document under an older prompt set's name (`1_INTENT_DESIGN.md`) next to the same document
    under today's name (`INTENT_DESIGN.md`).

    **Why.** `copier update` with `--conflict rej` writes the hunks it could not apply to `<file>.rej`
    and exits 0: until someone applies them, the module silently misses part of the template's update.
    A document kept under both names is read under today's name only, so the other copy goes stale.

    **Example.** `modules/oagw/docs/TASKS.md.rej` next to `TASKS.md` after `copier update`.
    """
    for path in ctx.module.extra_files:
        renamed = layout.slot_document(path.name)
        if renamed:
            problem = (
                f"is an older name of {renamed}, which exists too: merge what it holds into {renamed}, then delete it"
            )
        else:
            problem = "holds changes an update could not apply: apply them by hand, then delete the file"
        yield hit(path, 1, name=path.name, problem=problem)
