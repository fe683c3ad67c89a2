"""modforge.lifecycle.migration in this process, on a real git repository: what a plan migrates and leaves alone,
the re-merge of a file `copier update` left unmerged (resolved, resolved in part, left to the owner), how the
outcome is written (renames as `git mv`, staged for copier's "before" stage, the index's conflict stages), and
`copier_main`, the entry point copier runs as migrations/run.py, with its report on stdout and stderr.

The template is a folder in tmp_path holding two literal migrations: 1.0.0 ("after") replaces `old` by `new`
in three files; 2.0.0 ("before") renames docs/GUIDE.md to docs/HANDBOOK.md. No copier runs."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from conftest import git

from modforge.lifecycle import migration, releases, vcs

V1 = '''"""1.0.0: the notes say `new` where they said `old`."""

VERSION = "1.0.0"


def migrate(tree):
    for path in ("docs/CONFLICTED.md", "docs/NOTES.md", "notes.txt"):
        text = tree.read(path)
        if text is not None:
            tree.write(path, text.replace("old", "new"))
'''
V2 = '''"""2.0.0: docs/GUIDE.md is docs/HANDBOOK.md."""

VERSION = "2.0.0"
STAGE = "before"


def migrate(tree):
    if tree.exists("docs/GUIDE.md"):
        tree.rename("docs/GUIDE.md", "docs/HANDBOOK.md")
'''
NOTES = "docs/NOTES.md"
GAP = "g1\ng2\ng3\ng4\ng5\n"  # lines enough between two changes for git to keep their conflicts apart


@pytest.fixture
def template(tmp_path: Path) -> Path:
    folder = tmp_path / "template" / "migrations"
    folder.mkdir(parents=True)
    (folder / "v1_0_0.py").write_text(V1)
    (folder / "v2_0_0.py").write_text(V2)
    return folder.parent


def _migrations(template: Path, after: str = "0.1.0", upto: str = "2.0.0", stage: str | None = None) -> list:
    parse = releases.parse_version
    return migration.pending(migration.discover(template), parse(after), parse(upto), stage)


def _write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


EXAMPLE = "\n```\n<<<<<<< an example of a marker, in a code block: no conflict in Markdown\n```\n"


def _notes(a: str = "line a", x: str = "old 1", b: str = "line b", c: str = "line c") -> str:
    return f"# T\n{a}\n{x}\n{GAP}{b}\n{GAP}{c}\n{EXAMPLE}"


def _conflicted(
    tmp_path: Path, base: str | None, ours: str | None, theirs: str | None, *, crlf_script: bool = False
) -> Path:
    """The module modules/notes of a monorepo where `git merge` of the template's side (`theirs`) into the
    owner's (`ours`) left docs/NOTES.md unmerged, as `copier update` leaves it; notes.txt merged cleanly.
    With `crlf_script`, docs/NOTES.md has Windows line endings and is executable on every side."""
    repo = tmp_path / "monorepo"
    module = _write(repo / "modules" / "notes", {"notes.txt": "old\n", "docs/GUIDE.md": "guide\n"})

    def notes(text: str | None) -> Path:  # None: the side deleted the file
        if text is None:
            (module / NOTES).unlink()
        elif crlf_script:
            (module / NOTES).write_bytes(text.replace("\n", "\r\n").encode())
            (module / NOTES).chmod(0o755)
        else:
            _write(module, {NOTES: text})
        return module

    if base is not None:
        notes(base)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "base")
    git(repo, "checkout", "-qb", "template")
    git(notes(theirs), "add", "-A")
    git(repo, "commit", "-qm", "theirs")
    git(repo, "checkout", "-q", "main")
    git(notes(ours), "add", "-A")
    git(repo, "commit", "-qm", "ours")
    merge = subprocess.run(["git", "merge", "-q", "template"], cwd=repo, capture_output=True, text=True)
    assert merge.returncode != 0, merge.stdout + merge.stderr
    assert vcs.unmerged_paths(module) == [NOTES]
    return module


# --- plan: what is migrated and what is left alone ------------------------------------------------------

CONFLICTED = "old\n<<<<<<< HEAD\nmine\n=======\ntheirs\n>>>>>>> template\n"
FENCED = "old\n```\n<<<<<<< an example of a marker\n```\n"  # a marker in a code block: Markdown only


def test_a_file_with_conflict_markers_is_left_alone_naming_the_release_that_changes_it(
    tmp_path: Path, template: Path
) -> None:
    module = _write(tmp_path / "notes", {"docs/CONFLICTED.md": CONFLICTED, NOTES: FENCED, "notes.txt": FENCED})
    migrations = _migrations(template)
    outcome = migration.plan(module, template, migrations)
    assert outcome.migrations == migrations
    assert [(c.path, c.old_path, c.before, c.after) for c in outcome.changes] == [
        (NOTES, NOTES, FENCED, FENCED.replace("old", "new"))
    ]
    why = "it has conflict markers; resolve them, then run `modforge migrate` again to bring in release 1.0.0"
    assert outcome.skipped == {"docs/CONFLICTED.md": why, "notes.txt": why}
    assert (outcome.resolved, outcome.restaged, outcome.notes) == ([], {}, {})
    assert migration.report_lines(outcome, "modforge migrate") == [
        "modforge migrate: migrated docs/NOTES.md",
        f"modforge migrate: left docs/CONFLICTED.md alone: {why}",
        f"modforge migrate: left notes.txt alone: {why}",
    ]


def test_no_migration_plans_no_change(tmp_path: Path, template: Path) -> None:
    module = _write(tmp_path / "notes", {"notes.txt": "old\n"})
    outcome = migration.plan(module, template, [])
    assert (outcome.changes, outcome.skipped) == ([], {})


def test_the_outcome_s_diff_shows_renames_and_edits_as_git_apply_reads_them(tmp_path: Path, template: Path) -> None:
    module = _write(tmp_path / "notes", {"docs/GUIDE.md": "guide\n", "notes.txt": "keep\nold\n"})
    outcome = migration.plan(module, template, _migrations(template))
    assert outcome.diff(module) == (
        "diff --git a/docs/GUIDE.md b/docs/HANDBOOK.md\n"
        "rename from docs/GUIDE.md\n"
        "rename to docs/HANDBOOK.md\n"
        "diff --git a/notes.txt b/notes.txt\n"
        "--- a/notes.txt\n"
        "+++ b/notes.txt\n"
        "@@ -1,2 +1,2 @@\n"
        " keep\n"
        "-old\n"
        "+new\n"
    )
    assert (module / "docs" / "GUIDE.md").read_text() == "guide\n"


# --- the re-merge of a file copier left unmerged ---------------------------------------------------------


def test_a_conflict_the_migration_resolves_is_merged_and_marked_resolved(tmp_path: Path, template: Path) -> None:
    # the owner changed the line next to the one the template's release changed: a conflict for git
    module = _conflicted(tmp_path, _notes(), _notes(a="line a mine"), _notes(x="new 1"))
    outcome = migration.plan(module, template, _migrations(template, upto="1.0.0"))
    merged = _notes(a="line a mine", x="new 1")
    assert [(c.path, c.after) for c in outcome.changes] == [("notes.txt", "new\n"), (NOTES, merged)]
    assert (outcome.changes[1].old_path, outcome.changes[1].before) == (NOTES, (module / NOTES).read_text())
    assert "<<<<<<< HEAD\n" in outcome.changes[1].before
    assert (outcome.resolved, outcome.skipped, outcome.restaged) == ([NOTES], {}, {})
    assert migration.report_lines(outcome, "p") == [
        "p: migrated notes.txt",
        "p: resolved the conflict in docs/NOTES.md",
    ]
    migration.apply(module, outcome)
    assert (module / NOTES).read_text() == merged
    assert vcs.unmerged_paths(module) == []
    # resolved, and left for the owner to review and stage (only copier's "before" stage stages)
    assert git(module, "status", "--porcelain") == " M modules/notes/docs/NOTES.md\n M modules/notes/notes.txt\n"


def test_a_conflict_with_an_owner_who_migrated_ahead_is_resolved(tmp_path: Path, template: Path) -> None:
    """The owner ran `modforge migrate` before the update (their side holds the new line already) and changed
    the line next to it: the migration changes only the base, and the merge is clean."""
    ours = _notes(a="line a mine", x="new 1")
    module = _conflicted(tmp_path, _notes(), ours, _notes(x="new 1", c="line c theirs"))
    outcome = migration.plan(module, template, _migrations(template, upto="1.0.0"))
    assert [(c.path, c.after) for c in outcome.changes] == [
        ("notes.txt", "new\n"),
        (NOTES, _notes(a="line a mine", x="new 1", c="line c theirs")),
    ]
    assert (outcome.resolved, outcome.skipped, outcome.restaged) == ([NOTES], {}, {})


LEFT = "<<<<<<< before updating\nline {0} mine\n=======\nline {0} theirs\n>>>>>>> after updating\n"  # git's labels


@pytest.mark.parametrize(
    ("c_ours", "c_theirs", "note"),
    [
        ("line c", "line c", "1 conflict left (line 9) where you and release 1.0.0 changed the same lines; resolve it"),
        (
            "line c mine",
            "line c theirs",
            "2 conflicts left (lines 9, 19) where you and release 1.0.0 changed the same lines; resolve them",
        ),
    ],
    ids=["one-left", "two-left"],
)
def test_a_conflict_the_migration_resolves_in_part_is_written_with_the_rest_and_restaged(
    tmp_path: Path, template: Path, c_ours: str, c_theirs: str, note: str
) -> None:
    ours = _notes(a="line a mine", b="line b mine", c=c_ours)
    theirs = _notes(x="new 1", b="line b theirs", c=c_theirs)
    module = _conflicted(tmp_path, _notes(), ours, theirs)
    outcome = migration.plan(module, template, _migrations(template, upto="1.0.0"))
    rest = "line c\n" if c_ours == "line c" else LEFT.format("c")
    merged = f"# T\nline a mine\nnew 1\n{GAP}{LEFT.format('b')}{GAP}{rest}{EXAMPLE}"
    assert [(c.path, c.after) for c in outcome.changes] == [("notes.txt", "new\n"), (NOTES, merged)]
    assert (outcome.changes[1].old_path, outcome.changes[1].before) == (NOTES, (module / NOTES).read_text())
    assert (outcome.resolved, outcome.skipped) == ([], {})
    sides = (_notes(x="new 1"), ours.replace("old", "new"), theirs)
    assert outcome.restaged == {NOTES: sides}
    assert outcome.notes == {NOTES: f"{note} by hand"}
    assert migration.report_lines(outcome, "p") == [
        "p: migrated notes.txt",
        f"p: resolved part of the conflict in docs/NOTES.md: {note} by hand",
    ]
    migration.apply(module, outcome)
    assert (module / NOTES).read_text() == merged
    assert vcs.unmerged_paths(module) == [NOTES]
    assert [vcs.stage_text(module, NOTES, stage) for stage in (1, 2, 3)] == list(sides)


def test_the_restaged_sides_keep_the_file_s_line_endings_and_mode(tmp_path: Path, template: Path) -> None:
    ours, theirs = _notes(a="line a mine", b="line b mine"), _notes(x="new 1", b="line b theirs")
    module = _conflicted(tmp_path, _notes(), ours, theirs, crlf_script=True)
    migration.apply(module, migration.plan(module, template, _migrations(template, upto="1.0.0")))
    merged = f"# T\nline a mine\nnew 1\n{GAP}{LEFT.format('b')}{GAP}line c\n{EXAMPLE}"
    assert (module / NOTES).read_bytes() == merged.replace("\n", "\r\n").encode()
    staged = [line.split()[::2] for line in git(module, "ls-files", "-s", "--", NOTES).splitlines()]
    assert staged == [["100755", "1"], ["100755", "2"], ["100755", "3"]]
    for stage, side in enumerate((_notes(x="new 1"), ours.replace("old", "new"), theirs), start=1):
        blob = subprocess.run(["git", "show", f":{stage}:./{NOTES}"], cwd=module, capture_output=True, check=True)
        assert blob.stdout == side.replace("\n", "\r\n").encode()


def test_a_line_the_owner_changed_their_own_way_stays_a_conflict_for_the_owner(tmp_path: Path, template: Path) -> None:
    module = _conflicted(tmp_path, _notes(), _notes(x="was 1"), _notes(x="new 1"))
    before = (module / NOTES).read_text()
    outcome = migration.plan(module, template, _migrations(template, upto="1.0.0"))
    assert [c.path for c in outcome.changes] == ["notes.txt"]
    assert outcome.skipped == {NOTES: "you and release 1.0.0 changed the same lines; resolve the conflict by hand"}
    assert (outcome.resolved, outcome.restaged, outcome.notes) == ([], {}, {})
    migration.apply(module, outcome)
    assert (module / NOTES).read_text() == before


@pytest.mark.parametrize(
    ("base", "ours", "theirs"),
    [
        (_notes(x="x"), _notes(a="line a mine", x="x"), _notes(x="x", b="line b theirs", a="line a t")),
        (None, "added by the owner\nold\n", "added by the template\nold\n"),  # no base: added on both sides
        (_notes(), _notes(a="line a mine"), None),  # the template deleted the file the owner changed
        (_notes(), None, _notes(x="new 1")),  # the owner deleted the file the template changed
    ],
    ids=["not-concerned", "added-on-both-sides", "deleted-by-the-template", "deleted-by-the-owner"],
)
def test_a_conflict_the_migrations_cannot_reach_is_left_as_copier_left_it(
    tmp_path: Path, template: Path, base: str | None, ours: str | None, theirs: str | None
) -> None:
    module = _conflicted(tmp_path, base, ours, theirs)
    outcome = migration.plan(module, template, _migrations(template, upto="1.0.0"))
    assert [c.path for c in outcome.changes] == ["notes.txt"]
    assert (outcome.resolved, outcome.skipped, outcome.restaged, outcome.notes) == ([], {}, {}, {})


BASE, MIGRATED = "# D\n## Old\nbody\n", "# D\n## New\nbody\n"


@pytest.mark.parametrize(
    ("base", "base_migrated", "ours", "ours_migrated", "expected"),
    [
        # The migration inserted its line just before the owner's changed one: it reached the owner's change.
        (BASE, MIGRATED, "# D\n## Mine\nbody\n", "# D\n## New\n## Mine\nbody\n", MIGRATED),
        # The owner deleted the line; the migration changed the lines around that place, not the owner's.
        (BASE, MIGRATED, "# D\nbody\n", "# E\nbody2\n", BASE),
        # The migration deletes a line the owner changed their own way: the original stays, a conflict.
        (BASE, "# D\nbody\n", "# D\n## Mine\nbody\n", "# D\n## Mine\nbody\n", BASE),
        # The owner's change ends with the migrated line: migrated ahead of the update.
        (BASE, MIGRATED, "# D\n## Mine\n## New\nbody\n", "# D\n## Mine\n## New\nbody\n", MIGRATED),
        # Two base lines migrated, the owner changed the second, the migration reached the first.
        (
            "# D\n## Old\nold body\nend\n",
            "# D\n## New\nnew body\nend\n",
            "# D\n## Old\nmine body\nend\n",
            "# D\n## New\nmine body\nend\n",
            "# D\n## New\nnew body\nend\n",
        ),
        # A line the migration inserts is in the base whatever the owner changed.
        ("# D\nbody\n", "# D\n## T\nbody\n", "# X\nbody\n", "# X\n## T\nbody\n", "# D\n## T\nbody\n"),
    ],
    ids=["inserted-before", "deleted-between", "migration-deletes", "ahead-at-end", "two-lines", "inserted"],
)
def test_the_merge_base_where_the_owner_and_the_migration_meet(
    base: str, base_migrated: str, ours: str, ours_migrated: str, expected: str
) -> None:
    assert migration._merge_base(base, base_migrated, ours, ours_migrated) == expected


# --- copier_main: the migrations inside `copier update` ----------------------------------------------


def test_copier_main_runs_the_after_stage_and_reports_each_file(
    tmp_path: Path, template: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    ours = _notes(a="line a mine", b="line b mine")
    module = _conflicted(tmp_path, _notes(), ours, _notes(x="new 1", b="line b theirs"))
    monkeypatch.chdir(module)
    assert migration.copier_main(["--stage", "after", "--from", "0.1.0", "--to", "2.0.0"], template) == 0
    out, err = capsys.readouterr()
    assert out == "modforge migration 2.0.0: migrated notes.txt\n"
    assert err == (
        "modforge migration 2.0.0: resolved part of the conflict in docs/NOTES.md: 1 conflict left (line 9) "
        "where you and release 1.0.0 changed the same lines; resolve it by hand\n"
    )
    assert (module / "notes.txt").read_text() == "new\n"
    assert (module / "docs" / "GUIDE.md").read_text() == "guide\n"  # 2.0.0 runs in the "before" stage
    assert git(module, "diff", "--cached", "--name-only", "--", "notes.txt") == ""  # the after stage stages nothing


def test_copier_main_in_the_before_stage_stages_its_changes_as_git_mv(
    tmp_path: Path, template: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = tmp_path / "monorepo"
    module = _write(repo / "modules" / "notes", {"notes.txt": "old\n", "docs/GUIDE.md": "guide\n"})
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "base")
    monkeypatch.chdir(module)
    assert migration.copier_main(["--stage", "before", "--from", "0.1.0", "--to", "2.0.0"], template) == 0
    assert capsys.readouterr() == ("modforge migration 2.0.0: migrated docs/HANDBOOK.md\n", "")
    assert git(repo, "status", "--porcelain") == "R  modules/notes/docs/GUIDE.md -> modules/notes/docs/HANDBOOK.md\n"
    assert (module / "notes.txt").read_text() == "old\n"  # 1.0.0 runs in the "after" stage


def test_copier_main_warns_of_a_file_it_left_alone_on_stderr(
    tmp_path: Path, template: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    module = _write(tmp_path / "notes", {"notes.txt": CONFLICTED})
    monkeypatch.chdir(module)
    assert migration.copier_main(["--stage", "after", "--from", "0.9", "--to", "1.0.0"], template) == 0
    assert capsys.readouterr() == (
        "",
        "modforge migration 1.0.0: left notes.txt alone: it has conflict markers; resolve them, then run "
        "`modforge migrate` again to bring in release 1.0.0\n",
    )
    assert (module / "notes.txt").read_text() == CONFLICTED


def test_copier_main_reports_an_expected_problem_as_one_line_and_exit_1(
    tmp_path: Path, template: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    module = _write(tmp_path / "notes", {"notes.txt": "old\n"})
    monkeypatch.chdir(module)
    assert migration.copier_main(["--stage", "after", "--from", "v0.1.0-3-gabc", "--to", "1.0.0"], template) == 1
    assert capsys.readouterr() == (
        "",
        "modforge migration 1.0.0: error: 'v0.1.0-3-gabc' is not a version like 0.2.0\n",
    )
    assert (module / "notes.txt").read_text() == "old\n"


@pytest.mark.parametrize(
    "argv",
    [
        ["--from", "0.1.0", "--to", "1.0.0"],
        ["--stage", "during", "--from", "0.1.0", "--to", "1.0.0"],
        ["--stage", "after", "--to", "1.0.0"],
        ["--stage", "after", "--from", "0.1.0"],
    ],
    ids=["no-stage", "unknown-stage", "no-from", "no-to"],
)
def test_copier_main_refuses_an_incomplete_command_line(
    tmp_path: Path, template: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], argv: list
) -> None:
    module = _write(tmp_path / "notes", {"notes.txt": "old\n"})
    monkeypatch.chdir(module)
    with pytest.raises(SystemExit) as stopped:
        migration.copier_main(argv, template)
    assert stopped.value.code == 2
    usage = "usage: migrations/run.py [-h] --stage {before,after} --from FROM_VERSION"
    assert capsys.readouterr().err.startswith(usage)
    assert (module / "notes.txt").read_text() == "old\n"


def test_copier_main_explains_its_options(
    template: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("COLUMNS", "100")
    with pytest.raises(SystemExit) as stopped:
        migration.copier_main(["--help"], template)
    assert stopped.value.code == 0
    assert capsys.readouterr().out.splitlines()[-3:] == [
        "  --stage {before,after}",
        "  --from FROM_VERSION   copier's _version_pep440_from",
        "  --to TO_VERSION       the migration entry's version",
    ]
