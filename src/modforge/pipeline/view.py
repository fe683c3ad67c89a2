"""One module as `status`, `trace` and `gate` see it: its documents' facts and its code's facts joined up.

Built from plain data (modforge.pipeline.facts, modforge.pipeline.code), so it works the same on facts made in
this run and facts from the cache. Everything here is a question about the pipeline (which scenarios of a phase
have a task, a test, a release; the step the module has reached); nothing re-reads a file.
"""

from __future__ import annotations

import os
from functools import cached_property
from itertools import chain, groupby
from operator import itemgetter
from typing import NamedTuple

from modforge.pipeline.facts import ALL_REQS, SCENARIOS, id_run
from modforge.spec import layout
from modforge.spec.grammar import IdKind, format_id

DONE_STATUSES = ("Implemented",)  # an actual scenario built as intended
GAP_STATUSES = ("Partially implemented", "Not implemented")  # statuses an INTENT_VS_ACTUAL.md entry must explain


_new = tuple.__new__  # a named tuple from a list of its fields, without a Python call
# fields of a definition's facts (a Definition's, by position)
_ID_OF, _PHASE_OF, _CITES_OF, _EXTRA_OF = itemgetter(0), itemgetter(3), itemgetter(4), itemgetter(5)


class Definition(NamedTuple):
    id: str
    line: int
    title: str
    phase: int | None
    cites: list[str]
    extra: object  # [done, total] for a task, the status of an actual scenario, else None


class Phase(NamedTuple):
    number: int
    id: str
    title: str
    line: int | None  # in INTENT_DESIGN.md (None: from the answers file)


class Step(NamedTuple):
    """Where a module stands: the spec's step, the phase it works on, what is underway, the evidence, the prompt
    that moves it on (`modforge prompt` key and phase)."""

    step: str  # "1", "2", "3.1", "3.2", "3.6", "4", "5", or "done"
    phase: int | None
    activity: str
    evidence: tuple[str, ...]
    prompt: str | None
    prompt_phase: int | None


class ModuleView:
    def __init__(self, root: str, repo_root: str, facts: dict, code: dict | None, errors: int = 0, warnings: int = 0):
        self.root, self.repo_root = str(root), str(repo_root)
        self.facts = facts
        self.code = code or {"todos": [], "cites": {}, "tests": [], "e2e_dir": None}
        self.errors, self.warnings = errors, warnings
        self.answers: dict = facts.get("answers") or {}
        self.prefix: str | None = facts.get("prefix")
        self.record: object = None  # what a command made of the module in the worker that read it

    # --- identity ---------------------------------------------------------------------------------
    @property
    def name(self) -> str:
        name = self.answers.get("module_name")
        return name if isinstance(name, str) and name else os.path.basename(self.root)

    @property
    def has_answers(self) -> bool:
        return bool(self.facts.get("answers"))

    def doc_path(self, name: str) -> str | None:
        """The absolute path of a document the module has."""
        relative = self.facts["docs"].get(name)
        return os.path.join(self.root, relative) if relative else None

    def has_doc(self, name: str) -> bool:
        return name in self.facts["docs"]

    # --- definitions ------------------------------------------------------------------------------
    def defs(self, doc: str) -> list[Definition]:
        return [_new(Definition, item) for item in self.rows(doc)]

    def rows(self, doc: str) -> list[list]:
        """A document's definitions as the facts hold them, lists of a Definition's fields: for a loop over a
        module's definitions that unpacks each (trace's rows), without a Definition built for each."""
        return self.facts["defs"].get(doc, ())

    @cached_property
    def requirements(self) -> list[Definition]:
        return self.defs(layout.INTENT_REQUIREMENTS)

    @cached_property
    def scenarios(self) -> list[Definition]:
        return self.defs(layout.INTENT_SCENARIOS)

    @cached_property
    def tasks(self) -> list[Definition]:
        return self.defs(layout.TASKS)

    @cached_property
    def actual_scenarios(self) -> dict[str, Definition]:
        return {d.id: d for d in self.defs(layout.ACTUAL_SCENARIOS)}

    @cached_property
    def actual_ids(self) -> frozenset[str]:
        """The scenarios ACTUAL_SCENARIOS.md defines (what progress counts, without building their definitions)."""
        return frozenset([item[0] for item in self.facts["defs"].get(layout.ACTUAL_SCENARIOS, ())])

    @cached_property
    def gap_entries(self) -> dict[str, int]:
        return {id_text: line for id_text, line, _ in self.facts["gaps"] if id_text}

    @cached_property
    def phases(self) -> list[Phase]:
        """The design's phases; before the design defines any, the answers file's."""
        found = [Phase(n, i, t, line) for n, i, t, line in self.facts["phases"]]
        if found or not self.prefix:
            return found
        titles = self.answers.get("phase_titles")
        if isinstance(titles, list):
            return [Phase(n, format_id(IdKind.PHASE, self.prefix, n), str(t), None) for n, t in enumerate(titles, 1)]
        return []

    def phase(self, number: int) -> Phase | None:
        return next((p for p in self.phases if p.number == number), None)

    # --- links -------------------------------------------------------------------------------------
    @cached_property
    def tasks_by_scenario(self) -> dict[str, list[Definition]]:
        index: dict[str, list[Definition]] = {}
        for task in self.tasks:
            for cited in id_run(task.cites, SCENARIOS):
                index.setdefault(cited, []).append(task)
        return index

    @cached_property
    def tasked(self) -> frozenset[str]:
        """The scenarios some task cites (what status counts: a union in C, without the index above)."""
        cites = map(_CITES_OF, self.rows(layout.TASKS))
        return frozenset(chain.from_iterable(id_run(cited, SCENARIOS) for cited in cites))

    @cached_property
    def scenarios_by_requirement(self) -> dict[str, list[Definition]]:
        index: dict[str, list[Definition]] = {}
        for scenario in self.scenarios:
            for cited in id_run(scenario.cites, ALL_REQS):
                index.setdefault(cited, []).append(scenario)
        return index

    @cached_property
    def tests(self) -> dict[str, list[tuple[str, int, str]]]:
        index: dict[str, list[tuple[str, int, str]]] = {}
        for scenario, path, line, name in self.code["tests"]:
            index.setdefault(scenario, []).append((path, line, name))
        return index

    @cached_property
    def releases(self) -> dict[str, tuple[str, str, int]]:
        """Scenario -> (version, date, line) of the newest dated release that lists it."""
        found: dict[str, tuple[str, str, int]] = {}
        for version, date, _line, entries in self.facts["releases"]:
            if version == layout.UNRELEASED or not date:
                continue
            for scenario, line in entries:
                found.setdefault(scenario, (version, date, line))
        return found

    def scenarios_of(self, phase: int) -> list[Definition]:
        return [s for s in self.scenarios if s.phase == phase]

    def tasks_of(self, phase: int) -> list[Definition]:
        return [t for t in self.tasks if t.phase == phase]

    def todos(self) -> list[tuple[str, str, int]]:
        return [tuple(t) for t in self.code["todos"]]

    # --- progress ----------------------------------------------------------------------------------
    def phase_progress(self, number: int) -> dict:
        return self._progress.get(number) or _progress([], [], self)

    @cached_property
    def _progress(self) -> dict[int, dict]:
        """Each phase's progress, all phases in one pass over the module's tasks and scenarios: their rows come
        in runs of one phase (a phase's section), so they are grouped a run at a time, in C."""
        marks: dict[int | None, list] = {}  # phase -> [done, total] of each of its tasks
        for number, run in groupby(self.rows(layout.TASKS), _PHASE_OF):
            marks.setdefault(number, []).extend(map(_EXTRA_OF, run))
        ids: dict[int | None, list[str]] = {}  # phase -> its scenarios
        for number, run in groupby(self.rows(layout.INTENT_SCENARIOS), _PHASE_OF):
            ids.setdefault(number, []).extend(map(_ID_OF, run))
        numbers = {n for n in (*marks, *ids) if n is not None}
        return {n: _progress(marks.get(n, []), ids.get(n, []), self) for n in numbers}

    def written_sections(self) -> tuple[int, int]:
        design = self.facts["design"]
        expected = [title for _, title in layout.DESIGN_SECTIONS]
        written = {title for title, _line, ok in design if ok}
        return sum(1 for title in expected if title in written), len(expected)

    @cached_property
    def step(self) -> Step:
        return _step(self)


def _progress(marks: list[list[int]], scenarios: list[str], view: ModuleView) -> dict:
    """A phase's progress from the [done, total] checkboxes of its tasks and the IDs of its scenarios."""
    ids = set(scenarios)
    return {
        "tasks": {"done": sum(map(checked_off, marks)), "total": len(marks)},
        "subtasks": {"done": sum(done for done, _ in marks), "total": sum(total for _, total in marks)},
        "scenarios": {
            "total": len(scenarios),
            "with_task": len(ids & view.tasked),
            "tested": len(ids & view.tests.keys()),
            "released": len(ids & view.releases.keys()),
            "actual": len(ids & view.actual_ids),
        },
    }


def task_done(task: Definition) -> bool:
    """A task is done when it has checkboxes and every one is checked."""
    return checked_off(task.extra)


def checked_off(marks: list[int]) -> bool:
    """Whether a task's [checked, total] checkboxes make it done (task_done)."""
    done, total = marks
    return total > 0 and done == total


def _count(number: int, word: str) -> str:
    return f"{number} {word}{'' if number == 1 else 's'}"


def _step(view: ModuleView) -> Step:
    written, sections = view.written_sections()
    if not view.requirements and not view.scenarios:
        evidence = (
            f"design: {written} of {sections} sections written",
            f"{_count(len(view.facts['phases']), 'phase')} defined",
            "no requirement or scenario yet",
        )
        prompt = "intent-design" if written < sections or not view.facts["phases"] else "requirements-scenarios"
        return Step("1", None, "intent design", evidence, prompt, None)
    cross = len(view.facts["design_refs"])
    design = f"design cross-referenced ({_count(cross, 'ID')})" if cross else "design not yet cross-referenced"
    counts = f"{_count(len(view.requirements), 'requirement')}, {_count(len(view.scenarios), 'scenario')}"
    if not view.tasked:
        evidence = (counts, design, f"{layout.TASKS} still the skeleton (no task cites a scenario)")
        return Step(
            "2", None, "requirements and scenarios", evidence, "tasks" if cross else "requirements-scenarios", None
        )
    numbers = [p.number for p in view.phases] or sorted({s.phase for s in view.scenarios if s.phase})
    for number in numbers:
        progress = view.phase_progress(number)
        scenarios, tasks = progress["scenarios"], progress["tasks"]
        phase_id = view.phase(number).id if view.phase(number) else f"phase {number}"
        if (
            scenarios["total"]
            and scenarios["released"] == scenarios["total"]
            and scenarios["tested"] == scenarios["total"]
        ):
            continue
        later = number > 1
        task_line = f"{phase_id}: {tasks['done']}/{tasks['total']} tasks done"
        if progress["subtasks"]["done"] == 0:
            step, activity, prompt = ("5" if later else "3.1"), "tasks written, code not started", "code"
            evidence = (counts, task_line)
        elif tasks["done"] < tasks["total"]:
            step, activity, prompt = ("5" if later else "3.2"), "code and unit tests", "code"
            evidence = (task_line, f"{progress['subtasks']['done']}/{progress['subtasks']['total']} subtasks checked")
        elif scenarios["actual"] < scenarios["total"]:
            step, activity, prompt = ("5" if later else "3.6"), "actual documents", "actual-docs"
            evidence = (task_line, f"{scenarios['actual']}/{scenarios['total']} scenarios in {layout.ACTUAL_SCENARIOS}")
        else:
            step, activity, prompt = ("5" if later else "4"), "E2E tests and changelog", "e2e-tests"
            evidence = (
                f"{phase_id}: {scenarios['tested']}/{scenarios['total']} scenarios with an E2E test",
                f"{scenarios['released']}/{scenarios['total']} in a dated {layout.CHANGELOG} release",
            )
        return Step(step, number, activity, evidence, prompt, number if later else None)
    return Step(
        "done", None, "every phase released", (f"{_count(len(numbers), 'phase')} tested and released",), None, None
    )
