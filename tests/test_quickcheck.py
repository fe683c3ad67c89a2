"""modforge.checker.quickcheck: the fast proof that a module is clean must never call clean a module that has a
finding (differential tests against the full parse and rules), and must accept canonical modules."""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from modforge.checker import quickcheck
from modforge.checker.check import check_module
from modforge.checker.rules import BY_CODE
from modforge.documents import loader
from modforge.documents.doctext import readable_text
from modforge.documents.parser import parse_document
from modforge.pipeline import facts
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
    (  # two releases on the same day: dates must not rise, and equal is no rise
        layout.CHANGELOG,
        "## [0.1.0] - 2024-01-15",
        "## [0.1.1] - 2024-01-15\n### Fixed\n- SCEN-{p}-01\n\n## [0.1.0] - 2024-01-15",
    ),
]


@pytest.mark.parametrize(
    ("name", "old", "new"), HARMLESS, ids=[f"{n.removesuffix('.md')}-{i}" for i, (n, _, _) in enumerate(HARMLESS)]
)
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
    (layout.ACTUAL_SCENARIOS, "- **WHEN** a caller sends request 1", "||||||| base", "MF011"),
    (layout.INTENT_REQUIREMENTS, "### REQ-{p}-1: Capability 1", "### Open questions\n\n### REQ-{p}-1: C", "MF301"),
    (layout.INTENT_SCENARIOS, "- **AND** a span is recorded", "- a span is recorded", "MF403"),
    (layout.TASKS, "### TASK-{p}-01: Package 1", "### Package 1", "MF501"),
    (layout.CHANGELOG, "## [0.1.0] - 2024-01-15", "## [0.1.0] - 2024-01-15\n\n## [0.1.0] - 2024-01-15", "MF604"),
    (layout.CHANGELOG, "## [0.1.0] - 2024-01-15", "## [Unreleased]\n\n## [0.1.0] - 2024-01-15", "MF604"),
    (layout.CHANGELOG, "### Added", "### Added\n\n### Added", "MF605"),
    (layout.INTENT_DESIGN, "### Advanced Configuration (PHASE-{p}-2)", "### Phase 2: Advanced", "MF802"),
    (
        layout.INTENT_REQUIREMENTS,
        "### REQ-{p}-1: Capability 1",
        "### REQ-{p}-51: Spare\nIt MUST.\n\n### REQ-{p}-1: C",
        "MF901",
    ),
    (layout.INTENT_SCENARIOS, "## PHASE-{p}-2: Advanced Configuration", "## Notes", "MF902"),
    (layout.TASKS, "## PHASE-{p}-2: Advanced Configuration", "## Phase 3", "MF204"),
]


@pytest.mark.parametrize(("name", "old", "new", "code"), DEFECTS, ids=[d[3] for d in DEFECTS])
def test_a_defect_is_never_proven_clean(clean_source, name, old, new, code):
    prefix = _prefix(clean_source)
    text = _text(clean_source, name)
    assert old.format(p=prefix) in text
    source = _with_document(clean_source, name, text.replace(old.format(p=prefix), new.format(p=prefix), 1))
    assert not quickcheck.proven_clean(source, _globals(source))
    assert code in {d.code for d in _findings(source)}


# Defects that are files, not text: on disk, as `check` finds them (MF012 and the documents family).
FILE_DEFECTS = [
    ("docs/TASKS.md.rej", "MF012"),
    ("src/lib.rs.rej", "MF012"),
    ("docs/1_INTENT_DESIGN.md", "MF012"),
    ("docs/TASKS.md:\xff\xfe not UTF-8", "MF001"),
    ("docs/TASKS.md: ", "MF002"),
    (".copier-answers.yml:<<<<<<< ours", "MF003"),
    (".copier-answers.yml:id_prefix: oagw", "MF105"),
]


@pytest.mark.parametrize(("defect", "code"), FILE_DEFECTS, ids=[f"{c}-{i}" for i, (_, c) in enumerate(FILE_DEFECTS)])
def test_a_file_defect_is_never_proven_clean(clean_source, tmp_path, defect, code):
    module = _write_module(clean_source, tmp_path / "module", [], None)
    relative, _, content = defect.partition(":")
    path = module / relative
    if content:
        path.write_bytes(content.encode("utf-8", "surrogateescape") if "\xff" not in content else b"\xff\xfe x\n")
    elif relative.removeprefix("docs/") in layout.LEGACY_DOC_NAMES:
        path.write_bytes((module / layout.DOCS_DIR / layout.INTENT_DESIGN).read_bytes())
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("@@ -1 +1 @@\n-old\n+new\n", encoding="utf-8")
    source = loader.read_module(module, clean_source.repo_root)
    assert not quickcheck.proven_clean(source, _globals(source))
    assert code in {d.code for d in _findings(source)}


def test_every_rule_family_has_a_defect_the_proof_declines():
    """One example at least per family of rules (modforge.checker.rules.FAMILIES) in the lists above."""
    from modforge.checker.rules import FAMILY_TITLES

    codes = {code for *_, code in DEFECTS} | {code for _, code in FILE_DEFECTS}
    assert {BY_CODE[code].family for code in codes} == set(FAMILY_TITLES)


def test_an_unmerged_document_is_never_proven_clean(tmp_path):
    """A real merge conflict in git: the document git holds as unmerged carries the markers (MF011)."""
    root = tmp_path / "monorepo"
    module = root / "modules" / "oagw"
    shutil.copytree(REPO / "tests" / "fixtures" / "check" / "clean-module", module)
    tasks = module / layout.DOCS_DIR / layout.TASKS
    git = ["git", "-C", str(root)]
    subprocess.run([*git, "init", "-q", "-b", "main"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "module"], check=True)
    subprocess.run([*git, "checkout", "-qb", "theirs"], check=True)
    tasks.write_text(tasks.read_text().replace("Define domain models", "Define the domain model"))
    subprocess.run([*git, "commit", "-qam", "theirs"], check=True)
    subprocess.run([*git, "checkout", "-q", "main"], check=True)
    tasks.write_text(tasks.read_text().replace("Define domain models", "Define domain types"))
    subprocess.run([*git, "commit", "-qam", "ours"], check=True)
    merge = subprocess.run([*git, "merge", "-q", "theirs"], capture_output=True, text=True)
    assert merge.returncode != 0
    assert "docs/TASKS.md" in subprocess.run([*git, "ls-files", "-u"], capture_output=True, text=True).stdout
    source = loader.read_module(module)
    assert not quickcheck.proven_clean(source, _globals(source))
    assert "MF011" in {d.code for d in _findings(source)}


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


# The spec's own spellings of the phase groups (README, "How modforge reads the spec"), which the proof reads too.
def _spec_spelled(source: loader.ModuleSource) -> loader.ModuleSource:
    """`source` with its phase groups headed as the spec's examples head them: `## PHASE-OAGW-01` (untitled, two
    digits) over the intent scenarios, `## PHASE-OAGW-1` (untitled) over the actual ones, `## Phase 1` over tasks."""
    forms = {
        layout.INTENT_SCENARIOS: lambda m: f"## PHASE-{m[1]}-{int(m[2]):02d}",
        layout.ACTUAL_SCENARIOS: lambda m: f"## PHASE-{m[1]}-{m[2]}",
        layout.TASKS: lambda m: f"## Phase {m[2]}",
    }
    for name, form in forms.items():
        text = re.sub(r"(?m)^## PHASE-([A-Z][A-Z0-9]*)-([0-9]+): .*$", form, _text(source, name))
        source = _with_document(source, name, text)
    return source


SPEC_FIXTURE = _spec_spelled(FIXTURE)
SPEC_EXAMPLES = loader.read_module(REPO / "tests" / "fixtures" / "check" / "spec-examples", REPO / "tests" / "fixtures")


def test_the_spec_examples_are_proven_clean():
    """A module assembled from the spec's own examples (its TASKS.md example verbatim, `## Phase 1` groups and all;
    its design, requirement, scenario, changelog and gap-analysis examples) is clean, and proven so."""
    source = SPEC_EXAMPLES
    spec_tasks = (
        "## Phase 1\n\n### TASK-OAGW-01: SDK Implementation\n- [ ] 1.1 Define API traits (REQ-OAGW-42, REQ-OAGW-43)"
    )
    assert _text(source, layout.TASKS).startswith(spec_tasks)
    assert quickcheck.proven_clean(source, _globals(source))
    assert _findings(source) == []


def test_the_spec_spellings_are_proven_clean(clean_source, tmp_path):
    """`check` is as fast on the spec's spellings as on modforge's: the proof accepts them (the benchmark's
    spec corpus and the fixture respelled), and the full check agrees they are clean."""
    BENCH.generate(tmp_path / "spec", 1, "spec")
    generated = loader.read_module(loader.find_modules(tmp_path / "spec")[0])
    for source in (generated, _spec_spelled(FIXTURE), _spec_spelled(clean_source)):
        assert "\n## Phase 1\n" in _text(source, layout.TASKS)
        assert re.search(r"\n## PHASE-[A-Z]+-01\n", _text(source, layout.INTENT_SCENARIOS))
        assert quickcheck.proven_clean(source, _globals(source))
        assert _findings(source) == []


# What the differential test changes, beside the vocabulary's lines: leftover files on disk (module-relative
# path, and what it is), the answers file, the releases of the changelog, the padding of any ID, the steps of
# any scenario.
LEFTOVERS = {
    "docs/TASKS.md.rej": "rejected hunks",
    "TASKS.md.rej": "rejected hunks",
    "src/lib.rs.rej": "rejected hunks",
    "src/deep/er/mod.rs.rej": "rejected hunks",
    "docs/TASKS.md.orig": "a merge tool's backup",
    "src/lib.rs.orig": "a merge tool's backup",
    "target/debug/lib.rs.rej": "build output (not searched)",
    "node_modules/pkg/a.rej": "dependencies (not searched)",
    ".cache/a.rej": "a hidden folder (not searched)",
    "docs/1_INTENT_DESIGN.md": "a legacy name beside today's",
    "docs/7_INTENT_VS_ACTUAL.md": "a legacy name beside today's",
    "docs/3_INTENT_SCENARIOS.md": "a legacy name beside today's",
    "docs/notes.rej/": "a folder named like a leftover",
    "docs/link.rej@": "a symbolic link named like a leftover",
}
ANSWERS = {
    "as copied": None,
    "conflict": "<<<<<<< before updating\nid_prefix: {p}\n=======\nid_prefix: {p}X\n>>>>>>> after updating\n",
    "diff3 conflict": "<<<<<<< ours\nid_prefix: {p}\n||||||| base\nid_prefix: {p}\n=======\n>>>>>>> theirs\n",
    "not a mapping": "- id_prefix: {p}\n",
    "empty": "",
    "no prefix": "module_name: m\n",
    "lower-case prefix": "id_prefix: {lower}\n",
    "reserved prefix": "id_prefix: TASK\n",
    "other prefix": "id_prefix: ZZ\n",
    "padded prefix": "id_prefix: ' {p} '\n",
}
# A changelog is written valid (newest first, dates falling) and then changed once in one of these ways.
RELEASE_CHANGES = (
    "none",
    "a release repeated",
    "a version repeated, dated later",
    "a version repeated, dated earlier",
    "two releases on the same day",
    "two releases swapped",
    "[Unreleased] below a release",
    "[Unreleased] dated",
    "an impossible date",
    "a release undated",
    "a version of two numbers",
)
SECTIONS = ("Added", "Fixed", "Added", "Changed", "Misc")
_ID_DIGITS = re.compile(r"(?:REQ|SCEN|TASK|PHASE)-(?:[A-Z][A-Z0-9]*-)?([0-9]+)")
_STEP = re.compile(r"- \*\*(?:WHEN|THEN|AND)\*\*")

# One change of each kind; an example makes one to three of them.
changes = st.one_of(
    st.tuples(
        st.just("line"),
        st.sampled_from(layout.PIPELINE_DOCS),
        st.sampled_from(("insert", "replace", "delete", "swap", "drop the document")),
        st.integers(min_value=0, max_value=10_000),
        st.sampled_from(VOCABULARY),
    ),
    st.tuples(st.just("respell"), st.sampled_from(layout.PIPELINE_DOCS), st.integers(0, 10_000), st.integers(1, 4)),
    st.tuples(
        st.just("steps"),
        st.sampled_from(layout.SCENARIO_DOCS),
        st.integers(0, 100),
        st.lists(st.sampled_from(layout.STEP_KEYWORDS), max_size=4),
    ),
    st.tuples(
        st.just("changelog"),
        st.booleans(),
        st.integers(1, 4),
        st.sampled_from(RELEASE_CHANGES),
        st.integers(0, 10),
        st.lists(st.sampled_from(SECTIONS), max_size=2),
    ),
    st.tuples(st.just("leftover"), st.sampled_from(sorted(LEFTOVERS))),
    st.tuples(st.just("answers"), st.sampled_from(sorted(ANSWERS))),
)
BASES = ("bench", "fixture", "spec spellings", "spec examples")
examples = st.tuples(st.sampled_from(BASES), st.lists(changes, min_size=1, max_size=3))


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


def _respell(text: str, which: int, width: int) -> str:
    """The `which`-th ID of `text` (modulo their count) with its number written in `width` digits at least."""
    found = list(_ID_DIGITS.finditer(text))
    if not found:
        return text
    match = found[which % len(found)]
    return text[: match.start(1)] + str(int(match[1])).zfill(width) + text[match.end(1) :]


def _reorder_steps(text: str, which: int, keywords: list[str]) -> str:
    """The `which`-th scenario of `text` (modulo their count) with its steps replaced by `keywords`, in order."""
    lines = text.split("\n")
    headings = [i for i, line in enumerate(lines) if line.startswith("### SCEN-")]
    if not headings:
        return text
    at = headings[which % len(headings)] + 1
    end = at
    while end < len(lines) and _STEP.match(lines[end]):
        end += 1
    lines[at:end] = [f"- **{keyword}** step {n}" for n, keyword in enumerate(keywords)]
    return "\n".join(lines)


def _changelog(prefix: str, unreleased: bool, count: int, change: str, where: int, sections: list[str]) -> str:
    """A changelog of `count` releases (and [Unreleased] on top), valid, then changed as `change` (RELEASE_CHANGES)
    says at the `where`-th release (modulo their count)."""
    releases = [[f"0.{count - n}.0", f"2024-{count - n:02d}-15"] for n in range(count)]  # newest first
    at = where % count
    below = min(at + 1, count - 1)
    if change == "a release repeated":
        releases.insert(at, list(releases[at]))
    elif change.startswith("a version repeated"):
        day = "16" if change.endswith("later") else "14"
        releases.insert(at + 1, [releases[at][0], releases[at][1][:-2] + day])
    elif change == "two releases on the same day":
        releases[below][1] = releases[at][1]
    elif change == "two releases swapped":
        releases[at], releases[below] = releases[below], releases[at]
    elif change == "an impossible date":
        releases[at][1] = "2024-02-30"
    elif change == "a release undated":
        releases[at][1] = None
    elif change == "a version of two numbers":
        releases[at][0] = releases[at][0].rpartition(".")[0]
    if unreleased or change.startswith("[Unreleased]"):
        top = ["Unreleased", "2024-12-01" if change == "[Unreleased] dated" else None]
        releases.insert(1 if change == "[Unreleased] below a release" else 0, top)
    out = ["# Changelog", "", "All notable changes to this module are documented here.", ""]
    for version, date in releases:
        out += [f"## [{version}]" + (f" - {date}" if date else ""), ""]
        for section in sections:
            out += [f"### {section}", f"- SCEN-{prefix}-01: Case 1", ""]
    return "\n".join(out)


def _write_module(source: loader.ModuleSource, folder: Path, leftovers, answers: str | None) -> Path:
    """`source` as a module folder on disk, with the `leftovers` (LEFTOVERS) beside its files."""
    docs = folder / layout.DOCS_DIR
    docs.mkdir(parents=True)
    for name, _path, data in source.documents:
        (docs / name).write_bytes(data)
    (folder / layout.ANSWERS_FILE).write_bytes(source.answers if answers is None else answers.encode())
    for relative in leftovers:
        path = folder / relative.rstrip("/@")
        path.parent.mkdir(parents=True, exist_ok=True)
        if relative.endswith("/"):
            path.mkdir()
        elif relative.endswith("@"):
            path.symlink_to(layout.TASKS)
        elif relative.removeprefix("docs/") in layout.LEGACY_DOC_NAMES:
            today = docs / layout.LEGACY_DOC_NAMES[relative.removeprefix("docs/")]
            path.write_bytes(today.read_bytes() if today.exists() else b"# Old\n")
        else:
            path.write_text("--- a\n+++ b\n@@ -1 +1 @@\n-old\n+new\n", encoding="utf-8")
    return folder


def _changed(base: loader.ModuleSource, changes) -> tuple[loader.ModuleSource, list[str], str | None]:
    """`base` with its documents changed, the leftover files to write beside them, the answers file's text."""
    prefix = _prefix(base)
    source, leftovers, answers = base, [], None
    for kind, *change in changes:
        present = {name for name, _, _ in source.documents}
        if kind == "line":
            name, operation, where, line = change
            if operation == "drop the document":
                documents = tuple(document for document in source.documents if document[0] != name)
                source = loader.ModuleSource(source.root, source.repo_root, documents, source.answers, ())
            elif name in present:
                text = _edit(_text(source, name), operation, where, line.format(p=prefix))
                source = _with_document(source, name, text)
        elif kind == "respell" and change[0] in present:
            source = _with_document(source, change[0], _respell(_text(source, change[0]), *change[1:]))
        elif kind == "steps" and change[0] in present:
            source = _with_document(source, change[0], _reorder_steps(_text(source, change[0]), *change[1:]))
        elif kind == "changelog" and layout.CHANGELOG in present:
            source = _with_document(source, layout.CHANGELOG, _changelog(prefix, *change))
        elif kind == "leftover":
            leftovers.append(change[0])
        elif kind == "answers" and ANSWERS[change[0]] is not None:
            answers = ANSWERS[change[0]].format(p=prefix, lower=prefix.lower())
    return source, sorted(set(leftovers)), answers


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(examples)
def test_a_module_proven_clean_has_no_finding(clean_source, example):
    """The differential test: after one to three changes to a clean module (the benchmark's, the spec-form fixture,
    that fixture in the spec's own spellings, or the spec's examples), written to disk with any leftover files and
    read back as `check` reads it, a module the proof calls clean is clean to the full check."""
    base_name, changes = example
    base = {"bench": clean_source, "fixture": FIXTURE, "spec spellings": SPEC_FIXTURE, "spec examples": SPEC_EXAMPLES}[
        base_name
    ]
    changed, leftovers, answers = _changed(base, changes)
    with tempfile.TemporaryDirectory() as folder:
        module = _write_module(changed, Path(folder) / "module", leftovers, answers)
        source = loader.read_module(module, base.repo_root)
        read: dict = {}
        proven = quickcheck.proven_clean(source, _globals(source), read)
        event("proven clean" if proven else "not proven")
        if proven:
            module = loader.build_module(source)
            assert check_module(module, _globals(source)) == []
            # what status, gate and trace read of a proven module comes from the proof's texts, and must be the model's
            assert facts.from_canonical(source, read) == facts.from_module(module, source)


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
