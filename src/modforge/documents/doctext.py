"""The text of a pipeline document: which bytes read as Markdown text without a problem to report.

Apart from modforge.documents.parser (which records a problem for every other file) so that modforge.checker.quickcheck
can read documents without importing the document model.
"""

from __future__ import annotations

import codecs
import re

from modforge.documents.blockscan import normalize

MAX_DOCUMENT_BYTES = 5_000_000  # far above any real pipeline document (the largest seen is under 200 kB)
UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
# Lines a merge or `copier update` leaves behind: <<<<<<< ours, ||||||| base, =======, >>>>>>> theirs.
CONFLICT_MARKER_RE = re.compile(r"\n(?:<{7}|>{7}|\|{7})(?=[ \t\n]|$)|\n={7}[ \t]*(?=\n|$)")
_MARKER_STARTS = tuple("\n" + mark * 7 for mark in "<|=>")


def conflict_marker_lines(src: str) -> list[int]:
    """The lines (1-based) CONFLICT_MARKER_RE finds in `src` (a text with a newline put in front), counted
    as the matches come, so that a text of nothing but markers costs one pass."""
    lines: list[int] = []
    line, counted = 0, 0
    for match in CONFLICT_MARKER_RE.finditer(src):
        line += src.count("\n", counted, match.end())  # a match holds one newline, the one it starts with
        counted = match.end()
        lines.append(line)
    return lines


def may_hold_conflict_marker(src: str) -> bool:
    """Whether `src` (a text with a newline put in front) may hold a line CONFLICT_MARKER_RE finds: four
    substring searches, much faster than the pattern on the usual text, which holds none."""
    return any(start in src for start in _MARKER_STARTS)


def readable_text(data: bytes) -> str | None:
    """The normalised text of a document whose bytes give the parser no problem to record (not too large,
    not UTF-16 or binary, not empty, UTF-8); None for any other. (tests/test_quickcheck.py proves that the
    parser agrees.)"""
    if len(data) > MAX_DOCUMENT_BYTES or data[:2] in UTF16_BOMS or b"\x00" in data or not data.strip():
        return None
    try:
        return normalize(data.decode("utf-8"))
    except UnicodeDecodeError:
        return None
