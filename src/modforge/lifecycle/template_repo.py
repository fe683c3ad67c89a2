"""A template source copier can work with: a git repository in which every release is a tag.

copier takes a template's versions from git tags: without them it records a bare commit, cannot check out
`v0.1.0`, and skips `_migrations` (it runs them only when both versions are real). A clone can come
without tags (a mirror, a shallow or filtered fetch, a fork), but `releases.toml` names each release's
commit. So every modforge command that hands copier a template goes through here:

- `tagged(source)` gives a local git repository of `source` with every release tagged: the source itself
  when its tags are complete, the template a regular install carries (materialised by
  modforge.templating.packaged), or else a throw-away bare clone of it (sharing its objects) with the
  missing tags created from its `releases.toml`. `checkout(repo, version, destination)` writes one
  release's files from it. Fleet operations take one `tagged` repository for a whole run.
- `serving(*sources)` wraps a copier call: git, for the duration, fetches each source from its tagged
  repository (`url.<repository>.insteadOf=<source>`, through git's GIT_CONFIG_* environment), so copier
  sees real versions, runs the migrations, and records the source as the user named it with a release tag
  (`_commit: v0.2.0`), exactly as from a tagged clone; later updates find that tag the same way.
- `restore_tags(repo)` creates the missing tags in a clone for good (`modforge template restore-tags`), for
  those who run plain copier.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from modforge.errors import ModforgeError
from modforge.lifecycle import releases, vcs

_REMOTE_PREFIXES = ("gh:", "gl:", "git@", "git+")


def is_remote(source: str) -> bool:
    return "://" in source or source.startswith(_REMOTE_PREFIXES)


def is_git_root(path: Path) -> bool:
    """A work tree's root, or a bare repository."""
    if (path / "HEAD").is_file() and (path / "refs").is_dir():
        return True
    top = vcs.toplevel(path) if path.is_dir() else None
    return top is not None and top == path.resolve()


def releases_of(repo: Path) -> list[releases.Release]:
    """The releases `releases.toml` records: the work tree's file, else the one committed at HEAD."""
    if (repo / releases.RELEASES_FILE).is_file():
        return releases.load(repo)
    shown = vcs.git(repo, "show", f"HEAD:{releases.RELEASES_FILE}", check=False)
    return releases.parse(shown.stdout, f"{repo}:{releases.RELEASES_FILE}") if shown.returncode == 0 else []


def tags(repo: Path) -> set[str]:
    return set(vcs.git(repo, "tag", "--list").stdout.split())


def missing_tags(repo: Path) -> list[releases.Release]:
    """The releases of `releases.toml` that have no tag in `repo`."""
    present = tags(repo)
    return [release for release in releases_of(repo) if releases.tag(release.version) not in present]


def restore_tags(repo: Path, found: list[releases.Release] | None = None) -> list[releases.Release]:
    """Tag every release of `releases.toml` (or `found`) that lacks its tag in `repo`; returns those tagged.
    Refuses, tagging nothing, when a release's commit is not in the clone."""
    present = tags(repo)
    todo = [r for r in (releases_of(repo) if found is None else found) if releases.tag(r.version) not in present]
    absent = [r for r in todo if vcs.git(repo, "cat-file", "-e", f"{r.commit}^{{commit}}", check=False).returncode]
    if absent:
        listed = ", ".join(f"{r.version} ({r.commit[:12]})" for r in absent)
        raise ModforgeError(
            f"the template clone at {repo} lacks the commits of release {listed} that releases.toml names "
            "(a shallow or filtered clone?); fetch the full history with `git fetch --unshallow`, "
            "or clone the template again without --depth"
        )
    for release in todo:
        vcs.git(repo, "tag", releases.tag(release.version), release.commit)
    return todo


@contextlib.contextmanager
def tagged(source: str) -> Iterator[Path]:
    """A local git repository of template `source` in which every release is tagged (see the module doc);
    a repository made for the call is removed afterwards."""
    local = _local_repository(source)
    if local is not None and not missing_tags(local):
        yield local
        return
    with tempfile.TemporaryDirectory(prefix="modforge-tagged-") as scratch:
        yield _tagged_clone(source, Path(scratch) / "template.git")


def _local_repository(source: str) -> Path | None:
    """The local git repository `source` names (the packaged template materialised first); None for a URL."""
    from modforge.templating import packaged

    if is_remote(source):
        return None
    if packaged.is_recorded_location(source) and packaged.bundle_root() is not None:
        return packaged.materialise()
    path = Path(source).expanduser().resolve()
    if not is_git_root(path):
        raise ModforgeError(
            f"the template {source} is not a git repository, so it has no releases; pass a clone of the "
            "modforge template, or leave --template out to use the one modforge ships with"
        )
    return path


def _is_template_repository(source: str) -> bool:
    """A git repository, or the shipped template's recorded location (built on demand)."""
    from modforge.templating import packaged

    if packaged.is_recorded_location(source) and packaged.bundle_root() is not None:
        return True
    return is_git_root(Path(source).expanduser().resolve())


def _remote_has_releases(source: str) -> bool:
    listed = vcs.git(Path.cwd(), "ls-remote", "--tags", "--refs", "--", source, check=False)
    if listed.returncode:
        raise ModforgeError(f"cannot read the template repository {source}: {listed.stderr.strip()}")
    return any(releases.version_of_ref(line.rsplit("/", 1)[-1]) for line in listed.stdout.splitlines())


def _tagged_clone(source: str, destination: Path) -> Path:
    local = _local_repository(source)
    origin = str(local) if local is not None else source
    shared = ["--shared"] if local is not None else []
    result = vcs.git(Path.cwd(), "clone", "--bare", "--quiet", *shared, "--", origin, str(destination), check=False)
    if result.returncode:
        raise ModforgeError(f"cannot read the template repository {source}: {result.stderr.strip()}")
    restore_tags(destination, releases_of(local) if local is not None else None)
    return destination


def checkout(repo: Path, version: str, destination: Path) -> Path:
    """Write the files of release `version` of a tagged repository into `destination`."""
    import io
    import tarfile

    archive = vcs.git(repo, "rev-parse", "-q", "--verify", f"refs/tags/{releases.tag(version)}", check=False)
    if archive.returncode:
        raise ModforgeError(f"the template at {repo} has no release {version}; see its releases.toml")
    data = _git_bytes(repo, "archive", "--format=tar", releases.tag(version))
    destination.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        tar.extractall(destination, filter="data")
    return destination


def _git_bytes(repo: Path, *args: str) -> bytes:
    import subprocess

    result = subprocess.run(["git", *args], cwd=repo, capture_output=True)
    if result.returncode:
        raise ModforgeError(f"`git {' '.join(args)}` failed in {repo}: {result.stderr.decode().strip()}")
    return result.stdout


# --- serving copier ----------------------------------------------------------------------------------
@contextlib.contextmanager
def serving(*sources: str | None) -> Iterator[None]:
    """Run the enclosed copier call with every release of each source available as a tag (module doc)."""
    with contextlib.ExitStack() as stack:
        rewrites: dict[str, str] = {}
        for source in dict.fromkeys(s for s in sources if s):
            if is_remote(source) and _remote_has_releases(source):
                continue  # copier fetches it, tags and all
            if not is_remote(source) and not _is_template_repository(source):
                continue  # a plain folder: copier copies it as it is, without versions
            repo = stack.enter_context(tagged(source))
            if is_remote(source) or Path(source).expanduser().resolve() != repo:
                rewrites.update(dict.fromkeys(_spellings(source), str(repo)))
        stack.enter_context(_git_config(rewrites))
        yield


def _spellings(source: str) -> list[str]:
    """The URLs git may be given for `source`: as written, and as copier expands it."""
    if not is_remote(source):
        path = Path(source).expanduser()
        return list(dict.fromkeys([source, path.as_posix(), path.absolute().as_posix(), path.resolve().as_posix()]))
    spellings = [source]
    for short, host in (("gh:", "https://github.com/"), ("gl:", "https://gitlab.com/")):
        if source.startswith(short):
            spellings.append(host + source[len(short) :])
    if source.startswith("git+"):
        spellings.append(source[4:])
    spellings += [s + ".git" for s in spellings if s.startswith("https://") and not s.endswith(".git")]
    return list(dict.fromkeys(spellings))


@contextlib.contextmanager
def _git_config(entries: dict[str, str]) -> Iterator[None]:
    """Add `url.<repository>.insteadOf=<source>` entries to git's configuration for this process and its
    children (git >= 2.31 reads GIT_CONFIG_COUNT / GIT_CONFIG_KEY_n / GIT_CONFIG_VALUE_n), copier's
    subprocess layer (plumbum, which keeps its own copy of the environment) included."""
    if not entries:
        yield
        return
    count = int(os.environ.get("GIT_CONFIG_COUNT", "0") or 0)
    added = {"GIT_CONFIG_COUNT": str(count + len(entries))}
    for index, (spelling, repo) in enumerate(entries.items(), start=count):
        added[f"GIT_CONFIG_KEY_{index}"] = f"url.{repo}.insteadOf"
        added[f"GIT_CONFIG_VALUE_{index}"] = spelling
    environments = [os.environ]
    with contextlib.suppress(ImportError):
        from plumbum import local

        environments.append(local.env)
    saved = [{key: env.get(key) for key in added} for env in environments]
    try:
        for env in environments:
            env.update(added)
        yield
    finally:
        for env, before in zip(environments, saved, strict=True):
            for key, value in before.items():
                if value is None:
                    env.pop(key, None)
                else:
                    env[key] = value
