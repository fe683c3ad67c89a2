"""What `status`, `trace` and `gate` need to know about one module's documents, as plain data: its facts.

Facts are computed in the checker's own pass (modforge.checker.engine) and cached beside its findings, keyed
by the same content hash, so a monorepo's `status` or `trace` costs about one `check`. Two builders give the
same facts, and tests/test_pipeline_facts.py proves it on every fixture and on the benchmark's modules:

- `from_module`, from the document model (modforge.documents.model): the one reading of any module;
- `from_canonical`, for a module modforge.checker.quickcheck has proven clean, which is never parsed in full:
  its documents are then in the spec's canonical line grammar, where `#` opens a line only in a heading and a
  heading is exactly the form modforge.spec.layout defines, so the facts are read with the same layout
  patterns from a few whole-text passes.

The shape (JSON- and marshal-safe; IDs in their canonical spelling, lines 1-based, paths relative to the
module root with `/`):

    {"docs": {name: path},
     "design": [[section title, line, written], ...],        # level-2 sections of INTENT_DESIGN.md
     "design_refs": [id, ...],                               # module REQ and SCEN IDs the intent design names
     "phases": [[number, id, title, line], ...],             # the phases INTENT_DESIGN.md defines
     "defs": {doc name: [[id, line, title, phase number or None, [cited id, ...], extra], ...]},
     "gaps": [[id or None, line, [label, ...]], ...],        # INTENT_VS_ACTUAL.md entries
     "releases": [[version, date or None, line, [[id, line], ...]], ...]}   # CHANGELOG.md, SCEN IDs per entry

`defs` holds the requirements, scenarios and tasks of the documents that define them; `extra` is `[done, total]`
checkboxes for a task, the `**Status:**` of a scenario in ACTUAL_SCENARIOS.md, else None. A definition cites the
IDs written in its section (the lines under its heading, to the next heading), its own excluded, sorted as
strings (a set in C on both paths: a module holds IDs by the thousand).
"""

from __future__ import annotations

import os
import re
from bisect import bisect_right

from modforge.spec import layout
from modforge.spec.grammar import ID_FIND_RES, KEYWORDS, IdKind, ParsedId, format_id, parse_id

# Documents whose definitions are facts, and the kind each defines.
DEFINING = {
    layout.INTENT_REQUIREMENTS: IdKind.REQ,
    layout.INTENT_SCENARIOS: IdKind.SCEN,
    layout.ACTUAL_SCENARIOS: IdKind.SCEN,
    layout.TASKS: IdKind.TASK,
}
# Documents whose definitions' citations are facts (the links of the traceability matrix).
CITING = frozenset({layout.INTENT_REQUIREMENTS, layout.INTENT_SCENARIOS, layout.TASKS})
Facts = dict

_CANONICAL: dict[str, str] = {}


def canonical(text: str) -> str:
    """The canonical spelling of the ID `text` (`SCEN-X-1` -> `SCEN-X-01`), once per spelling per process."""
    found = _CANONICAL.get(text)
    if found is None:
        parsed = parse_id(text)
        found = _CANONICAL[text] = _canonical_of(parsed) if parsed else text
    return found


def _canonical_of(parsed: ParsedId) -> str:
    return format_id(parsed.kind, parsed.prefix, parsed.number)


def _relative(path: str, root: str) -> str:
    return os.path.relpath(path, root).replace(os.sep, "/")


# --- shared: definitions plus ID occurrences and heading lines give the facts --------------------
class _Doc:
    """One document reduced to what facts are made of, by either builder."""

    __slots__ = ("citing", "definitions", "heading_lines", "occurrences")

    def __init__(self, citing: bool) -> None:
        self.citing = citing
        self.definitions: list[list] = []  # [id, line, title, phase number, extra]
        self.heading_lines: list[int] = []  # sorted
        self.occurrences: list[tuple[int, str]] = []  # (line, canonical id), sorted by line

    def defs(self) -> list[list]:
        lines = [line for line, _ in self.occurrences]
        tokens = [token for _, token in self.occurrences]
        out = []
        for id_text, line, title, phase, extra in self.definitions:
            following = bisect_right(self.heading_lines, line)
            stop = self.heading_lines[following] if following < len(self.heading_lines) else 1 << 30
            cited = set(tokens[bisect_right(lines, line) : bisect_right(lines, stop - 1)]) if self.citing else set()
            cited.discard(id_text)
            out.append([id_text, line, title, phase, sorted(cited), extra])
        return out


def _written_sections(visible: str, headings: list[tuple[int, str, int]]) -> list[list]:
    """[title, line, written] of each level-2 section: written when a line under it, other than a heading,
    holds visible text (the skeleton's guidance is in HTML comments, which are not visible)."""
    lines = visible.split("\n")  # visible starts with "\n": index = line number
    heading_lines = {line for _, _, line in headings}
    level2 = [(text, line) for level, text, line in headings if level == layout.DESIGN_SECTION_LEVEL]
    bounds = sorted(line for level, _, line in headings if level <= layout.DESIGN_SECTION_LEVEL)
    sections = []
    for text, line in level2:
        following = bisect_right(bounds, line)
        stop = bounds[following] if following < len(bounds) else len(lines)
        written = any(lines[n].strip() for n in range(line + 1, stop) if n not in heading_lines)
        sections.append([text, line, written])
    return sections


def _module_refs(ids) -> list[str]:
    """The module requirement and scenario IDs among `ids` (canonical spellings), sorted."""
    return sorted({i for i in ids if i.startswith("SCEN-") or (i.startswith("REQ-") and i.count("-") == 2)})


# The answers status and gates read (the answers file is part of the key facts are cached under).
ANSWER_KEYS = (
    "module_name",
    "id_prefix",
    "category",
    "rest_api",
    "persistence",
    "gts",
    "phases",
    "phase_titles",
    "owner",
    "_commit",
    "_src_path",
)


def _plain(value):
    if isinstance(value, (str, bool, int, float)) or value is None:
        return value
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return str(value)


def _empty(docs: dict[str, str], answers: dict | None, prefix: str | None) -> Facts:
    kept = {key: _plain(answers[key]) for key in ANSWER_KEYS if key in answers} if answers else None
    return {
        "answers": kept,
        "prefix": prefix,
        "docs": docs,
        "design": [],
        "design_refs": [],
        "phases": [],
        "defs": {},
        "gaps": [],
        "releases": [],
    }


# --- from the document model ----------------------------------------------------------------------
def from_module(module, source=None) -> Facts:
    """The facts of a parsed module (modforge.documents.model.Module). `source` (its ModuleSource) gives the
    design's bytes for the written-sections fact; without it the design is read from disk."""
    root = str(module.root)
    docs = {name: _relative(str(doc.path), root) for name, doc in module.documents.items()}
    facts = _empty(docs, module.answers, module.prefix)
    design = module.documents.get(layout.INTENT_DESIGN)
    if design is not None:
        facts["phases"] = [[p.number, _canonical_of(p.id), p.title, p.line] for p in design.phases if p.id is not None]
        facts["design_refs"] = _module_refs(_canonical_of(parsed) for parsed in design.distinct_ids)
        visible = _visible_of(design.path, source)
        if visible is not None:
            headings = [(h.level, h.text, h.line) for h in design.headings]
            facts["design"] = _written_sections(visible, headings)
    for name, kind in DEFINING.items():
        doc = module.documents.get(name)
        if doc is None:
            continue
        reduced = _Doc(name in CITING)
        reduced.heading_lines = sorted(h.line for h in doc.headings)
        reduced.occurrences = [(o.line, _canonical_of(o.id)) for o in doc.ids] if reduced.citing else []
        if kind is IdKind.REQ:
            items = [(r.id, r.line, r.title, r.phase, None) for r in doc.requirements]
        elif kind is IdKind.SCEN:
            status = name == layout.ACTUAL_SCENARIOS
            items = [(s.id, s.line, s.title, s.phase, s.status if status else None) for s in doc.scenarios]
        else:
            items = [
                (t.id, t.line, t.title, t.phase, [sum(1 for s in t.subtasks if s.done), len(t.subtasks)])
                for t in doc.tasks
                if t.id is not None
            ]
        reduced.definitions = [
            [_canonical_of(parsed), line, title, phase.number if phase else None, extra]
            for parsed, line, title, phase, extra in items
        ]
        facts["defs"][name] = reduced.defs()
    gaps = module.documents.get(layout.INTENT_VS_ACTUAL)
    if gaps is not None:
        facts["gaps"] = [
            [_canonical_of(g.id) if g.id else None, g.line, [label for label, _ in g.labels]] for g in gaps.gaps
        ]
    changelog = module.documents.get(layout.CHANGELOG)
    if changelog is not None:
        facts["releases"] = [
            [r.version, r.date, r.line, _release_entries((line, text) for s in r.sections for line, text in s.entries)]
            for r in changelog.releases
        ]
    return facts


def _release_entries(entries, spell=canonical) -> list[list]:
    """[scenario id, line] of each scenario a changelog entry names."""
    find = ID_FIND_RES[1].findall  # SCEN
    return [[spell(token), line] for line, text in entries for token in find(text)]


def _visible_of(path, source) -> str | None:
    """The design's text as the parser sees it (code, comments and code spans blanked), "\\n" in front."""
    from modforge.documents import blockscan
    from modforge.documents.doctext import readable_text

    data = None
    if source is not None:
        data = next((d for name, _p, d in source.documents if name == layout.INTENT_DESIGN), None)
    if data is None:
        try:
            data = open(path, "rb").read()  # noqa: SIM115 - read once, closed by the collector at once
        except OSError:
            return None
    text = readable_text(data)
    return None if text is None else blockscan.scan(text).visible


# --- from a canonical module (proven clean, never parsed in full) ---------------------------------
# A canonical text is a preamble, then blocks: a heading line and the lines under it, none of which opens
# with `#` (the quick proof's grammar). One pass in C cuts it into (hashes, heading text, body).
_BLOCK = re.compile(r"\n(#{1,6}) ([^\n]*)((?:\n(?!#)[^\n]*)*+)")
_CODE_SPAN = re.compile(r"`[^`\n]+`")
_CHECKBOX = re.compile(r"\n- \[([^\]])\] ")
_STATUS = re.compile(r"\n\*\*Status:\*\*[ \t]*([^\n]*?)[ \t]*(?=\n|$)")
_LABEL = re.compile(r"\n- \*\*(" + "|".join(layout.GAP_LABELS) + r"):\*\*")
_ENTRY = re.compile(r"\n- ([^\n]*)")
_KEYWORD_RES = tuple(zip(KEYWORDS, ID_FIND_RES, strict=True))

Block = tuple[int, str, int, str]  # (level, heading text, line, body)


def from_canonical(source) -> Facts:
    """The facts of a module modforge.checker.quickcheck proved clean (a ModuleSource), read from its
    canonical text without the full parse."""
    from modforge.documents import blockscan, loader
    from modforge.documents.doctext import readable_text

    root = str(source.root)
    answers, _ = loader.read_answers(source.answers)
    prefix = answers.get("id_prefix") if answers else None  # proven clean: a valid prefix, from the answers
    facts = _empty({name: _relative(path, root) for name, path, _ in source.documents}, answers, prefix.strip())
    for name, _path, data in source.documents:
        visible = blockscan.without_blocks("\n" + (readable_text(data) or ""))
        if "`" in visible:
            visible = _CODE_SPAN.sub(lambda m: " " * len(m.group()), visible)
        blocks = _blocks(visible)
        if name == layout.INTENT_DESIGN:
            _canonical_design(facts, visible, blocks)
        elif name in DEFINING:
            facts["defs"][name] = _canonical_defs(name, blocks)
        elif name == layout.INTENT_VS_ACTUAL:
            facts["gaps"] = _canonical_gaps(blocks)
        elif name == layout.CHANGELOG:
            facts["releases"] = _canonical_releases(blocks)
    return facts


def _blocks(visible: str) -> list[Block]:
    first = visible.find("\n#")
    if first < 0:
        return []
    line = visible.count("\n", 0, first)  # the heading's line is one past the newlines before its own
    out = []
    for hashes, text, body in _BLOCK.findall(visible, first):
        line += 1
        out.append((len(hashes), text.strip(), line, body))
        line += body.count("\n")
    return out


def _cited(body: str) -> list[str]:
    cited: set[str] = set()
    for keyword, pattern in _KEYWORD_RES:
        if keyword in body:
            found = pattern.findall(body)
            # a proven text spells IDs canonically, but for the spec's two-digit phases (`PHASE-X-01`)
            cited.update(map(canonical, found) if keyword == "PHASE" else found)
    return cited


def _canonical_design(facts: Facts, visible: str, blocks: list[Block]) -> None:
    sections = []
    for index, (level, text, line, body) in enumerate(blocks):
        if level != layout.DESIGN_SECTION_LEVEL:
            continue
        written = bool(body.strip())
        following = index + 1
        while following < len(blocks) and blocks[following][0] > layout.DESIGN_SECTION_LEVEL:
            written = written or bool(blocks[following][3].strip())
            following += 1
        sections.append([text, line, written])
    facts["design"] = sections
    phases = []
    for _level, text, line, _body in blocks:
        match = layout.DESIGN_PHASE_RE.match(text) if text.endswith(")") else None
        if match:
            parsed = parse_id(match.group("id"))
            phases.append([parsed.number, _canonical_of(parsed), match.group("title"), line])
    facts["phases"] = phases
    tokens: set[str] = set()
    for pattern in ID_FIND_RES[:2]:  # REQ, SCEN
        tokens.update(pattern.findall(visible))
    facts["design_refs"] = _module_refs(tokens)


def _canonical_defs(name: str, blocks: list[Block]) -> list[list]:
    """Definitions with what their sections cite: a canonical text spells every ID canonically (the quick
    proof checked it), so the tokens are the IDs."""
    out = []
    phase = None
    citing, tasks, statuses = name in CITING, name == layout.TASKS, name == layout.ACTUAL_SCENARIOS
    # the grammar's headings: `## PHASE-X-1: Title`, untitled, `## PHASE-X-01` or `## Phase 1` (over tasks), and
    # `### <ID>: Title`, exactly
    for level, text, line, body in blocks:
        if level == layout.PHASE_SECTION_LEVEL:
            number = text.partition(":")[0].rsplit("-" if text.startswith("PHASE-") else " ", 1)[-1]
            phase = int(number) if text.startswith(("PHASE-", "Phase ")) else None
            continue
        if level != layout.DEFINITION_LEVEL:
            continue
        id_text, _, title = text.partition(": ")
        extra = None
        if tasks:
            marks = _CHECKBOX.findall(body)
            extra = [marks.count("x") + marks.count("X"), len(marks)]
        elif statuses:
            status = _STATUS.search(body)
            extra = status.group(1) if status else None
        cited = _cited(body) if citing else set()
        cited.discard(id_text)
        out.append([id_text, line, title, phase, sorted(cited), extra])
    return out


def _canonical_gaps(blocks: list[Block]) -> list[list]:
    gaps = []
    for level, text, line, body in blocks:
        if level == layout.DEFINITION_LEVEL:
            match = layout.DEFINITION_RE.match(text)
            gaps.append([match.group("id") if match else None, line, _LABEL.findall(body)])
    return gaps


def _canonical_releases(blocks: list[Block]) -> list[list]:
    releases = []
    for level, text, line, body in blocks:
        if level == 2:
            match = layout.RELEASE_RE.match(text)
            version, date = match.group("version", "date") if match else (text, None)
            releases.append([version, date, line, []])
        elif not releases:
            continue
        entries = releases[-1][3]
        if "SCEN" not in body:
            continue
        for entry in _ENTRY.finditer(body):
            entry_line = line + body.count("\n", 0, entry.start() + 1)
            entries += _release_entries([(entry_line, entry.group(1))], str)  # canonical already
    return releases
