"""`copier update` between every released template version and the current one, end to end.

For each older release: copy a module at that tag, commit, make the edits a team makes while working
through the pipeline (docs rewritten in the spec's style, requirements and scenarios added, tasks ticked,
code changed), commit, then run the real `copier update`. The edits must survive, the release's process
change must arrive, the answers must record the new version, and no conflict may be left where the user
and the template did not change the same lines.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import template_repos
import yaml
from cli_helpers import copier, modforge
from conftest import git, init_repo
from lived_in import team_edits

from modforge import __version__
from modforge.documents import parser
from modforge.lifecycle import conflicts, releases
from modforge.spec import layout

pytestmark = pytest.mark.slow

OLD_VERSIONS = [v for v in template_repos.versions() if v != __version__]
MODULES = [
    {"module_name": "cred-store", "persistence": "true"},
    {"module_name": "oagw-apikey", "category": "worker", "gts": "true", "phases": "1"},
]


@pytest.fixture(scope="session")
def template_repo(tmp_path_factory) -> Path:
    return template_repos.build(tmp_path_factory.mktemp("template-repo") / "modforge")


def copy_at(template: Path, destination: Path, version: str, answers: dict[str, str]) -> Path:
    data = [arg for key, value in answers.items() for arg in ("--data", f"{key}={value}")]
    result = copier("copy", "--trust", "--defaults", "-r", releases.tag(version), *data, template, destination)
    assert result.returncode == 0, result.stderr
    return destination


def level2(path: Path) -> list[str]:
    doc = parser.parse_text(path.read_text(), path, path.name)
    return [h.text for h in doc.headings if h.level == 2]


@pytest.fixture(
    params=[(old, m) for old in OLD_VERSIONS for m in MODULES], ids=lambda p: f"{p[0]}-{p[1]['module_name']}"
)
def lived_in(request, template_repo, tmp_path) -> tuple[str, Path, list[tuple[str, str]]]:
    old, answers = request.param
    monorepo = tmp_path / "monorepo"
    # A worker lives in its gateway's plugins folder (0.3.0 asks its gateway, which that folder names).
    folder = f"oagw/plugins/{answers['module_name']}" if answers.get("category") == "worker" else answers["module_name"]
    module = copy_at(template_repo, monorepo / "modules" / folder, old, answers)
    init_repo(monorepo)
    stored = yaml.safe_load((module / layout.ANSWERS_FILE).read_text())
    kept = team_edits(module, stored)
    git(monorepo, "commit", "-qam", "Step 1 to 3")
    return old, module, kept


def expected_conflicts(old: str, module: Path) -> set[str]:
    """Files where the user and the template changed the same lines. 0.3.0 gives a worker no SDK of its own:
    the first task of its plan, which the team ticked, becomes the plugin implementation."""
    worker = yaml.safe_load((module / layout.ANSWERS_FILE).read_text())["category"] == "worker"
    return (
        {f"{layout.DOCS_DIR}/{layout.TASKS}"}
        if worker and releases.parse_version(old) < releases.parse_version("0.3.0")
        else set()
    )


def _assert_updated_cleanly(module: Path, kept: list[tuple[str, str]], expected: set[str] = frozenset()) -> None:
    for file, line in kept:
        assert line in (module / file).read_text().splitlines(), f"{file}: the user's line {line!r} was lost"
    found = {leftover.path for leftover in conflicts.find(module)}
    assert found == expected, "conflicts only where user and template changed the same lines"
    if expected:
        tasks = (module / layout.DOCS_DIR / layout.TASKS).read_text()
        assert "SDK Implementation" in tasks, "the team's side of the plan"
        assert "Plugin Implementation" in tasks, "the release's side of the plan"
    answers = yaml.safe_load((module / layout.ANSWERS_FILE).read_text())
    assert answers["_commit"] == releases.tag(__version__)
    # The template became a collection (kind: module | workspace): a module made before records no kind,
    # takes the default, and stays a module: none of the workspace pack's files arrive.
    assert answers.get("kind", "module") == "module"
    assert not (module / "workflows").exists()
    assert not (module / ".modforge.toml").exists()
    design = level2(module / layout.DOCS_DIR / layout.INTENT_DESIGN)
    sections = [title for _, title in layout.DESIGN_SECTIONS]
    assert [h for h in design if h in sections] == sections, "the design has today's sections, in order"


def test_copier_update_from_every_release_keeps_edits_and_brings_the_process_change(lived_in):
    old, module, kept = lived_in
    expected = expected_conflicts(old, module)
    result = copier("update", "--trust", "--defaults", cwd=module)
    assert result.returncode == 0, result.stderr
    _assert_updated_cleanly(module, kept, expected)
    if releases.parse_version(old) < releases.parse_version("0.2.0"):
        assert "Security and Tenancy" not in (module / "docs" / layout.INTENT_DESIGN).read_text()
        assert "90% of the code" in (module / "docs" / layout.INTENT_DESIGN).read_text()


def test_modforge_update_does_the_same_and_exits_0(lived_in):
    old, module, kept = lived_in
    expected = expected_conflicts(old, module)
    result = modforge("update", module)
    assert result.returncode == (1 if expected else 0), result.stdout + result.stderr
    if expected:
        assert f"with conflicts in {len(expected)} file" in result.stdout
    _assert_updated_cleanly(module, kept, expected)


@pytest.mark.parametrize(
    "old", [v for v in OLD_VERSIONS if releases.parse_version(v) < releases.parse_version("0.2.0")]
)
def test_a_heading_both_sides_changed_is_a_reported_conflict(template_repo, tmp_path, old):
    """0.2.0 renames `## Security and Tenancy`; a team that renamed it differently gets a conflict to resolve."""
    monorepo = tmp_path / "monorepo"
    module = copy_at(template_repo, monorepo / "modules" / "cred-store", old, {})
    init_repo(monorepo)
    design = module / "docs" / layout.INTENT_DESIGN
    design.write_text(design.read_text().replace("## Security and Tenancy\n", "## Tenancy and Access\n"))
    git(monorepo, "commit", "-qam", "our own title")

    result = modforge("update", module)

    assert result.returncode == 1, result.stdout + result.stderr
    assert "cred-store/docs/INTENT_DESIGN.md:" in result.stdout
    text = design.read_text()
    assert "## Tenancy and Access" in text, "the user's side is in the conflict"
    assert "## Security\n" in text, "the template's side is in the conflict"


def test_migrating_first_then_updating_leaves_no_duplicate(lived_in):
    """`modforge migrate` before `copier update` is safe: copier re-applies the migrated design on top of
    the new release, and the release's migration drops the copy of its own section."""
    old, module, kept = lived_in
    if releases.parse_version(old) >= releases.parse_version("0.2.0"):
        pytest.skip("0.2.0's migration is not crossed")
    expected = expected_conflicts(old, module)
    assert modforge("migrate", module).returncode == 0
    git(module, "commit", "-qam", "migrated ahead of the update")
    result = copier("update", "--trust", "--defaults", cwd=module)
    assert result.returncode == 0, result.stderr
    _assert_updated_cleanly(module, kept, expected)
    design = level2(module / layout.DOCS_DIR / layout.INTENT_DESIGN)
    assert design.count(layout.DESIGN_SECTION["testing"]) == 1


@pytest.mark.parametrize(
    "old", [v for v in OLD_VERSIONS if releases.parse_version(v) < releases.parse_version("0.2.0")]
)
def test_the_migration_resolves_a_conflict_block_by_block(template_repo, tmp_path, old):
    """The owner renamed `## Security and Tenancy` (a real conflict with 0.2.0's rename) and wrote a line right
    above `## Implementation Phases`, where 0.2.0 adds `## Testing Strategy` (a conflict only because the
    lines touch). The migration resolves the second and leaves the first, naming the release."""
    monorepo = tmp_path / "monorepo"
    module = copy_at(template_repo, monorepo / "modules" / "cred-store", old, {})
    init_repo(monorepo)
    design = module / "docs" / layout.INTENT_DESIGN
    text = design.read_text().replace("## Security and Tenancy\n", "## Tenancy and Access\n")
    owner_line = "Owners review the phases every quarter."
    design.write_text(text.replace("\n\n## Implementation Phases", f"\n{owner_line}\n## Implementation Phases"))
    git(monorepo, "commit", "-qam", "our own title, and a note above the phases")

    result = modforge("update", module)

    assert result.returncode == 1, result.stdout + result.stderr
    lines = design.read_text().splitlines()
    markers = [n for n, line in enumerate(lines, 1) if line.startswith("<<<<<<<")]
    assert len(markers) == 1, "one conflict is left"
    assert lines[markers[0] : markers[0] + 3] == ["## Tenancy and Access", "=======", "## Security"]
    assert lines.count("## Testing Strategy") == 1, "the other conflict is resolved: the new section is in"
    assert owner_line in lines
    assert "resolved part of the conflict in docs/INTENT_DESIGN.md: 1 conflict left" in result.stdout
    assert "release 0.2.0" in result.stdout
    stages = git(monorepo, "ls-files", "-u", "--", "modules/cred-store/docs/INTENT_DESIGN.md").splitlines()
    assert [line.split()[2] for line in stages] == ["1", "2", "3"], "still unmerged in the index, for the owner"


@pytest.mark.parametrize("old", OLD_VERSIONS)
def test_a_worker_outside_its_gateways_plugins_folder_is_told_where_it_belongs(template_repo, tmp_path, old):
    """Before 0.3.0 a worker lived in modules/<name>; 0.3.0 asks its gateway and puts it in the gateway's
    plugins folder. The update fails the module with the line that says so, and changes nothing."""
    monorepo = tmp_path / "monorepo"
    answers = {"module_name": "oagw-apikey", "category": "worker", "phases": "1"}
    module = copy_at(template_repo, monorepo / "modules" / "oagw-apikey", old, answers)
    init_repo(monorepo)
    result = modforge("update", module)
    assert result.returncode == 1, result.stdout + result.stderr  # the module failed, nothing of it changed
    assert "oagw-apikey: failed, nothing changed" in result.stdout
    assert "lives in modules/<gateway>/plugins/<name>, whose folder names it" in result.stdout
    result = copier("update", "--trust", "--defaults", "--data", "gateway=oagw", cwd=module)
    assert result.returncode != 0
    assert "a worker of oagw lives in modules/oagw/plugins/oagw-apikey" in result.stderr.strip().splitlines()[-1]
    assert git(monorepo, "status", "--porcelain") == "", "nothing changed"
