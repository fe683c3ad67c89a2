"""What a hand-made module's Rust code says: which folder is which crate, and the facts adoption answers from.

A module of the platform holds an SDK crate (`<module>-sdk/`), a module crate (`<module>/` in the template;
hand-made modules also use `<module>-gw/`, `<module>-core/` ...) and, for a gateway, its bundled worker
plugins (`plugins/<name>/`). Facts are read from the module crate and the SDK only: a bundled plugin
registers a scoped client (`register_scoped`) because it *is* a worker, which says nothing about the module.

Every fact carries its evidence (a sentence naming the folder or file), so that adoption's summary can say
which evidence decided each answer.
"""

from __future__ import annotations

import os
import re
import stat
import tomllib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from modforge.errors import ModforgeError
from modforge.filesystem import confine

SKIP_DIRS = frozenset({".git", "target", "node_modules", "__pycache__", ".venv", "venv"})
MAX_BYTES = 2_000_000
PLUGINS_DIR = "plugins"
SDK_SUFFIX = "-sdk"

_PLUGIN_TRAIT_RE = re.compile(r"\bpub\s+trait\s+(?P<name>\w*Plugin\w*)")
_MODULE_MACRO_RE = re.compile(r"#\[\s*modkit::module\s*\(")
_DATABASE_WORDS = ("sea_orm", "DatabaseCapability", "DbModule", "db_required")
# GTS types of the module's own: a base struct, or a schema ID constant. A plugin spec, which every gateway has,
# is not one.
_GTS_BASE_RE = re.compile(r"struct_to_gts_schema\([^)]*\bbase\s*=\s*true", re.DOTALL)
_GTS_SCHEMA_CONST_RE = re.compile(r'const\s+\w+\s*:\s*&str\s*=\s*"gts\.[^"]*~"')
# A worker names the gateway it plugs into by the plugin trait it implements: `use oagw_sdk::OagwPluginClientV1`.
_GATEWAY_TRAIT_RE = re.compile(r"\b(?P<sdk>[a-z][a-z0-9_]*)_sdk::(?:\{[^}]*?)?\b\w*PluginClientV\d+")


@dataclass
class Crate:
    folder: str  # POSIX path relative to the module: "oagw-gw", "plugins/http"
    package: str | None  # [package] name of its Cargo.toml (None for a workspace-only manifest)
    sources: dict[str, str] = field(default_factory=dict)  # module-relative path of each .rs file -> its text

    @property
    def name(self) -> str:
        return PurePosixPath(self.folder).name

    def code(self) -> str:
        return "\n".join(self.sources.values())


@dataclass
class Fact:
    value: object
    evidence: str  # what in the code decided it, for the summary


@dataclass
class Layout:
    crates: list[Crate]
    module_crate: Crate | None
    sdk: Crate | None
    plugins: list[Crate]
    loose_sources: dict[str, str]  # .rs files outside every crate
    schemas: list[str] = field(default_factory=list)  # GTS schema files (schemas/*.json) of the module and SDK

    def facts(self) -> dict[str, Fact]:
        """The answers the code gives: rest_api, persistence, gts, category (and a worker's gateway); each with
        its evidence."""
        own = [c for c in (self.module_crate, self.sdk) if c is not None]
        sources = {p: t for c in own for p, t in c.sources.items()} or dict(self.loose_sources)
        if not sources:
            return {}
        facts: dict[str, Fact] = {}
        rest = _rest_evidence(sources)
        facts["rest_api"] = Fact(bool(rest), rest or "no REST API in the module crate")
        storage = next((p for p in sources if _folder_named(p, "infra/storage")), None)
        database = next((w for w in _DATABASE_WORDS if any(w in text for text in sources.values())), None)
        if storage:
            facts["persistence"] = Fact(True, f"a storage layer in {_folder_named(storage, 'infra/storage')}")
        else:
            facts["persistence"] = Fact(bool(database), f"`{database}` in the code" if database else "no database code")
        gts = _gts_evidence(sources, self.schemas)
        facts["gts"] = Fact(bool(gts), gts or "no GTS types of its own (at most a gateway's plugin spec)")
        category = self._category(sources, rest)
        if category is not None:
            facts["category"] = category
            gateway = _gateway_evidence(sources) if category.value == "worker" else None
            if gateway is not None:
                facts["gateway"] = gateway
        return facts

    def _category(self, sources: dict[str, str], rest: str | None) -> Fact | None:
        if self.plugins:  # the platform's gateway shape: the module routes to the workers bundled beside it
            names = ", ".join(f"{p.folder}/" for p in self.plugins)
            return Fact("gateway", f"{rest or 'a module crate'} and worker plugins beside it ({names})")
        for path, text in sources.items():
            match = _PLUGIN_TRAIT_RE.search(text)
            if match:
                return Fact("gateway", f"the plugin contract `{match['name']}` it defines in {path}")
        if not rest:
            for path, text in sources.items():
                if "register_scoped" in text:
                    return Fact("worker", f"a scoped client registered in {path} (register_scoped) and no REST API")
        return None


def _gts_evidence(sources: dict[str, str], schemas: list[str]) -> str | None:
    for path, text in sources.items():
        if _GTS_BASE_RE.search(text):
            return f"a GTS base type in {path}"
        if any("plugin" not in m.group(0).lower() for m in _GTS_SCHEMA_CONST_RE.finditer(text)):
            return f"a GTS schema id in {path}"
    own = [p for p in schemas if "plugin" not in PurePosixPath(p).name.lower()]
    return f"the GTS schema {own[0]}" if own else None


def _gateway_evidence(sources: dict[str, str]) -> Fact | None:
    for path, text in sources.items():
        match = _GATEWAY_TRAIT_RE.search(text)
        if match:
            return Fact(match["sdk"].replace("_", "-"), f"the gateway's plugin trait it implements in {path}")
    return None


def _folder_named(path: str, folder: str) -> str | None:
    """The folder of `path` that ends in `folder`, with a trailing slash ("hub/src/api/rest/x.rs", "api/rest"
    -> "hub/src/api/rest/"); None when `path` is not inside such a folder."""
    head, found, _ = ("/" + path).partition(f"/{folder}/")
    return f"{head}{found}"[1:] if found else None


def _rest_evidence(sources: dict[str, str]) -> str | None:
    for path in sources:
        rest = _folder_named(path, "api/rest")
        if rest:
            return f"a REST API in {rest}"
    for path, text in sources.items():
        if "OperationBuilder" in text:
            return f"a REST API (OperationBuilder routes in {path})"
    return None


def read_layout(root: Path, module_name: str | None) -> Layout:
    """Every crate of the module at `root` and which one is the module crate, the SDK and the plugins."""
    root = Path(root)
    manifests: dict[str, str | None] = {}
    sources: dict[str, str] = {}
    schemas: list[str] = []
    for relative in _files(root):
        name = PurePosixPath(relative).name
        if name.endswith(".json"):
            schemas.append(relative)
        elif name == "Cargo.toml":
            manifests[str(PurePosixPath(relative).parent)] = _package_name(_read(root, relative))
        elif name.endswith(".rs"):
            sources[relative] = _read(root, relative)
    crates = {folder: Crate(folder, package) for folder, package in manifests.items() if folder != "."}
    loose: dict[str, str] = {}
    for path, text in sources.items():
        owner = _owner(path, crates)
        if owner is None:
            loose[path] = text
        else:
            owner.sources[path] = text
    plugins = [c for c in crates.values() if _is_plugin(c)]
    sdks = [c for c in crates.values() if c not in plugins and _is_sdk(c)]
    sdk = _pick(sdks, module_name and module_name + SDK_SUFFIX)
    rest = [c for c in crates.values() if c not in plugins and c not in sdks]
    module_crate = _pick(rest, module_name, prefer=lambda c: bool(_MODULE_MACRO_RE.search(c.code())))
    own = [f"{c.folder}/" for c in (module_crate, sdk) if c is not None]
    schemas = [p for p in schemas if not own or any(p.startswith(f) for f in own)]
    return Layout(sorted(crates.values(), key=lambda c: c.folder), module_crate, sdk, plugins, loose, schemas)


def _pick(candidates: list[Crate], name: str | None, prefer=None) -> Crate | None:
    """The crate named `name`, else the one `prefer` singles out, else the only one; None when unclear."""
    for crate in candidates:
        if crate.name == name:
            return crate
    top = [c for c in candidates if "/" not in c.folder] or candidates
    if prefer is not None:
        preferred = [c for c in top if prefer(c)]
        if len(preferred) == 1:
            return preferred[0]
    return top[0] if len(top) == 1 else None


def _is_plugin(crate: Crate) -> bool:
    parts = PurePosixPath(crate.folder).parts
    return PLUGINS_DIR in parts[:-1] or crate.name.endswith("-plugin")


def _is_sdk(crate: Crate) -> bool:
    return crate.name.endswith(SDK_SUFFIX) or bool(crate.package and crate.package.endswith(SDK_SUFFIX))


def _owner(path: str, crates: dict[str, Crate]) -> Crate | None:
    """The innermost crate whose folder holds `path`."""
    parent = PurePosixPath(path).parent
    for folder in (parent, *parent.parents):
        crate = crates.get(str(folder))
        if crate is not None:
            return crate
    return None


def _package_name(text: str) -> str | None:
    try:
        package = tomllib.loads(text).get("package")
    except tomllib.TOMLDecodeError:
        return None
    name = package.get("name") if isinstance(package, dict) else None
    return name if isinstance(name, str) else None


def _files(root: Path) -> list[str]:
    """Regular files under `root` (not following links, skipping build output and hidden folders), as POSIX
    paths relative to it, sorted."""
    found: list[str] = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.startswith("."))
        base = Path(folder)
        for name in files:
            try:
                mode = os.lstat(base / name).st_mode
            except OSError:
                continue
            schema = name.endswith(".json") and base.name == "schemas"
            if stat.S_ISREG(mode) and (name == "Cargo.toml" or name.endswith(".rs") or schema):
                found.append((base / name).relative_to(root).as_posix())
    return sorted(found)


def _read(root: Path, relative: str) -> str:
    try:
        data = confine.read_regular(confine.confined(root, relative), limit=MAX_BYTES)
    except ModforgeError:
        return ""  # a file that cannot be read says nothing about the module
    return data.decode(errors="replace")  # UTF-8, whatever the locale
