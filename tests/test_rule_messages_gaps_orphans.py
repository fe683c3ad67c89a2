"""The gap-analysis rules (MF701, MF702) and the orphan warnings (MF901, MF902) as a user reads them: the line,
column and exact message of each finding, on a few lines of Markdown."""

from __future__ import annotations

from pathlib import Path

import pytest
from rule_findings import findings, write_module

from modforge.spec import layout

GAPS = layout.INTENT_VS_ACTUAL
FIELDS = "write `- **Intent:** ...`, `- **Actual:** ...`, `- **Gap:** ...`, in that order"
STEPS = "- **WHEN** a\n- **THEN** b\n"
SCENARIO = f"# Scenarios\n\n### SCEN-OAGW-01: Forward\n{STEPS}"


# An INTENT_VS_ACTUAL.md entry -> (code, line, message) of each finding, beside a scenario SCEN-OAGW-01.
GAP_ENTRIES = {
    "out-of-order": (
        "### SCEN-OAGW-01: Forward\n- **Intent:** a\n- **Gap:** c\n- **Actual:** b\n",
        [("MF702", 5, f"SCEN-OAGW-01 has its fields out of order: {FIELDS}")],
    ),
    "twice": (
        "### SCEN-OAGW-01: Forward\n- **Actual:** b\n- **Intent:** a\n- **Gap:** c\n- **Actual:** b\n",
        [("MF702", 7, f"SCEN-OAGW-01 has **Actual:** twice: {FIELDS}")],
    ),
    "lacking-two": (
        "### SCEN-OAGW-01: Forward\n- **Actual:** b\n",
        [("MF702", 3, f"SCEN-OAGW-01 lacks **Intent:** and **Gap:**: {FIELDS}")],
    ),
    "no-colon": (
        "### SCEN-OAGW-01\n- **Intent:** a\n- **Actual:** b\n- **Gap:** c\n",
        [("MF701", 3, "`### SCEN-OAGW-01` is not a scenario heading: write `### SCEN-OAGW-01: Name`")],
    ),
    "no-name": (
        "### SCEN-OAGW-01:\n- **Intent:** a\n- **Actual:** b\n- **Gap:** c\n",
        [("MF701", 3, "SCEN-OAGW-01 has no name: write `### SCEN-OAGW-01: Name`")],
    ),
    "no-id": (
        "### Forward request\n- **Intent:** a\n- **Intent:** a\n- **Actual:** b\n- **Gap:** c\n",
        [
            (
                "MF701",
                3,
                "`### Forward request` is not a scenario heading: write `### SCEN-OAGW-01: Forward request`",
            ),
            ("MF702", 5, f"Forward request has **Intent:** twice: {FIELDS}"),
        ],
    ),
    "empty-heading": (
        "###\n- **Gap:** c\n",
        [
            ("MF701", 3, "`### ` is not a scenario heading: write `### SCEN-OAGW-01: Name`"),
            ("MF702", 3, f"this entry lacks **Intent:** and **Actual:**: {FIELDS}"),
        ],
    ),
}


@pytest.mark.parametrize(("entries", "expected"), GAP_ENTRIES.values(), ids=GAP_ENTRIES.keys())
def test_gap_entry_findings_say_what_is_wrong_and_the_form_to_write(tmp_path: Path, entries, expected) -> None:
    module = write_module(tmp_path, {layout.INTENT_SCENARIOS: SCENARIO, GAPS: f"# Gaps\n\n{entries}"})
    found = findings(module, "MF701", "MF702")
    assert found == [(code, GAPS, line, 1, message) for code, line, message in expected]


ORPHAN_REQ = "is referenced by no scenario and no task: cite it where it is met, or remove it"


def test_orphan_requirement_reported_once_at_its_id_after_a_global_requirement_heading(tmp_path: Path) -> None:
    requirements = (
        "# R\n\n### REQ-7: Global\nThe module MUST.\n\n### REQ-OAGW-1: A\nIt MUST.\n\n"
        "### REQ-OAGW-1: A again\nIt MUST.\n\n### REQ-OAGW-2: B\nIt MUST.\n"
    )
    scenarios = f"# S\n\n### SCEN-OAGW-01: A\n{STEPS.rstrip()} (REQ-OAGW-2)\n"
    module = write_module(tmp_path, {layout.INTENT_REQUIREMENTS: requirements, layout.INTENT_SCENARIOS: scenarios})
    assert findings(module, "MF901") == [("MF901", layout.INTENT_REQUIREMENTS, 6, 5, f"REQ-OAGW-1 {ORPHAN_REQ}")]


def test_orphan_requirements_of_the_actual_document_without_an_intent_one(tmp_path: Path) -> None:
    module = write_module(
        tmp_path,
        {
            layout.ACTUAL_REQUIREMENTS: "# R\n\n### REQ-OAGW-1: A\nIt MUST a.\n\n### REQ-OAGW-2: B\nIt MUST b.\n",
            layout.ACTUAL_SCENARIOS: f"# S\n\n### SCEN-OAGW-01: A\n{STEPS.rstrip()} (REQ-OAGW-1)\n",
        },
    )
    assert findings(module, "MF901") == [("MF901", layout.ACTUAL_REQUIREMENTS, 6, 5, f"REQ-OAGW-2 {ORPHAN_REQ}")]


def orphan_phase(number: int, title: str) -> str:
    return (
        f"PHASE-OAGW-{number} has no scenario: add its scenarios under `## PHASE-OAGW-{number}: {title}` "
        "in INTENT_SCENARIOS.md, or drop the phase"
    )


def test_orphan_phase_reported_once_with_the_section_to_add(tmp_path: Path) -> None:
    design = (
        "# D\n\n### Basic (PHASE-OAGW-1)\n\n### Hardening (PHASE-OAGW-2)\n\n### (PHASE-OAGW-3)\n\n"
        "### Hardening again (PHASE-OAGW-2)\n"
    )
    scenarios = f"# S\n\n## PHASE-OAGW-1: Basic\n\n### SCEN-OAGW-01: A\n{STEPS}"
    module = write_module(tmp_path, {layout.INTENT_DESIGN: design, layout.INTENT_SCENARIOS: scenarios})
    assert findings(module, "MF902") == [
        ("MF902", layout.INTENT_DESIGN, 5, 16, orphan_phase(2, "Hardening")),
        ("MF902", layout.INTENT_DESIGN, 7, 6, orphan_phase(3, "Title")),
    ]


def test_orphan_phase_cited_in_another_phases_scenario_is_covered_a_foreign_citation_is_not(
    tmp_path: Path,
) -> None:
    design = "# D\n\n### Basic (PHASE-OAGW-1)\n\n### Hardening (PHASE-OAGW-2)\n\n### Quotas (PHASE-OAGW-3)\n"
    scenarios = f"# S\n\n## PHASE-OAGW-1: Basic\n\n### SCEN-OAGW-01: A\n{STEPS.rstrip()} (PHASE-OAGW-2, PHASE-CRED-3)\n"
    module = write_module(tmp_path, {layout.INTENT_DESIGN: design, layout.INTENT_SCENARIOS: scenarios})
    assert findings(module, "MF902") == [("MF902", layout.INTENT_DESIGN, 7, 13, orphan_phase(3, "Quotas"))]


def test_orphan_phases_of_the_actual_design_without_an_intent_one(tmp_path: Path) -> None:
    module = write_module(
        tmp_path,
        {
            layout.ACTUAL_DESIGN: "# D\n\n### Basic (PHASE-OAGW-1)\n\n- x\n\n### Later (PHASE-OAGW-2)\n",
            layout.ACTUAL_SCENARIOS: f"# S\n\n## PHASE-OAGW-1: Basic\n\n### SCEN-OAGW-01: A\n{STEPS}",
        },
    )
    assert findings(module, "MF902") == [("MF902", layout.ACTUAL_DESIGN, 7, 12, orphan_phase(2, "Later"))]
