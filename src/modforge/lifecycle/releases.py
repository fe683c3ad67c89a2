"""The template's released versions: the tags users update between, and the commits they were cut from.

`releases.toml` at the repository root maps each released version to its commit, so tests can rebuild
every released template from this repository's history; the working tree is the newest version,
`modforge.__version__`. Versions compare as PEP 440 versions, as copier compares them to pick migrations.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from packaging.version import InvalidVersion, Version

from modforge.errors import ModforgeError

RELEASES_FILE = "releases.toml"
TAG_PREFIX = "v"
_COMMIT_RE = re.compile(r"[0-9a-f]{40}")
# `v0.1.0`, or `v0.1.0-3-gabc1234` as copier records a commit after a tag (git describe).
_DESCRIBED_RE = re.compile(r"v?(?P<version>\d+\.\d+\.\d+(?:[-+.a-zA-Z0-9]*?)?)(?:-\d+-g[0-9a-f]+)?(?:\.dirty)?")


@dataclass(frozen=True, order=True)
class Release:
    key: Version
    version: str
    commit: str


def tag(version: str) -> str:
    """The git tag of a release: `0.2.0` -> `v0.2.0`."""
    return f"{TAG_PREFIX}{version}"


def parse_version(text: str) -> Version:
    try:
        return Version(text)
    except (InvalidVersion, ValueError):  # ValueError: a number past int()'s 4,300 digits
        shown = text if len(text) <= 40 else text[:40] + "..."
        raise ModforgeError(f"{shown!r} is not a version like 0.2.0") from None


def version_of_ref(ref: str) -> str | None:
    """The release version a template ref names (`v0.1.0`, `0.1.0`, `v0.1.0-3-gabc1234`), or None for a bare commit."""
    match = _DESCRIBED_RE.fullmatch(ref.strip())
    if not match:
        return None
    try:
        return str(Version(match.group("version")))
    except (InvalidVersion, ValueError):
        return None


def standing(commit: object, newest: str) -> tuple[str | None, bool]:
    """The release a module's answers file records (`_commit`; None for a bare commit or nothing) and whether
    it is older than `newest`: what `modforge status` shows and `modforge update --check` fails on."""
    release = version_of_ref(str(commit)) if commit else None
    try:
        return release, release is not None and Version(release) < Version(newest)
    except InvalidVersion:
        return release, False


def load(repo_root: Path) -> list[Release]:
    """The releases recorded in `repo_root/releases.toml`, oldest first (entries without a commit yet are left out)."""
    path = repo_root / RELEASES_FILE
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    except OSError as error:
        raise ModforgeError(f"cannot read {path}: {error}") from None
    return parse(text, str(path))


def parse(text: str, source: str) -> list[Release]:
    """The releases of a `releases.toml` text (`source` names it in messages), oldest first."""
    import tomllib  # here, not at the top: copier may run the migrations on Python 3.10, which lacks it

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ModforgeError(f"cannot read {source}: {error}") from None
    table = data.get("releases", {})
    if not isinstance(table, dict):
        raise ModforgeError(f'{source}: [releases] must map versions to commits, such as "0.1.0" = "<sha>"')
    found = []
    for version, commit in table.items():
        key = parse_version(version)
        if commit == "":
            continue
        if not isinstance(commit, str) or not _COMMIT_RE.fullmatch(commit):
            raise ModforgeError(f"{source}: release {version} must name a full 40-character commit SHA, not {commit!r}")
        found.append(Release(key, version, commit))
    return sorted(found)


def of_commit(found: list[Release], commit: str) -> Release | None:
    """The release whose commit `commit` (a full or abbreviated SHA, as copier records it untagged) names."""
    commit = commit.strip().lower()
    if not re.fullmatch(r"[0-9a-f]{7,40}", commit):
        return None
    return next((release for release in found if release.commit.startswith(commit)), None)
