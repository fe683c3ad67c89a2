"""Warnings for definitions nothing uses, once the module has reached the step where they should be used."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import chain

from modforge.checker.rules.context import Context, key_of
from modforge.checker.rules.registry import WARNING, Finding, hit, rule
from modforge.spec import layout
from modforge.spec.grammar import IdKind


@rule(
    "MF901",
    "orphan-requirement",
    WARNING,
    "{id} is referenced by no scenario and no task: cite it where it is met, or remove it",
)
def orphan_requirement(ctx: Context) -> Iterator[Finding]:
    """A requirement that no scenario and no task references.

    **What it checks.** Once the module has scenarios (Step 2 onwards), every requirement of
    `INTENT_REQUIREMENTS.md` is cited by at least one scenario (`INTENT_SCENARIOS.md` or
    `ACTUAL_SCENARIOS.md`) or task (`TASKS.md`). Citations in the design do not count. Before the
    first scenario exists this rule is silent.

    **Why.** Requirements are "referenced from scenarios": one that nothing cites is either untested
    intent or a leftover, and a reviewer should decide which.

    **Example.** `### REQ-OAGW-43: Upstream Health Check` while no scenario or task mentions `REQ-OAGW-43`.
    """
    if not ctx.has_scenarios:
        return
    users = frozenset((*layout.SCENARIO_DOCS, layout.TASKS))
    cited = set(map(key_of, chain.from_iterable(distinct for doc, distinct in ctx.ids_by_doc if doc.name in users)))
    requirements = ctx.docs((layout.INTENT_REQUIREMENTS,)) or ctx.docs((layout.ACTUAL_REQUIREMENTS,))
    reported = set()
    for doc in requirements:
        for requirement in doc.requirements:
            if requirement.id.kind is not IdKind.REQ:
                continue  # a global requirement heading: MF301 reports it
            key = key_of(requirement.id)
            if key not in cited and key not in reported:
                reported.add(key)
                yield hit(doc.path, requirement.line, ctx.column(doc, requirement.line), id=requirement.id.text)


@rule(
    "MF902",
    "orphan-phase",
    WARNING,
    "{id} has no scenario: add its scenarios under `## {section}` in INTENT_SCENARIOS.md, or drop the phase",
)
def orphan_phase(ctx: Context) -> Iterator[Finding]:
    """A design phase that no scenario belongs to.

    **What it checks.** Once the module has scenarios (Step 2 onwards), every phase the design defines
    has at least one scenario: grouped under its phase section, or citing the phase in its text. Before
    the first scenario exists this rule is silent.

    **Why.** "Each phase must be independently implementable" and Step 4 tests a phase through its
    scenarios: a phase without scenarios cannot be delivered or accepted.

    **Example.** The design defines `PHASE-OAGW-2`, but `## PHASE-OAGW-2: Advanced Configuration` in
    `INTENT_SCENARIOS.md` holds no scenario.
    """
    if not ctx.has_scenarios:
        return
    scenario_docs = ctx.docs(layout.SCENARIO_DOCS)
    covered = {s.phase.number for doc in scenario_docs for s in doc.scenarios if s.phase is not None}
    if not set(ctx.design_phases) <= covered:  # a phase cited in a scenario's text covers it too
        for doc in scenario_docs:
            section_lines = {phase.line for phase in doc.phases}
            covered.update(
                o.id.number
                for o in doc.ids
                if o.id.kind is IdKind.PHASE and o.line not in section_lines and ctx.is_own(o.id)
            )
    design = ctx.doc(layout.INTENT_DESIGN) or ctx.doc(layout.ACTUAL_DESIGN)
    if design is None:
        return
    reported = set()
    for phase in design.phases:
        if phase.id is not None and phase.number not in covered and phase.number not in reported:
            reported.add(phase.number)
            section = layout.phase_section_heading(phase.id.canonical, phase.title or "Title")
            yield hit(design.path, phase.line, ctx.column(design, phase.line), id=phase.id.text, section=section)
