"""The TASKS.md rules (MF501-MF505, modforge.checker.rules.tasks) on small literal modules: each finding's
line, column and exact message, and the numbering each rule expects next after a mistake."""

from __future__ import annotations

from pathlib import Path

import pytest
from rule_documents import check_documents

SEQUENCE = ": number tasks 1, 2, 3 ... across all phases, with no gap or repeat"
DESIGN = "# D\n\n## Implementation Phases\n\n### Basic Forwarding (PHASE-OAGW-1)\n\n- Forwarding\n"


def test_a_task_heading_without_a_title(tmp_path: Path) -> None:
    tasks = "# T\n\n### TASK-OAGW-01:\n"
    assert check_documents(tmp_path, {"TASKS.md": tasks}) == [
        ("MF501", "TASKS.md", 3, 1, "TASK-OAGW-01 has no title: write `### TASK-OAGW-01: Title`")
    ]


@pytest.mark.parametrize(
    ("headings", "prefix", "expected"),
    [
        # The sequence starts at 1 ...
        (["TASK-OAGW-02"], "OAGW", [(3, "TASK-OAGW-02 skips TASK-OAGW-01")]),
        # ... not at 0, which is reported once; a second 0 repeats it.
        (
            ["TASK-OAGW-00", "TASK-OAGW-01", "TASK-OAGW-00"],
            "OAGW",
            [(3, "TASK-OAGW-00 is numbered 0"), (7, "TASK-OAGW-00 repeats the task at line 3")],
        ),
        (["TASK-OAGW-01", "TASK-OAGW-00"], "OAGW", [(5, "TASK-OAGW-00 comes after TASK-OAGW-01")]),
        # A task another module's prefix carries is named with that prefix (MF103 reports the prefix).
        (
            ["TASK-CRED-03", "TASK-CRED-02", "TASK-CRED-05"],
            "OAGW",
            [
                (3, "TASK-CRED-03 skips TASK-CRED-01 and more"),
                (5, "TASK-CRED-02 comes after TASK-CRED-03"),
                (7, "TASK-CRED-05 skips TASK-CRED-04"),
            ],
        ),
        # A module with no prefix anywhere: the task it expected shows where the prefix goes.
        (["TASK-01", "TASK-03"], None, [(5, "TASK-03 skips TASK-<P>-02")]),
        (["TASK-01", "TASK-02", "TASK-03"], None, []),
        (["TASK-01", "TASK-02", "TASK-01"], None, [(7, "TASK-01 repeats the task at line 3")]),
        (["TASK-02", "TASK-01"], None, [(3, "TASK-02 skips TASK-<P>-01"), (5, "TASK-01 comes after TASK-<P>-02")]),
    ],
    ids=[
        "starts-at-2",
        "task-0",
        "zero-after-one",
        "foreign-prefix",
        "no-prefix",
        "no-prefix-in-order",
        "no-prefix-repeat",
        "no-prefix-step-back",
    ],
)
def test_task_sequence_findings_point_at_the_id_and_name_the_task_expected(
    tmp_path: Path, headings: list[str], prefix, expected
) -> None:
    tasks = "# T\n" + "".join(f"\n### {heading}: Task\n" for heading in headings)
    findings = [f for f in check_documents(tmp_path, {"TASKS.md": tasks}, prefix=prefix) if f[0] != "MF103"]
    assert findings == [("MF502", "TASKS.md", line, 5, message + SEQUENCE) for line, message in expected]


def test_a_task_without_an_id_does_not_stop_the_sequence_check(tmp_path: Path) -> None:
    tasks = "# T\n\n### TASK-OAGW-01: SDK\n\n### 2. Legacy\n\n### TASK-OAGW-04: Four\n"
    assert check_documents(tmp_path, {"TASKS.md": tasks}) == [
        ("MF501", "TASKS.md", 5, 1, "`### 2. Legacy` is not a task heading: write `### TASK-OAGW-02: Legacy`"),
        ("MF502", "TASKS.md", 7, 5, "TASK-OAGW-04 skips TASK-OAGW-02 and more" + SEQUENCE),
    ]


def subtask_finding(line: int, text: str, k: int = 2) -> tuple[str, str, int, int, str]:
    return ("MF503", "TASKS.md", line, 1, f"subtask {text}: number its subtasks {k}.1, {k}.2, ... in order")


def test_each_misnumbered_subtask_says_what_is_wrong_and_the_number_expected(tmp_path: Path) -> None:
    # After a mistake the count goes on from the number written (2.3 -> 2.4 next), or from the expected one
    # when the number is not this task's K.M (1.7 -> 2.5 next); nested items are free.
    tasks = (
        "# T\n\n### TASK-OAGW-01: SDK\n- [x] 1.1 Traits\n\n### TASK-OAGW-02: Domain\n"
        "- [ ] 2.1 a\n- [ ] 2.3 b\n- [ ] 1.7 c\n- [ ] 2.5 d\n- [ ] 2 e\n- [ ] 2.6.1 f\n- [ ] no number\n"
        "  - [ ] 9.9 nested\n- [ ] 2.9 g\n- [ ] 2.11 h\n"
    )
    assert check_documents(tmp_path, {"TASKS.md": tasks}) == [
        subtask_finding(8, "2.3 of TASK-OAGW-02 is out of sequence (expected 2.2)"),
        subtask_finding(9, "1.7 of TASK-OAGW-02 carries another task's number (expected 2.4)"),
        subtask_finding(11, "2 of TASK-OAGW-02 is not numbered K.M (expected 2.6)"),
        subtask_finding(12, "2.6.1 of TASK-OAGW-02 is not numbered K.M (expected 2.7)"),
        subtask_finding(13, "of TASK-OAGW-02 has no number (expected 2.8)"),
        subtask_finding(16, "2.11 of TASK-OAGW-02 is out of sequence (expected 2.10)"),
    ]


def test_a_zero_padded_subtask_number_is_its_number(tmp_path: Path) -> None:
    tasks = "# T\n\n### TASK-OAGW-01: SDK\n- [ ] 1.01 Traits\n- [ ] 1.2 Models\n"
    assert check_documents(tmp_path, {"TASKS.md": tasks}) == []


IN_ORDER = ": number its subtasks 1.1, 1.2, ... in order"
MARK = "is not a task state: write `- [ ]` (to do) or `- [x]` (done)"
MOVE = "is not under a phase section while the design defines phases: move it under `## PHASE-OAGW-1: Title`"


@pytest.mark.parametrize(
    ("tasks", "expected"),
    [
        (
            "### TASK-OAGW-01: A\n- [~] 1.1 c\n- [] 1.2 d\n",
            [("MF504", 4, f"checkbox `[~]` {MARK}"), ("MF504", 5, f"checkbox `[]` {MARK}")],
        ),
        # `### 1. Legacy` numbers its subtasks 1.M, and is named by its number.
        (
            "### 1. Legacy\n- [ ] 1.2 a\n",
            [
                ("MF501", 3, "`### 1. Legacy` is not a task heading: write `### TASK-OAGW-01: Legacy`"),
                (
                    "MF503",
                    4,
                    "subtask 1.2 of task 1 is out of sequence (expected 1.1)" + IN_ORDER,
                ),
            ],
        ),
        # `### Notes` has no number to check its items against; the task after it still has its subtasks checked.
        (
            "### Notes\n- [ ] 9.1 x\n### TASK-OAGW-01: A\n- [ ] 1.2 b\n",
            [
                ("MF501", 3, "`### Notes` is not a task heading: write `### TASK-OAGW-02: Notes`"),
                (
                    "MF503",
                    6,
                    "subtask 1.2 of TASK-OAGW-01 is out of sequence (expected 1.1)" + IN_ORDER,
                ),
            ],
        ),
    ],
    ids=["checkbox-marks", "legacy-task", "heading-without-number"],
)
def test_checkboxes_and_subtasks_of_tasks_without_an_id(tmp_path: Path, tasks: str, expected) -> None:
    findings = check_documents(tmp_path, {"TASKS.md": f"# T\n\n{tasks}"})
    assert findings == [(code, "TASKS.md", line, 1, message) for code, line, message in expected]


@pytest.mark.parametrize(
    ("task", "expected"),
    [
        ("### TASK-OAGW-01: A\n", [("MF505", 5, f"TASK-OAGW-01 {MOVE}")]),
        (
            "### 1. One\n",
            [
                ("MF501", 1, "`### 1. One` is not a task heading: write `### TASK-OAGW-01: One`"),
                ("MF505", 1, f"task 1 {MOVE}"),
            ],
        ),
    ],
    ids=["task", "legacy-task"],
)
def test_a_task_outside_every_phase_section_while_the_design_has_phases(tmp_path: Path, task: str, expected) -> None:
    design = "# D\n\n### Basic Forwarding (PHASE-OAGW-1)\n"
    tasks = f"# T\n\n{task}\n## PHASE-OAGW-1: F\n"
    findings = check_documents(tmp_path, {"INTENT_DESIGN.md": design, "TASKS.md": tasks})
    assert findings == [(code, "TASKS.md", 3, column, message) for code, column, message in expected]


def test_a_design_with_phases_and_no_tasks_yet_is_no_finding(tmp_path: Path) -> None:
    assert check_documents(tmp_path, {"INTENT_DESIGN.md": DESIGN}) == []
