"""MF503 (subtask-numbering) on small literal TASKS.md documents: which subtask numbers are K.M in order, what a
wrong one is told, and the number expected next after it."""

from __future__ import annotations

from pathlib import Path

import pytest
from small_modules import check_docs

ONE = ": number its subtasks 1.1, 1.2, ... in order"
TWO = ": number its subtasks 2.1, 2.2, ... in order"


def tasks_with(*items: str) -> str:
    return "# T\n\n### TASK-OAGW-01: SDK\n" + "".join(f"{item}\n" for item in items)


CASES = {
    # Zero padding writes the same number: 1.01 is 1.1, 01.2 is 1.2, and the count goes on.
    "zero-padded": (tasks_with("- [ ] 1.01 a", "- [ ] 01.2 b", "- [ ] 1.03 c", "- [ ] 1.4 d"), []),
    # A number with a trailing dot is its number.
    "trailing-dot": (tasks_with("- [ ] 1.1. a", "- [ ] 1.2 b"), []),
    # One part or three parts: not K.M; the count goes on from the number expected.
    "one-part": (
        tasks_with("- [ ] 1.1 a", "- [ ] 1 b", "- [ ] 1.3 c"),
        [(5, "subtask 1 of TASK-OAGW-01 is not numbered K.M (expected 1.2)" + ONE)],
    ),
    "three-parts": (
        tasks_with("- [ ] 1.1.1 a", "- [ ] 1.2 b"),
        [(4, "subtask 1.1.1 of TASK-OAGW-01 is not numbered K.M (expected 1.1)" + ONE)],
    ),
    "no-number": (
        tasks_with("- [ ] a", "- [ ] 1.2 b"),
        [(4, "subtask of TASK-OAGW-01 has no number (expected 1.1)" + ONE)],
    ),
    # Another task's number: the count goes on from the number expected, not from the one written.
    "another-task": (
        tasks_with("- [ ] 3.1 a", "- [ ] 1.2 b", "- [ ] 1.3 c"),
        [(4, "subtask 3.1 of TASK-OAGW-01 carries another task's number (expected 1.1)" + ONE)],
    ),
    # Out of sequence: the count goes on from the number written (a gap is reported once).
    "gap": (
        tasks_with("- [ ] 1.1 a", "- [ ] 1.3 b", "- [ ] 1.4 c"),
        [(5, "subtask 1.3 of TASK-OAGW-01 is out of sequence (expected 1.2)" + ONE)],
    ),
    "repeat": (
        tasks_with("- [ ] 1.1 a", "- [ ] 1.1 b", "- [ ] 1.2 c"),
        [(5, "subtask 1.1 of TASK-OAGW-01 is out of sequence (expected 1.2)" + ONE)],
    ),
    "zero-padded-gap": (
        tasks_with("- [ ] 1.1 a", "- [ ] 1.03 b", "- [ ] 1.4 c"),
        [(5, "subtask 1.03 of TASK-OAGW-01 is out of sequence (expected 1.2)" + ONE)],
    ),
    # Nested items and prose between items do not stop the check of the items after them.
    "after-nested-and-prose": (
        tasks_with("- [ ] 1.1 a", "  - [ ] 7.7 nested", "", "Some prose.", "", "- [ ] 1.5 b"),
        [(9, "subtask 1.5 of TASK-OAGW-01 is out of sequence (expected 1.2)" + ONE)],
    ),
    # Each task counts its own subtasks from 1.
    "each-task-from-1": (
        "# T\n\n### TASK-OAGW-01: SDK\n- [ ] 1.1 a\n\n### TASK-OAGW-02: Domain\n- [ ] 2.2 b\n- [ ] 2.3 c\n",
        [(7, "subtask 2.2 of TASK-OAGW-02 is out of sequence (expected 2.1)" + TWO)],
    ),
}


@pytest.mark.parametrize(("tasks", "expected"), CASES.values(), ids=CASES.keys())
def test_subtask_numbers(tmp_path: Path, tasks: str, expected: list) -> None:
    findings = [f for f in check_docs(tmp_path, {"TASKS.md": tasks}) if f[0] == "MF503"]
    assert findings == [("MF503", "TASKS.md", line, 1, message) for line, message in expected]
