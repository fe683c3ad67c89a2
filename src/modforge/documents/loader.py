"""Find what `modforge check` looks at and load it: monorepo roots, modules, their documents and leftovers.

A module is a folder whose `docs/` holds at least one pipeline document (by today's or the legacy name).
A path given on the command line may be a monorepo (every module under it), a module, or a file inside a
module (the whole module is loaded, only that file's findings are shown). The monorepo root of a path is
its nearest ancestor holding `.git`; the global requirements and the cache live there.

Finding and reading are separate from parsing (`read_module` / `build_module`) so that the engine can key
its cache on the bytes and parse only what changed, in worker processes.
"""

from __future__ import annotations

import errno
import os
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

from modforge.errors import ModforgeError
from modforge.filesystem import confine
from modforge.spec import layout
from modforge.spec.global_requirements import BUILT_IN_GLOBALS, GlobalRequirements
from modforge.spec.grammar import IdKind

if TYPE_CHECKING:  # the model is imported where modules are built: a run answered from the cache builds none
    from modforge.documents.model import Module, Problem

# Folders never searched for modules or leftovers: build output, dependencies, virtual environments.
SKIPPED_DIRS = frozenset({"target", "node_modules", ".venv", "venv", "__pycache__"})
LEFTOVER_SUFFIX = ".rej"  # what an unresolved `copier update` leaves beside a file
_pipeline_name = layout.pipeline_name  # today's name, or a slot name: `1_INTENT_DESIGN.md`, `2_INTENT_FACTS.md`


class ModuleSource:
    """One module's files, read but not parsed. A document whose bytes are None could not be read."""

    __slots__ = ("answers", "documents", "extra_files", "repo_root", "root")

    def __init__(
        self,
        root: Path,
        repo_root: Path,
        documents: tuple[tuple[str, str, bytes | None], ...],
        answers: bytes | None,
        extra_files: tuple[Path, ...],
    ) -> None:
        self.root = root  # absolute, symlinks kept as the user named them
        self.repo_root = repo_root
        self.documents = documents  # (pipeline name, path, bytes)
        self.answers = answers
        self.extra_files = extra_files  # *.rej files, and legacy-named documents shadowed by today's name

    @property
    def size(self) -> int:
        return sum(len(data) for _, _, data in self.documents if data) + len(self.answers or b"")


class Targets:
    """What one run checks: modules in a stable order, and for modules named through a file, the files
    whose findings are shown (absent: every finding of the module)."""

    __slots__ = ("modules", "only", "repo_roots")

    def __init__(self) -> None:
        self.modules: list[Path] = []
        self.repo_roots: dict[Path, Path] = {}  # module -> its monorepo root
        self.only: dict[Path, set[Path]] = {}


def absolute(path: Path | str) -> Path:
    """`path` made absolute against the working directory, without resolving symlinks."""
    return Path(os.path.abspath(path))


def find_repo_root(path: Path) -> Path:
    """The nearest folder from `path` upwards that holds `.git`; `path` itself (its folder, for a file) if none."""
    start = absolute(path)
    if not start.is_dir():
        start = start.parent
    for folder in (start, *start.parents):
        if os.path.exists(os.path.join(folder, ".git")):
            return folder
    return start


def is_module(folder: Path | str) -> bool:
    """Whether `folder/docs` holds a pipeline document."""
    try:
        with os.scandir(os.path.join(folder, layout.DOCS_DIR)) as entries:
            return any(_pipeline_name(entry.name) for entry in entries)
    except OSError:
        return False


def _skipped(name: str) -> bool:
    return name.startswith(".") or name in SKIPPED_DIRS


def find_targets(paths: list[Path] | None = None, cwd: Path | None = None, *, whole_modules: bool = False) -> Targets:
    """The modules `paths` name (the working directory when empty), each once, sorted by path.

    A file names the module holding it; only that file's findings are shown, unless `whole_modules` (the
    pre-commit hook's mode): then a file anywhere under a module (a document, the answers file, a `*.rej`
    file, code) names the whole module, every finding shown, and a path that no longer exists (a deleted
    file) names the module its folder is in. Files outside every module name nothing.
    Raises ModforgeError for a path that does not exist (unless `whole_modules`), and for a folder holding no
    module.
    """
    cwd = absolute(cwd or os.getcwd())
    targets = Targets()
    whole: set[Path] = set()
    modules_of: dict[str, Path | None] = {}  # folder -> the module holding it, found once per folder
    for given in paths or [cwd]:
        path = absolute(cwd / given)
        exists = os.path.exists(path)
        if not exists and not whole_modules:
            raise ModforgeError(f"{given}: no such file or folder; pass a monorepo, a module folder or a document")
        if exists and os.path.isdir(path):
            found = [path] if is_module(path) else find_modules(path)
            if not found:
                raise ModforgeError(
                    f"{given}: no module found (a module is a folder whose {layout.DOCS_DIR}/ holds pipeline "
                    f"documents such as {layout.INTENT_DESIGN}); pass a monorepo or a module folder"
                )
            whole.update(found)
            continue
        module = _module_of_folder(path.parent, modules_of)
        if module is None:
            continue  # a file outside any module (pre-commit passes every file of a commit): nothing to check
        if whole_modules:
            whole.add(module)
        else:
            targets.only.setdefault(module, set()).add(path)
    for module in whole:
        targets.only.pop(module, None)
    targets.modules = sorted(whole | set(targets.only))
    roots: dict[str, Path] = {}  # the root of each modules' parent folder, found once
    for module in targets.modules:
        if os.path.exists(os.path.join(module, ".git")):
            targets.repo_roots[module] = module
        else:
            parent = os.path.dirname(module)
            if parent not in roots:
                roots[parent] = find_repo_root(Path(parent))
            targets.repo_roots[module] = roots[parent]
    return targets


def _module_of_folder(folder: Path, known: dict[str, Path | None]) -> Path | None:
    """The module `folder` is in (itself included), or None; `known` remembers every folder asked about."""
    key = str(folder)
    if key in known:
        return known[key]
    if is_module(folder):
        found: Path | None = folder
    elif os.path.exists(os.path.join(folder, ".git")) or folder.parent == folder:
        found = None
    else:
        found = _module_of_folder(folder.parent, known)
    known[key] = found
    return found


def find_modules(folder: Path) -> list[Path]:
    """Every module under `folder`, sorted: inside a module, only its `plugins/` folder is looked into (a
    gateway's workers are modules of their own, `modules/<gateway>/plugins/<worker>`)."""
    found: list[Path] = []
    stack = [str(folder)]
    while stack:
        current = stack.pop()
        try:
            with os.scandir(current) as scan:
                entries = [e for e in scan if not _skipped(e.name) and e.is_dir(follow_symlinks=False)]
        except OSError:
            continue
        if any(e.name == layout.DOCS_DIR for e in entries) and is_module(current):
            found.append(Path(current))
            plugins = [e for e in entries if e.name == layout.PLUGINS_DIR]
            stack.extend(p.path for p in plugins)
            continue
        stack.extend(e.path for e in entries)
    return sorted(found)


def module_of(path: Path) -> Path | None:
    """The module holding the file `path`, or None."""
    return _module_of_folder(absolute(path).parent, {})


# --- reading ---------------------------------------------------------------------------------------
def read_module(root: Path, repo_root: Path | None = None) -> ModuleSource:
    """The bytes of a module's documents and answers file, and the paths of its leftovers (one walk)."""
    root = absolute(root)
    top = str(root)
    docs_dir = os.path.join(top, layout.DOCS_DIR)
    plugins_dir = os.path.join(top, layout.PLUGINS_DIR)  # a gateway's workers there are modules of their own
    names: list[str] = []
    leftovers: list[str] = []
    stack = [top, docs_dir]  # docs/ by its path: read through a link, as is_module found the module through it
    while stack:
        current = stack.pop()
        try:
            with os.scandir(current) as scan:
                entries = list(scan)
        except OSError:
            continue
        in_docs = current == docs_dir
        for entry in entries:
            name = entry.name
            if name.endswith(LEFTOVER_SUFFIX):
                if entry.is_file(follow_symlinks=False):
                    leftovers.append(entry.path)
            elif in_docs and _pipeline_name(name):
                names.append(name)  # whatever it is: a document that is no readable file stops the check
            elif (
                not _skipped(name)
                and entry.path != docs_dir
                and entry.is_dir(follow_symlinks=False)
                and (current != plugins_dir or not is_module(entry.path))
            ):
                stack.append(entry.path)
    chosen: dict[str, str] = {}
    for file_name in sorted(names):  # today's name wins over a slot name for the same document
        name = _pipeline_name(file_name)
        if name in chosen and chosen[name] == name:
            leftovers.append(os.path.join(docs_dir, file_name))
            continue
        if name in chosen:
            leftovers.append(os.path.join(docs_dir, chosen[name]))
        chosen[name] = file_name
    documents = []
    for name in layout.PIPELINE_DOCS:
        if name in chosen:
            path = os.path.join(docs_dir, chosen[name])
            documents.append((name, path, _read(path)))
    answers = _read(os.path.join(top, layout.ANSWERS_FILE))
    extra = tuple(Path(path) for path in sorted(leftovers))
    return ModuleSource(root, repo_root or find_repo_root(root), tuple(documents), answers, extra)


def _read(path: Path | str) -> bytes | None:
    """The bytes of the file at `path`, None when nothing is there. Anything else that is not a regular file
    (a link to nothing, a loop of links, a folder, a FIFO, a device) or cannot be read raises ModforgeError:
    `modforge check` cannot say anything true about a module whose files it cannot read (exit 2), and
    opening a FIFO would hang it."""
    try:
        os.lstat(path)
    except FileNotFoundError:
        return None
    except OSError as error:
        if error.errno == errno.ENOTDIR:
            return None
        raise ModforgeError(f"cannot inspect {path} ({error.strerror or error})") from None
    return confine.read_regular(Path(path), follow_links=True)


# --- building ---------------------------------------------------------------------------------------
def build_module(source: ModuleSource) -> Module:
    """Parse a module's documents and answers into the model."""
    from modforge.documents.model import Module
    from modforge.documents.parser import parse_document

    documents = {name: parse_document(Path(path), name, data) for name, path, data in source.documents}
    answers, answers_problem = read_answers(source.answers)
    prefix, prefix_source = None, "none"
    declared = answers.get("id_prefix") if answers else None
    if isinstance(declared, str) and declared.strip():
        prefix, prefix_source = declared.strip(), "answers"
    elif declared is not None and not isinstance(declared, str):  # `id_prefix: 123`: declared, and wrong (MF105)
        shown = str(declared)
        prefix, prefix_source = shown if len(shown) <= 40 else shown[:40] + "...", "answers"
    else:
        prefix = infer_prefix(documents.values())
        if prefix:
            prefix_source = "documents"
    return Module(source.root, prefix, prefix_source, answers, documents, source.extra_files, answers_problem)


def load_module(root: Path) -> Module:
    """Read and parse the module at `root` (one call for tests and commands that need one module)."""
    return build_module(read_module(root))


def load_answers(path: Path) -> dict:
    """The answers file at `path` (which exists) as a mapping; ModforgeError saying what is wrong with it and
    how to fix it otherwise. For the commands that need the answers; `modforge check` reports MF003 instead."""
    data = _read(path) or b""  # a FIFO, a link to nothing or an unreadable file: ModforgeError, never a hang
    answers, problem = read_answers(data)
    if problem is None and answers is None:  # empty
        problem_text, line = "holds nothing, not a mapping of question names to answers", 1
    elif problem is not None:
        problem_text, line = problem.message, problem.line
    else:
        return answers  # type: ignore[return-value]
    raise ModforgeError(
        f"{path} {problem_text} at line {line}: fix it, or restore it with `git checkout -- {layout.ANSWERS_FILE}`"
    )


def read_answers(data: bytes | None) -> tuple[dict | None, Problem | None]:
    """The answers file as a mapping (None when missing or unreadable), and why a present file could not be
    read: not YAML (an unresolved `copier update` conflict, a hand edit), or YAML but not a mapping.

    The same bytes object read twice in a row (the quick proof, then the pipeline's facts) is parsed once:
    callers read the mapping and never change it."""
    if not data:
        return None, None
    if data is _LAST_ANSWERS[0]:
        return _LAST_ANSWERS[1]
    result = _read_answers(data)
    _LAST_ANSWERS[:] = [data, result]
    return result


_LAST_ANSWERS: list = [None, (None, None)]


def _read_answers(data: bytes) -> tuple[dict | None, Problem | None]:
    import yaml  # only on a cache miss; the C loader when PyYAML was built with it

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        answers = yaml.load(data, Loader=loader)
    except RecursionError:
        from modforge.documents.model import Problem

        return None, Problem("answers-not-yaml", "nests too deeply to be an answers file", 1, 1)
    except (yaml.YAMLError, ValueError) as error:
        from modforge.documents.doctext import CONFLICT_MARKER_RE
        from modforge.documents.model import (
            Problem,  # the usual, readable file needs no model (modforge.checker.quickcheck)
        )

        marker = CONFLICT_MARKER_RE.search("\n" + data.decode("utf-8", "replace"))
        if marker is not None:  # the usual way an answers file breaks: an update's conflict left unresolved
            line = data.count(b"\n", 0, marker.start()) + 1
            return None, Problem("answers-not-yaml", "holds a merge-conflict marker left by an update", line, 1)
        mark = getattr(error, "problem_mark", None)
        line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        reason = getattr(error, "problem", None) or str(error).split("\n", 1)[0]
        return None, Problem("answers-not-yaml", f"is not valid YAML ({reason})", line, column)
    if not isinstance(answers, dict):
        from modforge.documents.model import Problem

        held = "nothing" if answers is None else f"a {type(answers).__name__}"
        return None, Problem("answers-not-mapping", f"holds {held}, not a mapping of question names to answers")
    from modforge.filesystem import structured

    if structured.expanded_size(answers) > structured.MAX_VALUES:  # aliases of aliases: every reader would hang
        from modforge.documents.model import Problem

        reason = f"expands its aliases past {structured.MAX_VALUES:,} values, which no answers file holds"
        return None, Problem("answers-not-yaml", reason, 1, 1)
    return answers, None


def infer_prefix(documents) -> str | None:
    """The most common prefix among the IDs the documents define (module requirements, scenarios, tasks,
    phases), or None when they define none."""
    counts: Counter[str] = Counter()
    for document in documents:
        for occurrence in document.ids:
            if occurrence.defines and occurrence.id.prefix and occurrence.id.kind is not IdKind.GLOBAL_REQ:
                counts[occurrence.id.prefix] += 1
    return counts.most_common(1)[0][0] if counts else None


def global_requirements_path(repo_root: Path) -> Path:
    return repo_root / layout.GLOBAL_REQUIREMENTS_PATH


def load_global_requirements(repo_root: Path, data: bytes | None = None) -> GlobalRequirements:
    """The monorepo's guidelines/MODULE_REQUIREMENTS.md when it exists, else the built-in list."""
    path = global_requirements_path(repo_root)
    if data is None:
        data = _read(path)
    if data is None:
        return BUILT_IN_GLOBALS
    from modforge.spec.global_requirements import parse_global_requirements

    return parse_global_requirements(path, data)
