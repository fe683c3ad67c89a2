"""Checks several rule families share: the form of definition headings, and phase grouping."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Protocol

from modforge.checker.rules.context import Context
from modforge.checker.rules.proposals import Proposals
from modforge.checker.rules.registry import Finding, hit
from modforge.documents.model import Document, Heading
from modforge.spec import grammar, layout
from modforge.spec.grammar import IdKind


class Item(Protocol):
    """What the heading check needs of a Requirement, Scenario or Task."""

    id: grammar.ParsedId | None
    title: str
    line: int


def heading_findings(
    ctx: Context,
    docs: Sequence[Document],
    kind: IdKind,
    items: Callable[[Document], Sequence[Item]],
    word: str,
) -> Iterator[Finding]:
    """Headings in `docs` that should define an ID of `kind` and do not have its form.

    A level-3 heading is a definition (`### REQ-X-1: Title`); one at another level whose text has that
    form is a definition at the wrong level, unless it sits inside a scenario (a sub-scenario, MF404).
    The heading each finding proposes keeps the author's number when it is free and otherwise takes the
    next free one, so no two findings propose one ID and none proposes an ID the module defines.
    """
    proposals = Proposals(ctx, kind)
    for doc in docs:
        found = list(_malformed(doc, kind, items, word))
        expected = proposals.headings(doc, [(heading.line, heading.text) for heading, _ in found], word)
        for heading, problem in found:
            proposal = expected[heading.line]
            text = "#" * layout.DEFINITION_LEVEL + " " + layout.definition_heading(proposal.id, proposal.title)
            yield hit(doc.path, heading.line, problem=problem, expected=text, hint=proposal.hint)


def _malformed(
    doc: Document, kind: IdKind, items: Callable[[Document], Sequence[Item]], word: str
) -> Iterator[tuple[Heading, str]]:
    """Each heading of `doc` that should define an ID of `kind` and does not have its form, with the problem."""
    by_line = {item.line: item for item in items(doc)}
    nested = {h.line for s in doc.scenarios for h in s.nested_headings}
    for heading in doc.headings:
        item = by_line.get(heading.line)
        if heading.level == layout.DEFINITION_LEVEL:
            if item is None or item.id is None or item.id.kind is not kind:
                yield heading, f"`### {heading.text}` is not a {kind.label} heading"
            elif not item.title:
                yield heading, f"{item.id.text} has no {word.lower()}"
        elif heading.line not in nested:  # a heading inside a scenario is MF404's
            match = layout.DEFINITION_RE.match(heading.text)
            parsed = match and grammar.parse_id(match["id"])
            if parsed and parsed.kind is kind:
                level = "#" * heading.level
                yield heading, f"`{level} {heading.text}` is at level {heading.level}, definitions are at level 3"
