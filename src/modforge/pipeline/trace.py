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
from bisect import bisect_left
from collections import defaultdict
from json.encoder import encode_basestring  # type: ignore[attr-defined]

from modforge.checker.paths import PathDisplay
from modforge.pipeline.facts import GLOBAL_REQS, MODULE_REQS, SCENARIOS, id_run
from modforge.pipeline.view import ModuleView, checked_off
from modforge.spec import layout

JSON_VERSION = 1
SCENARIO_GAPS = ("no-task", "no-test", "no-release")
REQUIREMENT_GAPS = ("no-scenario",)


def module_json(view: ModuleView, display: PathDisplay | None = None) -> str:
    """One module's part of the JSON document, as compact JSON text.

    Written as text, not built as dicts and encoded: a monorepo has scenarios by the ten thousand, and what
    rows share (a task, a release, a phase's stubs, a gap list) is encoded once and joined into each row. The
    shape is the module docstring's; module_matrix reads it back for the Markdown view. IDs are canonical
    (letters, digits and dashes), so they are quoted as they are; other text goes through the JSON encoder's own
    string encoder."""
    display = display or PathDisplay(os.getcwd())
    repo = view.repo_root

    def where(name: str) -> str:  # a document's location up to the line number, as JSON without its closing quote
        return _str(display(view.doc_path(name) or view.root) + ":")[:-1]

    def at(path: str, line: int) -> str:  # a location in the module's code, as JSON
        return _str(f"{display(os.path.join(repo, path))}:{line}")

    scenarios_at, requirements_at = where(layout.INTENT_SCENARIOS), where(layout.INTENT_REQUIREMENTS)
    tasks_at, changelog_at = where(layout.TASKS), where(layout.CHANGELOG)
    # the definitions as the facts hold them (view.rows), unpacked: a module holds them by the hundred
    requirements_defs = view.rows(layout.INTENT_REQUIREMENTS)
    globals_of = {id_: id_run(cites, GLOBAL_REQS) for id_, _line, _title, _phase, cites, _ in requirements_defs}
    tasks_of: dict[str, str] = {}  # scenario -> the JSON of the tasks that cite it
    for id_, line, _title, _phase, cites, marks in view.rows(layout.TASKS):
        task = f'{{"id":"{id_}","location":{tasks_at}{line}","done":{_BOOL[checked_off(marks)]}}}'
        for s in id_run(cites, SCENARIOS):
            tasks_of[s] = f"{tasks_of[s]},{task}" if s in tasks_of else task
    releases = {}
    version = date = release_at = None  # a release's JSON up to the line of its entry, made once a run of entries
    for s, (v, d, line) in view.releases.items():
        if v != version or d != date:
            version, date = v, d
            release_at = f'{{"version":{_str(v)},"date":{_value(d)},"location":{changelog_at}'
        releases[s] = f'{release_at}{line}"}}'
    code_of = {
        s: ",".join([f'{{"location":{at(p, line)},"kind":"cites"}}' for p, line in found])
        for s, found in view.code["cites"].items()
    }
    todos: dict[str, list[str]] = {}
    for phase_id, path, line in view.todos():
        todos.setdefault(phase_id, []).append(f'{{"location":{at(path, line)},"kind":"todo"}}')
    todos_of = {p.number: ",".join(todos[p.id]) for p in view.phases if p.id in todos}  # phase -> its stubs' JSON
    tests_of = {
        s: ",".join([f'{{"location":{at(p, line)},"name":{_str(n)}}}' for p, line, n in found])
        for s, found in view.tests.items()
    }
    rows = []
    covered: defaultdict[str, list[str]] = defaultdict(list)  # module requirement -> the scenarios that cite it
    first_module = MODULE_REQS[0]
    for id_, line, title, phase, cites, _ in view.rows(layout.INTENT_SCENARIOS):
        # a scenario cites requirements only (facts.CITES), the global ones first (facts.id_run)
        module = bisect_left(cites, first_module)
        globals_, requirements = cites[:module], cites[module:]  # globals_: with those of its requirements
        if requirements:
            union = {*globals_}
            for requirement in requirements:
                union.update(globals_of.get(requirement, ()))
                covered[requirement].append(id_)
            globals_ = sorted(union)
        tasks, release = tasks_of.get(id_, ""), releases.get(id_)
        tests = tests_of.get(id_, "") if tests_of else ""  # (a module without tests or code yet: no lookups)
        code = code_of.get(id_, "") if code_of else ""
        todo = todos_of.get(phase) if todos_of else None
        if todo:
            code = f"{code},{todo}" if code else todo
        requirements = '["' + '","'.join(requirements) + '"]' if requirements else "[]"
        globals_ = '["' + '","'.join(globals_) + '"]' if globals_ else "[]"
        rows.append(  # each row after a comma, the first's dropped below
            f',{{"id":"{id_}","title":{_str(title)},"phase":{"null" if phase is None else phase},'
            f'"location":{scenarios_at}{line}","requirements":{requirements},'
            f'"globals":{globals_},"tasks":[{tasks}],"code":[{code}],"tests":[{tests}],'
            f'"release":{release or "null"},"gaps":{_GAPS[not tasks, not tests, release is None]}}}'
        )
    requirement_rows = []
    for id_, line, title, _phase, _cites, _extra in requirements_defs:
        globals_, scenarios = globals_of[id_], covered.get(id_)
        globals_ = '["' + '","'.join(globals_) + '"]' if globals_ else "[]"
        covering = '"scenarios":["' + '","'.join(scenarios) + '"],"gaps":[]}' if scenarios else _UNCOVERED
        requirement_rows.append(
            f',{{"id":"{id_}","title":{_str(title)},"location":{requirements_at}{line}","globals":{globals_},{covering}'
        )
    for part in (rows, requirement_rows):
        if part:
            part[0] = part[0][1:]
    phases = [{"id": p.id, "number": p.number, "title": p.title, **view.phase_progress(p.number)} for p in view.phases]
    # one join: the rows are copied once into the module's text
    head = f'{{"module":{_str(view.name)},"path":{_str(display(view.root))},"prefix":{_value(view.prefix)},'
    return "".join(
        [f'{head}"phases":{_compact(phases)},"requirements":[', *requirement_rows, '],"scenarios":[', *rows, "]}"]
    )


def module_matrix(view: ModuleView, display: PathDisplay | None = None) -> dict:
    """One module's part of the document, as data (module_json's text, read back)."""
    return json.loads(module_json(view, display))


# Pieces of JSON text, encoded as json.dumps(ensure_ascii=False) encodes them (the C encoder's own string encoder)
_str = encode_basestring
_BOOL = {True: "true", False: "false"}


def _strs(items: list[str]) -> str:
    return f"[{','.join(map(_str, items))}]"


def _value(value: object) -> str:
    return "null" if value is None else _str(value) if isinstance(value, str) else str(value)


_NO_SCENARIO = _strs(list(REQUIREMENT_GAPS))
_UNCOVERED = f'"scenarios":[],"gaps":{_NO_SCENARIO}}}'  # the end of a requirement row no scenario covers
_GAPS = {  # by (no task, no test, no release)
    (task, test, release): _strs(
        [g for g, missing in zip(SCENARIO_GAPS, (task, test, release), strict=True) if missing]
    )
    for task in (False, True)
    for test in (False, True)
    for release in (False, True)
}


# --- rendering: each module's part is rendered where it was read (modforge.pipeline.collect), in parallel ---------
def module_markdown(view: ModuleView) -> str:
    """One module's part of the Markdown matrix."""
    return _markdown_module(module_matrix(view))


def render_json(modules: list[str], **extra: str) -> str:
    """The JSON document of the modules' parts (module_json); `extra` fields are added after `modules`."""
    return "".join(json_pieces(modules, **extra))


def json_pieces(modules: list[str], **extra: str) -> list[str]:
    """render_json's text in pieces, to be written one after the other: a monorepo's document runs to tens of
    megabytes, and joining it into one string (which the output stream then encodes into one more) would copy
    it twice, into fresh memory that costs more to map than to fill."""
    fields = "".join(f",{_compact(key)}:{_compact(value)}" for key, value in extra.items())
    pieces = [f'{{"version":{JSON_VERSION},"modules":[']
    for part in modules:
        pieces += (part, ",")
    if modules:
        pieces.pop()  # the last module's comma
    pieces.append(f"]{fields}}}\n")
    return pieces


def render_markdown(modules: list[str]) -> str:
    return "\n".join(["# Traceability matrix", "", *modules])


# compact: a monorepo's matrix runs to megabytes, and the C encoder writes it only without indentation (one
# encoder for the run: json.dumps would make one a call)
_compact = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


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
