"""The pipeline's prompt templates: which step uses which file, and rendering one for a module.

A prompt is a Jinja template in `prompts/` (plain Markdown, not a copier file) rendered with the module's
questionnaire answers, the names copier derives from them and modforge's shared filters and globals
(modforge.templating.jinja_api), so every ID, heading and document name in a prompt is the one the template and the
checker use. Rendering is strict: a name a template does not know is a bug, not an empty string.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from modforge.documents import loader
from modforge.errors import ModforgeError
from modforge.spec import grammar, layout, naming
from modforge.spec.grammar import IdKind
from modforge.templating import jinja_api, prompt_state
from modforge.templating.prompt_state import ModuleState


@dataclass(frozen=True)
class Step:
    key: str  # what users type: `modforge prompt <key>`
    file: str  # the template's file name, as the spec cites it
    number: str  # the spec's step number users may type instead of the key ("" when another step has it)
    spec_step: str  # the spec's (sub)steps the prompt covers, e.g. "2.1-2.2"
    summary: str
    per_phase: bool  # rendered for one implementation phase (Step 5 repeats it for phase 2+)


STEPS: tuple[Step, ...] = (
    Step(
        "intent-design",
        "0_intent_design.md",
        "1",
        "1.3",
        f"write {layout.INTENT_DESIGN} (no requirement/scenario IDs)",
        False,
    ),
    Step(
        "requirements-scenarios",
        "02_requirements_scenarios.md",
        "2",
        "2.1-2.2",
        f"write {layout.INTENT_REQUIREMENTS} and {layout.INTENT_SCENARIOS}, add their IDs to {layout.INTENT_DESIGN}",
        False,
    ),
    Step("tasks", "03_tasks_generation.md", "3.1", "3.1", f"write {layout.TASKS}: the implementation checklist", False),
    Step("code", "03_code_generation.md", "3.2", "3.2", f"implement one phase's tasks from {layout.TASKS}", True),
    Step("unit-tests", "03_unit_tests.md", "", "3.2", "complete one phase's unit tests", True),
    Step("compilation-fix", "04_compilation_fix.md", "3.5", "3.5", "make build, tests and clippy pass unchanged", True),
    Step(
        "actual-docs",
        "07_actual_docs.md",
        "3.6",
        "3.6",
        f"write the actual documents and {layout.INTENT_VS_ACTUAL}",
        True,
    ),
    Step("e2e-tests", "05_e2e_tests.md", "4", "4.1-4.4", f"write one phase's E2E tests and {layout.CHANGELOG}", True),
)
STEP_KEYS = tuple(step.key for step in STEPS)
STEP_NUMBERS = tuple(step.number for step in STEPS if step.number)

# Answers every prompt needs whatever the category (check_answers adds the per-category ones).
REQUIRED_ANSWERS = (
    "module_name",
    "id_prefix",
    "description",
    "category",
    "persistence",
    "phases",
    "phase_titles",
    "owner",
)
E2E_TESTS_DIR = layout.E2E_TESTS_DIR


def get_step(name: str) -> Step:
    """The step a user named by its key (`tasks`) or by the spec's step number (`3.1`)."""
    for step in STEPS:
        if name in (step.key, step.number):
            return step
    raise ModforgeError(
        f"unknown step {name!r}; valid steps: {', '.join(STEP_KEYS)}, or the spec's step numbers "
        f"{', '.join(STEP_NUMBERS)} (see `modforge prompt --list`)"
    )


def prompts_dir() -> Path:
    """The folder holding the templates: the checkout's `prompts/` (source or editable install), else the copy a
    regular install carries in the package's template bundle (modforge/_template/prompts, setup.py)."""
    from modforge.templating import bundle

    package = Path(__file__).resolve().parents[1]
    candidates = [package.parent.parent / "prompts", package / bundle.BUNDLE_DIR / "prompts"]
    for folder in candidates:
        if (folder / STEPS[0].file).is_file():
            return folder
    searched = ", ".join(str(folder) for folder in candidates)
    raise ModforgeError(f"the prompt templates are missing (looked in {searched}); reinstall modforge")


# --- answers -----------------------------------------------------------------------------------------------------
def read_answers(module_dir: Path) -> dict[str, Any]:
    """The answers in `<module_dir>/.copier-answers.yml`, checked with the questionnaire's own validators."""
    module_dir = Path(module_dir)
    path = module_dir / layout.ANSWERS_FILE
    if not module_dir.is_dir():
        raise ModforgeError(
            f"no such module directory: {module_dir}; pass the module's folder, e.g. modules/cred-store"
        )
    if not os.path.lexists(path):  # something else by that name (a FIFO, a link to nothing): load_answers says what
        raise ModforgeError(
            f"not a modforge module: no {layout.ANSWERS_FILE} in {module_dir}; pass a module folder made by "
            "`modforge new` (copier copy), or bring an existing module under the template with `modforge adopt`"
        )
    data = loader.load_answers(path)
    check_answers(data, str(path))
    return data


def check_answers(answers: dict[str, Any], source: str = "answers") -> None:
    """Raise ModforgeError naming `source` when an answer is missing or breaks a questionnaire rule."""
    worker = answers.get("category") == "worker"
    # copier asks some questions of one category only: a worker has a gateway, the others a REST API and GTS types.
    asked = {"rest_api": not worker, "gts": not worker, "gateway": worker}
    missing = [key for key in (*REQUIRED_ANSWERS, *asked) if key not in answers and asked.get(key, True)]
    if missing:
        raise ModforgeError(
            f"{source} lacks the answers {', '.join(missing)}; "
            f"add them with `copier update --trust --defaults --data {missing[0]}=...`"
        )
    category = answers["category"]
    problems = [
        naming.module_name_error(answers["module_name"]),
        naming.id_prefix_error(answers["id_prefix"]),
        naming.description_error(answers["description"]),
        "" if category in naming.CATEGORIES else f"category {category!r} must be one of {', '.join(naming.CATEGORIES)}",
        naming.owner_error(answers["owner"]),
        naming.phases_error(answers["phases"]),
        naming.phase_titles_error(answers["phase_titles"], answers["phases"]),
        naming.gateway_error(answers.get("gateway"), answers["module_name"]) if category == "worker" else "",
        *(
            f"{key} must be true or false, not {answers[key]!r}"
            for key in ("rest_api", "persistence", "gts")
            if key in answers and not isinstance(answers[key], bool)
        ),
    ]
    problem = next((p for p in problems if p), "")
    if problem:
        raise ModforgeError(f"{source}: {problem}")


# --- rendering ---------------------------------------------------------------------------------------------------
def prompt_context(
    answers: dict[str, Any],
    step: Step,
    phase: int | None = None,
    state: ModuleState | None = None,
    *,
    validate: bool = True,
) -> dict[str, Any]:
    """Everything a prompt template may name besides jinja_api's filters and globals. `state` is what the
    module's documents say (prompt_state.module_state); without it, a fresh copy's. `validate=False` takes
    answers the questionnaire would refuse (the spec's placeholders of the raw prompts)."""
    if validate:
        check_answers(answers)
    state = state or prompt_state.scaffold_state(answers)
    name, prefix = answers["module_name"], answers["id_prefix"]
    names = naming.derived_names(name, answers["category"], answers.get("gateway") or "")
    module_phases = jinja_api.phase_ids(prefix, list(answers["phase_titles"]))
    number = _phase_number(step, phase, module_phases)
    module_dir = names["module_dir"]
    snake = names["module_snake"]
    later = step.per_phase and number > 1  # Step 5 repeats Step 3's and 4's prompts for phase 2 and later
    globals_ = sorted(state.globals.titles.items())
    # The global requirement the examples cite: REQ-1 (tenant isolation) when the list holds it.
    example_number = 1 if 1 in state.globals or not globals_ else globals_[0][0]
    global_example = grammar.format_id(IdKind.GLOBAL_REQ, None, example_number)
    return {
        "gts": False,  # not asked of a worker (it instantiates its gateway's plugin spec)
        **answers,
        **names,
        # The crates' folders: the template's unless the answers record the module's own (an adopted module).
        "crate_dir": answers.get("crate_dir") or name,
        "sdk_dir": answers.get("sdk_dir") or names["sdk_name"],
        "answers": answers,
        "has_rest": naming.has_rest(answers["category"], answers.get("rest_api")),
        "modules_dir": layout.MODULES_DIR,
        "module_dir": module_dir,
        "docs_dir": f"{module_dir}/{layout.DOCS_DIR}",
        "global_requirements_path": layout.GLOBAL_REQUIREMENTS_PATH,
        "global_list": [(grammar.format_id(IdKind.GLOBAL_REQ, None, n), title) for n, title in globals_],
        "held": lambda *numbers: _held(state, numbers),
        "cite": lambda *numbers: "".join(f" ({', '.join(held)})" for held in [_held(state, numbers)] if held),
        "unreleased": layout.UNRELEASED,
        "scenario_statuses": layout.SCENARIO_STATUSES,
        "module_phases": module_phases,
        "phase": number,
        "phase_id": module_phases[number - 1][0],
        "phase_title": module_phases[number - 1][1],
        "earlier_phases": module_phases[: number - 1],
        "later_phases": module_phases[number:],
        "state": state,
        "scenarios": state.phase_scenarios(number),
        "tasks": state.phase_tasks(number),
        "id_range": lambda items: _id_range([item.id for item in items]),
        "test_name": lambda scenario, e2e: prompt_state.scenario_test_name(prefix, snake, scenario, e2e),
        "e2e_root": E2E_TESTS_DIR,
        "e2e_dir": f"{E2E_TESTS_DIR}/{snake}",
        "global_example": global_example,
        "references": lambda doc: _references(doc, prefix, global_example),
        "step": step,
        "step_label": "5" if later else step.number or step.spec_step,
        "pr": _pull_request(step, number),
        "next_command": _next_command(step, number, len(module_phases), module_dir),
    }


def render(
    step_key: str,
    answers: dict[str, Any],
    phase: int | None = None,
    state: ModuleState | None = None,
    *,
    validate: bool = True,
) -> str:
    """The prompt of step `step_key` (a key or a spec step number) for the module these answers describe
    (`phase` for per-phase steps), showing what `state` says its documents hold (default: a fresh copy)."""
    import jinja2

    step = get_step(step_key)
    context = prompt_context(answers, step, phase, state, validate=validate)
    folder = prompts_dir()
    try:
        text = _environment(folder).get_template(step.file).render(context)
    except jinja2.TemplateNotFound as error:
        raise ModforgeError(f"prompt template {error.name} is missing from {folder}; reinstall modforge") from None
    return _tidy(text)


@functools.cache
def _environment(folder: Path) -> Any:
    """One strict Jinja environment per prompts folder, so each template is compiled once per process."""
    import jinja2

    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(folder),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
    )
    jinja_api.register(environment)
    return environment


def _tidy(text: str) -> str:
    """Collapse the runs of blank lines that conditional blocks leave, except inside fenced code (where a
    blank line can matter, as between Python imports and a function)."""
    lines: list[str] = []
    in_fence = False
    for line in text.strip().splitlines():
        if line.lstrip().startswith("```"):
            in_fence = not in_fence
        if not in_fence and not line.strip() and lines and not lines[-1].strip():
            continue
        lines.append(line.rstrip())
    return "\n".join(lines) + "\n"


# The spec's placeholders instead of one module's answers, for the raw prompts the workspace pack lays down in
# workflows/prompts/ (people who drive the pipeline without the CLI): a generic module with a REST API and a
# database, in two phases, each name left for the reader to fill in.
PLACEHOLDER_ANSWERS: dict[str, Any] = {
    "module_name": "{module_name}",
    "id_prefix": "{MODULE}",
    "description": "{one line saying what the module does}",
    "category": "generic",
    "rest_api": True,
    "persistence": True,
    "gts": False,
    "phases": 2,
    "phase_titles": ["{phase 1 title}", "{phase 2 title}"],
    "owner": "{owner}",
}


def render_raw(step_key: str) -> str:
    """The step's prompt in raw form: the same template file and environment as `render`, with the spec's
    placeholders (`{module_name}`, `REQ-{MODULE}-1`) where a module's facts go."""
    return render(step_key, PLACEHOLDER_ANSWERS, validate=False)


def render_for_module(step_key: str, module_dir: Path, phase: int | None = None) -> str:
    """The prompt for the module at `module_dir`, built from its answers and what its documents hold."""
    get_step(step_key)  # an unknown step is reported before a missing answers file
    answers = read_answers(module_dir)
    return render(step_key, answers, phase, prompt_state.module_state(Path(module_dir), answers["id_prefix"]))


def _held(state: ModuleState, numbers: tuple[int, ...]) -> list[str]:
    """The global requirements among `numbers` that the checker's list holds: a prompt cites no other, so that
    it never teaches a reference this monorepo does not define."""
    return [grammar.format_id(IdKind.GLOBAL_REQ, None, n) for n in numbers if n in state.globals]


def _id_range(ids: list[str]) -> str:
    """`SCEN-X-01` to `SCEN-X-08` for a gap-free run of IDs, else each one; "none" for no ID."""
    if not ids:
        return "none"
    numbers = [int(i.rsplit("-", 1)[1]) for i in ids]
    if len(ids) > 2 and numbers == list(range(numbers[0], numbers[0] + len(ids))):
        return f"`{ids[0]}` to `{ids[-1]}`"
    return ", ".join(f"`{i}`" for i in ids)


def _pull_request(step: Step, phase: int) -> dict[str, str]:
    """Where this step's work goes after its review: `opens` names the PR this step's gate merges, `joins` the
    later PR it waits for. The spec has one PR each for Steps 1, 2 and 4, one Step 3 PR (3.7) and one PR per
    later phase (Step 5); Steps 3.1 to 3.5 are reviewed without a PR of their own."""
    opens = ""
    if step.key == "intent-design":
        opens = f"one PR holding {layout.INTENT_DESIGN} (spec 1.5)"
    elif step.key == "requirements-scenarios":
        opens = "one PR holding the three intent documents (spec 2.4)"
    elif step.key == "e2e-tests":
        opens = (
            f"the Step 4 PR (spec 4.4): the end-to-end tests and {layout.CHANGELOG}"
            if phase == 1
            else "the phase's one PR (spec, Step 5): its code, unit tests, check marks, actual documents, end-to-end "
            "tests and changelog"
        )
    elif step.key == "actual-docs" and phase == 1:
        opens = f"the Step 3 PR (spec 3.7): {layout.TASKS}, the code, the unit tests and the actual documents"
    if opens:
        return {"opens": opens, "joins": ""}
    if phase > 1:
        joins = "this work joins the phase's one PR, opened after its end-to-end tests (spec, Step 5)"
    else:
        joins = "this work joins the Step 3 PR (spec 3.7), opened after the actual documents"
    return {"opens": "", "joins": joins}


def _phase_number(step: Step, phase: int | None, module_phases: list[tuple[str, str]]) -> int:
    if phase is None:
        return 1
    if not step.per_phase:
        raise ModforgeError(f"step {step.key} covers every phase; drop --phase")
    if not 1 <= phase <= len(module_phases):
        last = module_phases[-1][0]
        raise ModforgeError(
            f"--phase {phase} is out of range: the module has {len(module_phases)} phase(s), up to {last}"
        )
    return phase


def _references(doc: str, prefix: str, global_example: str) -> dict[str, list[str]]:
    """Example IDs of the kinds `doc` may and may not name (layout.ALLOWED_REFERENCES), for this module, and the
    names of the kinds it may not name."""
    allowed = layout.ALLOWED_REFERENCES[doc]
    kinds = (IdKind.GLOBAL_REQ, IdKind.REQ, IdKind.SCEN, IdKind.TASK, IdKind.PHASE)

    def example(kind: IdKind) -> str:
        return global_example if kind is IdKind.GLOBAL_REQ else grammar.format_id(kind, prefix, 1)

    return {
        "allowed": [example(kind) for kind in kinds if kind in allowed],
        "forbidden": [example(kind) for kind in kinds if kind not in allowed],
        "forbidden_kinds": [kind.label for kind in kinds if kind not in allowed],
    }


def _next_command(step: Step, phase: int, phases: int, module_dir: str) -> str:
    """The prompt to render after this step's gate, following the spec's order (Step 5 loops over phases)."""
    index = STEP_KEYS.index(step.key)
    if step.key == "e2e-tests":
        return f"modforge prompt code {module_dir} --phase {phase + 1}" if phase < phases else ""
    following = STEPS[index + 1]
    suffix = f" --phase {phase}" if following.per_phase and phase > 1 else ""
    return f"modforge prompt {following.key} {module_dir}{suffix}"
