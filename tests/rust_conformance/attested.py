"""Platform crates the snapshot names but does not contain (its `modules/system/` is left out: the authz
resolver and types registry SDKs, and the external `gts` crate): their use is held to how the snapshot
itself uses them, in Rust sources and in the ```rust blocks of its guides.

A path must be one the snapshot writes (an import, a type, a call, a pattern); a call must pass as many
arguments as a call in the snapshot does; a method must be called somewhere in a snapshot file that imports
the crate, with the same number of arguments; a struct literal may only name fields the snapshot names.
`EXCEPTIONS` lists, each with its reason, what the generated code uses that the snapshot never does: those
were checked by hand against the platform at the snapshot's commit.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

from . import syntax
from .index import _use_paths
from .resolve import is_tracked_name
from .syntax import field as node_field
from .syntax import named, text

FENCE = re.compile(r"^```rust[^\n]*\n(.*?)^```", re.MULTILINE | re.DOTALL)

# What generated code uses from absent crates that the snapshot never shows. Each entry: why it is right.
EXCEPTIONS: dict[tuple[str, ...], str] = {
    ("types_registry_sdk", "RegisterResult"): (
        "types-registry-sdk src/models.rs (pub enum RegisterResult, re-exported at the crate root) at commit "
        "523c212; the snapshot omits modules/system/"
    ),
    ("types_registry_sdk", "RegisterResult", "ensure_all_ok"): (
        "RegisterResult::ensure_all_ok(results: &[Self]) -> Result<(), TypesRegistryError> at commit 523c212; "
        "tenant-resolver and its plugins call it after register() so a rejected schema or instance fails init"
    ),
}


class Attested:
    def __init__(self) -> None:
        self.paths: set[tuple[str, ...]] = set()
        self.calls: dict[tuple[str, ...], set[int]] = defaultdict(set)
        self.methods: dict[str, set[tuple[str, int]]] = defaultdict(set)
        self.field_names: dict[tuple[str, ...], set[str]] = defaultdict(set)

    @classmethod
    def from_tree(cls, root: Path, crates: set[str]) -> Attested:
        """What the snapshot under `root` uses of `crates` (extern names), from files that mention them."""
        found = cls()
        needles = [name.encode() for name in crates]
        for file in sorted(root.rglob("*.rs")):
            source = file.read_bytes()
            if "dylint_lints" not in file.parts and any(n in source for n in needles):
                found.read(source)
        for file in sorted(root.rglob("*.md")):
            for block in FENCE.findall(file.read_text(encoding="utf-8", errors="replace")):
                if any(n in block.encode() for n in needles):
                    found.read(block.encode())
                    found.read(f"fn __attested() {{\n{block}\n}}".encode())  # statements outside any fn
        return found

    def read(self, source: bytes) -> None:
        tree = syntax.parse(source)
        imported: dict[str, tuple[str, ...]] = {}
        crates: set[str] = set()
        for node in syntax.walk(tree.root_node):
            if node.type == "use_declaration":
                for path, alias, glob in _use_paths(node_field(node, "argument"), ()):
                    if path and is_tracked_name(path[0]):
                        crates.add(path[0])
                        for cut in range(1, len(path) + 1):
                            self.paths.add(path[:cut])
                        if alias and not glob:
                            imported[alias] = path
        for node in syntax.walk(tree.root_node):
            kind = node.type
            if kind in ("scoped_identifier", "scoped_type_identifier", "type_identifier", "identifier"):
                if node.parent is not None and node.parent.type in ("scoped_identifier", "scoped_type_identifier"):
                    continue
                full = self._full(syntax.path_segments(node), imported)
                if full:
                    crates.add(full[0])
                    for cut in range(1, len(full) + 1):
                        self.paths.add(full[:cut])
            if kind == "call_expression":
                callee = node_field(node, "function")
                if callee is not None and callee.type == "generic_function":
                    callee = node_field(callee, "function")
                arity = len(
                    [a for a in named(node_field(node, "arguments")) if a.type not in ("line_comment", "block_comment")]
                )
                if callee is not None and callee.type == "field_expression":
                    name = text(node_field(callee, "field"))
                    for crate in crates:
                        self.methods[crate].add((name, arity))
                elif callee is not None:
                    full = self._full(syntax.path_segments(callee), imported)
                    if full:
                        self.calls[full].add(arity)
            elif kind in ("struct_expression", "struct_pattern"):
                head = node_field(node, "name") if kind == "struct_expression" else node_field(node, "type")
                full = self._full(syntax.path_segments(head), imported)
                if full:
                    body = node_field(node, "body") if kind == "struct_expression" else node
                    for child in named(body):
                        name = node_field(child, "field") or node_field(child, "name")
                        if child.type in ("shorthand_field_initializer", "shorthand_field_identifier"):
                            self.field_names[full].add(text(child))
                        elif name is not None:
                            self.field_names[full].add(text(name))

    @staticmethod
    def _full(segments: tuple[str, ...], imported: dict[str, tuple[str, ...]]) -> tuple[str, ...] | None:
        if not segments:
            return None
        if segments[0] in imported:
            return (*imported[segments[0]], *segments[1:])
        if is_tracked_name(segments[0]):
            return segments
        return None

    # --- queries: '' when attested, else why not ---------------------------------------------------------
    def path(self, path: tuple[str, ...]) -> str:
        if path in self.paths or path in EXCEPTIONS:
            return ""
        return f"`{'::'.join(path)}` belongs to a platform crate the snapshot lacks, and the snapshot never uses it"

    def call(self, path: tuple[str, ...], arity: int) -> str:
        if arity in self.calls.get(path, set()) or path in EXCEPTIONS:
            return ""
        known = self.calls.get(path)
        if known:
            counts = " or ".join(map(str, sorted(known)))
            return f"`{'::'.join(path)}` takes {counts} argument(s) where the snapshot calls it, not {arity}"
        return self.path(path) or ""

    def method(self, receiver: str, name: str, arity: int) -> str:
        crate = receiver.split("::")[0]
        if (name, arity) in self.methods.get(crate, set()) or (*receiver.split("::"), name) in EXCEPTIONS:
            return ""
        return f"`.{name}(..)` with {arity} argument(s) on a `{receiver}` value: the snapshot never calls it so"

    def fields(self, path: tuple[str, ...], given: set[str]) -> str:
        known = self.field_names.get(path, set())
        extra = sorted(given - known)
        if not extra:
            return ""
        return f"`{'::'.join(path)}` fields {', '.join(extra)} are not written anywhere in the snapshot"
