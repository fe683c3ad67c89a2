"""Document names, section names and heading forms of the pipeline: their one definition.

The template renders headings with the `*_heading` functions below, the checker parses them with the
`*_RE` patterns beside them, and migrations rename documents with `LEGACY_DOC_NAMES`. Where the spec
writes a form two ways, the comment says which form modforge writes and which it also accepts
(README, "How modforge reads the spec"). Stdlib only (see grammar.py).
"""

from __future__ import annotations

import os
import re
from pathlib import PurePosixPath

from modforge.spec.grammar import ANY_PREFIX, NUMBER, IdKind

# --- files -------------------------------------------------------------------------------------
MODULES_DIR = "modules"  # where the monorepo keeps modules: modules/<module_name>/ (spec, "Standard artifacts")
# Where the platform keeps a gateway's plugins: modules/<gateway>/plugins/<plugin>/ (tenant-resolver's layout).
PLUGINS_DIR = "plugins"
E2E_TESTS_DIR = "testing/e2e/modules"  # E2E tests, one folder per module: <here>/<module_snake>/ (MODKIT conventions)
DOCS_DIR = "docs"
ANSWERS_FILE = ".copier-answers.yml"
GLOBAL_REQUIREMENTS_PATH = "guidelines/MODULE_REQUIREMENTS.md"

INTENT_DESIGN = "INTENT_DESIGN.md"
INTENT_REQUIREMENTS = "INTENT_REQUIREMENTS.md"
INTENT_SCENARIOS = "INTENT_SCENARIOS.md"
TASKS = "TASKS.md"
ACTUAL_DESIGN = "ACTUAL_DESIGN.md"
ACTUAL_REQUIREMENTS = "ACTUAL_REQUIREMENTS.md"
ACTUAL_SCENARIOS = "ACTUAL_SCENARIOS.md"
INTENT_VS_ACTUAL = "INTENT_VS_ACTUAL.md"
CHANGELOG = "CHANGELOG.md"

INTENT_DOCS = (INTENT_DESIGN, INTENT_REQUIREMENTS, INTENT_SCENARIOS)
ACTUAL_DOCS = (ACTUAL_DESIGN, ACTUAL_REQUIREMENTS, ACTUAL_SCENARIOS, INTENT_VS_ACTUAL)
PIPELINE_DOCS = (*INTENT_DOCS, TASKS, *ACTUAL_DOCS, CHANGELOG)
DESIGN_DOCS = (INTENT_DESIGN, ACTUAL_DESIGN)
REQUIREMENT_DOCS = (INTENT_REQUIREMENTS, ACTUAL_REQUIREMENTS)
SCENARIO_DOCS = (INTENT_SCENARIOS, ACTUAL_SCENARIOS)
_PIPELINE_NAMES = frozenset(PIPELINE_DOCS)

# The pipeline's documents numbered as the older prompt set numbered its files: slot 1 is the intent design ...
# slot 7 the gap analysis (MODKIT_CONVENTIONS, "Known variations").
SLOT_DOCS = (
    INTENT_DESIGN,
    INTENT_REQUIREMENTS,
    INTENT_SCENARIOS,
    ACTUAL_DESIGN,
    ACTUAL_REQUIREMENTS,
    ACTUAL_SCENARIOS,
    INTENT_VS_ACTUAL,
)
# The older prompt set's names, `<slot>_<today's name>`: 1_INTENT_DESIGN.md ... 7_INTENT_VS_ACTUAL.md.
LEGACY_DOC_NAMES = {f"{slot}_{name}": name for slot, name in enumerate(SLOT_DOCS, start=1)}
# Hand-made modules name a slot with words of their own: `2_INTENT_FACTS.md` is slot 2, the intent requirements,
# and `5_ACTUAL_FACTS.md` slot 5. The slot number decides; the words are the author's.
SLOT_NAME_RE = re.compile(r"(?P<slot>[1-7])_(?P<words>[A-Za-z][A-Za-z0-9_-]*)\.md")


def slot_document(file_name: str) -> str | None:
    """The pipeline document a slot-named file stands for (`2_INTENT_FACTS.md` -> `INTENT_REQUIREMENTS.md`),
    or None when the name has no slot number."""
    named = LEGACY_DOC_NAMES.get(file_name)
    if named is not None:
        return named
    match = SLOT_NAME_RE.fullmatch(file_name)
    return SLOT_DOCS[int(match["slot"]) - 1] if match else None


def pipeline_name(file_name: str) -> str | None:
    """The pipeline document a file of `docs/` is, by today's name or a slot name; None for any other file."""
    if file_name in _PIPELINE_NAMES:
        return file_name
    return slot_document(file_name) if file_name[:1].isdigit() else None


def module_dir(name: str, category: str = "generic", gateway: str = "", modules: str = MODULES_DIR) -> str:
    """The module folder, relative to the monorepo root: `modules/<name>`, or for a worker (a plugin of
    `gateway`) `modules/<gateway>/plugins/<name>`, where the platform puts plugins."""
    if category == "worker" and gateway:
        return f"{modules}/{gateway}/{PLUGINS_DIR}/{name}"
    return f"{modules}/{name}"


def crate_to_root(name: str, category: str, gateway: str) -> str:
    """The relative path from the module's crate (`<module dir>/<name>/`) back to the monorepo root."""
    depth = module_dir(name, category, gateway).count("/") + 2
    return "/".join([".."] * depth)


def gateway_of(destination: object) -> str:
    """The gateway a module copied to `.../<gateway>/plugins/<name>` plugs into, else ''. `copier update` run
    inside the module passes a relative destination ('.'), hence the absolute path."""
    folder = PurePosixPath(os.path.abspath(str(destination)).replace("\\", "/"))
    return folder.parent.parent.name if folder.parent.name == PLUGINS_DIR else ""


# --- which document may reference which kind of ID (spec, "Cross-reference relationships") -----
# The spec's table covers the intent documents and TASKS.md. A document may also name the kind it
# defines (a requirement citing a sibling requirement). ACTUAL documents follow their intent twin;
# INTENT_VS_ACTUAL.md and CHANGELOG.md, which the table leaves out, may name what they report on.
_ALL = frozenset(IdKind)
ALLOWED_REFERENCES: dict[str, frozenset[IdKind]] = {
    INTENT_DESIGN: frozenset({IdKind.GLOBAL_REQ, IdKind.REQ, IdKind.SCEN, IdKind.PHASE}),
    INTENT_REQUIREMENTS: frozenset({IdKind.GLOBAL_REQ, IdKind.PHASE, IdKind.REQ}),
    INTENT_SCENARIOS: frozenset({IdKind.GLOBAL_REQ, IdKind.REQ, IdKind.PHASE, IdKind.SCEN}),
    TASKS: _ALL,
    INTENT_VS_ACTUAL: _ALL,
    CHANGELOG: frozenset({IdKind.GLOBAL_REQ, IdKind.REQ, IdKind.SCEN, IdKind.PHASE}),
}
ALLOWED_REFERENCES[ACTUAL_DESIGN] = ALLOWED_REFERENCES[INTENT_DESIGN]
ALLOWED_REFERENCES[ACTUAL_REQUIREMENTS] = ALLOWED_REFERENCES[INTENT_REQUIREMENTS]
ALLOWED_REFERENCES[ACTUAL_SCENARIOS] = ALLOWED_REFERENCES[INTENT_SCENARIOS]

# --- INTENT_DESIGN.md sections (spec, Step 1.3 "Key outputs") ---------------------------------
DESIGN_SECTIONS = (
    ("overview", "Overview"),
    ("category", "Module Category"),
    ("dependencies", "Dependencies"),
    ("api", "API Surface"),
    ("data_model", "Data Model"),
    ("persistence", "Persistence"),
    ("security", "Security"),
    ("observability", "Observability"),
    ("gts", "GTS Types"),
    ("testing", "Testing Strategy"),
    ("phases", "Implementation Phases"),
)
DESIGN_SECTION = dict(DESIGN_SECTIONS)
DESIGN_SECTION_LEVEL = 2  # `## Overview`, ...: the design's sections are level-2 headings

# --- headings --------------------------------------------------------------------------------
# Definitions are level-3 headings `### <ID>: <Title>` (spec: requirement, scenario, task formats).
DEFINITION_LEVEL = 3
PHASE_SECTION_LEVEL = 2


def definition_heading(id_text: str, title: str) -> str:
    """`REQ-OAGW-42: Configurable Timeout` (the text after `### `)."""
    return f"{id_text}: {title}"


# Also matches the global `REQ-10: Title` headings of guidelines/MODULE_REQUIREMENTS.md.
DEFINITION_KEYWORDS = "|".join(kind.keyword for kind in (IdKind.REQ, IdKind.SCEN, IdKind.TASK))  # as a pattern
DEFINITION_RE = re.compile(rf"(?P<id>(?:{DEFINITION_KEYWORDS})-(?:{ANY_PREFIX}-)?{NUMBER})\s*:\s*(?P<title>.*\S)?\s*$")


def phase_section_heading(phase_id: str, title: str) -> str:
    """Phase group heading in INTENT_SCENARIOS.md and TASKS.md (the text after `## `).

    The spec writes `## PHASE-MODULE-01` over scenarios and `## Phase 1` over tasks; modforge writes
    one form in both, the phase ID then its title, and accepts the spec's two forms when reading.
    """
    return f"{phase_id}: {title}"


_PHASE_ID = rf"{IdKind.PHASE.keyword}-{ANY_PREFIX}-{NUMBER}"
PHASE_SECTION_RE = re.compile(rf"(?P<id>{_PHASE_ID})\s*(?::\s*(?P<title>.*\S))?\s*$")
LEGACY_PHASE_SECTION_RE = re.compile(rf"Phase\s+(?P<number>{NUMBER})\b\s*(?::\s*(?P<title>.*\S))?\s*$")


def design_phase_heading(phase_id: str, title: str) -> str:
    """Phase heading in INTENT_DESIGN.md, as the spec writes it: `Basic Forwarding (PHASE-OAGW-1)`."""
    return f"{title} ({phase_id})"


DESIGN_PHASE_RE = re.compile(rf"(?P<title>.*?)\s*\((?P<id>{_PHASE_ID})\)\s*$")

# The older prompt set's task headings, `### 1. SDK Implementation` (no TASK id), read for adoption.
LEGACY_TASK_RE = re.compile(rf"(?P<number>{NUMBER})\.\s+(?P<title>.*\S)\s*$")

# --- scenario, requirement, task and gap-analysis bodies -------------------------------------
STEP_KEYWORDS = ("WHEN", "THEN", "AND")
STEP_RE = re.compile(r"[-*+]\s+\*\*(?P<keyword>WHEN|THEN|AND)\*\*\s*(?P<text>.*)$")
NORMATIVE_KEYWORDS = ("MUST", "SHALL", "SHOULD", "MAY")
NORMATIVE_RE = re.compile(r"\b(?:MUST|SHALL|SHOULD|MAY)\b")
TASK_ITEM_RE = re.compile(rf"[-*+]\s+\[(?P<mark>[^\]]?)\]\s+(?P<number>{NUMBER}(?:\.{NUMBER})*)?\.?\s*(?P<text>.*)$")
# ACTUAL_SCENARIOS.md: one status line under each scenario heading, a paragraph (`**Status:** Implemented`)
SCENARIO_STATUSES = ("Implemented", "Partially implemented", "Not implemented", "Stub")
SCENARIO_STATUS_RE = re.compile(r"\*\*Status:\*\*[ \t]*(?P<status>[^\n]*?)[ \t]*$")
GAP_LABELS = ("Intent", "Actual", "Gap")
GAP_RE = re.compile(r"[-*+]\s+\*\*(?P<label>Intent|Actual|Gap):\*\*\s*(?P<text>.*)$")

# --- CHANGELOG.md (keepachangelog 1.0.0) --------------------------------------------------------
UNRELEASED = "Unreleased"
CHANGE_TYPES = ("Added", "Changed", "Deprecated", "Removed", "Fixed", "Security")
RELEASE_RE = re.compile(r"\[(?P<version>[^\]]+)\](?:\s+-\s+(?P<date>\S+))?\s*$")
SEMVER_RE = re.compile(r"(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?")
ISO_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")


def code_todo(phase_id: str) -> str:
    """The marker that stands for later-phase work in generated code (spec, Step 3.2)."""
    return f"TODO({phase_id})"
