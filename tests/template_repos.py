"""Real template repositories holding every released version, rebuilt from this repository's history.

`releases.toml` names the commit of each release. `build(destination)` makes a git repository with one
commit per release (that commit's template files, taken with `git archive`), tagged `v<version>`, and
last the working tree as the current version, tagged `v<modforge.__version__>`. Update tests copy a
module at an old tag and run the real `copier update` to the newest, as users do; a fresh clone without
tags still has every version, because the commits are in its history.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import tarfile
from pathlib import Path

from conftest import REPO_ROOT, git, snapshot_template

from modforge import __version__
from modforge.lifecycle import releases
from modforge.templating import bundle


def past_releases() -> list[releases.Release]:
    """Releases older than the working tree's version (the working tree stands for the current one)."""
    current = releases.parse_version(__version__)
    return [r for r in releases.load(REPO_ROOT) if r.key < current]


def versions() -> list[str]:
    return [r.version for r in past_releases()] + [__version__]


def _git_top() -> Path:
    """The checkout's top folder (REPO_ROOT, or its parent when the tests run from a copy inside the checkout,
    as mutmut's mutants/ is), where git archive takes the release commits' files."""
    top = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=REPO_ROOT, capture_output=True, text=True)
    return Path(top.stdout.strip()) if top.returncode == 0 else REPO_ROOT


def _extract(commit: str, destination: Path) -> None:
    try:
        archive = bundle.archive_release(_git_top(), commit)
    except LookupError as error:
        raise AssertionError(str(error)) from None
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(destination, filter="data")


def _clear(destination: Path) -> None:
    for child in destination.iterdir():
        if child.name != ".git":
            shutil.rmtree(child) if child.is_dir() else child.unlink()


def build(destination: Path, *, upto: str | None = None, record_releases: bool = False) -> Path:
    """A template repository with every release up to `upto` (default: all, the working tree last).
    With `record_releases`, one more commit writes its own releases.toml (each version and the commit of
    its tag), as the modforge repository records its releases: what a clone without tags relies on."""
    destination.mkdir(parents=True, exist_ok=True)
    git(destination, "init", "-q", "-b", "main")
    for release in past_releases():
        _clear(destination)
        _extract(release.commit, destination)
        _commit(destination, release.version)
        if release.version == upto:
            return destination
    _clear(destination)
    snapshot_template(destination)
    _commit(destination, __version__)
    if record_releases:
        lines = [
            f'"{version}" = "{git(destination, "rev-parse", releases.tag(version) + "^{commit}").strip()}"'
            for version in versions()
        ]
        (destination / releases.RELEASES_FILE).write_text("[releases]\n" + "\n".join(lines) + "\n")
        git(destination, "add", "-A")
        git(destination, "commit", "-q", "-m", "Record the releases")
    return destination


def _commit(destination: Path, version: str) -> None:
    git(destination, "add", "-A")
    git(destination, "commit", "-q", "--allow-empty", "-m", f"modforge template {version}")
    git(destination, "tag", releases.tag(version))


def add_release(template: Path, version: str, edit) -> None:
    """Commit `edit(template)` on top and tag it `v<version>`: a synthetic later release for a test."""
    edit(template)
    _commit(template, version)
