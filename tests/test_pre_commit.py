"""The pre-commit hook guards the whole module: the real `pre-commit` tool, in a real git repository, running the
hook this repository ships (`.pre-commit-hooks.yaml`) on real commits.

The hook is installed as a `local` hook built from the manifest (its entry, file filter and options), run by
this checkout's modforge: the same hook without pre-commit cloning and installing the repository.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from cli_helpers import modforge
from conftest import REPO_ROOT, git, init_repo

from modforge.spec import layout

CLEAN = Path(__file__).parent / "fixtures" / "check" / "clean-module"
PRE_COMMIT = [sys.executable, "-m", "pre_commit"]


def manifest_hook() -> dict:
    (hook,) = yaml.safe_load((REPO_ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    return hook


@pytest.fixture
def monorepo(tmp_path: Path) -> Path:
    """A monorepo with one clean module and a README, the hook installed, everything committed."""
    root = tmp_path / "monorepo"
    shutil.copytree(CLEAN, root / "modules" / "oagw")
    (root / "README.md").write_text("# Platform\n")
    hook = manifest_hook()
    entry = hook["entry"].replace("modforge", f"{sys.executable} -m modforge", 1)
    local = {k: v for k, v in hook.items() if k not in ("entry", "language")}
    local.update(entry=entry, language="system")
    config = {"repos": [{"repo": "local", "hooks": [local]}]}
    (root / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    (root / ".gitignore").write_text(".modforge-cache/\n")
    init_repo(root)
    run = pre_commit(root, "install")
    assert run.returncode == 0, run.stdout + run.stderr
    return root


def pre_commit(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PRE_COMMIT_HOME": str(root.parent / "pre-commit-home")}
    return subprocess.run([*PRE_COMMIT, *args], cwd=root, capture_output=True, text=True, env=env)


def commit(root: Path, message: str = "change") -> subprocess.CompletedProcess[str]:
    """`git add -A && git commit` through the installed hook; the hook's report in `stdout` (git hooks print
    to the terminal's error stream, so both streams are merged)."""
    git(root, "add", "-A")
    env = {**os.environ, "PRE_COMMIT_HOME": str(root.parent / "pre-commit-home")}
    return subprocess.run(
        ["git", "commit", "-m", message], cwd=root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env
    )


def docs(root: Path) -> Path:
    return root / "modules" / "oagw" / layout.DOCS_DIR


def test_deleting_a_requirement_a_scenario_cites_fails_the_commit(monorepo: Path) -> None:
    path = docs(monorepo) / layout.INTENT_REQUIREMENTS
    text = path.read_text(encoding="utf-8")
    start = text.index("### REQ-OAGW-4: Upstream Health Check")
    path.write_text(text[:start], encoding="utf-8")  # the requirement goes; the scenario citing it stays
    result = commit(monorepo)
    assert result.returncode != 0, result.stdout
    assert "modules/oagw/docs/INTENT_SCENARIOS.md:" in result.stdout
    assert "MF201 REQ-OAGW-4" in result.stdout
    assert git(monorepo, "log", "--format=%s").split() == ["initial"], "nothing was committed"


def test_a_rej_file_fails_the_commit(monorepo: Path) -> None:
    (docs(monorepo) / "TASKS.md.rej").write_text("@@ -1 +1 @@\n-old\n+new\n")
    result = commit(monorepo)
    assert result.returncode != 0
    assert "MF012 TASKS.md.rej" in result.stdout


def test_a_broken_answers_file_fails_the_commit(monorepo: Path) -> None:
    answers = monorepo / "modules" / "oagw" / layout.ANSWERS_FILE
    answers.write_text("<<<<<<< before updating\nid_prefix: OAGW\n=======\nid_prefix: GW\n>>>>>>> after updating\n")
    result = commit(monorepo)
    assert result.returncode != 0
    assert "MF003" in result.stdout


def test_a_change_to_code_in_a_broken_module_fails_too(monorepo: Path) -> None:
    """Any file under the module names it: its findings are reported even when no document changed."""
    path = docs(monorepo) / layout.INTENT_SCENARIOS
    path.write_text(path.read_text(encoding="utf-8").replace("(REQ-OAGW-4)", "(REQ-OAGW-44)"), encoding="utf-8")
    git(monorepo, "add", "-A")
    git(monorepo, "commit", "-qm", "broken", "--no-verify")
    (monorepo / "modules" / "oagw" / "lib.rs").write_text("pub fn f() {}\n")
    result = commit(monorepo)
    assert result.returncode != 0
    assert "MF201 REQ-OAGW-44" in result.stdout


def test_commits_outside_modules_and_clean_modules_pass(monorepo: Path) -> None:
    (monorepo / "README.md").write_text("# Platform\n\nMore words.\n")
    assert commit(monorepo, "readme").returncode == 0
    path = docs(monorepo) / layout.INTENT_DESIGN
    path.write_text(path.read_text(encoding="utf-8") + "\nOne more line of design.\n", encoding="utf-8")
    result = commit(monorepo, "design")
    assert result.returncode == 0, result.stdout
    assert git(monorepo, "log", "--format=%s").split() == ["design", "readme", "initial"]


def test_whole_modules_reports_every_finding_of_the_module_a_file_names(tmp_path: Path) -> None:
    module = Path(shutil.copytree(CLEAN, tmp_path / "modules" / "oagw"))
    path = module / layout.DOCS_DIR / layout.INTENT_SCENARIOS
    path.write_text(path.read_text(encoding="utf-8").replace("(REQ-OAGW-4)", "(REQ-OAGW-44)"), encoding="utf-8")
    design = f"modules/oagw/{layout.DOCS_DIR}/{layout.INTENT_DESIGN}"
    only_design = modforge("check", design, cwd=tmp_path)
    assert only_design.returncode == 0, "without --whole-modules a document shows its own findings only"
    whole = modforge("check", "--whole-modules", design, "modules/oagw/gone.rs", "elsewhere.txt", cwd=tmp_path)
    assert whole.returncode == 1
    assert "MF201 REQ-OAGW-44" in whole.stdout
    assert "(1 module," in whole.stdout, "a deleted file names its module; a file outside every module, nothing"
