"""The ID rules (MF101-MF105) as a user reads them: each finding's line, column and exact message, and the
ID a foreign-prefixed definition should take (never one the module defines, never one proposed twice).
Each case is a module of a few lines checked by the rules under test alone: milliseconds, even under `make mutation`,
which gives each mutant the cheapest of the tests that reach its function."""

from __future__ import annotations

from pathlib import Path

import pytest
from rule_findings import findings, write_module

from modforge.spec import layout

R, S, T = layout.INTENT_REQUIREMENTS, layout.INTENT_SCENARIOS, layout.TASKS
AR = layout.ACTUAL_REQUIREMENTS
MUST = "It MUST.\n"
STEPS = "- **WHEN** a\n- **THEN** b"


def test_id_spelling_defects_reported_at_their_column_with_the_spelling_to_write(tmp_path: Path) -> None:
    scenarios = (
        f"# S\n\n### SCEN-OAGW-6: Six\n{STEPS} (REQ-OAGW-01, REQ-010, PHASE-OAGW-001, TASK-OAGW-3)\n\n"
        f"### SCEN-OAGW-07: Seven\n{STEPS} (REQ-OAGW-3, REQ-MODULE-3, SCEN-X-01, REQ-CRED-3, REQ-CRED-9)\n"
    )
    module = write_module(tmp_path, {R: f"# R\n\n### REQ-OAGW-3: Three\n{MUST}", S: scenarios})
    assert findings(module, "MF101", "MF102", "MF103") == [
        ("MF101", S, 3, 5, "SCEN-OAGW-6: write SCEN-OAGW-06 (scenario numbers use at least 2 digits)"),
        ("MF101", S, 5, 15, "REQ-OAGW-01: write REQ-OAGW-1 (module requirement numbers use no leading zeros)"),
        ("MF101", S, 5, 28, "REQ-010: write REQ-10 (global requirement numbers use no leading zeros)"),
        ("MF101", S, 5, 37, "PHASE-OAGW-001: write PHASE-OAGW-1 (phase numbers use no leading zeros)"),
        ("MF101", S, 5, 53, "TASK-OAGW-3: write TASK-OAGW-03 (task numbers use at least 2 digits)"),
        (
            "MF102",
            S,
            9,
            27,
            "REQ-MODULE-3: ID prefix 'MODULE' is an ID keyword and would read as one; choose another, such as MODULEX",
        ),
        (
            "MF102",
            S,
            9,
            41,
            "SCEN-X-01: ID prefix 'X' must be 2 to 10 upper-case letters or digits, starting with a letter "
            "(for example OAGW or CREDSTORE)",
        ),
        (
            "MF103",
            S,
            9,
            52,
            "REQ-CRED-3 has prefix CRED, but this module's prefix is OAGW (from .copier-answers.yml): write REQ-OAGW-3",
        ),
        (
            "MF103",
            S,
            9,
            64,
            "REQ-CRED-9 has prefix CRED, but this module's prefix is OAGW (from .copier-answers.yml): "
            "write REQ-OAGW-<N>, the number of the module requirement it means",
        ),
    ]


def test_foreign_prefix_names_the_documents_as_the_prefix_source(tmp_path: Path) -> None:
    scenarios = (
        f"# S\n\n### SCEN-OAGW-01: One\n{STEPS}\n\n### SCEN-OAGW-02: Two\n{STEPS}\n\n### SCEN-CRED-03: Three\n{STEPS}\n"
    )
    module = write_module(tmp_path, {S: scenarios}, prefix=None)
    assert findings(module, "MF103") == [
        (
            "MF103",
            S,
            11,
            5,
            "SCEN-CRED-03 has prefix CRED, but this module's prefix is OAGW (from the IDs its documents define): "
            "write SCEN-OAGW-03",
        ),
    ]


# Definitions with another prefix, added at line 9 (and 12) of INTENT_REQUIREMENTS.md (which defines REQ-OAGW-1
# and 2), at line 6 of ACTUAL_REQUIREMENTS.md (REQ-OAGW-1): (document, line, ID, the ID MF103 proposes).
REQUIREMENTS = f"# R\n\n### REQ-OAGW-1: One\n{MUST}\n### REQ-OAGW-2: Two\n{MUST}"
ACTUAL = f"# AR\n\n### REQ-OAGW-1: One\n{MUST}"
RENAMES = {
    "a-free-number-is-kept": (
        {R: f"### REQ-CRED-7: Seven\n{MUST}"},
        [(R, 9, "REQ-CRED-7", "REQ-OAGW-7")],
    ),
    "one-number-under-two-prefixes-is-proposed-once": (
        {R: f"### REQ-CRED-3: Three\n{MUST}\n### REQ-DMS-3: Three\n{MUST}"},
        [(R, 9, "REQ-CRED-3", "REQ-OAGW-3"), (R, 12, "REQ-DMS-3", "REQ-OAGW-4")],
    ),
    "a-kept-number-is-not-handed-out-again": (
        {R: f"### REQ-CRED-3: Three\n{MUST}\n### REQ-DMS-1: One\n{MUST}"},
        [(R, 9, "REQ-CRED-3", "REQ-OAGW-3"), (R, 12, "REQ-DMS-1", "REQ-OAGW-4")],
    ),
    "a-handed-out-number-is-not-kept-again": (
        {R: f"### REQ-CRED-1: One\n{MUST}\n### REQ-DMS-3: Three\n{MUST}"},
        [(R, 9, "REQ-CRED-1", "REQ-OAGW-3"), (R, 12, "REQ-DMS-3", "REQ-OAGW-4")],
    ),
    "each-document-outside-the-intent-is-its-own-scope": (
        {R: f"### REQ-CRED-3: Three\n{MUST}", AR: f"### REQ-DMS-3: Three\n{MUST}"},
        [(AR, 6, "REQ-DMS-3", "REQ-OAGW-3"), (R, 9, "REQ-CRED-3", "REQ-OAGW-3")],
    ),
    "a-redefinition-follows-the-first-definition": (
        {R: f"### REQ-CRED-1: One\n{MUST}", AR: f"### REQ-CRED-1: One\n{MUST}"},
        [(AR, 6, "REQ-CRED-1", "REQ-OAGW-3"), (R, 9, "REQ-CRED-1", "REQ-OAGW-3")],
    ),
    "each-kind-numbers-apart": (
        {R: f"### REQ-CRED-3: Three\n{MUST}", S: f"### SCEN-CRED-01: One\n{STEPS}\n"},
        [(R, 9, "REQ-CRED-3", "REQ-OAGW-3"), (S, 3, "SCEN-CRED-01", "SCEN-OAGW-01")],
    ),
}


@pytest.mark.parametrize(("added", "expected"), RENAMES.values(), ids=RENAMES.keys())
def test_foreign_definition_gets_a_free_id_of_this_module(tmp_path: Path, added, expected) -> None:
    documents = {R: REQUIREMENTS, AR: ACTUAL, S: "# S\n"}
    documents = {name: text + "\n" + added.get(name, "") for name, text in documents.items()}
    assert findings(write_module(tmp_path, documents), "MF103") == [
        (
            "MF103",
            doc,
            line,
            5,
            f"{found} has prefix {found.split('-')[1]}, but this module's prefix is OAGW "
            f"(from .copier-answers.yml): write {fixed}",
        )
        for doc, line, found, fixed in expected
    ]


DUPLICATES = {
    "twice-in-one-document": (
        {S: f"# S\n\n### SCEN-OAGW-01: A\n{STEPS}\n\n### SCEN-OAGW-02: B\n{STEPS}\n\n### SCEN-OAGW-02: C\n{STEPS}\n"},
        (S, 11, "SCEN-OAGW-02 is already defined at INTENT_SCENARIOS.md:7"),
    ),
    "in-two-intent-documents-not-in-an-actual-one": (
        {R: REQUIREMENTS, AR: ACTUAL, S: f"# S\n\n### REQ-OAGW-1: Again\n{MUST}"},
        (S, 3, "REQ-OAGW-1 is already defined at INTENT_REQUIREMENTS.md:3"),
    ),
    "a-task-heading-twice-outside-tasks": (
        {
            T: "# T\n\n### TASK-OAGW-01: One\n- [ ] 1.1 a\n",
            layout.ACTUAL_DESIGN: "# D\n\n### TASK-OAGW-01: One\n- [x] 1.1 a\n\n### TASK-OAGW-01: One\n- [x] 1.1 a\n",
        },
        (layout.ACTUAL_DESIGN, 6, "TASK-OAGW-01 is already defined at ACTUAL_DESIGN.md:3"),
    ),
}


@pytest.mark.parametrize(("documents", "expected"), DUPLICATES.values(), ids=DUPLICATES.keys())
def test_duplicate_definition_names_the_place_of_the_first(tmp_path: Path, documents, expected) -> None:
    doc, line, first = expected
    fix = ": give this one the next free number, or merge the two"
    assert findings(write_module(tmp_path, documents), "MF104") == [("MF104", doc, line, 5, first + fix)]


MODULE_PREFIXES = {
    "oagw": "id_prefix 'oagw' in .copier-answers.yml: ID prefix 'oagw' must be 2 to 10 upper-case letters or digits, "
    "starting with a letter (for example OAGW or CREDSTORE); fix it with `copier update --trust --data id_prefix=...`",
    "SCEN": "id_prefix 'SCEN' in .copier-answers.yml: ID prefix 'SCEN' is an ID keyword and would read as one; "
    "choose another, such as SCENX; fix it with `copier update --trust --data id_prefix=...`",
}


@pytest.mark.parametrize(("prefix", "message"), MODULE_PREFIXES.items(), ids=MODULE_PREFIXES.keys())
def test_invalid_answers_prefix_says_why_and_how_to_fix_it(tmp_path: Path, prefix: str, message: str) -> None:
    module = write_module(tmp_path, {T: "# Tasks\n"}, prefix=prefix)
    assert findings(module, "MF105") == [("MF105", layout.ANSWERS_FILE, 1, 1, message)]
