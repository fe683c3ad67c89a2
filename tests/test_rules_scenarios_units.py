"""The scenario rules (MF401-MF405, modforge.checker.rules.scenarios) on small literal modules: the exact
message and place of each finding, the step order problems first among them."""

from __future__ import annotations

from pathlib import Path

import pytest
from rule_documents import check_documents

REQUIREMENTS = "# R\n\n### REQ-OAGW-1: Forwarding\nThe gateway MUST forward.\n"


@pytest.mark.parametrize(
    ("steps", "line", "problem"),
    [
        (
            ["**THEN** y", "**WHEN** x"],
            4,
            "**THEN** before any **WHEN**: start with `- **WHEN** precondition or action`",
        ),
        (
            ["**AND** y", "**WHEN** x", "**THEN** z"],
            4,
            "**AND** before any **WHEN**: start with `- **WHEN** precondition or action`",
        ),
        (
            ["**WHEN** x", "**THEN** y", "**AND** z", "**WHEN** again", "**THEN** w"],
            7,
            "**WHEN** after **THEN**: a second action is a second scenario, split it",
        ),
        ([], 3, "has no **WHEN**: add `- **WHEN** precondition or action` then `- **THEN** result`"),
        (["**WHEN** x", "**AND** y"], 3, "has no **THEN**: add `- **THEN** expected result` after the **WHEN**"),
    ],
    ids=["then-first", "and-first", "when-after-then", "no-steps", "no-then"],
)
def test_steps_out_of_order_are_reported_at_the_first_wrong_step(
    tmp_path: Path, steps: list[str], line: int, problem: str
) -> None:
    scenario = "# S\n\n### SCEN-OAGW-01: Forward\n" + "".join(f"- {step}\n" for step in steps) + "Prose.\n"
    docs = {"INTENT_REQUIREMENTS.md": REQUIREMENTS, "INTENT_SCENARIOS.md": scenario + "(REQ-OAGW-1)\n"}
    assert check_documents(tmp_path, docs) == [("MF402", "INTENT_SCENARIOS.md", line, 1, f"SCEN-OAGW-01: {problem}")]


def test_scenario_headings_bullets_sub_scenarios_and_phases(tmp_path: Path) -> None:
    design = "# D\n\n## Implementation Phases\n\n### Basic Forwarding (PHASE-OAGW-1)\n\n- Forwarding\n"
    scenarios = (
        "# S\n\n### SCEN-OAGW-01: Early\n- **WHEN** a call\n- **THEN** forwarded (REQ-OAGW-1)\n"
        "\n## PHASE-OAGW-1: Forwarding\n\n### SCEN-OAGW-02:\n- **WHEN** x\n- **THEN** y\n"
        "\n### SCEN-OAGW-03: Plain bullets\n- **WHEN** x\n- plain bullet\n- When lower\n- **THEN** y\n"
        "\n### SCEN-OAGW-04: Nested\n- **WHEN** x\n- **THEN** y\n\n#### Error case\n- **WHEN** down\n\n##### Deeper\n"
    )
    docs = {"INTENT_DESIGN.md": design, "INTENT_REQUIREMENTS.md": REQUIREMENTS, "INTENT_SCENARIOS.md": scenarios}
    not_a_step = "this bullet is not a step: start it with **WHEN**, **THEN** or **AND**"
    sub = "make it a scenario of its own with the next free number"
    assert check_documents(tmp_path, docs) == [
        (
            "MF405",
            "INTENT_SCENARIOS.md",
            3,
            5,
            "SCEN-OAGW-01 is not under a phase section while the design defines phases: move it under"
            " `## PHASE-OAGW-1: Title`",
        ),
        ("MF401", "INTENT_SCENARIOS.md", 9, 1, "SCEN-OAGW-02 has no name: write `### SCEN-OAGW-02: Name`"),
        ("MF403", "INTENT_SCENARIOS.md", 15, 1, f"SCEN-OAGW-03: {not_a_step}"),
        ("MF403", "INTENT_SCENARIOS.md", 16, 1, f"SCEN-OAGW-03: {not_a_step}"),
        ("MF404", "INTENT_SCENARIOS.md", 23, 1, f"SCEN-OAGW-04 has a sub-scenario (`#### Error case`): {sub}"),
        ("MF404", "INTENT_SCENARIOS.md", 26, 1, f"SCEN-OAGW-04 has a sub-scenario (`##### Deeper`): {sub}"),
    ]
