"""How IDs are written: padding, prefix, and one definition per ID (grammar.py is the ID grammar)."""

from __future__ import annotations

from collections.abc import Iterator

from modforge.checker.rules.context import Context, Definition, Key, display_prefix_source, key_of, prefix_error
from modforge.checker.rules.proposals import Proposals, uniqueness_scope
from modforge.checker.rules.registry import ERROR, Finding, hit, rule
from modforge.spec import grammar, layout
from modforge.spec.grammar import IdKind


@rule("MF101", "id-padding", ERROR, "{id}: {fix}")
def id_padding(ctx: Context) -> Iterator[Finding]:
    """An ID whose number is not padded the way the spec writes it.

    **What it checks.** Module and global requirements and phases have no leading zeros (`REQ-OAGW-42`,
    `REQ-10`, `PHASE-OAGW-1`); scenarios and tasks have at least two digits (`SCEN-OAGW-01`,
    `TASK-OAGW-01`). The canonical phase form is `PHASE-OAGW-1`; the spec also writes
    `PHASE-MODULE-01`, so a two-digit phase below 10 is accepted too.

    **Why.** `SCEN-OAGW-1` and `SCEN-OAGW-01` are the same scenario to the checker, but not to `grep`,
    a reviewer or a search in the code: one spelling keeps references findable.

    **Example.** `### SCEN-OAGW-1: Forward request` — write `SCEN-OAGW-01`.
    """
    for doc, occurrence in ctx.occurrences_of(ctx.badly_padded):
        parsed = occurrence.id
        yield hit(doc.path, occurrence.line, occurrence.column, id=parsed.text, fix=parsed.padding_error())


@rule("MF102", "invalid-id-prefix", ERROR, "{id}: {reason}")
def invalid_id_prefix(ctx: Context) -> Iterator[Finding]:
    """An ID whose MODULE part is not a valid prefix.

    **What it checks.** The MODULE part of every ID is 2 to 10 upper-case letters or digits starting
    with a letter, and is not an ID keyword or the spec's placeholder `MODULE`.

    **Why.** A one-letter or keyword prefix reads as a different ID (`REQ-TASK-1`), and `SCEN-MODULE-01`
    is the spec's placeholder copied verbatim instead of the module's prefix.

    **Example.** `### SCEN-MODULE-01: Descriptive name` — write the module's prefix: `SCEN-OAGW-01`.
    """
    bad = ctx.with_prefixes({prefix for prefix in ctx.prefixes if prefix_error(prefix)})
    for doc, occurrence in ctx.occurrences_of(bad):
        parsed = occurrence.id
        yield hit(doc.path, occurrence.line, occurrence.column, id=parsed.text, reason=prefix_error(parsed.prefix))


@rule(
    "MF103",
    "foreign-id-prefix",
    ERROR,
    "{id} has prefix {found}, but this module's prefix is {prefix} (from {source}): write {fixed}",
)
def foreign_id_prefix(ctx: Context) -> Iterator[Finding]:
    """An ID that carries another prefix than the module's own.

    **What it checks.** Every module ID (requirement, scenario, task, phase) in a module's documents uses
    the module's prefix: the `id_prefix` of its `.copier-answers.yml`, or, for a module without one, the
    prefix most of the IDs its documents define use. References to such IDs are not resolved further
    (MF201-MF204 stay silent about them).

    **Why.** IDs are unique across the monorepo only because each module owns one prefix; an ID with a
    sibling's prefix is usually a copy-paste from the sibling's documents.

    **Example.** In the `oagw` module (prefix `OAGW`): `- **THEN** the key is stored (REQ-CRED-1)`.
    """
    if ctx.prefix is None:
        return
    source = display_prefix_source(ctx)
    bad = ctx.with_prefixes({p for p in ctx.prefixes if p != ctx.prefix and not prefix_error(p)})
    renamed = _renamed_definitions(ctx, bad)
    for doc, occurrence in ctx.occurrences_of(bad):
        parsed = occurrence.id
        fixed = renamed.get(key_of(parsed))
        if fixed is None:  # a reference to an ID no heading here defines: this module's own number, if defined
            own = grammar.format_id(parsed.kind, ctx.prefix, parsed.number)
            known = (parsed.kind, ctx.prefix, parsed.number) in ctx.defined
            meant = f"{grammar.placeholder_id(parsed.kind, ctx.prefix)}, the number of the {parsed.kind.label} it means"
            fixed = own if known else meant
        yield hit(
            doc.path,
            occurrence.line,
            occurrence.column,
            id=parsed.text,
            found=parsed.prefix,
            prefix=ctx.prefix,
            source=source,
            fixed=fixed,
        )


def _renamed_definitions(ctx: Context, foreign: list[grammar.ParsedId]) -> dict[Key, str]:
    """The ID each definition carrying another prefix should have: its number with this module's prefix when
    free, else the next free one (one proposal per ID, never a taken one); references follow their definition."""
    wanted = {key_of(parsed) for parsed in foreign}
    renamed: dict[Key, str] = {}
    proposals: dict[IdKind, Proposals] = {}
    for definition in ctx.definitions:
        key = key_of(definition.id)
        if key in wanted and key not in renamed:
            kind = definition.id.kind
            proposal = proposals.setdefault(kind, Proposals(ctx, kind))
            renamed[key] = proposal.renumber(definition.doc, definition.id.number, definition.line)
    return renamed


@rule(
    "MF104",
    "duplicate-definition",
    ERROR,
    "{id} is already defined at {first}: give this one the next free number, or merge the two",
)
def duplicate_definition(ctx: Context) -> Iterator[Finding]:
    """An ID defined twice.

    **What it checks.** Each requirement, scenario and phase is defined once across the three intent
    documents (`INTENT_DESIGN.md`, `INTENT_REQUIREMENTS.md`, `INTENT_SCENARIOS.md`), and once within each
    other document. The ACTUAL documents define the same IDs again as built, which is not a duplicate.
    Padding does not make a new ID: `SCEN-OAGW-1` duplicates `SCEN-OAGW-01`. Repeated task IDs are
    reported by MF502.

    **Why.** A reference to a duplicated ID is ambiguous, and the second definition is usually a
    copy-paste that should have had the next number.

    **Example.**

    ```markdown
    ### REQ-OAGW-42: Configurable Timeout
    ...
    ### REQ-OAGW-42: Upstream Health Check
    ```
    """
    for definitions in ctx.defined.values():
        if len(definitions) < 2:
            continue  # the usual case, decided without scoping
        firsts: dict[str, Definition] = {}
        for definition in definitions:
            if definition.doc.name == layout.TASKS:
                continue
            first = firsts.setdefault(uniqueness_scope(definition.doc), definition)
            if first is not definition:
                where = f"{first.doc.name}:{first.line}"
                column = ctx.column(definition.doc, definition.line)
                yield hit(definition.doc.path, definition.line, column, id=definition.id.text, first=where)


@rule(
    "MF105",
    "invalid-module-prefix",
    ERROR,
    "id_prefix {prefix!r} in {file}: {reason}; fix it with `copier update --trust --data id_prefix=...`",
)
def invalid_module_prefix(ctx: Context) -> Iterator[Finding]:
    """A module whose answers file declares an ID prefix that is not valid.

    **What it checks.** The `id_prefix` of the module's `.copier-answers.yml` follows the prefix grammar
    (2 to 10 upper-case letters or digits, starting with a letter, not an ID keyword). While it does not,
    the prefix rules (MF103) are skipped rather than calling every ID foreign.

    **Why.** The template renders every ID from this answer, and `copier update` re-renders them: a
    hand-edited `id_prefix: oagw` would turn up in every new heading.

    **Example.** `id_prefix: oagw` — write `id_prefix: OAGW`.
    """
    prefix = ctx.module.prefix
    if ctx.module.prefix_source == "answers" and prefix and prefix_error(prefix):
        path = ctx.module.root / layout.ANSWERS_FILE
        yield hit(path, 1, prefix=prefix, file=layout.ANSWERS_FILE, reason=prefix_error(prefix))
