"""`modforge prompt`: every pipeline step's prompt, rendered for a module, names the documents the step reads and
writes, uses this module's IDs and headings, carries the step's rules and ends at its review gate."""

from __future__ import annotations

import itertools
import re
import subprocess
import sys
from pathlib import Path

import jinja2
import pytest
import yaml

from modforge.errors import ModforgeError
from modforge.spec import grammar, layout, naming
from modforge.spec.grammar import IdKind
from modforge.templating import jinja_api, prompts

REPO_ROOT = Path(__file__).resolve().parent.parent

# What each step must name, as paths under modules/<module>/docs/ (spec, each step's prompt template).
STEP_DOCS = {
    "intent-design": (layout.INTENT_DESIGN,),
    "requirements-scenarios": (layout.INTENT_DESIGN, layout.INTENT_REQUIREMENTS, layout.INTENT_SCENARIOS),
    "tasks": (*layout.INTENT_DOCS, layout.TASKS),
    "code": (*layout.INTENT_DOCS, layout.TASKS),
    "unit-tests": (layout.INTENT_SCENARIOS, layout.INTENT_REQUIREMENTS, layout.TASKS),
    "compilation-fix": (),  # reads the build output, writes code only; checked below
    "actual-docs": (*layout.INTENT_DOCS, layout.TASKS, *layout.ACTUAL_DOCS),
    "e2e-tests": (layout.INTENT_SCENARIOS, layout.INTENT_VS_ACTUAL, layout.CHANGELOG),
}
# The kinds of ID each step's prompt must show in this module's concrete form.
STEP_ID_KINDS = {
    "intent-design": (IdKind.PHASE, IdKind.GLOBAL_REQ),
    "requirements-scenarios": (IdKind.REQ, IdKind.SCEN, IdKind.PHASE, IdKind.GLOBAL_REQ),
    "tasks": (IdKind.TASK, IdKind.REQ, IdKind.SCEN, IdKind.PHASE),
    "code": (IdKind.PHASE, IdKind.SCEN),
    "unit-tests": (IdKind.PHASE, IdKind.SCEN),
    "compilation-fix": (IdKind.PHASE,),
    "actual-docs": (IdKind.REQ, IdKind.SCEN, IdKind.PHASE),
    "e2e-tests": (IdKind.SCEN, IdKind.PHASE),
}
STEP1_CONSTRAINT = "## Hard constraint: no requirement or scenario IDs yet"


def answers_for(category="generic", rest_api=True, persistence=False, gts=False, phases=2, **extra) -> dict:
    """Answers as copier stores them (a worker's have a gateway and no rest_api or gts: copier never asks)."""
    name = extra.pop("module_name", "cred-store")
    answers = {
        "module_name": name,
        "id_prefix": extra.pop("id_prefix", naming.default_id_prefix(name)),
        "description": "Stores credentials for upstream services",
        "category": category,
        "persistence": persistence,
        "phases": phases,
        "phase_titles": naming.default_phase_titles(phases),
        "owner": "@platform-team",
        **extra,
    }
    if category == "worker":
        answers.setdefault("gateway", "oagw")
    else:
        answers.update(rest_api=rest_api, gts=gts)
    return answers


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "modforge", "prompt", *args], cwd=cwd, capture_output=True, text=True, check=False
    )


def phases_of(answers: dict) -> list[str]:
    return grammar.id_sequence(IdKind.PHASE, answers["id_prefix"], answers["phases"])


def assert_sound_prompt(text: str, step: prompts.Step, answers: dict, phase: int = 1) -> None:
    """What every rendered prompt promises, whatever the step and the answers."""
    name, prefix = answers["module_name"], answers["id_prefix"]
    # A worker lives in its gateway's plugins folder, every other module directly under modules/.
    module_dir = layout.module_dir(name, answers["category"], answers.get("gateway", ""))
    docs_dir = f"{module_dir}/{layout.DOCS_DIR}"
    for marker in ("{{", "{%", "{#", "%}", "#}"):
        assert marker not in text, f"unrendered Jinja {marker!r} in the {step.key} prompt"
    for doc in STEP_DOCS[step.key]:
        assert f"{docs_dir}/{doc}" in text, f"the {step.key} prompt does not name {docs_dir}/{doc}"
    for kind in STEP_ID_KINDS[step.key]:
        number = phase if kind is IdKind.PHASE else 1  # a per-phase prompt shows its own phase
        example = grammar.format_id(kind, None if kind is IdKind.GLOBAL_REQ else prefix, number)
        assert example in text, f"the {step.key} prompt shows no {kind.label} ID of the form {example}"
    # Every ID a prompt shows is this module's (or a global requirement): no example from another module.
    assert {parsed.prefix for _, parsed in grammar.find_ids(text)} <= {prefix, None}
    assert phases_of(answers)[phase - 1] in text
    for fact in (name, prefix, answers["category"], answers["owner"]):
        assert fact in text
    gate = text[text.index("## Acceptance criteria") :]
    last_item = [line for line in gate.splitlines() if line.startswith("- [ ]")][-1]
    assert f"`modforge check {module_dir}`" in last_item


ANSWER_MATRIX = [
    answers_for(category, rest_api, persistence, gts, phases)
    for category, rest_api, persistence, gts, phases in itertools.product(
        naming.CATEGORIES, (True, False), (True, False), (True, False), (1, 9)
    )
    if not (category == "worker" and (not rest_api or gts))  # neither is asked of a worker
]


def matrix_id(answers: dict) -> str:
    rest = "rest" if answers.get("rest_api") else "norest"
    gts = int(answers.get("gts", False))
    return f"{answers['category']}-{rest}-db{int(answers['persistence'])}-gts{gts}-p{answers['phases']}"


@pytest.mark.parametrize("answers", ANSWER_MATRIX, ids=matrix_id)
def test_every_prompt_renders_for_every_answer_combination(answers):
    for step in prompts.STEPS:
        phases = range(1, answers["phases"] + 1) if step.per_phase else [None]
        for phase in phases:
            text = prompts.render(step.key, answers, phase)
            assert_sound_prompt(text, step, answers, phase or 1)


@pytest.mark.parametrize(
    "answers",
    [
        {"module_name": "cred-store"},
        {"module_name": "oagw-plug", "category": "worker", "gateway": "oagw", "phases": 1},
        {"module_name": "oagw", "category": "gateway", "persistence": True, "phases": 9, "id_prefix": "OAGW"},
    ],
    ids=["generic-defaults", "worker-1-phase", "gateway-9-phases"],
)
def test_cli_renders_every_step_for_a_real_copy(new_module, answers):
    module = new_module(**answers)
    stored = prompts.read_answers(module)
    for step in prompts.STEPS:
        result = run_cli(step.key, str(module))
        assert result.returncode == 0, result.stderr
        assert result.stderr == ""
        assert_sound_prompt(result.stdout, step, stored)
    last = stored["phases"]
    result = run_cli("e2e-tests", str(module), "--phase", str(last))
    assert result.returncode == 0, result.stderr
    assert_sound_prompt(result.stdout, prompts.get_step("e2e-tests"), stored, last)


@pytest.mark.parametrize(
    "order",
    [("code", "--phase", "2", "MODULE"), ("code", "MODULE", "--phase", "2"), ("--phase", "2", "code", "MODULE")],
    ids=["option-between", "option-last", "option-first"],
)
def test_options_may_stand_anywhere_among_the_positionals(new_module, order):
    module = new_module()
    result = run_cli(*(str(module) if arg == "MODULE" else arg for arg in order))
    assert result.returncode == 0, result.stderr
    assert result.stdout == prompts.render("code", prompts.read_answers(module), 2)
    assert "PHASE-CREDSTORE-2" in result.stdout, "the phase-2 code prompt, not an empty one"


def test_module_dir_defaults_to_the_current_folder(new_module):
    module = new_module()
    result = run_cli("tasks", cwd=module)
    assert result.returncode == 0, result.stderr
    assert f"{layout.MODULES_DIR}/cred-store/{layout.DOCS_DIR}/{layout.TASKS}" in result.stdout


def test_output_option_writes_the_prompt_to_a_file(new_module, tmp_path):
    module = new_module()
    target = tmp_path / "prompt.md"
    result = run_cli("code", str(module), "--output", str(target))
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert target.read_text(encoding="utf-8") == prompts.render("code", prompts.read_answers(module))


def test_list_names_every_step_and_its_prompt_file():
    result = run_cli("--list")
    assert result.returncode == 0
    for step in prompts.STEPS:
        assert step.key in result.stdout
        assert step.file in result.stdout


def test_prompt_command_does_not_import_copier():
    code = "import sys; from modforge.cli import main; main(['prompt', '--list']); assert 'copier' not in sys.modules"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr


def test_every_step_has_its_template_file_named_as_the_spec_cites_it():
    folder = prompts.prompts_dir()
    spec_names = {
        "0_intent_design.md",
        "02_requirements_scenarios.md",
        "03_tasks_generation.md",
        "03_code_generation.md",
        "04_compilation_fix.md",
        "05_e2e_tests.md",
        "07_actual_docs.md",
    }
    step_files = {step.file for step in prompts.STEPS}
    assert spec_names <= step_files
    templates = {path.name for path in folder.glob("*.md") if not path.name.startswith("_")}
    assert templates == step_files, "every prompt file is a step and every step has a file"


# --- what the steps demand -------------------------------------------------------------------------------------
def test_step1_prompt_forbids_requirement_and_scenario_ids_and_uses_none():
    answers = answers_for()
    text = prompts.render("intent-design", answers)
    start = text.index(STEP1_CONSTRAINT)
    end = text.index("\n## ", start + 1)
    constraint, rest = text[start:end], text[:start] + text[end:]
    assert "Do NOT" in constraint
    for kind in (IdKind.REQ, IdKind.SCEN):
        assert grammar.format_id(kind, "CREDSTORE", 1) in constraint
    # Outside the prohibition, the prompt itself shows only phase IDs and global requirements.
    assert {parsed.kind for _, parsed in grammar.find_ids(rest)} <= {IdKind.PHASE, IdKind.GLOBAL_REQ}


def test_step1_prompt_lists_the_design_sections_and_phase_headings():
    answers = answers_for(phases=3)
    text = prompts.render("intent-design", answers)
    for _key, title in layout.DESIGN_SECTIONS:
        assert re.search(rf"`## {re.escape(title)}`: [^\s.]", text), f"the prompt says what goes under ## {title}"
    for phase_id, title in zip(phases_of(answers), answers["phase_titles"], strict=True):
        assert f"### {layout.design_phase_heading(phase_id, title)}" in text


def test_scenario_and_task_prompts_use_the_phase_section_headings():
    answers = answers_for(phases=3)
    for step in ("requirements-scenarios", "tasks"):
        text = prompts.render(step, answers)
        for phase_id, title in zip(phases_of(answers), answers["phase_titles"], strict=True):
            assert f"## {layout.phase_section_heading(phase_id, title)}" in text.splitlines()


def test_requirements_prompt_shows_definition_headings_and_scenario_steps():
    text = prompts.render("requirements-scenarios", answers_for())
    assert f"### {layout.definition_heading('REQ-CREDSTORE-1', '<Title>')}" in text
    assert f"### {layout.definition_heading('SCEN-CREDSTORE-01', '<Descriptive name>')}" in text
    for keyword in layout.STEP_KEYWORDS:
        assert f"- **{keyword}**" in text
    assert "Part 2" in text  # spec 2.2: cross-references added to the design
    assert "Implements: SCEN-CREDSTORE-01" in text


def test_tasks_prompt_lists_the_tasks_of_a_fresh_copy_with_sequential_ids():
    answers = answers_for(persistence=True, phases=3)
    text = prompts.render("tasks", answers)
    plan = jinja_api.task_plan(**answers)
    for phase_plan in plan:
        for task in phase_plan.tasks:
            assert f"`{task.id}` {task.title}" in text
    numbers = [task.number for phase_plan in plan for task in phase_plan.tasks]
    assert numbers == list(range(1, len(numbers) + 1))


def constraints_of(text: str) -> str:
    start = text.index("## Constraints")
    return text[start : text.index("\n## ", start + 1)]


def test_code_prompt_stubs_only_the_later_phases():
    answers = answers_for(phases=3)
    first = constraints_of(prompts.render("code", answers, 1))
    assert layout.code_todo("PHASE-CREDSTORE-2") in first
    assert layout.code_todo("PHASE-CREDSTORE-3") in first
    second = prompts.render("code", answers, 2)
    assert layout.code_todo("PHASE-CREDSTORE-2") in second  # the stubs it replaces
    assert layout.code_todo("PHASE-CREDSTORE-2") not in constraints_of(second)
    assert layout.code_todo("PHASE-CREDSTORE-3") in constraints_of(second)
    last = constraints_of(prompts.render("code", answers, 3))
    assert "is the last phase" in last
    for phase_id in phases_of(answers):
        assert layout.code_todo(phase_id) not in last


def test_compilation_fix_prompt_copies_the_hard_constraints():
    text = prompts.render("compilation-fix", answers_for())
    for rule in (
        "Do not change any logic or parameters.",
        "Only: rename unused variables, remove unused imports, fix doc lints, adjust types.",
        "If something cannot be fixed without changing behavior, explain and stop.",
    ):
        assert rule in text
    assert "make build" in text
    assert "low-reasoning model" in text


def test_e2e_prompt_names_files_fixtures_marker_test_names_coverage_and_changelog():
    answers = answers_for(module_name="cred-store")
    text = prompts.render("e2e-tests", answers)
    assert "testing/e2e/modules/cred_store/test_*.py" in text
    for fixture in ("base_url", "auth_headers", "@pytest.mark.smoke"):
        assert fixture in text
    assert "def test_scen_cred_store_01_" in text
    assert "90%" in text
    assert "make coverage" in text
    assert "## [0.1.0] - YYYY-MM-DD" in text
    assert ", ".join(f"`{change_type}`" for change_type in layout.CHANGE_TYPES) in text
    later = prompts.render("e2e-tests", answers, 2)
    assert "## [0.2.0] - YYYY-MM-DD" in later


def test_worker_prompts_have_no_rest_api_of_their_own():
    answers = answers_for(category="worker")
    code = prompts.render("code", answers)
    assert "src/api/rest/" not in code
    assert "modules/oagw/plugins/cred-store" in code, "a worker lives in its gateway's plugins folder"
    assert "register_scoped" in code
    assert "OagwPluginClientV1" in code, "a worker implements its gateway's plugin trait"
    assert "through the gateway" in prompts.render("e2e-tests", answers)


def test_prompts_chain_in_pipeline_order_and_loop_over_phases():
    answers = answers_for(phases=2)
    key, phase, seen = "intent-design", None, []
    while key:
        seen.append(key if phase is None else f"{key}@{phase}")
        text = prompts.render(key, answers, phase)
        line = next((li for li in text.splitlines() if li.startswith("Next prompt, after approval:")), None)
        if line is None:
            break
        words = line.split("`")[1].split()
        key = words[2]
        phase = int(words[-1]) if "--phase" in words else None
    per_phase = ["code", "unit-tests", "compilation-fix", "actual-docs", "e2e-tests"]
    assert seen == ["intent-design", "requirements-scenarios", "tasks", *per_phase, *(f"{k}@2" for k in per_phase)]


# --- answers and derived names ---------------------------------------------------------------------------------
def test_derived_names_match_what_copier_yml_computes(new_module):
    """The names prompts use are the ones copier.yml's `when: false` entries render, for a real copy."""
    worker = {"module_name": "oagw-plug", "category": "worker", "gateway": "oagw"}
    for answers in ({"module_name": "cred-store"}, worker):
        module = new_module(**answers)
        stored = prompts.read_answers(module)
        questions = {  # the module template's questions (the workspace's need copier's own context)
            key: question
            for key, question in yaml.safe_load((REPO_ROOT / "copier.yml").read_text(encoding="utf-8")).items()
            if isinstance(question, dict)
            if "workspace" not in f"{question.get('when', '')} {question.get('default', '')}"
        }
        environment = jinja2.Environment(undefined=jinja2.StrictUndefined)
        jinja_api.register(environment)
        values = {**stored, "_copier_conf": {"dst_path": module}}  # a question's default may name the destination
        for key, question in questions.items():
            if key.startswith("_") or key in values:
                continue
            rendered = environment.from_string(str(question["default"])).render(values)
            values[key] = rendered == "True" if question.get("type") == "bool" else rendered
        context = prompts.prompt_context(stored, prompts.get_step("code"))
        computed = [key for key, q in questions.items() if not key.startswith("_") and q.get("when") is False]
        assert computed, "copier.yml has computed names"
        for key in computed:
            assert context[key] == values[key], key


def test_read_answers_returns_the_stored_answers(new_module):
    module = new_module(module_name="cred-store", persistence=True, phases=3)
    answers = prompts.read_answers(module)
    assert answers["module_name"] == "cred-store"
    assert answers["id_prefix"] == "CREDSTORE"
    assert answers["persistence"] is True
    assert len(answers["phase_titles"]) == 3


# --- errors: one line, exit 2, no traceback --------------------------------------------------------------------
def assert_one_line_error(result: subprocess.CompletedProcess[str], *fragments: str) -> None:
    assert result.returncode == 2
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    for fragment in fragments:
        assert fragment in lines[0]


def test_unknown_step_lists_the_valid_steps(new_module):
    result = run_cli("intent", str(new_module()))
    assert_one_line_error(result, "unknown step 'intent'", *prompts.STEP_KEYS)


def test_missing_step_lists_the_valid_steps():
    assert_one_line_error(run_cli(), "name a step", *prompts.STEP_KEYS)


def test_folder_without_answers_file_is_not_a_module(tmp_path):
    result = run_cli("tasks", str(tmp_path))
    assert_one_line_error(
        result, "not a modforge module", layout.ANSWERS_FILE, str(tmp_path), "modforge new", "modforge adopt"
    )


def test_missing_module_folder_is_reported(tmp_path):
    assert_one_line_error(run_cli("tasks", str(tmp_path / "absent")), "no such module directory")


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        ("module_name: [cred-store\nid_prefix: X\n", "is not valid YAML"),
        ("- module_name\n- id_prefix\n", "holds a list, not a mapping"),
        ("module_name: cred-store\n", "lacks the answers id_prefix"),
    ],
    ids=["malformed-yaml", "not-a-mapping", "missing-answers"],
)
def test_broken_answers_file_names_the_file_and_the_fix(tmp_path, content, fragment):
    (tmp_path / layout.ANSWERS_FILE).write_text(content, encoding="utf-8")
    result = run_cli("tasks", str(tmp_path))
    assert_one_line_error(result, fragment, str(tmp_path / layout.ANSWERS_FILE))


def test_answer_breaking_a_questionnaire_rule_is_reported_with_its_rule(new_module):
    module = new_module()
    path = module / layout.ANSWERS_FILE
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["phases"] = 12
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    assert_one_line_error(run_cli("tasks", str(module)), str(path), naming.phases_error(12))


def test_phase_out_of_range_or_for_a_whole_module_step_is_refused(new_module):
    module = new_module(phases=2)
    assert_one_line_error(
        run_cli("code", str(module), "--phase", "3"), "--phase 3 is out of range", "PHASE-CREDSTORE-2"
    )
    assert_one_line_error(run_cli("tasks", str(module), "--phase", "2"), "covers every phase")


def test_unwritable_output_is_reported(new_module, tmp_path):
    result = run_cli("tasks", str(new_module()), "--output", str(tmp_path / "absent" / "prompt.md"))
    assert_one_line_error(result, "cannot write")


def test_library_rejects_answers_that_break_the_rules():
    with pytest.raises(ModforgeError, match="category 'service' must be one of"):
        prompts.render("tasks", answers_for(category="service"))
    answers = answers_for()
    del answers["rest_api"]
    with pytest.raises(ModforgeError, match="lacks the answers rest_api"):
        prompts.render("tasks", answers)


def test_prompts_name_the_crate_folders_an_adopted_module_records():
    answers = answers_for(module_name="oagw", crate_dir="oagw-gw", sdk_dir="oagw-api")
    for step in ("code", "unit-tests", "compilation-fix", "actual-docs", "e2e-tests"):
        text = prompts.render(step, answers)
        assert "modules/oagw/oagw-gw/" in text or "`oagw-gw/src/" in text, step
        assert "modules/oagw/oagw/" not in text, step
