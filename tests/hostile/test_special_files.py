"""Special files and permissions: a FIFO (opening one blocks a reader for ever), a device, a folder where a
file should be, files the commands may not read or write. Readers never block (each command runs under a
time limit here); writers refuse before writing, or undo every step when one fails half-way."""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import pytest

from hostile.helpers import Monorepo, command_args, no_traceback, refused, run

AS_ROOT = os.geteuid() == 0  # CI runs as root, for whom permission bits change nothing


def make_fifo(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path)
    elif os.path.lexists(path):
        path.unlink()
    os.mkfifo(path)


def make_folder(path: Path) -> None:
    path.unlink()
    path.mkdir()
    (path / "notes.md").write_text("a folder where a document should be\n")


PLACES = {
    "design": "docs/INTENT_DESIGN.md",
    "answers": ".copier-answers.yml",
}


@pytest.mark.parametrize("command", ["check", "migrate", "prompt", "update"])
@pytest.mark.parametrize("place", [*PLACES])
def test_a_fifo_never_blocks_a_command(monorepo: Monorepo, command: str, place: str) -> None:
    make_fifo(monorepo.module / PLACES[place])
    monorepo.commit()  # git keeps no FIFO: the work tree stays clean for update
    before = monorepo.snapshot()

    refused(run(*command_args(command, monorepo.module)), command, says="FIFO")

    assert monorepo.snapshot() == before


def test_adopt_skips_a_fifo_among_the_code_it_reads(legacy: Monorepo, template_repo: Path) -> None:
    os.mkfifo(legacy.module / "oagw" / "src" / "stream.rs")  # code_facts reads every *.rs file

    result = run("adopt", legacy.module, "--template", template_repo, "--dry-run")

    no_traceback(result)
    assert result.code == 0, result.err


@pytest.mark.parametrize(
    "where", [".modforge.toml", "pyproject.toml", "guidelines/MODULE_REQUIREMENTS.md"], ids=lambda p: p.split("/")[-1]
)
def test_a_fifo_in_place_of_a_monorepo_file_check_reads_stops_it(monorepo: Monorepo, where: str) -> None:
    path = monorepo.root / where
    path.parent.mkdir(exist_ok=True)
    make_fifo(path)
    before = monorepo.snapshot()

    refused(run("check", monorepo.module), "check", says="FIFO")

    assert monorepo.snapshot() == before


def test_a_fifo_in_place_of_the_cache_is_left_alone(monorepo: Monorepo) -> None:
    (monorepo.root / ".modforge-cache").mkdir()
    make_fifo(monorepo.root / ".modforge-cache" / "results.json")
    before = monorepo.snapshot(cache=True)

    result = run("check", monorepo.module)

    assert result.code == 0, result.err
    assert monorepo.snapshot(cache=True) == before


@pytest.mark.parametrize("command", ["check", "migrate"])
def test_a_folder_where_a_document_should_be(monorepo: Monorepo, command: str) -> None:
    make_folder(monorepo.doc("INTENT_DESIGN.md"))
    monorepo.commit()
    before = monorepo.snapshot()

    refused(run(*command_args(command, monorepo.module)), command, says="is a folder")

    assert monorepo.snapshot() == before


# A FIFO must not block adopt; a folder made adopt crash after 3 of 7 renames, having written the answers file.
@pytest.mark.parametrize(
    ("make", "document", "says"),
    [(make_fifo, "1_INTENT_DESIGN.md", "FIFO"), (make_folder, "5_ACTUAL_REQUIREMENTS.md", "is a folder")],
    ids=["fifo", "folder"],
)
def test_adopt_refuses_a_special_file_where_a_document_should_be(
    legacy: Monorepo, template_repo: Path, make, document: str, says: str
) -> None:
    make(legacy.doc(document))
    legacy.commit()
    before = legacy.snapshot()

    refused(run("adopt", legacy.module, "--template", template_repo), "adopt", says=says)

    assert legacy.snapshot() == before


@pytest.mark.skipif(not AS_ROOT, reason="making a device node needs root")
@pytest.mark.parametrize("command", ["check", "migrate", "update"])
def test_a_device_where_a_document_should_be(monorepo: Monorepo, command: str) -> None:
    design = monorepo.doc("INTENT_DESIGN.md")
    design.unlink()
    os.mknod(design, 0o600 | stat.S_IFCHR, os.makedev(1, 5))  # what /dev/zero is: it never ends
    monorepo.commit()
    before = monorepo.snapshot()

    refused(run(*command_args(command, monorepo.module)), command, says="device")

    assert monorepo.snapshot() == before


# --- permissions and failures half-way ---------------------------------------------------------------------
def test_a_failure_half_way_through_adopt_undoes_every_step(legacy: Monorepo, template_repo: Path) -> None:
    # Renaming seven documents and writing the answers file, then git's index is locked by another process:
    # every renamed and written file goes back, and so does the index (root or not).
    before = legacy.snapshot()
    (legacy.root / ".git" / "index.lock").write_bytes(b"")

    refused(run("adopt", legacy.module, "--template", template_repo), "adopt", says="nothing was changed")

    (legacy.root / ".git" / "index.lock").unlink()
    assert legacy.snapshot() == before


def test_a_read_only_document_is_renamed_and_stays_read_only(legacy: Monorepo, template_repo: Path) -> None:
    # git renames and rewrites read-only files (its checkouts do); adoption does the same and keeps the mode.
    design = legacy.doc("1_INTENT_DESIGN.md")
    design.chmod(0o444)
    legacy.commit()

    result = run("adopt", legacy.module, "--template", template_repo)

    assert result.code == 0, result.err
    assert stat.S_IMODE(legacy.doc("INTENT_DESIGN.md").stat().st_mode) == 0o444
    assert not design.exists()


@pytest.mark.skipif(AS_ROOT, reason="root reads and writes whatever the permission bits say")
def test_a_document_nobody_may_read(monorepo: Monorepo) -> None:
    monorepo.doc("INTENT_DESIGN.md").chmod(0)
    before = monorepo.snapshot()
    try:
        for command in ("check", "migrate"):
            refused(run(*command_args(command, monorepo.module)), command, says="INTENT_DESIGN.md")
    finally:
        monorepo.doc("INTENT_DESIGN.md").chmod(0o644)
    assert monorepo.snapshot() == before


@pytest.mark.skipif(AS_ROOT, reason="root reads and writes whatever the permission bits say")
def test_a_docs_folder_nobody_may_write(legacy: Monorepo, template_repo: Path) -> None:
    docs = legacy.module / "docs"
    docs.chmod(0o555)
    try:
        before = legacy.snapshot()
        refused(run("adopt", legacy.module, "--template", template_repo), "adopt", says="nothing was changed")
        assert legacy.snapshot() == before
    finally:
        docs.chmod(0o755)
