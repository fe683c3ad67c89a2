"""Which template a command uses: --template, then MODFORGE_TEMPLATE, then `template` in the project's
.modforge.toml (or [tool.modforge]), then the one modforge ships with; and every --help says so."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import template_repos
import yaml
from cli_helpers import MODFORGE, one_error_line
from conftest import REPO_ROOT, git

from modforge.spec import layout

COMMANDS_WITH_TEMPLATE = ("new", "adopt", "migrate", "template")


def modforge(*args, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k != "MODFORGE_TEMPLATE"}
    return subprocess.run(
        [*MODFORGE, *map(str, args)], cwd=cwd, capture_output=True, text=True, env={**environ, **(env or {})}
    )


@pytest.fixture
def project(tmp_path) -> Path:
    root = tmp_path / "monorepo"
    (root / "modules").mkdir(parents=True)
    git(root, "init", "-q", "-b", "main")
    return root


def test_without_settings_the_shipped_template_is_used(project):
    result = modforge("template", "path", cwd=project)
    assert result.stdout.strip() == str(REPO_ROOT)


def test_the_project_file_sets_the_template_relative_to_itself(project, tmp_path):
    (project / ".modforge.toml").write_text('template = "../team-template"\nignore = ["MF9"]\n')
    result = modforge("template", "path", cwd=project / "modules")
    assert result.stdout.strip() == str(tmp_path / "team-template")
    assert modforge("check", cwd=project).returncode in (0, 2), "check accepts the template key"
    assert "unknown key" not in modforge("check", cwd=project).stderr


def test_pyproject_table_sets_the_template(project):
    (project / "pyproject.toml").write_text('[tool.modforge]\ntemplate = "gh:acme/modforge"\n')
    assert modforge("template", "path", cwd=project).stdout.strip() == "gh:acme/modforge"


def test_the_environment_variable_beats_the_file_and_the_option_beats_both(project, tmp_path):
    (project / ".modforge.toml").write_text('template = "from-file"\n')
    env = {"MODFORGE_TEMPLATE": "gh:acme/from-env"}
    assert modforge("template", "path", cwd=project, env=env).stdout.strip() == "gh:acme/from-env"
    chosen = modforge("template", "path", "--template", tmp_path / "explicit", cwd=project, env=env)
    assert chosen.stdout.strip() == str(tmp_path / "explicit")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("template = 3\n", "must be a path or git URL"),
        ('template = "x"\ntemplates = "y"\n', "unknown key 'templates'"),
    ],
)
def test_a_bad_template_setting_is_one_clear_line(project, content, message):
    (project / ".modforge.toml").write_text(content)
    result = modforge("template", "path", cwd=project)
    assert result.returncode == 2
    assert message in one_error_line(result, "template")


def test_new_records_the_configured_template(project, tmp_path_factory):
    template = template_repos.build(tmp_path_factory.mktemp("team") / "modforge")
    (project / ".modforge.toml").write_text(f'template = "{template}"\n')
    result = modforge("new", "cred-store", "--monorepo", ".", "--defaults", cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    answers = yaml.safe_load((project / "modules" / "cred-store" / layout.ANSWERS_FILE).read_text())
    assert answers["_src_path"] == str(template)


@pytest.mark.parametrize("command", COMMANDS_WITH_TEMPLATE)
def test_every_help_names_where_the_default_template_comes_from(command, tmp_path):
    result = subprocess.run([*MODFORGE, command, "--help"], capture_output=True, text=True, cwd=tmp_path)
    text = " ".join(result.stdout.split())
    assert "$MODFORGE_TEMPLATE" in text
    assert "`template` in .modforge.toml" in text
    assert "the template modforge ships with" in text


def test_update_help_says_it_follows_the_template_the_module_records(tmp_path):
    result = subprocess.run([sys.executable, "-m", "modforge", "update", "--help"], capture_output=True, text=True)
    text = " ".join(result.stdout.split())
    assert "releases.toml stands in for missing tags" in text
    assert "The template is the one the module records" in text


def test_a_plain_template_folder_still_copies(project, template_dir):
    """A template that is not a git repository has no releases, but `new` copies it as copier does."""
    result = modforge("new", "cred-store", "--monorepo", ".", "--defaults", "--template", template_dir, cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (project / "modules" / "cred-store" / layout.DOCS_DIR / layout.INTENT_DESIGN).is_file()
