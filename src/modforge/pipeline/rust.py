"""Just enough reading of Rust text for the Step 3.3 gate: functions with their attributes, and `.handler(..)` calls.

Not a Rust parser: comments and literals are blanked (same length, newlines kept, so offsets and lines stay
true), then a few patterns find `fn` items and method calls. tests/test_pipeline_commands.py holds the cases it must
read right (raw strings, lifetimes, nested comments, attributes over several lines).
"""

from __future__ import annotations

import re
from typing import NamedTuple

_FN = re.compile(
    r"(?<![A-Za-z0-9_])(?P<pub>pub(?:\s*\([^)]*\))?\s+)?(?:(?P<async>async)\s+|const\s+|unsafe\s+|extern\s+)*"
    r"fn\s+(?P<name>[A-Za-z_][A-Za-z0-9_]*)"
)
_HANDLER_CALL = re.compile(r"\.handler\s*\(\s*(?:[A-Za-z_][A-Za-z0-9_]*\s*::\s*)*(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s*\)")
_BUILDER = re.compile(r"\bOperationBuilder\s*::")


class Function(NamedTuple):
    name: str
    line: int
    public: bool
    is_async: bool
    attributes: str  # the attribute and doc-comment lines right above it, as written


def blank_comments_and_literals(text: str) -> str:
    """`text` with comments, string and char literals replaced by spaces (newlines kept)."""
    out = list(text)
    i, n = 0, len(text)

    def blank(start: int, end: int) -> None:
        for k in range(start, min(end, n)):
            if out[k] != "\n":
                out[k] = " "

    while i < n:
        c = text[i]
        if c == "/" and text.startswith("//", i):
            end = text.find("\n", i)
            end = n if end < 0 else end
            blank(i, end)
            i = end
        elif c == "/" and text.startswith("/*", i):
            depth, j = 1, i + 2
            while j < n and depth:
                if text.startswith("/*", j):
                    depth, j = depth + 1, j + 2
                elif text.startswith("*/", j):
                    depth, j = depth - 1, j + 2
                else:
                    j += 1
            blank(i, j)
            i = j
        elif c == "r" and re.match(r'r#*"', text[i : i + 260]) and (i == 0 or not _ident(text[i - 1])):
            hashes = len(re.match(r"r(#*)", text[i:]).group(1))
            close = '"' + "#" * hashes
            end = text.find(close, i + 2 + hashes)
            end = n if end < 0 else end + len(close)
            blank(i, end)
            i = end
        elif c == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            blank(i, j + 1)
            i = j + 1
        elif c == "'":
            match = re.match(r"'(?:\\(?:x[0-9a-fA-F]{2}|u\{[0-9a-fA-F]+\}|.)|[^\\'\n])'", text[i : i + 16])
            if match:  # a char literal; otherwise a lifetime or label
                blank(i, i + match.end())
                i += match.end()
            else:
                i += 1
        else:
            i += 1
    return "".join(out)


def _ident(char: str) -> bool:
    return char.isalnum() or char == "_"


def functions(text: str) -> list[Function]:
    """Every `fn` item of a Rust source, with the attributes written right above it."""
    code = blank_comments_and_literals(text)
    lines = text.split("\n")
    found = []
    for match in _FN.finditer(code):
        line = code.count("\n", 0, match.start()) + 1
        found.append(
            Function(
                match.group("name"),
                line,
                match.group("pub") is not None,
                match.group("async") is not None,
                _attributes_above(lines, line),
            )
        )
    return found


def _attributes_above(lines: list[str], line: int) -> str:
    """The attribute (`#[...]`, possibly over several lines) and comment lines directly above line `line`."""
    above: list[str] = []
    index = line - 2  # the line before, 0-based
    open_attribute = False
    while index >= 0:
        stripped = lines[index].strip()
        if not stripped:
            break
        starts = stripped.startswith(("#[", "//", "///", "//!"))
        if starts or open_attribute or stripped.endswith(")]") or stripped.endswith("]"):
            above.append(stripped)
            # a line ending `)]` may close an attribute opened higher up: keep reading until its `#[`
            open_attribute = (stripped.endswith("]") and not stripped.startswith("#[")) or (
                open_attribute and not stripped.startswith("#[")
            )
            index -= 1
            continue
        break
    return "\n".join(reversed(above))


def registered_handlers(text: str) -> dict[str, int]:
    """Handler names passed to `.handler(..)` in an `OperationBuilder` chain, with the line of the call
    (empty when the file builds no operation)."""
    code = blank_comments_and_literals(text)
    if not _BUILDER.search(code):
        return {}
    return {m.group("name"): code.count("\n", 0, m.start()) + 1 for m in _HANDLER_CALL.finditer(code)}


_INSTRUMENT = re.compile(r"#\[\s*tracing\s*::\s*instrument\b")
_BARE_INSTRUMENT = re.compile(r"#\[\s*instrument\b")
_USE_INSTRUMENT = re.compile(r"\buse\s+tracing\s*::\s*(?:instrument\b|\{[^}]*\binstrument\b)")


def imports_instrument(text: str) -> bool:
    """Whether the source brings tracing's `instrument` attribute into scope (`use tracing::instrument;` or
    `use tracing::{.., instrument, ..};`), so that a bare `#[instrument]` is tracing's."""
    return _USE_INSTRUMENT.search(blank_comments_and_literals(text)) is not None


def instrumented(function: Function, bare_is_tracing: bool = False) -> bool:
    """Whether a `#[tracing::instrument]` attribute stands over the function (or `#[instrument]`, when the file
    imports tracing's: `bare_is_tracing`)."""
    if _INSTRUMENT.search(function.attributes):
        return True
    return bare_is_tracing and _BARE_INSTRUMENT.search(function.attributes) is not None


def is_test_file(name: str) -> bool:
    """A source of unit tests beside the code (`tests.rs`, `tests_*.rs`, `*_test.rs`, `*_tests.rs`)."""
    stem = name.removesuffix(".rs")
    return stem in ("tests", "test") or stem.startswith("tests_") or stem.endswith(("_test", "_tests"))
