"""A module whose prefix is unknown (no answers file, and IDs written without one, or an answers file whose prefix
is no prefix): the checker still reports every finding, naming the prefix's place as `<P>`, and never stops with
a traceback; the design's older `### Phase N` headings are proposed free phase IDs as with a prefix."""

from __future__ import annotations

from pathlib import Path

import pytest
from small_modules import check_docs, prefix_answers

from modforge.spec import grammar

PHASES = "# Oagw: Intent Design\n\n## Implementation Phases\n\n"
FORM = "is not in the design's phase heading form: write"
SCENARIO = "- **WHEN** a\n- **THEN** b\n"


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("SCEN-1", "SCEN-<P>-01"),
        ("PHASE-01", "PHASE-<P>-1"),
        ("TASK-7", "TASK-<P>-07"),
        ("SCEN-OAGW-1", "SCEN-OAGW-01"),
        ("REQ-04", "REQ-4"),  # a global requirement has no prefix
    ],
)
def test_the_canonical_form_of_an_id_marks_a_missing_prefix(text: str, canonical: str) -> None:
    parsed = grammar.parse_id(text)
    assert parsed is not None
    assert parsed.canonical == canonical


@pytest.mark.parametrize("answers", [None, "id_prefix: oagw\nmodule_name: oagw\n"], ids=["no-answers", "bad-prefix"])
def test_two_older_phase_headings_with_one_number_are_proposed_two_phases(tmp_path: Path, answers) -> None:
    # As with a prefix: the second `### Phase 1` is proposed the next free number, not a second phase 1.
    design = PHASES + "### Phase 1: Core\n\n- x\n\n### Phase 1: Again\n\n- y\n\n### Phase 3\n"
    findings = [f for f in check_docs(tmp_path, {"INTENT_DESIGN.md": design}, "MF8", answers=answers)]
    assert findings == [
        ("MF802", "INTENT_DESIGN.md", 5, 1, f"Phase 1 {FORM} `### Core (PHASE-<P>-1)`"),
        ("MF802", "INTENT_DESIGN.md", 9, 1, f"Phase 1 {FORM} `### Again (PHASE-<P>-2)`"),
        ("MF802", "INTENT_DESIGN.md", 13, 1, f"Phase 3 {FORM} `### Title (PHASE-<P>-3)`"),
    ]


def test_with_the_prefix_the_same_headings_are_proposed_the_same_numbers(tmp_path: Path) -> None:
    design = PHASES + "### Phase 1: Core\n\n- x\n\n### Phase 1: Again\n\n- y\n\n### Phase 3\n"
    assert check_docs(tmp_path, {"INTENT_DESIGN.md": design}, "MF8", answers=prefix_answers("OAGW")) == [
        ("MF802", "INTENT_DESIGN.md", 5, 1, f"Phase 1 {FORM} `### Core (PHASE-OAGW-1)`"),
        ("MF802", "INTENT_DESIGN.md", 9, 1, f"Phase 1 {FORM} `### Again (PHASE-OAGW-2)`"),
        ("MF802", "INTENT_DESIGN.md", 13, 1, f"Phase 3 {FORM} `### Title (PHASE-OAGW-3)`"),
    ]


UNDEFINED_PHASE = "is not a phase the design defines: add `### Title (PHASE-<P>-{n})` to INTENT_DESIGN.md, or fix it"

CASES = {
    "design-section-form": (
        {"INTENT_DESIGN.md": PHASES + "### PHASE-1: Core\n\n- x\n"},
        [("MF802", "INTENT_DESIGN.md", 5, 5, f"PHASE-1 {FORM} `### Core (PHASE-<P>-1)`")],
    ),
    "design-title-form": (
        {"INTENT_DESIGN.md": PHASES + "### Core (PHASE-1)\n\n- x\n"},
        [("MF802", "INTENT_DESIGN.md", 5, 11, f"PHASE-1 {FORM} `### Core (PHASE-<P>-1)`")],
    ),
    "undefined-phase-section": (
        {"INTENT_SCENARIOS.md": f"# S\n\n## PHASE-2: X\n\n### SCEN-01: A\n{SCENARIO}"},
        [("MF204", "INTENT_SCENARIOS.md", 3, 4, "PHASE-2 " + UNDEFINED_PHASE.format(n=2))],
    ),
    "scenario-padding": (
        {"INTENT_SCENARIOS.md": f"# S\n\n### SCEN-1: A\n{SCENARIO}"},
        [("MF101", "INTENT_SCENARIOS.md", 3, 5, "SCEN-1: write SCEN-<P>-01 (scenario numbers use at least 2 digits)")],
    ),
    "undefined-task": (
        {"INTENT_SCENARIOS.md": "# S\n\n### SCEN-01: A\n- **WHEN** a\n- **THEN** b (TASK-7)\n"},
        [
            ("MF101", "INTENT_SCENARIOS.md", 5, 15, "TASK-7: write TASK-<P>-07 (task numbers use at least 2 digits)"),
            (
                "MF203",
                "INTENT_SCENARIOS.md",
                5,
                15,
                "TASK-7 is not defined: add `### TASK-<P>-07: Title` to TASKS.md, or fix the reference",
            ),
        ],
    ),
}


@pytest.mark.parametrize(("docs", "expected"), CASES.values(), ids=CASES.keys())
def test_ids_without_a_prefix_are_reported_with_the_prefix_s_place_marked(tmp_path: Path, docs, expected) -> None:
    # These stopped `modforge check` with "ValueError: a phase ID needs a module prefix" before.
    assert [f for f in check_docs(tmp_path, docs) if f[0] != "MF206"] == expected  # MF206: tasks named in scenarios
