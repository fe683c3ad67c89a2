"""What the platform's macros accept and what they write, read from the macros' own source.

- Accepted arguments: the keys a macro's argument parser compares against (`is_ident("name")`, match arms
  `"dir_path" => ...`) inside the `impl Parse for T` its entry point parses into
  (`parse_macro_input!(attr as T)`), or the crate's `ALLOWED_*` constant when it parses a plain list.
- Written code: the `quote!` bodies of the entry point and of the functions it calls in its crate, parsed
  as Rust once their `#interpolations` are replaced: `impl #name { ... }` blocks give the members the macro
  adds to the annotated type, `impl Path for #name` the traits it implements, and item definitions (an
  `enum ErrorCode` ...) what a function-like macro defines where it is invoked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from . import syntax
from .index import Fn, Impl, Item, Module, read_fn
from .syntax import Node, named, text, written_type
from .syntax import field as node_field

PLACEHOLDER = "__Q"
_REPEAT = re.compile(r"#\((?:[^()]|\([^()]*\))*\)\s*[,;]?\s*\*")
_INTERP = re.compile(r"#\s*[A-Za-z_]\w*")
_RUNS = re.compile(rf"{PLACEHOLDER}(?:\s+{PLACEHOLDER})+")


@dataclass
class MacroFacts:
    item: Item
    keys: set[str] = field(default_factory=set)  # accepted argument keys / flags
    emitted_fns: dict[str, Fn] = field(default_factory=dict)  # members added to the annotated type
    emitted_consts: set[str] = field(default_factory=set)
    emitted_traits: list[str] = field(default_factory=list)  # trait paths implemented for the annotated type
    emitted_items: dict[str, Node] = field(default_factory=dict)  # items a function-like macro defines
    emitted_item_impls: list[Node] = field(default_factory=list)
    quote_module: Module | None = None


def quote_bodies(fn_node: Node) -> list[str]:
    out = []
    for node in syntax.walk(fn_node):
        if node.type == "macro_invocation" and syntax.path_segments(node_field(node, "macro"))[-1:] == ("quote",):
            tree = next((c for c in node.named_children if c.type == "token_tree"), None)
            if tree is not None:
                out.append(text(tree)[1:-1])
    return out


def rustify(quote_text: str) -> str:
    """Quote text with interpolations replaced so tree-sitter can read it as items."""
    body = _REPEAT.sub(" ", quote_text)
    body = _INTERP.sub(PLACEHOLDER, body)
    return _RUNS.sub(PLACEHOLDER, body)


def _called_fns(fn_node: Node, module_fns: dict[str, Node]) -> list[Node]:
    names = set()
    for node in syntax.walk(fn_node):
        if node.type == "call_expression":
            head = syntax.path_segments(node_field(node, "function"))
            if head and head[0] not in ("Self", "self"):
                names.add(head[-1])  # `expand_api_dto(..)` or `api_dto::expand_api_dto(..)`
    return [module_fns[n] for n in sorted(names) if n in module_fns]


@cache
def facts(item: Item) -> MacroFacts:
    out = MacroFacts(item)
    crate = item.crate
    fns: dict[str, Node] = {}
    for module in crate.modules.values():
        for items in module.items.values():
            for candidate in items:
                if candidate.kind == "fn" and candidate.node is not None:
                    fns.setdefault(candidate.name, candidate.node)
    entry = item.node
    if entry is None:
        return out
    out.keys = _accepted_keys(item, entry)
    # The entry point, the functions it calls, and theirs (two levels cover the platform's macros).
    bodies = [entry]
    for first in _called_fns(entry, fns):
        bodies.append(first)
        bodies.extend(_called_fns(first, fns))
    seen: set[int] = set()
    for body in bodies:
        if body.id in seen:
            continue
        seen.add(body.id)
        for quoted in quote_bodies(body):
            _read_quote(out, rustify(quoted), item.module)
    return out


def _read_quote(out: MacroFacts, source: str, module: Module) -> None:
    tree = syntax.parse(source.encode())
    for node in tree.root_node.named_children:
        if node.type == "impl_item":
            self_ty = written_type(node_field(node, "type"))
            trait = node_field(node, "trait")
            if self_ty.kind == "path" and self_ty.name != PLACEHOLDER:
                out.emitted_item_impls.append(node)
                continue
            if trait is not None:
                out.emitted_traits.append(text(trait).lstrip(":"))
                continue
            for child in named(node_field(node, "body")):
                if child.type == "function_item":
                    fn = read_fn(child, module, None)
                    out.emitted_fns[fn.name] = fn
                elif child.type == "const_item":
                    out.emitted_consts.add(text(node_field(child, "name")))
        elif node.type in ("enum_item", "struct_item", "trait_item", "type_item", "function_item"):
            name = text(node_field(node, "name"))
            if name and name != PLACEHOLDER:
                out.emitted_items[name] = node


def _accepted_keys(item: Item, entry: Node) -> set[str]:
    crate = item.crate
    target = None
    for node in syntax.walk(entry):
        if node.type == "macro_invocation" and syntax.path_segments(node_field(node, "macro"))[-1:] == (
            "parse_macro_input",
        ):
            tokens = [text(t) for t in syntax.walk(node) if t.child_count == 0]
            if "as" in tokens:
                target = tokens[tokens.index("as") + 1]
                break
    keys: set[str] = set()
    if target is not None:
        for module in crate.modules.values():
            for node in module.node.named_children:
                if (
                    node.type == "impl_item"
                    and text(node_field(node, "trait")) == "Parse"
                    and syntax.path_segments(node_field(node, "type"))[-1:] == (target,)
                ):
                    keys |= _compared_strings(node)
    if not keys:
        for module in crate.modules.values():
            for consts in module.items.values():
                for const in consts:
                    if const.kind == "const" and const.name.startswith("ALLOWED_") and const.node is not None:
                        keys |= {
                            syntax.string_value(s) or "" for s in syntax.walk(const.node) if s.type == "string_literal"
                        }
    return keys


def _compared_strings(node: Node) -> set[str]:
    """String literals a parser compares names against: `is_ident("x")`, `path_last_is(p, "x")`, `"x" =>`."""
    found: set[str] = set()
    for child in syntax.walk(node):
        if child.type == "call_expression":
            callee = node_field(child, "function")
            name = (
                text(node_field(callee, "field"))
                if callee is not None and callee.type == "field_expression"
                else text(callee)
            )
            if name.split("::")[-1] in ("is_ident", "path_last_is"):
                found |= {syntax.string_value(s) or "" for s in named(node_field(child, "arguments"), "string_literal")}
        elif child.type == "match_arm":
            pattern = node_field(child, "pattern")
            for literal in syntax.walk(pattern) if pattern is not None else []:
                if literal.type == "string_literal":
                    found.add(syntax.string_value(literal) or "")
    return found - {""}


def helper_keys(derive: Item) -> set[str]:
    """Keys a derive's helper attribute accepts: every name its crate's source compares against."""
    found: set[str] = set()
    for module in derive.crate.modules.values():
        found |= _compared_strings(module.node)
    return found


def const_strings(item_crate_modules, name: str) -> list[str]:
    """The string literals of the constant `name` (a module item or an associated const) in a crate."""
    for module in item_crate_modules:
        for node in syntax.walk(module.node):
            if node.type == "const_item" and text(node_field(node, "name")) == name:
                return [syntax.string_value(s) or "" for s in syntax.walk(node) if s.type == "string_literal"]
    return []


def emitted_impl(module: Module, facts_: MacroFacts) -> Impl:
    """The members a macro adds to an annotated type, as an impl block of that type."""
    impl = Impl(module, facts_.item.node, {}, syntax.Ty("self"), None, emitted=True)
    impl.methods = dict(facts_.emitted_fns)
    impl.consts = {name: syntax.UNKNOWN for name in facts_.emitted_consts}
    return impl
