"""The ID grammar of the pipeline: the one definition of every ID form.

The template's Jinja extensions, the prompts, the checker and the migrations all import this module;
nothing else in modforge may spell an ID pattern. Stdlib only, because copier loads it from the
template checkout through ``extensions/`` without modforge being installed.

Forms (spec, "Terminology"):

====================  =====================  =============================
kind                  form                   canonical example
====================  =====================  =============================
module requirement    ``REQ-{MODULE}-{N}``   ``REQ-OAGW-42``  (no padding)
global requirement    ``REQ-{N}``            ``REQ-10``       (no padding)
scenario              ``SCEN-{MODULE}-{N}``  ``SCEN-OAGW-01`` (2 digits at least)
task                  ``TASK-{MODULE}-{N}``  ``TASK-OAGW-01`` (2 digits at least)
phase                 ``PHASE-{MODULE}-{N}`` ``PHASE-OAGW-1`` (no padding; the spec also
                                                              shows ``PHASE-MODULE-01``, accepted)
====================  =====================  =============================
"""

from __future__ import annotations

import enum
import re
from typing import NamedTuple


class IdKind(enum.Enum):
    """The kinds of ID the pipeline defines."""

    REQ = "module requirement"
    GLOBAL_REQ = "global requirement"
    SCEN = "scenario"
    TASK = "task"
    PHASE = "phase"

    # Members are singletons, so identity is equality: hash by identity, in C. (Enum hashes the member's
    # name in Python, and the checker hashes ID keys by the thousand.)
    __hash__ = object.__hash__

    @property
    def keyword(self) -> str:
        return "REQ" if self is IdKind.GLOBAL_REQ else self.name

    @property
    def width(self) -> int:
        """Canonical minimum number of digits."""
        return 2 if self in (IdKind.SCEN, IdKind.TASK) else 1

    @property
    def label(self) -> str:
        """How messages and docs name the kind."""
        return self.value


MODULE_KINDS = (IdKind.REQ, IdKind.SCEN, IdKind.TASK, IdKind.PHASE)
KEYWORDS = ("REQ", "SCEN", "TASK", "PHASE")

# The MODULE part: upper-case letters and digits, starting with a letter, 2 to 10 characters.
PREFIX_MIN, PREFIX_MAX = 2, 10
PREFIX_RE = re.compile(rf"[A-Z][A-Z0-9]{{{PREFIX_MIN - 1},{PREFIX_MAX - 1}}}")
# Words an ID prefix may not be: they would read as an ID keyword (`REQ-TASK-1`).
RESERVED_PREFIXES = frozenset(KEYWORDS) | {"MODULE"}

# One pattern finds every ID-shaped token in text. The prefix is deliberately looser than
# PREFIX_RE (any length) so that a malformed prefix is still seen and reported, not skipped.
# Group "prefix" is None for a global requirement.
_ID_BEFORE = r"[A-Za-z0-9_-]"  # what may not stand right before an ID
ANY_PREFIX = r"[A-Z][A-Z0-9]*"
PREFIX_PLACEHOLDER = "<P>"  # where the prefix goes in an ID whose module prefix is unknown: `SCEN-<P>-01`
# The number of an ID, a phase or a task: ASCII digits, at most MAX_DIGITS of them. A longer run of digits is
# no number modforge reads (no module counts past a billion; Python's int() refuses 4,300 digits and more, and
# converts long ones in quadratic time): `REQ-X-` and ten digits is not an ID.
MAX_DIGITS = 9
NUMBER = rf"[0-9]{{1,{MAX_DIGITS}}}(?![0-9])"
_ID_REST = rf"-(?:(?P<prefix>{ANY_PREFIX})-)?(?P<number>{NUMBER})(?![A-Za-z0-9_])"
ID_TOKEN_RE = re.compile(rf"(?<!{_ID_BEFORE})(?P<keyword>{'|'.join(KEYWORDS)}){_ID_REST}")
# The same tokens, one pattern per keyword, each starting with its keyword: `re` then skips ahead with a fast
# substring search, so four passes over a whole document take less than half the time of one ID_TOKEN_RE pass.
# The document parser uses these; tests/test_parser.py proves them equal to ID_TOKEN_RE.
ID_SCAN_RES = tuple(re.compile(rf"{keyword}(?<!{_ID_BEFORE}{keyword}){_ID_REST}") for keyword in KEYWORDS)
# And without groups, so that `findall` returns whole tokens (the distinct IDs of a text, in C).
ID_FIND_RES = tuple(re.compile(re.sub(r"\(\?P<\w+>", "(?:", pattern.pattern)) for pattern in ID_SCAN_RES)


# The digits of a number as `format_id` pads it (no leading zero beyond the kind's width; 0 is left out).
_CANONICAL_DIGITS = {
    1: rf"[1-9][0-9]{{0,{MAX_DIGITS - 1}}}(?![0-9])",
    2: rf"(?:0[1-9]|[1-9][0-9]{{1,{MAX_DIGITS - 1}}})(?![0-9])",
}


def canonical_pattern(kind: IdKind, prefix: str = ANY_PREFIX) -> str:
    """The source of a group-free pattern matching an ID of `kind` spelled as `format_id` writes it, with
    `prefix` (a pattern; any prefix by default). modforge.checker.quickcheck builds its grammar with it."""
    digits = _CANONICAL_DIGITS[kind.width]
    return f"REQ-{digits}" if kind is IdKind.GLOBAL_REQ else f"{kind.keyword}-{prefix}-{digits}"


class ParsedId(NamedTuple):
    """One ID as written: its kind, prefix (None for a global REQ), number and digits as typed.

    A named tuple, so that the parser can build a document's IDs by the hundred in C (`tuple.__new__`
    over zipped columns)."""

    kind: IdKind
    prefix: str | None
    number: int
    digits: str

    @property
    def text(self) -> str:
        return (
            f"{self.kind.keyword}-{self.prefix}-{self.digits}" if self.prefix else f"{self.kind.keyword}-{self.digits}"
        )

    @property
    def canonical(self) -> str:
        """The ID as `format_id` writes it; a module ID written without a prefix (`SCEN-1`) gets the placeholder
        `<P>` where its prefix goes (`SCEN-<P>-01`), as the checker's messages name it."""
        return format_id(self.kind, self.prefix or PREFIX_PLACEHOLDER, self.number)

    @property
    def key(self) -> tuple[IdKind, str | None, int]:
        """Identity of the ID regardless of padding: `SCEN-X-1` and `SCEN-X-01` are the same scenario."""
        return (self.kind, self.prefix, self.number)

    def padding_error(self) -> str | None:
        """Why the digits do not follow the spec's padding, or None when they do."""
        if padded_right(self.kind, self.digits):
            return None
        return f"write {self.canonical} ({self.kind.label} numbers use {_width_words(self.kind)})"


def number_order(digits: str) -> tuple[int, str]:
    """A key that orders strings of ASCII digits as the numbers they write, of any length (versions may
    have more digits than int() converts)."""
    significant = digits.lstrip("0")
    return (len(significant), significant)


def padded_right(kind: IdKind, digits: str) -> bool:
    """Whether an ID of `kind` numbered `digits` is padded as the spec writes it."""
    canonical = str(int(digits)).zfill(kind.width)
    return digits == canonical or (kind is IdKind.PHASE and len(digits) == 2 and int(digits) < 10)  # PHASE-X-01


def _width_words(kind: IdKind) -> str:
    return "no leading zeros" if kind.width == 1 else f"at least {kind.width} digits"


def format_id(kind: IdKind, prefix: str | None, number: int) -> str:
    """The canonical text of an ID: ``format_id(IdKind.SCEN, "OAGW", 1) == "SCEN-OAGW-01"``."""
    digits = str(number).zfill(kind.width)
    if kind is IdKind.GLOBAL_REQ:
        return f"REQ-{digits}"
    if not prefix:
        raise ValueError(f"a {kind.label} ID needs a module prefix")
    return f"{kind.keyword}-{prefix}-{digits}"


def number_placeholder(kind: IdKind) -> str:
    """Where the author fills in a number a message cannot choose, one `N` per padded digit: `<NN>`."""
    return "<" + "N" * kind.width + ">"


def placeholder_id(kind: IdKind, prefix: str) -> str:
    """An ID of `kind` with its number left to the author, as messages write it: `SCEN-OAGW-<NN>`."""
    return f"{kind.keyword}-{prefix}-{number_placeholder(kind)}"


def id_sequence(kind: IdKind, prefix: str | None, count: int, start: int = 1) -> list[str]:
    """`count` consecutive canonical IDs from `start`."""
    return [format_id(kind, prefix, n) for n in range(start, start + count)]


def kind_of(keyword: str, has_prefix: bool) -> IdKind:
    if keyword == "REQ":
        return IdKind.REQ if has_prefix else IdKind.GLOBAL_REQ
    return IdKind[keyword]


def parse_id(text: str) -> ParsedId | None:
    """Parse one whole ID, or return None when `text` is not exactly one ID token."""
    match = ID_TOKEN_RE.fullmatch(text)
    return _from_match(match) if match else None


def find_ids(text: str) -> list[tuple[int, ParsedId]]:
    """Every ID token in `text` with its 0-based column."""
    return [(m.start(), _from_match(m)) for m in ID_TOKEN_RE.finditer(text)]


def _from_match(match: re.Match[str]) -> ParsedId:
    keyword, prefix, digits = match.group("keyword", "prefix", "number")
    return ParsedId(kind_of(keyword, prefix is not None), prefix, int(digits), digits)


def prefix_error(prefix: str) -> str | None:
    """Why `prefix` cannot be a module's ID prefix, or None when it can."""
    if not PREFIX_RE.fullmatch(prefix or ""):
        return (
            f"ID prefix {prefix!r} must be {PREFIX_MIN} to {PREFIX_MAX} upper-case letters or digits, "
            "starting with a letter (for example OAGW or CREDSTORE)"
        )
    if prefix in RESERVED_PREFIXES:
        return f"ID prefix {prefix!r} is an ID keyword and would read as one; choose another, such as {prefix}X"
    return None
