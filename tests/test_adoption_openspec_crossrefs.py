"""`modforge adopt --from openspec` of a module whose own design is written OpenSpec-style: the plan numbers the
design's `### Requirement:` and `#### Scenario:` blocks, names the new IDs in the design's headings (Step 2.2's
cross-references), and remembers each rewritten heading's title beside the phase headings it rewrote, for the
nothing-lost check and the summary. In-process on a small tree (no copier run)."""

from __future__ import annotations

from pathlib import Path

from adoption_trees import write
from conftest import REPO_ROOT

from modforge.lifecycle.adoption import planner

DESIGN = """# Prefs: Intent Design

## Overview
Keeps preferences.

### Requirement: Audit Trail
Every change SHALL be logged.

#### Scenario: A change is logged
- **WHEN** a user changes a preference
- **THEN** the change is logged

## Implementation Phases

### Phase 1: Intake
- Accept changes
"""

CROSS_REFERENCED = """# Prefs: Intent Design

## Overview
Keeps preferences.

### Requirement: Audit Trail (REQ-PRF-1)
Every change SHALL be logged.

#### Scenario: A change is logged (SCEN-PRF-01)
- **WHEN** a user changes a preference
- **THEN** the change is logged

## Implementation Phases

### Intake (PHASE-PRF-1)
- Accept changes
"""


def test_the_design_s_requirement_and_scenario_headings_name_their_new_ids(tmp_path: Path) -> None:
    root = write(tmp_path / "modules" / "prefs", {"docs/INTENT_DESIGN.md": DESIGN, "Cargo.toml": ""})
    result = planner.plan(
        root, REPO_ROOT, id_prefix="PRF", data={}, src_path="/src/modforge", commit="v1", source=planner.FROM_OPENSPEC
    )
    (design,) = [change for change in result.outcome.changes if change.path == "docs/INTENT_DESIGN.md"]
    assert design.after == CROSS_REFERENCED
    assert result.rewritten == {
        "docs/INTENT_DESIGN.md": {15: "Intake", 6: "Requirement: Audit Trail", 9: "Scenario: A change is logged"}
    }, "the phase heading and the cross-referenced headings, each with the title it keeps"
    assert result.converted.mapping() == [
        "docs/INTENT_DESIGN.md:6 Requirement: Audit Trail -> REQ-PRF-1",
        "docs/INTENT_DESIGN.md:9   Scenario: A change is logged -> SCEN-PRF-01 (cites REQ-PRF-1)",
    ]
