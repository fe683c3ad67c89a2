"""What every rule knows of a module (modforge.checker.rules.context), seen through the findings it shapes: the
documents in pipeline order, the phases the design defines, the column of a definition's ID, the step a module
has reached, which occurrences are references, and where the module's prefix comes from."""

from __future__ import annotations

from pathlib import Path

import pytest
from small_modules import check_docs

# Phases defined out of order (2, then 1); ACTUAL_DESIGN.md spells phase 1 differently.
DESIGN = (
    "# Oagw: Intent Design\n\n## Implementation Phases\n\n"
    "### Advanced (PHASE-OAGW-2)\n\n- retries\n\n### Basic Forwarding (PHASE-OAGW-1)\n\n- forwarding\n"
)
ACTUAL_DESIGN = "# Oagw: Actual Design\n\n## Phases\n\n### Basic Forwarding (PHASE-OAGW-01)\n\n- forwarding\n"
TASKS_OUTSIDE_PHASES = (
    "# Oagw: Tasks\n\n### 1. SDK Implementation\n\n- [ ] 1.1 Write it\n\n### TASK-OAGW-02: Domain\n\n- [ ] 2.1 Do it\n"
)


def test_tasks_outside_phases_are_sent_to_the_lowest_phase_as_the_intent_design_spells_it(tmp_path: Path) -> None:
    # The intent design comes before the actual one (pipeline order, not the alphabet); a task heading without
    # an ID is pointed at the start of its line, a task's ID at its column.
    docs = {"INTENT_DESIGN.md": DESIGN, "ACTUAL_DESIGN.md": ACTUAL_DESIGN, "TASKS.md": TASKS_OUTSIDE_PHASES}
    move = "is not under a phase section while the design defines phases: move it under `## PHASE-OAGW-1: Title`"
    assert check_docs(tmp_path, docs, "MF505") == [
        ("MF505", "TASKS.md", 3, 1, f"task 1 {move}"),
        ("MF505", "TASKS.md", 7, 5, f"TASK-OAGW-02 {move}"),
    ]


def test_phase_sections_without_an_id_resolve_by_the_number_of_a_design_phase(tmp_path: Path) -> None:
    tasks = (
        "# Oagw: Tasks\n\n## Phase 1\n\n### TASK-OAGW-01: SDK\n\n- [ ] 1.1 Write it\n\n"
        "## Phase 3\n\n### TASK-OAGW-02: Domain\n\n- [ ] 2.1 Do it\n\n"
        "## PHASE-OAGW-4: Later\n\n### TASK-OAGW-03: Storage\n\n- [ ] 3.1 Store it\n"
    )
    found = check_docs(tmp_path, {"INTENT_DESIGN.md": DESIGN, "TASKS.md": tasks}, "MF204")
    add = "is not a phase the design defines: add `### Title ({})` to INTENT_DESIGN.md, or fix it"
    assert found == [
        ("MF204", "TASKS.md", 9, 1, "Phase 3 " + add.format("PHASE-OAGW-3")),
        ("MF204", "TASKS.md", 15, 4, "PHASE-OAGW-4 " + add.format("PHASE-OAGW-4")),
    ]


def test_a_requirement_defined_in_the_design_and_again_in_the_requirements_is_a_duplicate(tmp_path: Path) -> None:
    design = "# Oagw: Intent Design\n\n## Implementation Phases\n\n### REQ-OAGW-1: Forwarding\n\ntext\n"
    requirements = "# Oagw: Intent Requirements\n\n### REQ-OAGW-1: Forwarding\nThe gateway MUST forward.\n"
    found = check_docs(tmp_path, {"INTENT_DESIGN.md": design, "INTENT_REQUIREMENTS.md": requirements}, "MF104")
    message = (
        "REQ-OAGW-1 is already defined at INTENT_DESIGN.md:5: give this one the next free number, or merge the two"
    )
    assert found == [("MF104", "INTENT_REQUIREMENTS.md", 3, 5, message)]


def test_a_scenario_heading_in_the_requirements_is_a_malformed_definition_not_a_barred_reference(
    tmp_path: Path,
) -> None:
    requirements = (
        "# Oagw: Intent Requirements\n\n### REQ-OAGW-1: Forwarding\nThe gateway MUST forward.\n\n"
        "### SCEN-OAGW-01: Forward\nText.\n"
    )
    found = check_docs(tmp_path, {"INTENT_REQUIREMENTS.md": requirements}, "MF2", "MF3")
    message = "`### SCEN-OAGW-01: Forward` is not a module requirement heading: write `### REQ-OAGW-2: Forward`"
    assert found == [("MF301", "INTENT_REQUIREMENTS.md", 6, 1, message)]


@pytest.mark.parametrize(
    ("answers", "source"),
    [(None, "the IDs its documents define"), ("id_prefix: OAGW\n", ".copier-answers.yml")],
    ids=["from-documents", "from-answers"],
)
def test_a_foreign_prefix_finding_says_where_the_module_prefix_comes_from(
    tmp_path: Path, answers: str | None, source: str
) -> None:
    requirements = (
        "# Oagw: Intent Requirements\n\n### REQ-OAGW-1: Forwarding\nThe gateway MUST forward (REQ-CRED-2).\n\n"
        "### REQ-OAGW-2: Logging\nThe gateway MUST log.\n"
    )
    found = check_docs(tmp_path, {"INTENT_REQUIREMENTS.md": requirements}, "MF103", answers=answers)
    message = f"REQ-CRED-2 has prefix CRED, but this module's prefix is OAGW (from {source}): write REQ-OAGW-2"
    assert found == [("MF103", "INTENT_REQUIREMENTS.md", 4, 27, message)]
