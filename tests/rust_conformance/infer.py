"""Types of expressions, as far as the source tells them, and the checks that need them.

The typer follows what a compiler would for the calls that matter here: locals (`let`, parameters, axum-style
`Extractor(x): Extractor<T>` patterns), `self` fields, associated functions, method chains through `&`,
`Arc`/`Box`, `Deref` impls and the std `Result`/`Option` combinators, `?` and `.await`. A method's impl
header is unified with the receiver, so a typestate builder only offers the methods of its current state
and returns the next state. Anything it cannot know becomes `unknown` and is not checked further: the
checker reports only what it can prove wrong.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from . import external, syntax
from .index import Fn, Impl, Item, Module
from .resolve import DEREF_WRAPPERS, Res, substitute
from .syntax import UNKNOWN, Node, Ty, fresh, named, text, written_type
from .syntax import field as node_field

if TYPE_CHECKING:
    from .check import Checker

# Methods every type may have through std traits (derives, blanket impls): never reported as missing.
STD_TRAIT_METHODS = {
    "clone",
    "clone_from",
    "to_owned",
    "to_string",
    "into",
    "try_into",
    "as_ref",
    "as_mut",
    "borrow",
    "borrow_mut",
    "eq",
    "ne",
    "cmp",
    "partial_cmp",
    "lt",
    "le",
    "gt",
    "ge",
    "max",
    "min",
    "hash",
    "fmt",
    "default",
    "from",
    "try_from",
    "deref",
    "deref_mut",
    "type_id",
    "serialize",
    "deserialize",
    "into_iter",
    "iter",
    "len",
    "is_empty",
    "as_str",
    "as_deref",
    "to_vec",
    "source",
    "description",
}
# std traits whose methods are all in STD_TRAIT_METHODS: implementing them adds no method we could miss.
STD_TRAITS = {
    "Clone",
    "Copy",
    "Debug",
    "Display",
    "Default",
    "From",
    "Into",
    "TryFrom",
    "TryInto",
    "PartialEq",
    "Eq",
    "PartialOrd",
    "Ord",
    "Hash",
    "Drop",
    "AsRef",
    "AsMut",
    "Borrow",
    "Send",
    "Sync",
    "Error",
    "FromStr",
    "Serialize",
    "Deserialize",
    "ToString",
    "Unpin",
    "Sealed",
}
# Methods of std types (iterators, options, results, futures) a value of an unread crate may lead to.
STD_VALUE_METHODS = {
    "map",
    "and_then",
    "ok_or",
    "ok_or_else",
    "unwrap",
    "expect",
    "unwrap_or",
    "unwrap_or_default",
    "unwrap_or_else",
    "is_some",
    "is_none",
    "is_ok",
    "is_err",
    "ok",
    "err",
    "iter",
    "iter_mut",
    "collect",
    "filter",
    "find",
    "any",
    "all",
    "count",
    "first",
    "last",
    "get",
    "contains",
    "as_slice",
    "to_vec",
}
RESULT_KEEPS_OK = {"map_err", "or_else", "inspect_err", "context", "with_context"}


@dataclass
class Env:
    module: Module
    locals: dict[str, Ty] = field(default_factory=dict)
    params: dict[str, list[Ty]] = field(default_factory=dict)  # generic parameters in scope and their bounds
    self_ty: Ty | None = None
    imports: dict[str, tuple[str, ...]] = field(default_factory=dict)  # `use` inside function bodies

    def child(self) -> Env:
        return Env(self.module, dict(self.locals), self.params, self.self_ty, dict(self.imports))

    def rewrite(self, segments: tuple[str, ...]) -> tuple[str, ...]:
        """A path whose first segment a block-level `use` imported, spelled from the module."""
        if segments and segments[0] in self.imports:
            return (*self.imports[segments[0]], *segments[1:])
        return segments


class Typer:
    def __init__(self, checker: Checker) -> None:
        self.checker = checker
        self.resolver = checker.resolver

    # --- helpers -----------------------------------------------------------------------------------------
    def report(self, node: Node, env: Env, code: str, message: str) -> None:
        self.checker.report(env.module, node, code, message)

    def resolve_written(self, ty: Ty, env: Env) -> Ty:
        return self.resolver.resolve_ty(env.module, ty, set(env.params), env.self_ty)

    def item(self, ty: Ty) -> Item | None:
        return self.resolver.item_by_key(ty.name) if ty.kind == "item" else None

    def normalize(self, ty: Ty) -> Ty:
        """An item type with every generic argument present (defaults filled in)."""
        item = self.item(ty)
        if item is None or item.kind not in ("struct", "enum", "union"):
            return ty
        generics = item.generics()
        if len(ty.args) >= len(generics):
            return ty
        args = list(ty.args)
        for _name, default in generics[len(args) :]:
            args.append(self.resolver.resolve_ty(item.module, default, set()) if default is not None else fresh())
        return Ty(ty.kind, ty.name, tuple(args), ty.mut)

    def instance_of(self, item: Item) -> Ty:
        return self.normalize(Ty("item", item.key))

    # --- statements and blocks ---------------------------------------------------------------------------
    def block(self, node: Node | None, env: Env) -> Ty:
        if node is None:
            return UNKNOWN
        last = syntax.UNIT
        from .index import _use_paths

        for child in node.named_children:  # items and imports of a block are visible in all of it
            if child.type == "use_declaration":
                for path, alias, glob in _use_paths(node_field(child, "argument"), ()):
                    if alias and not glob and alias != "_":
                        env.imports[alias] = path
            elif child.type.endswith("_item") and node_field(child, "name") is not None:
                env.locals.setdefault(text(node_field(child, "name")), UNKNOWN)
        for child in node.named_children:
            if child.type == "let_declaration":
                self.let(child, env)
                last = syntax.UNIT
            elif child.type == "expression_statement":
                inner = child.named_children[0] if child.named_children else None
                if inner is not None:
                    self.expr(inner, env)
                last = syntax.UNIT
            elif child.type in ("line_comment", "block_comment", "attribute_item", "empty_statement"):
                continue
            elif child.type.endswith("_item") or child.type in ("use_declaration", "macro_definition"):
                self.checker.check_local_item(child, env)
            else:
                last = self.expr(child, env)
        return last

    def let(self, node: Node, env: Env) -> None:
        declared = node_field(node, "type")
        value = node_field(node, "value")
        value_ty = self.expr(value, env) if value is not None else UNKNOWN
        alternative = node_field(node, "alternative")
        if alternative is not None:
            self.block(alternative, env.child())
        ty = self.checker.check_type(declared, env) if declared is not None else value_ty
        self.bind(node_field(node, "pattern"), ty, env)

    def bind(self, pattern: Node | None, ty: Ty, env: Env) -> None:
        if pattern is None:
            return
        kind = pattern.type
        if kind == "identifier":
            env.locals[text(pattern)] = ty
        elif kind == "mut_pattern" or kind == "ref_pattern":
            for child in pattern.named_children:
                self.bind(child, ty, env)
        elif kind == "tuple_struct_pattern":
            head = node_field(pattern, "type")
            self.checker.check_pattern(pattern, env)
            inner = [c for c in pattern.named_children if c != head]
            # `Extension(ctx): Extension<T>`: a one-field wrapper binds its content.
            if len(inner) == 1 and ty.args:
                content = ty.args[0] if ty.kind in ("item", "std") and len(ty.args) == 1 else UNKNOWN
                written = syntax.path_segments(head)
                if written and ty.kind in ("item", "std") and ty.name.split("::")[-1] == written[-1]:
                    self.bind(inner[0], content, env)
                    return
            for child in inner:
                self.bind(child, UNKNOWN, env)
        else:
            self.checker.check_pattern(pattern, env)
            for name in pattern_bindings(pattern):
                env.locals[name] = UNKNOWN

    # --- expressions -------------------------------------------------------------------------------------
    def expr(self, node: Node | None, env: Env) -> Ty:
        if node is None:
            return UNKNOWN
        kind = node.type
        if kind == "identifier":
            name = text(node)
            if name in env.locals:
                return env.locals[name]
            return self.value_path(node, (name,), env)
        if kind == "self":
            return env.locals.get("self", UNKNOWN)
        if kind == "scoped_identifier":
            return self.value_path(node, syntax.path_segments(node), env)
        if kind == "generic_function":
            return self.expr(node_field(node, "function"), env)
        if kind == "call_expression":
            return self.call(node, env)
        if kind == "field_expression":
            return self.field_access(node, env)
        if kind == "await_expression":
            inner = self.expr(node.named_children[0] if node.named_children else None, env)
            return inner.args[0] if inner.kind == "future" and inner.args else UNKNOWN
        if kind == "try_expression":
            inner = self.expr(node.named_children[0] if node.named_children else None, env)
            if inner.kind == "std" and inner.name in ("Result", "Option") and inner.args:
                return inner.args[0]
            return UNKNOWN
        if kind == "reference_expression":
            value = self.expr(node_field(node, "value"), env)
            return Ty("ref", args=(value,))
        if kind == "unary_expression":
            value = self.expr(node.named_children[-1] if node.named_children else None, env)
            return self.deref(value) if text(node).startswith("*") else UNKNOWN
        if kind == "parenthesized_expression":
            return self.expr(node.named_children[0] if node.named_children else None, env)
        if kind == "struct_expression":
            return self.checker.check_struct_literal(node, env)
        if kind == "macro_invocation":
            self.checker.check_macro_invocation(node, env)
            return UNKNOWN
        if kind == "closure_expression":
            inner = env.child()
            for param in named(node_field(node, "parameters")):
                pattern = node_field(param, "pattern") if param.type == "parameter" else param
                self.bind(pattern, UNKNOWN, inner)
            body = node_field(node, "body")
            if body is not None and body.type == "block":
                self.block(body, inner)
            else:
                self.expr(body, inner)
            return Ty("fn")
        if kind in ("block", "unsafe_block", "async_block"):
            body = node if kind == "block" else next((c for c in node.named_children if c.type == "block"), None)
            result = self.block(body, env.child())
            return Ty("future", args=(result,)) if kind == "async_block" else result
        if kind == "if_expression":
            self.condition(node_field(node, "condition"), env)
            self.block(node_field(node, "consequence"), env.child())
            alternative = node_field(node, "alternative")
            if alternative is not None:
                for child in alternative.named_children:
                    self.expr(child, env.child())
            return UNKNOWN
        if kind == "match_expression":
            self.expr(node_field(node, "value"), env)
            for arm in named(node_field(node, "body"), "match_arm"):
                arm_env = env.child()
                pattern = node_field(arm, "pattern")
                for sub in named(pattern):
                    if sub.type == "condition" or sub.type.endswith("expression"):
                        self.expr(sub, arm_env)
                    else:
                        self.bind(sub, UNKNOWN, arm_env)
                self.expr(node_field(arm, "value"), arm_env)
            return UNKNOWN
        if kind in ("let_condition", "let_chain"):
            self.condition(node, env)
            return UNKNOWN
        if kind in ("string_literal", "raw_string_literal"):
            self.checker.check_string_literal(node, env)
            return Ty("ref", args=(Ty("prim", "str"),))
        if kind == "integer_literal":
            return Ty("prim", "int")
        if kind == "boolean_literal":
            return Ty("prim", "bool")
        if kind == "type_cast_expression":
            self.expr(node_field(node, "value"), env)
            return self.checker.check_type(node_field(node, "type"), env)
        if kind in ("for_expression", "while_expression", "loop_expression"):
            loop_env = env.child()
            if kind == "for_expression":
                self.expr(node_field(node, "value"), env)
                self.bind(node_field(node, "pattern"), UNKNOWN, loop_env)
            elif kind == "while_expression":
                self.condition(node_field(node, "condition"), loop_env)
            self.block(node_field(node, "body"), loop_env)
            return UNKNOWN
        for child in node.named_children:  # binary, index, array, tuple, return, range, assignment, ...
            if child.type.endswith(("expression", "literal", "identifier")) or child.type in (
                "self",
                "block",
                "arguments",
                "macro_invocation",
                "struct_expression",
                "closure_expression",
            ):
                self.expr(child, env)
        if kind == "tuple_expression":
            return UNKNOWN
        return UNKNOWN

    def condition(self, node: Node | None, env: Env) -> None:
        if node is None:
            return
        if node.type == "let_condition":
            value = self.expr(node_field(node, "value"), env)
            self.bind(node_field(node, "pattern"), self.unwrap_some(value), env)
        elif node.type == "let_chain":
            for child in node.named_children:
                self.condition(child, env)
        else:
            self.expr(node, env)

    @staticmethod
    def unwrap_some(ty: Ty) -> Ty:
        return ty.args[0] if ty.kind == "std" and ty.name in ("Option", "Result") and ty.args else UNKNOWN

    def deref(self, ty: Ty) -> Ty:
        if ty.kind == "ref" and ty.args:
            return ty.args[0]
        if ty.kind == "std" and ty.name in DEREF_WRAPPERS and ty.args:
            return ty.args[0]
        return UNKNOWN

    # --- paths as values ---------------------------------------------------------------------------------
    def value_path(self, node: Node, segments: tuple[str, ...], env: Env) -> Ty:
        if segments and segments[0] == "Self" and env.self_ty is not None:
            return self.assoc_value(node, env.self_ty, segments[1:], env)
        res = self.checker.resolve_expr_path(node, segments, env)
        return self.value_of(res, env)

    def value_of(self, res: Res, env: Env) -> Ty:
        if res.kind == "item" and res.item is not None:
            item = res.item
            if item.kind in ("const", "static"):
                written = written_type(node_field(item.node, "type"))
                return self.resolver.resolve_ty(item.module, written, set())
            if item.kind in ("struct", "union"):
                return self.instance_of(item)
            return UNKNOWN
        if res.kind == "variant" and res.item is not None:
            return self.instance_of(res.item)
        if res.kind == "assoc" and res.item is not None:
            found = self.resolver.assoc(res.item, res.member)
            if found is not None and found[0] == "const":
                return UNKNOWN
        return UNKNOWN

    def assoc_value(self, node: Node, owner: Ty, rest: tuple[str, ...], env: Env) -> Ty:
        item = self.item(owner)
        if item is None or not rest:
            return owner if not rest else UNKNOWN
        if item.kind == "enum" and rest[0] in item.variants():
            return owner
        found = self.resolver.assoc(item, rest[0])
        if found is None and not self.resolver._opaque(item) and rest[0] not in STD_TRAIT_METHODS:
            self.report(node, env, "path", f"`{item.name}` has no associated item `{rest[0]}`")
        return UNKNOWN

    # --- calls -------------------------------------------------------------------------------------------
    def call(self, node: Node, env: Env) -> Ty:
        callee = node_field(node, "function")
        args = [
            a
            for a in named(node_field(node, "arguments"))
            if a.type not in ("line_comment", "block_comment", "attribute_item")
        ]
        turbofish: tuple[Ty, ...] = ()
        target = callee
        if callee is not None and callee.type == "generic_function":
            turbofish = tuple(
                self.checker.check_type(t, env)
                for t in named(node_field(callee, "type_arguments"))
                if t.type != "lifetime"
            )
            target = node_field(callee, "function")
        if target is not None and target.type == "field_expression":
            receiver = self.expr(node_field(target, "value"), env)
            arg_types = [self.expr(a, env) for a in args]
            name = text(node_field(target, "field"))
            return self.method_call(node, receiver, name, arg_types, turbofish, env)
        arg_types = [self.expr(a, env) for a in args]
        if target is None or target.type not in ("identifier", "scoped_identifier"):
            self.expr(target, env)
            return UNKNOWN
        segments = syntax.path_segments(target)
        if segments[0] in env.locals:
            return UNKNOWN
        return self.path_call(node, target, segments, arg_types, turbofish, env)

    def path_call(self, node, target, segments, arg_types, turbofish, env) -> Ty:
        std = _std_constructor(segments, arg_types)
        if std is not None:
            return std
        if segments[0] == "Self" and env.self_ty is not None:
            owner = env.self_ty
            item = self.item(owner)
            if item is None or len(segments) < 2:
                return UNKNOWN
            if item.kind == "enum" and segments[1] in item.variants():
                return self.variant_call(node, Res("variant", item=item, member=segments[1]), arg_types, env)
            return self.assoc_call(node, item, owner, segments[1], arg_types, turbofish, env)
        res = self.checker.resolve_expr_path(target, segments, env)
        if res.kind == "item" and res.item is not None:
            item = res.item
            if item.kind == "fn" and item.fn is not None:
                return self.fn_result(node, item.fn, arg_types, turbofish, {}, env, receiver=None)
            if item.kind == "struct":
                arity = item.tuple_arity()
                if arity is not None and arity != len(arg_types):
                    self.report(node, env, "arity", f"`{item.name}(..)` takes {arity} field(s), {len(arg_types)} given")
                return self.instance_of(item)
            return UNKNOWN
        if res.kind == "variant" and res.item is not None:
            return self.variant_call(node, res, arg_types, env)
        if res.kind == "assoc" and res.item is not None:
            owner_args = tuple(self.checker.check_type(t, env) for t in _path_generic_args(target, env, self))
            owner = self.normalize(Ty("item", res.item.key, owner_args)) if res.item.kind != "trait" else UNKNOWN
            return self.assoc_call(node, res.item, owner, res.member, arg_types, turbofish, env)
        if res.kind == "absent":
            self.checker.attest_call(node, env, res.path, len(arg_types))
            return Ty("absent", "::".join(res.path) + "()")
        return UNKNOWN

    def variant_call(self, node, res: Res, arg_types, env) -> Ty:
        shape, info = res.item.variants()[res.member]
        if shape != "tuple":
            self.report(
                node, env, "variant", f"`{res.item.name}::{res.member}` is a {shape} variant, not a tuple variant"
            )
        elif info != len(arg_types):
            self.report(
                node, env, "arity", f"`{res.item.name}::{res.member}` holds {info} value(s), {len(arg_types)} given"
            )
        return self.instance_of(res.item)

    def assoc_call(self, node, item: Item, owner: Ty, name: str, arg_types, turbofish, env) -> Ty:
        candidates = (
            self.resolver.methods_named(item, name)
            if item.kind != "trait"
            else [(None, m) for m in [item.trait_methods().get(name)] if m]
        )
        if not candidates:
            found = self.resolver.assoc(item, name)
            if found is not None and found[0] == "fn":
                candidates = [(None, found[1])]
        if not candidates:
            if name not in STD_TRAIT_METHODS and not self.resolver._opaque(item):
                self.report(node, env, "path", f"`{item.name}` has no associated function `{name}`")
            return UNKNOWN
        impl, fn = self.pick(candidates, owner)
        overloaded = len(candidates) > 1  # e.g. several `From<X>` impls: the argument picks one
        if fn.receiver is not None:
            # `Type::method(value, ...)`: the receiver comes first.
            if len(arg_types) != fn.arity + 1:
                self.report(
                    node,
                    env,
                    "arity",
                    f"`{item.name}::{name}` takes {fn.arity + 1} argument(s) (self first), {len(arg_types)} given",
                )
                return UNKNOWN
            return self.fn_result(
                node, fn, arg_types[1:], turbofish, self.bind_impl(impl, owner), env, receiver=owner, impl=impl
            )
        return self.fn_result(
            node,
            fn,
            arg_types,
            turbofish,
            self.bind_impl(impl, owner),
            env,
            receiver=None,
            owner=owner,
            impl=impl,
            overloaded=overloaded,
        )

    def pick(self, candidates: list[tuple[Impl | None, Fn]], receiver: Ty) -> tuple[Impl | None, Fn]:
        for impl, fn in candidates:
            if impl is None or self.unify_impl(impl, receiver) is not None:
                return impl, fn
        return candidates[0]

    def bind_impl(self, impl: Impl | None, receiver: Ty) -> dict[str, Ty]:
        if impl is None:
            return {"Self": receiver}
        bindings = self.unify_impl(impl, receiver) or {}
        bindings.setdefault("Self", receiver)
        return bindings

    def unify_impl(self, impl: Impl, receiver: Ty) -> dict[str, Ty] | None:
        """Bindings of the impl's generic parameters that make its header match `receiver`, or None."""
        if impl.emitted:
            return {"Self": receiver}
        header = self.normalize(self.resolver.resolve_ty(impl.module, impl.self_ty, set(impl.generics)))
        bindings: dict[str, Ty] = {}
        return bindings if self.unify(header, self.normalize(receiver), bindings) else None

    def unify(self, pattern: Ty, concrete: Ty, bindings: dict[str, Ty]) -> bool:
        if pattern.kind == "param":
            bound = bindings.get(pattern.name)
            if bound is None:
                bindings[pattern.name] = concrete
                return True
            return self.unify(bound, concrete, {}) if bound.kind != "param" else True
        if concrete.kind in ("unknown", "var", "param", "absent") or pattern.kind in (
            "unknown",
            "var",
            "self",
            "absent",
        ):
            return True
        if pattern.kind != concrete.kind:
            return False
        if pattern.kind in ("item", "std", "prim") and pattern.name != concrete.name:
            return False
        return all(self.unify(p, c, bindings) for p, c in zip(pattern.args, concrete.args, strict=False))

    def method_call(self, node, receiver: Ty, name: str, arg_types, turbofish, env) -> Ty:
        current = receiver
        for _ in range(6):
            kind = current.kind
            if kind == "ref" and current.args:
                current = current.args[0]
                continue
            if kind == "std":
                modelled = self.std_method(current, name, arg_types)
                if modelled is not None:
                    return modelled
                if current.name in DEREF_WRAPPERS and current.args:
                    current = current.args[0]
                    continue
                return UNKNOWN
            if kind == "item":
                item = self.item(current)
                if item is None:
                    return UNKNOWN
                candidates = self.resolver.methods_named(item, name)
                candidates += self.trait_bound_methods(item, name)
                if candidates:
                    matching = [
                        (impl, fn)
                        for impl, fn in candidates
                        if impl is None or self.unify_impl(impl, current) is not None
                    ]
                    if not matching:
                        states = "; ".join(self.header(impl) for impl, _ in candidates if impl is not None)
                        self.report(
                            node, env, "state", f"`{item.name}::{name}` exists only for {states}, not for `{current}`"
                        )
                        return UNKNOWN
                    impl, fn = matching[0]
                    overloaded = len(matching) > 1
                    if fn.receiver is None:
                        self.report(
                            node,
                            env,
                            "receiver",
                            f"`{item.name}::{name}` is an associated function (no self): "
                            f"call it as `{item.name}::{name}(..)`",
                        )
                        return UNKNOWN
                    return self.fn_result(
                        node,
                        fn,
                        arg_types,
                        turbofish,
                        self.bind_impl(impl, current),
                        env,
                        receiver=current,
                        impl=impl,
                        overloaded=overloaded,
                    )
                target = self.resolver.deref_target(item)
                if target is not None:
                    current = target
                    continue
                if name in STD_TRAIT_METHODS:
                    return current if name == "clone" else UNKNOWN
                if self.resolver._opaque(item) or self.has_untracked_traits(item):
                    return UNKNOWN
                self.report(node, env, "method", f"no method `{name}` on `{current}` ({item.key})")
                return UNKNOWN
            if kind in ("dyn", "impl"):
                for bound in current.args:
                    trait = self.item(bound)
                    if trait is None:
                        continue
                    candidates = self.resolver.methods_named(trait, name)
                    if candidates:
                        return self.fn_result(
                            node, candidates[0][1], arg_types, turbofish, {"Self": current}, env, receiver=current
                        )
                tracked = [b for b in current.args if self.item(b) is not None]
                if tracked and name not in STD_TRAIT_METHODS:
                    self.report(node, env, "method", f"no method `{name}` on `{current}`")
                return UNKNOWN
            if kind == "param":
                for bound in env.params.get(current.name, []):
                    trait_ty = self.resolve_written(bound, env) if bound.kind == "path" else bound
                    trait = self.item(trait_ty)
                    if trait is not None:
                        candidates = self.resolver.methods_named(trait, name)
                        if candidates:
                            return self.fn_result(
                                node, candidates[0][1], arg_types, turbofish, {"Self": current}, env, receiver=current
                            )
                return UNKNOWN
            if kind == "absent":
                if name in STD_TRAIT_METHODS or name in RESULT_KEEPS_OK or name in STD_VALUE_METHODS:
                    return UNKNOWN
                self.checker.attest_method(node, env, current.name, name, len(arg_types))
                # A builder of that crate most likely returns another of its values: keep attesting.
                return Ty("absent", current.name)
            if kind in ("unknown", "var"):
                return self.in_scope_trait_method(node, name, arg_types, turbofish, env)
            return UNKNOWN
        return UNKNOWN

    def header(self, impl: Impl) -> str:
        return f"`{impl.self_ty}`"

    def has_untracked_traits(self, item: Item) -> bool:
        """True when the type implements traits we cannot read (their methods could be the one called)."""
        from .check import _NO_ITEM_DERIVES, _STD_DERIVES

        for segments, _ in syntax.derive_paths(item.attrs):
            if segments[-1] not in _STD_DERIVES | _NO_ITEM_DERIVES:
                return True
        for impl in self.resolver.impls_of(item):
            if impl.trait is not None:
                trait = self.resolver.resolve_ty(impl.module, impl.trait, set(impl.generics))
                if trait.kind != "item" and impl.trait.name.split("::")[-1] not in STD_TRAITS:
                    return True
        return False

    def trait_bound_methods(self, item: Item, name: str) -> list:
        return []

    def in_scope_trait_method(self, node, name, arg_types, turbofish, env) -> Ty:
        """A method called on a value of unknown type: if a tracked trait imported here has it (an extension
        trait such as `SecureEntityExt`), that is the method Rust would pick."""
        found = [
            (trait, trait.trait_methods()[name])
            for trait in self.checker.traits_in_scope(env.module)
            if name in trait.trait_methods()
        ]
        if not found:
            imported = {entry.path for entry in env.module.uses}
            return external.column_comparison(name, imported) or UNKNOWN
        if len({trait.key for trait, _ in found}) != 1:
            return UNKNOWN  # several traits offer it: the receiver's type decides, and we do not know it
        trait, method = found[0]
        return self.fn_result(node, method, arg_types, turbofish, {"Self": UNKNOWN}, env, receiver=UNKNOWN, trait=trait)

    def std_method(self, ty: Ty, name: str, arg_types) -> Ty | None:
        if ty.name == "Result":
            ok = ty.args[0] if ty.args else UNKNOWN
            if name in RESULT_KEEPS_OK:
                return Ty("std", "Result", (ok, UNKNOWN))
            if name in ("unwrap", "expect", "unwrap_or_default", "unwrap_or", "unwrap_or_else"):
                return ok
            if name == "ok":
                return Ty("std", "Option", (ok,))
            return UNKNOWN if name not in ("clone",) else ty
        if ty.name == "Option":
            some = ty.args[0] if ty.args else UNKNOWN
            if name in ("ok_or", "ok_or_else"):
                return Ty("std", "Result", (some, UNKNOWN))
            if name in ("unwrap", "expect", "unwrap_or_default", "unwrap_or", "unwrap_or_else"):
                return some
            if name in ("cloned", "copied", "as_ref", "take", "clone", "as_deref"):
                return Ty(
                    "std",
                    "Option",
                    (self.deref(some) if name in ("cloned", "copied") and some.kind == "ref" else some,),
                )
            return UNKNOWN
        if ty.name in DEREF_WRAPPERS and name == "clone":
            return ty
        if ty.name == "OnceLock":
            inner = ty.args[0] if ty.args else UNKNOWN
            if name == "get":
                return Ty("std", "Option", (Ty("ref", args=(inner,)),))
            if name == "set":
                return Ty("std", "Result", (syntax.UNIT, inner))
        return None

    def fn_result(
        self,
        node,
        fn: Fn,
        arg_types,
        turbofish,
        bindings: dict[str, Ty],
        env,
        receiver,
        impl=None,
        owner=None,
        trait=None,
        overloaded=False,
    ) -> Ty:
        name = fn.name
        if len(arg_types) != fn.arity:
            self.report(
                node, env, "arity", f"`{name}` takes {fn.arity} argument(s), {len(arg_types)} given ({fn.describe()})"
            )
        params = set(fn.generics)
        if impl is not None:
            params |= set(impl.generics)
        if isinstance(fn.owner, Item) and fn.owner.kind == "trait":
            params |= {n for n, _ in fn.owner.generics()}
        bindings = dict(bindings)
        generic_names = list(fn.generics)
        for index, ty in enumerate(turbofish):
            if index < len(generic_names):
                bindings[generic_names[index]] = ty
        self.check_bounds(node, fn, bindings, env)
        self_ty = bindings.get("Self", receiver if receiver is not None else owner)
        ret = self.resolver.resolve_ty(fn.module, fn.ret, params, self_ty)
        ret = substitute(ret, bindings)
        if self_ty is not None:
            ret = substitute(ret, {"Self": self_ty})
        if not overloaded:
            self.check_args(node, fn, arg_types, params, bindings, env)
        return Ty("future", args=(ret,)) if fn.is_async else ret

    def check_bounds(self, node, fn: Fn, bindings: dict[str, Ty], env) -> None:
        for param, bounds in fn.generics.items():
            concrete = bindings.get(param)
            item = self.item(concrete) if concrete is not None else None
            if item is None:
                continue
            for bound in bounds:
                trait = self.resolver.resolve_ty(fn.module, bound, set(fn.generics))
                if trait.kind != "item":
                    continue
                trait_item = self.resolver.item_by_key(trait.name)
                if trait_item is None or trait_item.kind != "trait":
                    continue
                if self.checker.implements(item, trait_item) is False:
                    self.report(
                        node,
                        env,
                        "bound",
                        f"`{item.name}` does not implement `{trait_item.name}`, "
                        f"which `{fn.name}::<{param}>` requires ({trait_item.key})",
                    )

    def check_args(self, node, fn: Fn, arg_types, params, bindings, env) -> None:
        for (_, written), actual in zip(fn.params, arg_types, strict=False):
            expected = substitute(self.resolver.resolve_ty(fn.module, written, params), bindings)
            left, right = _strip_refs(expected), _strip_refs(actual)
            if left.kind == "item" and right.kind == "item" and left.name != right.name:
                self.report(node, env, "argument", f"`{fn.name}` expects `{expected}`, got `{actual}`")
            sea_orm = external.written(written)
            if sea_orm is not None and right.kind == "extern" and right != sea_orm:
                self.report(node, env, "argument", f"`{fn.name}` expects `{sea_orm.name}`, got `{right.name}`")

    # --- fields ------------------------------------------------------------------------------------------
    def field_access(self, node: Node, env: Env) -> Ty:
        value = self.expr(node_field(node, "value"), env)
        name = text(node_field(node, "field"))
        current = value
        for _ in range(4):
            if current.kind == "ref" or (current.kind == "std" and current.name in DEREF_WRAPPERS):
                current = self.deref(current)
                continue
            break
        item = self.item(current)
        if item is None or item.kind != "struct":
            return UNKNOWN
        fields = item.fields()
        if fields is None:
            if name.isdigit():
                return UNKNOWN
            return UNKNOWN
        if name not in fields:
            if not self.resolver._opaque(item):
                self.report(node, env, "field", f"`{item.name}` has no field `{name}`")
            return UNKNOWN
        generics = [n for n, _ in item.generics()]
        ty = self.resolver.resolve_ty(item.module, fields[name], set(generics))
        return substitute(ty, dict(zip(generics, current.args, strict=False)))


def pattern_bindings(pattern: Node) -> list[str]:
    """Names a pattern binds: identifiers that are not paths (`Some(x)` binds x, `Variant` binds nothing)."""
    out = []
    for child in syntax.walk(pattern):
        parent = child.parent
        if child.type == "shorthand_field_identifier":
            out.append(text(child))
        elif child.type == "identifier" and parent is not None:
            if parent.type in ("scoped_identifier", "scoped_type_identifier"):
                continue
            if parent.type in ("tuple_struct_pattern", "struct_pattern") and node_field(parent, "type") == child:
                continue
            if (
                parent.type == "field_pattern"
                and node_field(parent, "name") == child
                and node_field(parent, "pattern") is not None
            ):
                continue
            if text(child)[:1].isupper():
                continue  # a unit struct or variant named in a pattern
            out.append(text(child))
    return out


def _strip_refs(ty: Ty) -> Ty:
    while ty.kind == "ref" and ty.args:
        ty = ty.args[0]
    return ty


def _std_constructor(segments: tuple[str, ...], arg_types) -> Ty | None:
    last = segments[-1]
    head = segments[-2] if len(segments) >= 2 else ""
    first = arg_types[0] if arg_types else UNKNOWN
    if segments == ("Some",):
        return Ty("std", "Option", (first,))
    if segments == ("Ok",):
        return Ty("std", "Result", (first, UNKNOWN))
    if segments == ("Err",):
        return Ty("std", "Result", (UNKNOWN, first))
    if head in ("Arc", "Box", "Rc") and last == "new":
        return Ty("std", head, (first,))
    if head in ("Arc", "Rc") and last == "clone":
        return _strip_refs(first)
    if head == "OnceLock" and last == "new":
        return Ty("std", "OnceLock", (fresh(),))
    return None


def _path_generic_args(target: Node, env, typer) -> list[Node]:
    """Generic arguments written on the type segment of `Type::<A>::f` (the turbofish of the owner)."""
    path = node_field(target, "path")
    if path is not None and path.type in ("generic_type", "generic_type_with_turbofish"):
        return named(node_field(path, "type_arguments"))
    return []
