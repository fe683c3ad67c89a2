"""modforge.lifecycle.migration in this process, each step on the smallest real git repository that shows it: the
plan's re-merge of a file `git merge` left unmerged (resolved, and the files after it still migrated), the release a
conflict message names when the migrations changed only the base or only the owner's side, the conflicts the
migrations do not concern (empty sides included) left unreported, a conflicted file a migration renames left alone
under its own name, an unreadable file (on disk, or the working copy of a conflict) named in the error, and what a
written outcome stages in git's index (nothing by default; every change in copier's "before" stage).

The template is a folder in tmp_path holding two literal migrations that write a file only when they change it (so
the releases a message names are the ones that changed that side): 1.0.0 ("after") replaces `old` by `new`; 2.0.0
("before") replaces `draft` by `final` in docs/INDEX.md and renames docs/GUIDE.md to docs/HANDBOOK.md. No copier runs.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from conftest import git

from modforge.filesystem import textcodec
from modforge.lifecycle import migration, releases

V1 = '''"""1.0.0: `new` where it said `old`."""

VERSION = "1.0.0"


def migrate(tree):
    for path in ("docs/A.md", "docs/EMPTY.md", "docs/EMPTIED.md", "docs/NEW.md", "docs/OWN.md", "notes.txt"):
        text = tree.read(path)
        if text is not None and "old" in text:
            tree.write(path, text.replace("old", "new"))
'''
V2 = '''"""2.0.0: the index is final; docs/GUIDE.md is docs/HANDBOOK.md."""

VERSION = "2.0.0"
STAGE = "before"


def migrate(tree):
    text = tree.read("docs/INDEX.md")
    if text is not None and "draft" in text:
        tree.write("docs/INDEX.md", text.replace("draft", "final"))
    if tree.exists("docs/GUIDE.md"):
        tree.rename("docs/GUIDE.md", "docs/HANDBOOK.md")
'''
SAME_LINES = "you and release 1.0.0 changed the same lines; resolve the conflict by hand"


@pytest.fixture
def template(tmp_path: Path) -> Path:
    folder = tmp_path / "template" / "migrations"
    folder.mkdir(parents=True)
    (folder / "v1_0_0.py").write_text(V1)
    (folder / "v2_0_0.py").write_text(V2)
    return folder.parent


def _migrations(template: Path, upto: str = "2.0.0", stage: str | None = None) -> list[migration.Migration]:
    parse = releases.parse_version
    return migration.pending(migration.discover(template), parse("0.1.0"), parse(upto), stage)


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)


def _repo(module: Path, files: dict[str, str]) -> Path:
    """A git repository at `module` holding `files`, committed."""
    _write(module, files)
    git(module, "init", "-q", "-b", "main")
    git(module, "add", "-A")
    git(module, "commit", "-qm", "base")
    return module


def _merged(module: Path, sides: dict[str, tuple[str, str, str]], clean: dict[str, str]) -> Path:
    """The module after `git merge` of the template's side into the owner's: `sides` maps a file to its (base,
    ours, theirs) texts, each left unmerged; `clean` holds files no side changes."""
    _repo(module, {**clean, **{path: base for path, (base, _, _) in sides.items()}})
    git(module, "checkout", "-qb", "template")
    _write(module, {path: theirs for path, (_, _, theirs) in sides.items()})
    git(module, "commit", "-qam", "theirs")
    git(module, "checkout", "-q", "main")
    _write(module, {path: ours for path, (_, ours, _) in sides.items()})
    git(module, "commit", "-qam", "ours")
    merge = subprocess.run(["git", "merge", "-q", "template"], cwd=module, capture_output=True, text=True)
    assert merge.returncode != 0, merge.stdout + merge.stderr
    assert git(module, "diff", "--name-only", "--diff-filter=U") == "".join(f"{path}\n" for path in sorted(sides))
    return module


# The owner changed the line next to the one release 1.0.0 changes, the template changed that line: a conflict for
# git, which the migration removes (the process change is then on both sides).
NEXT_TO = ("a\nold\n", "a mine\nold\n", "a\nnew\n")


def test_the_plan_re_merges_an_unmerged_file_and_still_migrates_the_files_after_it(
    tmp_path: Path, template: Path
) -> None:
    module = _merged(tmp_path / "notes", {"docs/A.md": NEXT_TO}, {"notes.txt": "old\n"})
    left = (module / "docs" / "A.md").read_text()
    assert left == "<<<<<<< HEAD\na mine\nold\n=======\na\nnew\n>>>>>>> template\n"
    outcome = migration.plan(module, template, _migrations(template, upto="1.0.0"))
    assert [(c.path, c.old_path, c.before, c.after) for c in outcome.changes] == [
        ("notes.txt", "notes.txt", "old\n", "new\n"),
        ("docs/A.md", "docs/A.md", left, "a mine\nnew\n"),
    ]
    assert (outcome.resolved, outcome.skipped, outcome.restaged) == (["docs/A.md"], {}, {})
    assert migration.report_lines(outcome, "p") == ["p: migrated notes.txt", "p: resolved the conflict in docs/A.md"]


def test_the_re_merge_names_the_release_that_changed_either_side_and_leaves_conflicts_it_does_not_concern_unsaid(
    tmp_path: Path, template: Path
) -> None:
    sides = {
        # Release 1.0.0 changes the base only: the owner wrote the line their own way.
        "docs/OWN.md": ("# T\nold 1\n", "# T\nwas 1\n", "# T\nnew 1\n"),
        # Release 1.0.0 changes the owner's side only: the owner wrote the line it changes.
        "docs/NEW.md": ("# T\nx 1\n", "# T\nold 1\n", "# T\nx 2\n"),
        # No migration concerns these: an empty base both sides filled, a side the owner emptied.
        "docs/EMPTY.md": ("", "mine\n", "theirs\n"),
        "docs/EMPTIED.md": ("x\n", "", "y\n"),
    }
    module = _merged(tmp_path / "notes", sides, {})
    outcome = migration.plan(module, template, _migrations(template, upto="1.0.0"))
    assert (outcome.changes, outcome.resolved, outcome.restaged) == ([], [], {})
    assert outcome.skipped == {"docs/NEW.md": SAME_LINES, "docs/OWN.md": SAME_LINES}
    assert migration.report_lines(outcome, "p") == [
        f"p: left docs/NEW.md alone: {SAME_LINES}",
        f"p: left docs/OWN.md alone: {SAME_LINES}",
    ]


def test_a_conflicted_file_a_migration_renames_is_left_alone_under_its_own_name(tmp_path: Path, template: Path) -> None:
    module = tmp_path / "notes"
    conflicted = "<<<<<<< HEAD\nmine\n=======\ntheirs\n>>>>>>> template\n"
    _write(module, {"docs/GUIDE.md": conflicted})
    outcome = migration.plan(module, template, _migrations(template))
    assert outcome.changes == []
    assert outcome.skipped == {
        "docs/GUIDE.md": "it has conflict markers; resolve them, then run `modforge migrate` again to bring in "
        "release 2.0.0"
    }


def test_the_plan_names_a_file_it_cannot_read_and_leaves_it_alone(tmp_path: Path, template: Path) -> None:
    module = tmp_path / "notes"
    module.mkdir()
    (module / "notes.txt").write_bytes(b"caf\xe9 old\n")
    with pytest.raises(textcodec.NotText) as refused:
        migration.plan(module, template, _migrations(template))
    assert str(refused.value) == (
        f"{module.resolve() / 'notes.txt'}: byte 0xe9 at offset 3 (line 1, column 4) is not UTF-8; "
        "save the file as UTF-8 first (modforge never rewrites a file it cannot read)"
    )
    assert (module / "notes.txt").read_bytes() == b"caf\xe9 old\n"


def test_the_re_merge_names_a_working_copy_that_is_not_utf8(tmp_path: Path, template: Path) -> None:
    """The stages in git's index are UTF-8, the file on disk is not (saved in Latin-1 after the merge): the
    re-merge refuses to rewrite it, naming the file. (`plan` reads the file itself first, with the same words.)"""
    module = _merged(tmp_path / "notes", {"docs/A.md": NEXT_TO}, {})
    (module / "docs" / "A.md").write_bytes(b"a mine caf\xe9\nold\n")
    migrations = _migrations(template, upto="1.0.0")
    with pytest.raises(textcodec.NotText) as refused:
        migration._remerge(module, template, migrations, "docs/A.md", migration.Outcome([]))
    with pytest.raises(textcodec.NotText) as planned:
        migration.plan(module, template, migrations)
    assert (
        str(refused.value)
        == str(planned.value)
        == (
            f"{module.resolve() / 'docs' / 'A.md'}: byte 0xe9 at offset 10 (line 1, column 11) is not UTF-8; "
            "save the file as UTF-8 first (modforge never rewrites a file it cannot read)"
        )
    )
    assert (module / "docs" / "A.md").read_bytes() == b"a mine caf\xe9\nold\n"


def test_a_written_outcome_stages_nothing_by_default_and_every_change_when_asked(tmp_path: Path) -> None:
    module = _repo(tmp_path / "notes", {"notes.txt": "old\n", "docs/INDEX.md": "draft\n"})
    lf = textcodec.decode(b"x\n")
    notes = migration.Outcome([], changes=[migration.Change("notes.txt", "notes.txt", "old\n", "new\n", lf)])
    migration.transaction(module, notes).commit()
    assert (module / "notes.txt").read_text() == "new\n"
    assert git(module, "status", "--porcelain") == " M notes.txt\n"
    index = migration.Outcome([], changes=[migration.Change("docs/INDEX.md", "docs/INDEX.md", "draft\n", "final\n")])
    migration.apply(module, index, stage_changes=True)
    assert (module / "docs" / "INDEX.md").read_text() == "final\n"
    assert git(module, "status", "--porcelain") == "M  docs/INDEX.md\n M notes.txt\n"


def test_copier_main_in_the_before_stage_stages_the_files_it_edits(
    tmp_path: Path, template: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Copier takes the "before" stage's diff from the index: an edit left unstaged would be lost to the update."""
    module = _repo(tmp_path / "notes", {"docs/INDEX.md": "# Index\ndraft\n", "notes.txt": "old\n"})
    monkeypatch.chdir(module)
    assert migration.copier_main(["--stage", "before", "--from", "0.1.0", "--to", "2.0.0"], template) == 0
    assert capsys.readouterr() == ("modforge migration 2.0.0: migrated docs/INDEX.md\n", "")
    assert (module / "docs" / "INDEX.md").read_text() == "# Index\nfinal\n"
    assert git(module, "diff", "--cached", "--name-only") == "docs/INDEX.md\n"
    assert git(module, "status", "--porcelain") == "M  docs/INDEX.md\n"


GAP = "g1\ng2\ng3\ng4\ng5\n"  # lines enough between two changes for git to keep their conflicts apart


def test_copier_main_reports_a_conflict_resolved_in_part_on_stderr(
    tmp_path: Path, template: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The conflict next to the migrated line goes; the one where owner and template changed the same line stays,
    and the owner is told so on stderr (copier shows it; stdout is for what simply went well)."""
    sides = ("a\nold\n" + GAP + "b\n", "a mine\nold\n" + GAP + "b mine\n", "a\nnew\n" + GAP + "b theirs\n")
    module = _merged(tmp_path / "notes", {"docs/A.md": sides}, {"notes.txt": "old\n"})
    monkeypatch.chdir(module)
    assert migration.copier_main(["--stage", "after", "--from", "0.1.0", "--to", "1.0.0"], template) == 0
    assert capsys.readouterr() == (
        "modforge migration 1.0.0: migrated notes.txt\n",
        "modforge migration 1.0.0: resolved part of the conflict in docs/A.md: 1 conflict left (line 8) where you "
        "and release 1.0.0 changed the same lines; resolve it by hand\n",
    )
    assert (module / "docs" / "A.md").read_text() == (
        "a mine\nnew\n" + GAP + "<<<<<<< before updating\nb mine\n=======\nb theirs\n>>>>>>> after updating\n"
    )
    assert git(module, "diff", "--name-only", "--diff-filter=U") == "docs/A.md\n"  # still a conflict for the owner
