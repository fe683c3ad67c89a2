"""The monorepo around a module: its Cargo workspace root, its server crate and the module's own crates.

The server crate is found, not assumed (`apps/hyperspot-server` in the platform's history, `apps/cf-server`
later): it is the workspace member that has `src/registered_modules.rs`, unless `[paths] server_crate`
names it. Manifests are read with the standard library's TOML reader; a broken one is one clear error.
"""

from __future__ import annotations

import fnmatch
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from modforge.documents import loader
from modforge.errors import ModforgeError
from modforge.filesystem import confine, structured, textcodec
from modforge.spec import layout, naming
from modforge.workspace import paths as paths_module
from modforge.workspace.paths import Paths

MANIFEST = "Cargo.toml"


@dataclass(frozen=True)
class Crate:
    path: str  # relative to the monorepo root, POSIX
    package: str  # [package].name
    lib: str  # the name Rust code uses: [lib].name, else the package name with - as _


@dataclass(frozen=True)
class Module:
    name: str  # kebab-case: the key under `modules:` in the configs
    folder: str  # relative to the monorepo root
    crates: tuple[Crate, ...]  # the SDK crate (when there is one), then the module crate
    persistence: bool
    rest: bool  # a public REST API (the E2E smoke test looks for its routes)

    @property
    def snake(self) -> str:
        return naming.snake(self.name)

    @property
    def module_crate(self) -> Crate:
        return self.crates[-1]


@dataclass(frozen=True)
class Monorepo:
    root: Path
    paths: Paths
    server: Crate


def read_toml(path: Path, shown: str) -> dict:
    """The manifest at `path` as data; ModforgeError naming `shown` when it is unreadable or not TOML."""
    text = textcodec.read_text(confine.read_regular(path), shown)
    try:
        with structured.parsing(shown):
            return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ModforgeError(f"{shown} is not valid TOML ({error}); fix it, then run again") from None


def workspace_root(start: Path) -> Path | None:
    """The nearest folder from `start` upwards whose Cargo.toml has a [workspace] table (None: there is none)."""
    start = Path(os.path.abspath(start))
    for folder in (start, *start.parents):
        manifest = folder / MANIFEST
        kind = confine.kind_of(manifest)
        if kind == "link":  # wiring writes the root manifest: never through a link
            raise confine.link_refused(manifest)
        if kind == "file" and "workspace" in read_toml(manifest, str(manifest)):
            return folder
    return None


def open_monorepo(root: Path) -> Monorepo:
    paths = paths_module.load(root)
    return Monorepo(root, paths, find_server_crate(root, paths))


def members(root: Path) -> list[str]:
    """The workspace's member folders that exist, globs expanded, `exclude` applied (as cargo reads them)."""
    workspace = read_toml(root / MANIFEST, MANIFEST).get("workspace", {})
    patterns = [clean(p) for p in workspace.get("members", []) if isinstance(p, str)]
    excluded = {clean(p) for p in workspace.get("exclude", []) if isinstance(p, str)}
    found: list[str] = []
    for pattern in patterns:
        if any(char in pattern for char in "*?["):
            found += sorted(p.relative_to(root).as_posix() for p in root.glob(pattern) if (p / MANIFEST).is_file())
        elif (root / pattern / MANIFEST).is_file():
            found.append(pattern)
    return [m for m in dict.fromkeys(found) if m not in excluded]


def covered_by(patterns: list[str], path: str) -> bool:
    """Whether `path` is one of the member entries, or matched by one of their globs (`*` never crosses `/`)."""
    parts = PurePosixPath(path).parts
    for pattern in map(clean, patterns):
        pattern_parts = PurePosixPath(pattern).parts
        if len(pattern_parts) == len(parts) and all(
            fnmatch.fnmatchcase(part, glob) for part, glob in zip(parts, pattern_parts, strict=True)
        ):
            return True
    return False


def clean(path: str) -> str:
    return PurePosixPath(path.strip().removeprefix("./")).as_posix().rstrip("/") or "."


def crate_at(root: Path, relative: str) -> Crate:
    data = read_toml(root / relative / MANIFEST, f"{relative}/{MANIFEST}")
    package = data.get("package", {}).get("name")
    if not isinstance(package, str):
        raise ModforgeError(f"{relative}/{MANIFEST} has no [package] name; it is not a crate modforge can wire")
    lib = data.get("lib", {}).get("name") or package.replace("-", "_")
    return Crate(relative, package, lib)


def find_server_crate(root: Path, paths: Paths) -> Crate:
    registration = paths_module.REGISTRATION_FILE
    if paths.server_crate:
        if confine.kind_of(root / paths.server_crate / MANIFEST) != "file":
            raise ModforgeError(
                f"{paths.source} names server_crate {paths.server_crate!r}, which has no {MANIFEST}; fix the path"
            )
        return crate_at(root, paths.server_crate)
    candidates = [m for m in members(root) if (root / m / registration).is_file()]
    if not candidates:
        raise ModforgeError(
            f"no server crate in the workspace at {root}: no member of [workspace].members has {registration}; "
            'name it in .modforge.toml ([paths] server_crate = "apps/cf-server")'
        )
    if len(candidates) > 1:
        raise ModforgeError(
            f"several workspace members have {registration} ({', '.join(candidates)}); "
            'name the server in .modforge.toml ([paths] server_crate = "...")'
        )
    return crate_at(root, candidates[0])


def locate_module(argument: str, cwd: Path) -> tuple[Path, Path]:
    """(module folder, monorepo root) for MODULE given as a folder or as a module name."""
    folder = Path(argument)
    if not folder.is_absolute():
        folder = cwd / folder
    if folder.is_dir():
        root = workspace_root(folder)
        if root is None:
            raise ModforgeError(
                f"{argument} is not inside a Cargo workspace (no Cargo.toml with [workspace] above it); "
                "wire modules that live in the monorepo, e.g. modules/cred-store"
            )
        return Path(os.path.abspath(folder)), root
    if naming.module_name_error(argument):
        raise ModforgeError(f"no such module folder: {argument}; pass the module's folder or its name")
    root = workspace_root(cwd)
    if root is None:
        raise ModforgeError(
            f"the current folder is not inside a Cargo workspace, so module {argument!r} cannot be found; "
            "run in the monorepo or pass the module's folder"
        )
    modules_dir = root / paths_module.load(root).modules
    matches = [modules_dir / argument] if (modules_dir / argument).is_dir() else sorted(modules_dir.rglob(argument))
    matches = [m for m in matches if m.is_dir() and not any(part in loader.SKIPPED_DIRS for part in m.parts)]
    if not matches:
        raise ModforgeError(f"no module {argument!r} under {modules_dir}; pass the module's folder")
    return matches[0], root


def read_module(folder: Path, root: Path) -> Module:
    """The module at `folder`: its name and persistence from the answers file (else the folder name and
    its code), its crates `<name>-sdk/` and `<name>/` inside it."""
    relative = folder.relative_to(root).as_posix()
    confine.confined(root, relative)  # a module reached through a link is wired as if it lived elsewhere: refused
    answers_path = folder / layout.ANSWERS_FILE
    answers = loader.load_answers(answers_path) if answers_path.is_file() else {}
    name = str(answers.get("module_name") or folder.name)
    # The crate folders: the template's (<name>/, <name>-sdk/), or the ones an adopted module records.
    module_crate = f"{relative}/{answers.get('crate_dir') or name}"
    if confine.kind_of(root / module_crate / MANIFEST) != "file":
        raise ModforgeError(
            f"{relative} has no module crate ({module_crate}/{MANIFEST}); wire a module made by `modforge new` "
            "or adopted (its answers name the crate folders)"
        )
    crates = [crate_at(root, module_crate)]
    sdk = f"{relative}/{answers.get('sdk_dir') or name + '-sdk'}"
    if confine.kind_of(root / sdk / MANIFEST) == "file":
        crates.insert(0, crate_at(root, sdk))
    if "persistence" in answers and "category" in answers:
        persistence = bool(answers["persistence"])
        rest = naming.has_rest(str(answers["category"]), answers.get("rest_api"))
    else:  # a module not made by the template: what its code says
        from modforge.lifecycle.adoption import read_layout

        facts = read_layout(root / module_crate, None).facts()  # the crate root is no crate there: its code is loose
        persistence = "persistence" in facts and bool(facts["persistence"].value)
        rest = "rest_api" in facts and bool(facts["rest_api"].value)
    return Module(name, relative, tuple(crates), persistence, rest)
