"""The review gates of the pipeline as checks: every acceptance criterion of a step, pass / fail / reviewer.

The criteria are data: `GATES` holds one table per step, each row a `Criterion` with the checklist item the spec
writes and the function that checks it (None: the owner ticks it at the review). Adding a criterion is adding a
row. A check returns the failures it found, each with the file and line that fails it; no failure is a pass.
A gate checks its own step's criteria and that the checker finds no error; it does not re-run earlier gates.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

from modforge.documents import loader
from modforge.errors import ModforgeError
from modforge.pipeline import code, coverage, facts, rust
from modforge.pipeline.view import GAP_STATUSES, ModuleView, task_done
from modforge.spec import layout, naming
from modforge.spec.grammar import IdKind, format_id

PASS, FAIL, REVIEWER = "pass", "fail", "reviewer"


class Failure(NamedTuple):
    path: str  # absolute
    line: int
    message: str


class Gate:
    """What the criteria of one gate read: the module parsed, its facts and code facts, the checker's findings."""

    def __init__(self, root: Path, phase: int | None, coverage_file: Path | None) -> None:
        from modforge.checker import engine
        from modforge.config import load_settings

        self.root = loader.absolute(root)
        self.source = loader.read_module(self.root)
        self.repo_root = self.source.repo_root
        self.module = loader.build_module(self.source)
        settings = load_settings(Path.cwd(), None, None, [self.root])
        self.diagnostics = engine.run_check([self.root], settings).diagnostics
        errors = sum(1 for d in self.diagnostics if d.severity == "error")
        self.view = ModuleView(
            str(self.root),
            str(self.repo_root),
            facts.from_module(self.module, self.source),
            code.scan(self.source),
            errors,
            len(self.diagnostics) - errors,
        )
        self.answers = self.module.answers or {}
        self.phase = phase or 1
        self.coverage_file = coverage_file

    # --- helpers the criteria share ----------------------------------------------------------------
    def doc(self, name: str) -> str:
        """A document's path (absolute), existing or not."""
        return self.view.doc_path(name) or os.path.join(self.root, layout.DOCS_DIR, name)

    def phase_id(self, number: int) -> str:
        phase = self.view.phase(number)
        return phase.id if phase else format_id(IdKind.PHASE, self.view.prefix or "X", number)

    @property
    def crate(self) -> Path:
        return self.root / str(self.answers.get("module_name") or self.root.name)

    def later_phases(self) -> list[int]:
        return [p.number for p in self.view.phases if p.number > self.phase]


Check = Callable[[Gate], list[Failure]]


class Criterion(NamedTuple):
    key: str  # stable name, for JSON readers
    text: str  # the checklist item
    check: Check | None  # None: the reviewer's to tick


# --- criteria shared by every gate --------------------------------------------------------------------------
def checker_clean(gate: Gate) -> list[Failure]:
    return [
        Failure(os.path.abspath(d.path), d.line, f"{d.code} {d.message}")
        for d in gate.diagnostics
        if d.severity == "error"
    ]


CHECKER = Criterion("checker-clean", "`modforge check` finds no error", checker_clean)


# --- Step 1 ---------------------------------------------------------------------------------------------------
def design_written(gate: Gate) -> list[Failure]:
    path = gate.doc(layout.INTENT_DESIGN)
    if not gate.view.has_doc(layout.INTENT_DESIGN):
        return [Failure(path, 1, f"{layout.INTENT_DESIGN} is missing: write it (`modforge prompt intent-design`)")]
    sections = {title: (line, written) for title, line, written in gate.view.facts["design"]}
    failures = []
    for _, title in layout.DESIGN_SECTIONS:
        if title not in sections:
            failures.append(Failure(path, 1, f"no `## {title}` section: add it and write it"))
        elif not sections[title][1]:
            failures.append(Failure(path, sections[title][0], f"`## {title}` holds only the skeleton's comments"))
    return failures


def category_stated(gate: Gate) -> list[Failure]:
    path = gate.doc(layout.INTENT_DESIGN)
    title = layout.DESIGN_SECTION["category"]
    section = next((s for s in gate.view.facts["design"] if s[0] == title), None)
    text = _section_text(path, section[1]) if section else ""
    if any(category in text.lower() for category in naming.CATEGORIES):
        return []
    line = section[1] if section else 1
    return [Failure(path, line, f"`## {title}` names none of {', '.join(naming.CATEGORIES)}: state the category")]


def _section_text(path: str, line: int) -> str:
    """The visible text under the heading on `line`, to the next heading of the same or a higher level."""
    from modforge.documents import blockscan
    from modforge.documents.doctext import readable_text

    try:
        text = readable_text(Path(path).read_bytes()) or ""
    except OSError:
        return ""
    scan = blockscan.scan(text)
    lines = scan.visible.split("\n")
    level = next((h[0] for h in scan.headings if h[2] == line), 2)
    stop = next((h[2] for h in scan.headings if h[2] > line and h[0] <= level), len(lines))
    return "\n".join(lines[line + 1 : stop])


def phases_defined(gate: Gate) -> list[Failure]:
    if gate.view.facts["phases"]:
        return []
    return [
        Failure(
            gate.doc(layout.INTENT_DESIGN),
            1,
            "the design defines no phase: add `### Title (PHASE-<P>-1)` under `## Implementation Phases`",
        )
    ]


def no_ids_yet(gate: Gate) -> list[Failure]:
    failures = []
    design = gate.module.doc(layout.INTENT_DESIGN)
    if design is not None:
        for occurrence in design.references():
            if occurrence.id.kind in (IdKind.REQ, IdKind.SCEN):
                failures.append(
                    Failure(str(design.path), occurrence.line, f"{occurrence.id.text}: Step 1 names no IDs yet")
                )
    for name in (layout.INTENT_REQUIREMENTS, layout.INTENT_SCENARIOS):
        for definition in gate.view.defs(name):
            failures.append(Failure(gate.doc(name), definition.line, f"{definition.id} is defined: that is Step 2"))
    return failures


# --- Step 2 ---------------------------------------------------------------------------------------------------
def obligations(gate: Gate) -> list[Failure]:
    doc = gate.module.doc(layout.INTENT_REQUIREMENTS)
    if doc is None or not doc.requirements:
        return [Failure(gate.doc(layout.INTENT_REQUIREMENTS), 1, "no requirement is defined")]
    keywords = "/".join(layout.NORMATIVE_KEYWORDS)
    return [
        Failure(str(doc.path), r.line, f"{r.id.text} states no obligation ({keywords})")
        for r in doc.requirements
        if not layout.NORMATIVE_RE.search(r.body)
    ]


def scenarios_have_steps(gate: Gate) -> list[Failure]:
    doc = gate.module.doc(layout.INTENT_SCENARIOS)
    if doc is None or not doc.scenarios:
        return [Failure(gate.doc(layout.INTENT_SCENARIOS), 1, "no scenario is defined")]
    failures = []
    for scenario in doc.scenarios:
        keywords = {step.keyword for step in scenario.steps}
        missing = [k for k in ("WHEN", "THEN") if k not in keywords]
        if missing:
            failures.append(Failure(str(doc.path), scenario.line, f"{scenario.id.text} has no {' or '.join(missing)}"))
    return failures


def scenarios_cite_requirements(gate: Gate) -> list[Failure]:
    path = gate.doc(layout.INTENT_SCENARIOS)
    return [
        Failure(path, s.line, f"{s.id} cites no requirement: name the REQ it verifies in a step")
        for s in gate.view.scenarios
        if not any(cited.startswith(f"{IdKind.REQ.keyword}-") for cited in s.cites)
    ]


def requirements_covered(gate: Gate) -> list[Failure]:
    path = gate.doc(layout.INTENT_REQUIREMENTS)
    covered = gate.view.scenarios_by_requirement
    return [
        Failure(path, r.line, f"{r.id} is cited by no scenario: add one or cite it from a scenario")
        for r in gate.view.requirements
        if r.id not in covered
    ]


def scenarios_in_phases(gate: Gate) -> list[Failure]:
    path = gate.doc(layout.INTENT_SCENARIOS)
    defined = {p.number for p in gate.view.phases if p.line is not None}
    failures = []
    for s in gate.view.scenarios:
        if s.phase is None:
            failures.append(Failure(path, s.line, f"{s.id} sits under no `## PHASE-<P>-<N>` section"))
        elif s.phase not in defined:
            failures.append(Failure(path, s.line, f"{s.id} sits in phase {s.phase}, which the design does not define"))
    return failures


def design_cross_referenced(gate: Gate) -> list[Failure]:
    if gate.view.facts["design_refs"]:
        return []
    return [
        Failure(
            gate.doc(layout.INTENT_DESIGN),
            1,
            "the design names no requirement or scenario ID: add the cross-references (Step 2.2, Part 2)",
        )
    ]


# --- Step 3.1 -------------------------------------------------------------------------------------------------
def phase_scenarios_tasked(gate: Gate) -> list[Failure]:
    path = gate.doc(layout.INTENT_SCENARIOS)
    tasks = {t.id for t in gate.view.tasks_of(gate.phase)}
    failures = []
    for s in gate.view.scenarios_of(gate.phase):
        if not any(t.id in tasks for t in gate.view.tasks_by_scenario.get(s.id, [])):
            failures.append(Failure(path, s.line, f"{s.id} is cited by no task of {gate.phase_id(gate.phase)}"))
    if not gate.view.scenarios_of(gate.phase):
        failures.append(Failure(path, 1, f"{gate.phase_id(gate.phase)} has no scenario"))
    return failures


def task_ids_gap_free(gate: Gate) -> list[Failure]:
    path = gate.doc(layout.TASKS)
    failures = []
    for expected, task in enumerate(gate.view.tasks, 1):
        number = int(task.id.rsplit("-", 1)[1])
        if number != expected:
            wanted = format_id(IdKind.TASK, gate.view.prefix, expected)
            failures.append(
                Failure(path, task.line, f"{task.id} stands where {wanted} belongs: number tasks 1, 2, 3 ...")
            )
            break
    if not gate.view.tasks:
        failures.append(Failure(path, 1, f"{layout.TASKS} defines no task"))
    return failures


def unit_test_task(gate: Gate) -> list[Failure]:
    tasks = gate.view.tasks_of(gate.phase)
    if any("test" in t.title.lower() for t in tasks):
        return []
    return [Failure(gate.doc(layout.TASKS), 1, f"{gate.phase_id(gate.phase)} has no unit-test task (spec 3.1)")]


# --- Step 3.3 -------------------------------------------------------------------------------------------------
def phase_tasks_checked(gate: Gate) -> list[Failure]:
    path = gate.doc(layout.TASKS)
    tasks = gate.view.tasks_of(gate.phase)
    if not tasks:
        return [Failure(path, 1, f"{gate.phase_id(gate.phase)} has no task")]
    return [
        Failure(path, t.line, f"{t.id}: {t.extra[0]} of {t.extra[1]} subtasks checked `- [x]`")
        for t in tasks
        if not task_done(t)
    ]


def later_phase_stubs(gate: Gate) -> list[Failure]:
    stubbed = {phase_id for phase_id, _path, _line in gate.view.todos()}
    failures = []
    for number in gate.later_phases():
        phase_id = gate.phase_id(number)
        if phase_id not in stubbed:
            failures.append(Failure(str(gate.crate), 1, f"no `TODO({phase_id})` stub in the module's code"))
    return failures


def _rest_files(gate: Gate) -> tuple[Path, Path]:
    rest = gate.crate / "src" / "api" / "rest"
    return rest / "handlers.rs", rest / "routes.rs"


def _module_files(base: Path) -> list[Path]:
    """The sources of the Rust module `base` (`base.rs`, or a folder `base/` of them as in the platform's
    users-info example: `api/rest/handlers/`, `domain/service/`), test files left out."""
    files = [base.with_suffix(".rs")] if base.with_suffix(".rs").is_file() else []
    if base.is_dir():
        files += sorted(p for p in base.glob("*.rs") if not rust.is_test_file(p.name))
    return files


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None


def handlers_registered(gate: Gate) -> list[Failure]:
    handlers_path, routes_path = _rest_files(gate)
    handler_files = _module_files(handlers_path.with_suffix(""))
    if not handler_files:
        if naming.has_rest(str(gate.answers.get("category")), gate.answers.get("rest_api")):
            return [Failure(str(handlers_path), 1, "the module has a REST API but no api/rest/handlers.rs")]
        return []  # no REST API: nothing to register
    registered: dict[str, int] = {}
    for path in _module_files(routes_path.with_suffix("")):
        registered.update(rust.registered_handlers(_read(path) or ""))
    return [
        Failure(str(path), f.line, f"handler `{f.name}` is not registered with OperationBuilder in routes.rs")
        for path in handler_files
        for f in rust.functions(_read(path) or "")
        if f.public and f.name not in registered
    ]


def wired(gate: Gate) -> list[Failure]:
    """`modforge wire --check`: the module in the workspace members, the server crate and its configs."""
    from modforge.workspace import wiring  # tomlkit and ruamel.yaml only for this gate

    try:
        repo, module = wiring.open_module(str(gate.root))
        missing = wiring.missing(repo, module)
    except ModforgeError as error:
        return [Failure(str(gate.root), 1, f"cannot tell whether the module is wired: {error}")]
    command = f"`modforge wire {os.path.relpath(gate.root, repo.root)}`"
    return [Failure(str(repo.root / step.file), 1, f"missing {step.what} (run {command})") for step in missing]


def gts_schemas(gate: Gate) -> list[Failure]:
    if gate.answers.get("gts") is not True:
        return []
    folder = gate.crate / "schemas"
    schemas = sorted(folder.glob("*.json")) if folder.is_dir() else []
    if not schemas:
        return [Failure(str(folder), 1, "the module declares GTS but has no schema (*.json) in schemas/")]
    failures = []
    for schema in schemas:
        try:
            json.loads(schema.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            failures.append(Failure(str(schema), 1, f"not a readable JSON schema ({error})"))
    return failures


def tracing_instrumented(gate: Gate) -> list[Failure]:
    """Every public async fn of the handlers and the domain service opens a span: a `#[tracing::instrument]`
    attribute, or `#[instrument]` with `use tracing::instrument` (the template writes the first, the platform's
    users-info example both); sync helpers such as `new` are not entry points."""
    handlers_path, _ = _rest_files(gate)
    paths = _module_files(handlers_path.with_suffix("")) + _module_files(gate.crate / "src" / "domain" / "service")
    failures = []
    for path in paths:
        text = _read(path) or ""
        imported = rust.imports_instrument(text)
        for function in rust.functions(text):
            if function.public and function.is_async and not rust.instrumented(function, imported):
                failures.append(Failure(str(path), function.line, f"`{function.name}` has no #[tracing::instrument]"))
    return failures


# --- Step 3.6 -------------------------------------------------------------------------------------------------
def actual_docs_written(gate: Gate) -> list[Failure]:
    failures = []
    for name in layout.ACTUAL_DOCS:
        document = gate.module.doc(name)
        path = gate.doc(name)
        if document is None:
            failures.append(Failure(path, 1, f"{name} is missing: write it (`modforge prompt actual-docs`)"))
        elif name == layout.ACTUAL_REQUIREMENTS and not document.requirements:
            failures.append(Failure(path, 1, f"{name} defines no requirement yet"))
        elif name == layout.ACTUAL_SCENARIOS and not document.scenarios:
            failures.append(Failure(path, 1, f"{name} defines no scenario yet"))
        elif name in (layout.ACTUAL_DESIGN, layout.INTENT_VS_ACTUAL) and not _has_prose(path, document):
            failures.append(Failure(path, 1, f"{name} holds only the skeleton: write it"))
    return failures


def _has_prose(path: str, document) -> bool:
    """Whether a document says anything below its title: an entry, or a visible line under a section."""
    if document.gaps:
        return True
    titles = [h for h in document.headings if h.level > 1]
    return any(_section_text(path, h.line).strip() for h in titles) or bool(
        _section_text(path, document.headings[0].line).strip() if document.headings else False
    )


def actual_scenarios_status(gate: Gate) -> list[Failure]:
    path = gate.doc(layout.ACTUAL_SCENARIOS)
    actual = gate.view.actual_scenarios
    failures = []
    for s in gate.view.scenarios:
        if s.id not in actual:
            failures.append(Failure(path, 1, f"{s.id} is missing from {layout.ACTUAL_SCENARIOS}"))
        elif not actual[s.id].extra:
            failures.append(Failure(path, actual[s.id].line, f"{s.id} states no `**Status:**`"))
    return failures


def gaps_explained(gate: Gate) -> list[Failure]:
    path = gate.doc(layout.ACTUAL_SCENARIOS)
    return [
        Failure(path, s.line, f"{s.id} is {s.extra}: explain it in {layout.INTENT_VS_ACTUAL}")
        for s in gate.view.actual_scenarios.values()
        if any(str(s.extra or "").startswith(status) for status in GAP_STATUSES) and s.id not in gate.view.gap_entries
    ]


def phase_scenarios_in_actual(gate: Gate) -> list[Failure]:
    path = gate.doc(layout.ACTUAL_SCENARIOS)
    actual = gate.view.actual_scenarios
    return [
        Failure(path, 1, f"{s.id} is missing from {layout.ACTUAL_SCENARIOS}")
        for s in gate.view.scenarios_of(gate.phase)
        if s.id not in actual or not actual[s.id].extra
    ]


# --- Steps 4 and 5 --------------------------------------------------------------------------------------------
def e2e_tests(gate: Gate) -> list[Failure]:
    path = gate.doc(layout.INTENT_SCENARIOS)
    folder = gate.view.code["e2e_dir"]
    return [
        Failure(path, s.line, f"{s.id} has no E2E test in {folder}/ (`test_scen_..._{s.id.rsplit('-', 1)[1]}_...`)")
        for s in gate.view.scenarios_of(gate.phase)
        if s.id not in gate.view.tests
    ]


def changelog_release(gate: Gate) -> list[Failure]:
    path = gate.doc(layout.CHANGELOG)
    return [
        Failure(path, 1, f"{s.id} is listed in no dated release (`## [x.y.z] - YYYY-MM-DD`)")
        for s in gate.view.scenarios_of(gate.phase)
        if s.id not in gate.view.releases
    ]


def coverage_goal(gate: Gate) -> list[Failure]:
    covered, total = coverage.module_coverage(gate.coverage_file, gate.root, Path(gate.repo_root))
    shown = str(gate.coverage_file)
    if not total:
        return [Failure(os.path.abspath(shown), 1, f"the report covers no file under {gate.root}")]
    percent = 100.0 * covered / total
    if percent >= coverage.GOAL:
        return []
    return [
        Failure(os.path.abspath(shown), 1, f"{percent:.1f}% of the module's lines covered, under {coverage.GOAL:.0f}%")
    ]


COVERAGE = Criterion(
    "coverage", f"coverage of the module's crates at or above {coverage.GOAL:.0f}% (--coverage)", coverage_goal
)
COVERAGE_BY_EYE = Criterion(
    "coverage", f"`make coverage` reports {coverage.GOAL:.0f}%+ (pass --coverage to check it)", None
)


# --- the tables -----------------------------------------------------------------------------------------------
GATES: dict[str, tuple[Criterion, ...]] = {
    "1": (
        Criterion("design-written", "every Step-1 section of INTENT_DESIGN.md written", design_written),
        Criterion("category", "the module category stated (generic, gateway, worker)", category_stated),
        Criterion("phases", "implementation phases defined (`### Title (PHASE-<P>-N)`)", phases_defined),
        Criterion("no-ids-yet", "no requirement or scenario IDs yet", no_ids_yet),
        CHECKER,
        Criterion("scope", "scope and missing invariants reviewed (1.4)", None),
        Criterion("cross-review", "cross-reviewed with independent models (1.4)", None),
        Criterion("approved", "PR approved by the stakeholders (1.5)", None),
    ),
    "2": (
        Criterion("obligations", "every requirement states an obligation (MUST/SHALL/SHOULD/MAY)", obligations),
        Criterion("when-then", "every scenario has WHEN and THEN", scenarios_have_steps),
        Criterion("scenario-cites", "every scenario cites a requirement", scenarios_cite_requirements),
        Criterion("requirements-covered", "every module requirement is covered by a scenario", requirements_covered),
        Criterion("scenario-phases", "every scenario sits in a phase the design defines", scenarios_in_phases),
        Criterion("cross-referenced", "INTENT_DESIGN.md cross-referenced with the IDs (2.2)", design_cross_referenced),
        CHECKER,
        Criterion("independent", "each phase independently implementable (2.1)", None),
        Criterion("complete", "reviewed for completeness; cross-references correct (2.3)", None),
        Criterion("approved", "PR approved by the stakeholders (2.4)", None),
    ),
    "3.1": (
        Criterion(
            "scenarios-tasked", "every scenario of the phase is cited by a task of the phase", phase_scenarios_tasked
        ),
        Criterion("task-ids", "task IDs sequential across phases, gap-free", task_ids_gap_free),
        Criterion("unit-tests-task", "the phase has a unit-tests task", unit_test_task),
        CHECKER,
        Criterion("actionable", "tasks concrete and actionable, reviewed before code generation", None),
    ),
    "3.3": (
        Criterion("tasks-checked", "all tasks of the phase checked off `- [x]`", phase_tasks_checked),
        Criterion("stubs", "later phases represented as `TODO(PHASE-<P>-N)` stubs", later_phase_stubs),
        Criterion("routes", "every handler registered via OperationBuilder in routes.rs", handlers_registered),
        Criterion("wired", "module registered in config/quickstart.yaml and wired (`modforge wire --check`)", wired),
        Criterion("gts", "GTS schemas present when the module declares GTS", gts_schemas),
        Criterion(
            "tracing", "tracing instrumentation on handlers and service entry points (REQ-10)", tracing_instrumented
        ),
        CHECKER,
        Criterion("build", "`make build` passes (production code and unit tests compile)", None),
        Criterion("thin-handlers", "handlers are thin (parse, call the service, map errors)", None),
        Criterion("domain", "the phase's behaviour implemented in domain/service and infra", None),
        Criterion("unit-tests", "unit tests cover domain logic, mappers, error handling, security validation", None),
        Criterion("stubs-placed", "later-phase stubs not scattered across handlers", None),
        Criterion("access-control", "access control checked for every scenario of the phase", None),
        Criterion("patterns", "unit tests follow project patterns (tracing-test, testcontainers if needed)", None),
    ),
    "3.6": (
        Criterion("actual-docs", "the four actual documents written", actual_docs_written),
        Criterion(
            "actual-scenarios", "every intent scenario in ACTUAL_SCENARIOS.md with a status", actual_scenarios_status
        ),
        Criterion("gaps", "every partial or missing scenario has an INTENT_VS_ACTUAL.md entry", gaps_explained),
        Criterion("tasks-checked", "all tasks of the phase checked off `- [x]`", phase_tasks_checked),
        CHECKER,
        Criterion("as-built", "the actual documents describe the code as it is (spot-check three statements)", None),
    ),
    "4": (
        Criterion("e2e", "an E2E test for every scenario of the phase", e2e_tests),
        Criterion("changelog", "a dated CHANGELOG.md release lists every scenario of the phase", changelog_release),
        COVERAGE_BY_EYE,
        CHECKER,
        Criterion("flows", "E2E tests validate complete request flows and API contracts", None),
    ),
    "5": (
        Criterion("tasks-checked", "all tasks of the phase checked off `- [x]`", phase_tasks_checked),
        Criterion("stubs", "later phases represented as `TODO(PHASE-<P>-N)` stubs", later_phase_stubs),
        Criterion(
            "actual-scenarios", "the phase's scenarios in ACTUAL_SCENARIOS.md with a status", phase_scenarios_in_actual
        ),
        Criterion("gaps", "every partial or missing scenario has an INTENT_VS_ACTUAL.md entry", gaps_explained),
        Criterion("e2e", "an E2E test for every scenario of the phase", e2e_tests),
        Criterion("changelog", "a dated CHANGELOG.md release lists every scenario of the phase", changelog_release),
        COVERAGE_BY_EYE,
        CHECKER,
        Criterion("build", "`make build` passes", None),
    ),
}
# Names accepted for a step: the spec's titles and the `modforge prompt` keys of the step's work.
STEP_NAMES = {
    "intent-design": "1",
    "requirements-scenarios": "2",
    "tasks": "3.1",
    "code": "3.3",
    "unit-tests": "3.3",
    "actual-docs": "3.6",
    "e2e-tests": "4",
    "next-phase": "5",
}
DEFAULT_PHASE = {"4": 1}


def step_of(text: str) -> str:
    """The gate a user named, by number or name; ModforgeError for another."""
    if text in GATES:
        return text
    if text.lower() in STEP_NAMES:
        return STEP_NAMES[text.lower()]
    names = ", ".join((*GATES, *STEP_NAMES))
    raise ModforgeError(f"unknown step {text!r}; gates exist for: {names}")


class Outcome(NamedTuple):
    criterion: Criterion
    result: str  # PASS, FAIL or REVIEWER
    failures: list[Failure]


def run_gate(step: str, gate: Gate) -> list[Outcome]:
    criteria = list(GATES[step])
    if gate.coverage_file is not None:
        criteria = [COVERAGE if c.key == "coverage" else c for c in criteria]
    outcomes = []
    for criterion in criteria:
        if criterion.check is None:
            outcomes.append(Outcome(criterion, REVIEWER, []))
            continue
        failures = criterion.check(gate)
        outcomes.append(Outcome(criterion, FAIL if failures else PASS, failures))
    return outcomes
