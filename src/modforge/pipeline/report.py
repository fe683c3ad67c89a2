"""A gate's outcome printed: a checklist (text), a versioned JSON document, or GitHub workflow annotations.

JSON shape, version 1:

    {"version": 1, "module": "cred-store", "path": "modules/cred-store", "step": "3.3", "phase": 1,
     "passed": false,
     "criteria": [{"key": "tasks-checked", "text": "...", "result": "fail",
                   "failures": [{"path": "modules/cred-store/docs/TASKS.md", "line": 12, "message": "..."}]},
                  {"key": "build", "text": "...", "result": "reviewer", "failures": []}]}

`result` is "pass", "fail" or "reviewer"; `passed` is true when no criterion failed.
"""

from __future__ import annotations

import json
import os

from modforge.checker.output import _escape_data, _escape_property
from modforge.checker.paths import PathDisplay
from modforge.pipeline.gates import FAIL, PASS, Gate, Outcome

JSON_VERSION = 1
_MARKS = {PASS: "[pass]    ", FAIL: "[FAIL]    ", "reviewer": "[reviewer]"}


def render(format: str, step: str, gate: Gate, outcomes: list[Outcome]) -> str:
    display = PathDisplay(os.getcwd())
    if format == "json":
        return _json(step, gate, outcomes, display)
    if format == "github":
        return _github(outcomes, display)
    return _text(step, gate, outcomes, display)


def _title(step: str, gate: Gate) -> str:
    phase = f", {gate.phase_id(gate.phase)}" if step not in ("1", "2") else ""
    return f"Gate {step}{phase}: {gate.view.name} ({display_root(gate)})"


def display_root(gate: Gate) -> str:
    return PathDisplay(os.getcwd())(str(gate.root))


def _text(step: str, gate: Gate, outcomes: list[Outcome], display: PathDisplay) -> str:
    lines = [_title(step, gate)]
    for outcome in outcomes:
        lines.append(f"  {_MARKS[outcome.result]} {outcome.criterion.text}")
        for failure in outcome.failures:
            lines.append(f"      {display(failure.path)}:{failure.line}: {failure.message}")
    failed = sum(1 for o in outcomes if o.result == FAIL)
    checked = sum(1 for o in outcomes if o.result != "reviewer")
    reviewer = len(outcomes) - checked
    verdict = f"{failed} of {checked} checks failed" if failed else f"all {checked} checks passed"
    lines.append(f"{verdict}; {reviewer} items for the reviewer.")
    return "\n".join(lines) + "\n"


def _json(step: str, gate: Gate, outcomes: list[Outcome], display: PathDisplay) -> str:
    document = {
        "version": JSON_VERSION,
        "module": gate.view.name,
        "path": display_root(gate),
        "step": step,
        "phase": None if step in ("1", "2") else gate.phase,
        "passed": not any(o.result == FAIL for o in outcomes),
        "criteria": [
            {
                "key": o.criterion.key,
                "text": o.criterion.text,
                "result": o.result,
                "failures": [{"path": display(f.path), "line": f.line, "message": f.message} for f in o.failures],
            }
            for o in outcomes
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _github(outcomes: list[Outcome], display: PathDisplay) -> str:
    lines = []
    for outcome in outcomes:
        title = _escape_property(outcome.criterion.text)
        if outcome.result == FAIL:
            for f in outcome.failures:
                file = _escape_property(display(f.path))
                lines.append(f"::error file={file},line={f.line},title={title}::{_escape_data(f.message)}")
        elif outcome.result == "reviewer":
            lines.append(f"::notice title=For the reviewer::{_escape_data(outcome.criterion.text)}")
    return "".join(line + "\n" for line in lines)
