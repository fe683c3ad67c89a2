"""The workspace process pack (`kind: workspace`): what it lays down, that agent commands and raw prompts come
from the one prompt source, that it copies into an existing monorepo without clobbering anything, and that
`copier update` brings a new release while keeping a team's edits to the pipeline document."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml
from cli_helpers import copier, files_of, modforge
from conftest import git, make_template_repo, snapshot_template
from monorepo_fixture import make_monorepo

from modforge.spec.global_requirements import BUILT_IN, parse_global_requirements
from modforge.templating import prompts, workspace_pack
from modforge.workspace import paths

ALL_AGENTS = ["claude", "copilot", "cursor"]


def copy_pack(template: Path | str, destination: Path, **answers) -> None:
    from copier import run_copy

    data = {"kind": "workspace", **answers}
    run_copy(str(template), destination, data=data, defaults=True, unsafe=True, quiet=True, vcs_ref="HEAD")


def pack_files(root: Path) -> list[str]:
    return sorted(p for p in files_of(root) if p != ".copier-answers.yml")


@pytest.fixture
def empty_repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q")
    return root


@pytest.mark.parametrize(
    ("agents", "form"), [(ALL_AGENTS, "skills"), (["claude"], "commands"), (["copilot"], "skills"), ([], "skills")]
)
def test_the_pack_lays_down_exactly_its_files(template_dir: Path, empty_repo: Path, agents, form) -> None:
    copy_pack(template_dir, empty_repo, agents=agents, claude_form=form)
    assert pack_files(empty_repo) == workspace_pack.pack_paths(agents, form)
    answers = yaml.safe_load((empty_repo / ".copier-answers.yml").read_text())
    assert (answers["kind"], answers["agents"]) == ("workspace", agents)


def test_every_file_of_the_pack_loads_and_says_what_it_should(template_dir: Path, empty_repo: Path) -> None:
    copy_pack(template_dir, empty_repo, agents=ALL_AGENTS)
    precommit = yaml.safe_load((empty_repo / ".pre-commit-config.yaml").read_text())
    assert [h["id"] for repo in precommit["repos"] for h in repo["hooks"]] == ["modforge-check"]
    workflow = yaml.safe_load((empty_repo / ".github/workflows/modforge.yml").read_text())
    steps = "\n".join(str(step.get("run", "")) for step in workflow["jobs"]["pipeline"]["steps"])
    assert "modforge check --format github" in steps
    assert 'modforge gate "$step" "$module" --format github' in steps
    assert "${{ github.event.pull_request.title }}" in (empty_repo / ".github/workflows/modforge.yml").read_text()
    assert tomllib.loads((empty_repo / ".modforge.toml").read_text())["paths"]["modules"] == "modules"
    assert paths.load(empty_repo).configs == paths.DEFAULT_CONFIGS
    requirements = empty_repo / "guidelines/MODULE_REQUIREMENTS.md"
    assert parse_global_requirements(requirements).titles == BUILT_IN
    pipeline = (empty_repo / workspace_pack.PIPELINE_DOC).read_text()
    for step in prompts.STEPS:
        assert f"`modforge prompt {step.key}" in pipeline
        assert f"`workflows/prompts/{step.file}`" in pipeline
    for skill in (empty_repo / ".claude/skills").iterdir():
        front = yaml.safe_load((skill / "SKILL.md").read_text().split("---")[1])
        assert front["name"] == skill.name
        assert front["description"].startswith("Pipeline Step")
    for prompt_file in (empty_repo / ".github/prompts").iterdir():
        assert yaml.safe_load(prompt_file.read_text().split("---")[1])["mode"] == "agent"


def test_every_step_is_a_command_of_every_assistant_that_runs_modforge_prompt(template_dir, empty_repo) -> None:
    copy_pack(template_dir, empty_repo, agents=ALL_AGENTS)
    for step in prompts.STEPS:
        name = f"modforge-{step.key}"
        for path in (
            f".claude/skills/{name}/SKILL.md",
            f".github/prompts/{name}.prompt.md",
            f".cursor/commands/{name}.md",
        ):
            text = (empty_repo / path).read_text()
            assert f"`modforge prompt {step.key} <module folder>`" in text, path
            assert f"Step {step.spec_step}" in text, path
            assert "modforge check" in text, path


def test_raw_prompts_are_the_prompt_templates_rendered_with_the_specs_placeholders(template_dir, empty_repo) -> None:
    copy_pack(template_dir, empty_repo)
    for step in prompts.STEPS:
        raw = (empty_repo / workspace_pack.PROMPTS_DIR / step.file).read_text()
        assert raw == prompts.render_raw(step.key)
        assert "{module_name}" in raw
        assert "{{" not in raw, "no Jinja left over"


def test_raw_prompts_and_modforge_prompt_render_the_same_files(tmp_path: Path) -> None:
    """Mark every prompt template of a template checkout: the pack's raw prompts and `modforge prompt` run
    from that checkout both carry the marks, so the text has one source."""
    template = snapshot_template(tmp_path / "template")
    for step in prompts.STEPS:
        source = template / "prompts" / step.file
        source.write_text(source.read_text() + f"\nMARK-{step.key}\n")
    pack = tmp_path / "pack"
    copy_pack(template, pack)
    module = tmp_path / "modules" / "cred-store"
    from copier import run_copy

    run_copy(str(template), module, data={"module_name": "cred-store"}, defaults=True, unsafe=True, quiet=True)
    environment = {**os.environ, "PYTHONPATH": str(template / "src")}
    for step in prompts.STEPS:
        assert f"MARK-{step.key}" in (pack / workspace_pack.PROMPTS_DIR / step.file).read_text()
        shown = subprocess.run(
            [sys.executable, "-m", "modforge", "prompt", step.key, str(module)],
            capture_output=True,
            text=True,
            env=environment,
        )
        assert shown.returncode == 0, shown.stderr
        assert f"MARK-{step.key}" in shown.stdout


def test_the_pack_copies_into_an_existing_monorepo_without_clobbering(template_dir: Path, tmp_path: Path) -> None:
    root = make_monorepo(tmp_path / "mono")
    (root / ".modforge.toml").write_text('ignore = ["MF901"]\n')
    (root / ".pre-commit-config.yaml").write_text(
        "default_stages: [pre-commit]\nrepos:\n- repo: https://github.com/pre-commit/pre-commit-hooks\n"
        "  rev: v4.6.0\n  hooks:\n  - id: trailing-whitespace\n"
    )
    (root / "workflows").mkdir()
    (root / workspace_pack.PIPELINE_DOC).write_text("# Our pipeline\n\nWe do it our way.\n")
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "monorepo")
    before = files_of(root)

    result = copier("copy", "--trust", "--defaults", "-r", "HEAD", "--data", "kind=workspace", template_dir, root)

    assert result.returncode == 0, result.stderr
    after = files_of(root)
    assert all(after[path] == data for path, data in before.items() if not path.startswith((".modforge", ".pre-"))), (
        "no file of the monorepo is overwritten"
    )
    message = result.stdout + result.stderr
    assert "kept as they were" in message
    assert ".modforge.toml, .pre-commit-config.yaml, workflows/NEW_MODULE_PIPELINE.md" in message
    assert "merged the [paths] table into your .modforge.toml" in message
    assert "merged the modforge-check hook into your .pre-commit-config.yaml" in message
    assert after[".modforge.toml"].startswith(before[".modforge.toml"])
    assert tomllib.loads(after[".modforge.toml"].decode())["ignore"] == ["MF901"]
    hooks = [h["id"] for r in yaml.safe_load(after[".pre-commit-config.yaml"])["repos"] for h in r["hooks"]]
    assert hooks == ["trailing-whitespace", "modforge-check"]
    assert (root / "workflows/prompts/0_intent_design.md").is_file()

    # The two commands of a new team: the pack (above), then a module, created and wired.
    git(root, "add", "-A")
    git(root, "commit", "-qm", "modforge process pack")
    created = modforge("new", "cred-store", "--defaults", "--template", template_dir, cwd=root)
    assert created.returncode == 0, created.stderr
    assert modforge("wire", "--check", "cred-store", cwd=root).returncode == 0
    assert modforge("check", cwd=root).returncode == 0


def test_update_brings_a_new_release_and_keeps_the_teams_edits(tmp_path: Path) -> None:
    template = make_template_repo(tmp_path / "modforge", "9.0.0")
    root = tmp_path / "mono"
    root.mkdir()
    git(root, "init", "-q")
    result = copier("copy", "--trust", "--defaults", "-r", "v9.0.0", "--data", "kind=workspace", template, root)
    assert result.returncode == 0, result.stderr
    git(root, "add", "-A")
    git(root, "commit", "-qm", "pack 9.0.0")
    pipeline = root / workspace_pack.PIPELINE_DOC
    team_rule = "Our rule: every PR of Step 3 names its TASK ids in the title."
    pipeline.write_text(pipeline.read_text().replace("## Roles\n", f"## Roles\n\n{team_rule}\n", 1))
    git(root, "commit", "-qam", "our pipeline rule")

    source = template / "template-workspace/workflows/NEW_MODULE_PIPELINE.md.jinja"
    new_line = "Step 5 ends when every task of every phase is checked off."
    source.write_text(source.read_text() + f"\n{new_line}\n")
    git(template, "commit", "-qam", "pack 9.1.0")
    git(template, "tag", "v9.1.0")

    result = copier("update", "--trust", "--defaults", cwd=root)

    assert result.returncode == 0, result.stderr
    text = pipeline.read_text()
    assert team_rule in text, "the team's edit is kept"
    assert new_line in text, "the release's change arrives"
    assert "<<<<<<<" not in text
    assert yaml.safe_load((root / ".copier-answers.yml").read_text())["_commit"] == "v9.1.0"
    assert git(root, "ls-files", "-u") == ""
