"""The two manifests wiring edits: the root `[workspace].members` and the server crate's `[dependencies]`.

tomlkit parses and writes back the very text it read, so only the entries added or removed change:
comments, blank lines, key order, quoting and inline-table spacing stay as they were. A member list that
is sorted stays sorted; otherwise new members go at its end. A new dependency joins the last run of the
server's (non-optional) module dependencies, in order when that run is sorted, and is written in the
platform's form: `cred_store = { package = "cf-cred-store", path = "../../modules/cred-store/cred-store" }`.
"""

from __future__ import annotations

import bisect
import os
from pathlib import PurePosixPath

import tomlkit
import tomlkit.exceptions
from tomlkit.container import OutOfOrderTableProxy
from tomlkit.items import Array, InlineTable, Table

from modforge.errors import ModforgeError
from modforge.filesystem import structured
from modforge.workspace.monorepo import Crate, clean, covered_by


def parse(text: str, shown: str) -> tomlkit.TOMLDocument:
    try:
        with structured.parsing(shown):
            return tomlkit.parse(text)
    except tomlkit.exceptions.ParseError as error:
        raise ModforgeError(f"{shown} is not valid TOML ({error}); fix it, then run again") from None


# --- [workspace].members --------------------------------------------------------------------------------
def _members(document: tomlkit.TOMLDocument, shown: str) -> Array | None:
    workspace = document.get("workspace")  # a Table, or a proxy when [workspace.package] comes first
    if not isinstance(workspace, Table | OutOfOrderTableProxy):
        raise ModforgeError(f"{shown} has no [workspace] table; it is not the workspace root")
    members = workspace.get("members")
    if members is not None and not isinstance(members, Array):
        raise ModforgeError(f"[workspace].members in {shown} is not a list; write it as members = [...]")
    return members


def missing_members(text: str, crates: list[str], shown: str) -> list[str]:
    members = _members(parse(text, shown), shown)
    patterns = [str(m) for m in members or []]
    return [crate for crate in crates if not covered_by(patterns, crate)]


def is_listed(text: str, crate: str, shown: str) -> bool:
    """Whether `crate` is an entry of its own in the members list (not only matched by a glob)."""
    return crate in [clean(str(m)) for m in _members(parse(text, shown), shown) or []]


def add_members(text: str, crates: list[str], shown: str) -> str:
    document = parse(text, shown)
    members = _members(document, shown)
    if members is None:
        document["workspace"]["members"] = tomlkit.array()  # type: ignore[index]
        members = _members(document, shown)
    for crate in crates:
        if covered_by([str(m) for m in members], crate):
            continue
        values = [clean(str(m)) for m in members]
        members.insert(bisect.bisect(values, crate) if values == sorted(values) else len(values), crate)
    return document.as_string()


def remove_members(text: str, crates: list[str], shown: str) -> str:
    document = parse(text, shown)
    members = _members(document, shown)
    for crate in crates:
        for index in reversed(range(len(members or []))):
            if clean(str(members[index])) == crate:  # type: ignore[index]
                del members[index]  # type: ignore[union-attr]
    return document.as_string()


# --- the server crate's [dependencies] --------------------------------------------------------------------
def _dependencies(document: tomlkit.TOMLDocument, shown: str) -> Table | None:
    table = document.get("dependencies")
    if table is not None and not isinstance(table, Table):
        raise ModforgeError(f"[dependencies] of {shown} is not a table; wire the module by hand")
    return table


def _points_at(value: object, server: str, crate: str) -> bool:
    if not isinstance(value, dict) or not isinstance(value.get("path"), str):
        return False
    return os.path.normpath(os.path.join(server, value["path"])) == os.path.normpath(crate)


def dependency_key(text: str, server: Crate, crate: Crate, shown: str) -> str | None:
    """The key under which the server already depends on `crate` (by path or package), or None."""
    table = _dependencies(parse(text, shown), shown)
    for key, value in (table or {}).items():
        package = value.get("package", key) if isinstance(value, dict) else key
        if _points_at(value, server.path, crate.path) or package == crate.package:
            return key
    return None


def add_dependency(text: str, server: Crate, crate: Crate, modules_dir: str, shown: str) -> str:
    document = parse(text, shown)
    table = _dependencies(document, shown)
    if table is None:
        document.add("dependencies", tomlkit.table())
        table = document["dependencies"]  # type: ignore[assignment]
    relative = PurePosixPath(os.path.relpath(crate.path, server.path)).as_posix()
    package = f'package = "{crate.package}", ' if crate.package != crate.lib else ""
    item = tomlkit.parse(f'x = {{ {package}path = "{relative}" }}\n')["x"]  # the platform's spacing
    body = table.value.body
    position = _position(body, server, crate.lib, modules_dir)
    if position is None or position >= len(body):
        table.add(crate.lib, item)
    else:
        table.value._insert_at(position, crate.lib, item)  # tomlkit has no public insert-at for tables
    return document.as_string()


def _position(body: list, server: Crate, key: str, modules_dir: str) -> int | None:
    """Where in the table's body the new key goes: in the last run of non-optional module dependencies."""
    runs: list[list[tuple[int, str]]] = []
    previous = None
    for index, (name, value) in enumerate(body):
        if name is None:
            continue  # comments and blank lines do not break a run
        is_module = (
            isinstance(value, InlineTable | Table)
            and isinstance(value.get("path"), str)
            and not value.get("optional", False)
            and os.path.normpath(os.path.join(server.path, value["path"])).startswith(modules_dir.rstrip("/") + "/")
        )
        if is_module:
            if previous != "module":
                runs.append([])
            runs[-1].append((index, str(name)))
        previous = "module" if is_module else "other"
    if not runs:
        return None
    run = runs[-1]
    names = [name for _index, name in run]
    if names == sorted(names):
        place = bisect.bisect(names, key)
        if place < len(run):
            return run[place][0]
    return run[-1][0] + 1


def remove_dependency(text: str, server: Crate, crate: Crate, shown: str) -> str:
    document = parse(text, shown)
    table = _dependencies(document, shown)
    for key, value in list((table or {}).items()):
        if _points_at(value, server.path, crate.path):
            del table[key]  # type: ignore[union-attr]
    return document.as_string()
