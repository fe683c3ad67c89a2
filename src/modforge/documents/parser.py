"""Turn one pipeline document into the document model (modforge.documents.model), fast and without ever
raising on content.

`parse_document` reads bytes and records what keeps a file from being read as Markdown (unreadable, not
UTF-8, binary, empty, too large) as `Document.problems`; `parse_text` builds the model from text:
headings, every ID occurrence, phases, requirements, scenarios, tasks, changelog releases,
intent-vs-actual entries and merge-conflict markers.

What counts as text (modforge.documents.blockscan decides, the way CommonMark does): IDs inside fenced or indented
code, HTML comments (the template's guidance) and inline code spans are not read, so `REQ-1` in
backticks is an example, not a reference. Headings are document-level ATX or setext headings; a `#`
line inside a list item or block quote is text. Definitions are recognised by the heading forms of
modforge.spec.layout at any level; rules check the level against the spec.

Speed matters (a monorepo is checked on every commit): the work is a few whole-text regular
expression passes and one small step per heading and list item; the model's named tuples are built with
`tuple.__new__`, and a document's distinct IDs come from one regular-expression pass per ID keyword (ID
occurrences, with their lines and columns, only when a rule asks for them).
"""

from __future__ import annotations

import codecs
import dataclasses
import re
from bisect import bisect_right
from itertools import accumulate
from pathlib import Path

from modforge.documents import blockscan
from modforge.documents.doctext import (
    MAX_DOCUMENT_BYTES,
    UTF16_BOMS,
    conflict_marker_lines,
    may_hold_conflict_marker,
    readable_text,
)
from modforge.documents.model import (
    ChangeSection,
    Document,
    GapEntry,
    Heading,
    IdOccurrence,
    Phase,
    Problem,
    Release,
    Requirement,
    Scenario,
    Step,
    Subtask,
    Task,
)
from modforge.spec import layout
from modforge.spec.grammar import ID_FIND_RES, ID_SCAN_RES, KEYWORDS, IdKind, ParsedId, kind_of

_new = tuple.__new__  # builds a model record (a named tuple) from a tuple of its fields, skipping __new__
_PARSED: dict[str, ParsedId] = {}  # ID text -> ParsedId, shared by every document of the process
_KINDS = {(keyword, prefixed): kind_of(keyword, prefixed) for keyword in KEYWORDS for prefixed in (True, False)}


def parsed_id(text: str) -> ParsedId:
    """The ParsedId of `text`, which a grammar or layout pattern matched as one whole ID."""
    found = _PARSED.get(text)
    if found is None:
        keyword, *middle, digits = text.split("-")
        prefix = middle[0] if middle else None
        found = _PARSED[text] = _new(ParsedId, (_KINDS[keyword, prefix is not None], prefix, int(digits), digits))
    return found


# --- bytes -----------------------------------------------------------------------------------------
def parse_document(path: Path, name: str | None = None, data: bytes | None = None) -> Document:
    """The model of the document at `path` (read unless `data` is given); `name` is its pipeline name,
    by default the file name with slot names (1_INTENT_DESIGN.md, 2_INTENT_FACTS.md ...) mapped to today's."""
    name = name or layout.pipeline_name(path.name) or path.name
    if data is None:
        try:
            data = path.read_bytes()
        except OSError as error:
            reason = error.strerror or str(error)
            return _unreadable(
                path, name, "io-error", f"cannot read the file ({reason}); check that it exists and is readable"
            )
    text = readable_text(data)
    if text is not None:  # the usual document: no problem to look for
        return parse_text(text, path, name)
    if len(data) > MAX_DOCUMENT_BYTES:
        return _unreadable(
            path,
            name,
            "too-large",
            f"the file has {len(data):,} bytes, more than the {MAX_DOCUMENT_BYTES:,} a pipeline document may have; "
            "split it or remove generated content",
        )
    if data[:2] in UTF16_BOMS:
        return _other_encoding(path, name, data)
    if b"\x00" in data:
        line = data.count(b"\n", 0, data.index(b"\x00")) + 1
        return _unreadable(
            path,
            name,
            "binary",
            "the file holds NUL bytes, so it is binary, not Markdown; replace it with the Markdown document",
            line,
        )
    if not data.strip():
        return _unreadable(
            path,
            name,
            "empty",
            "the document is empty; write its content from its pipeline step's prompt, or delete the file",
        )
    problems: tuple[Problem, ...] = ()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        column = error.start - data.rfind(b"\n", 0, error.start)
        text = data.decode("utf-8", "replace")
        problems = (
            Problem(
                "not-utf8",
                f"byte 0x{data[error.start]:02x} is not UTF-8; save the file as UTF-8 "
                "(the rest was read with the byte replaced)",
                line,
                column,
            ),
        )
    document = parse_text(text, path, name)
    return dataclasses.replace(document, problems=problems) if problems else document


def _other_encoding(path: Path, name: str, data: bytes) -> Document:
    """A text file with a UTF-16 or UTF-32 byte order mark: read, and reported as not UTF-8."""
    encoding = "utf-32" if data[:4] in (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE) else "utf-16"
    text = data.decode(encoding, "replace")
    message = f"the file is {encoding.upper()}, not UTF-8; save it as UTF-8 (it was read as {encoding.upper()})"
    return dataclasses.replace(parse_text(text, path, name), problems=(Problem("not-utf8", message, 1, 1),))


def _unreadable(path: Path, name: str, code: str, message: str, line: int = 1) -> Document:
    return Document(path=path, name=name, problems=(Problem(code, message, line, 1),))


# --- text ------------------------------------------------------------------------------------------
# What a heading is, once: (kind, parsed id or None, number, title)
_DEFINITION, _PHASE, _LEGACY_TASK, _OTHER = "definition", "phase", "legacy task", "other"


def parse_text(text: str, path: Path, name: str) -> Document:
    """The model of Markdown `text`, the document `name` (a pipeline name such as INTENT_SCENARIOS.md)."""
    scan = blockscan.scan(blockscan.normalize(text))
    builder = _Builder(scan, name)
    return Document(
        path=path,
        name=name,
        headings=builder.headings,
        distinct_ids=builder.distinct_ids(),
        locate_ids=builder.ids,
        phases=tuple(builder.phases),
        requirements=tuple(builder.requirements),
        scenarios=tuple(builder.scenarios),
        tasks=tuple(builder.tasks),
        releases=tuple(builder.releases()) if name == layout.CHANGELOG else (),
        gaps=tuple(builder.gaps),
        conflict_markers=_conflict_markers(scan),
    )


def _conflict_markers(scan: blockscan.Scan) -> tuple[int, ...]:
    src = scan.src
    if not may_hold_conflict_marker(src):
        return ()
    code = sorted((first, last) for first, last, kind in scan.blocks if kind == blockscan.CODE)
    firsts = [first for first, _ in code]
    reach = list(accumulate((last for _, last in code), max))  # the last code line of the blocks so far
    found = []
    for line in conflict_marker_lines(src):
        index = bisect_right(firsts, line) - 1
        if index < 0 or reach[index] < line:  # in no code block (one bisection: a marker per line stays linear)
            found.append(line)
    return tuple(found)


_STEP_MATCH = layout.STEP_RE.match
_MARKERS = ("-", "*", "+")  # a list item's line: its indentation, a marker, then blanks or the line's end
_TOP_ITEM_STARTS = frozenset(m + end for m in _MARKERS for end in ("", " ", "\t"))  # an item at column 0
_BLANKS = frozenset((" ", "\t"))


def _content_column(text: str, indent: int) -> int:
    """Where the content of the list item whose marker is at `indent` starts (2 past an empty item's marker)."""
    rest = text[indent + 1 :]
    content = rest.lstrip(" \t")
    return indent + 1 + len(rest) - len(content) if content else indent + 2


class _Builder:
    """One document's model, built from a Scan: headings first, then what each heading starts."""

    def __init__(self, scan: blockscan.Scan, name: str) -> None:
        self.scan = scan
        self.name = name
        self._lines: list[str] | None = None  # the visible text's lines, and src's, once a section needs them
        self._written: list[str] = []
        raw = scan.headings
        self.headings = tuple([_new(Heading, (level, text, line)) for level, text, line, _, _ in raw])
        self.phases: list[Phase] = []
        self.requirements: list[Requirement] = []
        self.scenarios: list[Scenario] = []
        self.tasks: list[Task] = []
        self.gaps: list[GapEntry] = []
        self.defined: dict[int, str] = {}  # heading line -> the ID text its heading defines
        # where each heading's section (until a heading of the same or a higher level) ends
        self.extent_end = [len(scan.src)] * len(raw)
        stack: list[int] = []
        for index, heading in enumerate(raw):
            level = heading[0]
            while stack and raw[stack[-1]][0] >= level:
                self.extent_end[stack.pop()] = heading[3]
            stack.append(index)
        if name == layout.CHANGELOG:
            return
        id_texts: list[str | None] = [None] * len(raw)  # the ID text a heading names (definition or phase)
        self.id_texts = id_texts
        kinds = [self._classify(index, level, text) for index, (level, text, *_rest) in enumerate(raw)]
        gaps = name == layout.INTENT_VS_ACTUAL
        phase: Phase | None = None
        phase_level = 0
        for index, (level, _text, line, _start, _body) in enumerate(raw):
            kind, parsed, number, title = kinds[index]
            if phase is not None and level <= phase_level and kind != _PHASE:
                phase = None
            if kind == _PHASE:
                phase = Phase(parsed, number, title, line)
                phase_level = level
                self.phases.append(phase)
                if parsed is not None and not gaps:
                    self.defined[line] = id_texts[index]
            elif gaps:
                if kind == _DEFINITION or level == layout.DEFINITION_LEVEL:
                    self.gaps.append(self._gap(index, parsed if kind == _DEFINITION else None, title, line))
            elif kind == _DEFINITION:
                self.defined[line] = id_texts[index]
                id_kind = parsed.kind
                if id_kind is IdKind.SCEN:
                    self.scenarios.append(self._scenario(index, parsed, title, line, phase))
                elif id_kind is IdKind.TASK:
                    self.tasks.append(_new(Task, (parsed, title, line, phase, self._subtasks(index), None)))
                else:
                    self.requirements.append(_new(Requirement, (parsed, title, line, self._body(index), phase)))
            elif kind == _LEGACY_TASK:
                self.tasks.append(_new(Task, (None, title, line, phase, self._subtasks(index), number)))

    def _classify(self, index: int, level: int, text: str) -> tuple[str, ParsedId | None, int, str]:
        if "<" in text or "`" in text:
            text = self._visible_heading(index)  # comments and code in a heading hold no definition
        head = text[:5]
        if head[:3] in ("REQ", "SCE", "TAS"):
            match = layout.DEFINITION_RE.match(text)
            if match:
                id_text, title = match.groups()  # (id, title)
                parsed = parsed_id(id_text)
                self.id_texts[index] = id_text
                return _DEFINITION, parsed, parsed.number, title or ""
        if head == "PHASE":
            match = layout.PHASE_SECTION_RE.match(text)
            if match:
                id_text, title = match.group("id", "title")
                self.id_texts[index] = id_text
                parsed = parsed_id(id_text)
                return _PHASE, parsed, parsed.number, title or ""
        if head == "Phase":
            match = layout.LEGACY_PHASE_SECTION_RE.match(text)
            if match:
                return _PHASE, None, int(match.group("number")), match.group("title") or ""
        if text.endswith(")") and "(PHASE-" in text:
            match = layout.DESIGN_PHASE_RE.match(text)
            if match:
                id_text, title = match.group("id", "title")
                self.id_texts[index] = id_text
                parsed = parsed_id(id_text)
                return _PHASE, parsed, parsed.number, title
        if self.name == layout.TASKS and level == layout.DEFINITION_LEVEL and head[:1].isdigit():
            match = layout.LEGACY_TASK_RE.match(text)
            if match:
                return _LEGACY_TASK, None, int(match.group("number")), match.group("title")
        return _OTHER, None, 0, text

    def _visible_heading(self, index: int) -> str:
        level, _text, _line, start, body = self.scan.headings[index]
        lines = self.scan.visible[start : body - 1].split("\n")
        if len(lines) > 1:  # setext: the underline is the last line
            return "\n".join(part.strip() for part in lines[:-1]).strip()
        return blockscan._heading_text(lines[0].lstrip(" \t")[level:])

    # -- sections
    def _section(self, index: int) -> tuple[int, int]:
        """The numbers of the lines under heading `index`: from the line after it to the next heading."""
        if self._lines is None:
            self._lines, self._written = self.scan.visible.split("\n"), self.scan.src.split("\n")
        raw = self.scan.headings
        _level, _text, line, start, body = raw[index]
        first = line + 1 + self.scan.visible.count("\n", start, body - 1)  # a setext heading spans lines
        return first, raw[index + 1][2] if index + 1 < len(raw) else len(self._lines)

    def _items(self, index: int) -> list[tuple[int, int, str]]:
        """(line, depth, item) of each list item under heading `index`, before the next heading; `item` is
        the item's line as written, from its marker on. Depth counts the open items whose content column
        the item's indentation reaches.

        Items are found line by line in the visible text (split once per document; src starts with a
        newline, so a line's index is its number), their words read from the same line of `src`."""
        first, stop = self._section(index)
        lines, written = self._lines, self._written
        items: list[tuple[int, int, str]] = []
        stack: list[int] = []  # content columns of the open items
        top = ""  # the last item at column 0, whose content column is worked out only when needed
        for number in range(first, stop):
            text = lines[number]
            head = text[:1]
            if head in _MARKERS:
                if len(text) == 1 or text[1] in " \t":
                    items.append((number, 0, written[number]))
                    top = text
            elif head == " " or head == "\t":
                content = text.lstrip(" \t")
                if content[:1] in _MARKERS and (len(content) == 1 or content[1] in " \t"):
                    indent = len(text) - len(content)
                    if top:
                        stack, top = [_content_column(top, 0)], ""
                    while stack and indent < stack[-1]:
                        stack.pop()
                    items.append((number, len(stack), written[number][indent:]))
                    stack.append(_content_column(text, indent))
        return items

    def _top_items(self, index: int) -> list[tuple[int, str]]:
        """(line, item) of each list item under heading `index` that no other item holds (depth 0 of
        `_items`). The usual section has its items at column 0 and is read here in one pass; a section with
        an indented line (a nested item, a continuation) is left to `_items`, which knows about nesting."""
        first, stop = self._section(index)
        lines, written = self._lines, self._written
        found = []
        for number in range(first, stop):
            text = lines[number]
            if text[:2] in _TOP_ITEM_STARTS:
                found.append((number, written[number]))
            elif text[:1] in _BLANKS and not text.isspace():
                return [(number, item) for number, depth, item in self._items(index) if not depth]
        return found

    def _body(self, index: int) -> str:
        _level, _text, _line, _start, body = self.scan.headings[index]
        text = self.scan.visible[body : self.extent_end[index]].strip()
        if " \n" in text or "\t\n" in text:  # substring checks first: most bodies need neither regex pass
            text = _TRAILING_BLANKS.sub("\n", text)
        if "\n\n\n" in text:
            text = _BLANK_RUNS.sub("\n\n", text)
        return text

    def _scenario(self, index: int, parsed: ParsedId, title: str, line: int, phase: Phase | None) -> Scenario:
        steps: list[Step] = []
        others: list[int] = []
        for number, item in self._top_items(index):
            match = _STEP_MATCH(item)
            if match:
                keyword, words = match.groups()
                steps.append(_new(Step, (keyword, words.strip(), number)))
            else:
                others.append(number)
        raw = self.scan.headings
        deeper = index + 1 < len(raw) and raw[index + 1][3] < self.extent_end[index]
        nested = self._nested_headings(index) if deeper else ()
        status = self._status(index) if self.name == layout.ACTUAL_SCENARIOS else None
        return _new(Scenario, (parsed, title, line, phase, tuple(steps), tuple(others), nested, status))

    def _status(self, index: int) -> str | None:
        """The implementation status an actual scenario states on a line of its own (`**Status:** Implemented`)."""
        first, stop = self._section(index)
        for number in range(first, stop):
            match = layout.SCENARIO_STATUS_RE.match(self._lines[number])
            if match:
                return match.group("status")
        return None

    def _nested_headings(self, index: int) -> tuple[Heading, ...]:
        end = self.extent_end[index]
        raw = self.scan.headings
        following = index + 1
        while following < len(raw) and raw[following][3] < end:
            following += 1
        return self.headings[index + 1 : following]

    def _subtasks(self, index: int) -> tuple[Subtask, ...]:
        match_item = layout.TASK_ITEM_RE.match
        subtasks = []
        for line, depth, item in self._items(index):
            match = match_item(item)
            if match:
                mark, number, text = match.groups()  # (mark, number, text)
                subtasks.append(_new(Subtask, (number or "", mark, text.strip(), line, depth)))
        return tuple(subtasks)

    def _gap(self, index: int, parsed: ParsedId | None, title: str, line: int) -> GapEntry:
        label = layout.GAP_RE.match
        labels = []
        for bullet_line, item in self._top_items(index):
            match = label(item)
            if match:
                labels.append((match.group("label"), bullet_line))
        return GapEntry(parsed, title, line, tuple(labels))

    def releases(self) -> list[Release]:
        """Each level-2 heading of CHANGELOG.md with its level-3 sections and their top-level bullets.
        A heading that is not `[version] - date` is still a release (version = its text, date None), so
        rules can say what is wrong with it; bullets before any section form a section named ""."""
        raw = self.scan.headings
        releases = []
        for index, (level, text, line, _start, _body) in enumerate(raw):
            if level != 2:
                continue
            match = layout.RELEASE_RE.match(text)
            version, date = match.group("version", "date") if match else (text, None)
            sections = []
            loose = self._entries(index)
            if loose:
                sections.append(ChangeSection("", line, loose))
            following = index + 1
            while following < len(raw) and raw[following][3] < self.extent_end[index]:
                if raw[following][0] == 3:
                    sections.append(ChangeSection(raw[following][1], raw[following][2], self._entries(following)))
                following += 1
            releases.append(Release(version, date, line, text, tuple(sections)))
        return releases

    def _entries(self, index: int) -> tuple[tuple[int, str], ...]:
        return tuple((line, item[1:].strip()) for line, item in self._top_items(index))

    # -- IDs
    def distinct_ids(self) -> tuple[ParsedId, ...]:
        return distinct_ids(self.scan.visible)

    def ids(self) -> tuple[IdOccurrence, ...]:
        scan = self.scan
        visible = scan.visible
        hits: list[tuple[int, str]] = []
        start_of, group_of = re.Match.start, re.Match.group
        for pattern in ID_SCAN_RES:
            matches = list(pattern.finditer(visible))
            hits += zip(map(start_of, matches), map(group_of, matches), strict=True)
        if not hits:
            return ()
        hits.sort()
        heading_lines = {}
        for _level, _text, line, start, body in scan.headings:
            heading_lines[line] = line
            extra = visible.count("\n", start, body - 1)  # a setext heading's text spans lines
            for more in range(1, extra):
                heading_lines[line + more] = line
        defined = dict(self.defined)
        parsed_cache = _PARSED
        count, rfind, find = visible.count, visible.rfind, visible.find
        occurrences = []
        append = occurrences.append
        new, cls = _new, IdOccurrence  # IdOccurrence(parsed, line, column, in_heading, defines)
        line, line_start, line_end = 1, 0, 0  # the current line, the newline before it, the one after it
        heading = None
        for start, token in hits:
            if start > line_end:  # a later line: IDs are sorted, most lines hold one or two
                line += count("\n", line_start + 1, start)
                line_start = rfind("\n", line_start, start)
                line_end = find("\n", start)
                if line_end < 0:
                    line_end = len(visible)
                heading = heading_lines.get(line)
            parsed = parsed_cache.get(token) or parsed_id(token)
            if heading is None:
                append(new(cls, (parsed, line, start - line_start, False, False)))
            else:
                defines = defined.get(heading) == token
                if defines:
                    del defined[heading]  # a heading defines its ID once
                append(new(cls, (parsed, line, start - line_start, True, defines)))
        return tuple(occurrences)


def distinct_ids(visible: str) -> tuple[ParsedId, ...]:
    """Each ID spelling in `visible` (text with code and comments blanked) once: by keyword, then first use."""
    tokens: dict[str, None] = {}
    for pattern in ID_FIND_RES:
        tokens.update(dict.fromkeys(pattern.findall(visible)))
    known = _PARSED.get
    return tuple([known(token) or parsed_id(token) for token in tokens])


_TRAILING_BLANKS = re.compile(r"[ \t]+\n")
_BLANK_RUNS = re.compile(r"\n{3,}")
