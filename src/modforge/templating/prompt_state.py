"""What a module's documents already say, as the prompts show it: requirements, scenarios and tasks with their
phases, what is checked off, what the actual documents and the changelog hold, the highest number of each ID
kind in use, and the global requirements the checker resolves `REQ-<N>` against.

Read through the one document model (modforge.documents.loader), never by a parser of its own. A prompt
rendered from the answers alone (no module on disk) gets the state of a fresh copy: the scaffold's tasks
(modforge.spec.scaffold, what the template writes) and nothing else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from modforge.errors import ModforgeError
from modforge.spec import grammar, layout, scaffold
from modforge.spec.global_requirements import BUILT_IN_GLOBALS, GlobalRequirements
from modforge.spec.grammar import IdKind

# The server crate a module is registered in, when the monorepo does not show another one
# (upstream later renamed apps/hyperspot-server to apps/cf-server, so the prompts look for it).
DEFAULT_SERVER_CRATE = "apps/hyperspot-server"
_TEST_WORDS = re.compile(r"\b(?:unit\s+)?tests?\b", re.IGNORECASE)
_WORDS = re.compile(r"[a-z0-9]+")
TEST_NAME_WORDS = 6  # words of a scenario's title in its test names


@dataclass(frozen=True)
class Item:
    """A requirement or a scenario: its ID, title and phase number (None outside every phase)."""

    id: str
    number: int
    title: str
    phase: int | None

    @property
    def words(self) -> str:
        """The title as snake_case words, for test names: `Store a credential` -> `store_a_credential`."""
        words = _WORDS.findall(self.title.lower().replace("'", "").replace("\u2019", ""))
        return "_".join(words[:TEST_NAME_WORDS]) or "scenario"


@dataclass(frozen=True)
class Subtask:
    number: str
    done: bool
    is_test: bool  # a unit-test item: the unit-tests prompt's, not the code prompt's


@dataclass(frozen=True)
class Task:
    id: str
    number: int
    title: str
    phase: int | None
    subtasks: tuple[Subtask, ...]

    def numbers(self, done: bool | None = None, tests: bool | None = None) -> list[str]:
        """Subtask numbers, in order: those checked off (`done`), those not, or all; of the test items, the
        others, or all (`tests`)."""
        return [
            s.number
            for s in self.subtasks
            if (done is None or s.done is done) and (tests is None or s.is_test is tests)
        ]


@dataclass(frozen=True)
class ModuleState:
    source: str  # "documents", or "scaffold" for a prompt rendered from answers alone
    requirements: tuple[Item, ...] = ()
    scenarios: tuple[Item, ...] = ()
    tasks: tuple[Task, ...] = ()
    actual_requirements: tuple[Item, ...] = ()
    actual_scenarios: tuple[Item, ...] = ()
    gap_entries: tuple[str, ...] = ()  # IDs heading INTENT_VS_ACTUAL.md entries
    releases: tuple[str, ...] = ()  # released versions in CHANGELOG.md, as listed (newest first)
    highest: dict[IdKind, int] = field(default_factory=dict)  # per kind, the highest number any document uses
    globals: GlobalRequirements = BUILT_IN_GLOBALS
    globals_file: bool = False  # whether the monorepo has guidelines/MODULE_REQUIREMENTS.md
    server_crate: str = DEFAULT_SERVER_CRATE

    def phase_scenarios(self, phase: int) -> list[Item]:
        return [s for s in self.scenarios if s.phase == phase]

    def phase_tasks(self, phase: int) -> list[Task]:
        return [t for t in self.tasks if t.phase == phase]

    def phase_requirements(self, phase: int) -> list[Item]:
        return [r for r in self.requirements if r.phase == phase]

    def unchecked(self, last_phase: int) -> list[str]:
        """The subtask numbers not checked off in phases 1 to `last_phase`."""
        return [n for t in self.tasks if t.phase and t.phase <= last_phase for n in t.numbers(False)]

    def next_number(self, kind: str) -> int:
        """The next number of `kind` that no document uses (ACTUAL documents and the changelog included)."""
        return self.highest.get(IdKind[kind.upper()], 0) + 1

    def release_version(self, phase: int) -> str:
        """The version a phase's release takes: the next minor after the newest released one, else 0.<phase>.0."""
        for version in self.releases:
            match = layout.SEMVER_RE.fullmatch(version)
            if match:
                major, minor = int(match.group(1)), int(match.group(2))
                return f"{major}.{minor + 1}.0"
        return f"0.{phase}.0"


def is_test_item(task_title: str, text: str) -> bool:
    """A subtask that writes unit tests: under a task about tests, or saying so itself ("Unit tests for X",
    "Test entity mappers")."""
    return bool(_TEST_WORDS.search(task_title)) or bool(_TEST_WORDS.match(text.strip()))


def scaffold_state(answers: dict[str, Any]) -> ModuleState:
    """A fresh copy's state: the tasks the template writes into TASKS.md, nothing else written yet."""
    tasks = []
    for phase in scaffold.task_plan(answers):
        for task in phase.tasks:
            subtasks = []
            for item in task.subtasks:
                number, text = item.split(" ", 1)
                subtasks.append(Subtask(number, False, is_test_item(task.title, text)))
            tasks.append(Task(task.id, task.number, task.title, phase.number, tuple(subtasks)))
    highest = {IdKind.TASK: len(tasks), IdKind.PHASE: len(answers["phase_titles"])}
    return ModuleState("scaffold", tasks=tuple(tasks), highest=highest)


def module_state(module_dir: Path, prefix: str) -> ModuleState:
    """The state of the module at `module_dir`, read with the checker's loader. ModforgeError, naming the file
    and the fix, when a document cannot be read as the pipeline's Markdown."""
    from modforge.documents import loader

    module = loader.load_module(module_dir)
    for document in module.documents.values():
        _refuse_unreadable(document, module_dir)
    repo_root = loader.find_repo_root(module.root)
    globals_file = loader.global_requirements_path(repo_root).is_file()
    doc = module.doc

    def items(name: str, kind: str) -> tuple[Item, ...]:
        document = doc(name)
        if document is None:
            return ()
        records = document.requirements if kind == "requirements" else document.scenarios
        return tuple(
            Item(r.id.canonical, r.id.number, r.title, r.phase.number if r.phase else None)
            for r in records
            if r.id.prefix == prefix
        )

    tasks = []
    tasks_doc = doc(layout.TASKS)
    for task in tasks_doc.tasks if tasks_doc else ():
        if task.id is None or task.id.prefix != prefix:
            continue
        subtasks = tuple(
            Subtask(s.number, s.done, is_test_item(task.title, s.text)) for s in task.subtasks if not s.depth
        )
        tasks.append(
            Task(task.id.canonical, task.id.number, task.title, task.phase.number if task.phase else None, subtasks)
        )
    highest: dict[IdKind, int] = {}
    for document in module.documents.values():
        for parsed in document.distinct_ids:
            if parsed.prefix == prefix and parsed.number > highest.get(parsed.kind, 0):
                highest[parsed.kind] = parsed.number
    gaps = doc(layout.INTENT_VS_ACTUAL)
    changelog = doc(layout.CHANGELOG)
    return ModuleState(
        "documents",
        requirements=items(layout.INTENT_REQUIREMENTS, "requirements"),
        scenarios=items(layout.INTENT_SCENARIOS, "scenarios"),
        tasks=tuple(tasks),
        actual_requirements=items(layout.ACTUAL_REQUIREMENTS, "requirements"),
        actual_scenarios=items(layout.ACTUAL_SCENARIOS, "scenarios"),
        gap_entries=tuple(g.id.canonical for g in gaps.gaps if g.id) if gaps else (),
        releases=tuple(r.version for r in changelog.releases if r.version != layout.UNRELEASED) if changelog else (),
        highest=highest,
        globals=loader.load_global_requirements(repo_root),
        globals_file=globals_file,
        server_crate=_server_crate(repo_root),
    )


def _refuse_unreadable(document: Any, module_dir: Path) -> None:
    """A prompt built on a document it cannot read would describe a module that is not there: stop instead."""
    where = f"{module_dir}/{layout.DOCS_DIR}/{document.path.name}"
    problems = [p for p in document.problems if p.code != "empty"]  # an empty document is one still to write
    if problems:
        problem = problems[0]
        raise ModforgeError(
            f"{where}:{problem.line}: {problem.message}; then render the prompt again "
            f"(`modforge check {module_dir}` lists every problem)"
        )
    if document.conflict_markers:
        raise ModforgeError(
            f"{where}:{document.conflict_markers[0]}: a merge-conflict marker is left in the document; resolve "
            "the conflict, delete the marker lines, then render the prompt again"
        )


def _server_crate(repo_root: Path) -> str:
    """The `apps/` crate that registers the modules (`src/registered_modules.rs`), else the upstream default."""
    found = sorted(repo_root.glob("apps/*/src/registered_modules.rs"))
    return found[0].parent.parent.relative_to(repo_root).as_posix() if found else DEFAULT_SERVER_CRATE


def scenario_test_name(prefix: str, module_snake: str, scenario: Item, e2e: bool) -> str:
    """The test a scenario's ID leads to: `test_scen_cred_store_01_store_a_credential` end to end (MODKIT
    conventions), `test_scen_01_store_a_credential` for its unit tests inside the crate."""
    digits = grammar.format_id(IdKind.SCEN, prefix, scenario.number).rsplit("-", 1)[1]
    middle = f"{module_snake}_{digits}" if e2e else digits
    return f"test_scen_{middle}_{scenario.words}"
