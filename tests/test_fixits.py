"""Fix-it messages never propose an ID that is taken or proposed twice (issue 10).

A hand-made document full of outline-numbered headings (`### 1.9 Request Construction`) used to get
`### SCEN-OAGW-01: 9 Request Construction` for every heading of the group. The heading rules (MF301, MF401,
MF501), the prefix rule (MF103) and the design's phase headings (MF802) now keep the author's number when it
is free, give the others the next free numbers in order, and put a placeholder where only the author knows.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from modforge.checker.check import check_module
from modforge.config import Settings
from modforge.documents.loader import load_module
from modforge.spec import layout

CLEAN = Path(__file__).parent / "fixtures" / "check" / "clean-module"
PROPOSED_RE = re.compile(r"write `### (?P<id>[A-Z]+-[A-Z0-9<>]+-[0-9N<>]+): (?P<title>[^`]*)`")


@pytest.fixture
def module(tmp_path: Path) -> Path:
    return Path(shutil.copytree(CLEAN, tmp_path / "modules" / "oagw"))


def append(module: Path, doc: str, text: str) -> None:
    path = module / layout.DOCS_DIR / doc
    path.write_text(path.read_text(encoding="utf-8").rstrip("\n") + "\n\n" + text, encoding="utf-8")


def fixits(module: Path, code: str) -> list[tuple[str, int, str, str]]:
    """(document, line, proposed ID, proposed title) of every finding of `code`, in order."""
    found = []
    for d in check_module(load_module(module), settings=Settings()):
        if d.code == code:
            match = PROPOSED_RE.search(d.message)
            assert match, d.message
            found.append((Path(d.path).name, d.line, match["id"], match["title"]))
    return found


def defined_ids(module: Path, doc: str) -> set[str]:
    text = (module / layout.DOCS_DIR / doc).read_text(encoding="utf-8")
    return set(re.findall(r"^### ([A-Z]+-OAGW-\d+):", text, re.MULTILINE))


OUTLINE = """### 1.9 Request Construction
- **WHEN** a request is built for the upstream
- **THEN** its headers come from the route (REQ-OAGW-1)

### 1.10 Header Filtering
- **WHEN** a request carries hop-by-hop headers
- **THEN** they are dropped (REQ-OAGW-1)

### 1.11 Body Streaming
- **WHEN** a request body is larger than 1 MB
- **THEN** it is streamed to the upstream (REQ-OAGW-1)
"""


def test_a_group_of_outline_headings_gets_the_next_free_ids_in_order(module: Path) -> None:
    append(module, layout.INTENT_SCENARIOS, OUTLINE)
    found = fixits(module, "MF401")
    assert [(proposed, title) for _, _, proposed, title in found] == [
        ("SCEN-OAGW-06", "Request Construction"),
        ("SCEN-OAGW-07", "Header Filtering"),
        ("SCEN-OAGW-08", "Body Streaming"),
    ]
    assert not {proposed for *_, proposed, _ in found} & defined_ids(module, layout.INTENT_SCENARIOS)


def test_a_number_the_author_wrote_is_kept_when_free_and_replaced_when_taken(module: Path) -> None:
    append(
        module,
        layout.INTENT_SCENARIOS,
        OUTLINE
        + "\n### 2. Retry Budget\n- **WHEN** x\n- **THEN** y (REQ-OAGW-1)\n"  # SCEN-OAGW-02 is taken
        + "\n### SCEN-OAGW-06 Upstream Redirects\n- **WHEN** x\n- **THEN** y (REQ-OAGW-1)\n",  # free: kept
    )
    proposed = [(p, t) for *_, p, t in fixits(module, "MF401")]
    assert proposed == [
        ("SCEN-OAGW-07", "Request Construction"),
        ("SCEN-OAGW-08", "Header Filtering"),
        ("SCEN-OAGW-09", "Body Streaming"),
        ("SCEN-OAGW-10", "Retry Budget"),
        ("SCEN-OAGW-06", "Upstream Redirects"),
    ]
    assert len({p for p, _ in proposed}) == len(proposed)


def test_requirements_and_tasks_get_free_ids_too(module: Path) -> None:
    append(
        module,
        layout.INTENT_REQUIREMENTS,
        "### 2.1 Retries\nThe gateway MUST NOT retry.\n\n### 2.2 Limits\nIt MAY cap.\n",
    )
    append(module, layout.TASKS, "### 3. Docs\n- [ ] 3.1 Write them\n\n### 7. Release\n- [ ] 7.1 Tag it\n")
    assert [p for *_, p, _ in fixits(module, "MF301")] == ["REQ-OAGW-5", "REQ-OAGW-6"]
    assert [p for *_, p, _ in fixits(module, "MF501")] == ["TASK-OAGW-08", "TASK-OAGW-07"]


def test_an_actual_heading_takes_the_intent_id_of_its_title_or_a_placeholder(module: Path) -> None:
    append(
        module,
        layout.ACTUAL_SCENARIOS,
        "### 1.3 Upstream timeout\n- **WHEN** x\n- **THEN** y (REQ-OAGW-1)\n\n"
        "### 1.4 Something Unplanned\n- **WHEN** x\n- **THEN** y (REQ-OAGW-1)\n",
    )
    diagnostics = [d for d in check_module(load_module(module), settings=Settings()) if d.code == "MF401"]
    assert [PROPOSED_RE.search(d.message)["id"] for d in diagnostics] == ["SCEN-OAGW-03", "SCEN-OAGW-<NN>"]
    assert diagnostics[1].message.endswith("; <NN>: the number of the scenario of INTENT_SCENARIOS.md it reports on"), (
        "no invented ID where only the author knows which scenario it is"
    )


def test_foreign_prefixed_definitions_are_renumbered_to_free_ids(module: Path) -> None:
    append(
        module,
        layout.INTENT_REQUIREMENTS,
        "### REQ-CRED-1: Key Rotation\nKeys MUST rotate.\n\n### REQ-CRED-2: Key Length\nKeys MUST be long.\n",
    )
    append(module, layout.INTENT_SCENARIOS, "### SCEN-OAGW-06: Rotate\n- **WHEN** x\n- **THEN** y (REQ-CRED-1)\n")
    messages = {
        (Path(d.path).name, d.line): d.message
        for d in check_module(load_module(module), settings=Settings())
        if d.code == "MF103"
    }
    fixed = {m.split(": write ")[1] for m in messages.values()}
    assert fixed == {"REQ-OAGW-5", "REQ-OAGW-6"}, "REQ-OAGW-1 and 2 are taken: the next free ones, once each"
    scenario = [m for (doc, _), m in messages.items() if doc == layout.INTENT_SCENARIOS]
    assert scenario == [
        "REQ-CRED-1 has prefix CRED, but this module's prefix is OAGW (from .copier-answers.yml): write REQ-OAGW-5"
    ]


def test_an_older_design_phase_heading_never_gets_a_taken_phase(module: Path) -> None:
    append(module, layout.INTENT_DESIGN, "### Phase 1: Hardening\n- More limits\n")
    (message,) = [d.message for d in check_module(load_module(module), settings=Settings()) if d.code == "MF802"]
    assert message.endswith("write `### Hardening (PHASE-OAGW-3)`"), message
