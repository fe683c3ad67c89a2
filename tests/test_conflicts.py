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
