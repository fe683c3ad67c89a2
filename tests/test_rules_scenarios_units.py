"""The scenario rules (MF401-MF405, modforge.checker.rules.scenarios) on small literal modules: the exact
message and place of each finding, the step order problems first among them."""

from __future__ import annotations

from pathlib import Path

import pytest
from rule_documents import check_documents


@pytest.mark.parametrize(
    ("steps", "line", "problem"),
    [
        (["THEN", "WHEN"], 4, "**THEN** before any **WHEN**: start with `- **WHEN** precondition or action`"),
        (["AND", "WHEN", "THEN"], 4, "**AND** before any **WHEN**: start with `- **WHEN** precondition or action`"),
        (
            ["WHEN", "THEN", "AND", "WHEN", "THEN"],
            7,
            "**WHEN** after **THEN**: a second action is a second scenario, split it",
        ),
        ([], 3, "has no **WHEN**: add `- **WHEN** precondition or action` then `- **THEN** result`"),
        (["WHEN", "AND"], 3, "has no **THEN**: add `- **THEN** expected result` after the **WHEN**"),
    ],
    ids=["then-first", "and-first", "when-after-then", "no-steps", "no-then"],
)
def test_steps_out_of_order_are_reported_at_the_first_wrong_step(
    tmp_path: Path, steps: list[str], line: int, problem: str
) -> None:
    scenario = "# S\n\n### SCEN-OAGW-01: Forward\n" + "".join(f"- **{step}** x\n" for step in steps)
    assert check_documents(tmp_path, {"INTENT_SCENARIOS.md": scenario}) == [
        ("MF402", "INTENT_SCENARIOS.md", line, 1, f"SCEN-OAGW-01: {problem}")
    ]


NOT_A_STEP = "SCEN-OAGW-01: this bullet is not a step: start it with **WHEN**, **THEN** or **AND**"
SUB = "make it a scenario of its own with the next free number"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "### SCEN-OAGW-01:\n- **WHEN** x\n- **THEN** y\n",
            [("MF401", 3, "SCEN-OAGW-01 has no name: write `### SCEN-OAGW-01: Name`")],
        ),
        (
            "### SCEN-OAGW-01: A\n- **WHEN** x\n- plain\n- When x\n- **THEN** y\n",
            [("MF403", 5, NOT_A_STEP), ("MF403", 6, NOT_A_STEP)],
        ),
        (
            "### SCEN-OAGW-01: A\n- **WHEN** x\n- **THEN** y\n#### Error case\n##### Deeper\n",
            [
                ("MF404", 6, f"SCEN-OAGW-01 has a sub-scenario (`#### Error case`): {SUB}"),
                ("MF404", 7, f"SCEN-OAGW-01 has a sub-scenario (`##### Deeper`): {SUB}"),
            ],
        ),
    ],
    ids=["no-name", "bullets-without-keyword", "sub-scenarios"],
)
def test_scenario_heading_bullets_and_sub_scenarios(tmp_path: Path, body: str, expected) -> None:
    findings = check_documents(tmp_path, {"INTENT_SCENARIOS.md": f"# S\n\n{body}"})
    assert findings == [(code, "INTENT_SCENARIOS.md", line, 1, message) for code, line, message in expected]


def test_a_scenario_outside_every_phase_while_the_design_has_phases(tmp_path: Path) -> None:
    design = "# D\n\n### Basic Forwarding (PHASE-OAGW-1)\n"
    scenarios = "# S\n\n### SCEN-OAGW-01: Early\n- **WHEN** x\n- **THEN** y\n\n## PHASE-OAGW-1: F\n"
    scenarios += "\n### SCEN-OAGW-02: In\n- **WHEN** x\n- **THEN** y\n"
    docs = {"INTENT_DESIGN.md": design, "INTENT_SCENARIOS.md": scenarios}
    move = "is not under a phase section while the design defines phases: move it under `## PHASE-OAGW-1: Title`"
    assert check_documents(tmp_path, docs) == [("MF405", "INTENT_SCENARIOS.md", 3, 5, f"SCEN-OAGW-01 {move}")]
