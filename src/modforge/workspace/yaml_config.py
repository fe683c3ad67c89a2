"""The module's block under `modules:` in a server config (`config/quickstart.yaml`, `config/e2e-local.yaml`):

    modules:
      cred-store:
        database:            # only with persistence
          server: "sqlite_users"
          file: "cred-store.db"
        config: {}

ruamel.yaml reads the file (its composer gives every key's line and column, and every anchor); the edit
itself is made on the text, a block of lines added or removed, because even ruamel's round trip rewrites
what it does not keep (the spacing inside `[ "a", "b" ]`, where a trailing comment attaches). The result is
read back and must hold the same data plus (or minus) the module's block, else nothing is written.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from modforge.errors import ModforgeError
from modforge.filesystem import structured

MODULES_KEY = "modules"
DEFAULT_SERVER = "sqlite_users"  # the platform's SQLite server template (MODKIT conventions, "Registration")


@dataclass(frozen=True)
class Child:
    name: str
    column: int
    first: int  # the key's line (0-based)
    last: int  # the block's last line: content or a comment indented below the key
    node: object


@dataclass(frozen=True)
class Modules:
    line: int | None  # the `modules:` line; None when the file has no modules mapping
    children: tuple[Child, ...]
    servers: tuple[str, ...]  # the names under database.servers


def _compose(text: str, shown: str):
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    structured.check_yaml_depth(text, shown)  # before ruamel's scanner, slow on deep nesting
    try:
        with structured.parsing(shown):
            return YAML(typ="rt").compose(text)
    except YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        problem = getattr(error, "problem", None) or str(error).split("\n", 1)[0]
        raise ModforgeError(f"{shown} is not valid YAML ({problem}{where}); fix it, then run again") from None


def _load(text: str, shown: str):
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    try:
        with structured.parsing(shown):
            return YAML(typ="safe", pure=True).load(text)
    except YAMLError as error:  # composed fine, but the data cannot be built (a duplicate key ...)
        raise ModforgeError(f"{shown} cannot be read as data ({str(error).splitlines()[0]}); fix it") from None


def read(text: str, shown: str) -> Modules:
    from ruamel.yaml.nodes import MappingNode, ScalarNode

    root = _compose(text, shown)
    if root is None:
        return Modules(None, (), ())
    if not isinstance(root, MappingNode) or root.flow_style:
        raise ModforgeError(f"{shown} is not a block mapping at its top level; add the module's block by hand")
    lines = text.split("\n")
    servers: tuple[str, ...] = ()
    for key, value in root.value:
        if isinstance(key, ScalarNode) and key.value == "database" and isinstance(value, MappingNode):
            for sub_key, sub_value in value.value:
                if sub_key.value == "servers" and isinstance(sub_value, MappingNode):
                    servers = tuple(str(k.value) for k, _v in sub_value.value)
    for key, value in root.value:
        if not (isinstance(key, ScalarNode) and key.value == MODULES_KEY):
            continue
        if value.anchor or _is_alias(root, value) or not isinstance(value, MappingNode) or value.flow_style:
            if isinstance(value, ScalarNode) and value.value in ("", "~", "null") and not value.anchor:
                return Modules(key.start_mark.line, (), servers)  # `modules:` with nothing yet
            raise ModforgeError(
                f"`{MODULES_KEY}` in {shown} is not a plain block mapping (an anchor, alias or flow style); "
                "add the module's block by hand"
            )
        children = []
        for child_key, child_value in value.value:
            first = child_key.start_mark.line
            column = child_key.start_mark.column
            children.append(Child(str(child_key.value), column, first, _block_end(lines, first, column), child_value))
        return Modules(key.start_mark.line, tuple(children), servers)
    return Modules(None, (), servers)


def _is_alias(root, node) -> bool:
    """Whether `node` also appears elsewhere in the tree (ruamel composes an alias as the anchored node)."""
    seen = Counter()

    def walk(current) -> None:
        seen[id(current)] += 1
        if seen[id(current)] > 1:
            return
        if isinstance(current.value, list):
            for item in current.value:
                for part in item if isinstance(item, tuple) else (item,):
                    walk(part)

    walk(root)
    return seen[id(node)] > 1


def _block_end(lines: list[str], first: int, column: int) -> int:
    """The last line of the block whose key is at (first, column): the block runs while lines are blank or
    indented deeper than the key, and ends at its last non-blank one (a comment at the key's column or
    less belongs to what follows)."""
    last = first
    for index in range(first + 1, len(lines)):
        line = lines[index]
        if not line.strip():
            continue
        if len(line) - len(line.lstrip(" ")) <= column:
            break
        last = index
    return last


def block_lines(name: str, persistence: bool, column: int, step: int, server: str) -> list[str]:
    pad, inner, deeper = " " * column, " " * (column + step), " " * (column + 2 * step)
    lines = [f"{pad}{name}:"]
    if persistence:
        lines += [f"{inner}database:", f'{deeper}server: "{server}"', f'{deeper}file: "{name}.db"']
    lines.append(f"{inner}config: {{}}")
    return lines


def expected_block(name: str, persistence: bool, server: str) -> dict:
    block: dict = {"config": {}}
    if persistence:
        block = {"database": {"server": server, "file": f"{name}.db"}, **block}
    return block


def missing(text: str, name: str, persistence: bool, shown: str) -> list[str]:
    """What the file lacks for the module: its block, or the database block of a module with persistence."""
    modules = read(text, shown)
    child = next((c for c in modules.children if c.name == name), None)
    if child is None:
        return [f"the `{MODULES_KEY}.{name}` block"]
    if persistence:
        data = (_load(text, shown) or {}).get(MODULES_KEY, {}).get(name)
        if not (isinstance(data, dict) and isinstance(data.get("database"), dict)):
            return [f"the `database:` block of `{MODULES_KEY}.{name}` (the module has persistence)"]
    return []


def add(text: str, name: str, persistence: bool, shown: str) -> str:
    modules = read(text, shown)
    if any(c.name == name for c in modules.children):
        return _add_database(text, modules, name, persistence, shown)
    lines = text.split("\n")
    server = DEFAULT_SERVER if not modules.servers or DEFAULT_SERVER in modules.servers else modules.servers[0]
    step = _indent_step(lines, modules)
    if modules.children:
        column = modules.children[0].column
        at = modules.children[-1].last + 1
        gaps = [
            any(not lines[i].strip() for i in range(a.last + 1, b.first))
            for a, b in zip(modules.children, modules.children[1:], strict=False)
        ]
        spaced = sum(gaps) * 2 > len(gaps) if gaps else False
        new = ([""] if spaced else []) + block_lines(name, persistence, column, step, server)
    elif modules.line is not None:
        at = modules.line + 1
        new = block_lines(name, persistence, step, step, server)
    else:  # no modules mapping at all: one at the end of the file
        while lines and not lines[-1].strip():
            lines.pop()
        at = len(lines)
        new = ["", f"{MODULES_KEY}:", *block_lines(name, persistence, step, step, server), ""]
    result = "\n".join([*lines[:at], *new, *lines[at:]])
    _verify(text, result, name, shown, expected_block(name, persistence, server))
    return result


def _add_database(text: str, modules: Modules, name: str, persistence: bool, shown: str) -> str:
    if not missing(text, name, persistence, shown):
        return text
    child = next(c for c in modules.children if c.name == name)
    from ruamel.yaml.nodes import MappingNode

    if not isinstance(child.node, MappingNode) or child.node.flow_style or child.node.anchor:
        raise ModforgeError(
            f"`{MODULES_KEY}.{name}` in {shown} is not a plain block mapping; add its `database:` block by hand"
        )
    lines = text.split("\n")
    step = _indent_step(lines, modules)
    server = DEFAULT_SERVER if not modules.servers or DEFAULT_SERVER in modules.servers else modules.servers[0]
    database = block_lines(name, True, child.column, step, server)[1:4]
    result = "\n".join([*lines[: child.first + 1], *database, *lines[child.first + 1 :]])
    data = _load(result, shown)[MODULES_KEY][name]
    if data.get("database") != expected_block(name, True, server)["database"]:
        raise ModforgeError(f"`{MODULES_KEY}.{name}` in {shown} cannot be edited safely; add `database:` by hand")
    return result


def _indent_step(lines: list[str], modules: Modules) -> int:
    """How far the file indents a nested mapping (2 when it cannot tell)."""
    for child in modules.children:
        for index in range(child.first + 1, child.last + 1):
            line = lines[index]
            if line.strip() and not line.lstrip().startswith("#"):
                step = len(line) - len(line.lstrip(" ")) - child.column
                return step if step > 0 else 2
    if modules.children:
        return modules.children[0].column or 2
    return 2


def remove(text: str, name: str, shown: str) -> str:
    modules = read(text, shown)
    child = next((c for c in modules.children if c.name == name), None)
    if child is None:
        return text
    if getattr(child.node, "anchor", None):
        raise ModforgeError(
            f"`{MODULES_KEY}.{name}` in {shown} carries an anchor other entries may use; remove it by hand"
        )
    lines = text.split("\n")
    first, last = child.first, child.last
    if first > 0 and not lines[first - 1].strip():
        first -= 1  # the blank line wire put before the block
    elif last + 1 < len(lines) - 1 and not lines[last + 1].strip():
        last += 1
    result = "\n".join([*lines[:first], *lines[last + 1 :]])
    _verify(text, result, name, shown, None)
    return result


def _verify(original: str, edited: str, name: str, shown: str, block: dict | None) -> None:
    """`edited` must read as `original` with the module's entry set to `block` (None: removed) and nothing
    else changed: anything else means the file's shape fooled the line edit, and nothing is written."""
    old, new = _load(original, shown) or {}, _load(edited, shown) or {}
    entry = (new.get(MODULES_KEY) or {}).get(name) if isinstance(new, dict) else None
    if not structured.same(_without(old, name), _without(new, name)) or entry != block:
        raise ModforgeError(f"{shown} has a shape modforge cannot edit safely; edit `{MODULES_KEY}.{name}` by hand")


def _without(data: object, name: str) -> object:
    if not isinstance(data, dict):
        return data
    modules = data.get(MODULES_KEY)
    rest = {key: value for key, value in data.items() if key != MODULES_KEY}
    if isinstance(modules, dict):
        modules = {key: value for key, value in modules.items() if key != name}
    if modules:  # an empty or null `modules:` reads as no modules at all
        rest[MODULES_KEY] = modules
    return rest
