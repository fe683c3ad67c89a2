"""IDs that fix-it messages propose: never one the module already defines, never the same one twice.

A rule that tells the author which ID to write (MF301, MF401, MF501: "write `### SCEN-OAGW-07: Name`";
MF103: "write REQ-OAGW-3"; MF802: the design's phase heading) asks one `Proposals` per kind. It keeps the
number the author wrote when that number is free, and otherwise hands out the next free numbers in the
order the headings come. Hand-numbered outlines (`### 1.9 Request Construction`) carry no ID: their
number is a section number, so each heading gets the next free ID and its title loses the outline number.

Where a definition is *meant* to repeat another one (an ACTUAL document redefines the IDs of its intent
twin), a fresh number would be wrong: the heading gets the intent ID with the same title when there is
one, else a placeholder (`SCEN-OAGW-<NN>`) with a hint, never an invented ID.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import NamedTuple

from modforge.checker.rules.context import Context
from modforge.documents.model import Document
from modforge.spec import grammar, layout
from modforge.spec.grammar import IdKind

# `1.9 Request Construction`, `2.1. Retry`: an outline number, not an ID.
OUTLINE_RE = re.compile(r"\d+(?:\.\d+)+\.?(?=\s|$)")
# `1. SDK Implementation`, the older prompt set's task heading: its number was the task's.
LEGACY_NUMBER_RE = re.compile(r"(?P<number>\d+)[.)](?=\s|$)")
_TRIM = " \t-:–—.()"
_INTENT_TWIN = {
    layout.ACTUAL_REQUIREMENTS: layout.INTENT_REQUIREMENTS,
    layout.ACTUAL_SCENARIOS: layout.INTENT_SCENARIOS,
}


INTENT_SCOPE = "intent"


def uniqueness_scope(doc: Document) -> str:
    """Definitions that must be unique together (MF104): the intent documents, or one other document."""
    return INTENT_SCOPE if doc.name in layout.INTENT_DOCS else doc.name


class Proposal(NamedTuple):
    id: str  # `SCEN-OAGW-07`, or `SCEN-OAGW-<NN>` when no ID can be proposed safely
    title: str
    hint: str  # why a placeholder stands for the number ("" when `id` is a real ID)


class Proposals:
    """The IDs of one kind this module's fix-its propose, handed out in document order."""

    def __init__(self, ctx: Context, kind: IdKind) -> None:
        self.ctx, self.kind = ctx, kind
        self.prefix = ctx.prefix or "<P>"
        self._proposed: defaultdict[str, set[int]] = defaultdict(set)  # scope -> numbers already proposed
        self._scopes: dict[str, list[tuple[int, str | None, str, int]]] = {}

    def _definitions(self, scope: str) -> list[tuple[int, str | None, str, int]]:
        """(number, prefix, document name, line) of every definition of this kind in `scope`."""
        if scope not in self._scopes:
            self._scopes[scope] = [
                (d.id.number, d.id.prefix, d.doc.name, d.line)
                for d in self.ctx.definitions
                if d.id.kind is self.kind and uniqueness_scope(d.doc) == scope
            ]
        return self._scopes[scope]

    def _taken(self, scope: str, skip: tuple[str, int], *, own_prefix: bool = False) -> set[int]:
        """Numbers defined in `scope` by another heading than `skip` (with this module's prefix only, if asked)."""
        return {
            number
            for number, prefix, name, line in self._definitions(scope)
            if (name, line) != skip and (not own_prefix or prefix == self.ctx.prefix)
        }

    def _claim(self, scope: str, number: int | None, taken: set[int]) -> int | None:
        """`number` when it is neither defined nor already proposed in `scope` (it is proposed from now on)."""
        proposed = self._proposed[scope]
        if number is None or number < 1 or number in taken or number in proposed:
            return None
        proposed.add(number)
        return number

    def _next(self, scope: str, taken: set[int]) -> int:
        """The lowest number neither defined nor proposed in `scope` (it is proposed from now on)."""
        proposed = self._proposed[scope]
        number = 1
        for used in sorted(taken | proposed):  # in ascending order: the first gap is the lowest free number
            if used == number:
                number += 1
        proposed.add(number)
        return number

    def headings(self, doc: Document, found: list[tuple[int, str]], word: str) -> dict[int, Proposal]:
        """What each heading (line, text) of `doc` should read, by line: first every number an author wrote
        and that is free is kept, then the others get the next free numbers in the order they come."""
        scope = uniqueness_scope(doc)
        parsed = {line: _strip_id(text, self.kind) for line, text in found}
        taken = {line: self._taken(scope, (doc.name, line)) for line, _ in found}
        kept = {line: self._claim(scope, parsed[line][0], taken[line]) for line, _ in found}
        return {
            line: self._proposal(kept[line], parsed[line][1] or word)
            if kept[line] is not None
            else self._unnumbered(doc, scope, parsed[line][1] or word, taken[line])
            for line, _ in found
        }

    def _unnumbered(self, doc: Document, scope: str, title: str, taken: set[int]) -> Proposal:
        twin = _INTENT_TWIN.get(doc.name)
        intent = self._intent_titles() if twin is not None else {}
        if intent:  # an ACTUAL heading reports on an intent definition: the one with its title, or ask which
            same = next((n for n, t in intent.items() if t.casefold() == title.casefold()), None)
            chosen = self._claim(scope, same, taken)
            if chosen is not None:
                return self._proposal(chosen, title)
            number = grammar.number_placeholder(self.kind)
            hint = f"; {number}: the number of the {self.kind.label} of {twin} it reports on"
            return Proposal(grammar.placeholder_id(self.kind, self.prefix), title, hint)
        return self._proposal(self._next(scope, taken), title)

    def _intent_titles(self) -> dict[int, str]:
        titles: dict[int, str] = {}
        for number, _prefix, name, line in self._definitions(INTENT_SCOPE):
            heading = next(h.text for h in self.ctx.module.documents[name].headings if h.line == line)
            titles.setdefault(number, _strip_id(heading)[1])
        return titles

    def renumber(self, doc: Document, number: int, line: int) -> str:
        """The ID with this module's prefix for the definition on `line` whose number is `number` (a definition
        carrying another prefix, an older `### Phase 1` heading): that number when free, else the next free."""
        scope = uniqueness_scope(doc)
        taken = self._taken(scope, (doc.name, line), own_prefix=True)
        number = self._claim(scope, number, taken)
        return grammar.format_id(self.kind, self.prefix, number if number is not None else self._next(scope, taken))

    def _proposal(self, number: int, title: str) -> Proposal:
        return Proposal(grammar.format_id(self.kind, self.prefix, number), title, "")


def _strip_id(text: str, kind: IdKind | None = None) -> tuple[int | None, str]:
    """(the number the heading gives its `kind` of ID, or None; the heading's title without ID or number)."""
    found = grammar.find_ids(text)
    if found:  # keep the number only when the ID is of the right kind; the title is what follows the ID
        column, parsed = found[0]
        number = parsed.number if kind is None or parsed.kind is kind else None
        return number, (text[:column] + text[column + len(parsed.text) :]).strip(_TRIM)
    outline = OUTLINE_RE.match(text)
    if outline:  # `1.9 Request Construction`: a section number, not an ID
        return None, text[outline.end() :].strip(_TRIM)
    legacy = LEGACY_NUMBER_RE.match(text)
    if legacy:  # the older `### 1. SDK Implementation`: keep its number
        return int(legacy["number"]), text[legacy.end() :].strip(_TRIM)
    return None, text.strip(_TRIM)
