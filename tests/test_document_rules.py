"""The document rules (MF001-MF012) on small modules: a document the checker cannot read, an empty one, a broken
answers file, conflict markers and update leftovers give their rule's message, once, at the place to fix."""

from __future__ import annotations

from pathlib import Path

import pytest
from small_modules import check_docs, reports, write_module

from modforge.documents.doctext import MAX_DOCUMENT_BYTES

DESIGN = "# Oagw: Intent Design\n\n## Overview\n\nA gateway.\n"
RESTORE = (
    "fix it, or restore it with `git checkout -- .copier-answers.yml`; "
    "until then the ID prefix comes from the documents"
)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (
            b"# Oagw: Intent Requirements\n\nThe caf\xe9 is open.\n",
            (
                3,
                8,
                "cannot check this document: byte 0xe9 is not UTF-8; save the file as UTF-8 "
                "(the rest was read with the byte replaced)",
            ),
        ),
        (
            "# Oagw: Intent Requirements\n".encode("utf-16"),
            (
                1,
                1,
                "cannot check this document: the file is UTF-16, not UTF-8; save it as UTF-8 (it was read as UTF-16)",
            ),
        ),
        (
            b"# Oagw: Intent Requirements\n\ntext\n\x00\x01 binary\n",
            (
                4,
                1,
                "cannot check this document: the file holds NUL bytes, so it is binary, not Markdown; "
                "replace it with the Markdown document",
            ),
        ),
        (
            b"#" * (MAX_DOCUMENT_BYTES + 1),
            (
                1,
                1,
                "cannot check this document: the file has 5,000,001 bytes, more than the 5,000,000 a pipeline "
                "document may have; split it or remove generated content",
            ),
        ),
    ],
    ids=["not-utf8", "utf16", "binary", "too-large"],
)
def test_an_unreadable_document_is_reported_once_where_reading_failed_with_its_fix(
    tmp_path: Path, data: bytes, expected: tuple[int, int, str]
) -> None:
    root = write_module(tmp_path, {"INTENT_DESIGN.md": DESIGN})
    (root / "docs" / "INTENT_REQUIREMENTS.md").write_bytes(data)
    assert reports(root, "MF0") == [("MF001", "INTENT_REQUIREMENTS.md", *expected)]


@pytest.mark.parametrize("text", ["", "\n  \n\t\n"], ids=["empty", "whitespace"])
def test_an_empty_document_is_a_warning_at_its_start(tmp_path: Path, text: str) -> None:
    found = check_docs(tmp_path, {"INTENT_DESIGN.md": DESIGN, "INTENT_REQUIREMENTS.md": text}, "MF0")
    message = "document is empty: write its content, or delete the file"
    assert found == [("MF002", "INTENT_REQUIREMENTS.md", 1, 1, message)]


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        (
            "id_prefix: OAGW\nmodule: oagw: x\n",
            (
                2,
                13,
                f".copier-answers.yml is not valid YAML (mapping values are not allowed in this context): {RESTORE}",
            ),
        ),
        (
            "- OAGW\n",
            (
                1,
                1,
                f".copier-answers.yml holds a list, not a mapping of question names to answers: {RESTORE}",
            ),
        ),
    ],
    ids=["not-yaml", "not-a-mapping"],
)
def test_a_broken_answers_file_is_reported_where_it_breaks(
    tmp_path: Path, answers: str, expected: tuple[int, int, str]
) -> None:
    found = check_docs(tmp_path, {"INTENT_DESIGN.md": DESIGN}, "MF0", answers=answers)
    assert found == [("MF003", ".copier-answers.yml", *expected)]


def test_conflict_markers_are_reported_on_each_marker_line_but_not_inside_a_code_block(tmp_path: Path) -> None:
    scenarios = "# S\n\n```\n<<<<<<< in a code block\n```\n\n<<<<<<< HEAD\nx\n=======\ny\n>>>>>>> theirs\n"
    found = check_docs(tmp_path, {"INTENT_DESIGN.md": DESIGN, "INTENT_SCENARIOS.md": scenarios}, "MF0")
    message = "leftover merge-conflict marker: resolve the conflict, then delete the marker line"
    assert found == [("MF011", "INTENT_SCENARIOS.md", line, 1, message) for line in (7, 9, 11)]


def test_update_leftovers_are_reported_by_name_with_what_to_do(tmp_path: Path) -> None:
    root = write_module(tmp_path, {"INTENT_DESIGN.md": DESIGN})
    (root / "docs" / "TASKS.md.rej").write_text("@@ -1 +1 @@\n", encoding="utf-8")
    (root / "docs" / "1_INTENT_DESIGN.md").write_text(DESIGN, encoding="utf-8")
    assert reports(root, "MF0") == [
        (
            "MF012",
            "1_INTENT_DESIGN.md",
            1,
            1,
            "1_INTENT_DESIGN.md is an older name of INTENT_DESIGN.md, which exists too: merge what it holds into "
            "INTENT_DESIGN.md, then delete it",
        ),
        (
            "MF012",
            "TASKS.md.rej",
            1,
            1,
            "TASKS.md.rej holds changes an update could not apply: apply them by hand, then delete the file",
        ),
    ]
