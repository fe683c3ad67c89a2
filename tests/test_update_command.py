"""`modforge update`: the real `copier update`, refused with a clear message when it cannot work safely,
and never silent about conflicts it leaves behind."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import template_repos
import yaml
from cli_helpers import copier, files_of, modforge, one_error_line
from conftest import git, init_repo

from modforge import __version__
from modforge.lifecycle import releases
from modforge.spec import layout

pytestmark = pytest.mark.slow

NEXT = ".".join([*__version__.split(".")[:2], str(int(__version__.split(".")[2]) + 1)])


@pytest.fixture(scope="session")
def template_repo(tmp_path_factory) -> Path:
    return template_repos.build(tmp_path_factory.mktemp("template-repo") / "modforge")


@pytest.fixture
def template(template_repo, tmp_path) -> Path:
    """A private copy of the template repository, free to gain a synthetic release."""
    return Path(shutil.copytree(template_repo, tmp_path / "template", symlinks=True))


def copy_at(template: Path, destination: Path, version: str = __version__) -> Path:
    result = copier("copy", "--trust", "--defaults", "-r", releases.tag(version), template, destination)
    assert result.returncode == 0, result.stderr
    return destination


@pytest.fixture
def module(template, tmp_path) -> Path:
    """modules/cred-store copied at the current release and committed in a monorepo."""
    monorepo = tmp_path / "monorepo"
    path = copy_at(template, monorepo / "modules" / "cred-store")
    init_repo(monorepo)
    return path


def _edit_line(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))


def _release_with_readme_line(template: Path, old: str, new: str) -> None:
    readme = template / "template" / "README.md.jinja"
    template_repos.add_release(template, NEXT, lambda _: _edit_line(readme, old, new))


CHECK_LINE = "Check the documents before each review: `modforge check .`"


def test_update_merges_a_new_release_and_exits_0(template, module):
    (module / "README.md").write_text((module / "README.md").read_text() + "\nTeam notes: rotate keys monthly.\n")
    git(module, "commit", "-qam", "team notes")
    _release_with_readme_line(template, CHECK_LINE, CHECK_LINE + " (and in CI)")

    result = modforge("update", module)

    assert result.returncode == 0, result.stdout + result.stderr
    readme = (module / "README.md").read_text()
    assert "(and in CI)" in readme, "the release's change arrived"
    assert "Team notes: rotate keys monthly." in readme, "the user's edit survived"
    assert yaml.safe_load((module / layout.ANSWERS_FILE).read_text())["_commit"] == releases.tag(NEXT)
    assert f"{releases.tag(__version__)} -> {releases.tag(NEXT)}, updated cleanly" in result.stdout


def test_update_reports_every_conflict_and_exits_1(template, module):
    _edit_line(module / "README.md", CHECK_LINE, "Run `modforge check .` before every review, and in CI.")
    git(module, "commit", "-qam", "reword")
    _release_with_readme_line(template, CHECK_LINE, "Check every document before each review: `modforge check .`")

    result = modforge("update", module)

    assert result.returncode == 1, result.stdout + result.stderr
    markers = [
        n
        for n, line in enumerate((module / "README.md").read_text().splitlines(), 1)
        if line[:7] in ("<<<<<<<", ">>>>>>>", "=======")
    ]
    assert markers
    for line in markers:
        assert f"cred-store/README.md:{line}: conflict marker" in result.stdout
    assert "with conflicts in 1 file" in result.stdout


def test_update_names_each_line_of_the_owner_that_only_a_rej_file_holds(template, module):
    # `copier update --conflict rej` leaves the owner's change in a .rej file and the release's text in the
    # document: the report says which of the owner's lines exist nowhere else (line 4), not the one that does.
    kept = (module / "docs" / "TASKS.md").read_text().splitlines()[0]
    (module / "docs" / "TASKS.md.rej").write_text(f"@@ -1,2 +1,2 @@\n-old\n+{kept}\n+- [ ] 1.9 Owner's own task\n")
    git(module, "add", "-A")
    git(module, "commit", "-qm", "forgot a rejected hunk")
    _release_with_readme_line(template, CHECK_LINE, CHECK_LINE + " (and in CI)")

    result = modforge("update", module)

    assert result.returncode == 1
    reported = [line.strip() for line in result.stdout.splitlines() if "TASKS.md.rej" in line]
    expected = [
        "cred-store/docs/TASKS.md.rej: apply its 1 line(s) to TASKS.md by hand, then delete it",
        'cred-store/docs/TASKS.md.rej:4: your line is only here, not in TASKS.md: "- [ ] 1.9 Owner\'s own task"',
    ]
    assert len(reported) == len(expected), result.stdout
    for line, ending in zip(reported, expected, strict=True):
        assert line.endswith(ending), line


# --- refusals: a clear message, exit 2, nothing changed ------------------------------------------------


def _refused(module: Path, repository: Path, text: str) -> None:
    before = files_of(repository)
    status = git(repository, "status", "--porcelain") if (repository / ".git").exists() else None
    result = modforge("update", module)
    assert result.returncode == 2, result.stdout + result.stderr
    assert text in one_error_line(result, "update")
    assert files_of(repository) == before
    if status is not None:
        assert git(repository, "status", "--porcelain") == status


def test_update_refuses_a_module_outside_git(template, tmp_path):
    module = copy_at(template, tmp_path / "loose" / "cred-store")
    _refused(module, tmp_path / "loose", "is not in a git repository")


def test_update_refuses_uncommitted_changes_and_names_them(module):
    _edit_line(module / "docs" / "INTENT_DESIGN.md", "Cred Store module", "Stores tenant credentials.")
    _refused(module, module.parents[1], "uncommitted changes (modules/cred-store/docs/INTENT_DESIGN.md)")


def test_update_refuses_an_untracked_file_anywhere_in_the_repository(module):
    (module.parents[1] / "scratch.txt").write_text("notes\n")
    _refused(module, module.parents[1], "uncommitted changes (scratch.txt)")


def test_update_refuses_a_module_without_answers_file(module):
    git(module, "rm", "-q", layout.ANSWERS_FILE)
    git(module, "commit", "-qm", "lost the answers")
    _refused(module, module.parents[1], "run `modforge adopt")


def test_update_refuses_answers_written_by_another_template(module):
    other = {"_commit": "v3.1.0", "_src_path": "gh:someone/python-template", "project_name": "Widgets"}
    (module / layout.ANSWERS_FILE).write_text(yaml.safe_dump(other))
    git(module, "commit", "-qam", "another template's answers")
    _refused(module, module.parents[1], "was written by another template (gh:someone/python-template)")


def test_update_refuses_a_path_that_is_not_a_folder(tmp_path):
    result = modforge("update", tmp_path / "nowhere")
    assert result.returncode == 2
    assert "is not a folder" in one_error_line(result, "update")
