"""Where a monorepo keeps what wiring touches: the `[paths]` table of `.modforge.toml` (or of
`[tool.modforge]` in `pyproject.toml`), every key optional, the platform's conventions as defaults.

    [paths]
    modules = "modules"                                        # modules/<module-name>/
    server_crate = "apps/cf-server"                            # default: found (the member with registered_modules.rs)
    configs = ["config/quickstart.yaml", "config/e2e-local.yaml"]   # each gets the module's block under modules:
    e2e_tests = "testing/e2e/modules"                          # the module's E2E package goes in <e2e_tests>/<snake>/
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from modforge import config
from modforge.errors import ModforgeError
from modforge.filesystem import confine
from modforge.spec import layout

TABLE = "paths"
DEFAULT_CONFIGS = ("config/quickstart.yaml", "config/e2e-local.yaml")
DEFAULT_E2E_TESTS = layout.E2E_TESTS_DIR
_EXAMPLES = {  # a folder to suggest for each setting
    "modules": layout.MODULES_DIR,
    "server_crate": "server",
    "configs": DEFAULT_CONFIGS[0],
    "e2e_tests": DEFAULT_E2E_TESTS,
}
REGISTRATION_FILE = "src/registered_modules.rs"  # in the server crate


@dataclass(frozen=True)
class Paths:
    modules: str = layout.MODULES_DIR
    server_crate: str | None = None  # None: find it
    configs: tuple[str, ...] = DEFAULT_CONFIGS
    e2e_tests: str = DEFAULT_E2E_TESTS
    source: str = "defaults"


def load(root: Path) -> Paths:
    """The paths of the monorepo at `root` (its configuration file, else the defaults)."""
    found = config.find_config(root)
    if found is None:
        return Paths()
    path, table = found
    section = table.get(TABLE)
    if section is None:
        return Paths()
    source = f"[{TABLE}] of {path}"
    if not isinstance(section, dict):
        raise ModforgeError(f'{source} must be a table, such as [{TABLE}] with modules = "modules"')
    known = ("modules", "server_crate", "configs", "e2e_tests")
    unknown = sorted(set(section) - set(known))
    if unknown:
        raise ModforgeError(f"unknown key {unknown[0]!r} in {source}; the keys are {', '.join(known)}")
    for key in ("modules", "server_crate", "e2e_tests"):
        if key in section and not (isinstance(section[key], str) and section[key].strip()):
            raise ModforgeError(f"{key} in {source} must be a path relative to the monorepo root, as a string")
    configs = section.get("configs", list(DEFAULT_CONFIGS))
    if not isinstance(configs, list) or not all(isinstance(c, str) and c.strip() for c in configs):
        raise ModforgeError(f'configs in {source} must be a list of paths, such as ["config/quickstart.yaml"]')
    server_crate = section.get("server_crate")
    return Paths(
        modules=_inside(section.get("modules", layout.MODULES_DIR), "modules", source),
        server_crate=_inside(server_crate, "server_crate", source) if server_crate else None,
        configs=tuple(_inside(c, "configs", source) for c in configs),
        e2e_tests=_inside(section.get("e2e_tests", DEFAULT_E2E_TESTS), "e2e_tests", source),
        source=source,
    )


def _inside(value: str, key: str, source: str) -> str:
    """`value` as a clean path under the monorepo root; wiring writes there, so one that could leave the
    monorepo (absolute, or with `..`) is refused here, naming the setting."""
    try:
        return confine.relative_posix(value.strip().rstrip("/"))
    except ModforgeError:
        if not PurePosixPath(value.strip()).parts:  # "." or "./."
            raise ModforgeError(
                f"{key} in {source} is {value!r}, the monorepo root itself; name a folder under it, such as "
                f"{_EXAMPLES[key]!r}"
            ) from None
        raise ModforgeError(
            f"{key} in {source} is {value!r}, which leaves the monorepo; write a path relative to its root, without .."
        ) from None
