"""The reference rules (MF201-MF206, modforge.checker.rules.references) on small literal modules: which
reference each rule reports, where (line and column of the ID) and the exact message, and the references it
leaves to another rule (a Step 1 design's IDs, a malformed definition heading)."""

from __future__ import annotations

from pathlib import Path

import pytest
from rule_documents import check_documents

from modforge.checker.rules import references
from modforge.spec.global_requirements import parse_global_requirements

REQUIREMENTS = "# R\n\n### REQ-OAGW-1: Forwarding\nThe gateway MUST forward.\n"


def test_an_undefined_reference_of_each_kind_names_the_heading_that_would_define_it(tmp_path: Path) -> None:
    # A padded phase (PHASE-OAGW-03) is reported as written and proposed in its canonical form.
    tasks = "# T\n\n### TASK-OAGW-01: SDK\n"
    tasks += "- [ ] 1.1 Traits (REQ-OAGW-9, SCEN-OAGW-07, TASK-OAGW-12, PHASE-OAGW-03, REQ-22)\n"
    assert check_documents(tmp_path, {"TASKS.md": tasks}) == [
        (
            "MF201",
            "TASKS.md",
            4,
            19,
            "REQ-OAGW-9 is not defined: add `### REQ-OAGW-9: Title` to INTENT_REQUIREMENTS.md, or fix the reference",
        ),
        (
            "MF202",
            "TASKS.md",
            4,
            31,
            "SCEN-OAGW-07 is not defined: add `### SCEN-OAGW-07: Name` to INTENT_SCENARIOS.md, or fix the reference",
        ),
        (
            "MF203",
            "TASKS.md",
            4,
            45,
            "TASK-OAGW-12 is not defined: add `### TASK-OAGW-12: Title` to TASKS.md, or fix the reference",
        ),
        (
            "MF204",
            "TASKS.md",
            4,
            59,
            "PHASE-OAGW-03 is not a phase the design defines: add `### Title (PHASE-OAGW-3)` to INTENT_DESIGN.md,"
            " or fix it",
        ),
        (
            "MF205",
            "TASKS.md",
            4,
            74,
            "REQ-22 is not a global requirement (none in the built-in list): fix the number, or add it to the global"
            " list",
        ),
    ]


def test_a_global_requirement_missing_from_the_monorepo_list_names_that_list(tmp_path: Path) -> None:
    guidelines = tmp_path / "guidelines" / "MODULE_REQUIREMENTS.md"
    guidelines.parent.mkdir()
    guidelines.write_text("# Global requirements\n\n### REQ-1: Tenancy\n\n### REQ-40: Audit\n", encoding="utf-8")
    tasks = "# T\n\n### TASK-OAGW-01: SDK\n- [ ] 1.1 Audit (REQ-40, REQ-3)\n"
    # REQ-40 is in the monorepo's list; REQ-3, a built-in global, is not in it.
    assert check_documents(tmp_path, {"TASKS.md": tasks}, globals=parse_global_requirements(guidelines)) == [
        (
            "MF205",
            "TASKS.md",
            4,
            26,
            "REQ-3 is not a global requirement (none in guidelines/MODULE_REQUIREMENTS.md): fix the number, or add it"
            " to the global list",
        )
    ]


@pytest.mark.parametrize(
    ("section", "prefix", "expected"),
    [
        ("## Phase 3", "OAGW", (1, "Phase 3", "PHASE-OAGW-3")),
        # A module with no prefix anywhere: the proposed heading shows where the prefix goes.
        ("## Phase 3", None, (1, "Phase 3", "PHASE-<P>-3")),
        ("## PHASE-OAGW-3: Later", "OAGW", (4, "PHASE-OAGW-3", "PHASE-OAGW-3")),
    ],
    ids=["legacy", "legacy-no-prefix", "canonical"],
)
def test_a_phase_section_the_design_does_not_define(tmp_path: Path, section: str, prefix, expected) -> None:
    task = "TASK-OAGW-01" if prefix else "TASK-01"
    column, what, phase = expected
    tasks = f"# T\n\n{section}\n\n### {task}: SDK\n"
    assert check_documents(tmp_path, {"TASKS.md": tasks}, prefix=prefix) == [
        (
            "MF204",
            "TASKS.md",
            3,
            column,
            f"{what} is not a phase the design defines: add `### Title ({phase})` to INTENT_DESIGN.md, or fix it",
        )
    ]


@pytest.mark.parametrize(
    ("kind", "id_", "column"),
    [("scenarios", "SCEN-OAGW-03", 7), ("tasks", "TASK-OAGW-01", 7)],
    ids=["scenario", "task"],
)
def test_a_reference_the_table_does_not_allow_names_what_the_document_may_reference(
    tmp_path: Path, kind: str, id_: str, column: int
) -> None:
    findings = check_documents(tmp_path, {"INTENT_REQUIREMENTS.md": f"# R\n\n- see {id_}\n"})
    allowed = "it may reference module requirements, global requirements, phases: remove or move the reference"
    assert [f for f in findings if f[0] == "MF206"] == [
        (
            "MF206",
            "INTENT_REQUIREMENTS.md",
            3,
            column,
            f"INTENT_REQUIREMENTS.md may not reference {kind} ({id_}); {allowed}",
        )
    ]


def test_a_step1_design_leaves_its_requirement_and_scenario_ids_to_mf801(tmp_path: Path) -> None:
    # No requirement or scenario is defined yet: the design's REQ and SCEN IDs are MF801's, not MF201/MF202's;
    # a task it names is still undefined.
    design = "# D\n\n- REQ-OAGW-1, SCEN-OAGW-01, TASK-OAGW-05\n"
    step2 = "so a Step 1 design describes it in words; IDs arrive in Step 2"
    may = "it may reference module requirements, global requirements, scenarios, phases: remove or move the reference"
    assert check_documents(tmp_path, {"INTENT_DESIGN.md": design}) == [
        ("MF801", "INTENT_DESIGN.md", 3, 3, f"REQ-OAGW-1: no module requirement exists yet, {step2}"),
        ("MF801", "INTENT_DESIGN.md", 3, 15, f"SCEN-OAGW-01: no scenario exists yet, {step2}"),
        (
            "MF203",
            "INTENT_DESIGN.md",
            3,
            29,
            "TASK-OAGW-05 is not defined: add `### TASK-OAGW-05: Title` to TASKS.md, or fix the reference",
        ),
        ("MF206", "INTENT_DESIGN.md", 3, 29, f"INTENT_DESIGN.md may not reference tasks (TASK-OAGW-05); {may}"),
    ]


def test_at_step1_the_same_requirement_outside_the_design_is_still_undefined(tmp_path: Path) -> None:
    docs = {"INTENT_DESIGN.md": "# D\n\n- REQ-OAGW-1\n", "TASKS.md": "# T\n\n### TASK-OAGW-01: SDK (REQ-OAGW-1)\n"}
    assert [f for f in check_documents(tmp_path, docs) if f[0] != "MF801"] == [
        (
            "MF201",
            "TASKS.md",
            3,
            24,
            "REQ-OAGW-1 is not defined: add `### REQ-OAGW-1: Title` to INTENT_REQUIREMENTS.md, or fix the reference",
        ),
    ]


def test_a_malformed_definition_heading_is_left_to_its_heading_rule(tmp_path: Path) -> None:
    # `### Metrics (REQ-OAGW-5)` is a requirement heading in the wrong form (MF301 says so), not a reference;
    # the reference to the requirement it failed to define, in TASKS.md, is reported.
    requirements = "# R\n\n### Metrics (REQ-OAGW-5)\nThe gateway SHOULD export metrics.\n"
    tasks = "# T\n\n### TASK-OAGW-01: Metrics (REQ-OAGW-5)\n"
    assert check_documents(tmp_path, {"INTENT_REQUIREMENTS.md": requirements, "TASKS.md": tasks}) == [
        (
            "MF301",
            "INTENT_REQUIREMENTS.md",
            3,
            1,
            "`### Metrics (REQ-OAGW-5)` is not a module requirement heading: write `### REQ-OAGW-5: Metrics`",
        ),
        (
            "MF201",
            "TASKS.md",
            3,
            28,
            "REQ-OAGW-5 is not defined: add `### REQ-OAGW-5: Title` to INTENT_REQUIREMENTS.md, or fix the reference",
        ),
    ]


@pytest.mark.parametrize(
    ("doc", "text", "expected"),
    [
        # A level-2 heading of the requirements is no definition.
        ("INTENT_REQUIREMENTS.md", REQUIREMENTS + "\n## Metrics (REQ-OAGW-5)\n", ("MF201", 6, 13, "REQ-OAGW-5")),
        # Nor is any heading of a document that does not define requirements.
        ("INTENT_DESIGN.md", "# D\n\n## Notes (REQ-OAGW-9)\n", ("MF201", 3, 11, "REQ-OAGW-9")),
        ("TASKS.md", "# T\n\n#### Notes on REQ-OAGW-8\n", ("MF201", 3, 15, "REQ-OAGW-8")),
    ],
    ids=["requirements-level-2", "design", "tasks"],
)
def test_an_id_in_a_heading_that_is_no_definition_is_a_reference(tmp_path: Path, doc: str, text: str, expected) -> None:
    code, line, column, id_ = expected
    docs = {doc: text} if doc == "INTENT_REQUIREMENTS.md" else {doc: text, "INTENT_REQUIREMENTS.md": REQUIREMENTS}
    message = f"{id_} is not defined: add `### {id_}: Title` to INTENT_REQUIREMENTS.md, or fix the reference"
    assert check_documents(tmp_path, docs) == [(code, doc, line, column, message)]


def test_an_unknown_global_requirement_in_a_heading(tmp_path: Path) -> None:
    # Global requirements have no defining document here: a heading naming one is a reference like any other.
    assert check_documents(tmp_path, {"TASKS.md": "# T\n\n## Audit (REQ-22)\n"}) == [
        (
            "MF205",
            "TASKS.md",
            3,
            11,
            "REQ-22 is not a global requirement (none in the built-in list): fix the number, or add it to the global"
            " list",
        )
    ]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        # In the design, a heading naming an undefined phase is a phase heading in the wrong form, at any level ...
        (
            "## Hardening, after PHASE-OAGW-3",
            ("MF802", 21, "PHASE-OAGW-3 {form} `### Hardening, after (PHASE-OAGW-3)`"),
        ),
        ("#### Retries PHASE-OAGW-4", ("MF802", 14, "PHASE-OAGW-4 {form} `### Retries (PHASE-OAGW-4)`")),
        # ... and the same phase in the design's text is a reference to a phase nobody defines.
        (
            "- Later (PHASE-OAGW-5)",
            (
                "MF204",
                10,
                "PHASE-OAGW-5 is not a phase the design defines: add `### Title (PHASE-OAGW-5)` to INTENT_DESIGN.md,"
                " or fix it",
            ),
        ),
    ],
    ids=["level-2", "level-4", "text"],
)
def test_a_phase_in_a_design_heading_of_any_level_is_a_malformed_phase_heading(
    tmp_path: Path, line: str, expected
) -> None:
    code, column, message = expected
    form = "is not in the design's phase heading form: write"
    assert check_documents(tmp_path, {"INTENT_DESIGN.md": f"# D\n\n{line}\n"}) == [
        (code, "INTENT_DESIGN.md", 3, column, message.format(form=form))
    ]


def test_the_catalogue_shows_the_cross_reference_table_the_rule_enforces() -> None:
    kinds = "module requirements, global requirements"
    assert references._table() == "\n    ".join(
        [
            "| Document | May reference |",
            "|---|---|",
            f"| `INTENT_DESIGN.md` | {kinds}, scenarios, phases |",
            f"| `INTENT_REQUIREMENTS.md` | {kinds}, phases |",
            f"| `INTENT_SCENARIOS.md` | {kinds}, scenarios, phases |",
            "| `TASKS.md` | every kind |",
            f"| `ACTUAL_DESIGN.md` | {kinds}, scenarios, phases |",
            f"| `ACTUAL_REQUIREMENTS.md` | {kinds}, phases |",
            f"| `ACTUAL_SCENARIOS.md` | {kinds}, scenarios, phases |",
            "| `INTENT_VS_ACTUAL.md` | every kind |",
            f"| `CHANGELOG.md` | {kinds}, scenarios, phases |",
        ]
    )
