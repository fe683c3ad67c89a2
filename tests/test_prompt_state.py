"""`modforge prompt` renders the module's real state: the owner's input for Step 1, the global requirements the checker
uses, each phase's scenarios, tasks, check marks and expected test names from the documents, the next free IDs; and
the command takes the spec's step numbers, refuses to overwrite a file, and stops on documents it cannot read."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from cli_helpers import modforge, one_error_line
from prompt_helpers import OUTSIDE, PIPELINE, stage

from modforge.spec import layout
from modforge.spec.global_requirements import BUILT_IN
from modforge.templating import prompts

MODULE = "modules/cred-store"


def flat(text: str) -> str:
    """The text with its line breaks and runs of spaces as single spaces (prompts wrap their prose)."""
    return " ".join(text.split())


def render(tmp_path: Path, at: str, step: str, phase: int | None = None) -> str:
    return prompts.render_for_module(step, stage(tmp_path / f"{step}-{phase}", at), phase)


# --- Step 1 and 2: what the owner and the monorepo say ---------------------------------------------------------
def test_step1_asks_the_owner_for_purpose_callers_use_cases_non_goals_and_invariants(tmp_path):
    text = render(tmp_path, "step1", "intent-design")
    block = text[text.index("## Owner input") : text.index("\n## ", text.index("## Owner input") + 1)]
    assert "- **Purpose:** Stores upstream-service credentials per tenant and hands them to authorized callers" in block
    for field in ("Callers", "Use cases", "Non-goals", "Invariants", "Migration notes"):
        assert f"- **{field}:** TO FILL" in block
    assert "do not guess intended behaviour" in flat(block)


@pytest.mark.parametrize(
    ("persistence", "phases", "asked"), [(True, 2, True), (True, 1, False), (False, 3, False)], ids=str
)
def test_migration_notes_are_asked_of_a_module_with_persistence_and_several_phases(persistence, phases, asked):
    answers = {
        "module_name": "cred-store",
        "id_prefix": "CREDSTORE",
        "description": "Stores credentials",
        "category": "generic",
        "rest_api": True,
        "persistence": persistence,
        "gts": False,
        "phases": phases,
        "phase_titles": [f"Phase {n}" for n in range(1, phases + 1)],
        "owner": "@team",
    }
    assert ("- **Migration notes:**" in prompts.render("intent-design", answers)) is asked


@pytest.mark.parametrize("step", ["intent-design", "requirements-scenarios"])
def test_steps_1_and_2_list_the_built_in_global_requirements_with_their_meaning(tmp_path, step):
    text = render(tmp_path, "step1", step)
    assert "This monorepo has no guidelines/MODULE_REQUIREMENTS.md" in flat(text)
    for number, title in BUILT_IN.items():
        assert f"- `REQ-{number}`: {title}\n" in text


# --- the phase being built ---------------------------------------------------------------------------------
def test_code_and_unit_test_prompts_show_the_phases_scenarios_tasks_and_check_marks(tmp_path):
    module = stage(tmp_path, "step3.1")
    tasks = module / layout.DOCS_DIR / layout.TASKS
    tasks.write_text(tasks.read_text().replace("- [ ] 2.1 ", "- [x] 2.1 ").replace("- [ ] 6.1 ", "- [x] 6.1 "))
    for step in ("code", "unit-tests"):
        text = prompts.render_for_module(step, module, 1)
        assert "- `SCEN-CREDSTORE-01` Store an API key credential: `test_scen_01_store_an_api_key_credential`" in text
        assert "- `SCEN-CREDSTORE-04` Read a credential's metadata: `test_scen_04_read_a_credentials_metadata`" in text
        assert "SCEN-CREDSTORE-09" not in text, "only the phase's scenarios"
        assert "- `TASK-CREDSTORE-02` Domain Layer: done 2.1; to do 2.2, 2.3, 2.4, 2.5, 2.6\n" in text
        assert "- `TASK-CREDSTORE-06` Unit Tests: done 6.1; to do 6.2, 6.3, 6.4, 6.5 (*test* items)\n" in text
        assert "TASK-CREDSTORE-07" not in text
    second = prompts.render_for_module("code", module, 2)
    assert "- `TASK-CREDSTORE-09` Unit Tests for Rotation and Expiry: to do 9.1, 9.2, 9.3 (*test* items)" in second
    assert "- `SCEN-CREDSTORE-12` Refuse an expired secret: `test_scen_12_refuse_an_expired_secret`" in second


def test_e2e_prompt_names_each_scenarios_test_and_its_recorded_gap(tmp_path):
    text = render(tmp_path, "step3", "e2e-tests", 1)
    assert "- `SCEN-CREDSTORE-06` Reveal a secret: `test_scen_cred_store_06_reveal_a_secret`\n" in text
    assert (
        "- `SCEN-CREDSTORE-05` List credentials page by page: `test_scen_cred_store_05_list_credentials_page_by_page`; "
        "its gap is recorded in INTENT_VS_ACTUAL.md"
    ) in text
    assert "def test_scen_cred_store_01_store_an_api_key_credential(base_url, auth_headers):" in text
    assert '"""SCEN-CREDSTORE-01: Store an API key credential"""' in text


def test_a_phase_without_scenarios_or_tasks_says_to_stop(tmp_path):
    text = render(tmp_path, "step1", "code", 2)
    assert "- None yet. Stop and tell @platform-team: a phase without scenarios" in text
    module = stage(tmp_path / "no-tasks", "step2")
    (module / layout.DOCS_DIR / layout.TASKS).write_text("# Tasks\n")
    assert "- None yet. Stop and tell @platform-team: this phase's tasks come first" in prompts.render_for_module(
        "code", module, 1
    )


def test_next_free_ids_count_every_document(tmp_path):
    text = render(tmp_path, "step4", "actual-docs", 2)
    assert (
        "| Module requirement | INTENT_REQUIREMENTS.md: `### REQ-CREDSTORE-1: <Title>` | `REQ-CREDSTORE-12` |" in text
    )
    assert "| Scenario | INTENT_SCENARIOS.md: `### SCEN-CREDSTORE-01: <Name>` | `SCEN-CREDSTORE-13` |" in text
    assert "| Task | TASKS.md: `### TASK-CREDSTORE-01: <Title>` | `TASK-CREDSTORE-10` |" in text


def test_actual_docs_prompt_asks_for_code_locations_and_checks_the_phase_is_finished(tmp_path):
    unfinished = render(tmp_path, "step3.1", "actual-docs", 1)
    assert "TASKS.md still has unchecked subtasks of `PHASE-CREDSTORE-1`: 1.1, 1.2, 1.3, 2.1" in flat(unfinished)
    finished = render(tmp_path, "step3", "actual-docs", 1)
    assert "Every subtask of `PHASE-CREDSTORE-1` in TASKS.md is checked off" in finished
    assert "Be specific about code locations" in finished
    assert "**Code:** `cred-store/src/domain/service.rs` (`<function>`)" in finished
    assert "Every intent scenario, in every phase (`SCEN-CREDSTORE-01` to `SCEN-CREDSTORE-12`)" in flat(finished)


# Instructions of the team's original prompts that help a model pass the gate, each in the step it belongs to.
ORIGINAL_INSTRUCTIONS = [
    ("requirements-scenarios", None, "Each requirement is atomic (one obligation) and testable"),
    ("requirements-scenarios", None, "with realistic example values"),
    ("actual-docs", 1, "Be specific about code locations"),
    ("unit-tests", 1, "do not change scenario semantics"),
    ("e2e-tests", 1, "do not change scenario semantics"),
    ("code", 1, "strictly following the intent documents"),
    ("compilation-fix", 1, "changing a public SDK or DTO signature (the API contract)"),
    ("intent-design", None, "do not guess intended behaviour"),
    ("code", 1, "do not guess intended behaviour"),
    ("actual-docs", 1, "Do not guess"),
]


@pytest.mark.parametrize(("step", "phase", "instruction"), ORIGINAL_INSTRUCTIONS, ids=lambda v: str(v))
def test_the_original_prompts_instructions_are_kept(tmp_path, step, phase, instruction):
    assert instruction in flat(render(tmp_path, "step3", step, phase))


# --- documents that cannot be read --------------------------------------------------------
@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (b"# Tasks\n\n### TASK-CREDSTORE-01: SDK \xff\n", "TASKS.md:3: byte 0xff is not UTF-8"),
        (b"# Tasks\n<<<<<<< before updating\n## A\n=======\n## B\n>>>>>>> after updating\n", "TASKS.md:2: a merge"),
        (b"\x00\x01binary", "TASKS.md:1: the file holds NUL bytes"),
    ],
    ids=["not-utf8", "conflict-marker", "binary"],
)
def test_a_document_that_cannot_be_read_stops_the_prompt_with_one_line(tmp_path, content, fragment):
    module = stage(tmp_path, "step3")
    (module / layout.DOCS_DIR / layout.TASKS).write_bytes(content)
    result = modforge("prompt", "code", module)
    assert result.returncode == 2
    assert result.stdout == ""
    line = one_error_line(result, "prompt")
    assert fragment in line
    assert f"modforge check {module}" in line or "resolve the conflict" in line


def test_an_empty_document_is_one_still_to_write(tmp_path):
    module = stage(tmp_path, "step1")
    (module / layout.DOCS_DIR / layout.INTENT_REQUIREMENTS).write_bytes(b"")
    assert "## Part 1: requirements and scenarios" in prompts.render_for_module("requirements-scenarios", module)


# --- the command ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("step", [s for s in prompts.STEPS if s.number], ids=lambda s: s.number)
def test_the_spec_step_number_renders_the_same_prompt_as_the_key(tmp_path, step):
    module = stage(tmp_path, "step3")
    by_number = modforge("prompt", step.number, module)
    assert by_number.returncode == 0, by_number.stderr
    assert by_number.stdout == prompts.render_for_module(step.key, module)


def test_an_unknown_step_names_the_keys_and_the_numbers(tmp_path):
    line = one_error_line(modforge("prompt", "3.3", stage(tmp_path, "step3")), "prompt")
    assert "unknown step '3.3'" in line
    assert ", ".join(prompts.STEP_NUMBERS) in line


def test_output_file_is_never_overwritten_without_force(tmp_path):
    module = stage(tmp_path, "step3")
    target = tmp_path / "prompt.md"
    target.write_text("the owner's notes\n")
    refused = modforge("prompt", "tasks", module, "-o", target)
    assert refused.returncode == 2
    assert f"{target} exists" in one_error_line(refused, "prompt")
    assert "--force" in refused.stderr
    assert target.read_text() == "the owner's notes\n", "nothing of the user's lost"
    forced = modforge("prompt", "tasks", module, "-o", target, "--force")
    assert forced.returncode == 0, forced.stderr
    assert target.read_text() == prompts.render_for_module("tasks", module)


def test_list_shows_the_spec_step_of_each_prompt():
    result = modforge("prompt", "--list")
    assert result.returncode == 0
    rows = {line.split()[0]: line.split()[1] for line in result.stdout.splitlines()[1:]}
    assert rows == {s.key: s.number or f"({s.spec_step})" for s in prompts.STEPS}


def test_the_fixture_stages_are_listed_in_their_readme():
    readme = (PIPELINE / "README.md").read_text()
    for name in sorted(p.name for p in PIPELINE.iterdir() if p.is_dir() and p != OUTSIDE):
        assert re.search(rf"^\| `{re.escape(name)}/` \|", readme, re.MULTILINE), name
    assert f"`{OUTSIDE.name}/<stage>/`" in readme  # what the stages add outside the module


def test_the_documented_step_table_matches_the_steps():
    page = (PIPELINE.parents[2] / "docs" / "pipeline.md").read_text()
    table = page[: page.index("\n\n", page.index("| Step |"))]
    rows = {row.split("|")[1].strip(): row.split("|")[2] for row in table.splitlines() if row.startswith("| ")}
    for step in prompts.STEPS:
        number = step.number or step.spec_step
        assert f"`{step.key}`" in rows[number], f"docs/pipeline.md's row {number} names `{step.key}`"
        if step.number:
            assert f"`{step.key}` or `{step.number}`" in rows[number]


def test_the_actual_scenario_statuses_are_the_ones_the_gates_read(tmp_path):
    text = render(tmp_path, "step3", "actual-docs", 1)
    line = next(line for line in text.splitlines() if line.startswith("Statuses: "))
    statuses = [status.split(" (")[0] for status in re.findall(r"`([^`]+)`", line.split(". ")[0])]
    assert statuses == list(layout.SCENARIO_STATUSES)
