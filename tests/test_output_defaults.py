"""modforge.checker.output.text called as library code does, without saying whether to colour: plain text."""

from __future__ import annotations

from modforge.checker import output
from modforge.checker.diagnostic import Diagnostic


def test_text_is_plain_unless_colour_is_asked_for():
    error = Diagnostic("modules/oagw/docs/TASKS.md", 12, 5, "MF203", "error", "TASK-OAGW-12 is not defined")
    summary = output.Summary.of([error], 1, 9)
    assert output.text([error], summary) == (
        "modules/oagw/docs/TASKS.md:12:5: MF203 TASK-OAGW-12 is not defined\n"
        "Found 1 error and 0 warnings (1 module, 9 documents checked).\n"
    )
    assert "\x1b[" in output.text([error], summary, color=True)
