"""Where a fleet run saves what `copier update` repeats for every module, without changing what it computes.

The update itself is copier's public `run_update`, unchanged: its three renders, its git plumbing, its
merge and its migrations, so a module ends byte for byte as `copier update --trust --defaults` leaves it.
What it repeats per module, and what a run of many modules does once instead (measured in bench/update.py):

- `clone`: copier clones the template for every `Template` it makes, five times per update. A run clones
  each (template, ref) once, with copier's own `clone`, and hands every later `Template` that checkout
  (read-only: copier never writes into a template checkout). `get_latest_tag` is asked once per template.
- `compile`: copier builds a fresh Jinja environment per render and compiles every template file and path
  segment again, three renders per module. A run keeps the compiled code of each source per environment
  configuration (Jinja's own bytecode cache keeps the same code objects, for loader templates only).
- `migrations`: copier runs `migrations/run.py` in a new Python process. A run executes the same script
  in this process (`runpy`), with the template checkout's own `modforge` package swapped in, the
  arguments, working directory and environment copier gives the subprocess, and its output kept for the
  module's report.
- `exec bit`: copier asks git for `core.fileMode` once per rendered file; the answer is the same for a
  destination during a render, so it is asked once per destination.
- `config`: copier parses the template's `copier.yml` (pure-Python YAML) for every `Template`, four per
  update; a run parses each checkout's once and hands out copies.
- `template facts`: every `Template` asks git again for what its checkout is (`vcs`, `url_expanded`,
  `commit`, `commit_hash`, `version` through dunamai, `git_index_modes`): some thirty git processes per
  update. A checkout does not change during a run, so each is asked once per template and checkout.

Each seam names the copier 9.x attribute it wraps and is installed only when that attribute is there and
looks as expected; otherwise the run does what plain copier does (slower, same result), and `missing()`
says which seam is absent (tests/test_fleet_update.py fails on it, so a copier release that moves one is
noticed, not silently slow).
"""

from __future__ import annotations

import contextlib
import copy
import functools
import inspect
import io
import os
import runpy
import subprocess
import sys
import tempfile
import weakref
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

MIGRATION_SCRIPT = ("migrations", "run.py")
# Template properties that depend only on the template's location (`vcs`, `url_expanded`) or on its checkout.
TEMPLATE_FACTS = ("vcs", "url_expanded", "commit", "commit_hash", "version", "git_index_modes")
_BY_URL = ("vcs", "url_expanded")  # copier.yml: `{{ _copier_python }} {{ src_path }}/migrations/run.py`


# --- the seams ---------------------------------------------------------------------------------------
def _copier_modules() -> tuple[Any, Any, Any]:
    import copier._main as main
    import copier._template as template
    import copier._vcs as vcs

    return main, template, vcs


def missing() -> list[str]:
    """The seams this copier lacks (empty for the copier versions modforge is tested with)."""
    import jinja2

    main, template, vcs = _copier_modules()
    absent = []
    if getattr(template, "clone", None) is not getattr(vcs, "clone", object()):
        absent.append("copier._template.clone")
    if getattr(template, "get_latest_tag", None) is not getattr(vcs, "get_latest_tag", object()):
        absent.append("copier._template.get_latest_tag")
    config = getattr(template, "load_template_config", None)
    if config is None or list(inspect.signature(config).parameters) != ["conf_path", "quiet"]:
        absent.append("copier._template.load_template_config")
    if getattr(main, "subprocess", None) is not subprocess:
        absent.append("copier._main.subprocess")
    sync = getattr(getattr(main, "Worker", None), "_sync_git_index_executable_bit", None)
    if sync is None or list(inspect.signature(sync).parameters) != ["self", "dst_relpath", "src_mode"]:
        absent.append("copier._main.Worker._sync_git_index_executable_bit")
    for name in TEMPLATE_FACTS:
        if not isinstance(getattr(template, "Template", object).__dict__.get(name), functools.cached_property):
            absent.append(f"copier._template.Template.{name}")
    compile_params = list(inspect.signature(jinja2.Environment.compile).parameters)
    if compile_params != ["self", "source", "name", "filename", "raw", "defer_init"]:
        absent.append("jinja2.Environment.compile")
    return absent


class Seams:
    """The four savings of the module docstring, installed for the duration of a `with` block (one run).

    Forked workers inherit the checkouts made before they start; a checkout made in a worker stays there."""

    def __init__(self, scratch: Path) -> None:
        self.scratch = Path(scratch)
        self.checkouts: dict[tuple[str, str], str] = {}
        self.latest: dict[tuple[str, bool], str] = {}
        self.code: dict[tuple, Any] = {}
        self._signatures: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
        self._file_mode: dict[str, bool] = {}
        self._configs: dict[tuple[str, bool], Any] = {}
        self._facts: dict[tuple[str, str], Any] = {}
        self.inline = InlineScripts()
        self.installed: list[str] = []

    @contextlib.contextmanager
    def installed_in(self) -> Iterator[Seams]:
        import jinja2

        main, template, vcs = _copier_modules()
        absent = set(missing())
        saved: list[tuple[Any, str, Any]] = []

        def patch(owner: Any, name: str, value: Any, seam: str) -> None:
            if seam in absent:
                return
            saved.append((owner, name, getattr(owner, name)))
            setattr(owner, name, value)
            self.installed.append(seam)

        real_clone, real_latest, real_config = vcs.clone, vcs.get_latest_tag, template.load_template_config
        real_sync = main.Worker._sync_git_index_executable_bit
        real_compile = jinja2.Environment.compile
        patch(
            template,
            "clone",
            lambda url, ref="HEAD", location=None: self._clone(real_clone, url, ref),
            "copier._template.clone",
        )
        patch(
            template,
            "get_latest_tag",
            lambda url, pre=False: self._latest(real_latest, url, pre),
            "copier._template.get_latest_tag",
        )
        patch(template, "load_template_config", self._config(real_config), "copier._template.load_template_config")
        patch(main, "subprocess", _SubprocessProxy(self.inline), "copier._main.subprocess")
        patch(
            main.Worker,
            "_sync_git_index_executable_bit",
            self._sync(real_sync),
            "copier._main.Worker._sync_git_index_executable_bit",
        )
        patch(jinja2.Environment, "compile", self._compile(real_compile), "jinja2.Environment.compile")
        for name in TEMPLATE_FACTS:
            fact = self._fact(name, template.Template.__dict__.get(name))
            patch(template.Template, name, fact, f"copier._template.Template.{name}")
        try:
            yield self
        finally:
            for owner, name, value in reversed(saved):
                setattr(owner, name, value)
            self.installed.clear()

    # -- clone: one checkout per (template, ref)
    def _clone(self, real_clone: Callable[..., str], url: str, ref: str) -> str:
        key = (str(url), str(ref))
        if key not in self.checkouts:
            location = tempfile.mkdtemp(prefix="template-", dir=self.scratch)
            self.checkouts[key] = real_clone(url, ref, location=location)
        return self.checkouts[key]

    def _latest(self, real_latest: Callable[..., str], url: str, use_prereleases: bool) -> str:
        key = (str(url), bool(use_prereleases))
        if key not in self.latest:
            self.latest[key] = real_latest(url, use_prereleases)
        return self.latest[key]

    def prepare(self, url: str, refs: list[str | None]) -> None:
        """Make the checkouts of `url` at `refs` now (None: the latest release), before workers fork."""
        from copier._template import Template

        for ref in refs:
            template = Template(url=url, ref=ref)
            try:
                template.local_abspath  # noqa: B018  (a cached property: makes the checkout through _clone)
            finally:
                template._cleanup()

    # -- config: parse each checkout's copier.yml once
    def _config(self, real_config: Callable[..., Any]) -> Callable[..., Any]:
        seams = self

        def load_template_config(conf_path: Path, quiet: bool = False) -> Any:
            key = (str(conf_path), bool(quiet))
            if key not in seams._configs:
                seams._configs[key] = real_config(conf_path, quiet)
            return copy.deepcopy(seams._configs[key])

        return load_template_config

    # -- template facts: asked once per template location or checkout
    def _fact(self, name: str, real: Any) -> Any:
        seams = self

        def fact(template: Any) -> Any:
            place = str(template.url) if name in _BY_URL else str(template.local_abspath)
            key = (name, place)
            if key not in seams._facts:
                seams._facts[key] = real.func(template)
            return copy.copy(seams._facts[key])

        made = functools.cached_property(fact)
        made.__set_name__(None, name)
        return made

    # -- exec bit: ask git once per destination
    def _sync(self, real_sync: Callable[..., None]) -> Callable[..., None]:
        seams = self

        def sync(worker: Any, dst_relpath: Path, src_mode: int) -> None:
            root = str(worker.subproject.local_abspath)
            if root not in seams._file_mode:
                seams._file_mode[root] = _file_mode_is_false(Path(root))
            if seams._file_mode[root]:
                real_sync(worker, dst_relpath, src_mode)

        return sync

    # -- compile: one code object per source and environment configuration
    def _compile(self, real_compile: Callable[..., Any]) -> Callable[..., Any]:
        seams = self

        def compile(env: Any, source: Any, name: Any = None, filename: Any = None, raw: bool = False, defer_init=False):
            if raw or not isinstance(source, str):
                return real_compile(env, source, name, filename, raw, defer_init)
            key = (seams._signature(env), source, name, filename, defer_init)
            code = seams.code.get(key)
            if code is None:
                code = seams.code[key] = real_compile(env, source, name, filename, raw, defer_init)
            return code

        return compile

    def _signature(self, env: Any) -> tuple:
        """What the compiled code of one source depends on in `env`: its class, loader folder, extensions,
        syntax, whitespace and finalize options, policies, and the filters and tests it knows."""
        signature = self._signatures.get(env)
        if signature is None:
            loader = getattr(env, "loader", None)
            signature = (
                type(env),
                tuple(getattr(loader, "searchpath", ()) or ()),
                tuple(_class_name(type(extension)) for extension in env.extensions.values()),
                env.block_start_string,
                env.block_end_string,
                env.variable_start_string,
                env.variable_end_string,
                env.comment_start_string,
                env.comment_end_string,
                env.line_statement_prefix,
                env.line_comment_prefix,
                env.trim_blocks,
                env.lstrip_blocks,
                env.newline_sequence,
                env.keep_trailing_newline,
                env.optimized,
                env.is_async,
                env.autoescape if isinstance(env.autoescape, bool) else id(env.autoescape),
                env.finalize is not None,
                tuple(sorted((key, repr(value)) for key, value in env.policies.items())),
                tuple(sorted(env.filters)),
                tuple(sorted(env.tests)),
            )
            self._signatures[env] = signature
        return signature


def _class_name(cls: type) -> tuple[str, str]:
    """A class by name: copier-template-extensions loads a template's extension file afresh for every
    environment, so the same extension is a new class object each time (the loader's folder, also in the
    signature, tells two templates' extensions apart)."""
    return cls.__module__, cls.__qualname__


def _file_mode_is_false(root: Path) -> bool:
    """copier's own test (`git config --type=bool --get core.fileMode` in the destination)."""
    try:
        result = subprocess.run(
            ["git", "config", "--type=bool", "--get", "core.fileMode"], cwd=root, capture_output=True, text=True
        )
    except OSError:
        return False
    return result.returncode == 0 and result.stdout.strip() == "false"


# --- migrations in this process ----------------------------------------------------------------------
class InlineScripts:
    """Runs `python <template checkout>/migrations/run.py ...` in this process, as copier would in a child.

    The script imports `modforge` from its checkout: that checkout's package is swapped in for the call
    (its modules are kept for the next call of the same checkout) and this process's put back after, so
    the migrations of the release being updated to run, whatever modforge runs the fleet."""

    def __init__(self) -> None:
        self.packages: dict[str, dict[str, Any]] = {}  # checkout -> its `modforge` modules
        self.output = io.StringIO()  # what the scripts printed since the last `take_output`
        self.calls = 0

    def handles(self, command: Any, shell: bool) -> bool:
        if shell or not isinstance(command, list | tuple) or len(command) < 2:
            return False
        script = Path(str(command[1]))
        return str(command[0]) == sys.executable and script.parts[-2:] == MIGRATION_SCRIPT and script.is_file()

    def run(self, command: list[str], env: dict[str, str] | None) -> subprocess.CompletedProcess:
        script = Path(str(command[1])).resolve()
        checkout = str(script.parent.parent)
        self.calls += 1
        with (
            _swapped_package(self.packages.setdefault(checkout, {})),
            _process_state(command, env),
            contextlib.redirect_stdout(self.output),
            contextlib.redirect_stderr(self.output),
        ):
            try:
                runpy.run_path(str(script), run_name="__main__")
                code = 0
            except SystemExit as done:
                code = done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
        return subprocess.CompletedProcess(list(command), code)

    def take_output(self) -> str:
        text = self.output.getvalue()
        self.output.seek(0)
        self.output.truncate()
        return text


class _SubprocessProxy:
    """copier._main's `subprocess`: migration scripts run inline, every other call goes to the real module."""

    def __init__(self, inline: InlineScripts) -> None:
        self._inline = inline

    def __getattr__(self, name: str) -> Any:
        return getattr(subprocess, name)

    def run(self, args: Any, *more: Any, **options: Any) -> subprocess.CompletedProcess:
        if not more and self._inline.handles(args, bool(options.get("shell"))):
            extra = set(options) - {"shell", "check", "env"}
            if not extra:
                result = self._inline.run(list(args), options.get("env"))
                if options.get("check") and result.returncode:
                    raise subprocess.CalledProcessError(result.returncode, args)
                return result
        return subprocess.run(args, *more, **options)


def _ours(name: str) -> bool:
    return name == "modforge" or name.startswith("modforge.")


@contextlib.contextmanager
def _swapped_package(kept: dict[str, Any]) -> Iterator[None]:
    """sys.modules holds `kept` (a checkout's modforge modules) instead of this process's during the block;
    whatever the block imports of modforge is added to `kept`."""
    own = {name: module for name, module in sys.modules.items() if _ours(name)}
    for name in own:
        del sys.modules[name]
    sys.modules.update(kept)
    try:
        yield
    finally:
        kept.clear()
        kept.update({name: module for name, module in sys.modules.items() if _ours(name)})
        for name in kept:
            del sys.modules[name]
        sys.modules.update(own)


@contextlib.contextmanager
def _process_state(command: list[str], env: dict[str, str] | None) -> Iterator[None]:
    """sys.argv, sys.path and os.environ as the child process would have them, restored after."""
    argv, path, environ = sys.argv, list(sys.path), dict(os.environ)
    sys.argv = [str(part) for part in command[1:]]
    if env is not None:
        os.environ.clear()
        os.environ.update(env)
    try:
        yield
    finally:
        sys.argv = argv
        sys.path[:] = path
        if env is not None:
            os.environ.clear()
            os.environ.update(environ)
