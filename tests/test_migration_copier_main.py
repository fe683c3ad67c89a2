"""modforge.lifecycle.migration in this process, on a real git repository: what a plan migrates and leaves alone,
the re-merge of the files `copier update` left unmerged (resolved, resolved in part, out of the migrations'
reach), how an outcome is written (renames as `git mv`, staged for copier's "before" stage, the index's conflict
stages in the file's own line endings and mode), and `copier_main`, the entry point copier runs as
migrations/run.py, with its report on stdout and stderr.

The template is a folder in tmp_path holding two literal migrations: 1.0.0 ("after") replaces `old` by `new`
in the files it names; 2.0.0 ("before") renames docs/GUIDE.md to docs/HANDBOOK.md. No copier runs. The re-merge
is one test of one merge holding every kind of conflict: one setup, cheap enough for a mutant's test budget."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from conftest import git

from modforge.filesystem import textcodec
from modforge.lifecycle import migration, releases

V1 = '''"""1.0.0: the notes say `new` where they said `old`."""

VERSION = "1.0.0"
PATHS = ("ADDED", "AHEAD", "CONFLICTED", "GONE", "NEW", "NOTES", "ONE", "OWN", "TWO")


def migrate(tree):
    for path in [f"docs/{name}.md" for name in PATHS] + ["notes.txt"]:
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
EXAMPLE = "\n```\n<<<<<<< an example of a marker, in a code block: no conflict in Markdown\n```\n"


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


def _write(root: Path, files: dict[str, str | bytes | None]) -> Path:
    """Write each file (bytes as they are; None: delete it)."""
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if text is None:
            path.unlink()
        elif isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text)
    return root


def _notes(a: str = "line a", x: str = "old 1", b: str = "line b", c: str = "line c") -> str:
    return f"# T\n{a}\n{x}\n{GAP}{b}\n{GAP}{c}\n{EXAMPLE}"


def _crlf(text: str) -> bytes:
    return text.replace("\n", "\r\n").encode()


def _merged(tmp_path: Path, sides: dict[str, tuple]) -> Path:
    """The module modules/notes of a monorepo after `git merge` of the template's side into the owner's, as
    `copier update` leaves it: `sides` maps a file to its (base, ours, theirs) texts (None: not on that side)."""
    repo = tmp_path / "monorepo"
    module = _write(repo / "modules" / "notes", {"notes.txt": "old\n", "docs/GUIDE.md": "guide\n"})
    _write(module, {path: base for path, (base, _, _) in sides.items() if base is not None})
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "base")
    git(repo, "checkout", "-qb", "template")
    _write(module, {path: theirs for path, (base, _, theirs) in sides.items() if (base, theirs) != (None, None)})
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "theirs")
    git(repo, "checkout", "-q", "main")
    _write(module, {path: ours for path, (base, ours, _) in sides.items() if (base, ours) != (None, None)})
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "ours")
    merge = subprocess.run(["git", "merge", "-q", "template"], cwd=repo, capture_output=True, text=True)
    assert merge.returncode != 0, merge.stdout + merge.stderr
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


# --- the re-merge of the files copier left unmerged ------------------------------------------------------

LEFT = "<<<<<<< before updating\nline {0} mine\n=======\nline {0} theirs\n>>>>>>> after updating\n"  # git's labels
OURS = _notes(a="line a mine", b="line b mine", c="line c mine")
THEIRS = _notes(x="new 1", b="line b theirs", c="line c theirs")
SIDES = {
    # The owner changed the line next to the one the release changed (a conflict for git, which the migration
    # removes) and two lines the release changed too (conflicts it leaves). Windows line endings.
    "docs/TWO.md": (_crlf(_notes()), _crlf(OURS), _crlf(THEIRS)),
    # The owner ran `modforge migrate` before the update and changed the line next to the migrated one: the
    # migration changes only the base, and the merge is clean.
    "docs/AHEAD.md": (_notes(), _notes(a="line a mine", x="new 1"), _notes(x="new 1", c="line c theirs")),
    "docs/ONE.md": (_notes(), _notes(a="line a mine", b="line b mine"), _notes(x="new 1", b="line b theirs")),
    # The owner changed the migrated line their own way (out of the migration's reach): a conflict left alone.
    "docs/OWN.md": (_notes(), _notes(x="was 1"), _notes(x="new 1")),
    # The owner wrote the line the migration changes where the template changed it too: left alone.
    "docs/NEW.md": (_notes(x="x 1"), _notes(x="old 1"), _notes(x="x 2")),
    "docs/ADDED.md": (None, "added by the owner\nold\n", "added by the template\nold\n"),  # no base
    "docs/GONE.md": (_notes(), _notes(a="line a mine"), None),  # the template deleted what the owner changed
}


def test_the_re_merge_resolves_the_conflicts_the_migrations_remove_and_restages_the_rest(
    tmp_path: Path, template: Path
) -> None:
    module = _merged(tmp_path, SIDES)
    ahead, one_before, two = (
        textcodec.decode((module / f"docs/{name}.md").read_bytes()) for name in ("AHEAD", "ONE", "TWO")
    )
    outcome = migration.plan(module, template, _migrations(template, upto="1.0.0"))
    merged = f"# T\nline a mine\nnew 1\n{GAP}{LEFT.format('b')}{GAP}{LEFT.format('c')}{EXAMPLE}"
    one = f"# T\nline a mine\nnew 1\n{GAP}{LEFT.format('b')}{GAP}line c\n{EXAMPLE}"
    assert [(c.path, c.old_path, c.before, c.after, c.encoding) for c in outcome.changes] == [
        ("notes.txt", "notes.txt", "old\n", "new\n", textcodec.decode(b"old\n")),
        ("docs/AHEAD.md", "docs/AHEAD.md", ahead.text, _notes(a="line a mine", x="new 1", c="line c theirs"), ahead),
        ("docs/ONE.md", "docs/ONE.md", one_before.text, one, one_before),
        ("docs/TWO.md", "docs/TWO.md", two.text, merged, two),
    ]
    assert (two.newline, two.text.count("\n<<<<<<< HEAD\n")) == ("\r\n", 3)
    same_lines = "you and release 1.0.0 changed the same lines; resolve the conflict by hand"
    assert (outcome.resolved, outcome.skipped) == (
        ["docs/AHEAD.md"],
        {"docs/NEW.md": same_lines, "docs/OWN.md": same_lines},
    )
    assert outcome.restaged == {
        "docs/ONE.md": (
            _notes(x="new 1"),
            _notes(a="line a mine", x="new 1", b="line b mine"),
            _notes(x="new 1", b="line b theirs"),
        ),
        "docs/TWO.md": (_notes(x="new 1"), OURS.replace("old", "new"), THEIRS),
    }
    assert migration.report_lines(outcome, "p") == [
        "p: migrated notes.txt",
        "p: resolved the conflict in docs/AHEAD.md",
        "p: resolved part of the conflict in docs/ONE.md: 1 conflict left (line 9) where you and release 1.0.0 "
        "changed the same lines; resolve it by hand",
        "p: resolved part of the conflict in docs/TWO.md: 2 conflicts left (lines 9, 19) where you and release "
        "1.0.0 changed the same lines; resolve them by hand",
        f"p: left docs/NEW.md alone: {same_lines}",
        f"p: left docs/OWN.md alone: {same_lines}",
    ]
    assert migration.transaction(module, outcome).planned("docs/TWO.md") == _crlf(merged)


def test_applying_a_re_merge_writes_the_merge_and_sets_the_conflict_s_stages(tmp_path: Path) -> None:
    """The index's stages of a conflict resolved in part are the re-merge's three sides, in the file's line
    endings and mode; a resolved conflict leaves the index, its text unstaged for the owner to review."""
    repo = tmp_path / "monorepo"
    module = _write(repo / "m", {"docs/PART.md": _crlf("was\n"), "docs/DONE.md": "was\n"})
    (module / "docs" / "PART.md").chmod(0o755)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "base")
    encoding = textcodec.decode(_crlf("was\n"))
    outcome = migration.Outcome([], resolved=["docs/DONE.md"], restaged={"docs/PART.md": ("b\n", "o\n", "t\n")})
    outcome.changes += [
        migration.Change("docs/DONE.md", "docs/DONE.md", "was\n", "done\n", textcodec.decode(b"was\n")),
        migration.Change("docs/PART.md", "docs/PART.md", "was\n", "part\n", encoding),
    ]
    migration.apply(module, outcome)
    assert (module / "docs" / "PART.md").read_bytes() == b"part\r\n"
    staged = git(module, "ls-files", "-s", "--", "docs/PART.md").splitlines()
    assert [line.split()[::2] for line in staged] == [["100755", "1"], ["100755", "2"], ["100755", "3"]]
    for stage, side in enumerate(("b\n", "o\n", "t\n"), start=1):
        blob = subprocess.run(["git", "show", f":{stage}:./docs/PART.md"], cwd=module, capture_output=True, check=True)
        assert blob.stdout == _crlf(side)
    assert git(repo, "status", "--porcelain", "--", "m/docs/DONE.md") == " M m/docs/DONE.md\n"  # resolved, unstaged


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
    repo = tmp_path / "monorepo"
    files = {"notes.txt": "old\n", "docs/GUIDE.md": "guide\n", "docs/CONFLICTED.md": CONFLICTED}
    module = _write(repo / "modules" / "notes", files)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "base")
    monkeypatch.chdir(module)
    assert migration.copier_main(["--stage", "after", "--from", "0.1.0", "--to", "2.0.0"], template) == 0
    assert capsys.readouterr() == (
        "modforge migration 2.0.0: migrated notes.txt\n",
        "modforge migration 2.0.0: left docs/CONFLICTED.md alone: it has conflict markers; resolve them, then run "
        "`modforge migrate` again to bring in release 1.0.0\n",
    )
    assert (module / "notes.txt").read_text() == "new\n"
    assert (module / "docs" / "GUIDE.md").read_text() == "guide\n"  # 2.0.0 runs in the "before" stage
    assert git(repo, "status", "--porcelain") == " M modules/notes/notes.txt\n"  # the after stage stages nothing


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
