"""A module alone in a scratch git repository, where `copier update` can run beside other modules' updates.

`copier update` works on the git index of the repository holding the module (it writes the tree of the
whole index, and marks conflicts there), so two updates in one monorepo at once would be two writers on
one index; and one after the other, a conflict left by the first stops every later one (`git write-tree`
refuses an index with unmerged entries). Each module is therefore updated in its own repository holding
what copier can see of the monorepo from the module: the module's committed files at the same path, the
`.gitignore` and `.gitattributes` files above it, the repository's ignore and attribute rules and the git
settings that change how files are read, and the answers files of the modules beside it that the
template's ID-prefix validator would object to (those with the module's own prefix: usually none). What
the rest of the monorepo would add to copier's diff are files copier cannot apply there ("already
exists"), so the module's result is the one `copier update` gives in the monorepo. `collect` then reads
what changed, the index's unmerged stages included, as plain data.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from modforge.errors import ModforgeError

# git settings that change what copier's git commands read or write in a work tree.
COPIED_SETTINGS = ("core.autocrlf", "core.eol", "core.safecrlf", "core.filemode", "core.symlinks", "core.ignorecase")
RULE_FILES = (".gitignore", ".gitattributes")
_IDENTITY = {
    "GIT_AUTHOR_NAME": "modforge",
    "GIT_AUTHOR_EMAIL": "modforge@localhost",
    "GIT_COMMITTER_NAME": "modforge",
    "GIT_COMMITTER_EMAIL": "modforge@localhost",
}


@dataclass
class Monorepo:
    """What every module's scratch repository copies from the monorepo, read once per run."""

    top: Path
    settings: dict[str, str]
    info: dict[str, bytes]  # .git/info/exclude and .git/info/attributes
    rules: list[str]  # tracked .gitignore / .gitattributes files, relative to top
    answers: dict[str, list[str]]  # folder -> tracked answers files of the modules in it
    prefixes: dict[str, object]  # answers file -> the ID prefix it records (None when unreadable)
    # answers files as this run's dry run would have written them (a later twin must see them): path -> bytes
    unwritten: dict[str, bytes] = field(default_factory=dict)

    @classmethod
    def read(cls, top: Path, answers_file: str) -> Monorepo:
        top = Path(top).resolve()
        settings = {}
        for key in COPIED_SETTINGS:
            value = _git(top, "config", "--local", "--get", key, check=False)
            if value.returncode == 0:
                settings[key] = value.stdout.decode().strip()
        info = {}
        for name in ("exclude", "attributes"):
            path = Path(_git(top, "rev-parse", "--git-path", f"info/{name}").stdout.decode().strip())
            path = path if path.is_absolute() else top / path
            if path.is_file():
                info[name] = path.read_bytes()
        listed = _git(top, "ls-files", "-z", "--", *(f":(glob)**/{name}" for name in (*RULE_FILES, answers_file)))
        rules, answers, prefixes = [], {}, {}
        for name in filter(None, listed.stdout.decode().split("\0")):
            if PurePosixPath(name).name in RULE_FILES:
                rules.append(name)
            else:
                module = PurePosixPath(name).parent
                answers.setdefault(module.parent.as_posix(), []).append(name)
                prefixes[name] = _prefix(top / name)
        return cls(top, settings, info, rules, answers, prefixes)

    def follows_a_twin(self, module: str, answers_file: str) -> bool:
        """Whether a module before `module` in the same folder (in name order) records the same ID prefix. The
        template's validator refuses a shared prefix and copier then takes a free one, so in a loop the first
        twin changes and a later one, alone with the prefix by then, keeps it: a later twin must see the
        earlier one's update."""
        own = self.prefixes.get(f"{module}/{answers_file}")
        name = PurePosixPath(module).name
        siblings = self.answers.get(PurePosixPath(module).parent.as_posix(), [])
        return own is not None and any(
            PurePosixPath(s).parent.name < name and self.prefixes.get(s) == own for s in siblings
        )


@dataclass
class Scratch:
    repo: Path
    module: str  # the module's path in the monorepo (and in the scratch repository), POSIX
    files: dict[str, tuple[int, bytes]]  # module file (relative to the module) -> (st_mode, bytes or link target)
    folders: set[str]  # the module's folders, relative to it
    index: dict[str, list[tuple[int, str, int]]]  # path relative to the module -> [(mode, blob id, stage)]

    @property
    def root(self) -> Path:
        return self.repo / self.module


@dataclass
class Result:
    """What an update changed in one module, relative to the module folder: plain data, sent between processes."""

    written: dict[str, tuple[int, bytes]] = field(default_factory=dict)  # path -> (mode, bytes)
    deleted: list[str] = field(default_factory=list)
    removed_folders: list[str] = field(default_factory=list)
    index: dict[str, list[tuple[int, int, bytes]]] = field(default_factory=dict)  # path -> [(mode, stage, blob)]
    links: list[str] = field(default_factory=list)  # symbolic links the update made (never written by modforge)


def prepare(monorepo: Monorepo, module: str, base: Path, answers_file: str) -> Scratch:
    """A new repository under `base` holding `module` (a path relative to the monorepo) as committed."""
    repo = Path(tempfile.mkdtemp(prefix="module-", dir=base))
    _git(repo, "init", "-q")
    if monorepo.settings:  # appended: a later value wins over the one `git init` wrote
        with open(repo / ".git" / "config", "a", encoding="utf-8") as config:
            config.writelines(
                f"[{k.rsplit('.', 1)[0]}]\n\t{k.rsplit('.', 1)[1]} = {v}\n" for k, v in monorepo.settings.items()
            )
    for name, data in monorepo.info.items():
        (repo / ".git" / "info").mkdir(exist_ok=True)
        (repo / ".git" / "info" / name).write_bytes(data)
    listed = _git(monorepo.top, "ls-files", "-s", "-z", "--", module).stdout.decode()
    files: dict[str, tuple[int, bytes]] = {}
    prefix = module + "/"
    for entry in filter(None, listed.split("\0")):
        meta, path = entry.split("\t", 1)
        mode = int(meta.split()[0], 8)
        if not path.startswith(prefix) or mode not in (0o100644, 0o100755, 0o120000):
            continue  # a submodule: copier leaves it alone
        _copy(monorepo.top / path, repo / path, mode)
        files[path[len(prefix) :]] = _state(repo / path)
    parents = {PurePosixPath(module).parents[i].as_posix() for i in range(len(PurePosixPath(module).parents))}
    for rule in monorepo.rules:
        folder = PurePosixPath(rule).parent.as_posix()
        if folder in parents and not rule.startswith(prefix):
            _copy(monorepo.top / rule, repo / rule, 0o100644)
    own = monorepo.prefixes.get(f"{prefix}{answers_file}")
    for sibling in monorepo.answers.get(PurePosixPath(module).parent.as_posix(), []):
        if not sibling.startswith(prefix) and own is not None and monorepo.prefixes.get(sibling) == own:
            _copy(monorepo.top / sibling, repo / sibling, 0o100644)
            if sibling in monorepo.unwritten:
                (repo / sibling).write_bytes(monorepo.unwritten[sibling])
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "--no-verify", "--no-gpg-sign", "-m", "the module as committed in the monorepo")
    scratch = Scratch(repo, module, files, _folders(repo / module), {})
    scratch.index = _index(repo, module)
    return scratch


def collect(scratch: Scratch) -> Result:
    """What the update changed in the scratch module: files, modes, folders and index entries."""
    result = Result()
    root = scratch.root
    now: dict[str, tuple[int, bytes]] = {}
    for folder, dirs, names in os.walk(root):
        links = [d for d in dirs if os.path.islink(os.path.join(folder, d))]
        dirs[:] = [d for d in dirs if d not in links]
        for name in names + links:
            state = _state(Path(folder, name))
            if state is not None:
                now[Path(folder, name).relative_to(root).as_posix()] = state
    for relative, (mode, data) in sorted(now.items()):
        if scratch.files.get(relative) == (mode, data):
            continue
        if stat.S_ISLNK(mode):
            result.links.append(relative)
        else:
            result.written[relative] = (stat.S_IMODE(mode), data)
    result.deleted = sorted(set(scratch.files) - set(now))
    result.removed_folders = sorted(scratch.folders - _folders(root))
    # Index entries that differ (a conflict's unmerged stages, a file a migration staged) are set the same way.
    after = _index(scratch.repo, scratch.module)
    changed = sorted(p for p in set(after) | set(scratch.index) if after.get(p) != scratch.index.get(p))
    blobs = _blobs(scratch.repo, {sha for path in changed for _, sha, _ in after.get(path, [])})
    for path in changed:
        result.index[path] = [(mode, stage, blobs[sha]) for mode, sha, stage in after.get(path, [])]
    return result


def remove(scratch: Scratch) -> None:
    shutil.rmtree(scratch.repo, ignore_errors=True)


# --- helpers -----------------------------------------------------------------------------------------
def _git(cwd: Path, *args: str, check: bool = True, data: bytes | None = None) -> subprocess.CompletedProcess:
    result = subprocess.run(["git", *args], cwd=cwd, capture_output=True, input=data, env={**os.environ, **_IDENTITY})
    if check and result.returncode != 0:
        raise ModforgeError(f"`git {' '.join(args[:2])}` failed in {cwd}: {result.stderr.decode(errors='replace')}")
    return result


def _copy(source: Path, target: Path, mode: int) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    if mode == 0o120000:
        os.symlink(os.readlink(source), target)
    else:
        shutil.copyfile(source, target)
        os.chmod(target, stat.S_IMODE(os.stat(source).st_mode))


def _prefix(path: Path) -> object:
    """The `id_prefix` an answers file records, read as the template's validator reads it (None: unreadable)."""
    import yaml

    try:
        data = yaml.load(path.read_bytes(), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except (OSError, ValueError, yaml.YAMLError):
        return None
    return data.get("id_prefix") if isinstance(data, dict) else None


def _state(path: Path) -> tuple[int, bytes] | None:
    """(st_mode, content) of a regular file, (st_mode, target) of a link, None for anything else."""
    info = os.lstat(path)
    if stat.S_ISLNK(info.st_mode):
        return info.st_mode, os.readlink(path).encode()
    if stat.S_ISREG(info.st_mode):
        return info.st_mode, path.read_bytes()
    return None


def _folders(root: Path) -> set[str]:
    return {
        Path(folder, name).relative_to(root).as_posix()
        for folder, dirs, _ in os.walk(root)
        for name in dirs
        if not os.path.islink(os.path.join(folder, name))
    }


def _index(repo: Path, module: str) -> dict[str, list[tuple[int, str, int]]]:
    listed = _git(repo, "ls-files", "-s", "-z", "--", module).stdout.decode()
    entries: dict[str, list[tuple[int, str, int]]] = {}
    for entry in filter(None, listed.split("\0")):
        meta, path = entry.split("\t", 1)
        mode, sha, number = meta.split()
        entries.setdefault(path[len(module) + 1 :], []).append((int(mode, 8), sha, int(number)))
    return {path: sorted(found, key=lambda e: e[2]) for path, found in entries.items()}


def _blobs(repo: Path, shas: set[str]) -> dict[str, bytes]:
    """The contents of blobs `shas` (one `git cat-file --batch`)."""
    if not shas:
        return {}
    ordered = sorted(shas)
    out = _git(repo, "cat-file", "--batch", data="".join(f"{sha}\n" for sha in ordered).encode()).stdout
    found, position = {}, 0
    for sha in ordered:
        header_end = out.index(b"\n", position)
        size = int(out[position:header_end].split()[2])
        found[sha] = out[header_end + 1 : header_end + 1 + size]
        position = header_end + 1 + size + 1
    return found
