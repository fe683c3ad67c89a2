"""The heading a fix-it proposes (MF301, MF401, MF501), literally: the number the author wrote when it is free
and of the right kind, else the lowest free one; the title without the outline number or trimmings; for an
ACTUAL heading, the intent ID of its title or a placeholder; `<P>` where the module has no prefix yet."""

from __future__ import annotations

from pathlib import Path

import pytest
from rule_findings import findings, write_module

from modforge.spec import layout

S, AS, T = layout.INTENT_SCENARIOS, layout.ACTUAL_SCENARIOS, layout.TASKS
STEPS = "- **WHEN** a\n- **THEN** b\n"
PLACEHOLDER_HINT = "; <NN>: the number of the scenario of INTENT_SCENARIOS.md it reports on"


def not_a(kind: str, heading: str, proposed: str, hint: str = "") -> str:
    return f"`### {heading}` is not a {kind} heading: write `### {proposed}`{hint}"


INTENT = f"# S\n\n### SCEN-OAGW-01: Upstream timeout\n{STEPS}\n### SCEN-OAGW-02: Per-endpoint timeout\n{STEPS}"
TASKS = "# T\n\n### TASK-OAGW-01: A\n\n### TASK-OAGW-02: B\n\n### 3. C\n\n### 4. D\n\n### 9.1 E\n"

# Documents of a module with prefix OAGW -> (document, line, message) of each heading finding (MF401, MF501).
CASES = {
    "a-number-of-another-kind-is-not-kept-and-titles-are-trimmed": (
        {
            S: f"# S\n\n### SCEN-OAGW-01: A\n{STEPS}\n### REQ-OAGW-7 Retry\n{STEPS}\n### 1.9 - Request Construction\n"
            f"{STEPS}\n### (Retry Budget)\n{STEPS}"
        },
        [
            (S, 7, not_a("scenario", "REQ-OAGW-7 Retry", "SCEN-OAGW-02: Retry")),
            (S, 11, not_a("scenario", "1.9 - Request Construction", "SCEN-OAGW-03: Request Construction")),
            (S, 15, not_a("scenario", "(Retry Budget)", "SCEN-OAGW-04: Retry Budget")),
        ],
    ),
    "a-number-another-prefix-defines-is-taken": (
        {S: f"# S\n\n### SCEN-CRED-01: Rotate\n{STEPS}\n### 1.9 Foo\n{STEPS}"},
        [(S, 7, not_a("scenario", "1.9 Foo", "SCEN-OAGW-02: Foo"))],
    ),
    "a-definition-without-title-keeps-its-own-number": (
        {S: f"# S\n\n### SCEN-OAGW-01: A\n{STEPS}\n### SCEN-OAGW-02:\n{STEPS}"},
        [(S, 7, "SCEN-OAGW-02 has no name: write `### SCEN-OAGW-02: Name`")],
    ),
    "a-legacy-task-number-is-kept-its-title-trimmed": (
        {T: "# T\n\n### 7. Release:\n- [ ] 7.1 Tag\n"},
        [(T, 3, not_a("task", "7. Release:", "TASK-OAGW-07: Release"))],
    ),
    "the-next-free-number-comes-after-every-taken-and-kept-one": (
        {T: TASKS},
        [
            (T, 7, not_a("task", "3. C", "TASK-OAGW-03: C")),
            (T, 9, not_a("task", "4. D", "TASK-OAGW-04: D")),
            (T, 11, not_a("task", "9.1 E", "TASK-OAGW-05: E")),
        ],
    ),
    "an-actual-heading-takes-the-intent-id-of-its-title-once": (
        {
            S: INTENT,
            AS: f"# AS\n\n### SCEN-OAGW-02 Per-endpoint timeout\n{STEPS}\n### 1.4 Per-endpoint timeout\n{STEPS}\n"
            f"### 1.3 Upstream Timeout\n{STEPS}\n### 1.7 Unplanned\n{STEPS}",
        },
        [
            (AS, 3, not_a("scenario", "SCEN-OAGW-02 Per-endpoint timeout", "SCEN-OAGW-02: Per-endpoint timeout")),
            (
                AS,
                7,
                not_a("scenario", "1.4 Per-endpoint timeout", "SCEN-OAGW-<NN>: Per-endpoint timeout", PLACEHOLDER_HINT),
            ),
            (AS, 11, not_a("scenario", "1.3 Upstream Timeout", "SCEN-OAGW-01: Upstream Timeout")),
            (AS, 15, not_a("scenario", "1.7 Unplanned", "SCEN-OAGW-<NN>: Unplanned", PLACEHOLDER_HINT)),
        ],
    ),
}


@pytest.mark.parametrize(("documents", "expected"), CASES.values(), ids=CASES.keys())
def test_proposed_heading(tmp_path: Path, documents: dict[str, str], expected) -> None:
    code = "MF501" if T in documents else "MF401"
    found = findings(write_module(tmp_path, documents), code)
    assert found == [(code, doc, line, 1, message) for doc, line, message in expected]


def test_module_without_prefix_gets_the_placeholder_prefix_from_number_one(tmp_path: Path) -> None:
    module = write_module(tmp_path, {T: "# T\n\n### 1.1 Setup\n- [ ] 1.1 a\n"}, prefix=None)
    assert findings(module, "MF501") == [("MF501", T, 3, 1, not_a("task", "1.1 Setup", "TASK-<P>-01: Setup"))]


def test_legacy_number_one_is_kept_and_the_next_heading_gets_two(tmp_path: Path) -> None:
    tasks = "# T\n\n### 1. Setup\n- [ ] 1.1 a\n\n### 2.1 - Teardown\n- [ ] 2.1 b\n"
    module = write_module(tmp_path, {T: tasks}, prefix=None)
    assert findings(module, "MF501") == [
        ("MF501", T, 3, 1, not_a("task", "1. Setup", "TASK-<P>-01: Setup")),
        ("MF501", T, 6, 1, not_a("task", "2.1 - Teardown", "TASK-<P>-02: Teardown")),
    ]
