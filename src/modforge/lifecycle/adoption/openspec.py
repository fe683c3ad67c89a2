"""`modforge adopt --from openspec`: OpenSpec requirements and scenarios as the pipeline's REQ and SCEN entries.

OpenSpec (Fission-AI/OpenSpec) keeps a capability's truth in `openspec/specs/<capability>/spec.md`:

    ### Requirement: User Settings Storage
    The system SHALL store ...

    #### Scenario: Settings are tenant and user scoped
    - **WHEN** a user retrieves their settings
    - **THEN** the system returns only that user's settings

Its requirements have no IDs (the heading text is the key). Conversion gives each requirement the next free
`REQ-<P>-N` in `INTENT_REQUIREMENTS.md` and each scenario the next free `SCEN-<P>-NN` in `INTENT_SCENARIOS.md`
(under the first phase), keeping every body line word for word; a scenario cites its requirement at the end
of its first THEN step, as the spec's scenario format does. Designs written in that style (a `docs/` design
holding `### Requirement:` blocks) are converted the same way, and their headings gain the new ID as a
cross-reference (Step 2.2). The OpenSpec files themselves are left as they are. Change folders
(`openspec/changes/`) hold proposals and history, not the current truth, so they are not read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from modforge.errors import ModforgeError
from modforge.filesystem import textcodec
from modforge.lifecycle import docops, migration
from modforge.lifecycle.adoption.headings import Rewritten
from modforge.lifecycle.migration import ModuleTree
from modforge.spec import grammar, layout
from modforge.spec.grammar import IdKind

SPECS_DIR = "openspec/specs"
SPEC_FILE = "spec.md"
REQUIREMENT_LEVEL, SCENARIO_LEVEL = 3, 4
_REQUIREMENT_RE = re.compile(r"Requirement\s*:\s*(?P<name>.*\S)", re.IGNORECASE)
_SCENARIO_RE = re.compile(r"Scenario\s*:\s*(?P<name>.*\S)", re.IGNORECASE)
_STEP_RE = re.compile(r"[ \t]{0,3}[-*+][ \t]+\*\*(?P<keyword>WHEN|THEN|AND|GIVEN)\*\*")
# Pipeline documents whose `### Requirement:` blocks are not a design's: the conversion's targets, and the
# tasks, gap analysis and changelog, which only quote requirements. A document of another name may be a design.
_NOT_DESIGNS = frozenset(layout.PIPELINE_DOCS) - set(layout.DESIGN_DOCS)


@dataclass
class Scenario:
    name: str
    heading: str  # the heading's text as written (`Scenario: Name`)
    line: int
    body: list[str]  # the lines under the heading, as written
    id: str = ""


@dataclass
class Requirement:
    name: str
    heading: str
    line: int
    body: list[str]
    scenarios: list[Scenario] = field(default_factory=list)
    id: str = ""


@dataclass
class Source:
    path: str  # relative to the module
    requirements: list[Requirement]
    purpose: list[str] = field(default_factory=list)  # the lines of a spec's `## Purpose`
    design: bool = False  # a design written in that style: its headings gain the IDs


@dataclass
class Conversion:
    sources: list[Source]

    @property
    def requirements(self) -> list[Requirement]:
        return [r for s in self.sources for r in s.requirements]

    @property
    def scenarios(self) -> list[Scenario]:
        return [c for r in self.requirements for c in r.scenarios]

    def mapping(self) -> list[str]:
        """One line per converted heading: where it was, what it became (the dry run shows them)."""
        lines = []
        for source in self.sources:
            for requirement in source.requirements:
                lines.append(f"{source.path}:{requirement.line} {requirement.heading} -> {requirement.id}")
                for scenario in requirement.scenarios:
                    lines.append(
                        f"{source.path}:{scenario.line}   {scenario.heading} -> {scenario.id} (cites {requirement.id})"
                    )
        return lines


def find_sources(tree: ModuleTree) -> list[Source]:
    """OpenSpec specs of the module (`openspec/specs/**/spec.md`), then its designs written in that style, read
    by the names adopt's renames gave them (a slot-named design not renamed is not read)."""
    sources = []
    # (globbing a folder that is not there finds nothing)
    paths = sorted(p for p in (tree.root / SPECS_DIR).rglob(SPEC_FILE) if p.is_file() and not p.is_symlink())
    for path in paths:
        relative = path.relative_to(tree.root).as_posix()
        sources.append(_parse(relative, tree.read(relative), design=False))
    for name in sorted(p.name for p in (tree.root / layout.DOCS_DIR).glob("*.md") if p.is_file()):
        current = layout.pipeline_name(name) or name  # after the slot renames
        if current in _NOT_DESIGNS:
            continue
        relative = tree.doc_path(current)
        text = tree.read(relative)
        if text and _REQUIREMENT_RE.search(text):
            source = _parse(relative, text, design=True)
            if source.requirements:
                sources.append(source)
    return [s for s in sources if s.requirements]


def _parse(relative: str, text: str, *, design: bool) -> Source:
    """The requirements and scenarios of one OpenSpec-style document (headings outside code only)."""
    doc = migration.parse_document(Path(relative), PurePosixPath(relative).name, text)
    lines = textcodec.lines(text)
    headings = list(doc.headings)
    requirements: list[Requirement] = []
    purpose: list[str] = []
    current: Requirement | None = None
    for index, heading in enumerate(headings):
        end = headings[index + 1].line - 1 if index + 1 < len(headings) else len(lines)
        body = _trimmed(lines[heading.line : end])
        requirement = _REQUIREMENT_RE.fullmatch(heading.text) if heading.level == REQUIREMENT_LEVEL else None
        scenario = _SCENARIO_RE.fullmatch(heading.text) if heading.level == SCENARIO_LEVEL else None
        if requirement:
            current = Requirement(requirement["name"], heading.text, heading.line, body)
            requirements.append(current)
        elif scenario and current is not None:
            current.scenarios.append(Scenario(scenario["name"], heading.text, heading.line, body))
        elif heading.level <= REQUIREMENT_LEVEL:
            current = None
            if heading.level == 2 and heading.text.strip().lower() == "purpose":
                purpose = body
        elif current is not None:  # a deeper heading inside a requirement's text: keep it there
            target = current.scenarios[-1] if current.scenarios else current
            target.body += ["", lines[heading.line - 1], *body]
    return Source(relative, requirements, purpose, design)


def _trimmed(lines: list[str]) -> list[str]:
    """`lines` without the blank lines before the first and after the last line of text."""
    text = [index for index, line in enumerate(lines) if line.strip()]
    return lines[text[0] : text[-1] + 1] if text else []


def convert(tree: ModuleTree, sources: list[Source], prefix: str, skeleton: Any, rewritten: Rewritten) -> Conversion:
    """Number every requirement and scenario of `sources` after the module's own, and write them into the
    intent requirements and scenarios (from the template's skeleton when the module lacks one)."""
    conversion = Conversion(sources)
    if not conversion.requirements:
        raise ModforgeError(
            f"--from openspec found no `### Requirement:` in {SPECS_DIR}/*/{SPEC_FILE} or in a design of "
            f"{layout.DOCS_DIR}/; adopt without --from openspec"
        )
    next_req = _highest(tree, IdKind.REQ) + 1
    next_scen = _highest(tree, IdKind.SCEN) + 1
    for requirement in conversion.requirements:
        requirement.id = grammar.format_id(IdKind.REQ, prefix, next_req)
        next_req += 1
        for scenario in requirement.scenarios:
            scenario.id = grammar.format_id(IdKind.SCEN, prefix, next_scen)
            next_scen += 1
    _write_requirements(tree, conversion, skeleton)
    _write_scenarios(tree, conversion, skeleton)
    for source in sources:
        if source.design:
            _cross_reference(tree, source, rewritten)
    return conversion


def _highest(tree: ModuleTree, kind: IdKind) -> int:
    """The highest number of `kind` the module's documents define (0 when none)."""
    numbers = [0]
    for name in layout.PIPELINE_DOCS:
        doc = tree.document(name)
        if doc is not None:
            numbers += [o.id.number for o in doc.ids if o.defines and o.id.kind is kind]
    return max(numbers)


def _entry(heading_id: str, name: str, body: list[str]) -> list[str]:
    return [f"### {layout.definition_heading(heading_id, name)}", *body, ""]


def _write_requirements(tree: ModuleTree, conversion: Conversion, skeleton: Any) -> None:
    path = tree.doc_path(layout.INTENT_REQUIREMENTS)
    lines: list[str] = []
    for source in conversion.sources:
        lines += [f"<!-- Converted from {source.path} by `modforge adopt --from openspec`. -->", ""]
        for requirement in source.requirements:
            lines += _entry(requirement.id, requirement.name, requirement.body)
    tree.write(path, _appended(tree.read(path) or skeleton(path), lines))


def _write_scenarios(tree: ModuleTree, conversion: Conversion, skeleton: Any) -> None:
    path = tree.doc_path(layout.INTENT_SCENARIOS)
    lines: list[str] = []
    for source in conversion.sources:
        if not any(r.scenarios for r in source.requirements):
            continue
        lines += [f"<!-- Converted from {source.path} by `modforge adopt --from openspec`. -->", ""]
        for requirement in source.requirements:
            for scenario in requirement.scenarios:
                lines += _entry(scenario.id, scenario.name, _citing(scenario.body, requirement.id))
    if not lines:
        return
    text = tree.read(path) or skeleton(path)
    doc = migration.parse_document(tree.root / path, layout.INTENT_SCENARIOS, text)
    first = doc.phases[0] if doc.phases else None
    if first is None:
        tree.write(path, _appended(text, lines))
        return
    existing = textcodec.lines(text, keepends=True)
    end = docops.section_end(doc, first.line, layout.PHASE_SECTION_LEVEL, len(existing)) - 1
    head, tail = "".join(existing[:end]), "".join(existing[end:])
    tree.write(path, _appended(head, lines) + ("\n" + tail if tail else ""))


def _citing(body: list[str], requirement_id: str) -> list[str]:
    """The scenario's lines with its requirement cited at the end of its first THEN step (before a colon that
    ends it; else at the end of its last step, else on a line of its own): every word as written, the
    citation added."""
    steps = [i for i, line in enumerate(body) if _STEP_RE.match(line)]
    then = [i for i in steps if _STEP_RE.match(body[i])["keyword"] == "THEN"]
    cited = list(body)
    if then or steps:
        index = (then or steps)[0 if then else -1]
        step = cited[index].rstrip()
        colon = ":" if step.endswith(":") else ""  # a step that introduces a block keeps its colon last
        cited[index] = f"{step.removesuffix(colon)} ({requirement_id}){colon}"
    else:
        cited.append(f"Requirement: {requirement_id}")
    return cited


def _appended(text: str, lines: list[str]) -> str:
    """`text` with `lines` after it, one blank line between."""
    body = text.rstrip("\n")
    return (body + "\n\n" if body else "") + "\n".join(lines).rstrip("\n") + "\n"


def _cross_reference(tree: ModuleTree, source: Source, rewritten: Rewritten) -> None:
    """Name the new IDs in the design's own headings: `### Requirement: Name (REQ-P-1)` (Step 2.2)."""
    lines = textcodec.lines(tree.read(source.path), keepends=True)
    for item in [*source.requirements, *(s for r in source.requirements for s in r.scenarios)]:
        docops.replace_heading(lines, item.line, f"{item.heading} ({item.id})")
        rewritten.setdefault(source.path, {})[item.line] = item.heading
    tree.write(source.path, "".join(lines))


def purpose_sentence(sources: list[Source]) -> tuple[str, str] | None:
    """The first sentence of the first spec's `## Purpose` as the module's description, and where it came from."""
    from modforge.lifecycle.adoption.inference import first_sentence

    for source in sources:
        sentence = first_sentence(source.purpose)
        if sentence:
            return sentence, f"the purpose of {source.path}"
    return None
