"""modforge.checker.quickcheck on small modules written out here, in memory: which modules the quick proof calls
clean (and the full check agrees), which it declines (and the full check finds the defect), and what it hands the
pipeline's facts. Milliseconds each: the cases the differential test of tests/test_quickcheck.py draws at random,
stated one by one, with each module's texts literal."""

from __future__ import annotations

from pathlib import Path

import pytest

from modforge.checker import quickcheck
from modforge.checker.check import check_module
from modforge.documents import loader
from modforge.spec import layout
from modforge.spec.global_requirements import GlobalRequirements

ROOT = Path("/nowhere/monorepo/modules/kv")  # never read: every document's bytes are given
ANSWERS = b"id_prefix: KV\nmodule_name: kv\n"
NO_GLOBALS = GlobalRequirements({}, "none")
GLOBALS = GlobalRequirements({1: "Tenant context"}, "guidelines")

DESIGN = """# Kv

## Overview
A key-value store; `put()` stores a value.

## Implementation Phases

### Core (PHASE-KV-1)
- Implements: SCEN-KV-01

### Scale (PHASE-KV-2)
- Implements: SCEN-KV-02
"""
REQUIREMENTS = """### REQ-KV-1: Store
The module MUST store values.
"""
SCENARIOS = """## PHASE-KV-1: Core

### SCEN-KV-01: Put
- **WHEN** a caller puts a value
- **THEN** it is stored (REQ-KV-1)

## PHASE-KV-2: Scale

### SCEN-KV-02: Get
- **WHEN** a caller gets a value
- **THEN** it is returned
"""
TASKS = """## PHASE-KV-1: Core

### TASK-KV-01: Store
- [ ] 1.1 Write the store (SCEN-KV-01)
- [x] 1.2 Test it
"""
CHANGELOG = """# Changelog

## [Unreleased]

## [0.2.0] - 2024-02-01
### Added
- SCEN-KV-02: Get

## [0.1.0] - 2024-01-15
### Added
- SCEN-KV-01: Put
"""
MODULE = {
    layout.INTENT_DESIGN: DESIGN,
    layout.INTENT_REQUIREMENTS: REQUIREMENTS,
    layout.INTENT_SCENARIOS: SCENARIOS,
    layout.TASKS: TASKS,
    layout.CHANGELOG: CHANGELOG,
}
# The same module after Step 3: its ACTUAL documents alone (the intent ones removed)
ACTUAL = {
    layout.ACTUAL_DESIGN: DESIGN,
    layout.ACTUAL_REQUIREMENTS: REQUIREMENTS,
    layout.ACTUAL_SCENARIOS: SCENARIOS,
}


def _source(documents: dict[str, str | bytes | None], extra_files=(), answers=ANSWERS) -> loader.ModuleSource:
    data = {name: text.encode() if isinstance(text, str) else text for name, text in documents.items()}
    listed = tuple((name, str(ROOT / layout.DOCS_DIR / name), data[name]) for name in data)
    return loader.ModuleSource(ROOT, ROOT.parent.parent, listed, answers, tuple(extra_files))


def _codes(source: loader.ModuleSource, globals: GlobalRequirements) -> set[str]:
    return {d.code for d in check_module(loader.build_module(source), globals)}


def _with(documents: dict, name: str, old: str, new: str) -> dict:
    assert old in documents[name]
    return {**documents, name: documents[name].replace(old, new, 1)}


def _without(documents: dict, *names: str) -> dict:
    return {name: text for name, text in documents.items() if name not in names}


# Modules the proof must call clean (else `check` is slow on them), and the full check agrees.
PROVEN = {
    "every document": MODULE,
    "the ACTUAL documents alone": ACTUAL,
    "no requirements document (scenarios citing none)": _with(
        _without(MODULE, layout.INTENT_REQUIREMENTS), layout.INTENT_SCENARIOS, " (REQ-KV-1)", ""
    ),
    "requirements alone (a Step 2 module)": {layout.INTENT_REQUIREMENTS: REQUIREMENTS},
    "requirements and the design (no scenarios yet)": {
        layout.INTENT_DESIGN: DESIGN.replace("- Implements: SCEN-KV-0", "- Case "),
        layout.INTENT_REQUIREMENTS: REQUIREMENTS,
    },
    "a global requirement cited": _with(MODULE, layout.INTENT_SCENARIOS, "it is returned", "it is returned (REQ-1)"),
    "versions falling past a two-digit number": _with(
        MODULE, layout.CHANGELOG, "[0.2.0] - 2024-02-01", "[2.0.0] - 2024-03-01\n\n## [1.10.0] - 2024-02-01"
    ),
    "two releases on the same day": _with(MODULE, layout.CHANGELOG, "[0.2.0] - 2024-02-01", "[0.2.0] - 2024-01-15"),
    "a spec-style two-digit phase group": _with(
        MODULE, layout.INTENT_SCENARIOS, "## PHASE-KV-2: Scale", "## PHASE-KV-02"
    ),
}


@pytest.mark.parametrize("documents", PROVEN.values(), ids=PROVEN)
def test_a_clean_module_is_proven_clean(documents):
    globals = GLOBALS if "REQ-1)" in documents.get(layout.INTENT_SCENARIOS, "") else NO_GLOBALS
    source = _source(documents)
    assert quickcheck.proven_clean(source, globals)
    assert _codes(source, globals) == set()


# One defect each: the proof declines the module, and the full check finds what the proof could not prove.
DECLINED = [
    ("a leftover file", MODULE, (ROOT / layout.DOCS_DIR / "TASKS.md.rej",), {"MF012"}),
    ("a document that cannot be read", {**MODULE, layout.TASKS: None}, (), {"MF001"}),
    ("an empty document", {**MODULE, layout.TASKS: b" \n"}, (), {"MF002"}),
    ("a conflict marker", _with(MODULE, layout.TASKS, "- [x] 1.2 Test it", "<<<<<<< ours"), (), {"MF011"}),
    (
        "a conflict marker in a code block",
        _with(MODULE, layout.TASKS, "- [x] 1.2 Test it\n", "- [x] 1.2 Test it\n\n```\n=======\n```\n"),
        (),
        set(),  # the rule is silent inside code, but the proof leaves even that to the full check
    ),
    (
        "a scenario defined twice in ACTUAL_SCENARIOS.md",
        {**ACTUAL, layout.ACTUAL_SCENARIOS: SCENARIOS + "\n### SCEN-KV-01: Again\n- **WHEN** x\n- **THEN** y\n"},
        (),
        {"MF104"},
    ),
    (
        "a phase cited that ends in the digit of a defined one",
        _with(MODULE, layout.INTENT_SCENARIOS, "it is returned", "it is returned (PHASE-KV-12)"),
        (),
        {"MF204"},
    ),
    (
        "a phase padded to three digits",
        _with(MODULE, layout.TASKS, "## PHASE-KV-1:", "## PHASE-KV-001:"),
        (),
        {"MF101"},
    ),
    (
        "a design phase with no scenario section",
        _with(MODULE, layout.INTENT_SCENARIOS, "## PHASE-KV-2: Scale", "## PHASE-KV-1: Core again"),
        (),
        {"MF902"},
    ),
    (
        "an ACTUAL design phase with no scenario section",
        _with(ACTUAL, layout.ACTUAL_SCENARIOS, "## PHASE-KV-2: Scale", "## PHASE-KV-1: Core again"),
        (),
        {"MF902"},
    ),
    (
        "design phases 1 and 3",
        _with(
            _with(MODULE, layout.INTENT_DESIGN, "(PHASE-KV-2)", "(PHASE-KV-3)"),
            layout.INTENT_SCENARIOS,
            "## PHASE-KV-2: Scale",
            "## PHASE-KV-3: Scale",
        ),
        (),
        {"MF803"},
    ),
    (
        "an ACTUAL requirement no scenario cites",
        _with(ACTUAL, layout.ACTUAL_SCENARIOS, " (REQ-KV-1)", ""),
        (),
        {"MF901"},
    ),
    (
        "a requirement no scenario cites",
        _with(MODULE, layout.INTENT_SCENARIOS, " (REQ-KV-1)", ""),
        (),
        {"MF901"},
    ),
    (
        "a release repeated",
        _with(MODULE, layout.CHANGELOG, "[0.2.0] - 2024-02-01", "[0.1.0] - 2024-01-15"),
        (),
        {"MF604"},
    ),
    ("dates rising", _with(MODULE, layout.CHANGELOG, "[0.2.0] - 2024-02-01", "[0.2.0] - 2024-01-01"), (), {"MF604"}),
    (
        "versions rising past a two-digit number",
        _with(MODULE, layout.CHANGELOG, "[0.2.0] - 2024-02-01", "[1.10.0] - 2024-03-01\n\n## [2.0.0] - 2024-02-01"),
        (),
        {"MF604"},
    ),
    (
        "[Unreleased] below a release",
        _with(MODULE, layout.CHANGELOG, "## [Unreleased]\n\n", "## [0.3.0] - 2024-03-01\n\n## [Unreleased]\n\n"),
        (),
        {"MF604"},
    ),
    (
        "a first task numbered 02",
        _with(MODULE, layout.TASKS, "### TASK-KV-01: Store", "### TASK-KV-02: Store"),
        (),
        {"MF502", "MF503"},
    ),
    (
        "a subtask numbered 1.3 after 1.1",
        _with(MODULE, layout.TASKS, "- [x] 1.2 Test it", "- [x] 1.3 Test it"),
        (),
        {"MF503"},
    ),
    (
        "a step after its THEN turned WHEN",
        _with(MODULE, layout.INTENT_SCENARIOS, "**THEN** it is stored", "**WHEN** it is stored"),
        (),
        {"MF402"},
    ),
    (
        "a THEN before the WHEN",
        _with(MODULE, layout.INTENT_SCENARIOS, "**WHEN** a caller puts", "**THEN** a caller puts"),
        (),
        {"MF402"},
    ),
    (
        "a requirement with no normative word",
        _with(MODULE, layout.INTENT_REQUIREMENTS, "MUST store", "stores"),
        (),
        {"MF302"},
    ),
    (
        "a requirement defined with another module's prefix",
        _with(MODULE, layout.INTENT_REQUIREMENTS, "### REQ-KV-1: Store", "### REQ-ZZ-1: Store"),
        (),
        {"MF103", "MF201", "MF901"},  # the scenario cites REQ-KV-1, which is gone; REQ-ZZ-1 is cited by none
    ),
    (
        "a design alone (a Step 1 module)",
        {layout.INTENT_DESIGN: DESIGN.replace("- Implements: SCEN-KV-0", "- Case ")},
        (),
        set(),
    ),
]


@pytest.mark.parametrize(("documents", "extra_files", "codes"), [d[1:] for d in DECLINED], ids=[d[0] for d in DECLINED])
def test_a_module_the_proof_cannot_prove_is_left_to_the_full_check(documents, extra_files, codes):
    source = _source(documents, extra_files)
    assert not quickcheck.proven_clean(source, NO_GLOBALS)
    assert _codes(source, NO_GLOBALS) == codes


def test_a_proven_module_hands_the_facts_its_texts_spellings_and_tokens():
    """What status, gate and trace read of a proven module instead of parsing it: each document's text with a
    newline in front and code spans blanked, the ID spellings it holds (a two-digit phase as its phase), and its
    ID tokens of each keyword in text order."""
    documents = _with(MODULE, layout.INTENT_SCENARIOS, "## PHASE-KV-2: Scale", "## PHASE-KV-02")
    read: dict = {}
    assert quickcheck.proven_clean(_source(documents), NO_GLOBALS, read)
    assert set(read) == {"texts", "spellings", "tokens"}
    assert read["texts"][layout.INTENT_DESIGN] == "\n" + DESIGN.replace("`put()`", " ")
    assert read["texts"][layout.TASKS] == "\n" + TASKS
    assert read["spellings"] == {
        layout.INTENT_DESIGN: {"PHASE-KV-1", "PHASE-KV-2", "SCEN-KV-01", "SCEN-KV-02"},
        layout.INTENT_REQUIREMENTS: {"REQ-KV-1"},
        layout.INTENT_SCENARIOS: {"PHASE-KV-1", "PHASE-KV-2", "SCEN-KV-01", "SCEN-KV-02", "REQ-KV-1"},
        layout.TASKS: {"PHASE-KV-1", "TASK-KV-01", "SCEN-KV-01"},
        layout.CHANGELOG: {"SCEN-KV-01", "SCEN-KV-02"},
    }
    assert read["tokens"] == {
        layout.INTENT_DESIGN: {"SCEN": ["SCEN-KV-01", "SCEN-KV-02"], "PHASE": ["PHASE-KV-1", "PHASE-KV-2"]},
        layout.INTENT_REQUIREMENTS: {"REQ": ["REQ-KV-1"]},
        layout.INTENT_SCENARIOS: {
            "REQ": ["REQ-KV-1"],
            "SCEN": ["SCEN-KV-01", "SCEN-KV-02"],
            "PHASE": ["PHASE-KV-1", "PHASE-KV-02"],
        },
        layout.TASKS: {"SCEN": ["SCEN-KV-01"], "TASK": ["TASK-KV-01"], "PHASE": ["PHASE-KV-1"]},
        layout.CHANGELOG: {"SCEN": ["SCEN-KV-02", "SCEN-KV-01"]},
    }


def test_a_module_declined_leaves_read_empty():
    read: dict = {}
    documents = _with(MODULE, layout.TASKS, "- [x] 1.2 Test it", "- [x] 1.3 Test it")
    assert not quickcheck.proven_clean(_source(documents), NO_GLOBALS, read)
    assert read == {}


@pytest.mark.parametrize(
    ("answers", "codes"),
    [
        (None, set()),  # no answers file: no prefix to prove the IDs against
        (b"module_name: kv\n", set()),
        (b"id_prefix: KV\n", set()),  # the file as the proof needs it
        (b"id_prefix: kv\n", {"MF105"}),
        (b"- id_prefix: KV\n", {"MF003"}),
    ],
)
def test_the_proof_needs_the_answers_files_prefix(answers, codes):
    source = _source(MODULE, answers=answers)
    assert quickcheck.proven_clean(source, NO_GLOBALS) is (answers == b"id_prefix: KV\n")
    assert _codes(source, NO_GLOBALS) == codes
