"""modforge.lifecycle.adoption.openspec in process, literal text in and out: which files are read as OpenSpec
sources, what a spec's requirements and scenarios are, the IDs they get after the module's own, where the
entries are written (every body line as written, the requirement cited in the first THEN step) and the design
headings that gain the new IDs."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from modforge.errors import ModforgeError
from modforge.lifecycle.adoption import openspec
from modforge.lifecycle.adoption.openspec import Requirement, Scenario, Source
from modforge.lifecycle.migration import ModuleTree


def tree_of(tmp_path: Path, files: dict[str, str]) -> ModuleTree:
    """A module folder holding `files` (path relative to the module -> text) on disk."""
    root = tmp_path / "gateway"
    root.mkdir(parents=True)
    for path, text in files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text)
    return ModuleTree(root, root)


def changed(tree: ModuleTree) -> dict[str, str]:
    return {change.path: change.after for change in tree.changes()}


# --- reading one spec --------------------------------------------------------------------------------------
SPEC = """# Preferences Specification

## Purpose
The prefs-store module keeps each user's display preferences. It syncs them.

## Requirements

#### Scenario: Before any requirement
- **WHEN** nothing

#### Details before any requirement
Kept nowhere.

### Requirement: Tenant and User Scoping


The system SHALL scope preferences.


#### Scenario: Another user's preferences are invisible
- **WHEN** user A reads
- **THEN** only A's preferences are returned

##### Example payload
```json
{}
```

#### Note
A note on the scenario.

### requirement :  Change Notification
The system SHALL notify.

#### Details
Sent within a second.
##### Scenario: Too deep to be one
- **WHEN** deep

#### Scenario: A change is notified
- **THEN** a notice is sent

### Other heading

#### Scenario: Under another level-three heading
- **WHEN** w

## Requirement: Not one at level two

#### Scenario: Under a level-two heading
- **WHEN** x

### Scenario: At level three
- **WHEN** y

#### Scenario: Under a level-three heading
- **WHEN** z
"""


def test_a_spec_is_read_into_its_requirements_scenarios_and_purpose() -> None:
    source = openspec._parse("openspec/specs/preferences/spec.md", SPEC, design=False)
    assert source == Source(
        "openspec/specs/preferences/spec.md",
        [
            Requirement(
                "Tenant and User Scoping",
                "Requirement: Tenant and User Scoping",
                14,
                ["The system SHALL scope preferences."],
                [
                    Scenario(
                        "Another user's preferences are invisible",
                        "Scenario: Another user's preferences are invisible",
                        20,
                        [
                            "- **WHEN** user A reads",
                            "- **THEN** only A's preferences are returned",
                            "",
                            "##### Example payload",
                            "```json",
                            "{}",
                            "```",
                            "",
                            "#### Note",
                            "A note on the scenario.",
                        ],
                    )
                ],
            ),
            Requirement(
                "Change Notification",
                "requirement :  Change Notification",
                32,
                [
                    "The system SHALL notify.",
                    "",
                    "#### Details",
                    "Sent within a second.",
                    "",
                    "##### Scenario: Too deep to be one",
                    "- **WHEN** deep",
                ],
                [
                    Scenario(
                        "A change is notified", "Scenario: A change is notified", 40, ["- **THEN** a notice is sent"]
                    )
                ],
            ),
        ],
        ["The prefs-store module keeps each user's display preferences. It syncs them."],
        design=False,
    )


def test_a_spec_without_purpose_or_requirements() -> None:
    text = (
        "#### Scenario: Before every heading\n- **WHEN** x\n\n"
        "# Notes\n\n## Goals\nNone yet.\n\n### Requirement:\n#### Scenario: Orphan\n- **WHEN** x\n"
    )
    assert openspec._parse("docs/DESIGN.md", text, design=True) == Source("docs/DESIGN.md", [], [], design=True)


@pytest.mark.parametrize(
    ("lines", "kept"),
    [
        ([], []),
        (["a"], ["a"]),
        (["", "a"], ["a"]),
        (["a", ""], ["a"]),
        (["", " \t", "", "a", "", "b", "  ", ""], ["a", "", "b"]),
        (["", "  "], []),
    ],
)
def test_a_body_loses_the_blank_lines_around_it(lines, kept) -> None:
    assert openspec._trimmed(lines) == kept


# --- which files are sources -------------------------------------------------------------------------------
def _spec(name: str) -> str:
    return f"# {name}\n\n### Requirement: {name} Storage\nThe system SHALL store {name}.\n"


def test_sources_are_the_specs_then_the_designs_in_that_style(tmp_path) -> None:
    tree = tree_of(
        tmp_path,
        {
            "openspec/specs/preferences/spec.md": _spec("Preferences"),
            "openspec/specs/alpha/nested/spec.md": _spec("Alpha"),
            "openspec/specs/empty/spec.md": "",
            "openspec/specs/prose/spec.md": "# Prose\n\nNo requirement here.\n",
            "openspec/specs/folder/spec.md/README.md": _spec("Folder"),
            "openspec/changes/add-sync/specs/sync/spec.md": _spec("Sync"),
            "elsewhere.md": _spec("Linked"),
            "docs/1_INTENT_DESIGN.md": "# Design\n\n### Requirement: Audit Trail\nEvery forward SHALL be logged.\n",
            "docs/7_GAPS.md": _spec("Gaps"),  # slot 7 (INTENT_VS_ACTUAL.md), not renamed: not read
            "docs/4_AS_BUILT.md": _spec("Built"),  # slot 4, a design, but read only once adopt renamed it
            "docs/ACTUAL_REQUIREMENTS.md": _spec("Actual"),
            "docs/DESIGN.md": _spec("Design"),
            "docs/INTENT_SCENARIOS.md": _spec("Scenarios"),
            "docs/TASKS.md": _spec("Tasks"),  # quotes a requirement: no design
            "docs/CHANGELOG.md": _spec("Changelog"),
            "docs/INTENT_VS_ACTUAL.md": _spec("Gap"),
            "docs/PRD.md": "# PRD\n\nThe specs use `### Requirement: Name` blocks.\n",
            "docs/notes.md": "# Notes\n",
        },
    )
    (tree.root / "openspec/specs/linked").mkdir()
    os.symlink(tree.root / "elsewhere.md", tree.root / "openspec/specs/linked/spec.md")
    tree.rename("docs/1_INTENT_DESIGN.md", "docs/INTENT_DESIGN.md")
    sources = openspec.find_sources(tree)
    assert [(s.path, s.design, [r.name for r in s.requirements]) for s in sources] == [
        ("openspec/specs/alpha/nested/spec.md", False, ["Alpha Storage"]),
        ("openspec/specs/preferences/spec.md", False, ["Preferences Storage"]),
        ("docs/INTENT_DESIGN.md", True, ["Audit Trail"]),
        ("docs/DESIGN.md", True, ["Design Storage"]),
    ]


def test_a_module_without_openspec_or_docs_has_no_source(tmp_path) -> None:
    tree = tree_of(tmp_path, {"Cargo.toml": "[package]\n", "openspec": "not a folder\n"})
    assert openspec.find_sources(tree) == []


# --- conversion ----------------------------------------------------------------------------------------------
REQUIREMENTS = """# Gateway: Intent Requirements

### REQ-GW-1: Forwarding
The gateway SHALL forward requests.

### REQ-GW-2: Timeouts
The gateway SHALL time out.

"""
SCENARIOS = """# Gateway: Intent Scenarios

## PHASE-GW-1: Basic Forwarding

### SCEN-GW-01: Forward
- **WHEN** a request arrives
- **THEN** it is forwarded (REQ-GW-1)

## PHASE-GW-2: Advanced

### SCEN-GW-02: Time out
- **WHEN** the upstream hangs
- **THEN** the gateway answers 504 (REQ-GW-2)
"""
DESIGN = """# Gateway: Design

REQ-GW-9 waits for the next release.

### Requirement: Audit Trail
Every forward SHALL be logged.

#### Scenario: A forward is logged
- **WHEN** a request is forwarded
- **THEN** one line is appended:
  ```
  GET /x 200
  ```
"""
PREFERENCES = """# Preferences

## Purpose
Keeps preferences.

### Requirement: Scoping
The system SHALL scope preferences.

#### Scenario: Invisible to others
- **WHEN** user A reads
- **THEN** only A's preferences are returned
- **AND** nothing else

#### Scenario: Empty
- **WHEN** nothing is stored
- **THEN** defaults

### Requirement: Quiet
The system SHALL be quiet.
"""
ZETA = "# Zeta\n\n### Requirement: Zeta\nThe system SHALL end.\n"
MODULE = {
    "docs/INTENT_DESIGN.md": DESIGN,
    "docs/INTENT_REQUIREMENTS.md": REQUIREMENTS,
    "docs/INTENT_SCENARIOS.md": SCENARIOS,
    "docs/CHANGELOG.md": "# Changelog\n",
    "openspec/specs/preferences/spec.md": PREFERENCES,
    "openspec/specs/zeta/spec.md": ZETA,
}
CONVERTED_REQUIREMENTS = """# Gateway: Intent Requirements

### REQ-GW-1: Forwarding
The gateway SHALL forward requests.

### REQ-GW-2: Timeouts
The gateway SHALL time out.

<!-- Converted from openspec/specs/preferences/spec.md by `modforge adopt --from openspec`. -->

### REQ-GW-3: Scoping
The system SHALL scope preferences.

### REQ-GW-4: Quiet
The system SHALL be quiet.

<!-- Converted from openspec/specs/zeta/spec.md by `modforge adopt --from openspec`. -->

### REQ-GW-5: Zeta
The system SHALL end.

<!-- Converted from docs/INTENT_DESIGN.md by `modforge adopt --from openspec`. -->

### REQ-GW-6: Audit Trail
Every forward SHALL be logged.
"""
CONVERTED_SCENARIOS = """# Gateway: Intent Scenarios

## PHASE-GW-1: Basic Forwarding

### SCEN-GW-01: Forward
- **WHEN** a request arrives
- **THEN** it is forwarded (REQ-GW-1)

<!-- Converted from openspec/specs/preferences/spec.md by `modforge adopt --from openspec`. -->

### SCEN-GW-03: Invisible to others
- **WHEN** user A reads
- **THEN** only A's preferences are returned (REQ-GW-3)
- **AND** nothing else

### SCEN-GW-04: Empty
- **WHEN** nothing is stored
- **THEN** defaults (REQ-GW-3)

<!-- Converted from docs/INTENT_DESIGN.md by `modforge adopt --from openspec`. -->

### SCEN-GW-05: A forward is logged
- **WHEN** a request is forwarded
- **THEN** one line is appended (REQ-GW-6):
  ```
  GET /x 200
  ```

## PHASE-GW-2: Advanced

### SCEN-GW-02: Time out
- **WHEN** the upstream hangs
- **THEN** the gateway answers 504 (REQ-GW-2)
"""


def no_skeleton(path: str) -> str:
    raise AssertionError(f"the module has {path}: no skeleton is rendered")


def test_requirements_and_scenarios_are_numbered_after_the_modules_own_and_written(tmp_path) -> None:
    tree = tree_of(tmp_path, MODULE)
    rewritten = {"docs/TASKS.md": {3: "SDK"}}
    conversion = openspec.convert(tree, openspec.find_sources(tree), "GW", no_skeleton, rewritten)
    assert [r.id for r in conversion.requirements] == [f"REQ-GW-{n}" for n in range(3, 7)]
    assert [s.id for s in conversion.scenarios] == ["SCEN-GW-03", "SCEN-GW-04", "SCEN-GW-05"]
    after = changed(tree)
    assert sorted(after) == ["docs/INTENT_DESIGN.md", "docs/INTENT_REQUIREMENTS.md", "docs/INTENT_SCENARIOS.md"]
    assert after["docs/INTENT_REQUIREMENTS.md"] == CONVERTED_REQUIREMENTS
    assert after["docs/INTENT_SCENARIOS.md"] == CONVERTED_SCENARIOS
    assert after["docs/INTENT_DESIGN.md"] == DESIGN.replace(
        "### Requirement: Audit Trail", "### Requirement: Audit Trail (REQ-GW-6)"
    ).replace("#### Scenario: A forward is logged", "#### Scenario: A forward is logged (SCEN-GW-05)")
    assert rewritten == {
        "docs/TASKS.md": {3: "SDK"},
        "docs/INTENT_DESIGN.md": {5: "Requirement: Audit Trail", 8: "Scenario: A forward is logged"},
    }, "the design's rewritten headings keep their text, for the nothing-lost check"
    assert conversion.mapping() == [
        "openspec/specs/preferences/spec.md:6 Requirement: Scoping -> REQ-GW-3",
        "openspec/specs/preferences/spec.md:9   Scenario: Invisible to others -> SCEN-GW-03 (cites REQ-GW-3)",
        "openspec/specs/preferences/spec.md:14   Scenario: Empty -> SCEN-GW-04 (cites REQ-GW-3)",
        "openspec/specs/preferences/spec.md:18 Requirement: Quiet -> REQ-GW-4",
        "openspec/specs/zeta/spec.md:3 Requirement: Zeta -> REQ-GW-5",
        "docs/INTENT_DESIGN.md:5 Requirement: Audit Trail -> REQ-GW-6",
        "docs/INTENT_DESIGN.md:8   Scenario: A forward is logged -> SCEN-GW-05 (cites REQ-GW-6)",
    ]


def test_the_first_ids_of_a_module_without_any(tmp_path) -> None:
    tree = tree_of(
        tmp_path,
        {
            "docs/INTENT_REQUIREMENTS.md": "# Gateway: Intent Requirements\n",
            "docs/INTENT_SCENARIOS.md": "# Gateway: Intent Scenarios\n",
            "docs/TASKS.md": "# Gateway: Tasks\n\n### TASK-GW-05: SDK\n",  # numbers of other kinds do not count
            "openspec/specs/preferences/spec.md": PREFERENCES,
        },
    )
    conversion = openspec.convert(tree, openspec.find_sources(tree), "GW", no_skeleton, {})
    assert [r.id for r in conversion.requirements] == ["REQ-GW-1", "REQ-GW-2"]
    assert [s.id for s in conversion.scenarios] == ["SCEN-GW-01", "SCEN-GW-02"]
    assert (
        changed(tree)["docs/INTENT_SCENARIOS.md"]
        == """# Gateway: Intent Scenarios

<!-- Converted from openspec/specs/preferences/spec.md by `modforge adopt --from openspec`. -->

### SCEN-GW-01: Invisible to others
- **WHEN** user A reads
- **THEN** only A's preferences are returned (REQ-GW-1)
- **AND** nothing else

### SCEN-GW-02: Empty
- **WHEN** nothing is stored
- **THEN** defaults (REQ-GW-1)
"""
    )


SKELETON_SCENARIOS = """# Gateway: Intent Scenarios

<!-- Scenarios go under their phase. -->

## PHASE-GW-1: Basic Forwarding
"""


def test_missing_documents_start_from_the_skeleton(tmp_path) -> None:
    tree = tree_of(tmp_path, {"openspec/specs/preferences/spec.md": PREFERENCES})
    asked: list[str] = []
    skeletons = {
        "docs/INTENT_REQUIREMENTS.md": "# Gateway: Intent Requirements\n\n<!-- One entry per requirement. -->\n",
        "docs/INTENT_SCENARIOS.md": SKELETON_SCENARIOS,
    }

    def skeleton(path: str) -> str:
        asked.append(path)
        return skeletons[path]

    openspec.convert(tree, openspec.find_sources(tree), "GW", skeleton, {})
    assert asked == ["docs/INTENT_REQUIREMENTS.md", "docs/INTENT_SCENARIOS.md"]
    after = changed(tree)
    assert (
        after["docs/INTENT_REQUIREMENTS.md"]
        == """# Gateway: Intent Requirements

<!-- One entry per requirement. -->

<!-- Converted from openspec/specs/preferences/spec.md by `modforge adopt --from openspec`. -->

### REQ-GW-1: Scoping
The system SHALL scope preferences.

### REQ-GW-2: Quiet
The system SHALL be quiet.
"""
    )
    assert (
        after["docs/INTENT_SCENARIOS.md"]
        == SKELETON_SCENARIOS
        + """
<!-- Converted from openspec/specs/preferences/spec.md by `modforge adopt --from openspec`. -->

### SCEN-GW-01: Invisible to others
- **WHEN** user A reads
- **THEN** only A's preferences are returned (REQ-GW-1)
- **AND** nothing else

### SCEN-GW-02: Empty
- **WHEN** nothing is stored
- **THEN** defaults (REQ-GW-1)
"""
    )


def test_requirements_without_scenarios_leave_the_scenarios_alone(tmp_path) -> None:
    tree = tree_of(tmp_path, {"docs/INTENT_REQUIREMENTS.md": REQUIREMENTS, "openspec/specs/zeta/spec.md": ZETA})
    openspec.convert(tree, openspec.find_sources(tree), "GW", no_skeleton, {})
    assert list(changed(tree)) == ["docs/INTENT_REQUIREMENTS.md"]
    assert not tree.exists("docs/INTENT_SCENARIOS.md")


def test_nothing_to_convert_is_refused_naming_where_requirements_were_looked_for(tmp_path) -> None:
    tree = tree_of(tmp_path, {"docs/INTENT_REQUIREMENTS.md": REQUIREMENTS})
    with pytest.raises(ModforgeError) as error:
        openspec.convert(tree, [Source("openspec/specs/x/spec.md", [])], "GW", no_skeleton, {})
    assert str(error.value) == (
        "--from openspec found no `### Requirement:` in openspec/specs/*/spec.md or in a design of docs/; "
        "adopt without --from openspec"
    )
    assert changed(tree) == {}


# --- the citation and the text written ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("body", "cited"),
    [
        (
            ["- **WHEN** a request arrives", "- **THEN** it is forwarded", "- **THEN** it is logged"],
            ["- **WHEN** a request arrives", "- **THEN** it is forwarded (REQ-GW-7)", "- **THEN** it is logged"],
        ),
        (  # no THEN: the last step
            ["- **GIVEN** a tenant", "- **WHEN** a request arrives", "- **AND** it is large"],
            ["- **GIVEN** a tenant", "- **WHEN** a request arrives", "- **AND** it is large (REQ-GW-7)"],
        ),
        (  # a step that introduces a block keeps its colon last; trailing blanks go, indentation stays
            ["  * **THEN** the log reads:  ", "  ```", "  GET /x", "  ```"],
            ["  * **THEN** the log reads (REQ-GW-7):", "  ```", "  GET /x", "  ```"],
        ),
        (["+ **THEN** done  "], ["+ **THEN** done (REQ-GW-7)"]),
        (["The system answers.", "- **then** lower case is no step"], None),
        ([], ["Requirement: REQ-GW-7"]),
    ],
)
def test_a_scenario_cites_its_requirement_in_its_first_then_step(body, cited) -> None:
    before = list(body)
    expected = cited if cited is not None else [*body, "Requirement: REQ-GW-7"]
    assert openspec._citing(body, "REQ-GW-7") == expected
    assert body == before, "the scenario's own lines are not changed in place"


@pytest.mark.parametrize(
    ("text", "lines", "appended"),
    [
        ("# Module X\n\n\n", ["### REQ-X-1: A", "body X", "", ""], "# Module X\n\n### REQ-X-1: A\nbody X\n"),
        ("", ["a", ""], "a\n"),
        ("\n\n# T  \n", ["", "b X  "], "\n\n# T  \n\n\nb X  \n"),
    ],
)
def test_lines_are_appended_after_one_blank_line(text, lines, appended) -> None:
    assert openspec._appended(text, lines) == appended


def test_the_description_comes_from_the_first_spec_with_a_purpose_sentence() -> None:
    sources = [
        Source("openspec/specs/a/spec.md", [], ["<!-- written later -->"]),
        Source("openspec/specs/b/spec.md", [], ["", "The store keeps preferences. It syncs them."]),
        Source("openspec/specs/c/spec.md", [], ["The store is fast."]),
    ]
    assert openspec.purpose_sentence(sources) == (
        "The store keeps preferences",
        "the purpose of openspec/specs/b/spec.md",
    )
    assert openspec.purpose_sentence(sources[:1]) is None
    assert openspec.purpose_sentence([]) is None
