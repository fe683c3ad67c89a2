"""`modforge migrate`: which migrations run, and clear refusals that change nothing."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from cli_helpers import files_of, modforge, one_error_line
from conftest import git, init_repo

from modforge import __version__
from modforge.lifecycle import releases
from modforge.spec import layout

BEFORE = Path(__file__).parent / "fixtures" / "migrations" / "v0_2_0" / "lived-in" / "before"


@pytest.fixture
def module(tmp_path) -> Path:
    """A module made by release 0.1.0 and lived in, committed in a monorepo."""
    path = Path(shutil.copytree(BEFORE, tmp_path / "monorepo" / "modules" / "cred-store"))
    init_repo(tmp_path / "monorepo")
    return path


def _set_answers(module: Path, **changes) -> None:
    answers = yaml.safe_load((module / layout.ANSWERS_FILE).read_text())
    answers.update(changes)
    (module / layout.ANSWERS_FILE).write_text(yaml.safe_dump(answers))
    git(module, "commit", "-qam", "answers")


def test_migrate_names_each_file_it_changed(module):
    result = modforge("migrate", module)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["migrated docs/ACTUAL_DESIGN.md", "migrated docs/INTENT_DESIGN.md"]
    assert "## Security\n" in (module / "docs" / layout.INTENT_DESIGN).read_text()


def test_migrate_leaves_the_answers_file_to_copier(module):
    before = (module / layout.ANSWERS_FILE).read_bytes()
    assert modforge("migrate", module).returncode == 0
    assert (module / layout.ANSWERS_FILE).read_bytes() == before


def test_a_module_at_the_current_release_has_nothing_to_migrate(module):
    _set_answers(module, _commit=releases.tag(__version__))
    before = files_of(module)
    result = modforge("migrate", module)
    assert result.returncode == 0
    assert f"follows {__version__}; no migration" in result.stdout
    assert files_of(module) == before


def test_from_overrides_the_recorded_version(module):
    _set_answers(module, _commit="3f2a9c1")
    result = modforge("migrate", module, "--from", "0.1.0", "--dry-run")
    assert result.returncode == 1
    assert "+## Testing Strategy" in result.stdout


def test_a_document_with_conflict_markers_is_left_alone_and_reported(module):
    design = module / "docs" / layout.INTENT_DESIGN
    design.write_text(
        design.read_text().replace("## Overview\n", "<<<<<<< ours\n## Overview\n=======\n>>>>>>> theirs\n")
    )
    git(module, "commit", "-qam", "an unresolved merge got committed")
    before = design.read_bytes()
    result = modforge("migrate", module)
    assert result.returncode == 1
    assert "left docs/INTENT_DESIGN.md alone: it has conflict markers" in result.stderr
    assert design.read_bytes() == before
    assert "## Security (as built)" in (module / "docs" / layout.ACTUAL_DESIGN).read_text(), "the rest is migrated"


# --- refusals: a clear message, exit 2, nothing changed ------------------------------------------------


def _refused(module: Path, text: str, *args: str) -> None:
    before = files_of(module)
    result = modforge("migrate", module, *args)
    assert result.returncode == 2, result.stdout + result.stderr
    assert text in one_error_line(result, "migrate")
    assert files_of(module) == before


def test_migrate_refuses_uncommitted_changes(module):
    (module / "docs" / "notes.md").write_text("draft\n")
    _refused(module, "uncommitted changes (modules/cred-store/docs/notes.md)")


def test_dry_run_works_on_a_dirty_tree(module):
    (module / "docs" / "notes.md").write_text("draft\n")
    assert modforge("migrate", module, "--dry-run").returncode == 1


def test_migrate_refuses_a_module_without_answers_file(module):
    git(module, "rm", "-q", layout.ANSWERS_FILE)
    git(module, "commit", "-qm", "lost")
    _refused(module, "run `modforge adopt")


def test_migrate_refuses_answers_from_another_template(module):
    (module / layout.ANSWERS_FILE).write_text("_commit: v1.0.0\n_src_path: gh:someone/other\nproject_name: x\n")
    git(module, "commit", "-qam", "other")
    _refused(module, "was written by another template (gh:someone/other)")


def test_migrate_refuses_a_recorded_commit_that_is_not_a_release(module):
    _set_answers(module, _commit="3f2a9c1")
    _refused(module, "pass --from VERSION")


def test_migrate_refuses_a_path_that_is_not_a_folder(tmp_path):
    result = modforge("migrate", tmp_path / "missing")
    assert result.returncode == 2
    assert "is not a folder" in one_error_line(result, "migrate")


# --- --to, several modules, --all ----------------------------------------------------------------------


def test_to_a_release_before_the_migration_runs_none(module):
    before = files_of(module)
    result = modforge("migrate", module, "--to", "0.1.0")
    assert result.returncode == 0
    assert "no migration up to 0.1.0" in result.stdout
    assert files_of(module) == before


def test_to_a_release_newer_than_the_template_is_refused(module):
    _refused(module, "is newer than the template's version", "--to", "99.0.0")


@pytest.fixture
def two_modules(module) -> Path:
    """modules/cred-store and modules/sibling (the same 0.1.0 module), committed; returns the monorepo."""
    monorepo = module.parents[1]
    shutil.copytree(BEFORE, monorepo / "modules" / "sibling")
    git(monorepo, "add", "-A")
    git(monorepo, "commit", "-qm", "a sibling")
    return monorepo


def test_all_migrates_every_module_and_reports_each(two_modules):
    result = modforge("migrate", "--all", cwd=two_modules)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "modules/cred-store: 0.1.0 -> 0.2.0, migrated cleanly" in result.stdout
    assert "modules/sibling: 0.1.0 -> 0.2.0, migrated cleanly" in result.stdout
    assert "2 modules: 2 migrated cleanly" in result.stdout
    for name in ("cred-store", "sibling"):
        assert "## Security\n" in (two_modules / "modules" / name / "docs" / layout.INTENT_DESIGN).read_text()
    again = modforge("migrate", "--all", "--dry-run", "--format", "json", cwd=two_modules)
    assert again.returncode == 0
    assert {m["state"] for m in json.loads(again.stdout)["modules"]} == {"current"}, "nothing left to migrate"


def test_all_dry_run_lists_the_files_and_writes_nothing(two_modules):
    before = files_of(two_modules)
    result = modforge("migrate", "--all", "--dry-run", cwd=two_modules)
    assert result.returncode == 1
    assert "modules/sibling: 0.1.0 -> 0.2.0, would be migrated cleanly" in result.stdout
    assert "  docs/INTENT_DESIGN.md" in result.stdout
    assert files_of(two_modules) == before


def test_all_needs_a_clean_work_tree(two_modules):
    (two_modules / "notes.txt").write_text("draft\n")
    result = modforge("migrate", "--all", cwd=two_modules)
    assert result.returncode == 2
    assert "uncommitted changes (notes.txt)" in one_error_line(result, "migrate")
