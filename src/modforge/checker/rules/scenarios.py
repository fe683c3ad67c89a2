"""Scenarios: `### SCEN-<P>-<NN>: Name` headings, WHEN-then-THEN steps, no sub-scenarios, grouped by phase."""

from __future__ import annotations

from collections.abc import Iterator

from modforge.checker.rules.context import Context
from modforge.checker.rules.helpers import heading_findings
from modforge.checker.rules.registry import ERROR, Finding, hit, rule
from modforge.documents.model import Scenario
from modforge.spec import layout
from modforge.spec.grammar import IdKind

WHEN, THEN, AND = layout.STEP_KEYWORDS


@rule("MF401", "scenario-heading", ERROR, "{problem}: write `{expected}`{hint}")
def scenario_heading(ctx: Context) -> Iterator[Finding]:
    """A heading in a scenarios document that is not a scenario definition.

    **What it checks.** In `INTENT_SCENARIOS.md` and `ACTUAL_SCENARIOS.md`, every level-3 heading is
    `### SCEN-<P>-<NN>: Name` with a name, and a scenario heading is never at level 1 or 2 (deeper
    headings inside a scenario are MF404's).

    **Why.** References resolve only to scenario headings; `### Scenario 1: Forward request` or
    `### SCEN-OAGW-01 - Forward request` defines nothing.

    **Example.** `### SCEN-OAGW-01 Forward request` — write `### SCEN-OAGW-01: Forward request`.
    """
    docs = ctx.docs(layout.SCENARIO_DOCS)
    yield from heading_findings(ctx, docs, IdKind.SCEN, lambda d: d.scenarios, "Name")


def _step_problem(scenario: Scenario) -> tuple[int, str] | None:
    """The first place where the steps leave the form WHEN+ THEN+, with AND continuing either."""
    seen_when = seen_then = False
    for step in scenario.steps:
        if not seen_when and step.keyword != WHEN:
            return step.line, f"**{step.keyword}** before any **WHEN**: start with `- **WHEN** precondition or action`"
        if step.keyword == WHEN:
            if seen_then:
                return step.line, "**WHEN** after **THEN**: a second action is a second scenario, split it"
            seen_when = True
        elif step.keyword == THEN:
            seen_then = True
    if not seen_when:
        return scenario.line, "has no **WHEN**: add `- **WHEN** precondition or action` then `- **THEN** result`"
    if not seen_then:
        return scenario.line, "has no **THEN**: add `- **THEN** expected result` after the **WHEN**"
    return None


@rule("MF402", "scenario-steps", ERROR, "{id}: {problem}")
def scenario_steps(ctx: Context) -> Iterator[Finding]:
    """A scenario whose steps are not WHEN, then THEN, with AND only after them.

    **What it checks.** Every scenario has at least one `- **WHEN** ...` bullet, then at least one
    `- **THEN** ...` bullet; no WHEN comes after a THEN; `- **AND** ...` never comes first: it continues
    the step above it, a condition after a WHEN or a result after a THEN (as in Gherkin; the spec's
    example shows it after THEN). The finding points at the first step out of order, or at the heading
    when WHEN or THEN is missing.

    **Why.** The spec's scenarios are testable statements: an action and its expected results. A WHEN
    after a THEN is a second scenario folded into the first; a scenario without THEN cannot be tested.

    **Example.**

    ```markdown
    ### SCEN-OAGW-02: Reject unauthorized request
    - **THEN** the gateway answers 403 (REQ-3)
    - **WHEN** the caller lacks the permission
    ```
    """
    for doc in ctx.docs(layout.SCENARIO_DOCS):
        for scenario in doc.scenarios:
            found = _step_problem(scenario)
            if found:
                line, problem = found
                yield hit(doc.path, line, id=scenario.id.text, problem=problem)


@rule(
    "MF403",
    "scenario-bullet-without-keyword",
    ERROR,
    "{id}: this bullet is not a step: start it with **WHEN**, **THEN** or **AND**",
)
def scenario_bullet_without_keyword(ctx: Context) -> Iterator[Finding]:
    """A bullet in a scenario that is not a WHEN, THEN or AND step.

    **What it checks.** In `INTENT_SCENARIOS.md`, every top-level bullet of a scenario starts with a bold
    `**WHEN**`, `**THEN**` or `**AND**`. (`ACTUAL_SCENARIOS.md` may add bullets such as an implementation
    status, so it is not checked.) Nested bullets under a step are free.

    **Why.** A step written `- When the caller ...` or `- **When**` is not recognised as a step, so the
    scenario's structure (MF402) would be judged without it.

    **Example.** `- when the upstream times out` — write `- **WHEN** the upstream times out`.
    """
    doc = ctx.doc(layout.INTENT_SCENARIOS)
    if doc is None:
        return
    for scenario in doc.scenarios:
        for line in scenario.bullets_without_keyword:
            yield hit(doc.path, line, id=scenario.id.text)


@rule(
    "MF404",
    "sub-scenario",
    ERROR,
    "{id} has a sub-scenario (`{heading}`): make it a scenario of its own with the next free number",
)
def sub_scenario(ctx: Context) -> Iterator[Finding]:
    """A heading nested inside a scenario.

    **What it checks.** No heading deeper than the scenario's own (`####` and below) appears inside a
    scenario.

    **Why.** The spec: "Each scenario has a unique ID — no sub-scenarios. Create separate scenarios for
    different cases (success, error, edge cases)." A sub-scenario has no ID, so nothing can reference,
    test or track it.

    **Example.**

    ```markdown
    ### SCEN-OAGW-01: Forward request
    #### Error case
    - **WHEN** the upstream is down
    ```
    """
    for doc in ctx.docs(layout.SCENARIO_DOCS):
        for scenario in doc.scenarios:
            for heading in scenario.nested_headings:
                level = "#" * heading.level
                yield hit(doc.path, heading.line, id=scenario.id.text, heading=f"{level} {heading.text}")


@rule(
    "MF405",
    "scenario-outside-phase",
    ERROR,
    "{id} is not under a phase section while the design defines phases: move it under `## {section}`",
)
def scenario_outside_phase(ctx: Context) -> Iterator[Finding]:
    """A scenario outside every phase section while the design defines phases.

    **What it checks.** When the design defines phases, every scenario sits under a phase section
    (`## PHASE-<P>-<N>: Title`; the spec's bare `## PHASE-MODULE-01` form is accepted, and a section's
    phase must exist in the design: MF204). A design without phases lets scenarios stand alone.

    **Why.** "If phases are used, organize by phase sections": the phase says when a scenario is
    delivered, and Step 4 tests every scenario of the phase being delivered.

    **Example.** `### SCEN-OAGW-01: ...` above the first `## PHASE-OAGW-1: Basic Forwarding`.
    """
    if not ctx.design_phases:
        return
    first = ctx.design_phases[min(ctx.design_phases)]
    section = layout.phase_section_heading(first.id.text, "Title")
    for doc in ctx.docs(layout.SCENARIO_DOCS):
        for scenario in doc.scenarios:
            if scenario.phase is None:
                yield hit(doc.path, scenario.line, ctx.column(doc, scenario.line), id=scenario.id.text, section=section)
