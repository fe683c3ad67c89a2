"""Checks several rule families share: the form of definition headings, and phase grouping."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Protocol

from modforge.checker.rules.context import Context
from modforge.checker.rules.registry import Finding, hit
from modforge.documents.model import Document
from modforge.spec import grammar, layout
from modforge.spec.grammar import IdKind


class Item(Protocol):
    """What the heading check needs of a Requirement, Scenario or Task."""

    id: grammar.ParsedId | None
    title: str
    line: int


def expected_heading(ctx: Context, kind: IdKind, text: str, word: str) -> str:
    """The heading the author probably meant: the ID found in `text` (canonical), else a placeholder."""
    found = grammar.find_ids(text)
    if found:  # keep the number only when the ID is of the right kind; the title is what follows the ID
        column, parsed = found[0]
        number = parsed.number if parsed.kind is kind else None
        title = (text[:column] + text[column + len(parsed.text) :]).strip(" \t-:–—.()") or word
    else:  # perhaps the older `### 1. SDK Implementation` form: keep its number
        rest = text.lstrip("0123456789")
        digits = text[: len(text) - len(rest)]
        number = int(digits) if 0 < len(digits) <= grammar.MAX_DIGITS else None
        title = rest.strip(" \t-:–—.") or word
    prefix = ctx.prefix or "<P>"
    digits = "<N>" if number is None else str(number).zfill(kind.width)
    return "#" * layout.DEFINITION_LEVEL + " " + layout.definition_heading(f"{kind.keyword}-{prefix}-{digits}", title)


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
    """
    for doc in docs:
        by_line = {item.line: item for item in items(doc)}
        nested = {h.line for s in doc.scenarios for h in s.nested_headings}
        for heading in doc.headings:
            item = by_line.get(heading.line)
            if heading.level == layout.DEFINITION_LEVEL:
                if item is None or item.id is None or item.id.kind is not kind:
                    problem = f"`### {heading.text}` is not a {kind.label} heading"
                elif not item.title:
                    problem = f"{item.id.text} has no {word.lower()}"
                else:
                    continue
                yield hit(
                    doc.path, heading.line, problem=problem, expected=expected_heading(ctx, kind, heading.text, word)
                )
            elif heading.line in nested:
                continue  # a heading inside a scenario: MF404 reports it
            else:
                match = layout.DEFINITION_RE.match(heading.text)
                parsed = match and grammar.parse_id(match["id"])
                if parsed and parsed.kind is kind:
                    level = "#" * heading.level
                    problem = f"`{level} {heading.text}` is at level {heading.level}, definitions are at level 3"
                    yield hit(
                        doc.path,
                        heading.line,
                        problem=problem,
                        expected=expected_heading(ctx, kind, heading.text, word),
                    )
