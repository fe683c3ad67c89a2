"""The Markdown block scanner behind modforge.documents.parser: which lines are headings, code or HTML comments.

The checker must see what a Markdown renderer sees: no ID inside fenced or indented code, HTML comments
or inline code spans, and headings only where CommonMark makes them. A full CommonMark parse in Python
runs at about 2 MB/s, too slow for a monorepo, so `scan` has two paths that give the same answer:

- the fast path finds the constructs that decide structure at column 0 (ATX headings, fences, comment
  blocks) with a few whole-text regular expressions, each starting with the newline before its line, so
  that `re` skips ahead with a fast substring search; it then looks for any line that may need
  CommonMark's container rules (block quotes, indented block starts, setext underlines, indented code,
  tabs, block starts inside list items);
- each section (between two document headings) holding such a line is scanned again by the exact path,
  a port of the block rules of markdown-it (containers, lazy continuation, tabs, the seven kinds of HTML
  block); a column-0 ATX heading closes every container, so sections are independent, unless one ends
  inside a top-level fence or HTML block: then the whole text is scanned by the exact path.

tests/test_parser_markdown.py proves both paths against markdown-it-py. Headings are reported only at
the document's top level (a `# x` inside a list item or block quote is not a document heading). Link
reference definitions and tables are read as paragraphs; they change nothing the checker looks at.

Offsets in a Scan refer to `src`, the text with one `\\n` put in front, so that for an offset `p` the
line is `src.count("\\n", 0, p)` and the column `p - src.rfind("\\n", 0, p)`, both 1-based.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

CODE = "code"
COMMENT = "comment"


class Scan:
    """What the scanner found in one text (a plain class: a dataclass would cost its import every run)."""

    __slots__ = ("blocks", "exact", "headings", "src", "visible")

    def __init__(
        self,
        src: str,
        visible: str,
        headings: list[tuple[int, str, int, int, int]],
        blocks: list[tuple[int, int, str]],
        exact: bool = False,
    ) -> None:
        self.src = src  # "\n" + the text, with line endings normalised
        self.visible = visible  # src with code, HTML comments and inline code blanked to spaces (same length)
        # (level, text, first line, offset of the heading's first line, offset where its body starts)
        self.headings = headings
        self.blocks = blocks  # (first line, last line, CODE | COMMENT)
        self.exact = exact  # True when the exact path decided some or all of it


def normalize(text: str) -> str:
    """CRLF and lone CR to LF; a leading byte order mark dropped."""
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def scan(text: str, *, exact: bool = False) -> Scan:
    """Headings, code and comment blocks, and the visible text of normalised Markdown `text`.
    `exact=True` skips the fast path (the tests compare the two)."""
    src = "\n" + text
    if exact:
        found = _exact(src, 1, len(src) + 1, 1)
        starts = _line_starts(src)
        spans = [(starts[first], starts[last + 1] - 1) for first, last, _ in found.blocks]
        result = Scan(src, _blank(src, spans), found.headings, sorted(found.blocks), exact=True)
    else:
        result = _fast_scan(src)
    _blank_inline(result)
    return result


def line_kinds(text: str, *, exact: bool = False) -> list[str]:
    """For each line of `text`: "code", "comment" or "text" (what the scanner decided)."""
    text = normalize(text)
    result = scan(text, exact=exact)
    kinds = ["text"] * (text.count("\n") + (0 if text.endswith("\n") or not text else 1))
    for first, last, kind in result.blocks:
        for line in range(first, min(last, len(kinds)) + 1):
            kinds[line - 1] = kind
    return kinds


# --- shared helpers ------------------------------------------------------------------------------
def _blank(src: str, spans: list[tuple[int, int]]) -> str:
    """`src` with the characters of each (start, end) span, except newlines, replaced by spaces."""
    if not spans:
        return src
    pieces, previous = [], 0
    for start, end in spans:
        pieces.append(src[previous:start])
        segment = src[start:end]
        if "\n" in segment:
            pieces.append("\n".join([" " * len(part) for part in segment.split("\n")]))
        else:
            pieces.append(" " * (end - start))
        previous = end
    pieces.append(src[previous:])
    return "".join(pieces)


def _heading_text(raw: str) -> str:
    """ATX heading content: the closing `#` sequence and surrounding blanks removed."""
    text = raw.strip(" \t")
    if text.endswith("#"):
        text = _ATX_CLOSING.sub("", text)
    return text.strip(" \t")


_ATX_CLOSING = re.compile(r"(?:^|[ \t]+)#+[ \t]*$")


# --- fast path -----------------------------------------------------------------------------------
# Every pattern starts with the newline before its line: `re` then finds candidates with a fast search.
_MASK_START = re.compile(r"\n[`~<]")
_FENCE_OPEN_LINE = re.compile(r"`{3,}(?=[^`\n]*$)|~{3,}", re.M)
_ATX_LINE = re.compile(r"\n(#{1,6})(?=[ \t\n]|$)([^\n]*)")
_LINE_REST = re.compile(r"[^\n]*")
# Lines that may need container rules (confirmed or dismissed by `_is_risky`): indented, block quote, HTML,
# `=` or `-` lines, `*`, `+` or numbered items, and `-` items whose content is unusual for these documents
# (an item opening with a code span, `- \`op()\` ...`, is usual; one opening a fence is not).
_CANDIDATE = re.compile(r"\n(?:[ \t>=<0-9*+]|-(?:[^ \n]|[ ](?:[^\[A-Za-z(*`\n]|`(?=``))|[ ]?$))", re.M)
# An item whose content holds a tab, starts a fence, HTML or a block quote, or is indented code.
_RISKY_ITEM = re.compile(
    r"(?:(?:[-*+]|\d{1,9}[.)])[ \t]+)*(?:[-*+]|\d{1,9}[.)])(?:[ ]*\t|[ ]+(?:`{3}|~{3}|[<>])|[ ]{5,}\S)"
)
_ITEM_MARKERS = re.compile(r"(?:(?:[-*+]|\d{1,9}[.)])(?:[ \t]+|$))*")
_BLOCK_START_AFTER_INDENT = re.compile(r"`{3}|~{3}|[<>#=]|-+[ \t]*$|(?:-[ ]*){3,}$|(?:\*[ ]*){3,}$|(?:_[ ]*){3,}$")
_NOT_PARAGRAPH = re.compile(r"[ \t]*$|#{1,6}(?:[ \t]|$)|.*-->|(?:-[ ]*){3,}$|(?:\*[ ]*){3,}$|(?:_[ ]*){3,}$")
_UNDERLINE = re.compile(r"(?:=+|-+)[ \t]*$")


def _closing_fence(char: str, length: int) -> re.Pattern[str]:
    key = (char, length)
    pattern = _FENCE_CLOSERS.get(key)
    if pattern is None:
        pattern = _FENCE_CLOSERS[key] = re.compile(rf"\n {{0,3}}{re.escape(char)}{{{length},}}[ \t]*(?=\n|$)")
    return pattern


_FENCE_CLOSERS: dict[tuple[str, int], re.Pattern[str]] = {}


def without_blocks(src: str) -> str:
    """`src` (a normalised text with a newline put in front) with its column-0 fenced code and HTML comment
    blocks blanked, as the fast path sees it before any container rule: modforge.checker.quickcheck reads this."""
    return _blank(src, [(start, end) for start, end, _ in _masks(src)])


def _masks(src: str) -> list[tuple[int, int, str]]:
    """(start offset, end offset, kind) of each column-0 fenced code block and HTML comment block, in order."""
    masks: list[tuple[int, int, str]] = []
    skip_until = 0
    document_end = len(src) - 1 if src.endswith("\n") and len(src) > 1 else len(src)  # an unclosed block ends here
    for match in _MASK_START.finditer(src):
        start = match.start() + 1
        if start < skip_until:
            continue
        if src[start] == "<":
            if not src.startswith("<!--", start):
                continue
            close = src.find("-->", start)
            skip_until = document_end if close < 0 else _LINE_REST.match(src, close).end()
            masks.append((start, skip_until, COMMENT))
        else:
            fence = _FENCE_OPEN_LINE.match(src, start)
            if fence is None:
                continue
            marker = fence.group()
            closer = _closing_fence(marker[0], len(marker)).search(src, fence.end())
            skip_until = closer.end() if closer else document_end
            masks.append((start, skip_until, CODE))
    return masks


def _fast_scan(src: str) -> Scan:
    """Column-0 fences, comment blocks and ATX headings by whole-text search; the sections (between two
    headings) holding a line that may need container rules are then scanned again by the exact path."""
    masks = _masks(src)
    headings: list[tuple[int, str, int, int, int]] = []
    line = previous = 0
    count = src.count
    mask_index, mask_total = 0, len(masks)
    for match in _ATX_LINE.finditer(src):
        start = match.start() + 1
        while mask_index < mask_total and masks[mask_index][1] < start:
            mask_index += 1
        if mask_index < mask_total and masks[mask_index][0] <= start:
            continue
        line += count("\n", previous, start)
        previous = start
        marks, rest = match.groups()
        text = rest.strip(" \t")
        if text.endswith("#"):
            text = _heading_text(text)
        headings.append((len(marks), text, line, start, match.end() + 1))
    visible = _blank(src, [(a, b) for a, b, _ in masks])
    blocks = []
    line = previous = 0
    for start, end, kind in masks:  # in order: count each stretch of text once
        line += count("\n", previous, start)
        last = line + count("\n", start, end)
        blocks.append((line, last, kind))
        line, previous = last, end
    result = Scan(src, visible, headings, blocks)
    risky = [m.start() + 1 for m in _CANDIDATE.finditer(visible) if _is_risky(visible, m.start() + 1)]
    if risky:
        _rescan_sections(result, risky)
    return result


def _is_risky(visible: str, start: int) -> bool:
    """Whether the line at `start` may need CommonMark's container rules (block masks already blank)."""
    end = visible.find("\n", start)
    line = visible[start:] if end < 0 else visible[start:end]
    first = line[0]
    if first in ">=<":
        return first != "=" or (_UNDERLINE.match(line) is not None and bool(_previous_line(visible, start).strip()))
    if first not in " \t":
        if first == "-" and _UNDERLINE.match(line):
            return bool(_previous_line(visible, start).strip(" \t"))  # setext underline, or break after text
        return _RISKY_ITEM.match(line) is not None
    content = line.lstrip(" ")
    if not content.strip(" \t"):
        return False  # a blank line
    if content[0] == "\t" or _BLOCK_START_AFTER_INDENT.match(content):
        return True
    indent = len(line) - len(content)
    if indent >= 4:
        before = _previous_line(visible, start)
        stripped = before.lstrip(" ")
        markers = _ITEM_MARKERS.match(stripped).end()
        if _NOT_PARAGRAPH.match(stripped, markers):
            return True  # indented code: after a blank line, a heading, a break, a closed block or an empty item
        if markers and indent < len(before) - len(stripped) + markers:
            return True  # under an item, but short of its content: which container it continues is the exact path's
    return _RISKY_ITEM.match(content) is not None


def _previous_line(text: str, start: int) -> str:
    """The line before the one starting at `start` (text[start - 1] is its newline)."""
    if start <= 1:
        return ""
    begin = text.rfind("\n", 0, start - 1) + 1
    return text[begin : start - 1]


def _rescan_sections(result: Scan, risky: list[int]) -> None:
    """Run the exact path over each section holding a risky line; over the whole text if a section ends
    inside a top-level fence or HTML block (its next heading was then no heading)."""
    src, headings = result.src, result.headings
    whole = (1, len(src) + 1)
    starts = [heading[3] for heading in headings]
    bounds: list[tuple[int, int]] = []
    for index in sorted({bisect_right(starts, offset) - 1 for offset in risky}):
        begin = starts[index] if index >= 0 else 1
        end = starts[index + 1] if index + 1 < len(starts) else whole[1]
        if bounds and bounds[-1][1] == begin:
            bounds[-1] = (bounds[-1][0], end)
        else:
            bounds.append((begin, end))
    rescans = []
    line, previous = 0, 0
    for begin, end in bounds if bounds != [whole] else ():
        line += src.count("\n", previous, begin)  # the ranges are in order: count each stretch once
        previous = begin
        exact = _exact(src, begin, end, line)
        if exact.spills:
            break
        rescans.append((begin, end, exact))
    else:
        if rescans:
            _replace(result, rescans)
            return
    _replace(result, [(*whole, _exact(src, *whole, 1))])


def _replace(result: Scan, rescans: list[tuple[int, int, _ExactResult]]) -> None:
    """Put the exact path's headings and blocks in place of the fast path's within each rescanned range."""
    src = result.src
    starts = _line_starts(src)
    ranges = [(begin, end) for begin, end, _ in rescans]
    firsts = [begin for begin, _ in ranges]

    def rescanned(offset: int) -> bool:
        index = bisect_right(firsts, offset) - 1
        return index >= 0 and offset < ranges[index][1]

    headings = [h for h in result.headings if not rescanned(h[3])]
    blocks = [b for b in result.blocks if not rescanned(starts[b[0]])]
    for _begin, _end, exact in rescans:
        headings += exact.headings
        blocks += exact.blocks
    headings.sort(key=lambda heading: heading[3])
    blocks.sort()
    spans = [(starts[first], starts[last + 1] - 1) for first, last, _ in blocks]
    result.headings, result.blocks, result.exact = headings, blocks, True
    result.visible = _blank(src, spans)


def _line_starts(src: str) -> list[int]:
    """starts[n] is the offset of line n (1-based; starts[0] = 0 is the leading newline); one past the end too."""
    starts = [0, 1]
    find = src.find
    position = find("\n", 1)
    while position >= 0:
        starts.append(position + 1)
        position = find("\n", position + 1)
    starts.append(len(src) + 1)
    return starts


# --- inline code spans and inline HTML comments ----------------------------------------------------
_BACKTICKS = re.compile(r"`+")
# The newline before a line that ends a paragraph: blank, or opening another block (a quote marker is
# handled apart: it continues a quoted paragraph).
_BREAK = re.compile(r"\n(?=[ \t]*(?:\n|$|#|[-*+](?:[ \t]|$)|\d{1,9}[.)](?:[ \t]|$)|```|~~~))", re.M)
_QUOTE_LINE = re.compile(r"\n[ ]{0,3}>")
_QUOTE_MARKERS = re.compile(r"(?:[ ]{0,3}>[ ]?)+")
_STARTS_BLOCK = re.compile(r"[ \t]*(?:$|#|[-*+](?:[ \t]|$)|\d{1,9}[.)](?:[ \t]|$)|```|~~~)")


_STARTS_BLOCK_AT = re.compile(_STARTS_BLOCK.pattern, re.M)


class _Inline:
    """Where inline content may run: within one line of a heading, within one paragraph otherwise.
    Questions come in text order (left to right); each is answered by bisection over offsets found once
    and a line pointer that only moves forward, so no stretch of text is searched twice."""

    def __init__(self, text: str, heading_starts: set[int]) -> None:
        self.text = text
        self.heading_starts = heading_starts
        self.breaks: list[int] | None = None
        self.quote_lines: list[int] | None = None  # the newline before each line with quote markers
        self.quote_breaks: list[int] = []  # ... of those whose content, after the markers, opens a block
        self.line_begin, self.line_end = 0, -1  # the line of the last offset asked about

    def _line_of(self, start: int) -> None:
        text = self.text
        if start > self.line_end or start < self.line_begin:
            lower = self.line_end if self.line_begin <= start else 0
            self.line_begin = text.rfind("\n", max(lower, 0), start) + 1
            end = text.find("\n", start)
            self.line_end = len(text) if end < 0 else end

    def crosses(self, start: int, end: int) -> bool:
        """Whether content from `start` to `end` would have to leave its heading or paragraph."""
        self._line_of(start)
        if self.line_end >= end:
            return False
        if self.line_begin in self.heading_starts:
            return True
        if self.breaks is None:
            self.breaks = [match.start() for match in _BREAK.finditer(self.text)]
        if _any_between(self.breaks, start, end):
            return True
        if self.quote_lines is None:
            self._find_quote_lines()
        if not _any_between(self.quote_lines, self.line_end, end):
            return False
        # Inside a block quote a line ends the paragraph when, after its quote markers, it is blank or opens
        # a block; a quote marker after unquoted text starts a new block.
        if _QUOTE_MARKERS.match(self.text, self.line_begin) is None:
            return True
        return _any_between(self.quote_breaks, self.line_end, end)

    def _find_quote_lines(self) -> None:
        text = self.text
        self.quote_lines = [match.start() for match in _QUOTE_LINE.finditer(text)]
        for newline in self.quote_lines:
            markers = _QUOTE_MARKERS.match(text, newline + 1)
            if markers is not None and _STARTS_BLOCK_AT.match(text, markers.end()):
                self.quote_breaks.append(newline)


def _any_between(offsets: list[int], start: int, end: int) -> bool:
    """Whether the sorted `offsets` hold one in [start, end)."""
    index = bisect_left(offsets, start)
    return index < len(offsets) and offsets[index] < end


def _blank_inline(result: Scan) -> None:
    """Blank inline code spans and inline HTML comments, left to right as CommonMark reads them: whichever
    starts first wins (a backtick inside a comment is comment, `<!--` inside code is code)."""
    text = result.visible
    if "`" not in text and "<!--" not in text:
        return
    inline = _Inline(text, {start for _, _, _, start, _ in result.headings})
    runs = [match.span() for match in _BACKTICKS.finditer(text)]
    by_length: dict[int, list[int]] = {}  # run length -> starts of the runs of that length
    for start, end in runs:
        by_length.setdefault(end - start, []).append(start)
    comment_ends = _all(text, "-->")
    events = [(start, end, "`") for start, end in runs] + [(p, p + 4, "<") for p in _all(text, "<!--")]
    events.sort()
    spans: list[tuple[int, int]] = []
    done = 0  # everything before this offset is decided
    for start, end, kind in events:
        if start < done:
            continue
        if kind == "<":
            close = _comment_end(text, start, comment_ends)
            if close and not inline.crosses(start, close):
                spans.append((start, close))
                done = close
            continue
        escapes = 0
        while text[start - 1 - escapes] == "\\":
            escapes += 1
        if escapes % 2:
            start += 1  # an escaped backtick is literal; the rest of the run may still open a span
            if start == end:
                continue
        starts = by_length.get(end - start, [])
        following = bisect_right(starts, start)
        closer = starts[following] if following < len(starts) else -1
        if closer < 0 or inline.crosses(start, closer):
            done = end  # no closing run in this paragraph: the backticks are literal
            continue
        done = closer + end - start
        spans.append((start, done))
    if spans:
        result.visible = _blank(text, spans)


def _all(text: str, needle: str) -> list[int]:
    found, position = [], text.find(needle)
    while position >= 0:
        found.append(position)
        position = text.find(needle, position + 1)
    return found


def _comment_end(text: str, start: int, ends: list[int]) -> int:
    """Where the inline comment opened at `start` ends (CommonMark: `<!-->`, `<!--->`, or up to the first
    `-->` after `<!--`), or 0 when it is never closed."""
    if text.startswith("<!-->", start):
        return start + 5
    if text.startswith("<!--->", start):
        return start + 6
    following = bisect_right(ends, start + 3)
    return ends[following] + 3 if following < len(ends) else 0


# --- exact path: the block phase of markdown-it (the reference the tests compare with) -----------
# A port of markdown-it's block rules that decide structure (code, fence, blockquote, hr, list,
# html_block, heading, lheading, paragraph), reduced to what the scanner reports. Link reference
# definitions and tables are paragraphs here, as they change nothing the checker looks at.
_BLOCK_NAMES = (
    "address|article|aside|base|basefont|blockquote|body|caption|center|col|colgroup|dd|details|dialog|dir|div|dl|"
    "dt|fieldset|figcaption|figure|footer|form|frame|frameset|h[123456]|head|header|hr|html|iframe|legend|li|link|"
    "main|menu|menuitem|nav|noframes|ol|optgroup|option|p|param|search|section|summary|table|tbody|td|tfoot|th|"
    "thead|title|tr|track|ul"
)
_ATTRIBUTE = r"""(?:\s+[a-zA-Z_:][a-zA-Z0-9:._-]*(?:\s*=\s*(?:[^"'=<>`\x00-\x20]+|'[^']*'|"[^"]*"))?)"""
# (opening, closing, can interrupt a paragraph) per HTML block kind; kind 2 is the comment.
_HTML_BLOCKS = (
    (
        re.compile(r"<(?:script|pre|style|textarea)(?=\s|>|$)", re.I),
        re.compile(r"</(?:script|pre|style|textarea)>", re.I),
        True,
    ),
    (re.compile(r"<!--"), re.compile(r"-->"), True),
    (re.compile(r"<\?"), re.compile(r"\?>"), True),
    (re.compile(r"<![A-Za-z]"), re.compile(r">"), True),
    (re.compile(r"<!\[CDATA\["), re.compile(r"\]\]>"), True),
    (re.compile(rf"</?(?:{_BLOCK_NAMES})(?=\s|/?>|$)", re.I), None, True),
    (
        re.compile(rf"(?:<[A-Za-z][A-Za-z0-9-]*{_ATTRIBUTE}*\s*/?>|</[A-Za-z][A-Za-z0-9-]*\s*>)\s*$"),
        None,
        False,
    ),
)
_LEADING = re.compile(r"[ \t]*")
_MAX_NESTING = 20  # markdown-it's commonmark preset: deeper containers are not parsed (and recursion stays bounded)


class _ExactResult:
    __slots__ = ("blocks", "headings", "spills")

    def __init__(self, headings: list, blocks: list, spills: bool) -> None:
        self.headings = headings  # as Scan.headings, absolute
        self.blocks = blocks  # as Scan.blocks, absolute
        self.spills = spills  # the range ended inside a top-level fence or HTML block


def _exact(src: str, begin: int, end: int, first_line: int) -> _ExactResult:
    """The exact path over the lines of src[begin:end], which start at line `first_line` (`begin` starts a
    line; `end` starts one or is past the end)."""
    state = _State(src[begin:end])
    state.tokenize(0, state.line_max)
    offset_line = first_line - 1
    starts = state.line_start
    headings = [
        (level, text, first + 1 + offset_line, begin + starts[first], begin + starts[after])
        for level, text, first, after in state.headings
    ]
    blocks = [(first + 1 + offset_line, after + offset_line, kind) for first, after, kind in state.blocks]
    return _ExactResult(headings, blocks, state.spills)


class _State:
    """markdown-it's StateBlock: per-line begin/end marks, indentation, and the rules over them."""

    def __init__(self, text: str) -> None:
        self.src = text
        self.b_marks: list[int] = []
        self.e_marks: list[int] = []
        self.t_shift: list[int] = []
        self.s_count: list[int] = []
        self.bs_count: list[int] = []
        self.line_start: list[int] = []  # unshifted start of each line, for offsets
        start, length = 0, len(text)
        while start < length:
            end = text.find("\n", start)
            if end < 0:
                end = length
            lead = _LEADING.match(text, start, end).group()
            columns = 0
            for char in lead:
                columns += 4 - columns % 4 if char == "\t" else 1
            self.b_marks.append(start)
            self.e_marks.append(end)
            self.t_shift.append(len(lead))
            self.s_count.append(columns)
            self.bs_count.append(0)
            self.line_start.append(start)
            start = end + 1
        for marks in (self.b_marks, self.e_marks):
            marks.append(length)
        self.line_start.append(start)  # where a line after the last would start
        self.t_shift.append(0)
        self.s_count.append(0)
        self.bs_count.append(0)
        self.line_max = len(self.b_marks) - 1
        self.blk_indent = 0
        self.list_indent = -1
        self.parent_type = "root"
        self.level = 0
        self.line = 0
        self.tight = False
        self.headings: list[tuple[int, str, int, int]] = []  # level, text, first line, line after (0-based)
        self.blocks: list[tuple[int, int, str]] = []  # first line (0-based), line after, kind
        self.spills = False
        self.quote_budgets: dict[tuple[int, int], int] = {}  # (level, line) -> lines a quote there took, x2

    # -- helpers
    def is_empty(self, line: int) -> bool:
        return self.b_marks[line] + self.t_shift[line] >= self.e_marks[line]

    def is_code(self, line: int) -> bool:
        return self.s_count[line] - self.blk_indent >= 4

    def skip_empty(self, line: int) -> int:
        while line < self.line_max and self.is_empty(line):
            line += 1
        return line

    def skip_spaces(self, position: int) -> int:
        src, length = self.src, len(self.src)
        while position < length and src[position] in " \t":
            position += 1
        return position

    def skip_char(self, position: int, char: str) -> int:
        src, length = self.src, len(self.src)
        while position < length and src[position] == char:
            position += 1
        return position

    def first_char(self, line: int) -> str:
        position = self.b_marks[line] + self.t_shift[line]
        return self.src[position] if position < self.e_marks[line] else ""

    def lines_text(self, begin: int, end: int) -> str:
        """The text of lines [begin, end) without their indentation up to the block indent (getLines)."""
        parts = []
        for line in range(begin, end):
            first, last = self.b_marks[line], self.e_marks[line]
            indent = 0
            while first < last and indent < self.blk_indent:
                char = self.src[first]
                if char in " \t":
                    indent += 4 - (indent + self.bs_count[line]) % 4 if char == "\t" else 1
                elif first - self.b_marks[line] < self.t_shift[line]:
                    indent += 1
                else:
                    break
                first += 1
            parts.append(self.src[first:last])
        return "\n".join(parts)

    # -- driving (ParserBlock.tokenize)
    def tokenize(self, start_line: int, end_line: int) -> None:
        line = start_line
        while line < end_line:
            self.line = line = self.skip_empty(line)
            if line >= end_line or self.s_count[line] < self.blk_indent:
                break
            if self.level >= _MAX_NESTING:  # markdown-it's guard: deeper content is left unparsed
                self.line = end_line
                break
            position = self.b_marks[line] + self.t_shift[line]
            char = self.src[position] if position < self.e_marks[line] else ""
            for rule in _RULES.get(char, _RULES[None]):
                if rule(self, line, end_line, False):
                    break
            line = self.line
            if line < end_line and self.is_empty(line):
                line += 1
                self.line = line

    def terminates(self, rules: dict, line: int, end_line: int) -> bool:
        """Whether one of `rules` (a table of `_by_first_char`) would start a block at `line`."""
        position = self.b_marks[line] + self.t_shift[line]
        char = self.src[position] if position < self.e_marks[line] else ""
        return any(rule(self, line, end_line, True) for rule in rules.get(char, rules[None]))


def _rule_code(state: _State, start: int, end_line: int, silent: bool) -> bool:
    if not state.is_code(start):
        return False
    last = line = start + 1
    while line < end_line:
        if state.is_empty(line):
            line += 1
        elif state.is_code(line):
            line += 1
            last = line
        else:
            break
    state.line = last
    state.blocks.append((start, last, CODE))
    return True


def _rule_fence(state: _State, start: int, end_line: int, silent: bool) -> bool:
    position, maximum = state.b_marks[start] + state.t_shift[start], state.e_marks[start]
    if state.is_code(start) or position + 3 > maximum:
        return False
    marker = state.src[position]
    if marker not in "~`":
        return False
    after = state.skip_char(position, marker)
    length = after - position
    if length < 3 or (marker == "`" and "`" in state.src[after:maximum]):
        return False
    if silent:
        return True
    line, closed = start, False
    while True:
        line += 1
        if line >= end_line:
            break
        position, maximum = state.b_marks[line] + state.t_shift[line], state.e_marks[line]
        if position < maximum and state.s_count[line] < state.blk_indent:
            break
        if position >= len(state.src):
            break
        if state.src[position] != marker or state.is_code(line):
            continue
        after = state.skip_char(position, marker)
        if after - position < length or state.skip_spaces(after) < maximum:
            continue
        closed = True
        break
    state.line = line + (1 if closed else 0)
    state.blocks.append((start, state.line, CODE))
    if not closed and state.level == 0 and line >= state.line_max:
        state.spills = True
    return True


def _rule_blockquote(state: _State, start: int, end_line: int, silent: bool) -> bool:
    """markdown-it's blockquote, made linear. markdown-it scans every line the quote could reach (quoted
    lines and lazy ones) before parsing its content, but the content may stop at the first lazy line, so
    each quote of `x\\n>>\\n` repeated rescans the rest of the text. Here the scan stops a little past
    the first lazy line (`budget`), the content is parsed up to that bound, and only when it reached the
    bound (it may have gone further) is the quote scanned and parsed again, with twice the budget: each
    quote costs a small multiple of the lines it takes. The answer is markdown-it's in every case (a parse
    that stops before the bound never looked past it). A quote's budget is remembered for its line, so an
    enclosing quote trying again gives its inner quotes their budget at once (nested retries would
    otherwise multiply)."""
    position, maximum = state.b_marks[start] + state.t_shift[start], state.e_marks[start]
    if state.is_code(start) or position >= maximum or state.src[position] != ">":
        return False
    if silent:
        return True
    key = (state.level, start)
    budget = state.quote_budgets.get(key, 0)
    found = len(state.blocks)
    while True:
        bound = _quote_attempt(state, start, end_line, budget)
        if bound is None or state.line < bound:
            break
        del state.blocks[found:]  # the content reached the bound: scan further and parse it again
        budget = 2 * (bound - start)
    state.quote_budgets[key] = 2 * (state.line - start)
    return True


def _quote_attempt(state: _State, start: int, end_line: int, budget: int) -> int | None:
    """Scan the quote from `start` and parse its content (state.line is then where the quote ends). The scan
    stops once it has passed a lazy line and `budget` lines: the line it stopped at is returned (the bound
    the content was parsed up to), or None when the scan ended where markdown-it's does."""
    old_line_max = state.line_max
    saved: list[tuple[int, int, int, int]] = []
    line = start
    last_line_empty = False
    lazy_seen = False
    bound = None
    terminators = _TERMINATE_BLOCKQUOTE
    old_parent = state.parent_type
    state.parent_type = "blockquote"
    while line < end_line:
        if lazy_seen and line - start >= budget:
            bound = state.line_max = line
            break
        position, maximum = state.b_marks[line] + state.t_shift[line], state.e_marks[line]
        if line > start:
            outdented = state.s_count[line] < state.blk_indent
            if position >= maximum:
                break
            quoted = state.src[position] == ">" and not outdented
        else:
            quoted = True
        if quoted:
            position += 1
            initial = offset = state.s_count[line] + 1
            following = state.src[position] if position < len(state.src) else ""
            adjust_tab = False
            if following == " ":
                position += 1
                initial += 1
                offset += 1
                space_after = True
            elif following == "\t":
                space_after = True
                if (state.bs_count[line] + offset) % 4 == 3:
                    position += 1
                    initial += 1
                    offset += 1
                else:
                    adjust_tab = True
            else:
                space_after = False
            saved.append((state.b_marks[line], state.t_shift[line], state.s_count[line], state.bs_count[line]))
            state.b_marks[line] = position
            while position < maximum:
                char = state.src[position]
                if char == "\t":
                    offset += 4 - (offset + state.bs_count[line] + (1 if adjust_tab else 0)) % 4
                elif char == " ":
                    offset += 1
                else:
                    break
                position += 1
            last_line_empty = position >= maximum
            state.bs_count[line] = state.s_count[line] + 1 + (1 if space_after else 0)
            state.s_count[line] = offset - initial
            state.t_shift[line] = position - state.b_marks[line]
            line += 1
            continue
        if last_line_empty:
            break
        if state.terminates(terminators, line, end_line):
            state.line_max = line
            if state.blk_indent != 0:
                saved.append((state.b_marks[line], state.t_shift[line], state.s_count[line], state.bs_count[line]))
                state.s_count[line] -= state.blk_indent
            break
        saved.append((state.b_marks[line], state.t_shift[line], state.s_count[line], state.bs_count[line]))
        state.s_count[line] = -1  # a lazy continuation line
        lazy_seen = True
        line += 1
    old_indent = state.blk_indent
    state.blk_indent = 0
    state.level += 1
    state.tokenize(start, line)
    state.level -= 1
    state.line_max = old_line_max
    state.parent_type = old_parent
    for index, (b_mark, t_shift, s_count, bs_count) in enumerate(saved):
        state.b_marks[start + index] = b_mark
        state.t_shift[start + index] = t_shift
        state.s_count[start + index] = s_count
        state.bs_count[start + index] = bs_count
    state.blk_indent = old_indent
    return bound


def _rule_hr(state: _State, start: int, end_line: int, silent: bool) -> bool:
    position, maximum = state.b_marks[start] + state.t_shift[start], state.e_marks[start]
    if state.is_code(start) or position >= maximum:
        return False
    marker = state.src[position]
    if marker not in "*-_":
        return False
    content = state.src[position:maximum]
    if content.count(marker) < 3 or content.strip(marker + " \t"):
        return False
    if not silent:
        state.line = start + 1
    return True


def _bullet_after(state: _State, line: int) -> int:
    position, maximum = state.b_marks[line] + state.t_shift[line], state.e_marks[line]
    if position >= maximum or state.src[position] not in "*-+":
        return -1
    position += 1
    if position < maximum and state.src[position] not in " \t":
        return -1
    return position


def _ordered_after(state: _State, line: int) -> int:
    start = position = state.b_marks[line] + state.t_shift[line]
    maximum = state.e_marks[line]
    if position + 1 >= maximum or not "0" <= state.src[position] <= "9":
        return -1
    position += 1
    while True:
        if position >= maximum:
            return -1
        char = state.src[position]
        position += 1
        if "0" <= char <= "9":
            if position - start >= 10:
                return -1
            continue
        if char in ").":
            break
        return -1
    if position < maximum and state.src[position] not in " \t":
        return -1
    return position


def _rule_list(state: _State, start: int, end_line: int, silent: bool) -> bool:
    if state.is_code(start):
        return False
    if (
        state.list_indent >= 0
        and state.s_count[start] - state.list_indent >= 4
        and state.s_count[start] < state.blk_indent
    ):
        return False
    interrupts = silent and state.parent_type == "paragraph" and state.s_count[start] >= state.blk_indent
    after = _ordered_after(state, start)
    if after >= 0:
        ordered = True
        marker_start = state.b_marks[start] + state.t_shift[start]
        if interrupts and int(state.src[marker_start : after - 1]) != 1:
            return False
    else:
        after = _bullet_after(state, start)
        if after < 0:
            return False
        ordered = False
    if interrupts and state.skip_spaces(after) >= state.e_marks[start]:
        return False
    marker = state.src[after - 1]
    if silent:
        return True
    line = start
    old_parent = state.parent_type
    state.parent_type = "list"
    state.level += 1
    while line < end_line:
        position, maximum = after, state.e_marks[line]
        initial = offset = state.s_count[line] + after - (state.b_marks[line] + state.t_shift[line])
        while position < maximum:
            char = state.src[position]
            if char == "\t":
                offset += 4 - (offset + state.bs_count[line]) % 4
            elif char == " ":
                offset += 1
            else:
                break
            position += 1
        content_start = position
        after_marker = 1 if content_start >= maximum else offset - initial
        if after_marker > 4:
            after_marker = 1
        indent = initial + after_marker
        old_tight, old_t_shift, old_s_count = state.tight, state.t_shift[line], state.s_count[line]
        old_list_indent = state.list_indent
        state.list_indent = state.blk_indent
        state.blk_indent = indent
        state.tight = True
        state.t_shift[line] = content_start - state.b_marks[line]
        state.s_count[line] = offset
        state.level += 1
        if content_start >= maximum and state.is_empty(line + 1):
            state.line = min(state.line + 2, end_line)
        else:
            state.tokenize(line, end_line)
        state.level -= 1
        state.blk_indent = state.list_indent
        state.list_indent = old_list_indent
        state.t_shift[line], state.s_count[line] = old_t_shift, old_s_count
        state.tight = old_tight
        line = state.line
        if line >= end_line or state.s_count[line] < state.blk_indent or state.is_code(line):
            break
        if state.terminates(_TERMINATE_LIST, line, end_line):
            break
        after = _ordered_after(state, line) if ordered else _bullet_after(state, line)
        if after < 0 or marker != state.src[after - 1]:
            break
    state.level -= 1
    state.line = line
    state.parent_type = old_parent
    return True


def _rule_html(state: _State, start: int, end_line: int, silent: bool) -> bool:
    position, maximum = state.b_marks[start] + state.t_shift[start], state.e_marks[start]
    if state.is_code(start) or position >= maximum or state.src[position] != "<":
        return False
    text = state.src[position:maximum]
    kind = next((index for index, block in enumerate(_HTML_BLOCKS, start=1) if block[0].match(text)), 0)
    if not kind:
        return False
    _opening, closing, interrupts = _HTML_BLOCKS[kind - 1]
    if silent:
        return interrupts
    line = start + 1
    ended = closing is not None and closing.search(text) is not None
    if not ended:
        while line < end_line:
            if state.s_count[line] < state.blk_indent and (closing is None or not state.is_empty(line)):
                break
            position, maximum = state.b_marks[line] + state.t_shift[line], state.e_marks[line]
            text = state.src[position:maximum]
            if closing is None:
                if not text:
                    ended = True
                    break
            elif closing.search(text):
                ended = True
                if text:
                    line += 1
                break
            line += 1
    state.line = line
    if kind == 2:
        state.blocks.append((start, line, COMMENT))
    if not ended and state.level == 0 and line >= state.line_max:
        state.spills = True
    return True


def _rule_heading(state: _State, start: int, end_line: int, silent: bool) -> bool:
    position, maximum = state.b_marks[start] + state.t_shift[start], state.e_marks[start]
    if state.is_code(start) or position >= maximum or state.src[position] != "#":
        return False
    after = state.skip_char(position, "#")
    level = after - position
    if level > 6 or (after < maximum and state.src[after] not in " \t"):
        return False
    if silent:
        return True
    state.line = start + 1
    if state.level == 0:
        state.headings.append((level, _heading_text(state.src[after:maximum]), start, start + 1))
    return True


def _rule_lheading(state: _State, start: int, end_line: int, silent: bool) -> bool:
    if state.is_code(start):
        return False
    line, level = start + 1, 0
    old_parent = state.parent_type
    state.parent_type = "paragraph"
    while line < end_line and not state.is_empty(line):
        if state.s_count[line] - state.blk_indent > 3:
            line += 1
            continue
        if state.s_count[line] >= state.blk_indent:
            position, maximum = state.b_marks[line] + state.t_shift[line], state.e_marks[line]
            if position < maximum and state.src[position] in "-=":
                marker = state.src[position]
                if state.skip_spaces(state.skip_char(position, marker)) >= maximum:
                    level = 1 if marker == "=" else 2
                    break
        if state.s_count[line] < 0:
            line += 1
            continue
        if state.terminates(_TERMINATE_PARAGRAPH, line, end_line):
            break
        line += 1
    state.parent_type = old_parent
    if not level:
        return False
    if state.level == 0:
        text = "\n".join(part.strip(" \t") for part in state.lines_text(start, line).split("\n")).strip()
        state.headings.append((level, text, start, line + 1))
    state.line = line + 1
    return True


def _rule_paragraph(state: _State, start: int, end_line: int, silent: bool) -> bool:
    line, end_line = start + 1, state.line_max
    old_parent = state.parent_type
    state.parent_type = "paragraph"
    while line < end_line:
        if state.is_empty(line):
            break
        if state.s_count[line] - state.blk_indent > 3 or state.s_count[line] < 0:
            line += 1
            continue
        if state.terminates(_TERMINATE_PARAGRAPH, line, end_line):
            break
        line += 1
    state.line = line
    state.parent_type = old_parent
    return True


# The characters a block of each rule can start with, after the line's indentation (None: any line).
_FIRST_CHARS = {
    _rule_code: None,  # indentation alone
    _rule_fence: "`~",
    _rule_blockquote: ">",
    _rule_hr: "*-_",
    _rule_list: "*-+0123456789",
    _rule_html: "<",
    _rule_heading: "#",
    _rule_lheading: None,
    _rule_paragraph: None,
}


def _by_first_char(rules: tuple) -> dict:
    """`rules` in their order, by the first character of a line: only those that can start a block there
    (each of the others would return False at once, with nothing changed), under None for any other line."""
    table: dict = {None: tuple(rule for rule in rules if _FIRST_CHARS[rule] is None)}
    for char in "".join(chars for chars in _FIRST_CHARS.values() if chars):
        table[char] = tuple(rule for rule in rules if _FIRST_CHARS[rule] is None or char in _FIRST_CHARS[rule])
    return table


_RULES = _by_first_char(
    (
        _rule_code,
        _rule_fence,
        _rule_blockquote,
        _rule_hr,
        _rule_list,
        _rule_html,
        _rule_heading,
        _rule_lheading,
        _rule_paragraph,
    )
)
_TERMINATE_PARAGRAPH = _by_first_char((_rule_fence, _rule_blockquote, _rule_hr, _rule_list, _rule_html, _rule_heading))
_TERMINATE_BLOCKQUOTE = _TERMINATE_PARAGRAPH
_TERMINATE_LIST = _by_first_char((_rule_fence, _rule_blockquote, _rule_hr))
