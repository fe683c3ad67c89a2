"""modforge.filesystem: the write layer every editing command goes through. Nothing outside the root, nothing
through a link, nothing half-written, and the bytes of what was not edited kept (encodings, line endings)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from cli_helpers import files_of
from conftest import git, init_repo
from hypothesis import given, settings
from hypothesis import strategies as st

from modforge.errors import ModforgeError
from modforge.filesystem import confine, textcodec
from modforge.filesystem.transaction import Transaction


# --- text: encodings and line endings kept ------------------------------------------------------------
@pytest.mark.parametrize(
    "data",
    [b"a\r\nb\r\n", b"a\nb\n", b"a\rb\r", b"\xef\xbb\xbfa\r\nb", b"a\r\nb\nc\rd", b"", b"no newline"],
)
def test_decode_then_encode_gives_back_the_same_bytes(data: bytes) -> None:
    decoded = textcodec.decode(data)
    assert "\r" not in decoded.text
    assert textcodec.encode(decoded.text, decoded) == data


def test_a_crlf_file_edited_on_one_line_changes_that_line_only() -> None:
    original = b"# Title\r\n\r\n## Security and Tenancy\r\ntext\r\n"
    decoded = textcodec.decode(original)
    edited = decoded.text.replace("## Security and Tenancy", "## Security")
    assert textcodec.encode(edited, decoded) == b"# Title\r\n\r\n## Security\r\ntext\r\n"


def test_mixed_endings_keep_each_unchanged_line_and_new_lines_take_the_common_one() -> None:
    original = b"one\r\ntwo\nthree\r\nfour\r\n"
    decoded = textcodec.decode(original)
    edited = decoded.text.replace("three\n", "three\nNEW\n")
    assert textcodec.encode(edited, decoded) == b"one\r\ntwo\nthree\r\nNEW\r\nfour\r\n"


def test_a_bom_is_kept() -> None:
    decoded = textcodec.decode(b"\xef\xbb\xbf# Doc\n")
    assert decoded.text == "# Doc\n"
    assert textcodec.encode(decoded.text + "more\n", decoded) == b"\xef\xbb\xbf# Doc\nmore\n"


def test_a_file_that_is_not_utf8_is_refused_with_its_byte_offset() -> None:
    with pytest.raises(textcodec.NotText, match=r"byte 0xe9 at offset 10 \(line 2, column 3\)"):
        textcodec.decode(b"# Title\nca\xe9f\n", "docs/X.md")
    with pytest.raises(textcodec.NotText, match="UTF-16"):
        textcodec.decode("# Title\n".encode("utf-16"))


_line = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n"), max_size=12)
_ending = st.sampled_from(["\n", "\r\n", "\r"])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(_line, _ending), max_size=12), st.booleans(), st.integers(0, 11), _line)
def test_any_text_round_trips_and_an_edit_touches_one_line(lines, bom, which, replacement) -> None:
    raw = "".join(text + ending for text, ending in lines)
    data = (textcodec.UTF8_BOM if bom else b"") + raw.encode()
    decoded = textcodec.decode(data)
    assert textcodec.encode(decoded.text, decoded) == data
    # The file's lines as a reader sees them (a "\r" line ending then an empty "\n" line reads as one CRLF).
    original = re.findall(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z", raw)
    if which < len(original):
        edited = decoded.text.split("\n")
        edited[which] = replacement
        out = textcodec.encode("\n".join(edited), decoded)
        kept = original[which][len(original[which].rstrip("\r\n")) :]
        expected = [*original[:which], replacement + kept, *original[which + 1 :]]
        assert out == (textcodec.UTF8_BOM if bom else b"") + "".join(expected).encode()


# --- paths: inside the root, never through a link -----------------------------------------------------
# Characters str.splitlines ends a line at, that a Markdown line may hold (CommonMark ends lines at \n, \r\n, \r).
INLINE_BREAKS = ["\v", "\f", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"]


@pytest.mark.parametrize("inline", INLINE_BREAKS, ids=[f"U+{ord(c):04X}" for c in INLINE_BREAKS])
def test_lines_end_where_the_parser_ends_them_only(inline: str) -> None:
    text = f"# Title\r\nbefore{inline}after\nlast\rtail"
    assert textcodec.lines(text) == ["# Title", f"before{inline}after", "last", "tail"]
    assert textcodec.lines(text, keepends=True) == ["# Title\r\n", f"before{inline}after\n", "last\r", "tail"]
    assert len(text.splitlines()) == 5  # where str.splitlines would have split the second line


@pytest.mark.parametrize("text", ["", "\n", "a", "a\n", "a\n\nb", "\n\n"])
def test_lines_of_ordinary_text_are_str_splitlines_ones(text: str) -> None:
    assert textcodec.lines(text) == text.splitlines()
    assert textcodec.lines(text, keepends=True) == text.splitlines(keepends=True)


def test_a_dry_run_diff_keeps_a_line_holding_a_line_separator_whole(tmp_path: Path) -> None:
    (tmp_path / "doc.md").write_text("one\u2028still one\ntwo\n")
    change = Transaction(tmp_path)
    change.write("doc.md", "one\u2028still one\nTWO\n".encode())
    assert change.diff().split("\n")[-4:] == [" one\u2028still one", "-two", "+TWO", ""]


def test_paths_that_leave_the_root_are_refused(tmp_path: Path) -> None:
    for path in ("../x", "/etc/passwd", "a/../../x", "", "."):
        with pytest.raises(confine.OutsideRoot):
            confine.confined(tmp_path, path)


def test_a_link_anywhere_on_the_way_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    root = tmp_path / "module"
    root.mkdir()
    (root / "docs").symlink_to(outside, target_is_directory=True)
    (root / "file.md").symlink_to(outside / "x.md")  # dangling
    with pytest.raises(confine.OutsideRoot, match="symbolic link"):
        confine.confined(root, "docs/INTENT_DESIGN.md")
    with pytest.raises(confine.OutsideRoot, match="symbolic link"):
        confine.confined(root, "file.md")


def test_reading_a_fifo_or_a_folder_fails_at_once_instead_of_hanging(tmp_path: Path) -> None:
    fifo = tmp_path / "doc.md"
    os.mkfifo(fifo)
    with pytest.raises(ModforgeError, match="FIFO"):
        confine.read_regular(fifo)
    with pytest.raises(ModforgeError, match="folder"):
        confine.read_regular(tmp_path)
    (tmp_path / "loop").symlink_to(tmp_path / "loop")
    with pytest.raises(ModforgeError, match="symbolic link"):
        confine.read_regular(tmp_path / "loop", follow_links=True)


# --- transactions: all or nothing ----------------------------------------------------------------------
def _tree(root: Path) -> dict[str, bytes]:
    return files_of(root)


def test_a_transaction_writes_renames_and_deletes_together(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_bytes(b"a\n")
    (tmp_path / "old.md").write_bytes(b"old\n")
    (tmp_path / "gone.md").write_bytes(b"gone\n")
    change = Transaction(tmp_path)
    change.write("a.md", b"A\n")
    change.rename("old.md", "docs/new.md")
    change.delete("gone.md")
    change.write("docs/added.md", b"added\n")
    change.commit()
    assert _tree(tmp_path) == {"a.md": b"A\n", "docs/added.md": b"added\n", "docs/new.md": b"old\n"}


def test_nothing_is_written_when_one_target_is_a_folder(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_bytes(b"a\n")
    (tmp_path / "b.md").mkdir()
    before = _tree(tmp_path)
    change = Transaction(tmp_path)
    change.write("a.md", b"changed\n")
    change.write("b.md", b"changed\n")
    with pytest.raises(ModforgeError, match=r"b\.md is a folder"):
        change.commit()
    assert _tree(tmp_path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.md", "b.md"], "no temporary file left"


def test_a_write_through_a_link_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    outside = tmp_path / "outside.md"
    outside.write_bytes(b"precious\n")
    root = tmp_path / "module"
    (root / "docs").mkdir(parents=True)
    (root / "docs" / "A.md").symlink_to(outside)
    change = Transaction(root)
    with pytest.raises(confine.OutsideRoot):
        change.write("docs/A.md", b"skeleton\n")
    assert outside.read_bytes() == b"precious\n"


def test_a_failure_after_files_were_replaced_puts_every_file_and_the_index_back(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / "docs").mkdir(parents=True)
    (repo / "docs" / "1_INTENT_DESIGN.md").write_bytes(b"design\n")
    (repo / "docs" / "TASKS.md").write_bytes(b"tasks\r\n")
    init_repo(repo)
    index = (repo / ".git" / "index").read_bytes()
    before = _tree(repo)
    change = Transaction(repo)
    change.rename("docs/1_INTENT_DESIGN.md", "docs/INTENT_DESIGN.md")
    change.write("docs/INTENT_DESIGN.md", b"design, edited\n")
    change.write("docs/TASKS.md", b"tasks, edited\r\n")
    (repo / ".git" / "index.lock").write_bytes(b"")  # another git process holds the index: update-index fails
    with pytest.raises(ModforgeError, match="nothing was changed"):
        change.commit()
    assert _tree(repo) == before
    assert (repo / ".git" / "index").read_bytes() == index
    (repo / ".git" / "index.lock").unlink()
    assert git(repo, "status", "--porcelain") == ""


def test_renames_move_the_index_entry_like_git_mv_and_leave_edits_unstaged(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / "docs").mkdir(parents=True)
    (repo / "docs" / "1_INTENT_DESIGN.md").write_bytes(b"design\n")
    init_repo(repo)
    change = Transaction(repo / "docs")
    change.rename("1_INTENT_DESIGN.md", "INTENT_DESIGN.md")
    change.write("INTENT_DESIGN.md", b"design\nmore\n")
    change.commit()
    assert git(repo, "status", "--porcelain").splitlines() == ["RM docs/1_INTENT_DESIGN.md -> docs/INTENT_DESIGN.md"]


def test_the_dry_run_diff_applies_to_give_the_real_result(tmp_path: Path) -> None:
    real, dry = tmp_path / "real", tmp_path / "dry"
    for root in (real, dry):
        (root / "docs").mkdir(parents=True)
        (root / "docs" / "A.md").write_bytes(b"one\ntwo\n")
        (root / "docs" / "old.md").write_bytes(b"old\n")
        init_repo(root)

    def plan(root: Path) -> Transaction:
        change = Transaction(root)
        change.write("docs/A.md", b"one\n2\n")
        change.rename("docs/old.md", "docs/new.md")
        change.write("docs/B.md", b"new file\n")
        return change

    patch = plan(dry).diff()
    subprocess.run(["git", "apply", "-"], cwd=dry, input=patch, text=True, check=True)
    plan(real).commit()
    assert _tree(dry) == _tree(real)


def test_an_interrupt_leaves_all_or_nothing(tmp_path: Path) -> None:
    # SIGINT arrives at moments spread over a large commit: the files are either all old or all new, and an
    # interrupt that lands while files are swapped is held until the commit is complete.
    script = textwrap.dedent(
        """
        import signal, sys, time
        from pathlib import Path
        from modforge.filesystem.transaction import Transaction
        root = Path(sys.argv[1]); delay = float(sys.argv[2])
        change = Transaction(root)
        for i in range(400):
            change.write(f"f{i:03}.md", b"new\\n")
        signal.signal(signal.SIGALRM, lambda *a: signal.raise_signal(signal.SIGINT))
        if delay:
            signal.setitimer(signal.ITIMER_REAL, delay)
        start = time.perf_counter()
        try:
            change.commit()
        except KeyboardInterrupt:
            print("interrupted")
            sys.exit(130)
        print(time.perf_counter() - start)
        """
    )

    def run(delay: float) -> tuple[str, set[bytes]]:
        root = tmp_path / f"r{delay}"
        root.mkdir()
        for i in range(400):
            (root / f"f{i:03}.md").write_bytes(b"old\n")
        out = subprocess.run([sys.executable, "-c", script, str(root), str(delay)], capture_output=True, text=True)
        assert not [p for p in root.iterdir() if p.name.endswith(".modforge-tmp")]
        return out.stdout.strip(), {p.read_bytes() for p in root.iterdir()}

    status, contents = run(0)
    assert contents == {b"new\n"}
    whole = float(status)
    held = 0
    for fraction in (0.02, 0.3, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95):
        status, contents = run(round(whole * fraction, 4) or 0.0001)
        assert contents in ({b"old\n"}, {b"new\n"}), f"half-written at {fraction} of the commit"
        held += status == "interrupted" and contents == {b"new\n"}
    assert held, "no interrupt landed while the files were swapped"


# --- what a fleet update writes: modes, a merge's unmerged stages, folders left empty -------------------


def _conflicted_repo(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    (repo / "docs").mkdir(parents=True)
    (repo / "docs" / "A.md").write_bytes(b"base\n")
    (repo / "old" / "deep").mkdir(parents=True)
    (repo / "old" / "deep" / "x.md").write_bytes(b"x\n")
    init_repo(repo)
    return repo


def _stage_entries(repo: Path, path: str) -> list[tuple[str, str]]:
    """(mode, stage) of each index entry of `path`, and each stage's content."""
    lines = git(repo, "ls-files", "-s", "--", path).splitlines()
    return [(line.split()[0], line.split()[2], git(repo, "cat-file", "-p", line.split()[1])) for line in lines]


def test_index_entries_record_a_conflict_as_git_merge_does(tmp_path: Path) -> None:
    repo = _conflicted_repo(tmp_path)
    change = Transaction(repo)
    change.write("docs/A.md", b"<<<<<<< before updating\nours\n=======\ntheirs\n>>>>>>> after updating\n")
    change.set_index_entries(
        "docs/A.md", [(0o100644, 1, b"base\n"), (0o100644, 2, b"ours\n"), (0o100644, 3, b"theirs\n")]
    )
    change.commit()
    assert _stage_entries(repo, "docs/A.md") == [
        ("100644", "1", "base\n"),
        ("100644", "2", "ours\n"),
        ("100644", "3", "theirs\n"),
    ]
    assert git(repo, "status", "--porcelain").splitlines() == ["UU docs/A.md"]


def test_modes_and_emptied_folders_are_written_and_a_failure_puts_both_back(tmp_path: Path) -> None:
    repo = _conflicted_repo(tmp_path)
    before, index = _tree(repo), (repo / ".git" / "index").read_bytes()
    change = Transaction(repo)
    change.write("run.sh", b"#!/bin/sh\n", 0o755)
    change.delete("old/deep/x.md")
    change.remove_folder_if_empty("old/deep")
    change.remove_folder_if_empty("old")
    change.set_index_entries("docs/A.md", [(0o100644, 2, b"ours\n")])
    (repo / ".git" / "index.lock").write_bytes(b"")  # update-index fails after the files were swapped
    with pytest.raises(ModforgeError, match="nothing was changed"):
        change.commit()
    assert _tree(repo) == before
    assert (repo / "old" / "deep").is_dir()
    assert (repo / ".git" / "index").read_bytes() == index
    (repo / ".git" / "index.lock").unlink()
    change.commit()
    assert os.stat(repo / "run.sh").st_mode & 0o777 == 0o755
    assert not (repo / "old").exists(), "the folders the deletion emptied are gone"


def test_a_mode_change_alone_is_a_change(tmp_path: Path) -> None:
    (tmp_path / "tool.sh").write_bytes(b"#!/bin/sh\n")
    os.chmod(tmp_path / "tool.sh", 0o644)
    change = Transaction(tmp_path)
    change.write("tool.sh", b"#!/bin/sh\n", 0o755)
    assert change
    change.commit()
    assert os.stat(tmp_path / "tool.sh").st_mode & 0o777 == 0o755
