"""The contradictions issue 12 found by rendering the prompts for a two-phase module with persistence (the pipeline
fixture), each pinned by a test: a prompt that contradicts the checker, another prompt or the spec would lead a
model that obeys it to fail a gate modforge itself enforces. The tests render through `render_for_module`, as
`modforge prompt` does, at the stage of the pipeline where each prompt is used."""

from __future__ import annotations

import re
from pathlib import Path

from prompt_helpers import findings, stage

from modforge.spec import layout
from modforge.templating import prompts

MODULE = "modules/cred-store"


def render(tmp_path: Path, at: str, step: str, phase: int | None = None) -> str:
    return prompts.render_for_module(step, stage(tmp_path / f"{step}-{phase}", at), phase)


def flat(text: str) -> str:
    """The text with its line breaks and runs of spaces as single spaces (prompts wrap their prose)."""
    return " ".join(text.split())


def section(text: str, title: str) -> str:
    """The text under the heading (any level) whose title starts with `title`, up to the next heading of its level."""
    match = re.search(rf"^(#+) {re.escape(title)}.*$", text, re.MULTILINE)
    assert match, f"no section {title!r}"
    end = re.compile(rf"^#{{1,{len(match.group(1))}}} ", re.MULTILINE).search(text, match.end())
    return text[match.end() : end.start() if end else len(text)]


def test_gap_entries_are_taught_as_scenario_entries_only(tmp_path):
    """A `### REQ-...` entry in INTENT_VS_ACTUAL.md fails MF701, so the prompt heads every entry by a scenario and
    reports a requirement inside a scenario's entry."""
    module = stage(tmp_path / "module", "step3")
    gaps = module / layout.DOCS_DIR / layout.INTENT_VS_ACTUAL
    gaps.write_text(
        "# Gaps\n\n### REQ-CREDSTORE-11: Secret Size Limit\n- **Intent:** a\n- **Actual:** b\n- **Gap:** c\n"
    )
    assert any(d.code == "MF701" for d in findings(module)), "the checker rejects a requirement's gap entry"
    text = section(render(tmp_path, "step3", "actual-docs", 1), layout.INTENT_VS_ACTUAL)
    assert "One entry per scenario whose built behaviour differs from its intent, headed by that scenario" in text
    assert "scenario or requirement" not in text
    assert "is named in the entry of a scenario it affects" in flat(text)


def test_a_requirement_the_code_added_takes_the_next_number_free_in_every_document(tmp_path):
    """In phase 2, ACTUAL_REQUIREMENTS.md already holds REQ-CREDSTORE-11 (added by phase 1's code): the next one is 12,
    not "the next after the highest intent requirement" (11 again)."""
    text = section(render(tmp_path, "step4", "actual-docs", 2), layout.ACTUAL_REQUIREMENTS)
    assert "`REQ-CREDSTORE-12`" in text
    assert "highest intent requirement" not in text


def test_end_to_end_tests_per_scenario_agree_with_the_coverage_gate(tmp_path):
    """One test per scenario, no more and no fewer" contradicted "below 90%, add end-to-end tests": a scenario
    has its test, and further tests of its flows are named after it."""
    text = render(tmp_path, "step3", "e2e-tests", 1)
    assert "no more and no fewer" not in text
    coverage = section(text, "Coverage gate")
    assert "each named after its scenario" in coverage
    assert "`test_scen_cred_store_<NN>_<other case>`" in coverage
    assert "every test belongs to one scenario" in section(text, "Test rules")


def test_scenarios_are_asked_only_for_what_the_end_to_end_environment_can_observe(tmp_path):
    """Step 2 asked for tenant-isolation and authorization scenarios in every phase, each an E2E test, while the E2E
    environment has one security context: both prompts now state the environment and who tests those cases."""
    step2 = render(tmp_path, "step1", "requirements-scenarios")
    assert "get their own scenarios" not in step2
    e2e = render(tmp_path, "step3", "e2e-tests", 1)
    for text in (step2, e2e):
        assert "`auth_disabled: true`" in text
        assert "unit tests" in text
    assert "Write no scenario whose WHEN needs another tenant or a caller without permission" in flat(step2)
    assert "cannot be tested end to end" in flat(e2e)
    unit = render(tmp_path, "step3.1", "unit-tests", 1)
    assert "which end-to-end tests cannot reach" in unit  # the unit tests take those cases over


def closing(text: str) -> str:
    return flat(section(text, "When you are done"))


def test_the_review_closing_depends_on_the_step(tmp_path):
    """The spec has one PR per step for Steps 1, 2 and 4, one Step 3 PR (3.7) and one PR per later phase (Step 5);
    Steps 3.1 to 3.5 are reviewed without a PR."""
    assert "one PR holding INTENT_DESIGN.md (spec 1.5)" in closing(render(tmp_path, "step1", "intent-design"))
    assert "one PR holding the three intent documents" in closing(render(tmp_path, "step1", "requirements-scenarios"))
    for step in ("tasks", "code", "unit-tests", "compilation-fix"):
        phase = None if step == "tasks" else 1
        text = closing(render(tmp_path, "step3.1", step, phase))
        assert "No PR yet: this work joins the Step 3 PR (spec 3.7)" in text, step
        assert "PR is submitted" not in text
    assert "merges it through the Step 3 PR (spec 3.7)" in closing(render(tmp_path, "step3", "actual-docs", 1))
    assert "merges it through the Step 4 PR (spec 4.4)" in closing(render(tmp_path, "step3", "e2e-tests", 1))
    assert "joins the phase's one PR" in closing(render(tmp_path, "step4", "actual-docs", 2))
    assert "merges it through the phase's one PR" in closing(render(tmp_path, "step4", "e2e-tests", 2))


def test_the_code_gate_leaves_the_unit_test_items_to_the_unit_tests_prompt(tmp_path):
    code = render(tmp_path, "step3.1", "code", 1)
    gate = section(code, "Acceptance criteria")
    assert "All PHASE-CREDSTORE-1 tasks" not in gate
    assert "*test* items are left to the unit-tests prompt" in flat(gate)
    assert "`TASK-CREDSTORE-06` Unit Tests: to do 6.1, 6.2, 6.3, 6.4, 6.5 (*test* items)" in code
    unit = section(render(tmp_path, "step3.1", "unit-tests", 1), "Acceptance criteria")
    assert "All PHASE-CREDSTORE-1 tasks in TASKS.md are checked off" in unit


def test_task_ids_are_renumbered_only_before_their_first_review(tmp_path):
    """Never renumber an ID once a reviewer has seen it" against "renumber them now" (task IDs exist since the
    copy): IDs are fixed once a review gate approved them, and the scaffold's task IDs have not been yet."""
    text = flat(render(tmp_path, "step2", "tasks"))
    assert "once a reviewer has seen it" not in text
    assert "an ID is never renumbered once a review gate has approved it" in text
    assert "The task IDs in TASKS.md have not passed a review gate yet" in text


def test_compilation_fix_compiles_the_tests_runs_clippy_and_stops_at_the_first_behaviour_change(tmp_path):
    text = render(tmp_path, "step3.1", "compilation-fix", 1)
    assert "cargo test --no-run -p cf-cred-store-sdk -p cf-cred-store" in text
    assert "cargo clippy -p cf-cred-store-sdk -p cf-cred-store --all-targets" in text
    assert "```text\n\n```" in text  # where the owner pastes the output
    assert "changing a public SDK or DTO signature" in text
    assert "If something cannot be fixed without changing behavior, explain and stop." in text
    assert "move on" not in text


def test_phase_two_prompts_keep_phase_one_and_say_step_five(tmp_path):
    code = render(tmp_path, "step4", "code", 2)
    assert code.startswith("# Step 5:")
    assert "keep that code and its behaviour" in code
    assert "Replace the placeholders" not in flat(code)
    assert "Register the module in" not in code  # phase 1 did
    assert "is already implemented and\napproved" not in code
    assert render(tmp_path, "step4", "compilation-fix", 2).startswith("# Step 5:")


def test_the_e2e_step_writes_the_cargo_tomls_it_sets_the_version_in(tmp_path):
    write = section(render(tmp_path, "step3", "e2e-tests", 1), "Write")
    for crate in ("cred-store-sdk", "cred-store"):
        assert f"`{MODULE}/{crate}/Cargo.toml`" in write


def changelog_block(text: str) -> str:
    start = text.index("```markdown CHANGELOG.md")
    return text[start : text.index("```\n", start + 3)]


def test_example_changelog_lines_are_the_phases_scenarios_never_literal_ids(tmp_path):
    skeleton = changelog_block(render(tmp_path, "step1", "e2e-tests", 1))
    assert "SCEN-CREDSTORE-0" not in skeleton, "no ID a model could copy when the phase has no scenario yet"
    filled = changelog_block(render(tmp_path, "step3", "e2e-tests", 1))
    listed = re.findall(r"^- (SCEN-CREDSTORE-\d+): ", filled, re.MULTILINE)
    assert listed == [f"SCEN-CREDSTORE-{n:02}" for n in range(1, 9)], "exactly the phase's scenarios"
    assert "## [0.1.0] - YYYY-MM-DD" in filled
    second = changelog_block(render(tmp_path, "step4", "e2e-tests", 2))
    listed = re.findall(r"^- (SCEN-CREDSTORE-\d+): ", second, re.MULTILINE)
    assert listed == [f"SCEN-CREDSTORE-{n:02}" for n in (9, 10, 11, 12)]
    assert "## [0.2.0] - YYYY-MM-DD" in second  # the next minor after the released 0.1.0
