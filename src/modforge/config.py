"""The project's configuration: `.modforge.toml` (top-level keys) or the `[tool.modforge]` table of
`pyproject.toml`, found in the working directory or the nearest parent up to the repository root.

Keys: `template`, the template source every command uses (a path, relative to the file, or a git URL;
the environment variable MODFORGE_TEMPLATE and `--template` take precedence), and `select` / `ignore`,
which rules `modforge check` runs, by code or code prefix as ruff does.

The rule selection comes from that file (or, when there is none, from the first checked path the same
way); then from `--select` / `--ignore` on the command line: `--select` replaces the file's selection,
`--ignore` adds to the file's ignores. The most specific entry wins, so `select = ["ALL"]`,
`ignore = ["MF9"]` runs every rule but the orphan warnings, and `select = ["MF901"]` over
`ignore = ["MF9"]` brings that one back.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from modforge import __version__
from modforge.errors import ModforgeError

try:  # hashlib's own blake2b, without hashlib loading OpenSSL (4 ms of every run, the cached ones included)
    from _blake2 import blake2b
except ImportError:  # a Python built without it
    from hashlib import blake2b

CONFIG_FILE = ".modforge.toml"
PYPROJECT = "pyproject.toml"
KEYS = ("select", "ignore")
TEMPLATE_KEY = "template"  # read by template_setting, for modforge.templating.template_source
PROJECT_KEYS = (TEMPLATE_KEY, *KEYS)
# Tables of the same file that other commands read (modforge.workspace.paths reads [paths]); check skips them.
OTHER_TABLES = ("paths",)
ALL = "ALL"  # as in ruff: every rule


class Settings:
    """The rule selection of one run; `source` names where it came from, for messages. (A plain class: a
    dataclass would cost its import on every run, the ones answered from the cache included.)"""

    __slots__ = ("_enabled", "ignore", "select", "source")

    def __init__(self, select: Iterable[str] = (ALL,), ignore: Iterable[str] = (), source: str = "defaults") -> None:
        self.select, self.ignore, self.source = _normalise(select), _normalise(ignore), source
        if not self.select:  # an empty CI variable must not switch the check off
            raise ModforgeError(
                f"select in {source} names no rule, so nothing would be checked; "
                "name rule codes or prefixes (for example MF1), or ALL"
            )
        self._enabled: tuple[str, ...] | None = None
        named = [entry for entry in (*self.select, *self.ignore) if entry != ALL]
        codes = _codes() if named else ()  # the defaults need no rule imported (a warm run imports none)
        for entry in named:
            if not any(_matches(entry, code) for code in codes):
                raise ModforgeError(
                    f"unknown rule code {entry!r} in {source}; "
                    "use a code or code prefix listed by `modforge rules` (for example MF1 or MF201), or ALL"
                )

    def __repr__(self) -> str:
        return f"Settings(select={self.select!r}, ignore={self.ignore!r}, source={self.source!r})"

    @property
    def enabled_codes(self) -> tuple[str, ...]:
        if self._enabled is None:
            self._enabled = tuple(code for code in _codes() if self.is_enabled(code))
        return self._enabled

    def is_enabled(self, code: str) -> bool:
        chosen = max((_specificity(e) for e in self.select if _matches(e, code)), default=-1)
        dropped = max((_specificity(e) for e in self.ignore if _matches(e, code)), default=-1)
        return chosen > dropped

    def with_overrides(self, select: Iterable[str] | None = None, ignore: Iterable[str] | None = None) -> Settings:
        """The command line's `--select` (replaces) and `--ignore` (adds) over these settings."""
        select = tuple(select) if select is not None else ()
        ignore = tuple(ignore or ())
        if select is not None and select and not _normalise(select):
            raise ModforgeError(
                "--select names no rule, so nothing would be checked; "
                "name rule codes or prefixes (for example --select MF1), or ALL"
            )
        if not select and not ignore:
            return self
        source = f"{self.source} and the command line" if self.source != "defaults" else "the command line"
        return Settings(select or self.select, (*self.ignore, *ignore), source)

    def cache_key(self) -> str:
        """Changes whenever a run could give other findings for the same documents: another selection,
        another modforge version, or edited rule code (a development checkout). The selection as written,
        not the codes it enables: those follow from it and the rules' code, and need every rule imported."""
        selection = f"select {','.join(self.select)} ignore {','.join(self.ignore)}"
        return f"modforge {__version__} rules {_fingerprint()} {selection}"


def _normalise(entries: Iterable[str]) -> tuple[str, ...]:
    """Upper-case entries, comma-separated lists split, blanks dropped."""
    out: list[str] = []
    for entry in entries:
        out += [part.strip().upper() for part in str(entry).split(",") if part.strip()]
    return tuple(out)


def _matches(entry: str, code: str) -> bool:
    return entry == ALL or code.startswith(entry)


def _specificity(entry: str) -> int:
    return 0 if entry == ALL else len(entry)


def _codes() -> tuple[str, ...]:
    from modforge.checker.rules import BY_CODE

    return tuple(BY_CODE)


_FINGERPRINT: list[str] = []


def _fingerprint() -> str:
    """A short hash of the checker's own source (rules, grammar, layout, check)."""
    if not _FINGERPRINT:
        package = Path(__file__).resolve().parent
        files = sorted((package / "checker" / "rules").glob("*.py")) + [
            package / n for n in ("spec/grammar.py", "spec/layout.py", "checker/check.py")
        ]
        digest = blake2b(digest_size=8)
        for path in files:
            try:
                digest.update(path.read_bytes())
            except OSError:
                digest.update(path.name.encode())
        _FINGERPRINT.append(digest.hexdigest())
    return _FINGERPRINT[0]


# --- the configuration file ---------------------------------------------------------------------
def find_config(start: Path) -> tuple[Path, dict] | None:
    """The nearest `.modforge.toml`, or `pyproject.toml` with a `[tool.modforge]` table, from `start` up to
    the repository root (the first folder holding `.git`), with its table. Something by either name that is
    no readable file (a link to nothing, a FIFO) stops the run: its settings would be silently lost."""
    start = start.resolve()
    for folder in (start, *start.parents):
        candidate = folder / CONFIG_FILE
        if os.path.lexists(candidate):
            return candidate, _read(candidate)
        candidate = folder / PYPROJECT
        if os.path.lexists(candidate):
            table = _read(candidate).get("tool", {})
            table = table.get("modforge") if isinstance(table, dict) else None
            if table is not None:
                return candidate, table
        if (folder / ".git").exists():
            break
    return None


MAX_CONFIG_BYTES = 1_000_000  # a settings file is a few lines; more is not one


def _read(path: Path) -> dict:
    import tomllib  # only when a configuration file exists

    from modforge.filesystem import confine

    data = confine.read_regular(path, follow_links=True, limit=MAX_CONFIG_BYTES)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        from modforge.filesystem import textcodec

        text = textcodec.read_text(data, path)  # raises, naming the byte that is not UTF-8
    from modforge.filesystem import structured

    try:
        with structured.parsing(path):  # nested past the recursion limit, numbers past int()'s
            return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ModforgeError(f"{path} is not valid TOML ({error}); fix the syntax") from None


def _check_keys(table: object, source: str) -> None:
    if not isinstance(table, dict):
        raise ModforgeError(f"{source} must be a table with the keys {', '.join(PROJECT_KEYS)}")
    unknown = sorted(set(table) - set(PROJECT_KEYS) - set(OTHER_TABLES))
    if unknown:
        raise ModforgeError(f"unknown key {unknown[0]!r} in {source}; the keys are {', '.join(PROJECT_KEYS)}")


def _source_name(path: Path) -> str:
    return str(path) if path.name == CONFIG_FILE else f"[tool.modforge] of {path}"


def template_setting(start: Path) -> tuple[str, Path] | None:
    """The `template` of the configuration file found from `start`, with that file; None when unset."""
    found = find_config(start if start.is_dir() else start.parent)
    if found is None:
        return None
    path, table = found
    _check_keys(table, _source_name(path))
    value = table.get(TEMPLATE_KEY)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise ModforgeError(
            f'{TEMPLATE_KEY} in {_source_name(path)} must be a path or git URL, such as template = "gh:org/modforge"'
        )
    return value.strip(), path


def settings_from_table(table: object, source: str) -> Settings:
    _check_keys(table, source)
    values: dict[str, tuple[str, ...]] = {}
    for key in KEYS:
        value = table.get(key)
        if value is None:
            continue
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ModforgeError(f'{key} in {source} must be a list of rule codes, such as {key} = ["MF9"]')
        values[key] = tuple(value)
    return Settings(values.get("select", (ALL,)), values.get("ignore", ()), source)


def load_settings(
    start: Path | None = None,
    select: Iterable[str] | None = None,
    ignore: Iterable[str] | None = None,
    paths: Iterable[Path] = (),
) -> Settings:
    """The settings of a run: the configuration file found from `start` (the working directory), else from
    the first checked path that has one (checking another monorepo from outside it), then the command line."""
    found = None
    for origin in (start or Path.cwd(), *paths):
        origin = Path(origin)
        found = find_config(origin if origin.is_dir() else origin.parent)
        if found is not None:
            break
    if found is None:
        settings = Settings()
    else:
        path, table = found
        settings = settings_from_table(table, _source_name(path))
    return settings.with_overrides(select, ignore)
