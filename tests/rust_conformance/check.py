"""The conformance check: every name generated crates use from ModKit, GTS and the platform's SDKs must exist
in the snapshot with a compatible shape. `check_crates` returns the findings; an empty list means the
crates would resolve and type-check as far as their source and the snapshot's say.

Finding codes: `path` (an import, path or type that does not exist), `method` (no such method on the
receiver's type), `state` (the method exists only in another builder state), `receiver` (a method called
without/with `self` the wrong way), `arity`, `argument` (a value of another platform type), `bound` (a type
argument lacking a trait the callee requires), `field`, `variant`, `trait-impl` (an impl that does not match
its trait), `macro` and `macro-arg` (a macro or an argument it does not accept, a rule of gts-macros),
`attested` (an item of a platform crate absent from the snapshot that the snapshot never uses).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from . import macros, syntax
from .attested import Attested
from .index import Crate, Impl, Item, Module, World, read_fn
from .infer import STD_TRAIT_METHODS, Env, Typer
from .resolve import STD_MACROS, Res, Resolver, is_tracked_name
from .snapshot import GTS_RUST, PLATFORM
from .syntax import UNKNOWN, Node, Ty, named, text, written_type
from .syntax import field as node_field

# Attributes that are not macros to resolve (built-ins and the helper attributes of derives we do not check).
BUILTIN_ATTRS = {
    "derive",
    "doc",
    "allow",
    "warn",
    "deny",
    "forbid",
    "expect",
    "cfg",
    "cfg_attr",
    "test",
    "must_use",
    "inline",
    "non_exhaustive",
    "path",
    "macro_export",
    "repr",
    "deprecated",
    "ignore",
    "should_panic",
    "error",
    "serde",
    "schema",
    "sea_orm",
    "from",
    "source",
    "default",
    "track_caller",
    "automatically_derived",
}
# Outer-attribute macros from crates we do not check (they neither need nor allow resolution here).
UNTRACKED_ATTR_MACROS = {("async_trait",), ("async_trait", "async_trait"), ("tokio", "test"), ("tracing", "instrument")}


@dataclass(frozen=True)
class Finding:
    file: str
    line: int
    code: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: [{self.code}] {self.message}"


def snapshot_world(upstream: Path) -> World:
    """Every crate of the snapshot: the platform's and gts-macros."""
    platform = upstream / PLATFORM
    world = World(platform / "Cargo.toml")
    world.add_tree(platform)
    gts = upstream / GTS_RUST
    if gts.is_dir():
        world.add_tree(gts)
    return world


def build_world(upstream: Path | World, generated: list[Path]) -> tuple[World, list[Crate]]:
    """The snapshot's crates plus the generated crates (each a folder holding a Cargo.toml)."""
    world = upstream.fork() if isinstance(upstream, World) else snapshot_world(upstream)
    checked = [world.add_crate(root / "Cargo.toml", checked=True) for root in generated]
    return world, checked


def check_crates(snapshot: World, attested: Attested, roots: list[Path], base: Path | None = None) -> list[Finding]:
    """The findings for the crates under `roots` (folders holding a Cargo.toml), checked together."""
    world, crates = build_world(snapshot, roots)
    return Checker(world, attested, root=base).check_crates(crates)


class Checker:
    def __init__(self, world: World, attested: Attested, root: Path | None = None) -> None:
        self.world = world
        self.resolver = Resolver(world)
        self.attested = attested
        self.root = root
        self.findings: list[Finding] = []
        self.typer = Typer(self)
        self._emitted_traits: dict[str, set[str]] = {}
        self._scope_traits: dict[str, list[Item]] = {}
        self._seen: set[tuple] = set()

    # --- reporting ---------------------------------------------------------------------------------------
    def report(self, module: Module, node: Node, code: str, message: str) -> None:
        file = module.file
        shown = (
            str(file.relative_to(self.root)) if self.root is not None and file.is_relative_to(self.root) else str(file)
        )
        key = (shown, syntax.line(node), code, message)
        if key in self._seen:
            return
        self._seen.add(key)
        self.findings.append(Finding(shown, syntax.line(node), code, message))

    # --- entry -------------------------------------------------------------------------------------------
    def check_crates(self, crates: list[Crate]) -> list[Finding]:
        for crate in crates:
            self.expand(crate)
        for crate in crates:
            for module in list(crate.modules.values()):
                self.check_module(module)
        return self.findings

    # --- macro expansion (what tracked macros write, read from their source) -----------------------------
    def expand(self, crate: Crate) -> None:
        """Add what tracked macros write; mark modules where untracked macros (derives such as sea-orm's
        `DeriveEntityModel`, item macros) may define names we cannot see."""
        for module in crate.modules.values():
            unmodelled = False
            for node in module.node.named_children:
                node = _item_macro(node)
                if node.type == "macro_invocation":
                    if not self.expand_fn_macro(module, node):
                        unmodelled = True
                    continue
                for items in [module.items.get(text(node_field(node, "name")), [])] if node_field(node, "name") else []:
                    for item in items:
                        if item.node == node:
                            self.expand_attributes(item)
                            unmodelled |= self.has_untracked_derive(item)
            module.open = unmodelled

    def has_untracked_derive(self, item: Item) -> bool:
        # Any other derive may define items (sea-orm's Entity/Column, OData filter enums...).
        return any(
            segments[-1] not in _STD_DERIVES | _NO_ITEM_DERIVES for segments, _ in syntax.derive_paths(item.attrs)
        )

    def expand_attributes(self, item: Item) -> None:
        for attribute in item.attrs:
            macro = self.attribute_macro(item.module, attribute)
            if macro is None:
                continue
            facts = macros.facts(macro)
            impl = Impl(item.module, item.node, {}, Ty("path", item.name), None, emitted=True)
            for name, fn in facts.emitted_fns.items():
                impl.methods[name] = read_fn(fn.node, item.module, impl)
            impl.consts = {name: UNKNOWN for name in facts.emitted_consts}
            self.resolver.add_emitted_impl(item, impl)
            flags = {text(i) for i in named(node_field(attribute, "arguments"), "identifier")}
            traits = self._emitted_traits.setdefault(item.key, set())
            for path in facts.emitted_traits:
                last = path.split("::")[-1]
                conditional = [flag for flag in facts.keys if flag.lower() in last.lower()]
                if conditional and not any(flag in flags for flag in conditional):
                    continue  # e.g. api_dto writes `ResponseApiDto` only for the `response` flag
                resolved = self.resolver.resolve_ty(item.module, Ty("path", path.replace(" ", "")), set())
                if resolved.kind == "item":
                    traits.add(resolved.name)

    def expand_fn_macro(self, module: Module, node: Node) -> bool:
        path = syntax.path_segments(node_field(node, "macro"))
        res = self.resolver.resolve_path(module, path)
        if res.kind != "item" or res.item is None or res.item.kind != "fn_macro":
            return False
        facts = macros.facts(res.item)
        self.check_macro_keys(module, node, res.item, facts, _macro_keys(node))
        for name, item_node in facts.emitted_items.items():
            module.add(
                Item(
                    "enum" if item_node.type == "enum_item" else "struct", name, "pub", module, item_node, emitted=True
                )
            )
        for impl_node in facts.emitted_item_impls:
            impl = Impl(module, impl_node, {}, written_type(node_field(impl_node, "type")), None, emitted=False)
            for child in named(node_field(impl_node, "body"), "function_item"):
                fn = read_fn(child, module, impl)
                impl.methods[fn.name] = fn
            if facts.emitted_items and "__Q" not in impl.methods:
                data = self.data_named_fns(module, node, res.item)
                for name in data:
                    impl.methods[name] = _unit_fn(name, module, impl)
            module.crate.impls.append(impl)
        self.resolver._impls = None
        return True

    def data_named_fns(self, module: Module, node: Node, macro: Item) -> list[str]:
        """declare_errors!: one accessor per catalog entry, named after the code's last GTS segment without
        its vendor (the macro's `derive_alias_from_gts`), or the entry's `alias`."""
        if not any("derive_alias_from_gts" in m.items for m in macro.crate.modules.values()):
            self.report(
                module,
                node,
                "macro",
                f"{macro.key} no longer derives accessor names with `derive_alias_from_gts`; "
                "revisit rust_conformance.check",
            )
            return []
        values = _macro_values(node)
        catalog = module.crate.root / values.get("path", "")
        if not catalog.is_file():
            self.report(
                module,
                node,
                "macro-arg",
                f"`{macro.name}!` reads {values.get('path')}, which does not exist beside Cargo.toml",
            )
            return []
        names = []
        for entry in json.loads(catalog.read_text(encoding="utf-8")):
            if entry.get("alias"):
                names.append(entry["alias"])
                continue
            last = entry["code"].rsplit("~", 1)[-1].split(".")
            names.append("_".join(last[1:]))
        return names

    def attribute_macro(self, module: Module, attribute: Node) -> Item | None:
        path = syntax.attribute_path(attribute)
        if not path or path in UNTRACKED_ATTR_MACROS or (len(path) == 1 and path[0] in BUILTIN_ATTRS):
            return None
        res = self.resolver.resolve_path(module, path)
        if res.kind == "item" and res.item is not None and res.item.kind == "attr_macro":
            return res.item
        return None

    # --- modules and items -------------------------------------------------------------------------------
    def check_module(self, module: Module) -> None:
        env = Env(module)
        for attribute in module.inner_attrs:
            self.check_attribute(module, attribute, None, env)
        for node in module.node.named_children:
            self.check_item_node(_item_macro(node), env)

    def check_local_item(self, node: Node, env: Env) -> None:
        self.check_item_node(node, env)

    def check_item_node(self, node: Node, env: Env) -> None:
        module = env.module
        kind = node.type
        attrs = syntax.attributes(node)
        if kind == "use_declaration":
            self.check_use(module, node)
            return
        if kind == "mod_item":
            return
        if kind == "macro_invocation":
            self.check_macro_invocation(node, env, item_level=True)
            return
        item = self.item_at(module, node)
        for attribute in attrs:
            self.check_attribute(module, attribute, item, env)
        if kind in ("struct_item", "enum_item", "union_item"):
            params = _generic_names(node)
            item_env = Env(module, {}, {p: [] for p in params})
            self.check_derives(module, attrs, item, item_env)
            for child in syntax.walk(node_field(node, "body") or node):
                if child.type == "field_declaration":
                    self.check_type(node_field(child, "type"), item_env)
                elif child.type == "ordered_field_declaration_list":
                    for ty in child.named_children:
                        if ty.type not in ("attribute_item", "visibility_modifier"):
                            self.check_type(ty, item_env)
            if item is not None:
                self.check_gts_struct(item, attrs, item_env)
        elif kind == "function_item":
            self.check_fn(node, module, {}, None)
        elif kind == "impl_item":
            self.check_impl(node, module)
        elif kind == "trait_item":
            params = {p: [] for p in _generic_names(node)}
            for child in named(node_field(node, "body")):
                if child.type in ("function_item", "function_signature_item"):
                    self.check_fn(child, module, params, Ty("self"))
        elif kind in ("const_item", "static_item"):
            self.check_type(node_field(node, "type"), env)
            self.typer.expr(node_field(node, "value"), env)
        elif kind == "type_item":
            self.check_type(node_field(node, "type"), Env(module, {}, {p: [] for p in _generic_names(node)}))

    def item_at(self, module: Module, node: Node) -> Item | None:
        name = node_field(node, "name")
        for item in module.items.get(text(name), []) if name is not None else []:
            if item.node == node:
                return item
        return None

    def check_use(self, module: Module, node: Node) -> None:
        for entry in module.uses:
            if entry.node != node:
                continue
            res = self.resolver._use_target(module, entry.path, module.crate, set())
            if res.kind == "missing":
                self.report(module, node, "path", f"unresolved import `{'::'.join(entry.path)}`: {res.reason}")
            elif res.kind == "absent":
                self.attest_path(module, node, res.path)

    def check_fn(self, node: Node, module: Module, outer: dict[str, list[Ty]], self_ty: Ty | None) -> None:
        fn = read_fn(node, module, None)
        params = dict(outer)
        for name, bounds in fn.generics.items():
            params[name] = bounds
        env = Env(module, {}, params, self_ty)
        for bounds in fn.generics.values():
            for bound in bounds:
                self.check_written(bound, node, env)
        if fn.receiver is not None:
            base = self_ty if self_ty is not None else UNKNOWN
            env.locals["self"] = base if fn.receiver == "self" else Ty("ref", args=(base,))
        for pattern, written in fn.params:
            ty = self.check_written(written, node, env)
            self.typer.bind(pattern, ty, env)
        self.check_written(fn.ret, node, env)
        body = node_field(node, "body")
        if body is not None:
            self.typer.block(body, env)

    def check_impl(self, node: Node, module: Module) -> None:
        generics: dict[str, list[Ty]] = {name: [] for name in _generic_names(node)}
        env = Env(module, {}, generics)
        self_ty = self.check_type(node_field(node, "type"), env)
        self_ty = self.typer.normalize(self_ty)
        trait_node = node_field(node, "trait")
        trait_ty = self.check_type(trait_node, env) if trait_node is not None else None
        if trait_ty is not None and trait_ty.kind == "item":
            trait = self.resolver.item_by_key(trait_ty.name)
            if trait is not None and trait.kind == "trait" and is_tracked_name(trait.crate.name):
                self.check_trait_impl(node, module, trait)
        for child in named(node_field(node, "body")):
            if child.type == "function_item":
                self.check_fn(child, module, generics, self_ty)
            elif child.type == "const_item":
                self.check_type(node_field(child, "type"), env)
                self.typer.expr(node_field(child, "value"), Env(module, {}, generics, self_ty))
            elif child.type == "type_item":
                self.check_type(node_field(child, "type"), env)

    def check_trait_impl(self, node: Node, module: Module, trait: Item) -> None:
        required = trait.trait_methods()
        implemented = {}
        for child in named(node_field(node, "body"), "function_item"):
            fn = read_fn(child, module, None)
            implemented[fn.name] = fn
            expected = required.get(fn.name)
            if expected is None:
                self.report(module, child, "trait-impl", f"`{trait.name}` has no method `{fn.name}` ({trait.key})")
                continue
            if (expected.receiver is None) != (fn.receiver is None) or expected.arity != fn.arity:
                self.report(
                    module,
                    child,
                    "trait-impl",
                    f"`{fn.name}` does not match `{trait.name}`: the trait declares `{expected.describe()}`",
                )
            elif expected.is_async != fn.is_async:
                self.report(
                    module,
                    child,
                    "trait-impl",
                    f"`{fn.name}` must {'' if expected.is_async else 'not '}be async, as `{trait.name}` declares it",
                )
            else:
                for (_, want), (_, got) in zip(expected.params, fn.params, strict=False):
                    want_ty = self.resolver.resolve_ty(trait.module, want, set(expected.generics))
                    got_ty = self.resolver.resolve_ty(module, got, set(fn.generics))
                    if _shallow_mismatch(want_ty, got_ty):
                        self.report(
                            module,
                            child,
                            "trait-impl",
                            f"`{fn.name}` takes `{got_ty}` where `{trait.name}` declares `{want_ty}`",
                        )
        for name, fn in required.items():
            if not fn.has_body and name not in implemented:
                self.report(module, node, "trait-impl", f"the impl of `{trait.name}` lacks `{name}`")

    # --- types -------------------------------------------------------------------------------------------
    def check_type(self, node: Node | None, env: Env) -> Ty:
        if node is None:
            return UNKNOWN
        return self.check_written(written_type(node), node, env)

    def check_written(self, written: Ty, node: Node, env: Env) -> Ty:
        if env.imports:
            written = _rewrite_ty(written, env)
        resolved = self.resolver.resolve_ty(env.module, written, set(env.params), env.self_ty)
        self._report_missing(resolved, written, node, env)
        return resolved

    def _report_missing(self, resolved: Ty, written: Ty, node: Node, env: Env) -> None:
        if resolved.kind == "missing":
            self.report(env.module, node, "path", f"type `{written.name}` does not exist")
            return
        if resolved.kind == "absent":
            self.attest_path(env.module, node, tuple(resolved.name.split("::")))
        for child_resolved, child_written in zip(resolved.args, written.args, strict=False):
            self._report_missing(child_resolved, child_written, node, env)

    # --- paths in expressions ----------------------------------------------------------------------------
    def resolve_expr_path(self, node: Node, segments: tuple[str, ...], env: Env) -> Res:
        segments = env.rewrite(segments)
        res = self.resolver.resolve_path(env.module, segments)
        if res.kind == "missing":
            if res.item is not None and res.reason and segments[-1] in STD_TRAIT_METHODS:
                return Res("unknown")
            self.report(env.module, node, "path", f"`{'::'.join(segments)}`: {res.reason}")
        elif res.kind == "absent":
            self.attest_path(env.module, node, res.path)
        return res

    def check_struct_literal(self, node: Node, env: Env) -> Ty:
        name_node = node_field(node, "name")
        segments = syntax.path_segments(name_node)
        body = node_field(node, "body")
        given: set[str] = set()
        has_base = False
        for child in named(body):
            if child.type == "field_initializer":
                given.add(text(node_field(child, "field")))
                self.typer.expr(node_field(child, "value"), env)
            elif child.type == "shorthand_field_initializer":
                ident = text(child)
                given.add(ident)
                self.typer.expr(child.named_children[0] if child.named_children else None, env)
            elif child.type == "base_field_initializer":
                has_base = True
                self.typer.expr(child.named_children[0] if child.named_children else None, env)
        if segments and segments[0] == "Self" and env.self_ty is not None:
            item = self.typer.item(env.self_ty)
            res = Res("item", item=item) if item is not None and len(segments) == 1 else Res("unknown")
            if item is not None and len(segments) == 2 and item.kind == "enum":
                res = (
                    Res("variant", item=item, member=segments[1]) if segments[1] in item.variants() else Res("unknown")
                )
        else:
            res = self.resolve_expr_path(name_node, segments, env)
        fields: set[str] | None = None
        result = UNKNOWN
        if res.kind == "item" and res.item is not None and res.item.kind == "struct":
            declared = res.item.fields()
            fields = set(declared) if declared is not None else None
            args = tuple(self.check_type(t, env) for t in named(node_field(name_node, "type_arguments")))
            result = self.typer.normalize(Ty("item", res.item.key, args))
        elif res.kind == "variant" and res.item is not None:
            shape, info = res.item.variants()[res.member]
            if shape != "struct":
                self.report(
                    env.module,
                    node,
                    "variant",
                    f"`{res.item.name}::{res.member}` is a {shape} variant, not a struct variant",
                )
                return UNKNOWN
            fields = set(info)  # type: ignore[arg-type]
            result = self.typer.instance_of(res.item)
        elif res.kind == "absent":
            self.attest_fields(env.module, node, res.path, given)
            return UNKNOWN
        if fields is not None and not self.resolver._opaque(res.item):
            for extra in sorted(given - fields):
                self.report(env.module, node, "field", f"`{'::'.join(segments)}` has no field `{extra}`")
            missing = sorted(fields - given)
            if missing and not has_base:
                self.report(env.module, node, "field", f"`{'::'.join(segments)}` needs field(s) {', '.join(missing)}")
        return result

    def check_pattern(self, pattern: Node, env: Env) -> None:
        for node in syntax.walk(pattern):
            if node.type == "tuple_struct_pattern":
                head = node_field(node, "type")
                segments = syntax.path_segments(head)
                if not segments or segments[0] in ("Some", "Ok", "Err", "None"):
                    continue
                res = self.resolve_expr_path(head, segments, env) if segments[0] != "Self" else Res("unknown")
                arity = len([c for c in node.children if c != head and c.type not in ("(", ")", ",")])
                if res.kind == "variant" and res.item is not None:
                    shape, info = res.item.variants()[res.member]
                    if shape != "tuple":
                        self.report(
                            env.module,
                            node,
                            "variant",
                            f"`{'::'.join(segments)}` is a {shape} variant, not a tuple variant",
                        )
                    elif info != arity and not any(c.type == "remaining_field_pattern" for c in node.named_children):
                        self.report(
                            env.module,
                            node,
                            "variant",
                            f"`{'::'.join(segments)}` holds {info} value(s), the pattern has {arity}",
                        )
            elif node.type == "struct_pattern":
                head = node_field(node, "type")
                segments = syntax.path_segments(head)
                if not segments or segments[0] == "Self":
                    continue
                res = self.resolve_expr_path(head, segments, env)
                names = set()
                for child in named(node):
                    if child.type == "field_pattern":
                        name = node_field(child, "name")
                        names.add(text(name) if name is not None else text(child).split(":")[0].strip())
                if res.kind == "variant" and res.item is not None:
                    shape, info = res.item.variants()[res.member]
                    if shape != "struct":
                        self.report(
                            env.module,
                            node,
                            "variant",
                            f"`{'::'.join(segments)}` is a {shape} variant, not a struct variant",
                        )
                    else:
                        for extra in sorted(names - set(info)):  # type: ignore[arg-type]
                            self.report(env.module, node, "field", f"`{'::'.join(segments)}` has no field `{extra}`")
                elif res.kind == "item" and res.item is not None and res.item.kind == "struct":
                    declared = res.item.fields() or {}
                    for extra in sorted(names - set(declared)):
                        self.report(env.module, node, "field", f"`{'::'.join(segments)}` has no field `{extra}`")
                elif res.kind == "absent":
                    self.attest_fields(env.module, node, res.path, names)
            elif (
                node.type in ("scoped_identifier",)
                and node.parent is not None
                and node.parent.type not in ("tuple_struct_pattern", "struct_pattern")
            ):
                self.resolve_expr_path(node, syntax.path_segments(node), env)

    def check_string_literal(self, node: Node, env: Env) -> None:
        return None

    # --- macros ------------------------------------------------------------------------------------------
    def check_macro_invocation(self, node: Node, env: Env, item_level: bool = False) -> None:
        path = syntax.path_segments(node_field(node, "macro"))
        if not path or (len(path) == 1 and path[0] in STD_MACROS):
            self.check_macro_tokens(node, env)
            return
        if len(path) > 1 or path[0] not in env.locals:
            res = self.resolver.resolve_path(env.module, path)
            if res.kind == "missing" and (is_tracked_name(path[0]) or path[0] in ("crate", "self", "super")):
                self.report(env.module, node, "macro", f"macro `{'::'.join(path)}!` does not exist: {res.reason}")
            elif res.kind == "absent":
                self.attest_path(env.module, node, res.path)
        self.check_macro_tokens(node, env)

    def check_macro_tokens(self, node: Node, env: Env) -> None:
        """Expressions inside `format!`-like macros are token trees; check the paths we can see there."""
        for child in syntax.walk(node):
            if child.type == "scoped_identifier":
                segments = syntax.path_segments(child)
                if segments and is_tracked_name(segments[0]):
                    self.resolve_expr_path(child, segments, env)

    def check_macro_keys(
        self, module: Module, node: Node, macro: Item, facts: macros.MacroFacts, keys: list[str]
    ) -> None:
        if not facts.keys:
            return
        for key in keys:
            if key not in facts.keys:
                self.report(
                    module,
                    node,
                    "macro-arg",
                    f"`{macro.name}` does not accept `{key}` (it accepts {', '.join(sorted(facts.keys))})",
                )

    def check_attribute(self, module: Module, attribute: Node, item: Item | None, env: Env) -> None:
        path = syntax.attribute_path(attribute)
        if not path or path in UNTRACKED_ATTR_MACROS or (len(path) == 1 and path[0] in BUILTIN_ATTRS | {"secure"}):
            if path[:1] == ("allow",) or path[:1] == ("expect",):
                return
            return
        res = self.resolver.resolve_path(module, path)
        if res.kind == "missing":
            if is_tracked_name(path[0]) or len(path) == 1:
                self.report(
                    module, attribute, "macro", f"attribute `#[{'::'.join(path)}]` does not resolve: {res.reason}"
                )
            return
        if res.kind == "absent":
            self.attest_path(module, attribute, res.path)
            return
        if res.kind != "item" or res.item is None:
            return
        macro = res.item
        if macro.kind != "attr_macro":
            self.report(module, attribute, "macro", f"`{'::'.join(path)}` is a {macro.kind}, not an attribute macro")
            return
        facts = macros.facts(macro)
        self.check_macro_keys(module, attribute, macro, facts, _macro_keys(attribute))
        if macro.name == "module" and "capabilities" in facts.keys:
            allowed = set(macros.const_strings(macro.crate.modules.values(), "VALID_CAPABILITIES"))
            for capability in _list_value(attribute, "capabilities"):
                if allowed and capability not in allowed:
                    self.report(
                        module,
                        attribute,
                        "macro-arg",
                        f"unknown capability `{capability}` (the macro accepts {', '.join(sorted(allowed))})",
                    )

    def check_derives(self, module: Module, attrs: list[Node], item: Item | None, env: Env) -> None:
        helpers: set[str] = set()
        derives: list[Item] = []
        for segments, attribute in syntax.derive_paths(attrs):
            if True:
                res = self.resolver.resolve_path(module, segments)
                if res.kind == "missing" and is_tracked_name(segments[0]):
                    self.report(
                        module, attribute, "macro", f"derive `{'::'.join(segments)}` does not exist: {res.reason}"
                    )
                elif (
                    res.kind == "missing"
                    and len(segments) == 1
                    and self.resolver.crate_tracked(module.crate)
                    and not module.open
                ):
                    if segments[0] not in _STD_DERIVES:
                        self.report(module, attribute, "macro", f"derive `{segments[0]}` is not imported")
                elif res.kind == "item" and res.item is not None:
                    if res.item.kind == "derive_macro":
                        derives.append(res.item)
                        helpers |= set(res.item.helper_attrs)
                    elif res.item.kind != "trait":
                        self.report(module, attribute, "macro", f"`{'::'.join(segments)}` is not a derive macro")
        for derive in derives:
            keys = macros.helper_keys(derive)
            for helper in derive.helper_attrs:
                for attribute in attrs:
                    if syntax.attribute_path(attribute) == (helper,):
                        for key in _macro_keys(attribute):
                            if key not in keys:
                                self.report(
                                    module,
                                    attribute,
                                    "macro-arg",
                                    f"`#[{helper}(..)]` of `{derive.name}` does not accept `{key}`",
                                )

    def check_gts_struct(self, item: Item, attrs: list[Node], env: Env) -> None:
        """The rules `#[struct_to_gts_schema]` enforces, held to gts-macros' source."""
        from .gts_rules import check_gts_struct

        for attribute in attrs:
            macro = self.attribute_macro(item.module, attribute)
            if macro is not None and macro.name == "struct_to_gts_schema":
                for line_node, message in check_gts_struct(self, item, attribute, macro, env):
                    self.report(item.module, line_node, "macro-arg", message)

    # --- traits ------------------------------------------------------------------------------------------
    def implements(self, item: Item, trait: Item) -> bool | None:
        if trait.key in self._emitted_traits.get(item.key, set()):
            return True
        found = self.resolver.implements(item, trait.key)
        if found is False:
            # A macro_rules! invocation beside the trait (modkit's `impl_api_dto_trait!(Page<T>, ...)`) may
            # implement it for the types it is given.
            for call in trait.module.macro_calls:
                if item.name in {text(t) for t in syntax.walk(call) if t.type in ("identifier", "type_identifier")}:
                    return None
        return found

    def traits_in_scope(self, module: Module) -> list[Item]:
        cached = self._scope_traits.get(module.key)
        if cached is None:
            cached = []
            current: Module | None = module
            while current is not None:
                for entry in current.uses:
                    res = self.resolver._use_target(current, entry.path, current.crate, set())
                    if res.kind == "item" and res.item is not None and res.item.kind == "trait":
                        cached.append(res.item)
                current = current.parent if current.node.type == "declaration_list" else None
            self._scope_traits[module.key] = cached
        return cached

    # --- platform crates absent from the snapshot --------------------------------------------------------
    def attest_path(self, module: Module, node: Node, path: tuple[str, ...]) -> None:
        problem = self.attested.path(path)
        if problem:
            self.report(module, node, "attested", problem)

    def attest_call(self, node: Node, env: Env, path: tuple[str, ...], arity: int) -> None:
        problem = self.attested.call(path, arity)
        if problem:
            self.report(env.module, node, "attested", problem)

    def attest_method(self, node: Node, env: Env, receiver: str, name: str, arity: int) -> None:
        problem = self.attested.method(receiver, name, arity)
        if problem:
            self.report(env.module, node, "attested", problem)

    def attest_fields(self, module: Module, node: Node, path: tuple[str, ...], fields: set[str]) -> None:
        problem = self.attested.fields(path, fields)
        if problem:
            self.report(module, node, "attested", problem)


_STD_DERIVES = {"Debug", "Clone", "Copy", "PartialEq", "Eq", "PartialOrd", "Ord", "Hash", "Default"}
# Derives that implement traits and define no named items.
_NO_ITEM_DERIVES = {"Error", "Serialize", "Deserialize", "ToSchema", "JsonSchema", "IntoParams", "Scopable"}


def _item_macro(node: Node) -> Node:
    if (
        node.type == "expression_statement"
        and node.named_children
        and node.named_children[0].type == "macro_invocation"
    ):
        return node.named_children[0]
    return node


def _rewrite_ty(ty: Ty, env: Env) -> Ty:
    name = "::".join(env.rewrite(tuple(ty.name.split("::")))) if ty.kind == "path" else ty.name
    return Ty(ty.kind, name, tuple(_rewrite_ty(a, env) for a in ty.args), ty.mut)


def _generic_names(node: Node) -> list[str]:
    params = node_field(node, "type_parameters")
    out = []
    for child in named(params):
        if child.type == "type_identifier":
            out.append(text(child))
        elif child.type in ("constrained_type_parameter", "type_parameter", "optional_type_parameter"):
            name = node_field(child, "left") or node_field(child, "name")
            if name is not None:
                out.append(text(name))
    return out


def _macro_keys(node: Node) -> list[str]:
    """The top-level argument keys of an attribute or macro call: `key = value` names and bare flags."""
    args = (
        node_field(node, "arguments")
        if node.type == "attribute"
        else next((c for c in node.named_children if c.type == "token_tree"), None)
    )
    if args is None:
        return []
    tokens = args.children[1:-1]
    keys = []
    expecting = True
    for index, token in enumerate(tokens):
        if token.type == ",":
            expecting = True
            continue
        if expecting and token.type == "identifier":
            keys.append(text(token))
            nxt = tokens[index + 1] if index + 1 < len(tokens) else None
            expecting = nxt is not None and nxt.type == "," if nxt is not None else False
        else:
            expecting = False
    return keys


def _macro_values(node: Node) -> dict[str, str]:
    args = (
        node_field(node, "arguments")
        if node.type == "attribute"
        else next((c for c in node.named_children if c.type == "token_tree"), None)
    )
    return syntax.key_values(args)


def _list_value(attribute: Node, key: str) -> list[str]:
    args = node_field(attribute, "arguments")
    if args is None:
        return []
    tokens = args.children
    for index, token in enumerate(tokens[:-2]):
        if token.type == "identifier" and text(token) == key and tokens[index + 1].type == "=":
            value = tokens[index + 2]
            if value.type == "token_tree":
                return [
                    syntax.string_value(c) or text(c)
                    for c in value.named_children
                    if c.type in ("identifier", "string_literal")
                ]
    return []


def _unit_fn(name: str, module: Module, impl: Impl):
    from .index import Fn

    return Fn(name, "pub", impl.node, module, False, None, [], Ty("self"), {}, [], True, impl)


def _shallow_mismatch(want: Ty, got: Ty) -> bool:
    if want.kind != got.kind:
        return want.kind in ("item", "ref") and got.kind in ("item", "ref")
    if want.kind == "item":
        return want.name != got.name
    if want.kind == "ref" and want.args and got.args:
        return _shallow_mismatch(want.args[0], got.args[0])
    return False
