"""`Context`: what every rule needs to know about one module, computed once, on first use.

Rules read the parsed model only (modforge.documents.model). The indexes here are shared, and built for speed: a
module of 100 scenarios holds well over a thousand ID occurrences, so questions about an ID (how it is
spelled, whether it resolves) are asked once per distinct ID, and occurrences are walked only to place
the findings of an ID found wrong. The parser shares one `ParsedId` object per spelling, so distinct
IDs are collected by object identity, in C, without hashing each occurrence's enum-bearing ID.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import cached_property
from operator import itemgetter
from typing import NamedTuple

from modforge.documents.model import Document, IdOccurrence, Module, Phase
from modforge.spec import grammar, layout
from modforge.spec.global_requirements import BUILT_IN_GLOBALS, GlobalRequirements
from modforge.spec.grammar import IdKind, ParsedId

Key = tuple[IdKind, str | None, int]


def key_of(parsed: ParsedId) -> Key:
    """`parsed.key` (an ID regardless of padding), as a slice of the ParsedId tuple: no Python call per key."""
    return parsed[:3]


_new = tuple.__new__  # builds a named tuple from its fields without a call to its Python __new__
_FIRST = itemgetter(0)
_KIND, _PREFIX, _DIGITS = itemgetter(0), itemgetter(1), itemgetter(3)  # fields of a ParsedId


# A module's pipeline documents in pipeline order (others after), so rules meet them in that order.
_ORDER = {name: index for index, name in enumerate(layout.PIPELINE_DOCS)}


class Definition(NamedTuple):
    """One ID defined by a heading: `### REQ-X-1: ...`, `### SCEN-X-01: ...`, `### TASK-X-01: ...`, or a
    design phase `### Title (PHASE-X-1)`."""

    doc: Document
    id: ParsedId
    line: int


class Context:
    """One module as the rules see it: its documents, definitions and distinct IDs."""

    def __init__(self, module: Module, globals: GlobalRequirements = BUILT_IN_GLOBALS) -> None:
        self.module = module
        self.globals = globals
        # A prefix that is not one (a hand-edited answers file) would make every ID look foreign: MF105
        # reports it, and the other rules go on as for a module without a known prefix.
        self.prefix = module.prefix if module.prefix and not prefix_error(module.prefix) else None
        self._columns: dict[str, dict[int, int]] = {}

    # --- documents ------------------------------------------------------------------------------
    @cached_property
    def documents(self) -> list[Document]:
        docs = self.module.documents.values()
        return sorted(docs, key=lambda d: (_ORDER.get(d.name, len(_ORDER)), d.name))

    def docs(self, names: Iterable[str]) -> list[Document]:
        return [d for d in self.documents if d.name in names]

    def doc(self, name: str) -> Document | None:
        return self.module.documents.get(name)

    # --- definitions ----------------------------------------------------------------------------
    @cached_property
    def definitions(self) -> list[Definition]:
        """Every defining heading: requirements, scenarios and tasks wherever they are, and the phases
        of the design documents; in document order."""
        found: list[Definition] = []
        for doc in self.documents:
            sites: list[tuple[int, ParsedId]] = [(r.line, r.id) for r in doc.requirements]
            sites += [(s.line, s.id) for s in doc.scenarios]
            sites += [(t.line, t.id) for t in doc.tasks if t.id is not None]
            if doc.name in layout.DESIGN_DOCS:
                sites += [(p.line, p.id) for p in doc.phases if p.id is not None]
            sites.sort(key=_FIRST)
            found += [_new(Definition, (doc, parsed, line)) for line, parsed in sites]
        return found

    def column(self, doc: Document, line: int) -> int:
        """The column of the ID a heading on `line` defines (1 when there is none), for findings that point
        at a definition."""
        columns = self._columns.get(doc.name)
        if columns is None:
            columns = self._columns[doc.name] = {}
            for occurrence in doc.ids:
                if occurrence.defines:
                    columns.setdefault(occurrence.line, occurrence.column)
        return columns.get(line, 1)

    @cached_property
    def defined(self) -> dict[Key, list[Definition]]:
        index: dict[Key, list[Definition]] = {}
        for definition in self.definitions:
            index.setdefault(key_of(definition.id), []).append(definition)
        return index

    @cached_property
    def design_phases(self) -> dict[int, Definition]:
        """Phases the design defines, by number (the first definition of each number)."""
        phases: dict[int, Definition] = {}
        for definition in self.definitions:
            if definition.id.kind is IdKind.PHASE:
                phases.setdefault(definition.id.number, definition)
        return phases

    def has(self, kind: IdKind) -> bool:
        """Whether the module defines any ID of `kind`: the step the module has reached."""
        return any(d.id.kind is kind for d in self.definitions)

    @cached_property
    def has_requirements(self) -> bool:
        return self.has(IdKind.REQ)

    @cached_property
    def has_scenarios(self) -> bool:
        return self.has(IdKind.SCEN)

    @cached_property
    def in_step1(self) -> bool:
        """No requirement or scenario is defined yet: the module is at Step 1 (intent design)."""
        return not (self.has_requirements or self.has_scenarios)

    # --- distinct IDs and their occurrences -----------------------------------------------------
    @cached_property
    def ids_by_doc(self) -> list[tuple[Document, tuple[ParsedId, ...]]]:
        """Each document with its distinct IDs (one object per spelling)."""
        return [(doc, doc.distinct_ids) for doc in self.documents]

    @cached_property
    def spellings(self) -> list[ParsedId]:
        """Every distinct ID of the module as written (`SCEN-X-1` and `SCEN-X-01` are two spellings)."""
        merged: dict[int, ParsedId] = {}
        for _, objects in self.ids_by_doc:
            merged.update(zip(map(id, objects), objects, strict=True))
        return list(merged.values())

    # Questions asked of every spelling are answered with set operations in C first: the usual module gives
    # no wrong answer, and only a wrong answer makes the question go through the spellings one by one.
    @cached_property
    def undefined(self) -> list[ParsedId]:
        """Spellings whose ID nothing defines (for a global REQ: that the global list does not hold)."""
        missing = set(map(key_of, self.spellings)) - self.defined.keys()
        missing = {key for key in missing if key[0] is not IdKind.GLOBAL_REQ or key[2] not in self.globals}
        return [parsed for parsed in self.spellings if key_of(parsed) in missing] if missing else []

    @cached_property
    def badly_padded(self) -> list[ParsedId]:
        """Spellings whose digits are not padded the way the spec writes their kind."""
        spellings = self.spellings
        pairs = set(zip(map(_KIND, spellings), map(_DIGITS, spellings), strict=True))
        wrong = {pair for pair in pairs if not padding_ok(*pair)}
        return [parsed for parsed in spellings if (parsed.kind, parsed.digits) in wrong] if wrong else []

    @cached_property
    def prefixes(self) -> set[str]:
        """Every prefix the module's IDs carry (global REQs carry none)."""
        found = set(map(_PREFIX, self.spellings))
        found.discard(None)
        return found  # type: ignore[return-value]

    def with_prefixes(self, chosen: set[str]) -> list[ParsedId]:
        """The spellings whose prefix is one of `chosen` (none when nothing is chosen, without a look)."""
        return [parsed for parsed in self.spellings if parsed.prefix in chosen] if chosen else []

    def occurrences_of(self, wanted: Iterable[ParsedId]) -> Iterator[tuple[Document, IdOccurrence]]:
        """Every occurrence of the given IDs (as returned by `spellings`), in document order."""
        keys = {id(parsed) for parsed in wanted}
        if not keys:
            return
        for doc in self.documents:
            for occurrence in doc.ids:
                if id(occurrence.id) in keys:
                    yield doc, occurrence

    def is_own(self, parsed: ParsedId) -> bool:
        """Whether `parsed` carries this module's prefix (a global REQ, or an unknown prefix, counts)."""
        return parsed.prefix is None or self.prefix is None or parsed.prefix == self.prefix

    def is_reference(self, doc: Document, occurrence: IdOccurrence) -> bool:
        """Whether `occurrence` names its ID rather than defines it. The phase section headings of
        INTENT_SCENARIOS.md and TASKS.md are references: they name a phase the design defines."""
        if not occurrence.defines:
            return True
        return occurrence.id.kind is IdKind.PHASE and doc.name not in layout.DESIGN_DOCS

    def section_phases(self, doc: Document) -> list[Phase]:
        """Phase sections of a non-design document (`## PHASE-X-1: Title`, `## Phase 1`)."""
        return [] if doc.name in layout.DESIGN_DOCS else list(doc.phases)

    @cached_property
    def design_phase_numbers(self) -> set[int]:
        """The numbers of the design's phases, those of the older `### Phase N: Title` form included."""
        numbers = set(self.design_phases)
        for doc in self.docs(layout.DESIGN_DOCS):
            numbers.update(phase.number for phase in doc.phases)
        return numbers

    def phase_is_defined(self, phase: Phase) -> bool:
        """Whether a phase section without an ID (`## Phase N`) names a phase of the design, by its number (a
        section with an ID is a reference like any other: MF204 finds it among the undefined IDs)."""
        return phase.number in self.design_phase_numbers


# Spelling checks depend on the kind and digits (padding) or the prefix alone, not on the module: kept
# for the whole process, so a monorepo run answers each once.
_PADDING_OK: dict[tuple[IdKind, str], bool] = {}
_PREFIX_ERRORS: dict[str, str | None] = {}


def kinds_of(ids: Iterable[ParsedId]) -> set[IdKind]:
    """The kinds among `ids`, collected in C."""
    return set(map(_KIND, ids))


def padding_ok(kind: IdKind, digits: str) -> bool:
    ok = _PADDING_OK.get((kind, digits))
    if ok is None:
        ok = _PADDING_OK[kind, digits] = grammar.padded_right(kind, digits)
    return ok


def prefix_error(prefix: str) -> str | None:
    if prefix not in _PREFIX_ERRORS:
        _PREFIX_ERRORS[prefix] = grammar.prefix_error(prefix)
    return _PREFIX_ERRORS[prefix]


def display_prefix_source(context: Context) -> str:
    if context.module.prefix_source == "answers":
        return layout.ANSWERS_FILE
    return "the IDs its documents define"
