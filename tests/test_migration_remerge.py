"""modforge.lifecycle.migration in this process: the plan of a release's migration, and the re-merge of a design
copier left unmerged, on a real git merge of a real 0.1.0 module (tests/fixtures/migrations). The CLI tests
run the same code in subprocesses; these pin what each step decides, with the texts stated literally."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import REPO_ROOT, git

from modforge.lifecycle import migration, releases, vcs

LIVED_IN = REPO_ROOT / "tests" / "fixtures" / "migrations" / "v0_2_0" / "lived-in"
DESIGN, ACTUAL = "docs/INTENT_DESIGN.md", "docs/ACTUAL_DESIGN.md"  # the 0.1.0 module has both, merged cleanly
MIGRATIONS = migration.pending(
    migration.discover(REPO_ROOT), releases.parse_version("0.1.0"), releases.parse_version("0.2.0"), "after"
)


def _conflicted(tmp_path: Path, owner_heading: str) -> Path:
    """A 0.1.0 module whose design copier's update left unmerged: the template side brings 0.2.0's design,
    the owner's side renamed the security heading to `owner_heading`."""
    module = Path(shutil.copytree(LIVED_IN / "before", tmp_path / "cred-store"))
    git(module, "init", "-q", "-b", "main")
    git(module, "add", "-A")
    git(module, "commit", "-qm", "0.1.0")
    git(module, "checkout", "-qb", "template")
    shutil.copy(LIVED_IN / "after" / DESIGN, module / DESIGN)
    git(module, "commit", "-qam", "0.2.0")
    git(module, "checkout", "-q", "main")
    design = module / DESIGN
    design.write_text(design.read_text().replace("## Security and Tenancy\n", f"## {owner_heading}\n", 1))
    git(module, "commit", "-qam", "the owner's heading")
    merge = subprocess.run(["git", "merge", "-q", "template"], cwd=module, capture_output=True, text=True)
    assert merge.returncode != 0, merge.stdout + merge.stderr
    assert vcs.unmerged_paths(module) == [DESIGN]
    return module


def test_a_conflict_the_migration_resolves_is_written_merged_and_marked_resolved(tmp_path: Path) -> None:
    module = _conflicted(tmp_path, "Security and Tenancy (REQ-1)")
    outcome = migration.plan(module, REPO_ROOT, MIGRATIONS)
    assert outcome.resolved == [DESIGN]
    assert not outcome.skipped
    assert not outcome.restaged
    actual, change = outcome.changes
    assert actual.path == ACTUAL
    assert change.path == DESIGN
    assert "<<<<<<<" in change.before
    assert "<<<<<<<" not in change.after
    assert "\n## Security (REQ-1)\n- Credentials are isolated per tenant (REQ-1)\n" in change.after
    assert change.after.count("\n## Testing Strategy\n") == 1
    migration.apply(module, outcome)
    assert (module / DESIGN).read_text() == change.after
    assert vcs.unmerged_paths(module) == []


def test_a_heading_the_owner_renamed_their_own_way_stays_a_conflict_for_the_owner(tmp_path: Path) -> None:
    module = _conflicted(tmp_path, "Tenancy rules")
    outcome = migration.plan(module, REPO_ROOT, MIGRATIONS)
    assert [change.path for change in outcome.changes] == [ACTUAL]
    assert outcome.resolved == []
    assert outcome.skipped == {DESIGN: "you and release 0.2.0 changed the same lines; resolve the conflict by hand"}
    assert migration.report_lines(outcome, "modforge migrate") == [
        "modforge migrate: migrated docs/ACTUAL_DESIGN.md",
        "modforge migrate: left docs/INTENT_DESIGN.md alone: you and release 0.2.0 changed the same lines; "
        "resolve the conflict by hand",
    ]


@pytest.mark.parametrize(
    ("ours", "ours_migrated", "expected"),
    [
        # The owner changed another line: the merge base is the migrated base.
        ("# D\n## Old\nbody\nmine\n", "# D\n## New\nbody\nmine\n", "# D\n## New\nbody\n"),
        # The owner changed the migrated line, and the migration changed the owner's version too.
        ("# D\n## Old (REQ-1)\nbody\n", "# D\n## New (REQ-1)\nbody\n", "# D\n## New\nbody\n"),
        # The owner changed it their own way, out of the migration's reach: the original base stays there.
        ("# D\n## Owner's\nbody\n", "# D\n## Owner's\nbody\n", "# D\n## Old\nbody\n"),
        # The owner already holds the migrated line (migrated ahead of the update): no conflict.
        ("# D\n## New\nbody\n", "# D\n## New\nbody\n", "# D\n## New\nbody\n"),
        # The owner deleted the line: nothing of theirs the migration could reach.
        ("# D\nbody\n", "# D\nbody\n", "# D\n## Old\nbody\n"),
    ],
    ids=["elsewhere", "reached", "own-way", "ahead", "deleted"],
)
def test_the_merge_base_keeps_the_original_only_where_the_owner_and_the_migration_meet(
    ours: str, ours_migrated: str, expected: str
) -> None:
    assert migration._merge_base("# D\n## Old\nbody\n", "# D\n## New\nbody\n", ours, ours_migrated) == expected


def test_releases_are_named_in_version_order_once_each() -> None:
    def release(version: str) -> migration.Migration:
        name = "v" + version.replace(".", "_")
        return migration.Migration(releases.parse_version(version), name, "after", "", lambda tree: None)

    assert migration.releases_named([]) == "the template"
    assert migration.releases_named([release("0.2.0"), release("0.2.0")]) == "release 0.2.0"
    assert migration.releases_named([release("0.3.0"), release("0.2.0")]) == "releases 0.2.0 and 0.3.0"
    three = [release("0.10.0"), release("0.3.0"), release("0.2.0"), release("0.3.0")]
    assert migration.releases_named(three) == "releases 0.2.0, 0.3.0 and 0.10.0"


def test_run_all_runs_every_migration_on_the_tree_and_leaves_the_disk_alone(tmp_path: Path) -> None:
    module = Path(shutil.copytree(LIVED_IN / "before", tmp_path / "cred-store"))
    before = (module / DESIGN).read_text()
    tree = migration.run_all(migration.ModuleTree(module, REPO_ROOT), MIGRATIONS)
    assert tree.read(DESIGN) == (LIVED_IN / "after" / DESIGN).read_text()
    assert tree.original(DESIGN) == before == (module / DESIGN).read_text()
    assert [change.path for change in tree.changes()] == [ACTUAL, DESIGN]
