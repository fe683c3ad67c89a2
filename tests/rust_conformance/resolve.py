"""Name resolution over a `World`: paths to items (through `use` re-exports, globs and crates), types to
resolved `Ty` terms (aliases expanded), and the members a type has (impl blocks, trait methods, derefs).

Results are `Res` values: an item, a module, an associated member, an enum variant, an item of a platform
crate the snapshot lacks (`absent`), `unknown` (std, an untracked crate, or a module an unmodelled macro
writes into) or `missing` (the name does not exist: what the checker reports).
"""

from __future__ import annotations

from dataclasses import dataclass

from .index import Crate, Fn, Impl, Item, Module, World
from .syntax import UNKNOWN, Ty

# The standard library's macros (`format!`, `vec!` ...): always in scope, never the platform's.
STD_MACROS = {
    "format",
    "vec",
    "println",
    "assert",
    "assert_eq",
    "assert_ne",
    "matches",
    "panic",
    "write",
    "writeln",
    "concat",
    "env",
    "include_str",
    "include_bytes",
    "stringify",
    "unreachable",
    "todo",
    "unimplemented",
    "debug_assert",
    "debug_assert_eq",
    "eprintln",
    "print",
    "dbg",
    "cfg",
    "line",
    "file",
    "column",
    "module_path",
    "compile_error",
    "format_args",
    "eprint",
}
# Names the standard prelude (or std itself) provides; they resolve to `unknown` unless modelled below.
PRELUDE = {
    "Option",
    "Some",
    "None",
    "Result",
    "Ok",
    "Err",
    "Vec",
    "String",
    "Box",
    "ToString",
    "ToOwned",
    "Clone",
    "Copy",
    "Default",
    "Debug",
    "Send",
    "Sync",
    "Sized",
    "Into",
    "From",
    "TryFrom",
    "TryInto",
    "Iterator",
    "IntoIterator",
    "Fn",
    "FnMut",
    "FnOnce",
    "Drop",
    "PartialEq",
    "Eq",
    "PartialOrd",
    "Ord",
    "AsRef",
    "AsMut",
    "Extend",
    "DoubleEndedIterator",
    "ExactSizeIterator",
    "Unpin",
    "drop",
    "std",
    "core",
    "alloc",
    "self",
    "bool",
    "char",
    "str",
    "u8",
    "u16",
    "u32",
    "u64",
    "u128",
    "usize",
    "i8",
    "i16",
    "i32",
    "i64",
    "i128",
    "isize",
    "f32",
    "f64",
    "Self",
} | STD_MACROS
# Standard types the checker follows through (method calls on them are std's business, their contents ours).
STD_TYPES = {
    "Arc",
    "Rc",
    "Box",
    "Option",
    "Result",
    "Vec",
    "String",
    "OnceLock",
    "HashMap",
    "PhantomData",
    "Cow",
    "Pin",
}
DEREF_WRAPPERS = {"Arc", "Rc", "Box"}
# Associated functions any type may have through std traits (`Default`, `From`, `Clone`...).
STD_TRAIT_FNS = {
    "default",
    "from",
    "try_from",
    "clone",
    "into",
    "fmt",
    "eq",
    "hash",
    "deserialize",
    "serialize",
    "from_str",
}
STD_CRATES = {"std", "core", "alloc"}
# Attributes that leave a type's fields and variants as written (their other effects are modelled elsewhere).
LISTED_ATTRIBUTES = {
    (name,)
    for name in (
        "derive",
        "doc",
        "allow",
        "must_use",
        "cfg",
        "expect",
        "cfg_attr",
        "deny",
        "warn",
        "non_exhaustive",
        "inline",
        "test",
        "serde",
        "error",
        "schema",
        "sea_orm",
        "secure",
        "async_trait",
        "repr",
        "struct_to_gts_schema",
        "domain_model",
        "api_dto",
        "module",
    )
}


@dataclass
class Res:
    kind: str  # item module assoc variant absent unknown missing self
    item: Item | None = None
    module: Module | None = None
    member: str = ""
    path: tuple[str, ...] = ()  # absent: the full path; missing: where the lookup stopped
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.kind != "missing"


def is_tracked_name(name: str) -> bool:
    """Crates the conformance check holds to the snapshot: ModKit's, GTS's and the platform's SDKs."""
    return name.startswith(("modkit", "gts")) or name.endswith("_sdk") or name == "cf_system_sdks"


class Resolver:
    def __init__(self, world: World) -> None:
        self.world = world
        self._impls: dict[str, list[Impl]] | None = None
        self._emitted: dict[str, list[Impl]] = {}

    # --- crates ------------------------------------------------------------------------------------------
    def extern_crate(self, crate: Crate, name: str) -> Res | None:
        if name in STD_CRATES:
            return Res("unknown")
        package = crate.extern(name)
        if package is None:
            if crate.name == name:
                return Res("module", module=crate.modules.get(()))
            return None
        target = self.world.crate_of_package(package)
        if target is not None and () in target.modules:
            return Res("module", module=target.modules[()])
        if is_tracked_name(name):
            return Res("absent", path=(name,))
        return Res("unknown")

    def crate_tracked(self, crate: Crate) -> bool:
        return crate.checked or is_tracked_name(crate.name)

    # --- paths -------------------------------------------------------------------------------------------
    def resolve_path(self, module: Module, segments: tuple[str, ...]) -> Res:
        if not segments:
            return Res("unknown")
        first, rest = segments[0], segments[1:]
        if first == "":
            if not rest:
                return Res("unknown")
            res = self.extern_crate(module.crate, rest[0]) or Res("unknown")
            rest = rest[1:]
        elif first == "crate":
            res = Res("module", module=module.crate.modules[()])
        elif first == "self":
            res = Res("module", module=module)
        elif first == "super":
            target = module.parent or module
            while rest and rest[0] == "super":
                target = target.parent or target
                rest = rest[1:]
            res = Res("module", module=target)
        elif first == "Self":
            return Res("self", path=segments)
        else:
            res = self.lookup(module, first, module.crate)
            if res.kind == "missing":
                return res
        for index, segment in enumerate(rest):
            res = self.member(res, segment, module.crate)
            if res.kind == "missing":
                res.path = segments[: len(segments) - len(rest) + index + 1]
                return res
        return res

    def lookup(self, module: Module, name: str, from_crate: Crate, seen: set | None = None) -> Res:
        """`name` as the first segment of a path written in `module`."""
        found = self._in_module(module, name, from_crate, seen or set(), scope=True)
        if found is not None:
            return found
        extern = self.extern_crate(module.crate, name)
        if extern is not None:
            return extern
        if name in PRELUDE or name in STD_TYPES:
            return Res("unknown")
        if module.open or not self.crate_tracked(module.crate):
            return Res("unknown")
        return Res(
            "missing", module=module, path=(name,), reason=f"`{name}` is not defined or imported in {module.key}"
        )

    def _in_module(self, module: Module, name: str, from_crate: Crate, seen: set, scope: bool) -> Res | None:
        """`name` in `module`'s namespace: its items, its imports, its glob imports. `scope` is True when the
        name is looked up from inside (every import counts), False from outside (only pub re-exports)."""
        key = (module.key, name, scope)
        if key in seen:
            return None
        seen = seen | {key}
        outside = from_crate is not module.crate
        scope = scope or not outside  # inside one crate, modules see each other's imports (`use super::*`)
        for item in module.items.get(name, []):
            if outside and item.vis != "pub":
                continue
            if item.kind == "mod" and item.target is not None:
                return Res("module", module=item.target, item=item)
            return Res("item", item=item)
        for entry in module.uses:
            if entry.glob or entry.alias != name or (outside and entry.vis != "pub") or (not scope and entry.vis == ""):
                continue
            return self._use_target(module, entry.path, from_crate, seen)
        opaque_glob = False
        for entry in module.uses:
            if not entry.glob or (outside and entry.vis != "pub") or (not scope and entry.vis == ""):
                continue
            source = self._use_target(module, entry.path, from_crate, seen)
            if source.kind == "module" and source.module is not None:
                found = self._in_module(source.module, name, from_crate, seen, scope=False)
                if found is not None and found.kind != "missing":
                    return found
            elif source.kind == "item" and source.item is not None and source.item.kind == "enum":
                if name in source.item.variants():
                    return Res("variant", item=source.item, member=name)
            elif source.kind in ("unknown", "absent"):
                opaque_glob = True  # a glob from a crate we cannot read may bring the name in
        return Res("unknown") if opaque_glob else None

    def _use_target(self, module: Module, path: tuple[str, ...], from_crate: Crate, seen: set) -> Res:
        if not path:
            return Res("unknown")
        first = path[0]
        if first in ("crate", "self", "super", ""):
            return self.resolve_path(module, path)
        # 2018 paths in `use`: a local name first, else an extern crate.
        local = (
            self._in_module(module, first, module.crate, seen, scope=True)
            if first not in ("std", "core", "alloc")
            else None
        )
        res = local if local is not None else (self.extern_crate(module.crate, first) or Res("unknown"))
        undeclared = local is None and res.kind == "unknown" and first not in STD_CRATES and first not in PRELUDE
        if undeclared and self.crate_tracked(module.crate) and not module.open and first not in module.crate.externs:
            return Res("missing", module=module, path=(first,), reason=f"no crate or item `{first}`")
        for index, segment in enumerate(path[1:]):
            res = self.member(res, segment, module.crate)
            if res.kind == "missing":
                res.path = path[: index + 2]
                return res
        return res

    def member(self, res: Res, name: str, from_crate: Crate) -> Res:
        """`name` after `res` in a path (`res::name`)."""
        if res.kind in ("unknown", "self"):
            return Res("unknown") if res.kind == "unknown" else Res("self", path=(*res.path, name))
        if res.kind == "absent":
            return Res("absent", path=(*res.path, name))
        if res.kind == "module" and res.module is not None:
            found = self._in_module(res.module, name, from_crate, set(), scope=False)
            if found is not None:
                return found
            if res.module.open or not self.crate_tracked(res.module.crate):
                return Res("unknown")
            return Res("missing", module=res.module, reason=f"`{res.module.key}` has no public item `{name}`")
        if res.kind == "item" and res.item is not None:
            item = res.item
            if item.kind == "type":
                target = self._expand_alias(item, ())
                if target.kind != "item":
                    return Res("unknown")
                aliased = self.item_by_key(target.name)
                return self.member(Res("item", item=aliased), name, from_crate) if aliased else Res("unknown")
            if item.kind == "enum" and name in item.variants():
                return Res("variant", item=item, member=name)
            if item.kind in ("struct", "enum", "union", "trait", "type"):
                if self.assoc(item, name) is not None or self._opaque(item):
                    return Res("assoc", item=item, member=name)
                if name in STD_TRAIT_FNS:
                    return Res("unknown")
                return Res("missing", item=item, reason=f"`{item.key}` has no associated item `{name}`")
            return Res("missing", item=item, reason=f"`{item.key}` is a {item.kind}: it has no member `{name}`")
        if res.kind in ("assoc", "variant"):
            return Res("unknown")
        return Res("missing", reason=f"cannot resolve `{name}`")

    def _opaque(self, item: Item) -> bool:
        """Items whose members we cannot list: types from crates we do not check, or made by a macro whose
        expansion we do not model."""
        if not self.crate_tracked(item.crate):
            return True
        from . import syntax

        return any(syntax.attribute_path(a)[-1:] not in LISTED_ATTRIBUTES for a in item.attrs)

    # --- impls and members -------------------------------------------------------------------------------
    def impls_of(self, item: Item) -> list[Impl]:
        if self._impls is None:
            self._impls = {}
            for crate in self.world.crates.values():
                for impl in crate.impls:
                    target = self.resolve_ty(impl.module, impl.self_ty, set(impl.generics))
                    if target.kind == "item":
                        self._impls.setdefault(target.name, []).append(impl)
        return self._impls.get(item.key, []) + self._emitted.get(item.key, [])

    def add_emitted_impl(self, item: Item, impl: Impl) -> None:
        self._emitted.setdefault(item.key, []).append(impl)

    def assoc(self, item: Item, name: str) -> tuple[str, object] | None:
        """An associated fn/const of a type or trait: ("fn", Fn) or ("const", Ty)."""
        if item.kind == "trait":
            method = item.trait_methods().get(name)
            if method is not None:
                return ("fn", method)
        for impl in self.impls_of(item):
            if name in impl.methods:
                return ("fn", impl.methods[name])
            if name in impl.consts:
                return ("const", impl.consts[name])
            if impl.trait is not None:
                trait = self.resolve_ty(impl.module, impl.trait, set(impl.generics))
                if trait.kind == "item":
                    trait_item = self.item_by_key(trait.name)
                    if trait_item is not None and name in trait_item.trait_methods():
                        return ("fn", trait_item.trait_methods()[name])
        return None

    def methods_named(self, item: Item, name: str) -> list[tuple[Impl | None, Fn]]:
        """Every method `name` a value of type `item` has: inherent and trait impls (trait default methods
        included), and the trait's own methods for a trait object."""
        out: list[tuple[Impl | None, Fn]] = []
        if item.kind == "trait":
            for trait in [item, *self.supertrait_items(item)]:
                method = trait.trait_methods().get(name)
                if method is not None:
                    out.append((None, method))
            return out
        for impl in self.impls_of(item):
            if name in impl.methods:
                out.append((impl, impl.methods[name]))
            elif impl.trait is not None:
                trait = self.resolve_ty(impl.module, impl.trait, set(impl.generics))
                trait_item = self.item_by_key(trait.name) if trait.kind == "item" else None
                if trait_item is not None and name in trait_item.trait_methods():
                    out.append((impl, trait_item.trait_methods()[name]))
        return out

    def supertrait_items(self, trait: Item) -> list[Item]:
        out = []
        for bound in trait.supertraits():
            resolved = self.resolve_ty(trait.module, bound, set())
            if resolved.kind == "item":
                found = self.item_by_key(resolved.name)
                if found is not None and found.kind == "trait":
                    out.append(found)
                    out += self.supertrait_items(found)
        return out

    def implements(self, item: Item, trait_key: str) -> bool | None:
        """Whether type `item` implements the trait `trait_key` (None: cannot tell)."""
        for impl in self.impls_of(item):
            if impl.trait is None:
                continue
            trait = self.resolve_ty(impl.module, impl.trait, set(impl.generics))
            if trait.kind == "item" and trait.name == trait_key:
                return True
        if self._opaque(item) and not item.crate.checked:
            return None
        return False

    def deref_target(self, item: Item) -> Ty | None:
        for impl in self.impls_of(item):
            if impl.trait is not None and impl.trait.name.split("::")[-1] == "Deref" and "Target" in impl.assoc_types:
                return self.resolve_ty(impl.module, impl.assoc_types["Target"], set(impl.generics))
        return None

    def item_by_key(self, key: str) -> Item | None:
        crate_name, *rest = key.split("::")
        for crate in self.world.crates.values():
            if crate.name != crate_name:
                continue
            module = crate.modules.get(tuple(rest[:-1]))
            if module is None:
                continue
            for item in module.items.get(rest[-1], []):
                if item.kind not in ("mod", "attr_macro", "fn_macro", "derive_macro", "macro"):
                    return item
        return None

    # --- types -------------------------------------------------------------------------------------------
    def resolve_ty(self, module: Module, ty: Ty, params: set[str], self_ty: Ty | None = None) -> Ty:
        """A written type resolved in `module`: paths become items (aliases expanded), generic parameters
        `param`, std types `std`, anything else we cannot read `unknown`."""
        kind = ty.kind
        if kind == "path":
            args = tuple(self.resolve_ty(module, a, params, self_ty) for a in ty.args)
            segments = tuple(ty.name.split("::"))
            if len(segments) == 1 and segments[0] in params:
                return Ty("param", segments[0])
            if segments == ("Self",):
                return self_ty if self_ty is not None and self_ty.kind != "missing" else Ty("self")
            res = self.resolve_path(module, segments)
            if res.kind == "item" and res.item is not None:
                if res.item.kind == "type":
                    return self._expand_alias(res.item, args)
                return Ty("item", res.item.key, args)
            if res.kind == "absent":
                return Ty("absent", "::".join(res.path), args)
            if res.kind == "assoc":
                return UNKNOWN
            last = segments[-1]
            if last in STD_TYPES:
                return Ty("std", last, args)
            if last == "str":
                return Ty("prim", "str")
            if res.kind == "missing":
                return Ty("missing", ty.name, args)
            return UNKNOWN
        if kind in ("ref", "tuple", "dyn", "impl", "slice", "array", "future"):
            return Ty(kind, ty.name, tuple(self.resolve_ty(module, a, params, self_ty) for a in ty.args), ty.mut)
        if kind == "assoc":
            return Ty("assoc", ty.name, tuple(self.resolve_ty(module, a, params, self_ty) for a in ty.args))
        return ty

    def _expand_alias(self, alias: Item, args: tuple[Ty, ...]) -> Ty:
        from .syntax import field, written_type

        target = written_type(field(alias.node, "type"))
        generics = alias.generics()
        resolved = self.resolve_ty(alias.module, target, {name for name, _ in generics})
        bindings: dict[str, Ty] = {}
        for index, (name, default) in enumerate(generics):
            if index < len(args):
                bindings[name] = args[index]
            elif default is not None:
                bindings[name] = self.resolve_ty(alias.module, default, set())
        return substitute(resolved, bindings)


def substitute(ty: Ty, bindings: dict[str, Ty]) -> Ty:
    if ty.kind == "param" and ty.name in bindings:
        return bindings[ty.name]
    if ty.kind == "self" and "Self" in bindings:
        return bindings["Self"]
    if not ty.args:
        return ty
    return Ty(ty.kind, ty.name, tuple(substitute(a, bindings) for a in ty.args), ty.mut)


__all__ = ["DEREF_WRAPPERS", "PRELUDE", "STD_TYPES", "Fn", "Res", "Resolver", "is_tracked_name", "substitute"]
