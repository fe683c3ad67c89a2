"""MF802 (design-phase-heading) reads both designs: a phase heading in the section form in ACTUAL_DESIGN.md is
reported though INTENT_DESIGN.md, read first, has every phase heading in the design's form."""

from __future__ import annotations

from pathlib import Path

from small_modules import check_docs, prefix_answers

INTENT = "# Oagw: Intent Design\n\n## Implementation Phases\n\n### Core (PHASE-OAGW-1)\n\n- x\n"
ACTUAL = "# Oagw: Actual Design\n\n## Implementation Phases\n\n### PHASE-OAGW-1: Core\n\n- x\n"


def test_the_actual_design_is_checked_after_a_clean_intent_design(tmp_path: Path) -> None:
    docs = {"INTENT_DESIGN.md": INTENT, "ACTUAL_DESIGN.md": ACTUAL}
    assert check_docs(tmp_path, docs, "MF802", answers=prefix_answers("OAGW")) == [
        (
            "MF802",
            "ACTUAL_DESIGN.md",
            5,
            5,
            "PHASE-OAGW-1 is not in the design's phase heading form: write `### Core (PHASE-OAGW-1)`",
        )
    ]
