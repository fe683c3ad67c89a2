"""modforge.checker.output: the three printers, stated literally (the format is the point), in this process."""

from __future__ import annotations

import json

import pytest

from modforge.checker import output
from modforge.checker.diagnostic import Diagnostic

ERROR = Diagnostic("modules/oagw/docs/TASKS.md", 12, 5, "MF203", "error", "TASK-OAGW-12 is not defined")
WARNING = Diagnostic("modules/oagw/docs/INTENT_REQUIREMENTS.md", 3, 1, "MF901", "warning", "REQ-OAGW-5 is an orphan")
# What GitHub's workflow commands must escape: % first, then line breaks, and in properties `:` and `,`.
AWKWARD = Diagnostic("docs/a,b:c%.md", 1, 2, "MF0:1", "error", "50% done\r\nnext, line: here")


@pytest.mark.parametrize(
    ("diagnostics", "modules", "documents", "expected"),
    [
        ([], 1, 9, "All checks passed (1 module, 9 documents)."),
        ([], 2, 1, "All checks passed (2 modules, 1 document)."),
        ([], 0, 0, "All checks passed (0 modules, 0 documents)."),
        ([ERROR], 1, 9, "Found 1 error and 0 warnings (1 module, 9 documents checked)."),
        ([WARNING], 3, 27, "Found 0 errors and 1 warning (3 modules, 27 documents checked)."),
        ([ERROR, ERROR, WARNING, WARNING], 1, 9, "Found 2 errors and 2 warnings (1 module, 9 documents checked)."),
    ],
)
def test_the_summary_line_counts_errors_and_warnings_apart(diagnostics, modules, documents, expected):
    summary = output.Summary.of(diagnostics, modules, documents)
    assert output.summary_line(summary) == expected


def test_a_warning_alone_is_never_all_checks_passed():
    text = output.render([WARNING], output.Summary.of([WARNING], 1, 9))
    assert "All checks passed" not in text
    assert text.endswith("Found 0 errors and 1 warning (1 module, 9 documents checked).\n")


def test_text_is_one_line_per_finding_then_the_summary():
    text = output.render([ERROR, WARNING], output.Summary.of([ERROR, WARNING], 1, 9), "text")
    assert text == (
        "modules/oagw/docs/TASKS.md:12:5: MF203 TASK-OAGW-12 is not defined\n"
        "modules/oagw/docs/INTENT_REQUIREMENTS.md:3:1: MF901 REQ-OAGW-5 is an orphan\n"
        "Found 1 error and 1 warning (1 module, 9 documents checked).\n"
    )


def test_json_holds_every_field_and_the_summary():
    text = output.render([ERROR, AWKWARD], output.Summary.of([ERROR, AWKWARD], 2, 18), "json")
    assert text.endswith("}\n")
    assert text.startswith('{\n  "diagnostics": [\n    {\n      "path": "modules/oagw/docs/TASKS.md",\n')
    assert json.loads(text) == {
        "diagnostics": [
            {
                "path": "modules/oagw/docs/TASKS.md",
                "line": 12,
                "column": 5,
                "code": "MF203",
                "severity": "error",
                "message": "TASK-OAGW-12 is not defined",
            },
            {
                "path": "docs/a,b:c%.md",
                "line": 1,
                "column": 2,
                "code": "MF0:1",
                "severity": "error",
                "message": "50% done\r\nnext, line: here",
            },
        ],
        "summary": {"errors": 2, "warnings": 0, "modules": 2, "documents": 18},
    }


def test_json_keeps_non_ascii_text_readable():
    finding = ERROR._replace(message="Kürzel “OAGW” fehlt")
    assert '"message": "Kürzel “OAGW” fehlt"' in output.render([finding], output.Summary.of([finding], 1, 9), "json")


def test_github_annotations_escape_what_workflow_commands_read():
    text = output.render([ERROR, WARNING, AWKWARD], output.Summary.of([ERROR, WARNING, AWKWARD], 1, 9), "github")
    assert text == (
        "::error file=modules/oagw/docs/TASKS.md,line=12,col=5,title=MF203::TASK-OAGW-12 is not defined\n"
        "::warning file=modules/oagw/docs/INTENT_REQUIREMENTS.md,line=3,col=1,title=MF901::REQ-OAGW-5 is an orphan\n"
        "::error file=docs/a%2Cb%3Ac%25.md,line=1,col=2,title=MF0%3A1::50%25 done%0D%0Anext, line: here\n"
    )


def test_github_prints_nothing_when_there_is_nothing_to_annotate():
    assert output.render([], output.Summary.of([], 1, 9), "github") == ""


def test_every_format_has_a_printer():
    assert set(output.PRINTERS) == set(output.FORMATS) == {"text", "json", "github"}
