"""Monorepos of many modules at older releases, and the shell loop of `copier update` a team runs over them.

The fleet tests and bench/update.py compare `modforge update --all` with that loop on copies of the same
monorepo: same trees (files, modes, git index), faster. The loop is the one a team writes, with one
addition: after each module's update it sets aside, from the git index, the entries that update left behind,
and puts them all back at the end (four git calls per module, nothing next to the updates themselves), so
that each module's update sees the repository as committed, as when that module is updated alone:

- its unmerged entries (a conflict): without this a loop cannot get through a fleet at all, since copier
  cannot update a module while another module's conflict sits in the index (`git write-tree` refuses
  unmerged entries: "error building trees");
- the entries of the files the update removed (files the new release no longer renders): copier diffs the
  whole repository's index (`git write-tree` at the top) against the module's old render and applies that
  diff at the top with `git apply --reject`, so the diff holds every other module's files as new files, and
  `git apply` writes back the ones missing from the work tree: a later update puts back, as committed, the
  files an earlier update removed (copier 9.19.1; `test_a_plain_loop_puts_back_what_an_earlier_update_removed`
  pins it). Setting them aside gives what copier gives each module alone and what a loop that commits
  between modules gives; the fleet gives the same (docs/updating.md).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import yaml
from conftest import git, init_repo
from lived_in import team_edits

from modforge.lifecycle import releases
from modforge.spec import layout

# No workers: a worker made before 0.3.0 lives in modules/<name>, and 0.3.0 moves it into its gateway's plugins
# folder, which the update refuses to do (`git mv`, tests/test_update_versions.py); a fleet of them never updates.
CATEGORIES = ("generic", "gateway")

LOOP = r"""
set -u
aside="$1"; shift
: > "$aside"
for module in "$@"; do
  (cd "$module" && $COPIER update --trust --defaults --quiet) > /dev/null 2>&1 || echo "copier failed: $module" >&2
  git ls-files -s -u -- "$module" >> "$aside"
  git ls-files -u -- "$module" | cut -f2 | sort -u | xargs -r -d '\n' git update-index --force-remove --
  git ls-files -d -- "$module" | xargs -r -d '\n' git --literal-pathspecs ls-files -s -- >> "$aside"
  git ls-files -d -- "$module" | xargs -r -d '\n' git update-index --force-remove --
done
if [ -s "$aside" ]; then git update-index --index-info < "$aside"; fi
"""


def mixed_answers(index: int) -> dict:
    """The answers of the index-th module: categories, persistence, GTS and phases vary."""
    name = "mod-" + "".join(chr(ord("a") + (index // 26**k) % 26) for k in (2, 1, 0))
    return {
        "module_name": name,
        "category": CATEGORIES[index % 2],
        "persistence": index // 2 % 2 == 0,
        "gts": index % 4 == 1,
        "phases": 1 + index % 3,
    }


@contextlib.contextmanager
def fast_copies() -> Iterator[None]:
    """Inside: `copy_module` reuses one template checkout per release and the compiled templates (the fleet's
    copier seams, modforge.fleet.copier_seams), about ten times faster and the same files, so a monorepo of
    100 modules builds in seconds instead of minutes."""
    from modforge.fleet import copier_seams

    with (
        tempfile.TemporaryDirectory(prefix="fleet-copies-") as scratch,
        copier_seams.Seams(Path(scratch)).installed_in(),
    ):
        yield


def copy_module(template: Path, destination: Path, version: str, answers: dict) -> Path:
    """`copier copy` of release `version` (in-process: building fixtures, not what is measured)."""
    from copier import run_copy

    run_copy(
        str(template), destination, data=answers, defaults=True, unsafe=True, quiet=True, vcs_ref=releases.tag(version)
    )
    return destination


def lived_in(module: Path) -> list[tuple[str, str]]:
    """The team's edits on a copied module (tests/lived_in.py); the lines that must survive."""
    answers = yaml.safe_load((module / layout.ANSWERS_FILE).read_text())
    return team_edits(module, answers)


def rename_security_heading(module: Path) -> str:
    """The owner renamed the design's security section their own way: the 0.2.0 rename conflicts with it."""
    design = module / layout.DOCS_DIR / layout.INTENT_DESIGN
    text = design.read_text()
    assert "## Security and Tenancy\n" in text
    design.write_text(text.replace("## Security and Tenancy\n", "## Tenancy and Access\n"))
    return "## Tenancy and Access"


def commit(monorepo: Path, message: str) -> None:
    if not (monorepo / ".git").exists():
        init_repo(monorepo)
    else:
        git(monorepo, "add", "-A")
        git(monorepo, "commit", "-qm", message)


def copier_command() -> str:
    script = Path(sys.executable).with_name("copier")
    return str(script) if script.exists() else f"{sys.executable} -m copier"


def loop_command(monorepo: Path, modules: list[str]) -> tuple[list[str], dict[str, str]]:
    """The shell loop over `modules` (paths relative to the monorepo), to run from the monorepo's root."""
    aside = monorepo.parent / f".{monorepo.name}-unmerged"
    return ["bash", "-c", LOOP, "loop", str(aside), *modules], {**os.environ, "COPIER": copier_command()}


def run_loop(monorepo: Path, modules: list[str]) -> subprocess.CompletedProcess[str]:
    command, env = loop_command(monorepo, modules)
    return subprocess.run(command, cwd=monorepo, env=env, capture_output=True, text=True)


def duplicate(monorepo: Path, destination: Path) -> Path:
    """A copy of the monorepo, git directory included (each side of a comparison works on its own)."""
    shutil.copytree(monorepo, destination, symlinks=True)
    return destination


def snapshot(root: Path) -> dict:
    """Every file (outside .git) with its permission bits and a hash of its bytes, the git index with every
    stage, and `git status`: equal snapshots mean equal trees."""
    files = {}
    for folder, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d != ".git")
        for name in names:
            path = Path(folder, name)
            data = os.readlink(path).encode() if path.is_symlink() else path.read_bytes()
            files[path.relative_to(root).as_posix()] = (oct(os.lstat(path).st_mode), hashlib.sha256(data).hexdigest())
    return {
        "files": files,
        "index": git(root, "ls-files", "-s"),
        "status": git(root, "status", "--porcelain", "--untracked-files=all"),
    }


def module_part(shot: dict, module: str) -> dict:
    """The part of a snapshot under one module: a gateway's plugins folder holds modules of their own, left out."""
    prefix = module.rstrip("/") + "/"

    def own(path: str) -> bool:
        return path.startswith(prefix) and not path.startswith(f"{prefix}{layout.PLUGINS_DIR}/")

    return {
        "files": {k: v for k, v in shot["files"].items() if own(k)},
        "index": [line for line in shot["index"].splitlines() if own(line.split("\t", 1)[1])],
        "status": [line for line in shot["status"].splitlines() if own(line[3:])],
    }
