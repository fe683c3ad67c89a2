"""`modforge check` rules, through real files and the real parser: the clean fixture module has no finding,
and each defect, made by one small edit of a copy of it, gives exactly its rule's finding at its line."""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from modforge.checker.check import check_module
from modforge.checker.rules import RULES
from modforge.config import Settings
from modforge.documents.loader import load_module
from modforge.spec import layout

FIXTURES = Path(__file__).parent / "fixtures" / "check"
CLEAN = FIXTURES / "clean-module"

D = layout  # document names, as the tests spell them: D.TASKS, D.INTENT_SCENARIOS, ...


@pytest.fixture
def module(tmp_path: Path) -> Path:
    """A fresh copy of the clean module, as modules/oagw of a monorepo."""
    destination = tmp_path / "modules" / "oagw"
    shutil.copytree(CLEAN, destination)
    return destination


def findings(module_dir: Path, settings: Settings | None = None) -> list[tuple[str, str, int]]:
    """(code, document name, line) of every finding on the module."""
    diagnostics = check_module(load_module(module_dir), settings=settings or Settings())
    return [(d.code, Path(d.path).name, d.line) for d in diagnostics]


def edit(module_dir: Path, doc: str, *replacements: tuple[str, str]) -> None:
    path = module_dir / layout.DOCS_DIR / doc
    text = path.read_text(encoding="utf-8")
    for old, new in replacements:
        assert text.count(old) == 1, f"{old!r} must occur once in {doc}"
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")


def line_of(module_dir: Path, doc: str, needle: str) -> int:
    lines = (module_dir / layout.DOCS_DIR / doc).read_text(encoding="utf-8").splitlines()
    matches = [number for number, line in enumerate(lines, start=1) if needle in line]
    assert len(matches) == 1, f"{needle!r} must be on one line of {doc}, is on {matches}"
    return matches[0]


# --- the clean module ----------------------------------------------------------------------------
def test_clean_module_has_no_finding(module: Path) -> None:
    assert findings(module) == []


def test_clean_module_written_in_the_spec_literal_forms_has_no_finding(module: Path) -> None:
    # The spec groups scenarios under a bare `## PHASE-MODULE-01` and tasks under `## Phase 1`.
    edit(
        module,
        D.INTENT_SCENARIOS,
        ("## PHASE-OAGW-1: Basic Forwarding", "## PHASE-OAGW-01"),
        ("## PHASE-OAGW-2: Advanced Configuration", "## PHASE-OAGW-02"),
    )
    edit(
        module,
        D.TASKS,
        ("## PHASE-OAGW-1: Basic Forwarding", "## Phase 1"),
        ("## PHASE-OAGW-2: Advanced Configuration", "## Phase 2"),
    )
    assert findings(module) == []


# --- one defect per rule -------------------------------------------------------------------------
@dataclass(frozen=True)
class Defect:
    code: str
    doc: str
    edits: tuple[tuple[str, str], ...]
    at: tuple[str, ...]  # a text on each line the rule must report, in the edited document
    why: str = ""

    @property
    def id(self) -> str:
        return f"{self.code}-{self.why}" if self.why else self.code


DEFECTS = (
    Defect(
        "MF011",
        D.INTENT_DESIGN,
        (
            (
                "Outbound gateway module to route requests to upstream services.\n",
                "<<<<<<< before updating\nOutbound gateway module.\n=======\n"
                "Outbound gateway module to route requests to upstream services.\n>>>>>>> after updating\n",
            ),
        ),
        ("<<<<<<< before updating", "=======", ">>>>>>> after updating"),
    ),
    Defect("MF101", D.INTENT_SCENARIOS, (("### SCEN-OAGW-04:", "### SCEN-OAGW-4:"),), ("SCEN-OAGW-4:",)),
    Defect("MF101", D.TASKS, (("(REQ-10)", "(REQ-010)"),), ("REQ-010",), "global"),
    Defect("MF101", D.INTENT_REQUIREMENTS, (("(PHASE-OAGW-1)", "(PHASE-OAGW-001)"),), ("PHASE-OAGW-001",), "phase"),
    Defect("MF101", D.TASKS, (("### TASK-OAGW-06:", "### TASK-OAGW-006:"),), ("TASK-OAGW-006:",), "task"),
    Defect("MF101", D.INTENT_REQUIREMENTS, (("### REQ-OAGW-4:", "### REQ-OAGW-04:"),), ("REQ-OAGW-04:",), "req"),
    Defect("MF102", D.INTENT_SCENARIOS, (("(REQ-OAGW-3)", "(REQ-MODULE-3)"),), ("REQ-MODULE-3",)),
    Defect("MF103", D.TASKS, (("(REQ-OAGW-3)", "(REQ-CRED-3)"),), ("REQ-CRED-3",)),
    Defect(
        "MF104",
        D.INTENT_REQUIREMENTS,
        (
            (
                "Unhealthy upstreams are excluded from routing\n",
                "Unhealthy upstreams are excluded from routing\n\n"
                "### REQ-OAGW-1: Forwarding Again\nThe gateway MUST forward.\n",
            ),
        ),
        ("### REQ-OAGW-1: Forwarding Again",),
    ),
    Defect("MF201", D.TASKS, (("(REQ-OAGW-4, SCEN-OAGW-05)", "(REQ-OAGW-9, SCEN-OAGW-05)"),), ("REQ-OAGW-9",)),
    Defect(
        "MF202",
        D.CHANGELOG,
        (("- SCEN-OAGW-03: Upstream timeout", "- SCEN-OAGW-07: Upstream timeout"),),
        ("SCEN-OAGW-07",),
    ),
    Defect("MF203", D.TASKS, (("(TASK-OAGW-02)", "(TASK-OAGW-12)"),), ("TASK-OAGW-12",)),
    Defect("MF204", D.INTENT_REQUIREMENTS, (("default (PHASE-OAGW-2)", "default (PHASE-OAGW-3)"),), ("PHASE-OAGW-3",)),
    Defect(
        "MF204",
        D.TASKS,
        (("## PHASE-OAGW-2: Advanced Configuration", "## Phase 3"),),
        ("## Phase 3",),
        "legacy-section",
    ),
    Defect("MF205", D.INTENT_SCENARIOS, (("REQ-3, REQ-20)", "REQ-3, REQ-22)"),), ("REQ-22",)),
    Defect(
        "MF206",
        D.INTENT_REQUIREMENTS,
        (("permission (REQ-3).", "permission (REQ-3, SCEN-OAGW-02)."),),
        ("SCEN-OAGW-02",),
    ),
    Defect(
        "MF301",
        D.INTENT_REQUIREMENTS,
        (("```text\n", "### Open questions\nNone yet.\n\n```text\n"),),
        ("### Open questions",),
    ),
    Defect(
        "MF302",
        D.INTENT_REQUIREMENTS,
        (("The gateway MUST verify upstream health", "The gateway verifies upstream health"),),
        ("### REQ-OAGW-4:",),
    ),
    Defect(
        "MF401",
        D.INTENT_SCENARIOS,
        (
            (
                "  - nested detail bullets are free text\n",
                "  - nested detail bullets are free text\n\n### Open questions\n",
            ),
        ),
        ("### Open questions",),
    ),
    Defect(
        "MF402",
        D.INTENT_SCENARIOS,
        (
            (
                "- **WHEN** an endpoint has a custom timeout\n- **THEN** requests to it use that timeout",
                "- **THEN** requests to it use that timeout\n- **WHEN** an endpoint has a custom timeout",
            ),
        ),
        ("requests to it use that timeout",),
    ),
    Defect(
        "MF402",
        D.INTENT_SCENARIOS,
        (
            (
                "- **THEN** requests to it use that timeout instead of the default (REQ-OAGW-3)",
                "- **THEN** requests to it use that timeout instead of the default (REQ-OAGW-3)\n"
                "- **WHEN** the endpoint is called again",
            ),
        ),
        ("the endpoint is called again",),
        "when-after-then",
    ),
    Defect(
        "MF402",
        D.INTENT_SCENARIOS,
        (
            (
                "- **THEN** it is excluded from routing (REQ-OAGW-4)",
                "- **AND** it is excluded from routing (REQ-OAGW-4)",
            ),
        ),
        ("### SCEN-OAGW-05:",),
        "no-then",
    ),
    Defect(
        "MF403",
        D.INTENT_SCENARIOS,
        (
            (
                "- **AND** the upstream's response is returned unchanged",
                "- the upstream's response is returned unchanged",
            ),
        ),
        ("the upstream's response is returned unchanged",),
    ),
    Defect(
        "MF404",
        D.INTENT_SCENARIOS,
        (
            (
                "  - nested detail bullets are free text\n",
                "  - nested detail bullets are free text\n\n#### Error case\n"
                "- **WHEN** the health check itself fails\n- **THEN** the upstream stays excluded\n",
            ),
        ),
        ("#### Error case",),
    ),
    Defect(
        "MF405",
        D.INTENT_SCENARIOS,
        (
            (
                "## PHASE-OAGW-1: Basic Forwarding\n",
                "### SCEN-OAGW-06: Health endpoint\n- **WHEN** a probe calls the health endpoint\n"
                "- **THEN** it answers 200 (REQ-OAGW-4)\n\n## PHASE-OAGW-1: Basic Forwarding\n",
            ),
        ),
        ("### SCEN-OAGW-06:",),
    ),
    Defect("MF501", D.TASKS, (("### TASK-OAGW-06: Health Checks", "### 6. Health Checks"),), ("### 6. Health Checks",)),
    Defect(
        "MF502",
        D.TASKS,
        (
            ("### TASK-OAGW-06: Health Checks", "### TASK-OAGW-07: Health Checks"),
            ("- [ ] 6.1 ", "- [ ] 7.1 "),
            ("- [ ] 6.2 ", "- [ ] 7.2 "),
        ),
        ("### TASK-OAGW-07",),
    ),
    Defect("MF503", D.TASKS, (("- [x] 2.2 Implement", "- [x] 1.2 Implement"),), ("1.2 Implement authorization",)),
    Defect("MF504", D.TASKS, (("- [x] 2.3 Add tracing", "- [~] 2.3 Add tracing"),), ("2.3 Add tracing",)),
    Defect(
        "MF505",
        D.TASKS,
        (
            ("## PHASE-OAGW-1: Basic Forwarding\n", ""),
            ("### TASK-OAGW-02: Domain Layer", "## PHASE-OAGW-1: Basic Forwarding\n\n### TASK-OAGW-02: Domain Layer"),
        ),
        ("### TASK-OAGW-01",),
    ),
    Defect("MF601", D.CHANGELOG, (("## [0.1.1] - 2024-02-01", "## 0.1.1 - 2024-02-01"),), ("## 0.1.1",)),
    Defect("MF602", D.CHANGELOG, (("## [0.1.1] - 2024-02-01", "## [0.1] - 2024-02-01"),), ("## [0.1]",)),
    Defect("MF603", D.CHANGELOG, (("## [0.1.1] - 2024-02-01", "## [0.1.1] - 2024-02-30"),), ("## [0.1.1]",)),
    Defect("MF603", D.CHANGELOG, (("## [0.1.1] - 2024-02-01", "## [0.1.1]"),), ("## [0.1.1]",), "missing"),
    Defect("MF604", D.CHANGELOG, (("## [0.1.1] - 2024-02-01", "## [0.0.9] - 2024-02-01"),), ("## [0.1.0]",)),
    Defect(
        "MF604",
        D.CHANGELOG,
        (
            ("## [Unreleased]\n", ""),
            ("- SCEN-OAGW-03: Upstream timeout\n", "- SCEN-OAGW-03: Upstream timeout\n\n## [Unreleased]\n"),
        ),
        ("## [Unreleased]",),
        "unreleased-not-first",
    ),
    Defect("MF605", D.CHANGELOG, (("### Fixed", "### Bugfixes"),), ("### Bugfixes",)),
    Defect(
        "MF701",
        D.INTENT_VS_ACTUAL,
        (("### SCEN-OAGW-03: Upstream timeout", "### Upstream timeout"),),
        ("### Upstream timeout",),
    ),
    Defect(
        "MF702",
        D.INTENT_VS_ACTUAL,
        (("- **Gap:** Timeout value differs, documented in ADR-003\n", ""),),
        ("### SCEN-OAGW-03",),
    ),
    Defect(
        "MF802",
        D.ACTUAL_DESIGN,
        (("### Advanced Configuration (PHASE-OAGW-2)", "### PHASE-OAGW-2: Advanced Configuration"),),
        ("### PHASE-OAGW-2",),
    ),
    Defect(
        "MF802",
        D.INTENT_DESIGN,
        (("### Advanced Configuration (PHASE-OAGW-2)", "### Phase 2: Advanced Configuration"),),
        ("### Phase 2: Advanced Configuration",),
        "older-form",
    ),
    Defect(
        "MF803",
        D.ACTUAL_DESIGN,
        (("### Advanced Configuration (PHASE-OAGW-2)", "### Advanced Configuration (PHASE-OAGW-3)"),),
        ("PHASE-OAGW-3",),
    ),
    Defect(
        "MF901",
        D.INTENT_REQUIREMENTS,
        (("```text\n", "### REQ-OAGW-5: Metrics\nThe gateway SHOULD export request metrics.\n\n```text\n"),),
        ("### REQ-OAGW-5",),
    ),
    Defect(
        "MF902",
        D.INTENT_DESIGN,
        (
            (
                "- Implements: SCEN-OAGW-04, SCEN-OAGW-05\n",
                "- Implements: SCEN-OAGW-04, SCEN-OAGW-05\n\n### Hardening (PHASE-OAGW-3)\n",
            ),
        ),
        ("(PHASE-OAGW-3)",),
    ),
)


@pytest.mark.parametrize("defect", DEFECTS, ids=lambda d: d.id)
def test_each_defect_gives_exactly_its_rule_at_its_line(module: Path, defect: Defect) -> None:
    edit(module, defect.doc, *defect.edits)
    expected = [(defect.code, defect.doc, line_of(module, defect.doc, needle)) for needle in defect.at]
    assert findings(module) == sorted(expected, key=lambda f: f[2])


@pytest.mark.parametrize(
    "edits",
    [
        (("## [0.1.1] - 2024-02-01", "## [0.1.1] - 2024-01-15"),),  # two releases on the same day
        (("## [0.1.1] - 2024-02-01", "## [1.0.0] - 2024-02-01"),),  # a major release next
        (("## [0.1.1] - 2024-02-01", "## [0.10.0] - 2024-02-01"),),  # 10 > 1: versions compare as numbers
        (("## [Unreleased]\n", ""),),  # no Unreleased section
    ],
    ids=["same-day", "major", "two-digit-minor", "no-unreleased"],
)
def test_releases_that_keep_the_order_are_no_finding(module: Path, edits) -> None:
    edit(module, D.CHANGELOG, *edits)
    assert findings(module) == []


def test_clean_module_with_padded_phase_references_has_no_finding(module: Path) -> None:
    # PHASE-OAGW-01 is the spec's own spelling (its scenario example): accepted anywhere, not only in headings
    edit(module, D.INTENT_REQUIREMENTS, ("(PHASE-OAGW-1)", "(PHASE-OAGW-01)"))
    assert findings(module) == []


def test_malformed_definition_heading_is_reported_once_on_its_line(module: Path) -> None:
    edit(
        module, D.INTENT_REQUIREMENTS, ("### REQ-OAGW-4: Upstream Health Check", "### REQ-OAGW-4 Upstream Health Check")
    )
    line = line_of(module, D.INTENT_REQUIREMENTS, "### REQ-OAGW-4 Upstream")
    on_heading = [f for f in findings(module) if f[1:] == (D.INTENT_REQUIREMENTS, line)]
    assert on_heading == [("MF301", D.INTENT_REQUIREMENTS, line)]
    # and the references to the requirement it failed to define are reported where they are
    assert ("MF201", D.TASKS, line_of(module, D.TASKS, "REQ-OAGW-4")) in findings(module)


# --- documents the checker cannot read, merge leftovers ----------------------------------------------
def test_document_not_in_utf8_is_a_finding_not_a_traceback(module: Path) -> None:
    path = module / layout.DOCS_DIR / D.INTENT_SCENARIOS
    path.write_bytes(path.read_text(encoding="utf-8").encode("utf-16"))
    assert findings(module)[:1] == [("MF001", D.INTENT_SCENARIOS, 1)]


def test_binary_document_is_a_finding(module: Path) -> None:
    (module / layout.DOCS_DIR / D.INTENT_VS_ACTUAL).write_bytes(b"PK\x03\x04\x14\x00\x00\x00" * 64)  # a zip file
    assert findings(module) == [("MF001", D.INTENT_VS_ACTUAL, 1)]


def test_empty_document_is_a_warning(module: Path) -> None:
    (module / layout.DOCS_DIR / D.INTENT_VS_ACTUAL).write_text("\n  \n")
    assert findings(module) == [("MF002", D.INTENT_VS_ACTUAL, 1)]


def test_huge_document_is_a_finding(module: Path) -> None:
    text = (module / layout.DOCS_DIR / D.ACTUAL_DESIGN).read_text()
    (module / layout.DOCS_DIR / D.ACTUAL_DESIGN).write_text(text + "- filler line of generated content\n" * 200_000)
    assert findings(module) == [("MF001", D.ACTUAL_DESIGN, 1)]


def test_reject_file_left_by_an_update_is_an_error(module: Path) -> None:
    (module / layout.DOCS_DIR / "TASKS.md.rej").write_text("@@ -1,3 +1,4 @@\n+- [ ] 1.4 New item\n")
    assert findings(module) == [("MF012", "TASKS.md.rej", 1)]


def test_document_kept_under_its_legacy_name_too_is_an_error(module: Path) -> None:
    shutil.copy(module / layout.DOCS_DIR / D.INTENT_DESIGN, module / layout.DOCS_DIR / "1_INTENT_DESIGN.md")
    (diagnostic,) = check_module(load_module(module))
    assert (diagnostic.code, Path(diagnostic.path).name) == ("MF012", "1_INTENT_DESIGN.md")
    assert "older name of INTENT_DESIGN.md" in diagnostic.message


def test_invalid_prefix_in_the_answers_file_is_reported_once_not_on_every_id(module: Path) -> None:
    answers = module / layout.ANSWERS_FILE
    answers.write_text(answers.read_text().replace("id_prefix: OAGW", "id_prefix: oagw"))
    assert findings(module) == [("MF105", layout.ANSWERS_FILE, 1)]


@pytest.mark.parametrize(
    ("content", "line", "detail"),
    [
        (
            "category: x\n<<<<<<< before updating\nid_prefix: OAGW\n=======\nid_prefix: X\n>>>>>>> after\n",
            2,
            "conflict",
        ),
        ("id_prefix: [OAGW\nmodule_name: oagw\n", 2, "not valid YAML"),
        ("- id_prefix\n- OAGW\n", 1, "holds a list"),
        ("# Changes here will be overwritten by Copier\n", 1, "holds nothing"),
    ],
    ids=["conflict", "not-yaml", "list", "empty"],
)
def test_a_broken_answers_file_is_reported_and_the_prefix_comes_from_the_documents(
    module: Path, content: str, line: int, detail: str
) -> None:
    (module / layout.ANSWERS_FILE).write_text(content)
    (diagnostic,) = check_module(load_module(module))
    assert (diagnostic.code, Path(diagnostic.path).name, diagnostic.line) == ("MF003", layout.ANSWERS_FILE, line)
    assert detail in diagnostic.message
    assert "git checkout -- .copier-answers.yml" in diagnostic.message


# --- findings carry the column of the ID, and the rule's own message ---------------------------------
def test_finding_points_at_the_column_of_the_id_and_says_how_to_fix_it(module: Path) -> None:
    edit(module, D.TASKS, ("(TASK-OAGW-02)", "(TASK-OAGW-12)"))
    (diagnostic,) = check_module(load_module(module))
    line = (module / "docs" / D.TASKS).read_text().splitlines()[diagnostic.line - 1]
    assert line[diagnostic.column - 1 :].startswith("TASK-OAGW-12")
    assert (
        diagnostic.message
        == "TASK-OAGW-12 is not defined: add `### TASK-OAGW-12: Title` to TASKS.md, or fix the reference"
    )
    assert diagnostic.severity == "error"


def test_settings_select_and_ignore_rules(module: Path) -> None:
    edit(module, D.TASKS, ("(TASK-OAGW-02)", "(TASK-OAGW-12)"), ("- [x] 2.3 Add", "- [X] 2.3 Add"))
    assert [f[0] for f in findings(module)] == ["MF504", "MF203"]
    assert [f[0] for f in findings(module, Settings(ignore=("MF5",)))] == ["MF203"]
    assert [f[0] for f in findings(module, Settings(select=("MF504",)))] == ["MF504"]


# --- the step a module has reached: a new module has no finding -----------------------------------------
@pytest.mark.parametrize(
    "answers",
    [
        {},
        {"category": "gateway", "persistence": True, "phases": 3, "phase_titles": ["Core", "Retries", "Quotas"]},
        {"category": "worker", "gateway": "oagw", "phases": 1, "phase_titles": ["Plugin"]},
        {"category": "generic", "rest_api": False, "persistence": True, "gts": True},
        {
            "category": "gateway",
            "rest_api": False,
            "gts": False,
            "phases": 9,
            "phase_titles": [f"P{n}" for n in range(9)],
        },
    ],
    ids=["defaults", "gateway-3-phases", "worker-1-phase", "generic-no-rest-db-gts", "gateway-9-phases"],
)
def test_freshly_generated_module_has_no_finding(new_module, answers: dict) -> None:
    assert findings(new_module(id_prefix="CRED", **answers)) == []


def test_step1_design_that_names_scenario_ids_is_an_error(new_module) -> None:
    module_dir = new_module(id_prefix="CRED")
    edit(
        module_dir,
        D.INTENT_DESIGN,
        ("## Data Model\n", "## Data Model\n\n- Credentials, see SCEN-CRED-01 and REQ-CRED-2\n"),
    )
    line = line_of(module_dir, D.INTENT_DESIGN, "see SCEN-CRED-01")
    assert findings(module_dir) == [("MF801", D.INTENT_DESIGN, line), ("MF801", D.INTENT_DESIGN, line)]


def test_orphan_warnings_wait_until_scenarios_exist(new_module) -> None:
    module_dir = new_module(id_prefix="CRED")
    requirement = "### REQ-CRED-1: Storage\nThe module MUST store credentials encrypted (PHASE-CRED-1).\n"
    (module_dir / layout.DOCS_DIR / D.INTENT_REQUIREMENTS).write_text(f"# Requirements\n\n{requirement}")
    assert findings(module_dir) == []  # Step 2 half-way: requirements written, scenarios not yet
    edit(
        module_dir,
        D.INTENT_SCENARIOS,
        (
            "\n## PHASE-CRED-2",
            "\n### SCEN-CRED-01: Store\n- **WHEN** a credential is saved\n- **THEN** it is encrypted\n"
            "\n## PHASE-CRED-2",
        ),
    )
    # Now the requirement no scenario cites, and phase 2 without a scenario, are worth a warning.
    assert [f[:2] for f in findings(module_dir)] == [("MF902", D.INTENT_DESIGN), ("MF901", D.INTENT_REQUIREMENTS)]


# --- the registry --------------------------------------------------------------------------------------
def test_every_rule_has_a_unique_code_and_name_and_a_documented_purpose() -> None:
    assert len({r.code for r in RULES}) == len({r.name for r in RULES}) == len(RULES)
    for rule in RULES:
        assert re.fullmatch(r"MF\d{3}", rule.code), rule.code
        assert re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", rule.name), rule.name
        assert rule.severity in ("error", "warning")
        for part in ("**What it checks.**", "**Why.**", "**Example.**"):
            assert part in rule.doc, f"{rule.code} lacks {part}"


def test_every_rule_is_exercised_by_a_defect_fixture() -> None:
    covered = {d.code for d in DEFECTS} | {"MF001", "MF002", "MF003", "MF012", "MF105", "MF801"}
    assert covered == {r.code for r in RULES}


# --- robustness: any text gives findings, never an exception ------------------------------------------
# Lines in the shapes the rules look at, right and wrong, so random documents reach every rule's branches.
FRAGMENTS = [
    "### REQ-OAGW-1: Title",
    "### REQ-OAGW-01: Title",
    "## REQ-OAGW-2: Title",
    "### REQ-1: Global",
    "### SCEN-OAGW-01: Name",
    "### SCEN-OAGW-1:",
    "#### SCEN-OAGW-02: Nested",
    "### TASK-OAGW-01: Task",
    "### TASK-OAGW-03: Task",
    "### 2. Legacy task",
    "## PHASE-OAGW-1: Phase",
    "## PHASE-OAGW-01",
    "## Phase 2",
    "### Title (PHASE-OAGW-1)",
    "### Title (PHASE-OAGW-3)",
    "### PHASE-OAGW-2: Design phase",
    "## [Unreleased]",
    "## [0.1.0] - 2024-01-15",
    "## [0.2] - 15.01.2024",
    "## [1.0.0-rc.1] - 2024-13-40",
    "## v1",
    "### Added",
    "### Bugfixes",
    "- **WHEN** x (REQ-OAGW-1, SCEN-OAGW-09, TASK-OAGW-7, PHASE-OAGW-9, REQ-99)",
    "- **THEN** y (REQ-MODULE-1, REQ-X-1, SCEN-CRED-01)",
    "- **AND** z",
    "- **Intent:** a",
    "- **Actual:** b",
    "- **Gap:** c",
    "- [ ] 1.1 item",
    "- [x] 2.7 item",
    "- [X] item",
    "- [] 3 item",
    "  - [~] 1.1.1 nested",
    "- plain bullet",
    "The module MUST do it.",
    "<<<<<<< ours",
    "=======",
    ">>>>>>> theirs",
    "```",
    "<!-- SCEN-OAGW-05 -->",
    "> ### REQ-OAGW-9: quoted",
    "    ### indented code",
    "Setext heading",
    "---",
    "",
    "\t- tabbed bullet",
]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    documents=st.dictionaries(
        st.sampled_from(layout.PIPELINE_DOCS),
        st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=30)), max_size=40).map("\n".join),
        min_size=1,
    ),
    prefix=st.sampled_from(["OAGW", None]),
)
def test_any_documents_give_findings_never_an_exception(tmp_path_factory, documents: dict, prefix: str | None) -> None:
    module_dir = tmp_path_factory.mktemp("random") / "module"
    (module_dir / layout.DOCS_DIR).mkdir(parents=True)
    if prefix:
        (module_dir / layout.ANSWERS_FILE).write_text(f"id_prefix: {prefix}\nmodule_name: oagw\n")
    for name, text in documents.items():
        (module_dir / layout.DOCS_DIR / name).write_text(text, encoding="utf-8", errors="surrogatepass")
    known = {r.code: r.severity for r in RULES}
    for diagnostic in check_module(load_module(module_dir)):
        assert known[diagnostic.code] == diagnostic.severity
        assert diagnostic.line >= 1
        assert diagnostic.column >= 1
        assert diagnostic.message


@pytest.mark.parametrize(
    ("replacement", "expected"),
    [
        (
            ("TASK-OAGW-02: Domain", "TASK-OAGW-07: Domain"),
            [
                (14, "TASK-OAGW-07 skips TASK-OAGW-02 and more"),
                (19, "TASK-OAGW-03 comes after TASK-OAGW-07"),
                (24, "TASK-OAGW-04 comes after TASK-OAGW-07"),
                (30, "TASK-OAGW-05 comes after TASK-OAGW-07"),
                (35, "TASK-OAGW-06 comes after TASK-OAGW-07"),
            ],
        ),
        (
            ("TASK-OAGW-05: Timeout", "TASK-OAGW-03: Timeout"),
            [(30, "TASK-OAGW-03 repeats the task at line 19"), (35, "TASK-OAGW-06 skips TASK-OAGW-05")],
        ),
        (("TASK-OAGW-06: Health", "TASK-OAGW-07: Health"), [(35, "TASK-OAGW-07 skips TASK-OAGW-06")]),
        # An ID without its prefix: the one it should follow is named with the module's prefix.
        (("TASK-OAGW-06: Health", "TASK-09: Health"), [(35, "TASK-09 skips TASK-OAGW-06 and more")]),
    ],
    ids=["step-back", "repeat", "skip-one", "unprefixed"],
)
def test_task_sequence_names_the_task_it_expected(module: Path, replacement, expected) -> None:
    edit(module, D.TASKS, replacement)
    diagnostics = check_module(load_module(module), settings=Settings())
    fix = ": number tasks 1, 2, 3 ... across all phases, with no gap or repeat"
    assert [(d.line, d.message) for d in diagnostics if d.code == "MF502"] == [
        (line, message + fix) for line, message in expected
    ]
