"""Links: no command writes through a symbolic link or outside the module, and none follows a link into a
hang (a loop, a device). Every shape of link, at every place a command reads or writes: a document, the
docs/ folder, the answers file.

`check` only reads, so it reads through a link to a regular file (a shared document, say); a link it
cannot read through (to nothing, a loop, a folder, a device) stops it with exit 2. The commands that write
(`migrate`, `adopt`, `update`) refuse any link where they would read or write, before changing anything.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from hostile.helpers import Monorepo, command_args, no_traceback, refused, run

# Where a link points, given the monorepo and the link's own path.
SHAPES: dict[str, Callable[[Monorepo, Path], str]] = {
    "to a file outside": lambda mono, link: str(mono.outside / "precious.md"),
    "to a folder outside": lambda mono, link: str(mono.outside / "docs"),
    "to nothing": lambda mono, link: str(mono.outside / "missing.md"),
    "to itself": lambda mono, link: str(link),
    "to the repository's README": lambda mono, link: os.path.relpath(mono.root / "README.md", link.parent),
    "to a device": lambda mono, link: "/dev/zero",
}


def check_reads_through(where: str, shape: str) -> bool:
    """Whether `check` reads through the link: a regular file where a file is read, a folder for docs/."""
    if where == "docs":
        return shape == "to a folder outside"
    return shape in ("to a file outside", "to the repository's README")


def place_link(mono: Monorepo, relative: str, shape: str) -> Path:
    """Replace the module's `relative` (a file or folder) with a link of `shape`."""
    link = mono.module / relative
    if link.is_dir() and not link.is_symlink():
        for child in sorted(link.rglob("*"), reverse=True):
            child.unlink() if not child.is_dir() else child.rmdir()
        link.rmdir()
    elif os.path.lexists(link):
        link.unlink()
    link.symlink_to(SHAPES[shape](mono, link))
    return link


CASES = [
    *[("check", "docs/INTENT_DESIGN.md", shape) for shape in SHAPES],
    *[("check", "docs", shape) for shape in ("to a folder outside", "to nothing", "to itself")],
    *[("check", ".copier-answers.yml", shape) for shape in ("to a file outside", "to nothing", "to a device")],
    *[("migrate", "docs/INTENT_DESIGN.md", shape) for shape in SHAPES],
    *[("migrate", "docs", shape) for shape in ("to a folder outside", "to nothing", "to itself")],
    *[("migrate", ".copier-answers.yml", shape) for shape in ("to a file outside", "to a device")],
    *[("prompt", ".copier-answers.yml", shape) for shape in ("to a file outside", "to nothing", "to a device")],
    *[("update", "docs/INTENT_DESIGN.md", shape) for shape in ("to a file outside", "to itself")],
    ("update", "docs", "to a folder outside"),
]


@pytest.mark.parametrize(("command", "where", "shape"), CASES, ids=lambda value: str(value).replace(" ", "-"))
def test_a_link_is_refused_or_read_through_and_nothing_changes(monorepo: Monorepo, command, where, shape) -> None:
    place_link(monorepo, where, shape)
    monorepo.commit()  # update needs a clean work tree; the others do not mind
    before = monorepo.snapshot()

    result = run(*command_args(command, monorepo.module))

    if command == "check" and check_reads_through(where, shape):
        no_traceback(result)
        assert result.code in (0, 1), result.err  # read through: findings, if any, about the linked text
        assert "1 module" in result.out
    else:
        refused(result, command)
    assert monorepo.snapshot() == before


@pytest.mark.parametrize("shape", [*SHAPES], ids=lambda value: value.replace(" ", "-"))
def test_adopt_never_writes_through_a_document_that_is_a_link(legacy: Monorepo, template_repo: Path, shape) -> None:
    # The reported case: adopt wrote the skeleton through a link to a file outside the repository, to
    # nothing, or to the repository's own files; the legacy document is renamed, so it is read and moved.
    place_link(legacy, "docs/1_INTENT_DESIGN.md", shape)
    (legacy.module / "docs" / "TASKS.md").unlink()  # a document adopt would add from its skeleton ...
    place_link(legacy, "docs/TASKS.md", shape)  # ... is a link too
    legacy.commit()
    before = legacy.snapshot()

    refused(run(*command_args("adopt", legacy.module, template_repo)), "adopt", says="link")

    assert legacy.snapshot() == before


@pytest.mark.parametrize("shape", ["to a folder outside", "to nothing", "to itself"])
def test_adopt_never_writes_into_a_docs_folder_that_is_a_link(legacy: Monorepo, template_repo: Path, shape) -> None:
    place_link(legacy, "docs", shape)
    legacy.commit()
    before = legacy.snapshot()

    refused(run(*command_args("adopt", legacy.module, template_repo)), "adopt", says="link")

    assert legacy.snapshot() == before


def test_a_link_elsewhere_in_the_module_stops_update_before_copier_runs(monorepo: Monorepo) -> None:
    # copier renders README.md in place: through a link it would write the repository's own README.
    readme = monorepo.module / "README.md"
    readme.symlink_to(os.path.relpath(monorepo.root / "README.md", readme.parent))
    monorepo.commit()
    before = monorepo.snapshot()

    refused(run("update", monorepo.module), "update", says="README.md is a symbolic link")

    assert monorepo.snapshot() == before


@pytest.mark.parametrize("shape", ["to a folder outside", "to nothing", "to itself"])
def test_new_never_creates_a_module_through_a_link(monorepo: Monorepo, template_dir: Path, shape: str) -> None:
    modules = monorepo.root / "modules"
    shutil.rmtree(modules)
    modules.symlink_to(SHAPES[shape](monorepo, modules), target_is_directory=True)
    before = monorepo.snapshot()

    args = ["new", "cred-store", "--monorepo", monorepo.root, "--defaults", "--template", template_dir]
    refused(run(*args), "new", says="symbolic link")

    assert monorepo.snapshot() == before
