"""modforge.lifecycle.adoption.headings in process, literal text in and out: the older prompt set's `## Phase N`
and `### N. Title` headings get the spec's forms, a module without phases is made to agree with the documents
adoption adds (`group_by_phase`), and only heading lines change, or only lines are added or removed."""

from __future__ import annotations

from pathlib import Path

from modforge.lifecycle.adoption import headings
from modforge.lifecycle.migration import ModuleTree
from modforge.spec import layout

ANSWERS = {"id_prefix": "GW", "phase_titles": ["Basic Forwarding", "Advanced Configuration"]}


def tree_of(tmp_path: Path, **docs: str) -> ModuleTree:
    """A module folder whose docs/ holds `docs` (file name -> text) on disk."""
    root = tmp_path / "gateway"
    (root / layout.DOCS_DIR).mkdir(parents=True)
    for name, text in docs.items():
        (root / layout.DOCS_DIR / name).write_text(text)
    return ModuleTree(root, root)


def parsed(tree: ModuleTree) -> dict:
    """Every pipeline document, parsed (None when missing), in the pipeline's order, as adoption passes them."""
    return {name: tree.document(name) for name in layout.PIPELINE_DOCS}


def changed(tree: ModuleTree) -> dict[str, str]:
    return {change.path: change.after for change in tree.changes()}


# --- `## Phase N` -> `## PHASE-<P>-N: Title` ------------------------------------------------------------------
LEGACY_DESIGN = """# Gateway: Design

## Implementation Phases

### Phase 1: Basic Forwarding
Plain forwarding.

### Phase 2
Timeouts and retries.
"""

LEGACY_TASKS = """# Gateway: Tasks

## Phase 1: Basic Forwarding

### 1. SDK Implementation
- [ ] 1.1 Define the client

## Phase 2

### 2. Domain Layer

## Phase 3
"""

# Already in the spec's form: left as it is.
SCENARIOS = """# Gateway: Intent Scenarios

## PHASE-GW-1: Basic Forwarding

### SCEN-GW-01: Forward a request
- **WHEN** a request arrives
- **THEN** it is forwarded (REQ-GW-1)
"""

# Not a document phases are rewritten in.
REQUIREMENTS = """# Gateway: Intent Requirements

## Phase 1

### REQ-GW-1: Forwarding
The gateway SHALL forward requests.
"""


def test_legacy_phase_headings_get_their_phase_id_and_keep_their_title(tmp_path) -> None:
    tree = tree_of(
        tmp_path,
        **{
            layout.INTENT_DESIGN: LEGACY_DESIGN,
            layout.INTENT_REQUIREMENTS: REQUIREMENTS,
            layout.INTENT_SCENARIOS: SCENARIOS,
            layout.TASKS: LEGACY_TASKS,
        },
    )
    rewritten = {"docs/notes.md": {1: "kept"}}
    count = headings.rewrite_phase_headings(tree, parsed(tree), ANSWERS, rewritten)
    assert count == 5
    assert changed(tree) == {
        "docs/INTENT_DESIGN.md": """# Gateway: Design

## Implementation Phases

### Basic Forwarding (PHASE-GW-1)
Plain forwarding.

### Advanced Configuration (PHASE-GW-2)
Timeouts and retries.
""",
        "docs/TASKS.md": """# Gateway: Tasks

## PHASE-GW-1: Basic Forwarding

### 1. SDK Implementation
- [ ] 1.1 Define the client

## PHASE-GW-2: Advanced Configuration

### 2. Domain Layer

## PHASE-GW-3: Phase 3
""",
    }, "a heading's own title stays; else the answers' title; past the answers' titles, `Phase N`"
    assert rewritten == {
        "docs/notes.md": {1: "kept"},
        "docs/INTENT_DESIGN.md": {5: "Basic Forwarding", 8: "Advanced Configuration"},
        "docs/TASKS.md": {3: "Basic Forwarding", 8: "Advanced Configuration", 12: "Phase 3"},
    }


def test_phase_headings_in_a_document_without_legacy_ones_are_left_alone(tmp_path) -> None:
    tree = tree_of(tmp_path, **{layout.INTENT_SCENARIOS: SCENARIOS, layout.TASKS: LEGACY_TASKS})
    docs = {layout.ACTUAL_SCENARIOS: None, **parsed(tree)}
    rewritten: dict = {}
    assert headings.rewrite_phase_headings(tree, docs, ANSWERS, rewritten) == 3
    assert list(changed(tree)) == ["docs/TASKS.md"]
    assert list(rewritten) == ["docs/TASKS.md"]


def test_no_legacy_phase_heading_changes_nothing(tmp_path) -> None:
    tree = tree_of(tmp_path, **{layout.INTENT_SCENARIOS: SCENARIOS, layout.INTENT_REQUIREMENTS: REQUIREMENTS})
    rewritten: dict = {}
    assert headings.rewrite_phase_headings(tree, parsed(tree), ANSWERS, rewritten) == 0
    assert changed(tree) == {}
    assert rewritten == {}


def test_phase_headings_read_from_the_parser() -> None:
    from modforge.documents import parser

    doc = parser.parse_text(LEGACY_TASKS.replace("## Phase 3", "## PHASE-GW-3: Hardening"), Path("T.md"), "TASKS.md")
    assert headings.phase_headings(doc) == [
        (3, 1, "Basic Forwarding", True),
        (8, 2, None, True),
        (12, 3, "Hardening", False),
    ]


# --- `### N. Title` -> `### TASK-<P>-NN: Title` ------------------------------------------------------------------
TASK_GROUPS = """# Gateway: Tasks

### 1. SDK Implementation
- [ ] 1.1 Define the client

### TASK-GW-02: Domain Layer

### TASK-GW-04: REST API

### 2. Infrastructure
- [x] 2.1 Write the repository
"""


def test_task_groups_are_numbered_in_order_skipping_numbers_in_use(tmp_path) -> None:
    tree = tree_of(tmp_path, **{layout.TASKS: TASK_GROUPS})
    rewritten: dict = {}
    given = headings.assign_task_ids(tree, tree.document(layout.TASKS), "GW", rewritten)
    assert given == ["TASK-GW-01", "TASK-GW-03"]
    assert changed(tree) == {
        "docs/TASKS.md": """# Gateway: Tasks

### TASK-GW-01: SDK Implementation
- [ ] 1.1 Define the client

### TASK-GW-02: Domain Layer

### TASK-GW-04: REST API

### TASK-GW-03: Infrastructure
- [x] 2.1 Write the repository
"""
    }
    assert rewritten == {"docs/TASKS.md": {3: "SDK Implementation", 10: "Infrastructure"}}


def test_a_single_task_group_takes_the_first_free_number(tmp_path) -> None:
    tree = tree_of(tmp_path, **{layout.TASKS: "# Tasks\n\n### TASK-GW-02: SDK\n\n### 1. Domain\n"})
    assert headings.assign_task_ids(tree, tree.document(layout.TASKS), "GW", {}) == ["TASK-GW-01"]
    assert changed(tree) == {"docs/TASKS.md": "# Tasks\n\n### TASK-GW-02: SDK\n\n### TASK-GW-01: Domain\n"}


def test_task_ids_without_a_tasks_document_or_a_group_without_id(tmp_path) -> None:
    tree = tree_of(tmp_path, **{layout.TASKS: "# Tasks\n\n### TASK-GW-01: SDK\n"})
    rewritten: dict = {}
    assert headings.assign_task_ids(tree, None, "GW", rewritten) == []
    assert headings.assign_task_ids(tree, tree.document(layout.TASKS), "GW", rewritten) == []
    assert changed(tree) == {}
    assert rewritten == {}


# --- group_by_phase: a module without phases once adoption adds a document that groups by phase ---------------
DESIGN = "# Gateway: Design\n\n## Overview\nForwards requests on UNIX\n\n"
PRISTINE_DESIGN = """# Gateway: Design

## Overview
TODO

## Implementation Phases

### Basic Forwarding (PHASE-GW-1)
What the first phase delivers on UNIX


## Appendix
"""
UNGROUPED_SCENARIOS = """# Gateway: Intent Scenarios

Scenarios of the gateway.

### SCEN-GW-01: Forward a request
- **WHEN** a request arrives
- **THEN** it is forwarded (REQ-GW-1)
"""
UNGROUPED_TASKS = "# Gateway: Tasks\n\n### TASK-GW-01: SDK Implementation\n- [ ] 1.1 Define the client\n"
GROUPED_TASKS = """# Gateway: Tasks

## PHASE-GW-1: Basic Forwarding

### TASK-GW-01: SDK Implementation
- [ ] 1.1 Define the client
"""


def skeleton_of(text: str, asked: list[str]):
    def skeleton(path: str) -> str:
        asked.append(path)
        return text

    return skeleton


def test_a_module_without_phases_gets_the_design_section_and_its_items_grouped(tmp_path) -> None:
    tree = tree_of(
        tmp_path,
        **{layout.INTENT_DESIGN: DESIGN, layout.INTENT_SCENARIOS: UNGROUPED_SCENARIOS, layout.TASKS: UNGROUPED_TASKS},
    )
    tree.write("docs/ACTUAL_SCENARIOS.md", "# Gateway: Actual Scenarios\n\n## PHASE-GW-1: Basic Forwarding\n")
    asked: list[str] = []
    done = headings.group_by_phase(tree, ANSWERS, skeleton_of(PRISTINE_DESIGN, asked))
    assert done == [
        "add the section `## Implementation Phases` to docs/INTENT_DESIGN.md: it defined no phase, and phase "
        "sections name one",
        "group the scenarios of INTENT_SCENARIOS.md under `## PHASE-GW-1: Basic Forwarding`",
        "group the tasks of TASKS.md under `## PHASE-GW-1: Basic Forwarding`",
    ]
    assert asked == ["docs/INTENT_DESIGN.md"]
    after = changed(tree)
    assert (
        after["docs/INTENT_DESIGN.md"]
        == """# Gateway: Design

## Overview
Forwards requests on UNIX

## Implementation Phases

### Basic Forwarding (PHASE-GW-1)
What the first phase delivers on UNIX
"""
    )
    assert (
        after["docs/INTENT_SCENARIOS.md"]
        == """# Gateway: Intent Scenarios

Scenarios of the gateway.

## PHASE-GW-1: Basic Forwarding

### SCEN-GW-01: Forward a request
- **WHEN** a request arrives
- **THEN** it is forwarded (REQ-GW-1)
"""
    )
    assert after["docs/TASKS.md"] == GROUPED_TASKS
    assert after["docs/ACTUAL_SCENARIOS.md"] == "# Gateway: Actual Scenarios\n\n## PHASE-GW-1: Basic Forwarding\n"


def test_the_design_and_its_phases_section_keep_their_trailing_blanks(tmp_path) -> None:
    design = "# Gateway: Design\n\n## Overview\nForwards requests.  \n"  # a hard line break
    tree = tree_of(tmp_path, **{layout.INTENT_DESIGN: design, layout.TASKS: UNGROUPED_TASKS})
    tree.write("docs/INTENT_SCENARIOS.md", "# Gateway: Intent Scenarios\n\n## PHASE-GW-1: Basic Forwarding\n")
    pristine = "# D\n\n## Implementation Phases\n\n### Basic Forwarding (PHASE-GW-1)\nFirst.  \n## Appendix\n"
    headings.group_by_phase(tree, ANSWERS, skeleton_of(pristine, []))
    assert changed(tree)["docs/INTENT_DESIGN.md"] == (
        "# Gateway: Design\n\n## Overview\nForwards requests.  \n\n"
        "## Implementation Phases\n\n### Basic Forwarding (PHASE-GW-1)\nFirst.  \n"
    )


def test_only_documents_outside_every_phase_are_grouped(tmp_path) -> None:
    tree = tree_of(tmp_path, **{layout.INTENT_DESIGN: DESIGN, layout.INTENT_SCENARIOS: UNGROUPED_SCENARIOS})
    tree.write("docs/TASKS.md", GROUPED_TASKS)
    done = headings.group_by_phase(tree, ANSWERS, skeleton_of(PRISTINE_DESIGN, []))
    assert done[1:] == ["group the scenarios of INTENT_SCENARIOS.md under `## PHASE-GW-1: Basic Forwarding`"]
    assert changed(tree)["docs/TASKS.md"] == GROUPED_TASKS


def test_nothing_is_grouped_when_the_design_defines_phases_or_nothing_groups(tmp_path) -> None:
    phased_design = DESIGN + "## Implementation Phases\n\n### Basic Forwarding (PHASE-GW-1)\n"
    cases = {
        "the intent design defines phases": {layout.INTENT_DESIGN: phased_design, layout.TASKS: GROUPED_TASKS},
        "the actual design defines them": {
            layout.INTENT_DESIGN: DESIGN,
            layout.ACTUAL_DESIGN: phased_design,
            layout.TASKS: GROUPED_TASKS,
        },
        "no document groups by phase": {layout.INTENT_DESIGN: DESIGN, layout.TASKS: UNGROUPED_TASKS},
        "only an actual design, no intent design to complete": {
            layout.ACTUAL_DESIGN: DESIGN,
            layout.INTENT_SCENARIOS: UNGROUPED_SCENARIOS,
        },
    }
    for number, (case, docs) in enumerate(cases.items()):
        tree = tree_of(tmp_path / str(number), **docs)
        asked: list[str] = []
        assert headings.group_by_phase(tree, ANSWERS, skeleton_of(PRISTINE_DESIGN, asked)) == [], case
        assert changed(tree) == {}, case
        assert asked == [], case


def test_a_kept_actual_design_keeps_the_phases_of_documents_adoption_adds(tmp_path) -> None:
    tree = tree_of(tmp_path, **{layout.ACTUAL_DESIGN: DESIGN})
    tree.write("docs/TASKS.md", GROUPED_TASKS)
    assert headings.group_by_phase(tree, ANSWERS, skeleton_of(PRISTINE_DESIGN, [])) == []
    assert changed(tree) == {"docs/TASKS.md": GROUPED_TASKS}


def test_a_skeleton_without_the_phases_section_adds_nothing(tmp_path) -> None:
    tree = tree_of(tmp_path, **{layout.INTENT_DESIGN: DESIGN, layout.INTENT_SCENARIOS: UNGROUPED_SCENARIOS})
    tree.write("docs/TASKS.md", GROUPED_TASKS)
    skeleton = skeleton_of("# Gateway: Design\n\n## Overview\n\n### Implementation Phases\n", [])
    assert headings.group_by_phase(tree, ANSWERS, skeleton) == []
    assert changed(tree) == {"docs/TASKS.md": GROUPED_TASKS}


# --- no design at all: the documents adoption adds lose their phase headings ----------------------------------
ADDED_TASKS = """# Gateway: Tasks

## PHASE-GW-2: Advanced Configuration

### TASK-GW-01: SDK Implementation
- [ ] 1.1 Define the client

## PHASE-GW-1: Basic Forwarding
### TASK-GW-02: Domain Layer

## PHASE-GW-3: Hardening
"""


def test_without_a_design_added_documents_lose_their_phase_headings(tmp_path) -> None:
    tree = tree_of(tmp_path, **{layout.INTENT_SCENARIOS: SCENARIOS})
    tree.write("docs/TASKS.md", ADDED_TASKS)
    done = headings.group_by_phase(tree, ANSWERS, skeleton_of(PRISTINE_DESIGN, []))
    assert done == ["write docs/TASKS.md without phase sections: no design defines phases"]
    assert changed(tree) == {
        "docs/TASKS.md": """# Gateway: Tasks

### TASK-GW-01: SDK Implementation
- [ ] 1.1 Define the client

### TASK-GW-02: Domain Layer

"""
    }, "each phase heading goes with the blank line under it, and only that; the module's own document stays"


def test_an_added_document_without_phases_is_left_as_it_is(tmp_path) -> None:
    tree = tree_of(tmp_path)
    tree.write("docs/ACTUAL_SCENARIOS.md", "# Gateway: Actual Scenarios\n")
    tree.write("docs/TASKS.md", "# Gateway: Tasks\n\n## PHASE-GW-1: Basic Forwarding\n\n### TASK-GW-01: SDK\n")
    done = headings.group_by_phase(tree, ANSWERS, skeleton_of(PRISTINE_DESIGN, []))
    assert done == ["write docs/TASKS.md without phase sections: no design defines phases"]
    assert changed(tree) == {
        "docs/ACTUAL_SCENARIOS.md": "# Gateway: Actual Scenarios\n",
        "docs/TASKS.md": "# Gateway: Tasks\n\n### TASK-GW-01: SDK\n",
    }
