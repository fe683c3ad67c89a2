"""Every migration in migrations/: documented, listed in copier.yml, exact on its fixtures, idempotent,
confined to the module, and keeping every line a user wrote.

Fixtures: tests/fixtures/migrations/<v_X_Y_Z>/<case>/{before,after}/ are module folders (answers file
and documents). A migration turns `before` into exactly `after`, and leaves `after` as it is.
"""

from __future__ import annotations

import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest
import template_repos
import yaml
from cli_helpers import copier, files_of, modforge
from conftest import REPO_ROOT

from modforge.documents import parser
from modforge.lifecycle import docops, migration, releases
from modforge.spec import layout

FIXTURES = Path(__file__).parent / "fixtures" / "migrations"
MIGRATIONS = migration.discover(REPO_ROOT)
CASES = sorted((m, case.name) for m in (p.name for p in FIXTURES.iterdir()) for case in (FIXTURES / m).iterdir())
COPIER_CONFIG = yaml.safe_load((REPO_ROOT / "copier.yml").read_text())


def test_migrations_are_found():
    assert MIGRATIONS, "release 0.2.0 ships a migration"


@pytest.mark.parametrize("entry", MIGRATIONS, ids=lambda m: m.name)
def test_each_migration_says_what_changed_and_why_and_is_listed_in_copier_yml(entry):
    doc = (REPO_ROOT / "migrations" / f"{entry.name}.py").read_text()
    assert "why" in doc.lower().split('"""')[1], "the docstring says why the process changed"
    listed = [m for m in COPIER_CONFIG["_migrations"] if str(m.get("version")) == str(entry.version)]
    assert len(listed) == 1, f"copier.yml lists {entry.version} once"
    command = listed[0]["command"]
    assert isinstance(command, list), "copier's current list format: command as a list, no shell"
    assert command[:2] == ["{{ _copier_python }}", "{{ _copier_conf.src_path }}/migrations/run.py"]
    assert listed[0]["when"] == f"{{{{ _stage == '{entry.stage}' }}}}"
    assert (FIXTURES / entry.name).is_dir(), f"tests/fixtures/migrations/{entry.name}/ holds its before/after cases"


def test_min_copier_version_supports_the_migration_format():
    # The list format with `when:` needs copier 9.3.0; 9.19 renders migration conditions with `_envops`.
    assert releases.parse_version(COPIER_CONFIG["_min_copier_version"]) >= releases.parse_version("9.3.0")


# --- fixtures: exact, idempotent, confined, lossless ----------------------------------------------------


@pytest.fixture(params=CASES, ids=["/".join(c) for c in CASES])
def case(request, tmp_path) -> tuple[Path, Path, Path]:
    """(expected `after` folder, the monorepo, the module copied from `before`)."""
    name, case_name = request.param
    monorepo = tmp_path / "monorepo"
    module = Path(shutil.copytree(FIXTURES / name / case_name / "before", monorepo / "modules" / "cred-store"))
    (monorepo / "README.md").write_text("# The monorepo\n\nSecurity and Tenancy\n")
    shutil.copytree(FIXTURES / name / case_name / "before", monorepo / "modules" / "sibling")
    return FIXTURES / name / case_name / "after", monorepo, module


def _release(case_folder: Path) -> str:
    """The release a fixture belongs to: its folder's name (v0_2_0 -> 0.2.0)."""
    return ".".join(case_folder.parent.parent.name.removeprefix("v").split("_"))


def test_migrate_turns_before_into_after(case):
    """Each release's fixtures run that release's migration only (`--to`), so a later release's migration
    never changes what an older one's `after/` says."""
    after, _, module = case
    result = modforge("migrate", module, "--to", _release(after))
    assert result.returncode == 0, result.stdout + result.stderr
    assert files_of(module) == files_of(after)


def test_migrating_twice_equals_migrating_once(case):
    after, _, module = case
    assert modforge("migrate", module, "--to", _release(after)).returncode == 0
    once = files_of(module)
    again = modforge("migrate", module, "--to", _release(after))
    assert again.returncode == 0, again.stderr
    assert files_of(module) == once


def test_nothing_outside_the_module_changes(case):
    _, monorepo, module = case
    outside = {k: v for k, v in files_of(monorepo).items() if not k.startswith("modules/cred-store/")}
    assert modforge("migrate", module).returncode == 0
    assert {k: v for k, v in files_of(monorepo).items() if not k.startswith("modules/cred-store/")} == outside


def test_every_line_the_user_wrote_is_still_there(case):
    _, _, module = case
    before = {path: text.decode() for path, text in files_of(module).items()}
    assert modforge("migrate", module).returncode == 0
    after = {path: text.decode() for path, text in files_of(module).items()}
    for path, text in before.items():
        remaining = Counter(after[path].splitlines()) + _copies(module, path, text)
        for line in text.splitlines():
            if line.strip() and remaining[line] <= 0:
                # the one kind of line a migration may rewrite: a heading it renames, title kept after it
                assert line.startswith("## Security and Tenancy") or line == "Security and Tenancy", (path, line)
            remaining[line] -= 1


def _copies(module: Path, path: str, text: str) -> Counter:
    """Lines of a section heading that appears twice, where the section is an exact copy of the template's:
    the copy `copier update` adds on top of a section the user already had, which a migration may drop."""
    if not path.endswith(".md"):
        return Counter()
    doc = parser.parse_text(text, Path(path), Path(path).name)
    lines = text.splitlines(keepends=True)
    sections: dict[str, list[str]] = {}
    for h in doc.headings:
        if h.level == layout.DESIGN_SECTION_LEVEL:
            end = docops.section_end(doc, h.line, h.level, len(lines))
            sections.setdefault(h.text, []).append("".join(lines[h.line - 1 : end - 1]).strip("\n"))
    template = migration.ModuleTree(module, REPO_ROOT).skeleton(path)
    skeleton = parser.parse_text(template, Path(path), Path(path).name)
    extra = Counter()
    for title, texts in sections.items():
        pristine = (docops.section_text(template, skeleton, title) or "").strip("\n")
        copies = [s for s in texts if s == pristine]
        for section in copies[: len(texts) - 1]:
            extra.update(section.splitlines())
    return extra


def test_dry_run_prints_the_diff_and_changes_nothing(case):
    after, monorepo, module = case
    before = files_of(monorepo)
    result = modforge("migrate", module, "--dry-run", "--to", _release(after))
    assert files_of(monorepo) == before
    changes = files_of(after) != files_of(module)
    assert result.returncode == (1 if changes else 0), result.stderr
    if changes:
        subprocess.run(["git", "init", "-q"], cwd=module, check=True)
        patch = module.parent / "migration.patch"
        patch.write_text(result.stdout)
        subprocess.run(["git", "apply", str(patch)], cwd=module, check=True)
        patch.unlink()
        shutil.rmtree(module / ".git")
        assert files_of(module) == files_of(after), "the printed diff is exactly what migrate applies"


# --- a pristine copy of the previous release, migrated, is a fresh copy of the new one ------------------

MATRIX = [
    {"module_name": "cred-store", "persistence": "true"},
    {"module_name": "oagw", "category": "gateway", "phases": "3"},
    {"module_name": "oagw-apikey", "category": "worker", "gateway": "oagw", "phases": "1"},
]


def _folder(answers: dict) -> str:
    """Where the module is copied: a worker in its gateway's plugins folder (0.3.0 requires it, older releases
    accept it)."""
    name = answers["module_name"]
    return f"{answers['gateway']}/plugins/{name}" if answers.get("category") == "worker" else name


@pytest.fixture(scope="module")
def template_repo(tmp_path_factory) -> Path:
    return template_repos.build(tmp_path_factory.mktemp("template-repo") / "modforge")


@pytest.mark.parametrize("answers", MATRIX, ids=lambda a: a["module_name"])
@pytest.mark.parametrize("entry", MIGRATIONS[-1:], ids=lambda m: m.name)
def test_a_pristine_module_of_the_previous_release_migrates_to_a_fresh_copy(template_repo, tmp_path, entry, answers):
    """The newest migration takes the documents of the release before its own to those of its release (a
    release after it changes documents only where copier's merge brings the change)."""
    previous = [r.version for r in template_repos.past_releases() if r.key < entry.version]
    assert previous, f"release {entry.version} has a migration, so an earlier release in releases.toml"
    data = [arg for key, value in answers.items() for arg in ("--data", f"{key}={value}")]
    old, new = tmp_path / "old" / _folder(answers), tmp_path / "new" / _folder(answers)
    for version, destination in ((previous[-1], old), (str(entry.version), new)):
        result = copier("copy", "--trust", "--defaults", "-r", releases.tag(version), *data, template_repo, destination)
        assert result.returncode == 0, result.stderr
    result = modforge("migrate", old)  # runs every migration after the old release: this one, the newest
    assert result.returncode == 0, result.stderr
    for name in layout.PIPELINE_DOCS:
        assert (old / "docs" / name).read_text() == (new / "docs" / name).read_text(), name
