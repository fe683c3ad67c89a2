"""Definition headings (the checks MF301, MF401, MF501 and MF701 share): a heading that should define an ID and
does not have its form is reported with the heading to write, and one with a definition's form at another level
is reported at that level, unless it sits inside a scenario (MF404's)."""

from __future__ import annotations

from pathlib import Path

from small_modules import check_docs

REQUIREMENTS = (
    "# Oagw: Intent Requirements\n\n"
    "### REQ-OAGW-1: Forwarding\nThe gateway MUST forward.\n\n"
    "### REQ-OAGW-2:\nThe gateway MUST log.\n\n"
    "#### REQ-OAGW-3: Deep\nThe gateway MUST be deep.\n\n"
    "## SCEN-OAGW-01: Not a requirement\n\ntext\n\n"
    "### Forwarding notes\n\nText\n"
)
SCENARIOS = (
    "# Oagw: Intent Scenarios\n\n"
    "### SCEN-OAGW-01: Forward request\n\n- **WHEN** a request comes (REQ-1)\n- **THEN** it is forwarded\n\n"
    "#### SCEN-OAGW-02: Nested\n\n- **WHEN** x\n- **THEN** y\n\n"
    "### SCEN-OAGW-03:\n\n- **WHEN** x\n- **THEN** y\n\n"
    "## SCEN-OAGW-04: Too high\n\n- **WHEN** x\n- **THEN** y\n"
)


def test_malformed_requirement_headings_are_reported_with_the_heading_to_write(tmp_path: Path) -> None:
    # A level-2 heading with a scenario's form is not a requirement heading at the wrong level.
    assert check_docs(tmp_path, {"INTENT_REQUIREMENTS.md": REQUIREMENTS}, "MF3") == [
        ("MF301", "INTENT_REQUIREMENTS.md", 6, 1, "REQ-OAGW-2 has no title: write `### REQ-OAGW-2: Title`"),
        (
            "MF301",
            "INTENT_REQUIREMENTS.md",
            9,
            1,
            "`#### REQ-OAGW-3: Deep` is at level 4, definitions are at level 3: write `### REQ-OAGW-3: Deep`",
        ),
        (
            "MF301",
            "INTENT_REQUIREMENTS.md",
            16,
            1,
            "`### Forwarding notes` is not a module requirement heading: write `### REQ-OAGW-4: Forwarding notes`",
        ),
    ]


def test_malformed_scenario_headings_leave_a_sub_scenario_to_mf404(tmp_path: Path) -> None:
    assert check_docs(tmp_path, {"INTENT_SCENARIOS.md": SCENARIOS}, "MF401", "MF404") == [
        (
            "MF404",
            "INTENT_SCENARIOS.md",
            8,
            1,
            "SCEN-OAGW-01 has a sub-scenario (`#### SCEN-OAGW-02: Nested`): make it a scenario of its own with the "
            "next free number",
        ),
        ("MF401", "INTENT_SCENARIOS.md", 13, 1, "SCEN-OAGW-03 has no name: write `### SCEN-OAGW-03: Name`"),
        (
            "MF401",
            "INTENT_SCENARIOS.md",
            18,
            1,
            "`## SCEN-OAGW-04: Too high` is at level 2, definitions are at level 3: write `### SCEN-OAGW-04: Too high`",
        ),
    ]
