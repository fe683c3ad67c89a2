"""modforge.lifecycle.migration, the parts a migration author relies on, in this process on real files: which
files of a template's migrations/ are migrations (and the exact refusal of a malformed one), which run for an
update, the module as a migration sees it (`ModuleTree`: reads, writes, renames, what changed), and the answers
file. Each template here is a folder in tmp_path holding literal migration files; no copier runs."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
import yaml

from modforge.errors import ModforgeError
from modforge.lifecycle import migration, releases
from modforge.spec import layout


def _template(root: Path, files: dict[str, str]) -> Path:
    """A template folder whose migrations/ holds `files` (name -> source)."""
    folder = root / "migrations"
    folder.mkdir(parents=True)
    for name, source in files.items():
        (folder / name).write_text(source)
    return root


def _module(root: Path, files: dict[str, str | bytes]) -> Path:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)
    root.mkdir(parents=True, exist_ok=True)
    return root


def _release(version: str, stage: str = "after", migrate=lambda tree: None) -> migration.Migration:
    name = "v" + version.replace(".", "_")
    return migration.Migration(releases.parse_version(version), name, stage, f"{version}: a change", migrate)


# --- discover: the files that are migrations ------------------------------------------------------------


def test_discover_loads_each_release_file_in_version_order_and_ignores_other_names(tmp_path: Path) -> None:
    template = _template(
        tmp_path,
        {
            # in file-name order v0_10_0 comes before v0_1_0_draft and v0_9_0; in version order it is last
            "v0_10_0.py": 'VERSION = "0.10.0"\nSTAGE = "before"\n\ndef migrate(tree):\n    pass\n',
            "v0_1_0_draft.py": 'raise RuntimeError("not a release file: never loaded")\n',
            "v0_9_0.py": '"""\n  0.9.0: the design gains a section.\n\nWhy: reviewers asked.\n"""\n'
            'VERSION = "0.9.0"\n\ndef migrate(tree):\n    tree.write("docs/NOTES.md", "0.9.0\\n")\n',
            "notes.py": 'raise RuntimeError("not a migration")\n',
            "v1_0_0.txt": "not python\n",
        },
    )
    found = migration.discover(template)
    assert [(str(m.version), m.name, m.stage, m.summary) for m in found] == [
        ("0.9.0", "v0_9_0", "after", "0.9.0: the design gains a section."),
        ("0.10.0", "v0_10_0", "before", "v0_10_0"),  # no docstring: the file's stem
    ]
    tree = migration.ModuleTree(_module(tmp_path / "module", {}), template)
    found[0].migrate(tree)
    assert tree.read("docs/NOTES.md") == "0.9.0\n"


def test_a_template_without_migrations_has_none(tmp_path: Path) -> None:
    assert migration.discover(tmp_path) == []
    (tmp_path / "migrations").write_text("a file, not a folder\n")
    assert migration.discover(tmp_path) == []


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ('VERSION = "1.0.1"\ndef migrate(tree):\n    pass\n', "v1_0_1"),  # the version is not the file's
        ('VERSION = "1.0.0"\nSTAGE = "during"\ndef migrate(tree):\n    pass\n', "v1_0_0"),
        ('VERSION = "1.0.0"\nmigrate = "not a function"\n', "v1_0_0"),
        ('VERSION = "1.0.0"\n', "v1_0_0"),
    ],
    ids=["version", "stage", "migrate-not-callable", "no-migrate"],
)
def test_a_malformed_migration_is_refused_naming_what_it_must_define(
    tmp_path: Path, source: str, expected: str
) -> None:
    template = _template(tmp_path, {"v1_0_0.py": source})
    with pytest.raises(migration.MigrationError) as raised:
        migration.discover(template)
    path = template / "migrations" / "v1_0_0.py"
    assert str(raised.value) == f"{path} must define VERSION matching its name ({expected}), STAGE and migrate(tree)"


def test_a_migration_without_a_version_is_refused_as_one(tmp_path: Path) -> None:
    template = _template(tmp_path, {"v1_0_0.py": "def migrate(tree):\n    pass\n"})
    with pytest.raises(ModforgeError) as raised:
        migration.discover(template)
    assert str(raised.value) == "'' is not a version like 0.2.0"


DATACLASS_MIGRATION = '''"""{version}: a migration with a helper dataclass."""

from __future__ import annotations

from dataclasses import dataclass

VERSION = "{version}"
ORIGIN = "{origin}"


@dataclass
class Rename:
    old: str
    new: str


def migrate(tree):
    pass
'''


def test_each_loaded_migration_is_its_own_module_so_dataclasses_and_imports_resolve(tmp_path: Path) -> None:
    """A migration may define dataclasses (they look their module up in sys.modules); two templates' files
    of the same release stay two modules."""
    old = _template(tmp_path / "old", {"v1_0_0.py": DATACLASS_MIGRATION.format(version="1.0.0", origin="old")})
    new = _template(tmp_path / "new", {"v1_0_0.py": DATACLASS_MIGRATION.format(version="1.0.0", origin="new")})
    (first,), (second,) = migration.discover(old), migration.discover(new)
    assert first.migrate.__module__ != second.migrate.__module__
    assert sys.modules[first.migrate.__module__].ORIGIN == "old"
    assert sys.modules[second.migrate.__module__].ORIGIN == "new"
    assert sys.modules[first.migrate.__module__].Rename("a", "b").new == "b"


# --- pending: which migrations an update runs -----------------------------------------------------------


@pytest.mark.parametrize(
    ("after", "upto", "stage", "expected"),
    [
        ("0.1.0", "0.3.0", None, ["0.2.0", "0.3.0"]),  # after < version <= upto
        ("0.2.0", "0.4.0", None, ["0.3.0", "0.4.0"]),
        ("0.1.0", "0.4.0", "after", ["0.2.0", "0.4.0"]),
        ("0.1.0", "0.4.0", "before", ["0.3.0"]),
        ("0.4.0", "0.4.0", None, []),
        ("0.0.1", "0.1.0", "before", []),
    ],
)
def test_pending_selects_the_releases_after_the_old_one_up_to_the_new_one_of_a_stage(
    after: str, upto: str, stage: str | None, expected: list[str]
) -> None:
    shipped = [_release("0.1.0"), _release("0.2.0"), _release("0.3.0", "before"), _release("0.4.0")]
    chosen = migration.pending(shipped, releases.parse_version(after), releases.parse_version(upto), stage)
    assert [str(m.version) for m in chosen] == expected


# --- the module as a migration sees it ------------------------------------------------------------------


@pytest.mark.parametrize("path", ["../outside.md", "/etc/passwd", "docs/../../x.md", ""])
def test_a_path_outside_the_module_stops_the_migration(tmp_path: Path, path: str) -> None:
    tree = migration.ModuleTree(_module(tmp_path, {}), tmp_path)
    with pytest.raises(migration.MigrationError) as raised:
        tree.read(path)
    assert str(raised.value) == f"migration path {path!r} must be relative to the module and stay inside it"


def test_a_folder_where_a_file_is_read_stops_the_migration(tmp_path: Path) -> None:
    module = _module(tmp_path / "m", {"docs/NOTES.md/inner.md": "x\n"})
    with pytest.raises(ModforgeError) as raised:
        migration.ModuleTree(module, tmp_path).read("docs/NOTES.md")
    assert str(raised.value) == f"{module / 'docs' / 'NOTES.md'} is a folder, not a file; move it away, then run again"


def test_a_fifo_where_a_file_is_read_stops_the_migration_without_blocking(tmp_path: Path) -> None:
    module = _module(tmp_path / "m", {"docs/KEEP.md": "x\n"})
    os.mkfifo(module / "docs" / "NOTES.md")
    with pytest.raises(ModforgeError) as raised:
        migration.ModuleTree(module, tmp_path).original("docs/NOTES.md")
    assert str(raised.value) == (
        f"{module / 'docs' / 'NOTES.md'} is a FIFO, device or socket, not a file; move it away, then run again"
    )


def test_a_file_larger_than_any_document_is_not_read(tmp_path: Path) -> None:
    module = _module(tmp_path / "m", {"docs/NOTES.md": b"x" * (migration.MAX_FILE_BYTES + 1)})
    with pytest.raises(ModforgeError) as raised:
        migration.ModuleTree(module, tmp_path).read("docs/NOTES.md")
    assert (
        str(raised.value)
        == f"{module / 'docs' / 'NOTES.md'} has 5,000,001 bytes, more than the 5,000,000 modforge reads"
    )


def test_reads_see_the_tree_s_own_writes_and_original_sees_the_disk(tmp_path: Path) -> None:
    module = _module(tmp_path / "m", {"docs/NOTES.md": "on disk\n"})
    tree = migration.ModuleTree(module, tmp_path)
    assert tree.doc_path("NOTES.md") == "docs/NOTES.md"
    assert tree.exists("docs/NOTES.md")
    assert not tree.exists("docs/OTHER.md")
    tree.write("docs/NOTES.md", "written\n")
    tree.write("docs/OTHER.md", "new\n")
    assert (tree.read("docs/NOTES.md"), tree.original("docs/NOTES.md")) == ("written\n", "on disk\n")
    assert (tree.read("docs/OTHER.md"), tree.original("docs/OTHER.md")) == ("new\n", None)
    assert (module / "docs" / "NOTES.md").read_text() == "on disk\n"
    assert not (module / "docs" / "OTHER.md").exists()


def test_a_replaced_text_stands_for_the_file_on_disk(tmp_path: Path) -> None:
    module = _module(tmp_path / "m", {"docs/NOTES.md": "on disk\n"})
    tree = migration.ModuleTree(module, tmp_path, {"docs/NOTES.md": "the base\n"})
    assert tree.read("docs/NOTES.md") == tree.original("docs/NOTES.md") == "the base\n"


def test_is_new_is_true_only_for_a_file_the_migrations_created(tmp_path: Path) -> None:
    module = _module(tmp_path / "m", {"docs/EDITED.md": "a\n", "docs/OLD.md": "b\n"})
    tree = migration.ModuleTree(module, tmp_path)
    tree.write("docs/EDITED.md", "a2\n")
    tree.write("docs/CREATED.md", "c\n")
    tree.rename("docs/OLD.md", "docs/MOVED.md")
    assert [tree.is_new(p) for p in ("docs/EDITED.md", "docs/CREATED.md", "docs/MOVED.md", "docs/NONE.md")] == [
        False,
        True,
        False,  # renamed: it was on disk under its former name
        False,
    ]


def test_renames_refuse_a_missing_source_and_an_existing_destination(tmp_path: Path) -> None:
    module = _module(tmp_path / "m", {"docs/A.md": "a\n", "docs/B.md": "b\n"})
    tree = migration.ModuleTree(module, tmp_path)
    with pytest.raises(migration.MigrationError) as raised:
        tree.rename("docs/NONE.md", "docs/C.md")
    assert str(raised.value) == "cannot rename docs/NONE.md: it does not exist"
    with pytest.raises(migration.MigrationError) as raised:
        tree.rename("docs/A.md", "docs/B.md")
    assert str(raised.value) == "cannot rename docs/A.md to docs/B.md: docs/B.md exists"


def test_changes_list_edits_new_files_and_renames_once_each_against_the_disk(tmp_path: Path) -> None:
    module = _module(tmp_path / "m", {"docs/A.md": "a\n", "docs/B.md": "b\n", "docs/C.md": "c\n"})
    tree = migration.ModuleTree(module, tmp_path)
    tree.write("docs/A.md", "a\n")  # written as it was: no change (and sorted before the real ones)
    tree.write("docs/B.md", "b2\n")
    tree.rename("docs/C.md", "docs/D.md")
    tree.rename("docs/D.md", "docs/E.md")  # two renames: one change, from where the file is on disk
    tree.write("docs/NEW.md", "n\n")
    assert [(c.path, c.old_path, c.before, c.after) for c in tree.changes()] == [
        ("docs/B.md", "docs/B.md", "b\n", "b2\n"),
        ("docs/E.md", "docs/C.md", "c\n", "c\n"),
        ("docs/NEW.md", None, None, "n\n"),
    ]


def test_a_migration_may_not_delete_a_file(tmp_path: Path) -> None:
    module = _module(tmp_path / "m", {"docs/A.md": "a\n"})
    tree = migration.ModuleTree(module, tmp_path)
    tree._text["docs/A.md"] = None  # what a deletion would leave; the API has no delete
    with pytest.raises(migration.MigrationError) as raised:
        tree.changes()
    assert str(raised.value) == "migrations may not delete files (docs/A.md); move the content instead"


def test_a_change_keeps_the_file_s_byte_order_mark_and_line_endings(tmp_path: Path) -> None:
    module = _module(tmp_path / "m", {"docs/A.md": b"\xef\xbb\xbf# A\r\nold\r\n"})
    tree = migration.ModuleTree(module, tmp_path)
    assert tree.read("docs/A.md") == "# A\nold\n"
    tree.write("docs/A.md", "# A\nnew\n")
    (change,) = tree.changes()
    outcome = migration.Outcome([], changes=[change])
    migration.apply(module, outcome)
    assert (module / "docs" / "A.md").read_bytes() == b"\xef\xbb\xbf# A\r\nnew\r\n"


def test_document_parses_the_pipeline_document_as_the_tree_holds_it(tmp_path: Path) -> None:
    module = _module(tmp_path / "m", {"docs/INTENT_DESIGN.md": "# Design\n\n## Overview\n"})
    tree = migration.ModuleTree(module, tmp_path)
    tree.write("docs/INTENT_DESIGN.md", "# Design\n\n## Security\n")
    doc = tree.document("INTENT_DESIGN.md")
    assert (doc.path, doc.name) == (module.resolve() / "docs" / "INTENT_DESIGN.md", "INTENT_DESIGN.md")
    assert [(h.level, h.text) for h in doc.headings] == [(1, "Design"), (2, "Security")]
    assert tree.document("TASKS.md") is None


def test_skeleton_renders_the_template_for_the_module_s_answers(tmp_path: Path) -> None:
    from conftest import REPO_ROOT

    answers = {"_commit": "v0.1.0", "_src_path": "gh:example/modforge", "module_name": "cred-store"}
    answers |= {"id_prefix": "CREDSTORE", "description": "Stores tenant credentials"}
    module = _module(tmp_path / "cred-store", {layout.ANSWERS_FILE: yaml.safe_dump(answers)})
    text = migration.ModuleTree(module, REPO_ROOT).skeleton("docs/INTENT_DESIGN.md")
    assert text.startswith(
        "# Cred Store: Intent Design\n\n| Module | Category | ID prefix | Owner |\n|--------|----------|-----------|"
        "-------|\n| `cred-store` | generic | `CREDSTORE` | @cred-store-owners |\n"
    )


# --- conflict markers -----------------------------------------------------------------------------------

FENCED_MARKER = "# Notes\n\n```\n<<<<<<< mine\n```\n\n<<<<<<< HEAD\na\n=======\nb\n>>>>>>> theirs\n"


def test_markdown_conflict_markers_are_those_outside_code_blocks() -> None:
    assert migration.conflict_lines(FENCED_MARKER) == [7, 9, 11]  # Markdown unless told otherwise
    assert migration.conflict_lines(FENCED_MARKER, markdown=True) == [7, 9, 11]
    assert migration.conflict_lines(FENCED_MARKER, markdown=False) == [4, 7, 9, 11]
    assert migration.conflict_lines("# Notes\nno conflict\n", markdown=False) == []


def test_conflict_blocks_are_the_lines_of_the_opening_markers() -> None:
    assert migration._conflict_blocks(FENCED_MARKER, True) == [7]
    assert migration._conflict_blocks(FENCED_MARKER, False) == [4, 7]
    assert migration._conflict_blocks("a\n=======\n>>>>>>> x\n", False) == []
    assert migration._conflict_blocks("a\n<<<<<<< on the last line", False) == [2]


# --- the answers file -----------------------------------------------------------------------------------


def test_a_module_without_answers_is_sent_to_adopt(tmp_path: Path) -> None:
    with pytest.raises(ModforgeError) as raised:
        migration.read_answers(tmp_path)
    assert str(raised.value) == (
        f"{tmp_path} has no {layout.ANSWERS_FILE}: it was not made by the modforge template; "
        f"run `modforge adopt {tmp_path}` to bring it under the template"
    )
    (tmp_path / layout.ANSWERS_FILE).write_text("module_name: x\n")
    assert migration.read_answers(tmp_path) == {"module_name": "x"}
    assert migration.ModuleTree(tmp_path, tmp_path).answers == {"module_name": "x"}


@pytest.mark.parametrize(
    ("answers", "source", "missing"),
    [
        ({"_src_path": "gh:acme/service-template", "name": "x"}, "gh:acme/service-template", "module_name, id_prefix"),
        ({"module_name": "x"}, "an unknown template", "id_prefix"),
    ],
)
def test_answers_of_another_template_are_refused(tmp_path: Path, answers: dict, source: str, missing: str) -> None:
    with pytest.raises(ModforgeError) as raised:
        migration.check_modforge_answers(tmp_path, answers)
    assert str(raised.value) == (
        f"{tmp_path / layout.ANSWERS_FILE} was written by another template ({source}): it has no {missing}; "
        "modforge only updates modules made from the modforge template"
    )


def test_answers_of_the_modforge_template_pass() -> None:
    migration.check_modforge_answers(Path("m"), {"module_name": "x", "id_prefix": "X", "_src_path": "gh:o/t"})


# --- tracing which release changed what ---------------------------------------------------------------


def test_run_traced_names_the_migrations_that_changed_each_path(tmp_path: Path) -> None:
    def first(tree: migration.ModuleTree) -> None:
        tree.write("a.md", "x\n")

    def second(tree: migration.ModuleTree) -> None:
        tree.write("a.md", "x\n")  # the same text again: no change of its own
        tree.write("b.md", "y\n")

    def third(tree: migration.ModuleTree) -> None:
        tree.write("a.md", "z\n")

    m1, m2, m3 = _release("1.0.0", migrate=first), _release("2.0.0", migrate=second), _release("3.0.0", migrate=third)
    touched = migration.run_traced(migration.ModuleTree(_module(tmp_path, {}), tmp_path), [m1, m2, m3])
    assert touched == {"a.md": [m1, m3], "b.md": [m2]}
    assert migration.releases_named(touched["a.md"]) == "releases 1.0.0 and 3.0.0"
    assert migration.releases_named([m3, m1, m2]) == "releases 1.0.0, 2.0.0 and 3.0.0"
    assert migration.releases_named([m2]) == "release 2.0.0"
