"""Every reference resolves, and each document references only the ID kinds the spec's table allows."""

from __future__ import annotations

from collections.abc import Iterator

from modforge.checker.rules.context import Context, kinds_of
from modforge.checker.rules.registry import ERROR, Finding, hit, rule
from modforge.documents.model import Document, IdOccurrence
from modforge.spec import grammar, layout
from modforge.spec.grammar import IdKind


def _unresolved(ctx: Context, kind: IdKind) -> Iterator[tuple[Document, IdOccurrence]]:
    """Occurrences of IDs of `kind`, with this module's prefix, that the module does not define (an ID
    nothing defines has no defining occurrence, so each of them is a reference)."""
    bad = [p for p in ctx.undefined if p.kind is kind and ctx.is_own(p)]
    step1_design = ctx.in_step1 and kind in (IdKind.REQ, IdKind.SCEN)
    defining_docs = _DEFINING_DOCS.get(kind, ())
    for doc, occurrence in ctx.occurrences_of(bad):
        if step1_design and doc.name == layout.INTENT_DESIGN:
            continue  # a Step 1 design should not name them at all: MF801 says so
        if occurrence.in_heading and doc.name in defining_docs and _definition_level(doc, occurrence.line):
            continue  # a malformed definition heading (`### REQ-X-4 Title`): MF301/MF401/MF501/MF802 say so
        yield doc, occurrence


# Where each kind is defined, so an undefined ID in a definition heading there is a malformed definition.
_DEFINING_DOCS = {
    IdKind.REQ: layout.REQUIREMENT_DOCS,
    IdKind.SCEN: layout.SCENARIO_DOCS,
    IdKind.TASK: (layout.TASKS,),
    IdKind.PHASE: layout.DESIGN_DOCS,
}


def _definition_level(doc: Document, line: int) -> bool:
    """Whether the heading on `line` is at the level definitions take (any level, for design phases)."""
    if doc.name in layout.DESIGN_DOCS:
        return True
    return any(h.line == line and h.level == layout.DEFINITION_LEVEL for h in doc.headings)


def _missing(ctx: Context, kind: IdKind, rendered: str) -> Iterator[Finding]:
    for doc, occurrence in _unresolved(ctx, kind):
        parsed = occurrence.id
        yield hit(
            doc.path, occurrence.line, occurrence.column, id=parsed.text, heading=rendered.format(parsed.canonical)
        )


@rule(
    "MF201",
    "undefined-requirement",
    ERROR,
    f"{{id}} is not defined: add `{{heading}}` to {layout.INTENT_REQUIREMENTS}, or fix the reference",
)
def undefined_requirement(ctx: Context) -> Iterator[Finding]:
    """A reference to a module requirement that no requirement heading defines.

    **What it checks.** Every `REQ-<P>-<N>` named in any document is defined by a
    `### REQ-<P>-<N>: Title` heading in `INTENT_REQUIREMENTS.md` (or `ACTUAL_REQUIREMENTS.md`).

    **Why.** A scenario or task citing a requirement that does not exist traces to nothing; usually the
    requirement was renumbered or never written.

    **Example.** `- [ ] 1.1 Define API traits (REQ-OAGW-44)` when only `REQ-OAGW-42` and `REQ-OAGW-43`
    exist.
    """
    yield from _missing(ctx, IdKind.REQ, "### {}: Title")


@rule(
    "MF202",
    "undefined-scenario",
    ERROR,
    f"{{id}} is not defined: add `{{heading}}` to {layout.INTENT_SCENARIOS}, or fix the reference",
)
def undefined_scenario(ctx: Context) -> Iterator[Finding]:
    """A reference to a scenario that no scenario heading defines.

    **What it checks.** Every `SCEN-<P>-<NN>` named in any document (the design, tasks, the changelog's
    entries, the headings of `INTENT_VS_ACTUAL.md`) is defined by a `### SCEN-<P>-<NN>: Name` heading in
    `INTENT_SCENARIOS.md` (or `ACTUAL_SCENARIOS.md`).

    **Why.** A changelog entry or a task naming a scenario that does not exist cannot be traced or
    tested.

    **Example.** `CHANGELOG.md`: `- SCEN-OAGW-05: Timeout configuration support` when no
    `### SCEN-OAGW-05: ...` exists.
    """
    yield from _missing(ctx, IdKind.SCEN, "### {}: Name")


@rule(
    "MF203",
    "undefined-task",
    ERROR,
    f"{{id}} is not defined: add `{{heading}}` to {layout.TASKS}, or fix the reference",
)
def undefined_task(ctx: Context) -> Iterator[Finding]:
    """A reference to a task that no task heading defines.

    **What it checks.** Every `TASK-<P>-<NN>` named in any document is defined by a
    `### TASK-<P>-<NN>: Title` heading in `TASKS.md`.

    **Why.** Tasks reference each other for dependencies, and commits and PRs cite them; a dangling task
    ID points at work nobody planned.

    **Example.** `- [ ] 7.1 Needs the SDK traits (TASK-OAGW-11)` in a `TASKS.md` with eight tasks.
    """
    yield from _missing(ctx, IdKind.TASK, "### {}: Title")


@rule(
    "MF204",
    "undefined-phase",
    ERROR,
    f"{{what}} is not a phase the design defines: add `{{heading}}` to {layout.INTENT_DESIGN}, or fix it",
)
def undefined_phase(ctx: Context) -> Iterator[Finding]:
    """A phase that the design does not define.

    **What it checks.** Every `PHASE-<P>-<N>` named anywhere, including the phase section headings that
    group scenarios and tasks (`## PHASE-OAGW-1: Basic Forwarding`, or the spec's `## Phase 1` in
    `TASKS.md`), is defined by a phase heading `### Title (PHASE-<P>-<N>)` in `INTENT_DESIGN.md` (or
    `ACTUAL_DESIGN.md`).

    **Why.** Phases are delivery milestones the design owns; a scenario grouped under a phase the design
    never planned has no milestone.

    **Example.** `## PHASE-OAGW-3` in `INTENT_SCENARIOS.md` when the design defines phases 1 and 2.
    """
    for doc, occurrence in _unresolved(ctx, IdKind.PHASE):
        what = occurrence.id.text
        heading = "### " + layout.design_phase_heading(occurrence.id.canonical, "Title")
        yield hit(doc.path, occurrence.line, occurrence.column, what=what, heading=heading)
    for doc in ctx.documents:
        for phase in ctx.section_phases(doc):
            if phase.id is None and not ctx.phase_is_defined(phase):
                canonical = grammar.format_id(IdKind.PHASE, ctx.prefix or grammar.PREFIX_PLACEHOLDER, phase.number)
                heading = "### " + layout.design_phase_heading(canonical, "Title")
                yield hit(doc.path, phase.line, what=f"Phase {phase.number}", heading=heading)


@rule(
    "MF205",
    "unknown-global-requirement",
    ERROR,
    "{id} is not a global requirement (none in {source}): fix the number, or add it to the global list",
)
def unknown_global_requirement(ctx: Context) -> Iterator[Finding]:
    """A global requirement `REQ-<N>` that the project's global list does not hold.

    **What it checks.** Every `REQ-<N>` names a requirement of `guidelines/MODULE_REQUIREMENTS.md` at the
    monorepo root (its `### REQ-<N>: Title` headings) or, when that file does not exist, of modforge's
    built-in list of the spec's globals (REQ-1, 2, 3, 10, 11, 12, 20, 21, 30, 31).

    **Why.** Global requirements are project-wide promises (tenant isolation, tracing, Problem errors); a
    reference to one that does not exist promises nothing.

    **Example.** `- **THEN** the error is a Problem (REQ-22)` when the list stops at REQ-21.
    """
    # The monorepo's list when it has one (its path from the monorepo root), else the built-in one.
    source = "the built-in list" if ctx.globals.source == "built-in" else layout.GLOBAL_REQUIREMENTS_PATH
    for doc, occurrence in _unresolved(ctx, IdKind.GLOBAL_REQ):
        yield hit(doc.path, occurrence.line, occurrence.column, id=occurrence.id.text, source=source)


def _plural(kind: IdKind) -> str:
    return f"{kind.label}s"


@rule(
    "MF206",
    "reference-not-allowed",
    ERROR,
    "{document} may not reference {kinds} ({id}); it may reference {allowed}: remove or move the reference",
)
def reference_not_allowed(ctx: Context) -> Iterator[Finding]:
    """A reference the spec's cross-reference table does not allow.

    **What it checks.** Each document references only the ID kinds the spec's table ("Cross-reference
    relationships") lists for it, plus the kind it defines itself; each ACTUAL document follows its
    INTENT twin, and `INTENT_VS_ACTUAL.md` and `CHANGELOG.md`, which the table leaves out, may name what
    they report on:

    {table}

    **Why.** The table keeps traceability one-way: requirements do not depend on the scenarios that
    cite them, and only `TASKS.md` (and the gap analysis) names tasks, planned after the intent documents.

    **Example.** `INTENT_REQUIREMENTS.md`: `The gateway MUST retry (see SCEN-OAGW-03).`
    """
    order = list(IdKind)
    for doc, distinct in ctx.ids_by_doc:
        allowed = layout.ALLOWED_REFERENCES[doc.name]  # every pipeline document has its row
        if kinds_of(distinct) <= allowed:
            continue  # the usual document, decided in C
        barred = {id(parsed) for parsed in distinct if parsed.kind not in allowed}
        allowed_text = ", ".join(_plural(k) for k in sorted(allowed, key=order.index))
        for occurrence in doc.ids:
            if id(occurrence.id) in barred and ctx.is_reference(doc, occurrence):
                yield hit(
                    doc.path,
                    occurrence.line,
                    occurrence.column,
                    document=doc.name,
                    kinds=_plural(occurrence.id.kind),
                    id=occurrence.id.text,
                    allowed=allowed_text,
                )


def _table() -> str:
    """The cross-reference table (layout.ALLOWED_REFERENCES) as Markdown, indented as the docstring."""
    order = list(IdKind)
    rows = ["| Document | May reference |", "|---|---|"]
    for name in layout.PIPELINE_DOCS:
        allowed = layout.ALLOWED_REFERENCES[name]
        kinds = (
            "every kind"
            if len(allowed) == len(order)
            else ", ".join(_plural(k) for k in sorted(allowed, key=order.index))
        )
        rows.append(f"| `{name}` | {kinds} |")
    return "\n    ".join(rows)


# The catalogue shows the table the rule enforces, rendered from the one definition in layout.py.
reference_not_allowed.check.__doc__ = (reference_not_allowed.check.__doc__ or "").replace("{table}", _table())
