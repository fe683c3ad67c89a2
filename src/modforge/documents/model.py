"""The document model: what one parse of a module's `docs/` yields, shared by every command.

Immutable records only; the parser (modforge.documents.parser) builds them, rules and commands read them and
never re-parse text. One field is computed on first use: `Document.ids`, every ID occurrence with its
line and column, which a module whose IDs are all right never needs (rules ask `distinct_ids` first).
The records a document holds by the thousand, and the small ones beside them, are named tuples:
`tuple.__new__` builds one in a fraction of what a frozen dataclass costs.
Lines and columns are 1-based, as editors and `path:line:col` output show them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import NamedTuple

from modforge.spec.grammar import IdKind, ParsedId


class IdOccurrence(NamedTuple):
    """One ID token in prose or a heading (never inside code, HTML comments or front matter)."""

    id: ParsedId
    line: int
    column: int
    in_heading: bool
    defines: bool  # the heading that defines this ID (### REQ-X-1: ..., ## PHASE-X-1, ... (PHASE-X-1))


class Heading(NamedTuple):
    level: int
    text: str  # inline text, markers and trailing #s stripped
    line: int


class Phase(NamedTuple):
    """A phase section: `## PHASE-X-1: Title` (scenarios, tasks), `## Phase 1` (spec's tasks form)
    or `### Title (PHASE-X-1)` (design)."""

    id: ParsedId | None  # None for the legacy `## Phase N` form
    number: int
    title: str
    line: int


class Step(NamedTuple):
    keyword: str  # WHEN | THEN | AND
    text: str
    line: int


class Scenario(NamedTuple):
    id: ParsedId
    title: str
    line: int
    phase: Phase | None
    steps: tuple[Step, ...]
    bullets_without_keyword: tuple[int, ...]  # lines of top-level bullets that are not WHEN/THEN/AND
    nested_headings: tuple[Heading, ...]  # deeper headings inside the scenario (sub-scenarios)
    status: str | None = None  # ACTUAL_SCENARIOS.md: the `**Status:** ...` line under the heading, as written


class Requirement(NamedTuple):
    id: ParsedId
    title: str
    line: int
    body: str  # the prose under the heading, comments and code removed
    phase: Phase | None


class Subtask(NamedTuple):
    number: str  # "3.2" as written ("" when missing)
    mark: str  # what stands between the brackets: " ", "x", "X", or anything else as written
    text: str
    line: int
    depth: int  # 0 for items directly under the task, 1+ for nested items

    @property
    def done(self) -> bool:
        return self.mark in ("x", "X")


class Task(NamedTuple):
    id: ParsedId | None  # None for the legacy `### 1. SDK Implementation` form
    title: str
    line: int
    phase: Phase | None
    subtasks: tuple[Subtask, ...]
    legacy_number: int | None = None  # N of `### N. Title`


class ChangeSection(NamedTuple):
    name: str  # Added, Changed, ...
    line: int
    entries: tuple[tuple[int, str], ...]  # (line, text) of each bullet


class Release(NamedTuple):
    version: str  # "Unreleased" or a SemVer string as written
    date: str | None
    line: int
    heading: str
    sections: tuple[ChangeSection, ...]


class GapEntry(NamedTuple):
    id: ParsedId | None
    title: str
    line: int
    labels: tuple[tuple[str, int], ...]  # (Intent|Actual|Gap, line) in the order written


class Problem(NamedTuple):
    """Something that kept a document from being read as Markdown text (encoding, size, binary)."""

    code: str
    message: str
    line: int = 1
    column: int = 1


@dataclass(frozen=True)
class Document:
    path: Path
    name: str  # the pipeline name (INTENT_DESIGN.md, ...), after legacy names are mapped
    headings: tuple[Heading, ...] = ()
    distinct_ids: tuple[ParsedId, ...] = ()  # each ID spelling the text holds, once (by keyword, then first use)
    phases: tuple[Phase, ...] = ()
    requirements: tuple[Requirement, ...] = ()
    scenarios: tuple[Scenario, ...] = ()
    tasks: tuple[Task, ...] = ()
    releases: tuple[Release, ...] = ()
    gaps: tuple[GapEntry, ...] = ()
    conflict_markers: tuple[int, ...] = ()  # lines of <<<<<<< ======= >>>>>>> left by a merge
    problems: tuple[Problem, ...] = ()
    # Builds `ids` on first use: a document holds IDs by the hundred, and a module whose IDs are all right
    # needs only `distinct_ids` (occurrences place the findings of an ID found wrong).
    locate_ids: Callable[[], tuple[IdOccurrence, ...]] | None = field(default=None, repr=False, compare=False)

    @cached_property
    def ids(self) -> tuple[IdOccurrence, ...]:
        """Every ID occurrence in document order, with its line and column."""
        return self.locate_ids() if self.locate_ids is not None else ()

    def references(self, kind: IdKind | None = None) -> list[IdOccurrence]:
        return [o for o in self.ids if not o.defines and (kind is None or o.id.kind is kind)]


@dataclass(frozen=True)
class Module:
    root: Path
    prefix: str | None  # from the answers file, else inferred from the IDs the docs define
    prefix_source: str  # "answers", "documents" or "none"
    answers: dict | None
    documents: dict[str, Document] = field(default_factory=dict)  # by pipeline name
    extra_files: tuple[Path, ...] = ()  # *.rej files and other leftovers found in the module
    answers_problem: Problem | None = None  # why the answers file, present, could not be read as answers

    def doc(self, name: str) -> Document | None:
        return self.documents.get(name)


# Problem codes a parser may record on a Document (rules turn them into diagnostics).
PROBLEM_CODES = ("io-error", "not-utf8", "binary", "empty", "too-large")
