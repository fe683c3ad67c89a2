"""The design rules (MF801-MF803) on small modules: IDs in a Step 1 design, phase headings out of the design's
form (with the heading to write), and phases out of sequence, each at the line and column of its ID."""

from __future__ import annotations

from pathlib import Path

import pytest
from small_modules import check_docs

PHASES = "# Oagw: Intent Design\n\n## Implementation Phases\n\n"
STEP1_DESIGN = (
    "# Oagw: Intent Design\n\n## API Surface\n\n"
    "- `forward_request()` - see SCEN-OAGW-01 and REQ-CRED-3\n"
    "- `configure_timeout()` - see REQ-OAGW-3 (REQ-1)\n\n"
    "## Implementation Phases\n\n### Basic Forwarding (PHASE-OAGW-1)\n\n- forwarding\n"
)
IN_WORDS = "so a Step 1 design describes it in words; IDs arrive in Step 2"
REQUIREMENTS = "# Oagw: Intent Requirements\n\n### REQ-OAGW-3: Timeouts\nThe gateway MUST time out.\n"
SCENARIOS = (
    "# Oagw: Intent Scenarios\n\n### SCEN-OAGW-01: Forward\n\n- **WHEN** a request comes\n- **THEN** it is sent\n"
)


def test_a_step1_design_naming_module_requirements_or_scenarios_is_reported_at_each_id(tmp_path: Path) -> None:
    # Global requirements, phases and IDs of another module's prefix (MF103's) are not reported.
    assert check_docs(tmp_path, {"INTENT_DESIGN.md": STEP1_DESIGN}, "MF8", answers="id_prefix: OAGW\n") == [
        ("MF801", "INTENT_DESIGN.md", 5, 29, f"SCEN-OAGW-01: no scenario exists yet, {IN_WORDS}"),
        ("MF801", "INTENT_DESIGN.md", 6, 31, f"REQ-OAGW-3: no module requirement exists yet, {IN_WORDS}"),
    ]


@pytest.mark.parametrize(
    "defined",
    [{"INTENT_REQUIREMENTS.md": REQUIREMENTS}, {"INTENT_SCENARIOS.md": SCENARIOS}],
    ids=["requirements-written", "scenarios-written"],
)
def test_after_step1_the_design_may_name_ids(tmp_path: Path, defined: dict[str, str]) -> None:
    docs = {"INTENT_DESIGN.md": STEP1_DESIGN, **defined}
    assert check_docs(tmp_path, docs, "MF8", answers="id_prefix: OAGW\n") == []


def test_a_module_without_a_design_has_no_design_finding(tmp_path: Path) -> None:
    changelog = "# Changelog\n\n## [Unreleased]\n"
    assert check_docs(tmp_path, {"CHANGELOG.md": changelog}, "MF8") == []


FORM = "is not in the design's phase heading form: write"
SEQUENCE = "number the design's phases 1, 2, 3 ... in order"

CASES = {
    "older-form-without-a-prefix": (
        "### Phase 1: Basic Forwarding\n\n- x\n\n### Phase 2\n\n- y\n",
        [
            ("MF802", 5, 1, f"Phase 1 {FORM} `### Basic Forwarding (PHASE-<P>-1)`"),
            ("MF802", 9, 1, f"Phase 2 {FORM} `### Title (PHASE-<P>-2)`"),
        ],
    ),
    "older-form-takes-the-next-free-number": (
        "### Basic Forwarding (PHASE-OAGW-1)\n\n- x\n\n### Phase 1: Again\n\n- y\n",
        [("MF802", 9, 1, f"Phase 1 {FORM} `### Again (PHASE-OAGW-2)`")],
    ),
    "section-forms": (
        "### Basic Forwarding (PHASE-OAGW-1)\n\n### PHASE-OAGW-02: Retries\n\n### PHASE-OAGW-3\n\n"
        "### PHASE-OAGW-4 — Health Checks:\n\n### PHASE-OAGW-5: Limits per REQ-OAGW-3\n\n"
        "### (PHASE-OAGW-6) - Quotas\n",
        [
            ("MF802", 7, 5, f"PHASE-OAGW-02 {FORM} `### Retries (PHASE-OAGW-2)`"),
            ("MF802", 9, 5, f"PHASE-OAGW-3 {FORM} `### Title (PHASE-OAGW-3)`"),
            ("MF802", 11, 5, f"PHASE-OAGW-4 {FORM} `### Health Checks (PHASE-OAGW-4)`"),
            ("MF802", 13, 5, f"PHASE-OAGW-5 {FORM} `### Limits per REQ-OAGW-3 (PHASE-OAGW-5)`"),
            ("MF803", 13, 5, f"PHASE-OAGW-5 follows PHASE-OAGW-3: {SEQUENCE}"),  # `PHASE-OAGW-4 — ...` is no phase
            ("MF802", 15, 6, f"PHASE-OAGW-6 {FORM} `### Quotas (PHASE-OAGW-6)`"),
        ],
    ),
    "brackets-of-the-title-stay-whole": (
        "### Basic Forwarding (PHASE-OAGW-1)\n\n### PHASE-OAGW-2 - Limits (REQ-OAGW-3)\n\n### [PHASE-OAGW-3] Quotas\n",
        [
            ("MF802", 7, 5, f"PHASE-OAGW-2 {FORM} `### Limits (REQ-OAGW-3) (PHASE-OAGW-2)`"),
            ("MF802", 9, 6, f"PHASE-OAGW-3 {FORM} `### Quotas (PHASE-OAGW-3)`"),
        ],
    ),
    "a-gap": (
        "### Basic Forwarding (PHASE-OAGW-1)\n\n### Health Checks (PHASE-OAGW-3)\n",
        [("MF803", 7, 20, f"PHASE-OAGW-3 follows PHASE-OAGW-1: {SEQUENCE}")],
    ),
    "not-starting-at-1": (
        "### Retries (PHASE-OAGW-2)\n\n### Health (PHASE-OAGW-3)\n",
        [("MF803", 5, 14, f"PHASE-OAGW-2 is the first phase: {SEQUENCE}")],
    ),
    "a-repeat-and-an-older-heading-are-skipped": (
        "### Basic Forwarding (PHASE-OAGW-1)\n\n### Again (PHASE-OAGW-1)\n\n### Phase 2: Legacy\n\n"
        "### Health (PHASE-OAGW-4)\n",
        [
            ("MF802", 9, 1, f"Phase 2 {FORM} `### Legacy (PHASE-OAGW-2)`"),
            ("MF803", 11, 13, f"PHASE-OAGW-4 follows PHASE-OAGW-1: {SEQUENCE}"),
        ],
    ),
    "in-order": ("### Basic Forwarding (PHASE-OAGW-1)\n\n### Health (PHASE-OAGW-2)\n", []),
}


@pytest.mark.parametrize(("phases", "expected"), CASES.values(), ids=CASES.keys())
def test_design_phase_headings_and_sequence(tmp_path: Path, phases: str, expected: list) -> None:
    found = check_docs(tmp_path, {"INTENT_DESIGN.md": PHASES + phases}, "MF802", "MF803")
    assert [(code, line, column, message) for code, _, line, column, message in found] == expected
