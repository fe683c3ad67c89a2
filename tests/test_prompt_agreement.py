"""Prompts and checker agree. Every form a rendered prompt teaches (the ```markdown <DOCUMENT> blocks and the
heading forms in code spans) is written into its document of a module and checked with modforge's own rules: a
prompt that teaches a form the checker rejects fails here. And every step's prompt, rendered for modules of every
shape with their documents filled in, is whole: nothing left unrendered, no ID outside the module's, and no file
named that neither exists in the monorepo nor is one its step creates."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from conftest import copy_module
from prompt_helpers import (
    fill_documents,
    fill_placeholders,
    findings,
    form_blocks,
    inline_forms,
    monorepo,
    named_paths,
    stage,
    stage_copy,
)

from modforge.documents import loader
from modforge.spec import grammar, layout
from modforge.spec.grammar import IdKind
from modforge.templating import prompts

SHAPES = {
    "generic-1-phase": {"module_name": "cred-store", "phases": 1},
    "generic-db-2-phases": {"module_name": "cred-store", "persistence": True},
    "generic-no-rest-3-phases": {"module_name": "key-cache", "rest_api": False, "phases": 3},
    "gateway-db-gts-4-phases": {"module_name": "oagw", "category": "gateway", "persistence": True, "phases": 4},
    # A worker is a plugin of its gateway and lives in the gateway's plugins folder (issue 11).
    "worker-1-phase": {"module_name": "oagw-apikey", "category": "worker", "gateway": "oagw", "phases": 1},
}


@pytest.fixture(scope="module")
def filled(template_dir: Path, tmp_path_factory: pytest.TempPathFactory):
    """Factory: the module of a shape, copied by copier into a monorepo beside the upstream snapshot, its documents
    filled in (phase 1 done); built once per shape."""
    built: dict[str, Path] = {}

    def make(shape: str) -> Path:
        if shape not in built:
            root = tmp_path_factory.mktemp(shape)
            answers = SHAPES[shape]
            folder = layout.module_dir(
                answers["module_name"], answers.get("category", "generic"), answers.get("gateway", "")
            )
            copy = copy_module(template_dir, root / "copy" / folder, **answers)
            module = monorepo(root / "repo", copy, folder.removeprefix(f"{layout.MODULES_DIR}/"), upstream=True)
            fill_documents(module, prompts.read_answers(module))
            assert findings(module) == [], "the filled documents pass the checker"
            built[shape] = module
        return built[shape]

    return make


def every_prompt(module: Path):
    """(label, text) of every step's prompt for the module, each per-phase step for every phase."""
    phases = prompts.read_answers(module)["phases"]
    for step in prompts.STEPS:
        for phase in range(1, phases + 1) if step.per_phase else [None]:
            label = step.key if phase is None else f"{step.key} --phase {phase}"
            yield label, prompts.render_for_module(step.key, module, phase)


def check_form(module: Path, document: str, body: str) -> list[str]:
    """The findings `modforge check` reports in `document` when it holds `body` (the other documents as they are)."""
    path = module / layout.DOCS_DIR / document
    original = path.read_text(encoding="utf-8")
    try:
        path.write_text(f"# {document}\n\n{fill_placeholders(body)}", encoding="utf-8")
        return [f"{d.code} {d.message}" for d in findings(module) if d.path.endswith(f"{layout.DOCS_DIR}/{document}")]
    finally:
        path.write_text(original, encoding="utf-8")


def assert_forms_pass(module: Path, label: str, text: str, context: Path | None = None) -> int:
    """Check every form `text` teaches in `context` (default: `module`); returns how many were checked."""
    context = context or module
    answers = prompts.read_answers(module)
    first_phase = layout.phase_section_heading(
        grammar.format_id(IdKind.PHASE, answers["id_prefix"], 1), answers["phase_titles"][0]
    )
    forms = [(f"```markdown {doc} block", doc, body) for doc, body in form_blocks(text)]
    forms += inline_forms(text, f"## {first_phase}")
    for form, document, body in forms:
        assert document in layout.PIPELINE_DOCS, f"{label}: a form block names no pipeline document: {form}"
        assert check_form(context, document, body) == [], (
            f"the {label} prompt teaches {form!r}, which fails the checker"
        )
    return len(forms)


@pytest.mark.parametrize("shape", SHAPES)
def test_every_form_a_prompt_teaches_passes_the_checker(filled, shape):
    module = filled(shape)
    checked = sum(assert_forms_pass(module, label, text) for label, text in every_prompt(module))
    assert checked >= 10, "the prompts teach the forms of requirements, scenarios, tasks, gaps and releases"


# The pipeline fixtures: each prompt rendered from the stage before its step, its forms checked in the stage after.
PIPELINE_FORMS = [
    ("intent-design", None, "step1", "step1"),
    ("requirements-scenarios", None, "step1", "step2"),
    ("tasks", None, "step2", "step3.1"),
    ("actual-docs", 1, "step3", "step3"),
    ("e2e-tests", 1, "step3", "step4"),
    ("actual-docs", 2, "step4", "step4"),
    ("e2e-tests", 2, "step4", "step4"),
]


@pytest.mark.parametrize(("step", "phase", "before", "after"), PIPELINE_FORMS, ids=lambda v: str(v))
def test_forms_taught_along_the_pipeline_pass_in_the_next_stage(tmp_path, step, phase, before, after):
    module = stage(tmp_path / "before", before)
    text = prompts.render_for_module(step, module, phase)
    assert assert_forms_pass(module, step, text, context=stage(tmp_path / "after", after)) >= 1


def test_a_form_the_checker_rejects_is_caught(tmp_path):
    """The check above can fail: a prompt teaching `### REQ-X-1 - Title` or an unpadded scenario is reported."""
    module = stage(tmp_path, "step2")
    bad = "```markdown INTENT_REQUIREMENTS.md\n### REQ-CREDSTORE-1 - <Title>\nThe module MUST act.\n```\n"
    with pytest.raises(AssertionError, match="fails the checker"):
        assert_forms_pass(module, "bad", bad)
    with pytest.raises(AssertionError, match="fails the checker"):
        assert_forms_pass(module, "bad", "Write `### SCEN-CREDSTORE-1: <Name>` headings.")


# --- whole prompts ------------------------------------------------------------------------------------------
JINJA_MARKERS = ("{{", "}}", "{%", "%}", "{#", "#}")
SPEC_PLACEHOLDERS = ("{MODULE}", "{module_name}", "{module}", "MODULE-")


def creates(step: str, module_snake: str) -> tuple[str, ...]:
    """Where a step may name files that do not exist yet: the ones it writes."""
    return (f"{prompts.E2E_TESTS_DIR}/{module_snake}/",) if step == "e2e-tests" else ()


def assert_whole(module: Path, label: str, text: str) -> None:
    answers = prompts.read_answers(module)
    prefix, name = answers["id_prefix"], answers["module_name"]
    for marker in JINJA_MARKERS + SPEC_PLACEHOLDERS:
        assert marker not in text, f"the {label} prompt holds an unrendered {marker!r}"
    globals_ = loader.load_global_requirements(loader.find_repo_root(module))
    for _, parsed in grammar.find_ids(text):
        assert parsed.prefix in (prefix, None), f"the {label} prompt shows {parsed.text}, not an ID of {name}"
        if parsed.kind is IdKind.GLOBAL_REQ:
            assert parsed.number in globals_, f"the {label} prompt cites {parsed.text}, not a global requirement here"
    repo_root = loader.find_repo_root(module)
    snake = name.replace("-", "_")
    for path in named_paths(text):
        if path.startswith(f"{layout.MODULES_DIR}/"):
            where = repo_root / path
        elif path.split("/")[0] in (answers.get("crate_dir") or name, answers.get("sdk_dir") or f"{name}-sdk"):
            where = module / path  # relative to the module folder, as the actual documents write code locations
        elif path in layout.PIPELINE_DOCS:
            where = module / layout.DOCS_DIR / path
        else:
            where = repo_root / path
        relative = where.relative_to(repo_root).as_posix()
        exists = any(where.parent.glob(where.name)) if "*" in where.name else where.exists()
        created = f"{relative}/".startswith(creates(label.split()[0], snake))
        assert exists or created, f"the {label} prompt names {path}, which does not exist and its step does not write"


@pytest.mark.parametrize("shape", SHAPES)
def test_every_prompt_is_whole_for_every_shape_of_module(filled, shape):
    module = filled(shape)
    for label, text in every_prompt(module):
        assert_whole(module, label, text)


@pytest.mark.parametrize("name", ["step1", "step2", "step3.1", "step3", "step4"])
def test_every_prompt_is_whole_at_every_stage_of_the_pipeline(template_dir, tmp_path, name):
    module = stage_copy(template_dir, tmp_path, name)
    for label, text in every_prompt(module):
        assert_whole(module, label, text)


def test_a_prompt_naming_a_missing_file_or_a_foreign_id_is_caught(tmp_path):
    module = stage(tmp_path, "step2", upstream=True)
    assert_whole(module, "tasks", "Read `guidelines/NEW_MODULE.md` and `config/quickstart.yaml`.")
    for text in ("Read `guidelines/NO_SUCH_GUIDE.md`.", "Cite (SCEN-OAGW-01).", "Cite (REQ-99).", "{{ x }}"):
        with pytest.raises(AssertionError):
            assert_whole(module, "tasks", text)


def test_prompts_cite_only_the_global_requirements_of_the_monorepo(tmp_path):
    """With guidelines/MODULE_REQUIREMENTS.md, Steps 1 and 2 list its requirements, and no prompt cites another."""
    module = stage(tmp_path, "step2")
    guidelines = tmp_path / "step2" / layout.GLOBAL_REQUIREMENTS_PATH
    guidelines.parent.mkdir(parents=True)
    guidelines.write_text("# Module requirements\n\n### REQ-1: Tenant isolation\n\n### REQ-40: Audit trail\n")
    subprocess.run(["git", "add", "-A"], cwd=tmp_path / "step2", check=True)
    for label, text in every_prompt(module):
        cited = {p.number for _, p in grammar.find_ids(text) if p.kind is IdKind.GLOBAL_REQ}
        assert cited <= {1, 40}, f"the {label} prompt cites globals the monorepo does not define: {cited}"
        if label in ("intent-design", "requirements-scenarios"):
            assert "- `REQ-40`: Audit trail" in text
            assert f"`{layout.GLOBAL_REQUIREMENTS_PATH}` defines these" in text
