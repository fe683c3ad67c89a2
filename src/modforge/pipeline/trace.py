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
    """One module's part of the document. Built for speed (a monorepo has scenarios by the ten thousand): what
    rows share (a task, a release, a phase's stubs, a gap list) is made once and shared between them."""
    repo = view.repo_root

    def where(name: str) -> str:
        return display(view.doc_path(name) or view.root) + ":"

    scenarios_at, requirements_at = where(layout.INTENT_SCENARIOS), where(layout.INTENT_REQUIREMENTS)
    tasks_at, changelog_at = where(layout.TASKS), where(layout.CHANGELOG)
    globals_of = {r.id: [c for c in r.cites if is_global(c)] for r in view.requirements}
    task_rows = {t.id: {"id": t.id, "location": f"{tasks_at}{t.line}", "done": task_done(t)} for t in view.tasks}
    tasks_of = {scenario: [task_rows[t.id] for t in tasks] for scenario, tasks in view.tasks_by_scenario.items()}
    releases = {
        scenario: {"version": version, "date": date, "location": f"{changelog_at}{line}"}
        for scenario, (version, date, line) in view.releases.items()
    }
    code_of = {
        scenario: [{"location": f"{display(os.path.join(repo, p))}:{line}", "kind": "cites"} for p, line in found]
        for scenario, found in view.code["cites"].items()
    }
    todos: dict[str, list[dict]] = {}
    for phase_id, path, line in view.todos():
        location = f"{display(os.path.join(repo, path))}:{line}"
        todos.setdefault(phase_id, []).append({"location": location, "kind": "todo"})
    todos_of = {p.number: todos.get(p.id, []) for p in view.phases}
    tests_of = {
        scenario: [{"location": f"{display(os.path.join(repo, p))}:{line}", "name": n} for p, line, n in found]
        for scenario, found in view.tests.items()
    }
    gap_lists = {key: [gap for gap, missing in zip(SCENARIO_GAPS, key, strict=True) if missing] for key in _MISSING}
    rows = []
    for s in view.scenarios:
        requirements = [c for c in s.cites if is_module_req(c)]
        globals_ = {c for c in s.cites if is_global(c)}
        for requirement in requirements:
            globals_.update(globals_of.get(requirement, ()))
        tasks, tests, release = tasks_of.get(s.id, _NONE), tests_of.get(s.id, _NONE), releases.get(s.id)
        code = code_of.get(s.id, _NONE) + todos_of.get(s.phase, _NONE)
        rows.append(
            {
                "id": s.id,
                "title": s.title,
                "phase": s.phase,
                "location": f"{scenarios_at}{s.line}",
                "requirements": requirements,
                "globals": sorted(globals_),
                "tasks": tasks,
                "code": code,
                "tests": tests,
                "release": release,
                "gaps": gap_lists[not tasks, not tests, release is None],
            }
        )
    covered = view.scenarios_by_requirement
    requirements = [
        {
            "id": r.id,
            "title": r.title,
            "location": f"{requirements_at}{r.line}",
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


_NONE: list = []  # shared by the rows that have nothing in a column (never changed)
_MISSING = [(task, test, release) for task in (False, True) for test in (False, True) for release in (False, True)]


# --- rendering: each module's part is rendered where it was read (modforge.pipeline.collect), in parallel ---------
def module_json(view: ModuleView) -> str:
    """One module's part of the JSON document, as JSON text."""
    return _compact(module_matrix(view, PathDisplay(os.getcwd())))


def module_markdown(view: ModuleView) -> str:
    """One module's part of the Markdown matrix."""
    return _markdown_module(module_matrix(view, PathDisplay(os.getcwd())))


def render_json(modules: list[str], **extra: str) -> str:
    """The JSON document of the modules' parts (module_json); `extra` fields are added after `modules`."""
    fields = "".join(f",{_compact(key)}:{_compact(value)}" for key, value in extra.items())
    return f'{{"version":{JSON_VERSION},"modules":[{",".join(modules)}]{fields}}}\n'


def render_markdown(modules: list[str]) -> str:
    return "\n".join(["# Traceability matrix", "", *modules])


def _compact(data) -> str:
    # compact: a monorepo's matrix runs to megabytes, and the C encoder writes it only without indentation
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def _cell(items: list[str]) -> str:
    return ", ".join(items) if items else "—"


def _markdown_module(module: dict) -> str:
    out = [f"## {module['module']} (`{module['path']}`)", ""]
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
