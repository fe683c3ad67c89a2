"""modforge.checker.rules.catalogue in this process: the rules' catalogue as docs/RULES.md and as JSON
(`modforge rules --format markdown|json`), from the rules' own code and docstrings."""

from __future__ import annotations

import json
from pathlib import Path

from modforge.checker.rules import RULES, catalogue

RULES_DOC = Path(__file__).resolve().parent.parent / "docs" / "RULES.md"


def test_the_markdown_catalogue_is_the_committed_rules_page() -> None:
    assert catalogue.markdown() == RULES_DOC.read_text(encoding="utf-8"), (
        "docs/RULES.md is stale: run `modforge rules --format markdown > docs/RULES.md`"
    )


def test_the_json_catalogue_lists_every_rule_in_order_indented_with_its_text_as_written() -> None:
    text = catalogue.as_json()
    entries = json.loads(text)
    assert [entry["code"] for entry in entries] == [rule.code for rule in RULES]
    assert text.startswith('[\n  {\n    "code": "MF001",\n    "name": "unreadable-document",\n')
    assert text.endswith("\n  }\n]\n")
    assert "\\u" not in text, "non-ASCII text stays readable"
    assert any(ord(char) > 127 for char in text)
