"""Run `modforge check` over paths: find the modules, reuse cached results, parse and check the rest, in parallel.

Per module, a key hashes everything its findings depend on: its documents' and answers file's bytes, the
names of its leftover files, the monorepo's global requirements, the rule settings (which include the
rules' own code) and the parser's code. The findings of a module whose key is unchanged come from the
cache, one JSON file at the monorepo root (`.modforge-cache/results.json`, read once, written once per run
by a rename, so a reader never sees half a file; a corrupt or foreign file is ignored and replaced, and two
concurrent runs at worst drop each other's new entries). The other modules are checked: first by
modforge.checker.quickcheck, which proves the usual clean module clean from a few whole-text patterns, and
otherwise by the full parse and every rule.

With enough modules to pay for it, the work is shared by forked processes (modforge.checker.forkpool), this one
included: each reads, keys and checks the modules it takes, so reading and hashing run on every core too,
warm runs included. A few modules never leave the process.

`modforge status`, `trace` and `gate` ask for more than findings: each module's facts
(modforge.pipeline.facts), computed in the same pass from the same parse (or, for a module the quick proof
cleared, from its canonical text) and cached beside the findings under the same key, in their own file
(`facts.marshal`, in `marshal`'s format: ten times faster to load than JSON, and a cache needs no other
reader), which `check` never reads. Each module's facts are stored there as their own `marshal` bytes, made and
decoded in the worker that takes the module, so the parent only moves bytes. They may also pass a function run
on each module's sources in the same workers (`also`), for what documents do not hold (the module's code) and
per-module work on the facts; a command that needs only what `also` returns (`keep_facts=False`) never has the
facts sent back.
"""

from __future__ import annotations

import gc
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from modforge import __version__
from modforge.checker.diagnostic import Diagnostic
from modforge.checker.paths import PathDisplay
from modforge.config import blake2b
from modforge.documents import loader
from modforge.errors import ModforgeError
from modforge.filesystem import confine
from modforge.filesystem.names import printable
from modforge.spec.global_requirements import GlobalRequirements

if TYPE_CHECKING:
    from modforge.config import Settings

CACHE_DIR = ".modforge-cache"
CACHE_FORMAT = 1
FACTS_FORMAT = 2  # 2: each module's facts as their own marshal bytes
PARALLEL_MIN_MODULES = 20  # below this, starting worker processes costs more than it saves
MODULES_PER_WORKER = 10  # at least this many modules for each worker started


class CheckResult:
    """What one run found. (Plain classes here and in the loader: a dataclass costs its import time on
    every run, and `modforge check` on one module should start in a blink.)"""

    __slots__ = ("bytes", "cached", "diagnostics", "documents", "modules", "per_module")

    def __init__(self, diagnostics: list[Diagnostic], modules: int, documents: int, bytes: int, cached: int) -> None:
        self.diagnostics = diagnostics  # sorted by path, line, column, code
        self.modules = modules  # modules checked
        self.documents = documents  # pipeline documents in them
        self.bytes = bytes  # bytes of documents and answers files read
        self.cached = cached  # modules whose findings came from the cache
        self.per_module: list[ModuleReport] = []  # filled when facts are asked for

    def __repr__(self) -> str:
        return f"CheckResult({len(self.diagnostics)} diagnostics, {self.modules} modules, {self.cached} cached)"


class ModuleReport:
    """One module of a run that asked for facts: its findings counted, its facts, and what `also` returned."""

    __slots__ = ("also", "errors", "facts", "repo_root", "root", "warnings")

    def __init__(self, root: Path, repo_root: Path, errors: int, warnings: int, facts: dict, also: Any) -> None:
        self.root, self.repo_root = root, repo_root
        self.errors, self.warnings = errors, warnings
        self.facts, self.also = facts, also


# A finding as stored and passed between processes: (where, path, line, column, code, severity, message);
# `where` is "m" for a path relative to the module root, "a" for an absolute path.
Stored = tuple[str, str, int, int, str, str, str]


def run_check(
    paths: list[Path] | None,
    settings: Settings,
    use_cache: bool = True,
    jobs: int | None = None,
    facts: bool = False,
    also: Callable[[loader.ModuleSource, dict, list], Any] | None = None,
    *,
    whole_modules: bool = False,
    keep_facts: bool = True,
) -> CheckResult:
    """Check the modules `paths` name (the working directory when empty); see the module docstring.

    `jobs` caps the worker processes (default: the usable CPUs). With `facts`, the result's `per_module`
    holds each module's facts and the result of `also(source, facts, findings)`, run in the worker that took
    the module (plain data: it may come back from a worker). `whole_modules` makes a file name its whole
    module (loader.find_targets). With `keep_facts` false, `per_module` holds no facts (None): they are made,
    cached and given to `also` in the workers, but not sent back. Raises ModforgeError for a path that does not
    exist or a folder holding no module.
    """
    cwd = os.getcwd()
    targets = loader.find_targets(list(paths) if paths else None, Path(cwd), whole_modules=whole_modules)
    collecting = gc.isenabled()
    gc.disable()  # the model is acyclic: collecting during a parse only costs time
    try:
        return _run(targets, settings, use_cache, jobs, cwd, facts, also, keep_facts)
    finally:
        if collecting:
            gc.enable()


def _run(
    targets: loader.Targets,
    settings: Settings,
    use_cache: bool,
    jobs: int | None,
    cwd: str,
    facts: bool = False,
    also: Callable[[loader.ModuleSource, dict, list], Any] | None = None,
    keep_facts: bool = True,
) -> CheckResult:
    roots = sorted(set(targets.repo_roots.values()))
    globals_data = {root: loader._read(loader.global_requirements_path(root)) for root in roots}
    work = _Work(
        modules=targets.modules,
        repo_roots=targets.repo_roots,
        caches={root: _load_cache(root) if use_cache else {} for root in roots},
        globals_data=globals_data,
        common="\0".join((f"modforge {__version__}", _parser_fingerprint(), settings.cache_key())),
        settings=settings,
        cwd=cwd,
    )
    if facts:
        work.facts_caches = {root: _load_facts(root) if use_cache else {} for root in roots}
        work.also = also
        work.keep_facts = keep_facts
    outcomes = _process_all(work, jobs)
    for root in roots:
        fresh = {
            name: (key, stored)
            for module, (name, key, stored, cached, *_) in zip(targets.modules, outcomes, strict=True)
            if not cached and targets.repo_roots[module] == root
        }
        if fresh:
            _store_cache(root, fresh)
        if facts:
            fresh_facts = {
                outcome[0]: (outcome[1], outcome[7])
                for module, outcome in zip(targets.modules, outcomes, strict=True)
                if outcome[7] is not None and targets.repo_roots[module] == root
            }
            if fresh_facts:
                _store_facts(root, fresh_facts)
    diagnostics: list[Diagnostic] = []
    display = PathDisplay(cwd)
    for module, (_, _, stored, *_) in zip(targets.modules, outcomes, strict=True):
        root = str(module)
        keep = targets.only.get(module)
        shown = {display(str(path)) for path in keep} if keep is not None else None
        for where, path, line, column, code, severity, message in stored:
            path = display(os.path.join(root, path) if where == "m" else path)
            if shown is None or path in shown:
                diagnostics.append(Diagnostic(printable(path), line, column, code, severity, printable(message)))
    diagnostics.sort(key=lambda d: (d.path, d.line, d.column, d.code))
    result = CheckResult(
        diagnostics,
        modules=len(outcomes),
        documents=sum(outcome[4] for outcome in outcomes),
        bytes=sum(outcome[5] for outcome in outcomes),
        cached=sum(1 for outcome in outcomes if outcome[3]),
    )
    if facts:
        for module, outcome in zip(targets.modules, outcomes, strict=True):
            errors = sum(1 for item in outcome[2] if item[5] == "error")
            result.per_module.append(
                ModuleReport(
                    module, targets.repo_roots[module], errors, len(outcome[2]) - errors, outcome[6], outcome[8]
                )
            )
    return result


# --- keys -------------------------------------------------------------------------------------------
_PARSER_FILES = (
    "documents/blockscan.py",
    "documents/parser.py",
    "documents/loader.py",
    "checker/engine.py",
    "documents/model.py",
    "spec/global_requirements.py",
    "checker/quickcheck.py",
    "documents/doctext.py",
)
_FINGERPRINT: list[str] = []


def _parser_fingerprint() -> str:
    """A hash of the code that turns files into the model (the rules' settings key covers the rules)."""
    if not _FINGERPRINT:
        digest = blake2b(digest_size=8)
        package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        for name in _PARSER_FILES:
            digest.update(loader._read(Path(package, name)) or name.encode())
        _FINGERPRINT.append(digest.hexdigest())
    return _FINGERPRINT[0]


def _module_key(source: loader.ModuleSource, globals_data: bytes | None, common: str) -> str:
    digest = blake2b(common.encode(), digest_size=20)
    for data in (globals_data, source.answers):
        digest.update(b"\0missing" if data is None else b"\0%d\0" % len(data) + data)
    for name, _path, data in source.documents:
        digest.update(f"\0doc {name} {'-' if data is None else len(data)}\0".encode())
        if data:
            digest.update(data)
    for path in source.extra_files:
        digest.update(f"\0extra {os.path.relpath(path, source.root)}".encode())
    return digest.hexdigest()


# --- the cache --------------------------------------------------------------------------------------
CACHE_FILE = "results.json"
FACTS_FILE = "facts.marshal"


def _entry_name(source: loader.ModuleSource) -> str:
    """A module's entry: its folder relative to the monorepo root, with `/`."""
    return os.path.relpath(source.root, source.repo_root).replace(os.sep, "/")


def _load_cache(root: Path) -> dict[str, tuple[str, list[Stored]]]:
    """The cache of the monorepo at `root`: module entry -> (key, findings); empty when missing or unreadable."""
    try:
        data = loader._read(root / CACHE_DIR / CACHE_FILE)
        if data is None:
            return {}
        cache = json.loads(data)
        if cache.get("format") != CACHE_FORMAT:
            return {}
        entries = {}
        for name, (key, items) in cache["modules"].items():
            stored = [tuple(item) for item in items]
            if isinstance(key, str) and all(map(_well_formed, stored)):
                entries[name] = (key, stored)
        return entries  # type: ignore[return-value]
    except (ModforgeError, OSError, ValueError, TypeError, KeyError, AttributeError, RecursionError):
        return {}  # missing, corrupt, foreign or no file: every module is a miss, and the file is rewritten


_SHAPE = (str, str, int, int, str, str, str)


def _well_formed(item: tuple) -> bool:
    return len(item) == len(_SHAPE) and all(map(isinstance, item, _SHAPE)) and item[0] in ("m", "a")


def _store_cache(root: Path, fresh: dict[str, tuple[str, list[Stored]]]) -> None:
    """Add `fresh` entries to the cache file (re-read first, so a concurrent run's entries mostly survive),
    dropping entries of modules that are gone; write a temporary file and rename it over the cache. Give up
    silently when the folder is not writable: the cache only saves time. Only at the root of a git work tree
    (for a module outside git, `root` is the folder around it, which is not the module's to write into), and
    never through a link."""
    folder = root / CACHE_DIR
    if not os.path.exists(root / ".git"):
        return
    try:
        if confine.kind_of(folder) not in (None, "dir") or confine.kind_of(folder / CACHE_FILE) not in (None, "file"):
            return
    except ModforgeError:
        return
    entries = _load_cache(root)
    entries = {name: entry for name, entry in entries.items() if os.path.isdir(root / name)}
    entries.update(fresh)
    modules = {name: [key, stored] for name, (key, stored) in sorted(entries.items())}
    try:
        if not folder.is_dir():
            folder.mkdir()
            (folder / ".gitignore").write_text("# modforge's cache of check results\n*\n", encoding="utf-8")
        temporary = folder / f"{CACHE_FILE}.{os.getpid()}.tmp"
        temporary.write_text(json.dumps({"format": CACHE_FORMAT, "modules": modules}), encoding="utf-8")
        os.replace(temporary, folder / CACHE_FILE)
    except OSError:
        pass


def _facts_fingerprint() -> str:
    """A hash of the code that makes facts: cached facts of another version are made again."""
    digest = blake2b(sys.version.encode(), digest_size=8)  # marshal's format may change between Pythons
    package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    digest.update(loader._read(Path(package, "pipeline", "facts.py")) or b"facts")
    return digest.hexdigest()


def _load_facts(root: Path) -> dict[str, tuple[str, bytes]]:
    """The facts cache of the monorepo at `root`: module entry -> (key, the facts' marshal bytes); empty when
    missing or stale. The bytes are decoded by the worker that takes the module (`_cached_facts`)."""
    try:
        import marshal

        with open(root / CACHE_DIR / FACTS_FILE, "rb") as handle:
            cache = marshal.loads(handle.read())
        if cache.get("format") != FACTS_FORMAT or cache.get("code") != _facts_fingerprint():
            return {}
        return {
            name: (key, facts)
            for name, (key, facts) in cache["modules"].items()
            if isinstance(key, str) and isinstance(facts, bytes)
        }
    except (OSError, EOFError, ValueError, TypeError, KeyError, AttributeError):
        return {}


def _store_facts(root: Path, fresh: dict[str, tuple[str, bytes]]) -> None:
    """Add `fresh` facts to the facts file, as `_store_cache` does for findings."""
    folder = root / CACHE_DIR
    entries = {name: entry for name, entry in _load_facts(root).items() if os.path.isdir(root / name)}
    entries.update(fresh)
    modules = {name: [key, facts] for name, (key, facts) in sorted(entries.items())}
    try:
        if not folder.is_dir():
            folder.mkdir()
            (folder / ".gitignore").write_text("# modforge's cache of check results\n*\n", encoding="utf-8")
        temporary = folder / f"{FACTS_FILE}.{os.getpid()}.tmp"
        import marshal

        document = {"format": FACTS_FORMAT, "code": _facts_fingerprint(), "modules": modules}
        temporary.write_bytes(marshal.dumps(document))
        os.replace(temporary, folder / FACTS_FILE)
    except OSError:
        pass


# --- checking ---------------------------------------------------------------------------------------
class _Work:
    """One run's modules and what checking them needs (forked workers inherit it: nothing is sent to them)."""

    __slots__ = (
        "also",
        "caches",
        "common",
        "cwd",
        "facts_caches",
        "globals_by_root",
        "globals_data",
        "keep_facts",
        "modules",
        "repo_roots",
        "settings",
    )

    def __init__(
        self,
        *,
        modules: list[Path],
        repo_roots: dict[Path, Path],
        caches: dict[Path, dict[str, tuple[str, list[Stored]]]],
        globals_data: dict[Path, bytes | None],
        common: str,
        settings: Settings,
        cwd: str,
    ) -> None:
        self.modules, self.repo_roots, self.caches = modules, repo_roots, caches
        self.globals_data, self.common = globals_data, common
        self.globals_by_root: dict[Path, GlobalRequirements] = {}  # parsed when a module first needs them
        self.settings, self.cwd = settings, cwd
        self.facts_caches: dict[Path, dict[str, tuple[str, bytes]]] | None = None  # set when facts are wanted
        self.also: Callable[[loader.ModuleSource, dict, list], Any] | None = None
        self.keep_facts = True  # send each module's facts back to the parent


# What one module's check yields, as plain data that `marshal` carries from a worker:
# (cache entry name, key, findings, whether they came from the cache, documents, bytes read); with facts
# asked for, also (facts or None when not kept, their marshal bytes when made in this run else None, what
# `also` returned).
Outcome = tuple


def _process_all(work: _Work, jobs: int | None) -> list[Outcome]:
    """Each module's outcome, in order. With enough modules, forked workers share them (modforge.checker.forkpool),
    each reading, keying and checking the modules it takes, so reading and hashing run in parallel too."""
    total = len(work.modules)
    workers = min(jobs or _usable_cpus(), total // MODULES_PER_WORKER or 1)
    if workers < 2 or total < PARALLEL_MIN_MODULES or not _can_fork():
        return [_process(work, index) for index in range(total)]
    from modforge.checker import forkpool  # the checker's own imports wait for a module that misses the cache

    return forkpool.run(lambda index: _process(work, index), total, workers)


def _process(work: _Work, index: int) -> Outcome:
    """Read one module; its findings from the cache when its key is unchanged, else from parsing and checking."""
    module = work.modules[index]
    repo_root = work.repo_roots[module]
    source = loader.read_module(module, repo_root)
    name = _entry_name(source)
    key = _module_key(source, work.globals_data[repo_root], work.common)
    entry = work.caches[repo_root].get(name)
    hit = entry is not None and entry[0] == key
    if work.facts_caches is None:
        if hit:
            return name, key, entry[1], True, len(source.documents), source.size
        return name, key, _check_source(work, source), False, len(source.documents), source.size
    # with facts: from the facts cache under the same key, else made in the pass that checks the module
    facts = _cached_facts(work.facts_caches[repo_root].get(name), key)
    fresh = facts is None
    if hit:
        stored = entry[1]
        if fresh:
            facts = _facts_only(work, source)
    else:
        box: list[dict] = []
        stored = _check_source(work, source, box)
        facts = facts if facts is not None else box[0]
    also = work.also(source, facts, stored) if work.also is not None else None
    import marshal

    made = marshal.dumps(facts) if fresh else None  # cached as they are (_store_facts)
    kept = facts if work.keep_facts else None
    return name, key, stored, hit, len(source.documents), source.size, kept, made, also


def _cached_facts(entry: tuple[str, bytes] | None, key: str) -> dict | None:
    """A module's facts from its facts cache entry when the key matches; None when absent, stale or corrupt."""
    if entry is None or entry[0] != key:
        return None
    import marshal

    try:
        facts = marshal.loads(entry[1])
    except (EOFError, ValueError, TypeError):
        return None
    return facts if isinstance(facts, dict) else None


def _globals(work: _Work, repo_root: Path) -> GlobalRequirements:
    if repo_root not in work.globals_by_root:  # a warm run, all from the cache, never parses them
        work.globals_by_root[repo_root] = loader.load_global_requirements(repo_root, work.globals_data[repo_root])
    return work.globals_by_root[repo_root]


def _facts_only(work: _Work, source: loader.ModuleSource) -> dict:
    """The facts of a module whose findings came from the cache: the cheap reading when the quick proof
    holds, else the full parse."""
    from modforge.checker import quickcheck
    from modforge.pipeline import facts

    read: dict = {}
    if quickcheck.proven_clean(source, _globals(work, source.repo_root), read):
        return facts.from_canonical(source, read)
    return facts.from_module(loader.build_module(source), source)


def _check_source(work: _Work, source: loader.ModuleSource, facts_out: list | None = None) -> list[Stored]:
    """Parse and check one module; its findings, paths inside it relative to its root. A module that
    modforge.checker.quickcheck proves clean is not parsed in full. With `facts_out`, the module's facts are
    appended to it, made from the same reading."""
    from modforge.checker import quickcheck

    globals = _globals(work, source.repo_root)
    read: dict | None = {} if facts_out is not None else None  # facts are read from what the proof read
    if quickcheck.proven_clean(source, globals, read):
        if facts_out is not None:
            from modforge.pipeline import facts

            facts_out.append(facts.from_canonical(source, read))
        return []
    from modforge.checker.check import check_module  # the rules, imported only for a module not proven clean

    module = loader.build_module(source)
    diagnostics = check_module(module, globals, work.settings)
    if facts_out is not None:
        from modforge.pipeline import facts

        facts_out.append(facts.from_module(module, source))
    root = str(source.root) + os.sep
    stored: list[Stored] = []
    for d in diagnostics:
        path = os.path.normpath(os.path.join(work.cwd, d.path))
        if path.startswith(root):
            stored.append(
                ("m", path[len(root) :].replace(os.sep, "/"), d.line, d.column, d.code, d.severity, d.message)
            )
        else:
            stored.append(("a", path, d.line, d.column, d.code, d.severity, d.message))
    return stored


def _usable_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _can_fork() -> bool:
    # macOS offers fork, but system frameworks may break in a forked child: run in one process there.
    return sys.platform.startswith("linux") and hasattr(os, "fork")
