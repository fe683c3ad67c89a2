"""A template clone without release tags (a mirror, a shallow or filtered fetch, a fork) works like a tagged one.

copier takes versions from git tags: from a clone without them it cannot check out `v0.1.0` and runs no
migration. modforge serves every release from `releases.toml` instead, so `new --vcs-ref`, `update`,
`migrate` and `adopt` give the same result from either clone, and `modforge template restore-tags` gives
plain copier its tags back. Each test compares against the same operation on the tagged repository.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import template_repos
import yaml
from cli_helpers import copier, files_of, modforge, one_error_line
from conftest import git, init_repo

from modforge import __version__
from modforge.lifecycle import conflicts, releases
from modforge.spec import layout

OLD = "0.1.0"
OWNER_HEADING = "## Security and Tenancy (REQ-1)"  # the owner's own words on the heading 0.2.0 renames
MIGRATED_HEADING = "## Security (REQ-1)"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        releases.parse_version(__version__) <= releases.parse_version(OLD), reason="needs a release before this one"
    ),
]


@pytest.fixture(scope="session")
def tagged(tmp_path_factory) -> Path:
    """Every release as a tagged commit, then a commit recording them in releases.toml (as this repository)."""
    return template_repos.build(tmp_path_factory.mktemp("tagged") / "modforge", record_releases=True)


@pytest.fixture(scope="session")
def untagged(tagged, tmp_path_factory) -> Path:
    clone = tmp_path_factory.mktemp("untagged") / "modforge"
    git(tagged.parent, "clone", "-q", "--no-tags", str(tagged), str(clone))
    assert git(clone, "tag", "--list") == "", "the clone has no tags"
    return clone


def _module_from(template: Path, tmp_path: Path, name: str) -> Path:
    """modules/cred-store made by `modforge new --vcs-ref v0.1.0` from `template`, its owner's heading committed."""
    monorepo = tmp_path / name
    monorepo.mkdir()
    git(monorepo, "init", "-q", "-b", "main")
    result = modforge(
        "new", "cred-store", "--monorepo", monorepo, "--template", template, "--defaults", "--vcs-ref", f"v{OLD}"
    )
    assert result.returncode == 0, result.stdout + result.stderr
    module = monorepo / "modules" / "cred-store"
    _write_owner_heading(module)
    git(monorepo, "add", "-A")
    git(monorepo, "commit", "-qm", "cred-store at 0.1.0")
    return module


def _write_owner_heading(module: Path) -> None:
    design = module / layout.DOCS_DIR / layout.INTENT_DESIGN
    text = design.read_text()
    assert "## Security and Tenancy\n" in text
    design.write_text(text.replace("## Security and Tenancy\n", OWNER_HEADING + "\n"))


def _answers(module: Path) -> dict:
    return yaml.safe_load((module / layout.ANSWERS_FILE).read_text())


def _tree(module: Path) -> dict[str, bytes]:
    """The module's files, the answers file without `_src_path` (which names each clone)."""
    files = files_of(module)
    answers = _answers(module)
    answers.pop("_src_path")
    files[layout.ANSWERS_FILE] = yaml.safe_dump(answers).encode()
    return files


@pytest.fixture(scope="session")
def updated_from_tagged(tagged, tmp_path_factory) -> dict[str, bytes]:
    module = _module_from(tagged, tmp_path_factory.mktemp("reference"), "monorepo")
    result = modforge("update", module)
    assert result.returncode == 0, result.stdout + result.stderr
    text = (module / layout.DOCS_DIR / layout.INTENT_DESIGN).read_text()
    assert MIGRATED_HEADING + "\n" in text, "from the tagged clone, the 0.2.0 migration renames the heading"
    return _tree(module)


def test_new_at_a_release_from_a_clone_without_tags_records_the_release_tag(untagged, tmp_path):
    module = _module_from(untagged, tmp_path, "monorepo")
    answers = _answers(module)
    assert answers["_commit"] == f"v{OLD}"
    assert answers["_src_path"] == str(untagged)
    assert git(untagged, "tag", "--list") == "", "modforge left the user's clone as it was"


def test_update_from_a_clone_without_tags_equals_the_update_from_a_tagged_clone(
    untagged, updated_from_tagged, tmp_path
):
    module = _module_from(untagged, tmp_path, "monorepo")

    result = modforge("update", module)

    assert result.returncode == 0, result.stdout + result.stderr
    assert conflicts.find(module) == []
    assert _answers(module)["_commit"] == f"v{__version__}", "a ref later updates can use"
    assert _tree(module) == updated_from_tagged


def test_a_module_copied_by_plain_copier_from_the_untagged_clone_updates_the_same(
    untagged, tagged, updated_from_tagged, tmp_path
):
    """copier records a bare commit from a clone without tags; releases.toml says which release it is."""
    commit = git(tagged, "rev-parse", f"v{OLD}^{{commit}}").strip()
    monorepo = tmp_path / "monorepo"
    module = monorepo / "modules" / "cred-store"
    result = copier("copy", "--trust", "--defaults", "-r", commit, untagged, module)
    assert result.returncode == 0, result.stderr
    assert commit.startswith(str(_answers(module)["_commit"])), "copier recorded a bare commit"
    _write_owner_heading(module)
    init_repo(monorepo)

    result = modforge("update", module)

    assert result.returncode == 0, result.stdout + result.stderr
    assert _tree(module) == updated_from_tagged


def test_plain_copier_on_the_untagged_clone_runs_no_migration_until_the_tags_are_restored(
    untagged, updated_from_tagged, tmp_path
):
    clone = tmp_path / "clone"
    shutil.copytree(untagged, clone, symlinks=True)
    module = _module_from(clone, tmp_path, "monorepo")

    broken = copier("update", "--trust", "--defaults", cwd=module)
    assert broken.returncode != 0, "without tags copier cannot check out the recorded v0.1.0"

    restored = modforge("template", "restore-tags", clone)
    assert restored.returncode == 0, restored.stderr
    assert f"tagged v{OLD}" in restored.stdout
    assert set(git(clone, "tag", "--list").split()) >= {f"v{OLD}", f"v{__version__}"}

    result = copier("update", "--trust", "--defaults", cwd=module)
    assert result.returncode == 0, result.stderr
    assert _tree(module) == updated_from_tagged
    again = modforge("template", "restore-tags", clone)
    assert again.returncode == 0
    assert "nothing to do" in again.stdout


def test_migrate_reads_the_release_of_a_bare_commit_from_releases_toml(untagged, tagged, tmp_path):
    commit = git(tagged, "rev-parse", f"v{OLD}^{{commit}}").strip()
    monorepo = tmp_path / "monorepo"
    module = monorepo / "modules" / "cred-store"
    assert copier("copy", "--trust", "--defaults", "-r", commit, untagged, module).returncode == 0
    _write_owner_heading(module)
    init_repo(monorepo)

    result = modforge("migrate", module, "--template", untagged, "--dry-run")

    assert result.returncode == 1, result.stdout + result.stderr
    assert f"+{MIGRATED_HEADING}" in result.stdout


def test_adopt_from_a_clone_without_tags_records_its_release(untagged, tmp_path):
    fixture = Path(__file__).parent / "fixtures" / "legacy" / "oagw"
    monorepo = tmp_path / "monorepo"
    module = Path(shutil.copytree(fixture, monorepo / "modules" / "oagw"))
    init_repo(monorepo)

    result = modforge("adopt", module, "--template", untagged)

    assert result.returncode == 0, result.stdout + result.stderr
    assert _answers(module)["_commit"] == f"v{__version__}"
    git(monorepo, "add", "-A")
    git(monorepo, "commit", "-qm", "adopt")
    update = modforge("update", module)
    assert "error" not in update.stderr, update.stderr


def test_restore_tags_refuses_a_clone_that_lacks_the_release_commits(tagged, tmp_path):
    shallow = tmp_path / "shallow"
    subprocess.run(
        ["git", "clone", "-q", "--no-tags", "--depth", "1", f"file://{tagged}", str(shallow)],
        check=True,
        capture_output=True,
    )
    result = modforge("template", "restore-tags", shallow)
    assert result.returncode == 2
    assert "git fetch --unshallow" in one_error_line(result, "template")
    assert git(shallow, "tag", "--list") == "", "nothing tagged"


def test_restore_tags_refuses_a_folder_that_is_not_a_clone(tmp_path):
    result = modforge("template", "restore-tags", tmp_path)
    assert result.returncode == 2
    assert "is not the root of a git clone" in one_error_line(result, "template")
