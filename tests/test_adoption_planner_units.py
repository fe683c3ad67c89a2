"""What `modforge adopt` plans for a hand-made module, in-process on small module trees (no copier run).

`adoption.plan` computes every change in memory (the dry run prints it, a real run writes it): the renames,
the rewritten headings and numbered task groups, the skeletons added or held back, the answers file, the
summary's notes, and the nothing-lost check that refuses a plan that would drop a line.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from adoption_trees import write
from conftest import REPO_ROOT

from modforge.errors import ModforgeError
from modforge.lifecycle.adoption import planner, renames
from modforge.lifecycle.migration import ModuleTree
from modforge.spec import layout

DEFAULT = "the template's default"
OPENSPEC_NOTE = (
    "this module keeps OpenSpec specs in openspec/specs/: adopt with --from openspec to convert their "
    "requirements and scenarios into REQ and SCEN entries"
)


def plan(root: Path, id_prefix: str | None = None, source: str | None = None, **data: str) -> planner.Plan:
    return planner.plan(
        root, REPO_ROOT, id_prefix=id_prefix, data=data, src_path="/src/modforge", commit="v1.2.3", source=source
    )


def after(result: planner.Plan, path: str) -> str:
    (change,) = [change for change in result.outcome.changes if change.path == path]
    return change.after


def changed(result: planner.Plan) -> list[tuple[str, str | None]]:
    return [(change.path, change.old_path) for change in result.outcome.changes]


# --- what looks like a module ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({"docs/TASKS.md": "# T\n"}, True),
        ({"docs/2_INTENT_FACTS.md": "# F\n"}, True),  # a slot name
        ({"openspec/specs/x/spec.md": "# x\n"}, True),
        ({"Cargo.toml": "[workspace]\n"}, True),
        ({"vault-gw/Cargo.toml": "[package]\n"}, True),
        ({"docs/notes.md": "# N\n", "README.md": "# R\n"}, False),
        ({"docs/TASKS.md/keep": "a folder named like a document\n", "a/b/Cargo.toml": "[package]\n"}, False),
        ({"cargo.toml": "[package]\n"}, False),
        ({}, False),
    ],
)
def test_looks_like_module(tmp_path, files, expected) -> None:
    root = write(tmp_path / "thing", files)
    root.mkdir(exist_ok=True)
    assert planner.looks_like_module(root) is expected


def test_a_module_already_adopted_is_refused(tmp_path) -> None:
    root = write(tmp_path / "modules" / "vault", {".copier-answers.yml": "id_prefix: VLT\n", "Cargo.toml": ""})
    with pytest.raises(ModforgeError) as raised:
        plan(root)
    assert str(raised.value) == (
        f"vault is already adopted (it has .copier-answers.yml); update it with `modforge update {root}`"
    )


def test_a_folder_that_is_no_module_is_refused(tmp_path) -> None:
    root = write(tmp_path / "photos", {"holiday.txt": "not a module\n"})
    with pytest.raises(ModforgeError) as raised:
        plan(root)
    assert str(raised.value) == (
        f"{root} does not look like a module: no pipeline documents in docs/ and no Rust crate; "
        "pass the module's folder, such as modules/cred-store"
    )


# --- a legacy module ------------------------------------------------------------------------------------
LEDGER = {
    "docs/1_INTENT_DESIGN.md": """# Ledger: Intent Design

## Overview
- Keeps the books

## Implementation Phases

### Phase 1: Intake
Accept payments.

### Phase 2: Reports
Report on them (3_INTENT_SCENARIOS.md).
""",
    "docs/3_INTENT_SCENARIOS.md": """# Ledger: Intent Scenarios

## Phase 1

### SCEN-LEDG-01: A payment is recorded
- **WHEN** a payment arrives
- **THEN** it is recorded

## Phase 2

### SCEN-LEDG-02: A report
- **WHEN** the day ends
- **THEN** a report is written
""",
    "docs/TASKS.md": """# Ledger: Tasks

## Phase 1

### 1. Intake
- [ ] 1.1 Accept a payment (1_INTENT_DESIGN.md)

## Phase 2

### TASK-LEDG-01: Reports
- [ ] 2.1 Daily report

### 3. Payouts
- [ ] 3.1 Pay out
""",
    "docs/ACTUAL_ARCHITECTURE.md": "# How it is built\n",
    "README.md": "# Ledger\n\n[design](docs/1_INTENT_DESIGN.md) and docs/3_INTENT_SCENARIOS.md\n",
    "openspec/specs/ledger/spec.md": "# ledger\n\n## Purpose\nA purpose that --from openspec would use.\n",
    "ledger-gw/Cargo.toml": '[package]\nname = "ledger-gw"\n',
    "ledger-gw/src/lib.rs": "pub fn post() {}\n",
}


def test_a_legacy_module_s_plan(tmp_path) -> None:
    root = write(tmp_path / "modules" / "ledger", LEDGER)
    result = plan(root)
    assert result.renamed == [
        ("docs/1_INTENT_DESIGN.md", "docs/INTENT_DESIGN.md"),
        ("docs/3_INTENT_SCENARIOS.md", "docs/INTENT_SCENARIOS.md"),
    ]
    assert result.headings == 6
    assert result.task_ids == ["TASK-LEDG-02", "TASK-LEDG-03"], "task groups numbered around the one with an ID"
    assert result.rewritten == {
        "docs/INTENT_DESIGN.md": {8: "Intake", 11: "Reports"},
        "docs/INTENT_SCENARIOS.md": {3: "Intake", 9: "Reports"},
        "docs/TASKS.md": {3: "Intake", 8: "Reports", 5: "Intake", 13: "Payouts"},
    }
    assert result.references == 4
    assert result.added == [
        "INTENT_REQUIREMENTS.md",
        "ACTUAL_REQUIREMENTS.md",
        "ACTUAL_SCENARIOS.md",
        "INTENT_VS_ACTUAL.md",
        "CHANGELOG.md",
    ]
    assert result.left_alone == {"docs/ACTUAL_ARCHITECTURE.md": ["ACTUAL_DESIGN.md"]}
    assert result.crate_folders == [("crate_dir", "ledger-gw", "ledger")]
    assert result.converted is None
    assert result.phase_groups == []
    assert result.notes == [
        OPENSPEC_NOTE,
        "no one-line description found in the design's overview; pass --data description=...",
    ], "the spec's purpose is no description without --from openspec"
    assert result.answers == {
        "kind": "module",
        "module_name": "ledger",
        "id_prefix": "LEDG",
        "description": "Ledger module",
        "category": "generic",
        "rest_api": False,
        "persistence": False,
        "gts": False,
        "phases": 2,
        "phase_titles": ["Intake", "Reports"],
        "owner": "@ledger-owners",
        "crate_dir": "ledger-gw",
    }
    assert result.sources == {
        "module_name": "the folder name",
        "id_prefix": "the IDs the documents define",
        "rest_api": "the code: no REST API in the module crate",
        "persistence": "the code: no database code",
        "gts": "the code: no GTS types of its own (at most a gateway's plugin spec)",
        "crate_dir": "the module crate's folder",
        "phases": "the phase headings",
        "phase_titles": "the phase headings",
        "kind": DEFAULT,
        "description": DEFAULT,
        "category": DEFAULT,
        "owner": DEFAULT,
    }
    assert changed(result) == [
        (".copier-answers.yml", None),
        ("README.md", "README.md"),
        ("docs/ACTUAL_REQUIREMENTS.md", None),
        ("docs/ACTUAL_SCENARIOS.md", None),
        ("docs/CHANGELOG.md", None),
        ("docs/INTENT_DESIGN.md", "docs/1_INTENT_DESIGN.md"),
        ("docs/INTENT_REQUIREMENTS.md", None),
        ("docs/INTENT_SCENARIOS.md", "docs/3_INTENT_SCENARIOS.md"),
        ("docs/INTENT_VS_ACTUAL.md", None),
        ("docs/TASKS.md", "docs/TASKS.md"),
    ]
    assert after(result, ".copier-answers.yml").endswith(
        "_commit: v1.2.3\n_src_path: /src/modforge\ncategory: generic\ncrate_dir: ledger-gw\n"
        "description: Ledger module\ngts: false\nid_prefix: LEDG\nkind: module\nmodule_name: ledger\n"
        "owner: '@ledger-owners'\npersistence: false\nphase_titles:\n- Intake\n- Reports\nphases: 2\n"
        "rest_api: false\n"
    )
    assert after(result, "docs/TASKS.md") == (
        "# Ledger: Tasks\n\n## PHASE-LEDG-1: Intake\n\n### TASK-LEDG-02: Intake\n"
        "- [ ] 1.1 Accept a payment (INTENT_DESIGN.md)\n\n## PHASE-LEDG-2: Reports\n\n### TASK-LEDG-01: Reports\n"
        "- [ ] 2.1 Daily report\n\n### TASK-LEDG-03: Payouts\n- [ ] 3.1 Pay out\n"
    )
    assert "### Reports (PHASE-LEDG-2)\nReport on them (INTENT_SCENARIOS.md).\n" in after(
        result, "docs/INTENT_DESIGN.md"
    )
    assert after(result, "README.md") == "# Ledger\n\n[design](docs/INTENT_DESIGN.md) and docs/INTENT_SCENARIOS.md\n"
    requirements = after(result, "docs/INTENT_REQUIREMENTS.md")
    assert requirements.startswith("# Ledger: Intent Requirements\n"), "the skeleton rendered for this module"
    assert "### REQ-LEDG-1: Short title\n" in requirements
    assert not (root / "docs" / "INTENT_DESIGN.md").exists(), "a plan writes nothing"


# --- OpenSpec -------------------------------------------------------------------------------------------
SPEC = """# prefs Specification

## Purpose
Keeps each user's display preferences. It serves them over REST.

## Requirements
### Requirement: Scoping
The module SHALL read only the caller's preferences.

#### Scenario: Another user's preferences are invisible
- **WHEN** user A reads preferences
- **THEN** only user A's are returned
"""


def test_from_openspec_converts_into_skeletons_and_takes_the_purpose(tmp_path) -> None:
    root = write(tmp_path / "modules" / "prefs", {"openspec/specs/prefs/spec.md": SPEC, "Cargo.toml": ""})
    result = plan(root, "PRF", source=planner.FROM_OPENSPEC)
    assert result.converted.mapping() == [
        "openspec/specs/prefs/spec.md:7 Requirement: Scoping -> REQ-PRF-1",
        "openspec/specs/prefs/spec.md:10   Scenario: Another user's preferences are invisible -> SCEN-PRF-01 "
        "(cites REQ-PRF-1)",
    ]
    assert (result.answers["description"], result.sources["description"]) == (
        "Keeps each user's display preferences",
        "the purpose of openspec/specs/prefs/spec.md",
    )
    assert result.notes == []
    assert result.added == [
        "INTENT_DESIGN.md",
        "TASKS.md",
        "ACTUAL_DESIGN.md",
        "ACTUAL_REQUIREMENTS.md",
        "ACTUAL_SCENARIOS.md",
        "INTENT_VS_ACTUAL.md",
        "CHANGELOG.md",
    ], "the requirements and scenarios are written by the conversion"
    requirements = after(result, "docs/INTENT_REQUIREMENTS.md")
    assert requirements.startswith("# Prefs: Intent Requirements\n"), "the skeleton rendered for this module"
    assert requirements.endswith(
        "<!-- Converted from openspec/specs/prefs/spec.md by `modforge adopt --from openspec`. -->\n\n"
        "### REQ-PRF-1: Scoping\nThe module SHALL read only the caller's preferences.\n"
    )
    assert after(result, "docs/INTENT_SCENARIOS.md").endswith(
        "## PHASE-PRF-1: Core Functionality\n\n"
        "<!-- Converted from openspec/specs/prefs/spec.md by `modforge adopt --from openspec`. -->\n\n"
        "### SCEN-PRF-01: Another user's preferences are invisible\n- **WHEN** user A reads preferences\n"
        "- **THEN** only user A's are returned (REQ-PRF-1)\n"
    )


# --- phases ---------------------------------------------------------------------------------------------
def test_a_design_without_phases_gets_the_template_s_and_scenarios_are_grouped(tmp_path) -> None:
    root = write(
        tmp_path / "modules" / "keys",
        {
            "docs/INTENT_DESIGN.md": "# Keys: Intent Design\n\n## Overview\nKeeps keys.\n",
            "docs/INTENT_SCENARIOS.md": "# Keys: Intent Scenarios\n\nIntro.\n\n### SCEN-KEYS-01: Seal\n"
            "- **WHEN** a key is sealed\n- **THEN** it is unreadable\n",
        },
    )
    result = plan(root)
    assert result.phase_groups == [
        "add the section `## Implementation Phases` to docs/INTENT_DESIGN.md: it defined no phase, and phase "
        "sections name one",
        "group the scenarios of INTENT_SCENARIOS.md under `## PHASE-KEYS-1: Core Functionality`",
    ]
    assert after(result, "docs/INTENT_DESIGN.md") == (
        "# Keys: Intent Design\n\n## Overview\nKeeps keys.\n\n## Implementation Phases\n\n"
        "### Core Functionality (PHASE-KEYS-1)\n\n"
        "<!-- What this phase delivers, and the scenarios it needs, in words (no IDs yet). -->\n"
    )
    assert after(result, "docs/INTENT_SCENARIOS.md") == (
        "# Keys: Intent Scenarios\n\nIntro.\n\n## PHASE-KEYS-1: Core Functionality\n\n### SCEN-KEYS-01: Seal\n"
        "- **WHEN** a key is sealed\n- **THEN** it is unreadable\n"
    )
    assert (result.headings, result.task_ids, result.renamed, result.references) == (0, [], [], 0)


def test_a_description_naming_a_renamed_document_names_it_as_the_documents_do(tmp_path) -> None:
    overview = "# Keys: Intent Design\n\n## Overview\nKeeps the keys 2_INTENT_FACTS.md asks for.\n"
    root = write(
        tmp_path / "modules" / "keys", {"docs/1_INTENT_DESIGN.md": overview, "docs/2_INTENT_FACTS.md": "# F\n"}
    )
    assert plan(root).answers["description"] == "Keeps the keys INTENT_REQUIREMENTS.md asks for"
    given = "Keeps what 2_INTENT_FACTS.md says"  # --data is the owner's word: kept as given
    assert plan(root, description=given).answers["description"] == given


def test_beside_a_design_left_alone_the_added_documents_have_no_phase_sections(tmp_path) -> None:
    root = write(
        tmp_path / "modules" / "notes",
        {"docs/DESIGN.md": "# Notes design\n\nfree text\n", "docs/TASKS.md": "# Notes: Tasks\n\n### 1. Write\n"},
    )
    result = plan(root, "NTS")
    assert result.left_alone == {"docs/DESIGN.md": ["INTENT_DESIGN.md", "ACTUAL_DESIGN.md"]}
    assert result.phase_groups == ["write docs/INTENT_SCENARIOS.md without phase sections: no design defines phases"]
    assert "## PHASE-" not in after(result, "docs/INTENT_SCENARIOS.md")
    assert after(result, "docs/TASKS.md") == "# Notes: Tasks\n\n### TASK-NTS-01: Write\n"
    assert result.task_ids == ["TASK-NTS-01"]


# --- the nothing-lost check -----------------------------------------------------------------------------
BEFORE = "# D\n\n## Phase 1: Intake\nkeep me\nsee 3_INTENT_SCENARIOS.md\n\ntwice\ntwice\n"
KEPT = "# D\n## PHASE-LEDG-1: Intake\ntwice\nkeep me\ntwice\nsee INTENT_SCENARIOS.md\n"
RENAMES = [
    ("docs/1_INTENT_DESIGN.md", "docs/INTENT_DESIGN.md"),
    ("docs/3_INTENT_SCENARIOS.md", "docs/INTENT_SCENARIOS.md"),
]


def check(tmp_path: Path, new_text: str, rewritten: dict[int, str]) -> None:
    """Adoption's check once `docs/1_INTENT_DESIGN.md` (BEFORE) is renamed and its text is `new_text`, with
    `rewritten` the heading lines adoption rewrote and the titles they keep."""
    root = write(
        tmp_path / "modules" / "ledger",
        {"docs/1_INTENT_DESIGN.md": BEFORE, "README.md": "# Ledger\n\nSee docs/1_INTENT_DESIGN.md.\n"},
    )
    tree = ModuleTree(root, REPO_ROOT)
    tree.rename("docs/1_INTENT_DESIGN.md", "docs/INTENT_DESIGN.md")
    tree.write("docs/INTENT_DESIGN.md", new_text)
    tree.write("README.md", "# Ledger\n\nSee docs/INTENT_DESIGN.md.\n")  # changed too: a file of no heading rewritten
    tree.write(layout.ANSWERS_FILE, "id_prefix: LEDG\n")  # a new file, first in order: nothing to lose there
    planner._check_nothing_lost(tree, {"docs/INTENT_DESIGN.md": rewritten}, renames.Renames(RENAMES))


def test_lines_moved_blank_lines_dropped_and_a_heading_that_keeps_its_title_lose_nothing(tmp_path) -> None:
    check(tmp_path, KEPT, {3: "Intake"})


@pytest.mark.parametrize(
    ("new_text", "rewritten", "lost"),
    [
        (KEPT.replace("keep me\n", ""), {3: "Intake"}, "keep me"),
        (KEPT.replace("twice\n", "", 1), {3: "Intake"}, "twice"),
        (KEPT.replace("see INTENT", "see 3_INTENT"), {3: "Intake"}, "see 3_INTENT_SCENARIOS.md"),  # not renamed
        (KEPT.replace(": Intake", ""), {3: "Intake"}, "## Phase 1: Intake"),  # the title lost
        (KEPT, {}, "## Phase 1: Intake"),  # a heading changed that adoption did not rewrite
    ],
)
def test_a_plan_that_would_lose_a_line_is_refused(tmp_path, new_text, rewritten, lost) -> None:
    with pytest.raises(ModforgeError) as raised:
        check(tmp_path, new_text, rewritten)
    assert str(raised.value) == (
        f"internal error: adoption would lose the line {lost!r} of docs/1_INTENT_DESIGN.md; nothing was changed"
    )


def test_a_line_holding_a_line_separator_stays_whole_when_a_heading_below_it_is_rewritten(tmp_path) -> None:
    # The heading is found by the parser's line number; a line the parser reads as one (U+2028 inside) is one.
    design = (
        "# Keys: Intent Design\n\nKeeps keys.\u2028Rotates them.\n\n## Implementation Phases\n\n### Phase 1: Core\n"
    )
    root = write(tmp_path / "modules" / "keys", {"docs/INTENT_DESIGN.md": design})
    assert after(plan(root, id_prefix="KEYS"), "docs/INTENT_DESIGN.md") == design.replace(
        "### Phase 1: Core", "### Core (PHASE-KEYS-1)"
    )
