"""INTENT_DESIGN.md: descriptive in Step 1, phases as `### Title (PHASE-<P>-<N>)` numbered 1, 2, 3 ..."""

from __future__ import annotations

import re
from collections.abc import Iterator

from modforge.checker.rules.context import Context
from modforge.checker.rules.proposals import Proposals
from modforge.checker.rules.registry import ERROR, Finding, hit, rule
from modforge.spec import layout
from modforge.spec.grammar import IdKind


@rule(
    "MF801",
    "design-ids-before-step2",
    ERROR,
    "{id}: no {kind} exists yet, so a Step 1 design describes it in words; IDs arrive in Step 2",
)
def design_ids_before_step2(ctx: Context) -> Iterator[Finding]:
    """A Step 1 design that names module requirement or scenario IDs.

    **What it checks.** While the module defines no requirement and no scenario yet (Step 1, before
    `INTENT_REQUIREMENTS.md` and `INTENT_SCENARIOS.md` are written), `INTENT_DESIGN.md` contains no
    `REQ-<P>-<N>` or `SCEN-<P>-<NN>`. Global requirements (`REQ-1`) and phases are fine. Once the first
    requirement or scenario is defined, the design's IDs are ordinary references (MF201, MF202).

    **Why.** The spec: "At this stage, write high-level design without specific requirement/scenario IDs.
    Use descriptive references instead." IDs invented in Step 1 are guesses that Step 2 then has to
    match or silently contradict.

    **Example.** Step 1: `- forward_request() - see SCEN-OAGW-01` — write
    `- forward_request() - handles request forwarding and error cases`.
    """
    doc = ctx.doc(layout.INTENT_DESIGN)
    if doc is None or not ctx.in_step1:
        return
    for occurrence in doc.references():
        parsed = occurrence.id
        if parsed.kind in (IdKind.REQ, IdKind.SCEN) and ctx.is_own(parsed):
            yield hit(doc.path, occurrence.line, occurrence.column, id=parsed.text, kind=parsed.kind.label)


@rule(
    "MF802",
    "design-phase-heading",
    ERROR,
    "{id} is not in the design's phase heading form: write `### {expected}`",
)
def design_phase_heading(ctx: Context) -> Iterator[Finding]:
    """A design heading that names a phase without the phase heading form.

    **What it checks.** In `INTENT_DESIGN.md` and `ACTUAL_DESIGN.md`, a heading that contains a
    `PHASE-<P>-<N>` has the form the spec's design example writes, `### Title (PHASE-<P>-<N>)`. The
    section form of the other documents (`### PHASE-OAGW-1: Basic Forwarding`) still defines the phase,
    so references resolve, but it is reported here. A phase heading of the older prompt set,
    `### Phase 1: Basic Forwarding`, is reported with the ID it should carry; until then it still counts
    for `## Phase 1` sections elsewhere (not for `PHASE-<P>-1` references).

    **Why.** One form per document keeps the design readable as the spec shows it, and lets the
    template, the prompts and the checker agree on where a phase is defined.

    **Example.** `### PHASE-OAGW-1 - Basic Forwarding` — write `### Basic Forwarding (PHASE-OAGW-1)`.
    """
    proposals = Proposals(ctx, IdKind.PHASE)
    for doc in ctx.docs(layout.DESIGN_DOCS):
        for phase in doc.phases:
            if phase.id is None:  # the older `### Phase 1: Basic Forwarding`: give it its ID (a free one)
                canonical = proposals.renumber(doc, phase.number, phase.line)  # `PHASE-<P>-N` without a prefix
                expected = layout.design_phase_heading(canonical, phase.title or "Title")
                yield hit(doc.path, phase.line, id=f"Phase {phase.number}", expected=expected)
        in_form = layout.DESIGN_PHASE_RE.match
        titles = {h.line: h.text for h in doc.headings if _PHASE_KEYWORD in h.text and not in_form(h.text)}
        if not titles:
            continue
        for occurrence in doc.ids:
            if occurrence.line not in titles or not occurrence.in_heading or occurrence.id.kind is not IdKind.PHASE:
                continue
            text = titles[occurrence.line]
            title = _title_without(text, occurrence.id.text)
            expected = layout.design_phase_heading(occurrence.id.canonical, title)
            yield hit(doc.path, occurrence.line, occurrence.column, id=occurrence.id.text, expected=expected)


_PHASE_KEYWORD = f"{IdKind.PHASE.keyword}-"


# The brackets an ID was written in, left empty once it is taken out: `(PHASE-OAGW-6) - Quotas`.
_EMPTY_BRACKETS = re.compile(r"\(\s*\)|\[\s*\]")
_SEPARATORS = " \t-:–—"  # between an ID and its title: `PHASE-OAGW-4 — Health Checks:`


def _title_without(heading: str, id_text: str) -> str:
    """The title a phase heading gives besides its ID, brackets that only held the ID and the separators
    around the ID dropped; brackets of the title itself kept whole (`Limits (REQ-OAGW-3)`)."""
    return _EMPTY_BRACKETS.sub("", heading.replace(id_text, "")).strip(_SEPARATORS) or "Title"


@rule(
    "MF803",
    "design-phase-sequence",
    ERROR,
    "{id} {problem}: number the design's phases 1, 2, 3 ... in order",
)
def design_phase_sequence(ctx: Context) -> Iterator[Finding]:
    """Design phases that are not numbered 1, 2, 3 ... in order.

    **What it checks.** The phases a design defines, read top to bottom, are `PHASE-<P>-1`,
    `PHASE-<P>-2`, ... with no gap or step back (a phase defined twice is MF104's).

    **Why.** Phases are incremental delivery milestones: Step 3 builds phase 1 and Step 5 repeats for
    "Phase 2+". A design that starts at phase 2 or skips one leaves the order of delivery unclear.

    **Example.** `### Basic Forwarding (PHASE-OAGW-1)` followed by `### Health Checks (PHASE-OAGW-3)`.
    """
    for doc in ctx.docs(layout.DESIGN_DOCS):
        highest, seen = 0, set()
        for phase in doc.phases:
            if phase.id is None or phase.number in seen:
                continue
            if phase.number != highest + 1:
                problem = f"follows PHASE-{phase.id.prefix}-{highest}" if highest else "is the first phase"
                yield hit(doc.path, phase.line, ctx.column(doc, phase.line), id=phase.id.text, problem=problem)
            seen.add(phase.number)
            highest = max(highest, phase.number)
