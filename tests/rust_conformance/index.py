"""A world of crates read from source: modules, items, `use` re-exports, impl blocks and proc macros.

Cargo decides which crate a name means: each crate's `[dependencies]` keys (snake-cased) are its extern
names, `package = ...` and `workspace = true` (through the workspace root's `[workspace.dependencies]`) say
which package each one is. Modules follow `mod x;` to `x.rs` or `x/mod.rs` (or `#[path]`). Items inside
`#[cfg(test)]` modules of the snapshot are left out: they are not API; a checked crate's test modules are
read like the rest of its code.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from . import syntax
from .syntax import Node, Ty, attributes, named, path_segments, text, written_type
from .syntax import field as node_field

ITEM_NODES = {
    "struct_item": "struct",
    "enum_item": "enum",
    "union_item": "union",
    "trait_item": "trait",
    "function_item": "fn",
    "function_signature_item": "fn",
    "type_item": "type",
    "const_item": "const",
    "static_item": "static",
}


@dataclass(eq=False)
class Fn:
    name: str
    vis: str
    node: Node
    module: Module
    is_async: bool
    receiver: str | None  # None (no self), "&", "&mut", "self"
    params: list[tuple[Node | None, Ty]]  # (pattern, type) without the receiver
    ret: Ty
    generics: dict[str, list[Ty]]
    where: list[tuple[Ty, list[Ty]]]
    has_body: bool
    owner: Impl | Item | None = None

    @property
    def arity(self) -> int:
        return len(self.params)

    def describe(self) -> str:
        receiver = {None: "", "&": "&self", "&mut": "&mut self", "self": "self"}[self.receiver]
        params = [receiver] if receiver else []
        params += [str(ty) for _, ty in self.params]
        return f"{'async ' if self.is_async else ''}fn {self.name}({', '.join(params)})"


@dataclass(eq=False)
class Item:
    kind: str  # struct enum union trait fn type const static macro mod attr_macro fn_macro derive_macro
    name: str
    vis: str  # "pub", "crate" (any restricted pub) or "" (private)
    module: Module
    node: Node | None = None
    fn: Fn | None = None  # for fn items and trait methods
    target: Module | None = None  # for mod items
    helper_attrs: tuple[str, ...] = ()  # derive macros: the attributes they accept
    attrs: list[Node] = field(default_factory=list)
    emitted: bool = False  # made by a macro (the checker knows it from the macro's source)

    @property
    def key(self) -> str:
        return f"{self.module.key}::{self.name}"

    @property
    def crate(self) -> Crate:
        return self.module.crate

    def generics(self) -> list[tuple[str, Ty | None]]:
        """Type parameters with their defaults (`H = Missing`), in order."""
        params = node_field(self.node, "type_parameters") if self.node is not None else None
        out: list[tuple[str, Ty | None]] = []
        for child in named(params, "type_parameter", "type_identifier", "constrained_type_parameter"):
            if child.type == "type_identifier":
                out.append((text(child), None))
                continue
            name = node_field(child, "name") or node_field(child, "left")
            default = node_field(child, "default_type")
            out.append((text(name), written_type(default) if default is not None else None))
        return out

    def fields(self) -> dict[str, Ty] | None:
        """Named fields of a struct (None for tuple and unit structs)."""
        body = node_field(self.node, "body") if self.node is not None else None
        if body is None or body.type != "field_declaration_list":
            return None
        return {
            text(node_field(f, "name")): written_type(node_field(f, "type")) for f in named(body, "field_declaration")
        }

    def tuple_arity(self) -> int | None:
        body = node_field(self.node, "body") if self.node is not None else None
        if body is None or body.type != "ordered_field_declaration_list":
            return None
        return len([c for c in body.named_children if c.type not in ("attribute_item", "visibility_modifier")])

    def variants(self) -> dict[str, tuple[str, object]]:
        """Enum variants: name -> ("unit", None) | ("tuple", arity) | ("struct", field names)."""
        body = node_field(self.node, "body") if self.node is not None else None
        out: dict[str, tuple[str, object]] = {}
        for variant in named(body, "enum_variant"):
            vbody = node_field(variant, "body")
            name = text(node_field(variant, "name"))
            if vbody is None:
                out[name] = ("unit", None)
            elif vbody.type == "field_declaration_list":
                out[name] = ("struct", {text(node_field(f, "name")) for f in named(vbody, "field_declaration")})
            else:
                arity = len(
                    [c for c in vbody.named_children if c.type not in ("attribute_item", "visibility_modifier")]
                )
                out[name] = ("tuple", arity)
        return out

    def trait_methods(self) -> dict[str, Fn]:
        return self.module.crate.trait_methods(self)

    def supertraits(self) -> list[Ty]:
        bounds = node_field(self.node, "bounds") if self.node is not None else None
        return [written_type(b) for b in named(bounds) if b.type not in ("lifetime",)]


@dataclass
class UseEntry:
    vis: str
    path: tuple[str, ...]
    alias: str | None  # the name it binds ("_" binds nothing); None for a glob
    glob: bool
    node: Node


@dataclass(eq=False)
class Impl:
    module: Module
    node: Node
    generics: dict[str, list[Ty]]
    self_ty: Ty
    trait: Ty | None
    methods: dict[str, Fn] = field(default_factory=dict)
    consts: dict[str, Ty] = field(default_factory=dict)
    assoc_types: dict[str, Ty] = field(default_factory=dict)
    emitted: bool = False


class Module:
    def __init__(self, crate: Crate, path: tuple[str, ...], file: Path, node: Node, parent: Module | None) -> None:
        self.crate, self.path, self.file, self.node, self.parent = crate, path, file, node, parent
        self.items: dict[str, list[Item]] = {}
        self.uses: list[UseEntry] = []
        self.children: dict[str, Module] = {}
        self.cfg_test = False
        self.open = False  # holds items an unmodelled macro may expand into: unresolved names are unknown
        self.macro_calls: list[Node] = []  # item-level macro invocations
        self.inner_attrs: list[Node] = []

    @property
    def key(self) -> str:
        return "::".join((self.crate.name, *self.path))

    def add(self, item: Item) -> None:
        self.items.setdefault(item.name, []).append(item)

    def __repr__(self) -> str:
        return f"Module({self.key})"


class Crate:
    def __init__(self, world: World, manifest: Path, checked: bool) -> None:
        self.world = world
        self.manifest_path = manifest
        self.root = manifest.parent
        data = tomllib.loads(manifest.read_text(encoding="utf-8"))
        self.manifest = data
        package = data.get("package", {})
        self.package: str = package.get("name", self.root.name)
        lib = data.get("lib", {})
        self.name: str = lib.get("name", self.package.replace("-", "_"))
        self.proc_macro = bool(lib.get("proc-macro"))
        self.checked = checked  # generated code under check: its test modules are read too
        # (key, package, renamed) per dependency; extern names are settled once every crate is known.
        self.deps: list[tuple[str, str, bool, bool]] = []
        for table, dev in (("dependencies", False), ("dev-dependencies", True)):
            for key, spec in data.get(table, {}).items():
                renamed = isinstance(spec, dict) and bool(spec.get("package"))
                self.deps.append((key, world.package_of(key, spec), renamed, dev))
        self._externs: dict[str, str] | None = None
        self.modules: dict[tuple[str, ...], Module] = {}
        self.impls: list[Impl] = []
        self.files: list[Path] = []
        self.src_root = self.root / lib.get("path", "src/lib.rs")
        self._trait_methods: dict[int, dict[str, Fn]] = {}

    def __repr__(self) -> str:
        return f"Crate({self.name})"

    @property
    def externs(self) -> dict[str, str]:
        """Extern crate name -> package: a renamed dependency is known by its key, any other by the library
        name of the package it names (its `[lib] name`, else the package name snake-cased)."""
        if self._externs is None:
            self._externs = {}
            for key, package, renamed, _dev in self.deps:
                target = self.world.crates.get(package)
                name = key if renamed or target is None else target.name
                self._externs[name.replace("-", "_")] = package
        return self._externs

    def extern(self, name: str) -> str | None:
        return self.externs.get(name)

    def load(self) -> None:
        if not self.src_root.is_file():
            return
        self._load_file(self.src_root, (), None, is_root=True)

    def _load_file(self, file: Path, path: tuple[str, ...], parent: Module | None, is_root: bool = False) -> Module:
        source = file.read_bytes()
        tree = syntax.parse(source)
        self.files.append(file)
        module = Module(self, path, file, tree.root_node, parent)
        self.modules[path] = module
        # A file's own directory for `mod x;`: lib.rs/main.rs/mod.rs look beside themselves, x.rs in x/.
        own_dir = file.parent if is_root or file.name == "mod.rs" else file.parent / file.stem
        self._read_items(module, tree.root_node, own_dir)
        return module

    def _read_items(self, module: Module, body: Node, own_dir: Path) -> None:
        for node in body.named_children:
            if (
                node.type == "expression_statement"
                and node.named_children
                and node.named_children[0].type == "macro_invocation"
            ):
                node = node.named_children[0]  # `name!(...);` at item level
            kind = node.type
            if kind == "inner_attribute_item":
                module.inner_attrs.extend(named(node, "attribute"))
                continue
            attrs = attributes(node)
            if kind == "mod_item":
                self._read_mod(module, node, attrs, own_dir)
            elif kind == "use_declaration":
                vis = _visibility(node)
                for path, alias, glob in _use_paths(node_field(node, "argument"), ()):
                    module.uses.append(UseEntry(vis, path, alias, glob, node))
            elif kind == "impl_item":
                if syntax.is_cfg_test(attrs) and not self.checked:
                    continue
                self.impls.append(self._read_impl(module, node))
            elif kind in ITEM_NODES:
                if syntax.is_cfg_test(attrs) and not self.checked:
                    continue
                self._read_item(module, node, attrs)
            elif kind == "macro_definition":
                exported = any(syntax.attribute_path(a) == ("macro_export",) for a in attrs)
                name = text(node_field(node, "name"))
                root = self.modules[()]
                (root if exported else module).add(Item("macro", name, "pub" if exported else "", module, node))
            elif kind == "macro_invocation":
                module.open = True  # an item-level macro we do not expand may define anything
                module.macro_calls.append(node)
            elif kind == "extern_crate_declaration":
                continue

    def _read_mod(self, module: Module, node: Node, attrs: list[Node], own_dir: Path) -> None:
        name = text(node_field(node, "name"))
        cfg_test = syntax.is_cfg_test(attrs)
        if cfg_test and not self.checked:
            return
        body = node_field(node, "body")
        path = (*module.path, name)
        if body is not None:
            child = Module(self, path, module.file, body, module)
            self.modules[path] = child
            self._read_items(child, body, own_dir / name)
        else:
            explicit = next((a for a in attrs if syntax.attribute_path(a) == ("path",)), None)
            if explicit is not None:
                literal = next(
                    (syntax.string_value(c) for c in syntax.walk(explicit) if c.type == "string_literal"), None
                )
                candidates = [own_dir.parent / literal] if literal else []
            else:
                candidates = [own_dir / f"{name}.rs", own_dir / name / "mod.rs"]
            file = next((c for c in candidates if c.is_file()), None)
            if file is None:
                return
            child = self._load_file(file, path, module)
        child.cfg_test = cfg_test or module.cfg_test
        child.parent = module
        module.children[name] = child
        module.add(Item("mod", name, _visibility(node), module, node, target=child, attrs=attrs))

    def _read_item(self, module: Module, node: Node, attrs: list[Node]) -> None:
        kind = ITEM_NODES[node.type]
        name = text(node_field(node, "name"))
        item = Item(kind, name, _visibility(node), module, node, attrs=attrs)
        if kind == "fn":
            item.fn = read_fn(node, module, None)
            if self.proc_macro:
                for attribute in attrs:
                    head = syntax.attribute_path(attribute)
                    if head == ("proc_macro_attribute",):
                        module.add(Item("attr_macro", name, item.vis, module, node, fn=item.fn, attrs=attrs))
                    elif head == ("proc_macro",):
                        module.add(Item("fn_macro", name, item.vis, module, node, fn=item.fn, attrs=attrs))
                    elif head == ("proc_macro_derive",):
                        args = node_field(attribute, "arguments")
                        idents = [text(i) for i in named(args, "identifier")]
                        helpers: list[str] = []
                        for tree in named(args, "token_tree"):
                            helpers += [text(i) for i in named(tree, "identifier")]
                        if idents:
                            module.add(
                                Item(
                                    "derive_macro",
                                    idents[0],
                                    item.vis,
                                    module,
                                    node,
                                    attrs=attrs,
                                    helper_attrs=tuple(helpers),
                                )
                            )
        elif kind == "trait":
            item.fn = None
        module.add(item)

    def _read_impl(self, module: Module, node: Node) -> Impl:
        generics = read_generics(node_field(node, "type_parameters"))
        where = next((c for c in node.named_children if c.type == "where_clause"), None)
        for bounded, bounds in read_where(where):
            if bounded.kind == "path" and bounded.name in generics:
                generics[bounded.name] += bounds
        trait_node = node_field(node, "trait")
        impl = Impl(
            module,
            node,
            generics,
            written_type(node_field(node, "type")),
            written_type(trait_node) if trait_node else None,
        )
        body = node_field(node, "body")
        for child in named(body):
            if child.type in ("function_item", "function_signature_item"):
                fn = read_fn(child, module, impl)
                impl.methods[fn.name] = fn
            elif child.type == "const_item":
                impl.consts[text(node_field(child, "name"))] = written_type(node_field(child, "type"))
            elif child.type == "type_item":
                impl.assoc_types[text(node_field(child, "name"))] = written_type(node_field(child, "type"))
        return impl

    def trait_methods(self, trait: Item) -> dict[str, Fn]:
        cached = self._trait_methods.get(id(trait))
        if cached is None:
            cached = {}
            for child in named(node_field(trait.node, "body"), "function_item", "function_signature_item"):
                fn = read_fn(child, trait.module, trait)
                cached[fn.name] = fn
            self._trait_methods[id(trait)] = cached
        return cached


def read_fn(node: Node, module: Module, owner: Impl | Item | None) -> Fn:
    modifiers = next((c for c in node.children if c.type == "function_modifiers"), None)
    is_async = modifiers is not None and "async" in text(modifiers).split()
    receiver = None
    params: list[tuple[Node | None, Ty]] = []
    for param in named(node_field(node, "parameters")):
        if param.type == "self_parameter":
            words = text(param).replace(" ", "")
            receiver = (
                "&mut"
                if words.startswith("&mut") or ("&'" in words and "mut" in words)
                else ("&" if words.startswith("&") else "self")
            )
        elif param.type == "parameter":
            params.append((node_field(param, "pattern"), written_type(node_field(param, "type"))))
        elif param.type == "variadic_parameter":
            continue
    generics = read_generics(node_field(node, "type_parameters"))
    where = next((c for c in node.named_children if c.type == "where_clause"), None)
    where_bounds = read_where(where)
    for bounded, bounds in where_bounds:
        if bounded.kind == "path" and bounded.name in generics:
            generics[bounded.name] += bounds
    body = node_field(node, "body")
    return Fn(
        name=text(node_field(node, "name")),
        vis=_visibility(node),
        node=node,
        module=module,
        is_async=is_async,
        receiver=receiver,
        params=params,
        ret=written_type(node_field(node, "return_type"))
        if node_field(node, "return_type") is not None
        else syntax.UNIT,
        generics=generics,
        where=where_bounds,
        has_body=body is not None,
        owner=owner,
    )


def read_generics(node: Node | None) -> dict[str, list[Ty]]:
    out: dict[str, list[Ty]] = {}
    for child in named(node):
        if child.type == "type_identifier":
            out[text(child)] = []
        elif child.type in ("constrained_type_parameter", "type_parameter", "optional_type_parameter"):
            name = node_field(child, "left") or node_field(child, "name")
            if name is None:
                continue
            bounds = node_field(child, "bounds")
            out[text(name)] = [written_type(b) for b in named(bounds) if b.type != "lifetime"]
    return out


def read_where(node: Node | None) -> list[tuple[Ty, list[Ty]]]:
    out = []
    for predicate in named(node, "where_predicate"):
        left = written_type(node_field(predicate, "left"))
        bounds = node_field(predicate, "bounds")
        out.append((left, [written_type(b) for b in named(bounds) if b.type != "lifetime"]))
    return out


def _visibility(node: Node) -> str:
    vis = next((c for c in node.children if c.type == "visibility_modifier"), None)
    if vis is None:
        return ""
    return "pub" if text(vis).strip() == "pub" else "crate"


def _use_paths(node: Node | None, prefix: tuple[str, ...]):
    """(path, alias, glob) for every leaf of a use tree."""
    if node is None:
        return
    kind = node.type
    if kind in ("identifier", "scoped_identifier", "self", "crate", "super", "metavariable"):
        path = (*prefix, *path_segments(node))
        if path and path[-1] == "self":
            path = path[:-1]
        if path:
            yield path, path[-1], False
    elif kind == "use_as_clause":
        path = (*prefix, *path_segments(node_field(node, "path")))
        if path and path[-1] == "self":
            path = path[:-1]
        yield path, text(node_field(node, "alias")), False
    elif kind == "use_wildcard":
        inner = node.named_children[0] if node.named_children else None
        yield (*prefix, *path_segments(inner)), None, True
    elif kind == "scoped_use_list":
        base = (*prefix, *path_segments(node_field(node, "path")))
        yield from _use_paths(node_field(node, "list"), base)
    elif kind == "use_list":
        for child in node.named_children:
            yield from _use_paths(child, prefix)


class World:
    """The snapshot's crates and the crates under check, with the snapshot workspace's dependency table."""

    def __init__(self, workspace_manifest: Path | None) -> None:
        self.crates: dict[str, Crate] = {}
        self.workspace_deps: dict[str, object] = {}
        self.missing_members: list[str] = []  # workspace members the snapshot leaves out
        if workspace_manifest is not None and workspace_manifest.is_file():
            data = tomllib.loads(workspace_manifest.read_text(encoding="utf-8"))
            workspace = data.get("workspace", {})
            self.workspace_deps = workspace.get("dependencies", {})
            base = workspace_manifest.parent
            self.missing_members = [m for m in workspace.get("members", []) if not (base / m / "Cargo.toml").is_file()]
        self._impls_by_key: dict[str, list[Impl]] | None = None

    def package_of(self, key: str, spec: object) -> str:
        """The package a dependency entry names (`package = ...`, through the workspace table when
        `workspace = true`), else the key itself."""
        if isinstance(spec, dict):
            if spec.get("package"):
                return str(spec["package"])
            if spec.get("workspace"):
                return self.package_of(key, self.workspace_deps.get(key, {}))
        return key

    def add_crate(self, manifest: Path, checked: bool = False) -> Crate:
        crate = Crate(self, manifest, checked)
        self.crates[crate.package] = crate
        crate.load()
        for known in self.crates.values():
            known._externs = None
        return crate

    def add_tree(self, root: Path, skip: tuple[str, ...] = ("dylint_lints", "target", "fuzz")) -> None:
        """Every crate (a Cargo.toml with a [package]) under `root`."""
        for manifest in sorted(root.rglob("Cargo.toml")):
            if any(part in skip for part in manifest.relative_to(root).parts):
                continue
            if _has_package(manifest):
                self.add_crate(manifest)

    def fork(self) -> World:
        """A world holding the same crates, to add crates to without touching this one."""
        other = World(None)
        other.workspace_deps = self.workspace_deps
        other.missing_members = self.missing_members
        other.crates = dict(self.crates)
        return other

    def crate_of_package(self, package: str) -> Crate | None:
        return self.crates.get(package)

    def absent_externs(self, tracked) -> set[str]:
        """Extern names of tracked crates the workspace knows but the world does not contain: members left
        out of the snapshot, and dependencies of its crates (the external `gts`)."""
        names = {m.rstrip("/").rsplit("/", 1)[-1].replace("-", "_") for m in self.missing_members}
        for crate in self.crates.values():
            names |= {name for name, package in crate.externs.items() if package not in self.crates}
        return {name for name in names if tracked(name)}


_PACKAGE_RE = re.compile(r"^\s*\[package\]", re.MULTILINE)


def _has_package(manifest: Path) -> bool:
    return bool(_PACKAGE_RE.search(manifest.read_text(encoding="utf-8")))
