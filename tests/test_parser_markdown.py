"""The document scanner reads Markdown as CommonMark does, proven against markdown-it-py (the reference):
which lines are document headings (level, text, line) and which are code or HTML comments, on tricky
documents on disk and on documents hypothesis builds from the constructs pipeline documents use, for both
of the scanner's paths (the fast whole-text one and the exact line-by-line one). IDs read as prose match
markdown-it's text, and no input, text or bytes, makes the parser raise."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from modforge.documents import blockscan, model, parser
from modforge.spec import layout
from modforge.spec.grammar import ID_TOKEN_RE

TRICKY = sorted((Path(__file__).parent / "fixtures" / "parser" / "markdown").glob("*.md"))
COMMONMARK = MarkdownIt("commonmark")
EXAMPLES = settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))


def _normal(text: str) -> str:
    return "\n".join(part.strip() for part in text.split("\n")).strip()


def reference(text: str) -> tuple[list[tuple[int, str, int]], list[str]]:
    """markdown-it's document headings (level, text, line) and the kind of each line."""
    tokens = COMMONMARK.parse(text)
    text = blockscan.normalize(text)
    kinds = ["text"] * (text.count("\n") + (0 if text.endswith("\n") or not text else 1))
    headings = []
    for index, token in enumerate(tokens):
        if token.type in ("fence", "code_block"):
            kinds[token.map[0] : token.map[1]] = ["code"] * (token.map[1] - token.map[0])
        elif token.type == "html_block" and token.content.lstrip(" ").startswith("<!--"):
            kinds[token.map[0] : token.map[1]] = ["comment"] * (token.map[1] - token.map[0])
        elif token.type == "heading_open" and token.level == 0:
            headings.append((int(token.tag[1]), _normal(tokens[index + 1].content), token.map[0] + 1))
    return headings, kinds


def scanned(text: str, exact: bool) -> tuple[list[tuple[int, str, int]], list[str]]:
    found = blockscan.scan(blockscan.normalize(text), exact=exact)
    headings = [(level, _normal(heading), line) for level, heading, line, _, _ in found.headings]
    return headings, blockscan.line_kinds(text, exact=exact)


def assert_agrees(text: str) -> None:
    expected_headings, expected_kinds = reference(text)
    lines = blockscan.normalize(text).split("\n")
    for exact in (False, True):
        headings, kinds = scanned(text, exact)
        assert headings == expected_headings, f"exact={exact}"
        # Blank lines may or may not close a code block; only lines with content are compared.
        differing = [
            (number, expected, got, lines[number - 1])
            for number, (expected, got) in enumerate(zip(expected_kinds, kinds, strict=True), start=1)
            if expected != got and lines[number - 1].strip()
        ]
        assert differing == [], f"exact={exact}"


# --- documents on disk ---------------------------------------------------------------------------
@pytest.mark.parametrize("path", TRICKY, ids=lambda p: p.stem)
def test_tricky_documents_get_the_headings_and_code_lines_markdown_it_sees(path: Path) -> None:
    assert_agrees(path.read_text(encoding="utf-8"))


def test_the_tricky_corpus_exercises_both_paths() -> None:
    exact = {path.stem: blockscan.scan(blockscan.normalize(path.read_text(encoding="utf-8"))).exact for path in TRICKY}
    assert exact["crlf"] is False, "a document of plain headings and bullets takes the fast path"
    assert [exact["lists"], exact["quotes"], exact["tabs"]] == [True] * 3, "container rules take the exact path"


# --- generated documents -------------------------------------------------------------------------
PIECES = [
    "# Title",
    "## PHASE-AB-1: One",
    "### SCEN-AB-01: Case",
    "#### deep ###",
    "#",
    "#Nope",
    "####### seven",
    "- **WHEN** x (REQ-AB-1)",
    "- **THEN** y",
    "- [ ] 1.1 do (SCEN-AB-01)",
    "- [x] 1.2 done",
    "* star",
    "+ plus",
    "1. one",
    "2) two",
    "-",
    "- ",
    "---",
    "***",
    "===",
    "- - -",
    "```",
    "````",
    "~~~",
    "```rust",
    "``` a`b",
    "<!--",
    "-->",
    "<!-- c -->",
    "x <!-- y",
    "<div>",
    "</div>",
    "<pre>",
    "</pre>",
    "> quote",
    ">",
    "> # quoted heading",
    "text REQ-AB-2",
    "`code REQ-AB-3`",
    "more text",
    "",
    "\tTab",
    "-\ttab item",
    "<<<<<<< HEAD",
    "=======",
    ">>>>>>> theirs",
    "<?php",
    "?>",
    "<span>x</span>",
    "1. ```",
    "- ```",
    "- `op()` see REQ-AB-4",
    "- ``a`` b",
    "- `",
    "- > q",
    "-     code",
]
INDENTS = ["", " ", "  ", "   ", "    ", "      ", "\t", " \t"]
markdown_lines = st.tuples(st.sampled_from(INDENTS), st.sampled_from(PIECES)).map("".join)
markdown_documents = st.lists(markdown_lines, max_size=25).map(lambda lines: "\n".join(lines) + "\n")


@EXAMPLES
@given(markdown_documents)
def test_generated_documents_get_the_headings_and_code_lines_markdown_it_sees(text: str) -> None:
    assert_agrees(text)


@EXAMPLES
@given(markdown_documents)
def test_fast_and_exact_paths_give_the_same_scan(text: str) -> None:
    fast, exact = blockscan.scan(text), blockscan.scan(text, exact=True)
    assert (fast.headings, fast.blocks, fast.visible) == (exact.headings, exact.blocks, exact.visible)


WORDS = ["REQ-AB-1", "SCEN-AB-01", "`REQ-AB-2`", "``a ` REQ-AB-3``", "`", "``", "<!-- REQ-AB-4 -->", "<!--", "-->"]
WORDS += ["**REQ-AB-5**", "text", "(REQ-1)", "\\`REQ-AB-6`"]
prose_lines = st.tuples(
    st.sampled_from(["", "# ", "## ", "- ", "  - ", "- **WHEN** ", "1. "]),
    st.lists(st.sampled_from(WORDS), min_size=1, max_size=6).map(" ".join),
).map("".join)
prose_documents = st.lists(st.one_of(prose_lines, st.sampled_from(["", "```", "<!--", "-->"])), max_size=15).map(
    lambda lines: "\n".join(lines) + "\n"
)


def ids_markdown_it_reads_as_text(text: str) -> Counter[str]:
    found: Counter[str] = Counter()
    for token in COMMONMARK.parse(text):
        if token.type == "inline":
            for child in token.children or ():
                if child.type == "text":
                    found.update(match.group() for match in ID_TOKEN_RE.finditer(child.content))
    return found


@EXAMPLES
@given(prose_documents)
def test_ids_are_read_where_markdown_it_has_text_not_in_code_spans_or_comments(text: str) -> None:
    # Pipeline documents' constructs only: block quotes (where code spans may run over lazy lines) are left out.
    document = parser.parse_text(text, Path("doc.md"), layout.INTENT_SCENARIOS)
    assert Counter(occurrence.id.text for occurrence in document.ids) == ids_markdown_it_reads_as_text(text)


# --- robustness ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "> " * 3000 + "# deep\n",
        "".join("  " * depth + "- item\n" for depth in range(3000)),
        "".join(">" * depth + " - x\n" for depth in range(300)) + "# after\n",
    ],
    ids=["quotes", "lists", "mixed"],
)
def test_deeply_nested_containers_neither_crash_nor_disagree(text: str) -> None:
    assert_agrees(text)


@settings(max_examples=300, deadline=None)
@given(st.text(), st.sampled_from(layout.PIPELINE_DOCS))
def test_any_text_parses_without_error(text: str, name: str) -> None:
    document = parser.parse_text(text, Path(name), name)
    assert all(occurrence.line >= 1 for occurrence in document.ids)


@settings(max_examples=300, deadline=None)
@given(st.binary(), st.sampled_from(layout.PIPELINE_DOCS))
def test_any_bytes_parse_without_error(data: bytes, name: str) -> None:
    document = parser.parse_document(Path(name), name, data)
    assert {problem.code for problem in document.problems} <= set(model.PROBLEM_CODES)


def test_the_checker_never_imports_markdown_it() -> None:
    code = (
        "import sys, modforge.checker.engine, modforge.documents.parser, modforge.documents.loader; "
        "print('markdown_it' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
