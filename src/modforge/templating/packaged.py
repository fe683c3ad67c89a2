"""The template a regular install carries (`modforge/_template/`), as a git repository copier can use.

copier reads a template's versions from git tags and renders the release a module records, so a plain folder
inside site-packages will not do. `materialise()` builds, once per installed version, a git repository in
the user's cache (`~/.cache/modforge/template`, or `$MODFORGE_CACHE_DIR/template`) holding one commit per
release, tagged `v<X.Y.Z>`: each past release from its archive in the bundle, then this package's template
(with the package's own code as `src/modforge`, the layout of the modforge repository) as
`v<modforge.__version__>`, checked out. Modules record it as `~/.cache/modforge/template`, a path that
means the same on every machine where modforge is installed, so an update on a colleague's machine or in CI
finds it (modforge rebuilds it there first).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import modforge
from modforge.errors import ModforgeError
from modforge.templating import bundle

CACHE_ENV = "MODFORGE_CACHE_DIR"
REPOSITORY = "template"
STAMP_KEY = "modforge.bundle"  # git config entry of the materialised repository: what it was built from
# Fixed identity and dates: the same bundle gives the same commits on every machine.
_COMMIT_ENV = {
    "GIT_AUTHOR_NAME": "modforge",
    "GIT_AUTHOR_EMAIL": "modforge@localhost",
    "GIT_COMMITTER_NAME": "modforge",
    "GIT_COMMITTER_EMAIL": "modforge@localhost",
    "GIT_AUTHOR_DATE": "2000-01-01T00:00:00+0000",
    "GIT_COMMITTER_DATE": "2000-01-01T00:00:00+0000",
}


def bundle_root() -> Path | None:
    """The template inside the installed package, or None (a source checkout has none)."""
    root = Path(modforge.__file__).resolve().parent / bundle.BUNDLE_DIR
    return root if any((root / name).is_file() for name in bundle.CONFIG_NAMES) else None


def recorded_location() -> str:
    """The materialised repository as modules record it (`_src_path`): `~/...` when under the home folder."""
    path = location()
    home = Path.home()
    return f"~/{path.relative_to(home).as_posix()}" if path.is_relative_to(home) else str(path)


def location() -> Path:
    """Where the materialised repository lives: $MODFORGE_CACHE_DIR/template, else the user's cache folder."""
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV]).expanduser().resolve() / REPOSITORY
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache.expanduser().resolve() / "modforge" / REPOSITORY


def is_recorded_location(source: str) -> bool:
    """Whether a template source (an answers file's `_src_path`) names this machine's materialised template."""
    return Path(source).expanduser().resolve() == location() if source and "://" not in source else False


def materialise() -> Path:
    """The tagged repository of the packaged template, built or rebuilt when the bundle changed."""
    root = bundle_root()
    if root is None:
        raise ModforgeError("this modforge installation carries no template; reinstall modforge, or pass --template")
    from modforge.lifecycle import vcs

    target = location()
    stamp = _stamp(root)
    if target.is_dir() and vcs.git(target, "config", "--get", STAMP_KEY, check=False).stdout.strip() == stamp:
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".template-", dir=target.parent))
    try:
        _build(root, staging, stamp)
        if target.exists():  # replaced whole: another process may be reading the old one
            old = Path(tempfile.mkdtemp(prefix=".old-", dir=target.parent))
            target.rename(old / REPOSITORY)
            shutil.rmtree(old, ignore_errors=True)
        staging.rename(target)
    except OSError as error:
        raise ModforgeError(f"cannot build the template repository in {target.parent}: {error}") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def _stamp(root: Path) -> str:
    """What the repository is built from: this version, and each bundled file's size and mtime."""
    entries = sorted(
        f"{path.relative_to(root).as_posix()}:{path.stat().st_size}:{int(path.stat().st_mtime)}"
        for path in root.rglob("*")
        if path.is_file()
    )
    from modforge.config import blake2b

    digest = blake2b("\n".join([modforge.__version__, *entries]).encode(), digest_size=12)
    return digest.hexdigest()


def _build(root: Path, repo: Path, stamp: str) -> None:
    from modforge.lifecycle import releases, vcs

    env = {**os.environ, **_COMMIT_ENV}

    def git(*args: str) -> None:
        vcs.git(repo, *args, env=env)

    git("init", "-q", "-b", "main")
    archives = sorted(
        (releases.parse_version(path.name[1 : -len(".tar.gz")]), path)
        for path in (root / bundle.PAST_RELEASES).glob("v*.tar.gz")
    )
    for version, archive in archives:
        _clear(repo)
        bundle.extract(archive, repo)
        _commit(git, str(version))
    _clear(repo)
    bundle.copy_parts(root, [child.name for child in root.iterdir() if child.name != bundle.PAST_RELEASES], repo)
    package = Path(modforge.__file__).resolve().parent
    shutil.copytree(
        package,
        repo / bundle.SOURCE_DIR / "modforge",
        ignore=shutil.ignore_patterns("__pycache__", "*.pyc", bundle.BUNDLE_DIR),
    )
    _commit(git, modforge.__version__)
    git("config", STAMP_KEY, stamp)


def _commit(git, version: str) -> None:
    from modforge.lifecycle import releases

    git("add", "-A")
    git("commit", "-q", "--allow-empty", "--no-verify", "--no-gpg-sign", "-m", f"modforge template {version}")
    git("tag", "-f", releases.tag(version))


def _clear(repo: Path) -> None:
    for child in repo.iterdir():
        if child.name != ".git":
            shutil.rmtree(child) if child.is_dir() else child.unlink()
