"""The pipeline fixtures (tests/fixtures/pipeline/): one module's documents after each step, which other tests walk.
Each stage passes `modforge check` without a finding and does what the prompt of its step, rendered from the stage
before, instructs."""

from __future__ import annotations

import re

import pytest
from cli_helpers import modforge
from prompt_helpers import OUTSIDE, PIPELINE, STAGES, stage, stage_copy

from modforge.documents import loader
from modforge.spec import layout
from modforge.templating import prompt_state, prompts

PREFIX = "CREDSTORE"


def state(tmp_path, name):
    return prompt_state.module_state(stage(tmp_path / name, name), PREFIX)


def test_the_stages_are_the_folders():
    assert sorted(STAGES) == sorted(p.name for p in PIPELINE.iterdir() if p.is_dir() and p != OUTSIDE)
    assert {p.name for p in OUTSIDE.iterdir()} <= set(STAGES)


@pytest.mark.parametrize("name", STAGES)
def test_every_stage_passes_the_checker_without_a_finding(tmp_path, name):
    result = modforge("check", stage(tmp_path, name))
    assert result.returncode == 0, result.stdout
    assert result.stdout.startswith("All checks passed"), result.stdout


def test_step1_writes_the_design_in_words_only(tmp_path):
    module = loader.load_module(stage(tmp_path, "step1"))
    design = module.doc(layout.INTENT_DESIGN)
    titles = [h.text for h in design.headings if h.level == layout.DESIGN_SECTION_LEVEL]
    assert titles == [title for _, title in layout.DESIGN_SECTIONS], (
        "every section, in order, titled as the prompt says"
    )
    assert {o.id.kind.name for o in design.ids} <= {"PHASE", "GLOBAL_REQ"}


def test_step2_covers_every_requirement_and_phase_with_scenarios(tmp_path):
    now = state(tmp_path, "step2")
    cited = set(re.findall(r"REQ-CREDSTORE-\d+", (PIPELINE / "step2/docs" / layout.INTENT_SCENARIOS).read_text()))
    assert cited == {r.id for r in now.requirements}
    assert all(now.phase_scenarios(n) for n in (1, 2))
    design = (PIPELINE / "step2/docs" / layout.INTENT_DESIGN).read_text()
    phases = design.split(f"## {layout.DESIGN_SECTION['phases']}")[1].split("\n### ")[1:]
    for n, section in enumerate(phases, 1):
        implements = section.split("- Implements: ")[1]
        assert set(re.findall(r"SCEN-CREDSTORE-\d+", implements)) == {s.id for s in now.phase_scenarios(n)}


def test_step31_cites_every_scenario_in_an_implementation_and_a_test_item_of_its_phase(tmp_path):
    module = loader.load_module(stage(tmp_path, "step3.1"))
    now = state(tmp_path, "step3.1")
    for task in module.doc(layout.TASKS).tasks:
        for item in task.subtasks:
            assert not item.done
            for scenario in re.findall(r"SCEN-CREDSTORE-\d+", item.text):
                phase = next(s.phase for s in now.scenarios if s.id == scenario)
                assert task.phase.number == phase, f"{scenario} is cited in its own phase"
    for scenario in now.scenarios:
        kinds = {
            prompt_state.is_test_item(t.title, i.text)
            for t in module.doc(layout.TASKS).tasks
            for i in t.subtasks
            if scenario.id in i.text
        }
        assert kinds == {True, False}, f"{scenario.id} has an implementation item and a unit-test item"


def test_step3_finishes_phase_1_and_documents_what_was_built(tmp_path):
    before, after = state(tmp_path, "step3.1"), state(tmp_path, "step3")
    assert after.unchecked(1) == []
    assert after.unchecked(2) == [n for t in before.phase_tasks(2) for n in t.numbers(False)], "phase 2 untouched"
    assert [s.id for s in after.actual_scenarios] == [s.id for s in after.scenarios]
    text = (PIPELINE / "step3/docs" / layout.ACTUAL_SCENARIOS).read_text()
    assert text.count("**Status:** ") == len(after.scenarios)
    assert text.count("**Code:** `cred-store/src/") == len(after.phase_scenarios(1))
    added = [r.id for r in after.actual_requirements if r.id not in {i.id for i in after.requirements}]
    assert added == [f"REQ-{PREFIX}-{before.next_number('req')}"], "a code-added requirement takes the next free number"
    partial = re.findall(r"### (SCEN-CREDSTORE-\d+).*\n\*\*Status:\*\* Partially", text)
    assert set(partial) <= set(after.gap_entries), "a partial scenario has its gap entry"
    assert "REQ-CREDSTORE-11" in (PIPELINE / "step3/docs" / layout.INTENT_VS_ACTUAL).read_text()


def test_step4_releases_the_phase_1_scenarios(tmp_path):
    before = state(tmp_path, "step3")
    module = loader.load_module(stage(tmp_path, "step4"))
    release = next(r for r in module.doc(layout.CHANGELOG).releases if r.version != layout.UNRELEASED)
    assert release.version == before.release_version(1)
    entries = [text.split(":")[0] for section in release.sections for _, text in section.entries]
    assert entries == [s.id for s in before.phase_scenarios(1)]


def test_the_prompts_of_the_next_step_render_from_every_stage(tmp_path):
    for name in STAGES:
        module = stage(tmp_path / "render", name)
        for step in prompts.STEPS:
            assert prompts.render_for_module(step.key, module, 1 if step.per_phase else None)


@pytest.mark.parametrize(("name", "gate"), [("step1", "1"), ("step2", "2"), ("step3.1", "3.1")])
def test_every_stage_passes_the_review_gate_of_its_step(tmp_path, name, gate):
    """The documents each prompt leads to pass `modforge gate` of that step (the steps whose criteria are all about
    documents; the later ones, with code and E2E tests, below)."""
    result = modforge("gate", gate, stage(tmp_path, name))
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(("name", "gates"), [("step3", ("3.3", "3.6")), ("step4", ("2", "3.1", "3.3", "3.6", "4"))])
def test_a_module_passes_every_gate_it_has_reached(template_dir, tmp_path, name, gates):
    """On a real copy with the code the template writes and what the stages add outside the module (the quickstart
    block, the E2E tests): Step 3 of phase 1 passes gates 3.3 and 3.6; the finished phase 1 every gate of it."""
    module = stage_copy(template_dir, tmp_path, name, outside=True)
    for gate in gates:
        result = modforge("gate", gate, module, *(() if gate == "2" else ("--phase", "1")), cwd=module.parent.parent)
        assert result.returncode == 0, (gate, result.stdout + result.stderr)
