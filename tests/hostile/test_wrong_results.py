"""Wrong results: inputs that used to be taken silently for something else. An empty rule selection would
switch the check off; any folder passed to `new --template` was copied; answers naming IDs made a module
that fails its own check; a malformed answer was stored as something else or ignored; a module outside git
got a cache folder in its parent."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from hostile.helpers import Monorepo, make_monorepo, no_traceback, refused, run, snapshot


# --- the rule selection -------------------------------------------------------------------------------------
@pytest.mark.parametrize("selection", ["", ",", " , "])
def test_an_empty_select_on_the_command_line_is_a_usage_error(monorepo: Monorepo, selection: str) -> None:
    refused(run("check", monorepo.module, "--select", selection), "check", says="names no rule")


@pytest.mark.parametrize("table", ["select = []", 'select = [""]', 'select = ""'])
def test_an_empty_select_in_the_settings_is_an_error(monorepo: Monorepo, table: str) -> None:
    (monorepo.root / ".modforge.toml").write_text(table + "\n")

    refused(run("check", monorepo.module), "check", says="names no rule")


# --- new ------------------------------------------------------------------------------------------------------
def test_new_refuses_a_template_that_is_not_modforges(tmp_path: Path) -> None:
    folder = tmp_path / "not-a-template"
    folder.mkdir()
    (folder / "notes.txt").write_text("just a folder\n")
    (folder / "copier.yml").write_text("project_name:\n  type: str\n")
    monorepo = tmp_path / "mono"
    monorepo.mkdir()
    for template in (folder, folder / "missing"):
        refused(run("new", "cred-store", "--monorepo", monorepo, "--defaults", "--template", template), "new")
    assert not (monorepo / "modules").exists()


@pytest.mark.parametrize(
    "answer", ["description=Stores keys for REQ-CRED-1", "owner=@team (see TASK-CRED-01)", "description=Like REQ-7"]
)
def test_new_refuses_an_answer_naming_an_id(tmp_path: Path, template_dir: Path, answer: str) -> None:
    args = ["new", "cred-store", "--monorepo", tmp_path, "--defaults", "--template", template_dir]
    refused(run(*args, "--data", answer), "new", says="ID")
    assert not (tmp_path / "modules").exists()


@pytest.mark.parametrize(
    ("answer", "says"),
    [("gts=maybe", "true or false"), ("persistence=", "true or false"), ("phases=abc", "whole number")],
)
def test_an_answer_of_the_wrong_type_is_refused(tmp_path, template_dir, legacy: Monorepo, template_repo, answer, says):
    args = ["new", "cred-store", "--monorepo", tmp_path, "--defaults", "--template", template_dir]
    refused(run(*args, "--data", answer), "new", says=says)
    assert not (tmp_path / "modules").exists()
    before = legacy.snapshot()
    refused(run("adopt", legacy.module, "--template", template_repo, "--data", answer), "adopt", says=says)
    assert legacy.snapshot() == before


# --- check ----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("value", ["123", "[OAGW]", "{a: 1}", "true"])
def test_an_id_prefix_that_is_not_a_string_is_reported(monorepo: Monorepo, value: str) -> None:
    answers = monorepo.module / ".copier-answers.yml"
    answers.write_text(answers.read_text().replace("id_prefix: OAGW", f"id_prefix: {value}"))

    result = run("check", monorepo.module)

    no_traceback(result)
    assert result.code == 1
    assert "MF105" in result.out


def test_a_module_outside_git_gets_no_cache_in_its_parent(tmp_path: Path) -> None:
    mono = make_monorepo(tmp_path, git_repo=False)
    before = snapshot(tmp_path, cache=True)

    for cwd in (mono.root, mono.module, tmp_path):
        assert run("check", mono.module, cwd=cwd).code == 0

    assert snapshot(tmp_path, cache=True) == before


def test_the_cache_is_never_written_through_a_link(monorepo: Monorepo) -> None:
    (monorepo.root / ".modforge-cache").symlink_to(monorepo.outside, target_is_directory=True)
    before = monorepo.snapshot(cache=True)

    assert run("check", monorepo.module).code == 0

    assert monorepo.snapshot(cache=True) == before


def test_check_takes_a_document_named_like_an_option_after_double_dash(monorepo: Monorepo) -> None:
    os.rename(monorepo.doc("TASKS.md"), monorepo.module / "docs" / "-TASKS.md")  # no longer a pipeline document
    (monorepo.module / "-notes.md").write_text("# Notes\n")

    result = run("check", "--", "-notes.md", cwd=monorepo.module)

    no_traceback(result)
    assert result.code in (0, 1), result.err
    assert "1 module" in result.out


# --- update's leftovers ---------------------------------------------------------------------------------------
def test_the_documentation_never_offers_copier_update_conflict_rej() -> None:
    # In rej mode the owner's change lives only in a `.rej` file (4 to 75 lines per module, measured):
    # `modforge update` never uses it, and the how-to pages must not suggest it either.
    root = Path(__file__).resolve().parents[2]
    for page in [root / "README.md", *sorted((root / "docs").glob("*.md"))]:
        if page.name != "RULES.md":  # the catalogue says what MF012 finds: the .rej files that mode leaves
            assert "conflict rej" not in page.read_text(), page
            assert "conflict=rej" not in page.read_text(), page
