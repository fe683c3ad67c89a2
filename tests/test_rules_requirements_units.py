"""The requirement rules (MF301, MF302, modforge.checker.rules.requirements) on small literal modules: the
exact message and place of a requirement without a title or without an obligation."""

from __future__ import annotations

from pathlib import Path

import pytest
from rule_documents import check_documents

NO_OBLIGATION = "states no obligation: say MUST or SHALL (mandatory), or SHOULD or MAY (optional)"


@pytest.mark.parametrize(
    ("requirement", "expected"),
    [
        (
            "### REQ-OAGW-2:\nThe gateway SHALL retry.\n",
            ("MF301", 1, "REQ-OAGW-2 has no title: write `### REQ-OAGW-2: Title`"),
        ),
        ("### REQ-OAGW-2: Retries\nThe gateway retries.\n", ("MF302", 5, f"REQ-OAGW-2 {NO_OBLIGATION}")),
        # A keyword in code states nothing.
        ("### REQ-OAGW-2: Retries\nIt `MUST` retry.\n", ("MF302", 5, f"REQ-OAGW-2 {NO_OBLIGATION}")),
    ],
    ids=["no-title", "no-keyword", "keyword-in-code"],
)
def test_a_requirement_without_title_or_obligation(tmp_path: Path, requirement: str, expected) -> None:
    code, column, message = expected
    docs = {"INTENT_REQUIREMENTS.md": f"# R\n\n{requirement}"}
    assert check_documents(tmp_path, docs) == [(code, "INTENT_REQUIREMENTS.md", 3, column, message)]


def test_an_actual_requirement_reports_what_was_built_and_needs_no_keyword(tmp_path: Path) -> None:
    actual = "# A\n\n### REQ-OAGW-1: Forwarding\nImplemented as intended.\n"
    assert check_documents(tmp_path, {"ACTUAL_REQUIREMENTS.md": actual}) == []
