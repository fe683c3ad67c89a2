"""The requirement rules (MF301, MF302, modforge.checker.rules.requirements) on a small literal module: the
exact message and place of a requirement without a title or without an obligation."""

from __future__ import annotations

from pathlib import Path

from rule_documents import check_documents


def test_a_requirement_without_title_or_obligation(tmp_path: Path) -> None:
    # A keyword in code (`MUST`) states nothing; an ACTUAL requirement reports what was built and needs none.
    requirements = (
        "# R\n\n### REQ-OAGW-1: Forwarding\nThe gateway MUST forward.\n\n### REQ-OAGW-2:\nThe gateway SHALL retry.\n"
        "\n### REQ-OAGW-3: Metrics\nThe gateway exports metrics, it `MUST` not fail.\n"
    )
    actual = "# A\n\n### REQ-OAGW-1: Forwarding\nImplemented as intended.\n"
    docs = {"INTENT_REQUIREMENTS.md": requirements, "ACTUAL_REQUIREMENTS.md": actual}
    assert check_documents(tmp_path, docs) == [
        ("MF301", "INTENT_REQUIREMENTS.md", 6, 1, "REQ-OAGW-2 has no title: write `### REQ-OAGW-2: Title`"),
        (
            "MF302",
            "INTENT_REQUIREMENTS.md",
            9,
            5,
            "REQ-OAGW-3 states no obligation: say MUST or SHALL (mandatory), or SHOULD or MAY (optional)",
        ),
    ]
