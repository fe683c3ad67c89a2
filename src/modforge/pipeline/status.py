"""`modforge status`: where each module stands in the pipeline, as a table, a detailed view or JSON.

JSON shape, version 1 (a new field may be added within a version; a field changes meaning only with a new one):

    {"version": 1,
     "modules": [{"module": "cred-store", "path": "modules/cred-store", "prefix": "CREDSTORE",
                  "step": {"step": "3.2", "phase": 1, "activity": "code and unit tests",
                           "evidence": ["..."], "next": "modforge prompt code modules/cred-store"},
                  "phases": [{"id": "PHASE-CREDSTORE-1", "number": 1, "title": "...",
                              "tasks": {"done": 2, "total": 6}, "subtasks": {"done": 9, "total": 24},
                              "scenarios": {"total": 12, "with_task": 12, "tested": 0, "released": 0,
                                            "actual": 0}}],
                  "template": {"release": "0.1.0", "newest": "0.2.0", "behind": true},
                  "check": {"errors": 0, "warnings": 2}}]}

`step.step` is one of "1", "2", "3.1", "3.2", "3.6", "4", "5" or "done"; `template.release` is null for a
module without an answers file or one that follows a commit rather than a release.
"""

from __future__ import annotations

import json
import os

from modforge import __version__
from modforge.lifecycle.releases import standing  # at the top: imported once, before the workers fork
from modforge.pipeline.view import ModuleView, Step

JSON_VERSION = 1


def next_command(view: ModuleView, step: Step, shown_path: str) -> str | None:
    if step.prompt is None:
        return None
    suffix = f" --phase {step.prompt_phase}" if step.prompt_phase else ""
    return f"modforge prompt {step.prompt} {shown_path}{suffix}"


def template_release(view: ModuleView) -> dict:
    release, behind = standing(view.answers.get("_commit"), __version__)
    return {"release": release, "newest": __version__, "behind": behind}


def shown(path: str, cwd: str) -> str:
    relative = os.path.relpath(path, cwd)
    return path if relative.startswith("..") else relative.replace(os.sep, "/")


def module_record(view: ModuleView, cwd: str) -> dict:
    step = view.step
    path = shown(view.root, cwd)
    return {
        "module": view.name,
        "path": path,
        "prefix": view.prefix,
        "step": {
            "step": step.step,
            "phase": step.phase,
            "activity": step.activity,
            "evidence": list(step.evidence),
            "next": next_command(view, step, path),
        },
        "phases": [
            {"id": p.id, "number": p.number, "title": p.title, **view.phase_progress(p.number)} for p in view.phases
        ],
        "template": template_release(view),
        "check": {"errors": view.errors, "warnings": view.warnings},
    }


def record_of(view: ModuleView, cwd: str) -> dict:
    """The module's record: the one its worker made (modforge.pipeline.collect), else made here."""
    return view.record if view.record is not None else module_record(view, cwd)


def render_json(views: list[ModuleView], cwd: str) -> str:
    document = {"version": JSON_VERSION, "modules": [record_of(v, cwd) for v in views]}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _fraction(part: dict, done: str, total: str = "total") -> str:
    return f"{part[done]}/{part[total]}"


def render_table(views: list[ModuleView], cwd: str) -> str:
    """One row per module: its step and its current phase's progress."""
    rows = [("MODULE", "STEP", "PHASE", "TASKS", "E2E", "RELEASED", "TEMPLATE", "ERRORS", "WARNINGS")]
    for view in views:
        record = record_of(view, cwd)
        step = record["step"]
        current = next((p for p in record["phases"] if p["number"] == step["phase"]), None)
        if current is None and record["phases"]:
            current = record["phases"][0] if step["step"] != "done" else record["phases"][-1]
        cells = ("-", "-", "-", "-")
        if current is not None:
            scenarios = current["scenarios"]
            cells = (
                current["id"],
                _fraction(current["tasks"], "done"),
                _fraction(scenarios, "tested"),
                _fraction(scenarios, "released"),
            )
        template = record["template"]
        release = template["release"] or "-"
        rows.append(
            (
                record["path"],
                step["step"],
                *cells,
                f"{release} (newest {template['newest']})" if template["behind"] else release,
                str(view.errors),
                str(view.warnings),
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in rows]
    return "\n".join(lines) + "\n"


def render_detail(view: ModuleView, cwd: str) -> str:
    """One module: its step with the evidence, the next prompt, each phase's progress, template and checker."""
    record = record_of(view, cwd)
    step = record["step"]
    label = "Done" if step["step"] == "done" else f"Step {step['step']}"
    phase = f" (phase {step['phase']})" if step["phase"] else ""
    lines = [f"{record['module']} ({record['path']})", f"  {label}{phase}: {'; '.join(step['evidence'])}"]
    if step["next"]:
        lines.append(f"  next: {step['next']}")
    if record["phases"]:
        lines.append("")
        rows = [("  PHASE", "TASKS", "SUBTASKS", "SCENARIOS", "WITH TASK", "E2E TESTED", "RELEASED")]
        for p in record["phases"]:
            s = p["scenarios"]
            rows.append(
                (
                    f"  {p['id']} {p['title']}",
                    _fraction(p["tasks"], "done"),
                    _fraction(p["subtasks"], "done"),
                    str(s["total"]),
                    _fraction(s, "with_task"),
                    _fraction(s, "tested"),
                    _fraction(s, "released"),
                )
            )
        widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
        lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in rows]
        lines.append("")
    template = record["template"]
    if template["release"] is None:
        lines.append("  template: no release recorded (no answers file, or a commit rather than a release)")
    elif template["behind"]:
        lines.append(
            f"  template: {template['release']}, newest {template['newest']}: `modforge update {record['path']}`"
        )
    else:
        lines.append(f"  template: {template['release']} (the newest)")
    lines.append(f"  check: {view.errors} errors, {view.warnings} warnings")
    return "\n".join(lines) + "\n"
