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
IDs of the kind its document links (CITES) written in its section (the lines under its heading, to the next
heading), its own excluded, sorted as strings (a set in C on both paths: a module holds IDs by the thousand).
"""

from __future__ import annotations

import os
import re
from bisect import bisect_left, bisect_right

from modforge.spec import layout
from modforge.spec.grammar import ID_FIND_RES, KEYWORDS, IdKind, ParsedId, format_id, parse_id

# Documents whose definitions are facts, and the kind each defines.
DEFINING = {
    layout.INTENT_REQUIREMENTS: IdKind.REQ,
    layout.INTENT_SCENARIOS: IdKind.SCEN,
    layout.ACTUAL_SCENARIOS: IdKind.SCEN,
    layout.TASKS: IdKind.TASK,
}
# Documents whose definitions' citations are facts, and the ID keyword they cite: the links of the traceability
# matrix, a requirement to the global requirements it refines, a scenario to the requirements it verifies, a task
# to the scenarios it builds. Nothing reads another citation, and looking for no more keeps the facts cheap.
CITES = {layout.INTENT_REQUIREMENTS: "REQ", layout.INTENT_SCENARIOS: "REQ", layout.TASKS: "SCEN"}
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
    if path.startswith(root) and path[len(root) : len(root) + 1] == os.sep:  # a document inside: no relpath
        return path[len(root) + 1 :].replace(os.sep, "/")
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
            cited = set(tokens[bisect_left(lines, line) : bisect_right(lines, stop - 1)]) if self.citing else set()
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


# Canonical IDs sorted as strings (a definition's citations, say) fall in runs by kind, each two bisections away
# however many IDs the list holds: global requirements (`REQ-<n>`: a digit after the dash), then module
# requirements (`REQ-<PREFIX>-<n>`: a prefix opens with a capital letter, and digits sort before letters), then
# scenarios. A run ends just past its keyword's dash (`.` sorts right after `-`). Spelled from the grammar's
# keywords, so that a keyword renamed there moves the runs with it.
_PREFIX_FLOOR = "A"  # the smallest first character of a prefix (grammar.ANY_PREFIX)
_REQ, _SCEN = IdKind.REQ.keyword, IdKind.SCEN.keyword  # _REQ is also IdKind.GLOBAL_REQ's keyword
GLOBAL_REQS = (f"{_REQ}-", f"{_REQ}-{_PREFIX_FLOOR}")
MODULE_REQS = (f"{_REQ}-{_PREFIX_FLOOR}", f"{_REQ}.")
ALL_REQS = (f"{_REQ}-", f"{_REQ}.")
SCENARIOS = (f"{_SCEN}-", f"{_SCEN}.")


def id_run(ids: list[str], run: tuple[str, str]) -> list[str]:
    """The IDs of one kind (a run above, such as SCENARIOS) in `ids`, canonical IDs sorted as strings."""
    start = bisect_left(ids, run[0])
    return ids[start : bisect_left(ids, run[1], start)]


def _module_refs(ids) -> list[str]:
    """The module requirement and scenario IDs among `ids` (canonical spellings), sorted."""
    ids = sorted(set(ids))
    return id_run(ids, MODULE_REQS) + id_run(ids, SCENARIOS)


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
        keyword = CITES.get(name)
        reduced = _Doc(keyword is not None)
        reduced.heading_lines = sorted(h.line for h in doc.headings)
        if reduced.citing:
            reduced.occurrences = [(o.line, _canonical_of(o.id)) for o in doc.ids if o.id.kind.keyword == keyword]
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
# A text the quick proof accepted is a preamble (where alone a `#` title may stand), then sections: a `##` or
# `###` heading line and the lines under it, none of which opens with `#`. The proof hands over its texts as it
# read them (comments, code blocks and code spans blanked, a newline in front), and the facts are cut from them
# with one split at the headings and, per section, C calls only.
_SECTIONS = re.compile(r"\n(#{2,3}) ([^\n]*)")  # split: the preamble, then hashes, heading text, body per section
_FINDALL = dict(zip(KEYWORDS, (pattern.findall for pattern in ID_FIND_RES), strict=True))
_STATUS_LINE = "\n**Status:**"
_STATUS = re.compile(re.escape(_STATUS_LINE) + r"[ \t]*([^\n]*?)[ \t]*(?=\n|$)")
_LABEL = re.compile(r"\n- \*\*(" + "|".join(layout.GAP_LABELS) + r"):\*\*")
_GROUP_HEADING = "\n" + "#" * layout.PHASE_SECTION_LEVEL + " "
_DEFINITION_HEADING = "\n" + "#" * layout.DEFINITION_LEVEL + " "
_DONE, _OPEN = "\n- [x] ", "\n- [ ] "  # a subtask, checked or not (the proof admits no other mark)

Section = tuple[int, str, int, str]  # (level, heading text, line, body)


def from_canonical(source, read: dict) -> Facts:
    """The facts of a module modforge.checker.quickcheck proved clean (a ModuleSource), from the texts and ID
    spellings the proof read (`read`, as `proven_clean` fills it), without the full parse."""
    from modforge.documents import loader

    root = str(source.root)
    answers, _ = loader.read_answers(source.answers)
    prefix = answers.get("id_prefix") if answers else None  # proven clean: a valid prefix, from the answers
    facts = _empty({name: _relative(path, root) for name, path, _ in source.documents}, answers, prefix.strip())
    for name, text in read["texts"].items():
        if name == layout.INTENT_DESIGN:
            _canonical_design(facts, _sections(text), read["spellings"][name])
        elif name in DEFINING:
            facts["defs"][name] = _canonical_defs(name, text, read["tokens"][name].get(CITES.get(name)))
        elif name == layout.INTENT_VS_ACTUAL:
            facts["gaps"] = _canonical_gaps(_sections(text))
        elif name == layout.CHANGELOG:
            facts["releases"] = _canonical_releases(_sections(text))
    return facts


def _sections(text: str) -> list[Section]:
    parts = _SECTIONS.split(text)
    line = parts[0].count("\n") + 1  # a heading's line: one past the newlines before its own
    out = []
    for index in range(1, len(parts), 3):
        body = parts[index + 2]
        out.append((len(parts[index]), parts[index + 1].strip(), line, body))
        line += body.count("\n") + 1
    return out


def _canonical_design(facts: Facts, sections: list[Section], spellings: set[str]) -> None:
    written_sections = []
    for index, (level, text, line, body) in enumerate(sections):
        if level != layout.DESIGN_SECTION_LEVEL:
            continue
        written = bool(body.strip())
        following = index + 1
        while following < len(sections) and sections[following][0] > layout.DESIGN_SECTION_LEVEL:
            written = written or bool(sections[following][3].strip())
            following += 1
        written_sections.append([text, line, written])
    facts["design"] = written_sections
    phases = []
    for _level, text, line, _body in sections:
        match = layout.DESIGN_PHASE_RE.match(text) if text.endswith(")") else None
        if match:
            parsed = parse_id(match.group("id"))
            phases.append([parsed.number, _canonical_of(parsed), match.group("title"), line])
    facts["phases"] = phases
    facts["design_refs"] = _module_refs(spellings)


_PHASE_ID = f"{IdKind.PHASE.keyword}-"


def _section_phase(text: str) -> int | None:
    """The phase a `##` section heads: `PHASE-X-1: Title`, untitled, or the spec's `Phase 1` task group."""
    head = text.partition(":")[0]
    if head.startswith(_PHASE_ID):
        return int(head.rsplit("-", 1)[1])
    return int(head[6:]) if head.startswith("Phase ") else None


def _canonical_defs(name: str, text: str, tokens: list[str] | None = None) -> list[list]:
    """Definitions with what their sections cite: a proven text spells every REQ and SCEN ID canonically, so
    the tokens are the IDs. The text is cut at its `##` group headings, each group at its `###` definition
    headings, by plain substring splits (in a proven text `#` opens a line only in a heading); then per
    definition only C calls on its one piece (heading line and lines under it), in a loop kept to few steps: it
    runs once per definition.

    `tokens` are the proof's tokens of the keyword the document cites, in text order. When every occurrence of
    the keyword starts one (the counts agree), a section's tokens are the next ones, as many as the section holds
    the keyword: no pattern runs again (the pieces hold every occurrence, so their counts add up to the text's).
    Otherwise each section is searched (a substring test before each findall)."""
    keyword = CITES.get(name)
    find = _FINDALL.get(keyword)
    counted = keyword is not None and tokens is not None  # until the counts disagree (checked at the end)
    own = keyword == DEFINING[name].keyword  # a definition's own ID is among the tokens (then discarded)
    tasks = name == layout.TASKS
    statuses = name == layout.ACTUAL_SCENARIOS and _STATUS_LINE in text  # none to look for in a section otherwise
    out: list[list] = []
    append = out.append
    phase = extra = None
    line = taken = 0  # the line of the heading at hand; the tokens before it
    for index, group in enumerate(text.split(_GROUP_HEADING)):  # the preamble, then each `##` group
        pieces = group.split(_DEFINITION_HEADING)  # what precedes the group's first definition, then each one
        head = pieces[0]
        if index:  # a group: its heading line and the lines under it
            phase = _section_phase(head.partition("\n")[0])
            line += head.count("\n") + 1  # past its lines, and onto the next heading's
        else:  # the preamble: a heading's line is one past the newlines before it
            line = head.count("\n") + 1
        if counted:
            taken += head.count(keyword)
        for piece in pieces[1:]:  # `<ID>: Title`, exactly, and the lines under it
            here = line
            line += piece.count("\n") + 1
            heading = piece.partition("\n")[0]
            id_text, _, title = heading.partition(": ")
            if tasks:
                done = piece.count(_DONE)
                extra = [done, done + piece.count(_OPEN)]
            elif statuses:
                status = _STATUS.search(piece)
                extra = status.group(1) if status else None
            if counted:
                start = taken
                taken += piece.count(keyword)
                found = set(tokens[start:taken])
            elif find is not None:
                found = set(find(piece)) if keyword in piece else set()
            else:
                append([id_text, here, title, phase, [], extra])
                continue
            if own:
                found.discard(id_text)
            append([id_text, here, title, phase, sorted(found), extra])
    if counted and taken != len(tokens):  # an occurrence of the keyword starts no ID (`REQUIRED`): search instead
        return _canonical_defs(name, text)
    return out


def _canonical_gaps(sections: list[Section]) -> list[list]:
    gaps = []
    for level, text, line, body in sections:
        if level == layout.DEFINITION_LEVEL:  # a proven entry's heading is `### <ID>: Title`, exactly
            gaps.append([text.partition(": ")[0], line, _LABEL.findall(body)])
    return gaps


def _canonical_releases(sections: list[Section]) -> list[list]:
    find = _FINDALL[_SCEN]
    releases = []
    for level, text, line, body in sections:
        if level == 2:
            match = layout.RELEASE_RE.match(text)
            version, date = match.group("version", "date") if match else (text, None)
            releases.append([version, date, line, []])
        elif not releases:
            continue
        if _SCEN not in body:
            continue
        rows = body.split("\n")  # the body starts at the end of the heading's line: row k is on line `line + k`
        offsets = [k for k, row in enumerate(rows) if _SCEN in row and row[:2] == "- "]
        entries = "\n".join([rows[k] for k in offsets])
        tokens = find(entries)  # canonical already
        if len(tokens) == len(offsets) == entries.count(_SCEN):  # one scenario an entry: each token's line is known
            releases[-1][3] += map(list, zip(tokens, [line + k for k in offsets], strict=True))
            continue
        add = releases[-1][3].append
        for k in offsets:
            for token in find(rows[k]):
                add([token, line + k])
    return releases
