"""modforge.checker.quickcheck: the fast proof that a module is clean must never call clean a module that has a
finding (differential tests against the full parse and rules), and must accept canonical modules."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from modforge.checker import quickcheck
from modforge.checker.check import check_module
from modforge.checker.rules import BY_CODE
from modforge.documents import loader
from modforge.documents.doctext import readable_text
from modforge.documents.parser import parse_document
from modforge.spec import layout

REPO = Path(__file__).resolve().parent.parent


def _bench():
    """bench/check.py, whose generator writes the canonical modules the benchmark checks."""
    spec = importlib.util.spec_from_file_location("bench_check", REPO / "bench" / "check.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


BENCH = _bench()


@pytest.fixture(scope="module")
def monorepo(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("quick") / "monorepo"
    BENCH.generate(root, 2)
    return root


@pytest.fixture(scope="module")
def clean_source(monorepo) -> loader.ModuleSource:
    return loader.read_module(loader.find_modules(monorepo)[0], monorepo)


def _globals(source: loader.ModuleSource):
    return loader.load_global_requirements(source.repo_root)


def _findings(source: loader.ModuleSource) -> list:
    return check_module(loader.build_module(source), _globals(source))


def _with_document(source: loader.ModuleSource, name: str, text: str) -> loader.ModuleSource:
    documents = tuple((n, p, text.encode() if n == name else d) for n, p, d in source.documents)
    return loader.ModuleSource(source.root, source.repo_root, documents, source.answers, source.extra_files)


def _text(source: loader.ModuleSource, name: str) -> str:
    return next(d for n, _, d in source.documents if n == name).decode()


def test_every_rule_has_a_proof():
    assert set(quickcheck.PROOFS) == set(BY_CODE), "a rule was added or removed: say in PROOFS how it is proven"


def test_the_benchmark_module_is_proven_clean_and_is_clean(clean_source):
    assert {name for name, _, _ in clean_source.documents} == set(layout.PIPELINE_DOCS)
    assert quickcheck.proven_clean(clean_source, _globals(clean_source))
    assert _findings(clean_source) == []


FIXTURE = loader.read_module(REPO / "tests" / "fixtures" / "check" / "clean-module", REPO / "tests" / "fixtures")


def test_the_spec_form_fixture_is_proven_clean():
    """The realistic clean module (tables, code spans in the design, nested bullets under steps) is proven too."""
    assert quickcheck.proven_clean(FIXTURE, _globals(FIXTURE))
    assert _findings(FIXTURE) == []


# Edits that keep a module canonical and clean: the proof must still hold (or it would be of no use).
HARMLESS = [
    (layout.INTENT_SCENARIOS, "### SCEN-{p}-01: Case 1\n", "### SCEN-{p}-01: Case 1 (again)\n"),
    (layout.INTENT_SCENARIOS, "### SCEN-{p}-01: Case 1\n", "### SCEN-{p}-01: Case 1\n\nThe usual case.\n"),
    (layout.INTENT_SCENARIOS, "- **THEN** it is forwarded", "  - free detail\n\n- **THEN** it is forwarded"),
    (layout.TASKS, "- [x] 1.2 Step 2", "\n- [x] 1.2 Step 2\n  - a note"),
    (layout.INTENT_VS_ACTUAL, "- **Gap:**", "\n- **Gap:**"),
    (layout.INTENT_REQUIREMENTS, "<!-- One entry per requirement. -->", "<!-- REQ-{p}-999 is a draft -->\n\nProse."),
    (layout.INTENT_DESIGN, "## Overview\n", "## Overview\n\nA `REQ-{p}-999` in code is no reference.\n"),
    (layout.TASKS, "- [x] 1.1 Step 1", "- [ ] 1.1 Step 1"),
    (
        layout.CHANGELOG,
        "## [0.1.0] - 2024-01-15",
        "## [0.2.0] - 2024-02-01\n### Fixed\n- SCEN-{p}-01\n\n## [0.1.0] - 2024-01-15",
    ),
]


@pytest.mark.parametrize(("name", "old", "new"), HARMLESS, ids=[f"{n}:{o[:20]}" for n, o, _ in HARMLESS])
def test_canonical_edits_stay_proven(clean_source, name, old, new):
    prefix = _prefix(clean_source)
    text = _text(clean_source, name)
    assert old.format(p=prefix) in text
    source = _with_document(clean_source, name, text.replace(old.format(p=prefix), new.format(p=prefix), 1))
    assert quickcheck.proven_clean(source, _globals(source))
    assert _findings(source) == []


# One defect per family of rules: the proof must fail (and the full check finds the defect).
DEFECTS = [
    (layout.INTENT_SCENARIOS, "### SCEN-{p}-02: Case 2", "### SCEN-{p}-01: Case 2", "MF104"),
    (layout.INTENT_SCENARIOS, "### SCEN-{p}-02: Case 2", "### SCEN-{p}-2: Case 2", "MF101"),
    (layout.INTENT_SCENARIOS, "- **WHEN** a caller sends request 1", "- **THEN** a caller sends request 1", "MF402"),
    (layout.INTENT_SCENARIOS, "(REQ-{p}-8)", "(REQ-{p}-999)", "MF201"),
    (layout.INTENT_SCENARIOS, "(REQ-{p}-8)", "(REQ-ZZ-8)", "MF103"),
    (layout.INTENT_SCENARIOS, "(REQ-{p}-8)", "(REQ-99)", "MF205"),
    (layout.INTENT_SCENARIOS, "(REQ-{p}-8)", "(TASK-{p}-01)", "MF206"),
    (layout.INTENT_REQUIREMENTS, "The module MUST handle capability 1", "The module handles capability 1", "MF302"),
    (layout.TASKS, "- [x] 1.2 Step 2", "- [x] 1.3 Step 2", "MF503"),
    (layout.TASKS, "- [x] 1.2 Step 2", "- [X] 1.2 Step 2", "MF504"),
    (layout.TASKS, "### TASK-{p}-02: Package 2", "### TASK-{p}-03: Package 2", "MF502"),
    (layout.CHANGELOG, "## [0.1.0] - 2024-01-15", "## [0.1.0] - 2024-02-30", "MF603"),
    (layout.INTENT_VS_ACTUAL, "- **Gap:** Timeout differs (ADR-003)", "- **Gaps:** Timeout", "MF702"),
    (layout.INTENT_DESIGN, "### Advanced Configuration (PHASE-{p}-2)", "### Advanced (PHASE-{p}-3)", "MF803"),
    (layout.ACTUAL_SCENARIOS, "- **WHEN** a caller sends request 1", "<<<<<<< HEAD", "MF011"),
]


@pytest.mark.parametrize(("name", "old", "new", "code"), DEFECTS, ids=[d[3] for d in DEFECTS])
def test_a_defect_is_never_proven_clean(clean_source, name, old, new, code):
    prefix = _prefix(clean_source)
    text = _text(clean_source, name)
    assert old.format(p=prefix) in text
    source = _with_document(clean_source, name, text.replace(old.format(p=prefix), new.format(p=prefix), 1))
    assert not quickcheck.proven_clean(source, _globals(source))
    assert code in {d.code for d in _findings(source)}


def _prefix(source: loader.ModuleSource) -> str:
    return loader.read_answers(source.answers)[0]["id_prefix"]


# Lines that stress every proof: IDs of each kind and spelling, headings of each form, steps, subtasks,
# releases, gap fields, and Markdown that changes what is read (code, comments, containers, setext).
VOCABULARY = [
    "### SCEN-{p}-01: Dup",
    "### SCEN-{p}-1: Pad",
    "### SCEN-ZZ-01: Foreign",
    "### SCEN-{p}-101: New",
    "### REQ-{p}-999: X",
    "### REQ-{p}-1: Again",
    "### REQ-1: Global",
    "### TASK-{p}-05: X",
    "### TASK-{p}-21: Next",
    "### Phase 1: Old",
    "### Later (PHASE-{p}-3)",
    "### Again (PHASE-{p}-1)",
    "### Core (PHASE-{p}-01)",
    "## PHASE-{p}-3: T",
    "## PHASE-{p}-1: T",
    "## PHASE-{p}-2",
    "## Phase 1",
    "## Notes",
    "#### Deep",
    "# SCEN-{p}-01: t",
    "# Title",
    "#",
    "- **THEN** x",
    "- **WHEN** x",
    "- **AND** x",
    "- **When** x",
    "- note",
    "- [x] 1.6 x",
    "- [x] 2.1 x",
    "- [X] 1.1 x",
    "- [ ] 21.1 x",
    "- [x] 1.1. x",
    "- **Intent:** x",
    "- **Actual:** x",
    "- **Gap:** x",
    "## [Unreleased]",
    "## [0.2.0] - 2024-13-01",
    "## [0.0.9] - 2025-01-01",
    "## [9.0.0] - 2020-01-01",
    "## [1.0] - 2024-01-01",
    "### Added",
    "### Misc",
    "See REQ-{p}-999.",
    "See SCEN-{p}-01 and SCEN-{p}-100.",
    "See TASK-{p}-01.",
    "See REQ-99 and REQ-1.",
    "See PHASE-{p}-1, PHASE-{p}-3.",
    "See REQ-{p}-01.",
    "It MUST work.",
    "`REQ-{p}-999` and `x",
    "<!-- REQ-{p}-999 -->",
    "<!--",
    "-->",
    "    REQ-{p}-999 indented",
    "  - **THEN** nested",
    "  - nested detail",
    "  - [x] 1.1 nested",
    "   - three spaces",
    "| table | REQ-{p}-999 |",
    "|---|---|",
    "> quote REQ-{p}-999",
    "```",
    "~~~",
    "<<<<<<< HEAD",
    "=======",
    ">>>>>>> theirs",
    "===",
    "---",
    "1. item REQ-{p}-999",
    "* item",
    "+ item",
    "\tTASK-{p}-01",
    "- `code` REQ-{p}-999",
    "text \\`REQ-{p}-999\\`",
    "<div>REQ-{p}-999</div>",
    "",
    "Prose.",
    "@owners approve SCEN-{p}-01.",
    "[ref]: https://example.com REQ-{p}-999",
    "\u00a0REQ-{p}-999 after a no-break space",
    "_ _ _",
    "***",
    "## Overview",
    "### Notes",
    "- `op()` - see SCEN-{p}-01",
    "- `op()` - see SCEN-{p}-999",
    "| `REQ-{p}-999` | x |",
    "## [0.1.0] - 2024-01-15",
    "- SCEN-{p}-01: Case 1",
    "### SCEN-{p}-01: Again",
    "### SCEN-{p}-02:  Two spaces",
    "### SCEN-{p}-03:Tight",
    "### SCEN-{p}-04: Hash #",
]

edits = st.lists(
    st.tuples(
        st.sampled_from(layout.PIPELINE_DOCS),
        st.sampled_from(("insert", "replace", "delete", "swap", "drop the document")),
        st.integers(min_value=0, max_value=10_000),
        st.sampled_from(VOCABULARY),
    ),
    min_size=1,
    max_size=3,
)


def _edit(text: str, operation: str, where: int, line: str) -> str:
    lines = text.split("\n")
    at = where % len(lines)
    if operation == "insert":
        lines.insert(at, line)
    elif operation == "replace":
        lines[at] = line
    elif operation == "delete":
        del lines[at]
    else:
        other = (at * 7 + 3) % len(lines)
        lines[at], lines[other] = lines[other], lines[at]
    return "\n".join(lines)


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.booleans(), edits)
def test_a_module_proven_clean_has_no_finding(clean_source, from_fixture, changes):
    """The differential test: after any few edits to a clean module (the benchmark's, or the spec-form
    fixture), a module the proof calls clean is clean to the full check."""
    source = FIXTURE if from_fixture else clean_source
    prefix = _prefix(source)
    for name, operation, where, line in changes:
        if operation == "drop the document":
            documents = tuple(document for document in source.documents if document[0] != name)
            source = loader.ModuleSource(source.root, source.repo_root, documents, source.answers, source.extra_files)
        elif any(document[0] == name for document in source.documents):
            text = _edit(_text(source, name), operation, where, line.format(p=prefix))
            source = _with_document(source, name, text)
    if quickcheck.proven_clean(source, _globals(source)):
        assert _findings(source) == []


@settings(max_examples=400, deadline=None)
@given(st.binary(max_size=64) | st.text(max_size=64).map(lambda t: t.encode("utf-8", "surrogatepass")))
def test_readable_text_agrees_with_the_parser(data):
    """The quick path reads a document only when the parser would record no problem for it."""
    document = parse_document(Path("doc.md"), layout.INTENT_DESIGN, data)
    assert (readable_text(data) is not None) == (not document.problems)


def test_check_command_uses_the_proof_and_still_reports_defects(monorepo, tmp_path):
    """End to end on disk: the clean monorepo passes; a defect in one module is found and placed."""
    run = [sys.executable, "-m", "modforge", "check", "--no-cache"]
    clean = subprocess.run(run, cwd=monorepo, capture_output=True, text=True)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "All checks passed (2 modules" in clean.stdout
    module = loader.find_modules(monorepo)[1]
    scenarios = module / layout.DOCS_DIR / layout.INTENT_SCENARIOS
    original = scenarios.read_text(encoding="utf-8")
    try:
        scenarios.write_text(original.replace("- **WHEN** a caller sends request 2", "- **THEN** oops", 1))
        found = subprocess.run(run, cwd=monorepo, capture_output=True, text=True)
    finally:
        scenarios.write_text(original, encoding="utf-8")
    assert found.returncode == 1
    line = original.split("\n").index("- **WHEN** a caller sends request 2") + 1
    assert f"INTENT_SCENARIOS.md:{line}:1: MF402" in found.stdout
