"""The base of the re-merge of a file copier left unmerged (`migration._merge_base`), line by line: the migrated
base, except where the owner changed lines the migration changes and the migration did not reach the owner's
version of them; there the original base stays, so the owner's change meets the template's as a conflict.
Each case pins one edge of that rule (where a change of the owner's or of the migration begins and ends, what
counts as the owner already holding the migrated lines), with the four sides and the result stated literally."""

from __future__ import annotations

import pytest

from modforge.lifecycle import migration


def _lines(*lines: str) -> str:
    return "".join(line + "\n" for line in lines)


TITLE, OLD, NEW, BODY, NEW_BODY, END = "# Design", "## Old", "## New", "Old body.", "New body.", "End."

# A long document (240 lines, half of them blank): where difflib's autojunk heuristic would start ignoring its
# blank lines (a sequence of 200 or more, a line in more than 1% of them), which the merge base must not do.
SECTIONS = "".join(f"## Section {n}\n\nText {n}.\n\n" for n in range(60))

CASES = {
    # The migration rewrote a heading and the body under it; the owner changed only the body, and the migration
    # changed the owner's title far above: it did not reach the owner's lines, so the original base stays.
    "reached-elsewhere-above": (
        _lines(TITLE, "Intro.", OLD, BODY),
        _lines(TITLE, "Intro.", NEW, NEW_BODY),
        _lines(TITLE, "Intro.", OLD, "My body."),
        _lines("# Design v2", "Intro.", OLD, "My body."),
        _lines(TITLE, "Intro.", OLD, BODY),
    ),
    # The owner changed the heading; the migration changed the body line after it in both versions, inside
    # the place the migration rewrote: it reached the owner's change, the migrated base merges.
    "reached-in-the-line-after": (
        _lines(TITLE, OLD, BODY, END),
        _lines(TITLE, NEW, NEW_BODY, END),
        _lines(TITLE, "## Mine", BODY, END),
        _lines(TITLE, "## Mine", NEW_BODY, END),
        _lines(TITLE, NEW, NEW_BODY, END),
    ),
    # The same two lines after the owner's heading: the migration reached the second of them.
    "reached-two-lines-after": (
        _lines(TITLE, OLD, "One.", "Two.", END),
        _lines(TITLE, NEW, "One!", "Two!", END),
        _lines(TITLE, "## Mine", "One.", "Two.", END),
        _lines(TITLE, "## Mine", "One.", "Two!", END),
        _lines(TITLE, NEW, "One!", "Two!", END),
    ),
    # The migration changed the owner's line just after the rewritten place: that does not reach the owner.
    "changed-just-after": (
        _lines(TITLE, OLD, BODY, END),
        _lines(TITLE, NEW, NEW_BODY, END),
        _lines(TITLE, "## Mine", BODY, END),
        _lines(TITLE, "## Mine", BODY, "The end."),
        _lines(TITLE, OLD, BODY, END),
    ),
    # The migration inserted a line just after the owner's changed heading (not before it): not reached.
    "inserted-just-after": (
        _lines(TITLE, OLD, BODY),
        _lines(TITLE, NEW, BODY),
        _lines(TITLE, "## Mine", BODY),
        _lines(TITLE, "## Mine", "Inserted.", BODY),
        _lines(TITLE, OLD, BODY),
    ),
    # The migration changed the line just before the owner's changed heading: not reached.
    "changed-just-before": (
        _lines(TITLE, OLD, BODY),
        _lines(TITLE, NEW, BODY),
        _lines(TITLE, "## Mine", BODY),
        _lines("# Design v2", "## Mine", BODY),
        _lines(TITLE, OLD, BODY),
    ),
    # A line the owner kept takes the migrated text, even where the migration left the owner's version alone.
    "kept-by-the-owner": (
        _lines(TITLE, OLD),
        _lines(TITLE, NEW),
        _lines(TITLE, OLD, "Mine."),
        _lines(TITLE, OLD, "Mine."),
        _lines(TITLE, NEW),
    ),
    # The migration blanks a placeholder the owner replaced with a note: the blank line right after the note is
    # not the owner holding the migrated (blank) line, so the placeholder stays for the owner to decide.
    "blank-just-after": (
        _lines(TITLE, "TODO", "", BODY),
        _lines(TITLE, "", "", BODY),
        _lines(TITLE, "My note.", "", BODY),
        _lines(TITLE, "My note.", "", BODY),
        _lines(TITLE, "TODO", "", BODY),
    ),
    # ... nor is the blank line right before the note.
    "blank-just-before": (
        _lines(TITLE, "", "TODO", BODY),
        _lines(TITLE, "", "", BODY),
        _lines(TITLE, "", "My note.", BODY),
        _lines(TITLE, "", "My note.", BODY),
        _lines(TITLE, "", "TODO", BODY),
    ),
    # The migrated heading further down the owner's file is not the owner holding it in place of theirs.
    "migrated-line-further-down": (
        _lines(TITLE, OLD, BODY),
        _lines(TITLE, NEW, BODY),
        _lines(TITLE, "## Mine", BODY, NEW),
        _lines(TITLE, "## Mine", BODY, NEW),
        _lines(TITLE, OLD, BODY),
    ),
    # A long document, the migration rewrote the lines around two blank lines, the owner wrote a note into the
    # second blank line: the rewritten lines are not the owner's, they merge; only the note's line is the owner's.
    "long-base-to-migrated-base": (
        SECTIONS + _lines(OLD, "", "", END),
        SECTIONS + _lines(NEW, "", "", "The end."),
        SECTIONS + _lines(OLD, "", "My note.", END),
        SECTIONS + _lines(OLD, "", "My note.", END),
        SECTIONS + _lines(NEW, "", "", "The end."),
    ),
    # A long document, the owner rewrote the lines around two blank lines, the migration filled the first blank
    # line: the owner did not change that line, so the migrated line merges.
    "long-base-to-owner": (
        SECTIONS + _lines(OLD, "", "", END),
        SECTIONS + _lines(OLD, "New line.", "", END),
        SECTIONS + _lines("## Mine", "", "", "My end."),
        SECTIONS + _lines("## Mine", "", "", "My end."),
        SECTIONS + _lines(OLD, "New line.", "", END),
    ),
    # A long document, the owner unchecked a task (now a blank line between blank lines) and the migration
    # rewrote the lines around it in both versions, but not the owner's line: the checked task stays.
    "long-owner-to-migrated-owner": (
        SECTIONS + _lines(OLD, "", "- [x] done", "", END),
        SECTIONS + _lines(NEW, "", "- [x] done, migrated", "", "The end."),
        SECTIONS + _lines(OLD, "", "", "", END),
        SECTIONS + _lines(NEW, "", "", "", "The end."),
        SECTIONS + _lines(NEW, "", "- [x] done", "", "The end."),
    ),
}


@pytest.mark.parametrize(("base", "base_migrated", "ours", "ours_migrated", "expected"), CASES.values(), ids=CASES)
def test_the_merge_base_at_the_edges_of_the_owners_and_the_migrations_changes(
    base: str, base_migrated: str, ours: str, ours_migrated: str, expected: str
) -> None:
    assert migration._merge_base(base, base_migrated, ours, ours_migrated) == expected
