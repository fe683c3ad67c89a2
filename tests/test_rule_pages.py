"""One rule's page (`modforge rules MF012`, as `ruff rule F401` shows one) in text, Markdown and JSON, and the
catalogue's default format, in this process."""

from __future__ import annotations

import json

import pytest

from modforge.checker.rules import catalogue

LEFTOVER_SUMMARY = "A `*.rej` file, or a document under its older name beside today's, left in the module."
LEFTOVER_END = "**Example.** `modules/oagw/docs/TASKS.md.rej` next to `TASKS.md` after `copier update`.\n"


@pytest.mark.parametrize("code", ["MF012", "mf012", " MF012 "])
def test_a_rule_page_in_text_is_titled_underlined_and_says_family_message_and_docs(code: str) -> None:
    page = catalogue.page(code)
    lines = page.split("\n")
    assert lines[:6] == [
        "MF012 leftover-file (error)",
        "===========================",
        "",
        LEFTOVER_SUMMARY,
        "",
        "Family: Documents and merge leftovers. Message: {name} {problem}",
    ]
    assert lines[6:8] == [
        "",
        "**What it checks.** The module holds no `*.rej` file (anywhere but build output and hidden folders),",
    ]
    assert page.endswith("\n\n" + LEFTOVER_END)


def test_a_rule_page_in_markdown_is_a_level1_heading() -> None:
    page = catalogue.page("MF012", "markdown")
    assert page.startswith(
        f"# MF012 leftover-file (error)\n\n{LEFTOVER_SUMMARY}\n\n"
        "Family: Documents and merge leftovers. Message: {name} {problem}\n\n**What it checks.**"
    )
    assert page.endswith("\n\n" + LEFTOVER_END)


def test_a_rule_page_in_json_is_its_catalogue_entry_indented_with_its_text_as_written() -> None:
    page = catalogue.page("MF601", "json")
    assert page.startswith('{\n  "code": "MF601",\n  "name": "changelog-heading",\n  "severity": "error",\n')
    assert page.endswith('"\n}\n')
    assert "— write `## [0.2.0] - 2024-01-15`." in page, "non-ASCII text stays readable"
    entry = json.loads(page)
    assert entry["family"] == "changelog"
    assert entry["message"] == (
        "`## {text}` is not a release heading: write `## [x.y.z] - YYYY-MM-DD` or `## [Unreleased]`"
    )


def test_the_catalogue_and_a_page_are_text_by_default() -> None:
    assert catalogue.render().startswith(
        "MF001  error    unreadable-document              A pipeline document that cannot be read as Markdown text.\n"
        "MF002  warning  empty-document                   A pipeline document with no content.\n"
    )
    assert catalogue.page("MF012").startswith("MF012 leftover-file (error)\n=====")
