"""modforge.lifecycle.conflicts: what a merge or `copier update` leaves in a module, found on real files and in a
real git index, each with the line and the message a user acts on."""

from __future__ import annotations

import subprocess
from pathlib import Path

from conftest import git

from modforge.lifecycle import conflicts
from modforge.lifecycle.conflicts import Leftover

REJECTED = "rejected hunks of the update; apply them by hand, then delete the file"
MARKER = "conflict marker; keep the right lines, then delete the markers"
UNMERGED = "unmerged in git; resolve it, then `git add` it"


def test_a_clean_module_leaves_nothing(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "TASKS.md").write_text("# Tasks\n\n=====\n")
    (tmp_path / "src.rs").write_text("let a = 1; // <<<<<<< inside a line\n")
    assert conflicts.find(tmp_path) == []


def test_markers_rej_files_and_skipped_folders(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "TASKS.md").write_text("# Tasks\n<<<<<<< ours\nmine\n=======\ntheirs\n>>>>>>> theirs\n")
    (docs / "DESIGN.md").write_text("# D\n\n```text\n<<<<<<< in a code block: an example, not a conflict\n```\n")
    (tmp_path / "lib.rs").write_text("fn a() {}\n<<<<<<< ours\n||||||| base\n=======\n>>>>>>> theirs\n")
    (tmp_path / "Cargo.toml.rej").write_text("@@ -1 +1 @@\n")
    for skipped in ("target", ".git", "node_modules", "__pycache__", ".venv"):
        (tmp_path / skipped).mkdir()
        (tmp_path / skipped / "x.rs.rej").write_text("@@\n")
        (tmp_path / skipped / "y.md").write_text("<<<<<<< ours\n")
    (tmp_path / "binary.bin").write_bytes(b"\0<<<<<<< ours\n")
    (tmp_path / "huge.txt").write_text("<<<<<<< ours\n" + "x" * conflicts.MAX_BYTES)
    (tmp_path / "link.md").symlink_to(docs / "TASKS.md")
    assert conflicts.find(tmp_path) == [
        Leftover("Cargo.toml.rej", 0, REJECTED),
        Leftover("docs/TASKS.md", 2, MARKER),
        Leftover("docs/TASKS.md", 4, MARKER),
        Leftover("docs/TASKS.md", 6, MARKER),
        Leftover("lib.rs", 2, MARKER),
        Leftover("lib.rs", 3, MARKER),
        Leftover("lib.rs", 4, MARKER),
        Leftover("lib.rs", 5, MARKER),
    ]


def test_a_file_git_holds_unmerged_is_found_once(tmp_path: Path) -> None:
    git(tmp_path, "init", "-q", "-b", "main")
    (tmp_path / "a.txt").write_text("one\n")
    (tmp_path / "b.txt").write_text("one\n")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "base")
    git(tmp_path, "checkout", "-qb", "theirs")
    (tmp_path / "a.txt").write_text("theirs\n")
    (tmp_path / "b.txt").write_text("theirs\n")
    git(tmp_path, "commit", "-qam", "theirs")
    git(tmp_path, "checkout", "-q", "main")
    (tmp_path / "a.txt").write_text("ours\n")
    (tmp_path / "b.txt").write_text("ours\n")
    git(tmp_path, "commit", "-qam", "ours")
    assert subprocess.run(["git", "merge", "-q", "theirs"], cwd=tmp_path, capture_output=True).returncode != 0
    (tmp_path / "b.txt").write_text("resolved, but not added\n")
    assert conflicts.find(tmp_path) == [
        Leftover("a.txt", 1, MARKER),
        Leftover("a.txt", 3, MARKER),
        Leftover("a.txt", 5, MARKER),
        Leftover("b.txt", 0, UNMERGED),
    ]


def test_a_rej_file_whose_lines_the_file_beside_it_holds_is_named_as_safe_to_delete(tmp_path: Path) -> None:
    (tmp_path / "TASKS.md").write_text("# Tasks\n- [ ] 1.9 Owner's own task\n")
    (tmp_path / "TASKS.md.rej").write_text("@@ -1,2 +1,2 @@\n-old\n+- [ ] 1.9 Owner's own task\n")
    assert conflicts.find(tmp_path) == [
        Leftover("TASKS.md.rej", 0, "rejected hunks; TASKS.md holds every line they add: delete the file")
    ]


def test_a_rej_file_names_each_line_of_the_owner_only_it_holds_with_its_line(tmp_path: Path) -> None:
    (tmp_path / "TASKS.md").write_text("# Tasks\n- [ ] 1.1 Kept by the merge\n")
    (tmp_path / "TASKS.md.rej").write_text(
        "--- a/TASKS.md\n+++ b/TASKS.md\n@@ -1,2 +1,4 @@\n # Tasks\n+- [ ] 1.1 Kept by the merge\n+\n"
        "+- [ ] 1.9 Owner's own task\n"
    )
    assert conflicts.find(tmp_path) == [
        Leftover("TASKS.md.rej", 0, "apply its 1 line(s) to TASKS.md by hand, then delete it"),
        Leftover("TASKS.md.rej", 7, 'your line is only here, not in TASKS.md: "- [ ] 1.9 Owner\'s own task"'),
    ]


def test_a_rej_file_without_the_file_beside_it_names_every_line(tmp_path: Path) -> None:
    (tmp_path / "lib.rs.rej").write_text("@@ -0,0 +1,2 @@\n+fn first() {\n+}\n")
    assert conflicts.find(tmp_path) == [
        Leftover("lib.rs.rej", 0, "apply its 2 line(s) to lib.rs by hand, then delete it"),
        Leftover("lib.rs.rej", 2, "your line is only here, not in lib.rs: 'fn first() {'"),
        Leftover("lib.rs.rej", 3, "your line is only here, not in lib.rs: '}'"),
    ]


def test_markers_before_a_rej_file_are_all_kept(tmp_path: Path) -> None:
    (tmp_path / "A.rs").write_text("<<<<<<< ours\n=======\n>>>>>>> theirs\n")
    (tmp_path / "B.rs.rej").write_text("@@ -1 +1 @@\n")
    assert conflicts.find(tmp_path) == [
        Leftover("A.rs", 1, MARKER),
        Leftover("A.rs", 2, MARKER),
        Leftover("A.rs", 3, MARKER),
        Leftover("B.rs.rej", 0, REJECTED),
    ]


def test_a_conflict_in_a_markdown_code_block_is_an_example_but_in_code_it_is_a_conflict(tmp_path: Path) -> None:
    block = "<<<<<<< ours\nmine\n=======\ntheirs\n>>>>>>> theirs\n"
    (tmp_path / "DESIGN.md").write_text(f"# Design\n\n```text\n{block}```\n")
    # Rust is no Markdown: a fence in a raw string hides nothing.
    (tmp_path / "lib.rs").write_text(f'const EXAMPLE: &str = r#"\n```\n{block}```\n"#;\n')
    assert conflicts.find(tmp_path) == [Leftover("lib.rs", line, MARKER) for line in (3, 5, 7)]


def test_markers_in_a_file_that_is_not_utf8_are_found_and_a_nul_anywhere_means_binary(tmp_path: Path) -> None:
    (tmp_path / "latin1.rs").write_bytes("<<<<<<< ours\ncaf\u00e9\n=======\n>>>>>>> theirs\n".encode("latin-1"))
    (tmp_path / "data.bin").write_bytes(b"<<<<<<< ours\n=======\n>>>>>>> theirs\n\0")
    assert conflicts.find(tmp_path) == [Leftover("latin1.rs", line, MARKER) for line in (1, 3, 4)]
