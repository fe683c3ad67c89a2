"""The traceability matrix: global REQ -> module REQ -> SCEN -> TASK -> code -> E2E test -> CHANGELOG release.

One row per scenario of the intent documents, with the gaps marked: a scenario without a task, an E2E test or a
dated release; and, beside the rows, each module requirement with the scenarios that cover it (a requirement
without one is a gap). Rendered as Markdown, JSON or a self-contained HTML page (modforge.pipeline.html).

JSON shape, version 1:

    {"version": 1,
     "modules": [{"module": "cred-store", "path": "modules/cred-store", "prefix": "CREDSTORE",
                  "phases": [{"id": "PHASE-CREDSTORE-1", "number": 1, "title": "...",
                              "tasks": {...}, "subtasks": {...}, "scenarios": {...}}],   # as `status`
                  "requirements": [{"id": "REQ-CREDSTORE-1", "title": "...", "location": "path:line",
                                    "globals": ["REQ-1"], "scenarios": ["SCEN-CREDSTORE-01"], "gaps": []}],
                  "scenarios": [{"id": "SCEN-CREDSTORE-01", "title": "...", "phase": 1, "location": "path:line",
                                 "requirements": ["REQ-CREDSTORE-1"], "globals": ["REQ-1"],
                                 "tasks": [{"id": "TASK-CREDSTORE-02", "location": "path:line", "done": true}],
                                 "code": [{"location": "path:line", "kind": "cites" | "todo"}],
                                 "tests": [{"location": "path:line", "name": "test_scen_..."}],
                                 "release": {"version": "0.1.0", "date": "2024-01-15", "location": "path:line"},
                                 "gaps": ["no-task" | "no-test" | "no-release"]}]}]}

Locations are relative to the working directory when inside it. Gap names are stable.
"""

from __future__ import annotations

import json
import os

from modforge.checker.paths import PathDisplay
from modforge.pipeline.view import ModuleView, is_global, is_module_req, task_done
from modforge.spec import layout

JSON_VERSION = 1
SCENARIO_GAPS = ("no-task", "no-test", "no-release")
REQUIREMENT_GAPS = ("no-scenario",)


def module_matrix(view: ModuleView, display: PathDisplay) -> dict:
    repo = view.repo_root
    scenarios_path = display(view.doc_path(layout.INTENT_SCENARIOS) or view.root)
    requirements_path = display(view.doc_path(layout.INTENT_REQUIREMENTS) or view.root)
    tasks_path = display(view.doc_path(layout.TASKS) or view.root)
    changelog_path = display(view.doc_path(layout.CHANGELOG) or view.root)
    globals_of = {r.id: [c for c in r.cites if is_global(c)] for r in view.requirements}
    cites, todos = view.code["cites"], {}
    for phase_id, path, line in view.todos():
        todos.setdefault(phase_id, []).append(f"{display(os.path.join(repo, path))}:{line}")
    phase_ids = {p.number: p.id for p in view.phases}
    rows = []
    for s in view.scenarios:
        requirements = [c for c in s.cites if is_module_req(c)]
        globals_ = sorted(
            {*(c for c in s.cites if is_global(c)), *(g for r in requirements for g in globals_of.get(r, ()))}
        )
        tasks = view.tasks_by_scenario.get(s.id, [])
        tests = view.tests.get(s.id, [])
        release = view.releases.get(s.id)
        code = [
            {"location": f"{display(os.path.join(repo, p))}:{line}", "kind": "cites"} for p, line in cites.get(s.id, ())
        ]
        code += [{"location": location, "kind": "todo"} for location in todos.get(phase_ids.get(s.phase), ())]
        gaps = []
        if not tasks:
            gaps.append("no-task")
        if not tests:
            gaps.append("no-test")
        if not release:
            gaps.append("no-release")
        rows.append(
            {
                "id": s.id,
                "title": s.title,
                "phase": s.phase,
                "location": f"{scenarios_path}:{s.line}",
                "requirements": requirements,
                "globals": globals_,
                "tasks": [{"id": t.id, "location": f"{tasks_path}:{t.line}", "done": task_done(t)} for t in tasks],
                "code": code,
                "tests": [{"location": f"{display(os.path.join(repo, p))}:{line}", "name": n} for p, line, n in tests],
                "release": {"version": release[0], "date": release[1], "location": f"{changelog_path}:{release[2]}"}
                if release
                else None,
                "gaps": gaps,
            }
        )
    covered = view.scenarios_by_requirement
    requirements = [
        {
            "id": r.id,
            "title": r.title,
            "location": f"{requirements_path}:{r.line}",
            "globals": globals_of[r.id],
            "scenarios": [s.id for s in covered.get(r.id, ())],
            "gaps": [] if r.id in covered else ["no-scenario"],
        }
        for r in view.requirements
    ]
    return {
        "module": view.name,
        "path": display(view.root),
        "prefix": view.prefix,
        "phases": [
            {"id": p.id, "number": p.number, "title": p.title, **view.phase_progress(p.number)} for p in view.phases
        ],
        "requirements": requirements,
        "scenarios": rows,
    }


def matrix(views: list[ModuleView]) -> dict:
    """The document of `views`; a view's record, when the worker that read it made one, is its matrix."""
    display = PathDisplay(os.getcwd())
    return {"version": JSON_VERSION, "modules": [view.record or module_matrix(view, display) for view in views]}


def record(view: ModuleView) -> dict:
    """One module's matrix, made where the module was read (modforge.pipeline.collect)."""
    return module_matrix(view, PathDisplay(os.getcwd()))


def render_json(document: dict) -> str:
    # compact: a monorepo's matrix runs to megabytes, and the C encoder writes it only without indentation
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")) + "\n"


def _cell(items: list[str]) -> str:
    return ", ".join(items) if items else "—"


def render_markdown(document: dict) -> str:
    out = ["# Traceability matrix", ""]
    for module in document["modules"]:
        out += [f"## {module['module']} (`{module['path']}`)", ""]
        for phase in module["phases"]:
            s = phase["scenarios"]
            out.append(
                f"- {phase['id']} {phase['title']}: tasks {phase['tasks']['done']}/{phase['tasks']['total']}, "
                f"scenarios with a task {s['with_task']}/{s['total']}, tested {s['tested']}/{s['total']}, "
                f"released {s['released']}/{s['total']}"
            )
        out += [
            "",
            "| Scenario | Phase | Global REQ | Module REQ | Tasks | Code | E2E test | Release | Gaps |",
            "|---|---|---|---|---|---|---|---|---|",
        ]
        for row in module["scenarios"]:
            release = row["release"]
            cells = [
                f"{row['id']} {row['title']} ({row['location']})",
                str(row["phase"] or "—"),
                _cell(row["globals"]),
                _cell(row["requirements"]),
                _cell([t["id"] + (" ✓" if t["done"] else "") for t in row["tasks"]]),
                _cell([c["location"] + (" (TODO)" if c["kind"] == "todo" else "") for c in row["code"]]),
                _cell([t["name"] for t in row["tests"]]),
                f"{release['version']} ({release['date']})" if release else "—",
                _cell([f"**{gap}**" for gap in row["gaps"]]),
            ]
            out.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
        uncovered = [r for r in module["requirements"] if r["gaps"]]
        if uncovered:
            out += ["", "Requirements no scenario covers:", ""]
            out += [f"- **{r['id']}** {r['title']} ({r['location']})" for r in uncovered]
        out.append("")
    return "\n".join(out)
