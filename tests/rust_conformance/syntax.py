"""tree-sitter's Rust grammar, node helpers, and `Ty`: the type terms the checker reasons with."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from functools import cache

import tree_sitter
import tree_sitter_rust

Node = tree_sitter.Node


@cache
def parser() -> tree_sitter.Parser:
    return tree_sitter.Parser(tree_sitter.Language(tree_sitter_rust.language()))


def parse(source: bytes) -> tree_sitter.Tree:
    return parser().parse(source)


def text(node: Node | None) -> str:
    return node.text.decode("utf-8", "replace") if node is not None and node.text is not None else ""


def field(node: Node | None, name: str) -> Node | None:
    return node.child_by_field_name(name) if node is not None else None


def named(node: Node | None, *types: str) -> list[Node]:
    """Named children (of the given types, when given)."""
    if node is None:
        return []
    return [c for c in node.named_children if not types or c.type in types]


def walk(node: Node):
    """Every node under `node`, depth first, `node` included."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(current.children))


def line(node: Node) -> int:
    return node.start_point[0] + 1


def string_value(node: Node | None) -> str | None:
    """The value of a string literal node (escapes left as written), else None."""
    if node is None or node.type not in ("string_literal", "raw_string_literal"):
        return None
    parts = named(node, "string_content")
    return "".join(text(p) for p in parts)


def attributes(item: Node) -> list[Node]:
    """The `attribute` nodes of the outer attributes written just before `item` (its previous siblings)."""
    found = []
    sibling = item.prev_named_sibling
    while sibling is not None and sibling.type in ("attribute_item", "line_comment", "block_comment"):
        if sibling.type == "attribute_item":
            found.extend(named(sibling, "attribute"))
        sibling = sibling.prev_named_sibling
    return list(reversed(found))


def attribute_path(attribute: Node) -> tuple[str, ...]:
    head = attribute.named_children[0] if attribute.named_children else None
    return path_segments(head)


def path_segments(node: Node | None) -> tuple[str, ...]:
    """`a::b::C` (scoped_identifier, scoped_type_identifier, identifier...) as segments; generic arguments
    dropped; a leading `::` kept as an empty first segment."""
    if node is None:
        return ()
    kind = node.type
    if kind in ("identifier", "type_identifier", "field_identifier", "primitive_type", "self", "super", "crate"):
        return (text(node),)
    if kind == "metavariable":
        return (text(node),)
    if kind in ("scoped_identifier", "scoped_type_identifier"):
        path = field(node, "path")
        name = field(node, "name")
        head = path_segments(path) if path is not None else ("",)
        return (*head, text(name))
    if kind in ("generic_type", "generic_type_with_turbofish"):
        return path_segments(field(node, "type"))
    if kind == "generic_function":
        return path_segments(field(node, "function"))
    if kind == "bracketed_type":
        return ()
    return ()


def derive_paths(attributes_: list[Node]) -> list[tuple[tuple[str, ...], Node]]:
    """Each path a `#[derive(...)]` among `attributes_` names (`serde::Serialize` -> ("serde", "Serialize"))."""
    out = []
    for attribute in attributes_:
        if attribute_path(attribute) != ("derive",):
            continue
        args = field(attribute, "arguments")
        inner = text(args)[1:-1] if args is not None else ""
        for part in inner.split(","):
            segments = tuple(s.strip() for s in part.strip().split("::"))
            if segments and segments[-1]:
                out.append((segments, attribute))
    return out


def key_values(token_tree: Node | None) -> dict[str, str]:
    """The `key = value` pairs of a macro's or attribute's arguments (`name = "x", base = true`): a string
    literal's value, else the value as written."""
    values: dict[str, str] = {}
    if token_tree is None:
        return values
    tokens = token_tree.children[1:-1]
    for index, token in enumerate(tokens[:-2]):
        if token.type == "identifier" and tokens[index + 1].type == "=":
            value = tokens[index + 2]
            literal = string_value(value)
            values[text(token)] = literal if literal is not None else text(value)
    return values


def is_cfg_test(attribute_nodes: list[Node]) -> bool:
    for attribute in attribute_nodes:
        if attribute_path(attribute) == ("cfg",):
            args = field(attribute, "arguments")
            if args is not None and "test" in {text(t) for t in named(args, "identifier")}:
                return True
    return False


# --- types -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Ty:
    """A type term. kinds: `path` (as written, unresolved), `item` (a world item; `name` is its key), `absent`
    (an item of a platform crate the snapshot lacks; `name` is the path), `param` (a generic parameter),
    `self`, `std` (a standard-library type the checker models: Arc, Box, Option, Result, Vec, String...),
    `prim`, `ref`, `tuple`, `dyn`, `impl` (args: the traits), `slice`, `array`, `fn`, `future` (what an async
    fn returns; args: the output), `assoc` (an associated type binding `Name = T` inside generic arguments),
    `var` (an inference variable), `extern` (a type of sea-orm, which the snapshot lacks: external.py),
    `unknown`."""

    kind: str
    name: str = ""
    args: tuple[Ty, ...] = ()
    mut: bool = False

    def __str__(self) -> str:
        inner = ", ".join(str(a) for a in self.args)
        if self.kind in ("path", "item", "absent", "std", "param", "prim", "extern"):
            short = self.name.split("::")[-1] if self.kind == "item" else self.name
            return f"{short}<{inner}>" if self.args else short
        if self.kind == "ref":
            return f"&{'mut ' if self.mut else ''}{inner}"
        if self.kind in ("dyn", "impl"):
            return f"{self.kind} {' + '.join(str(a) for a in self.args)}"
        if self.kind == "tuple":
            return f"({inner})"
        if self.kind == "future":
            return f"impl Future<Output = {inner}>"
        if self.kind == "assoc":
            return f"{self.name} = {inner}"
        return self.kind if not self.name else f"{self.kind}:{self.name}"


UNKNOWN = Ty("unknown")
UNIT = Ty("tuple")
_vars = itertools.count()


def fresh() -> Ty:
    return Ty("var", str(next(_vars)))


def written_type(node: Node | None) -> Ty:
    """A type node as written: paths stay unresolved (`path` kind, segments joined by `::`)."""
    if node is None:
        return UNIT
    kind = node.type
    if kind == "primitive_type":
        return Ty("prim", text(node))
    if kind == "unit_type":
        return UNIT
    if kind in ("type_identifier", "scoped_type_identifier", "identifier", "scoped_identifier"):
        if text(node) == "_":
            return UNKNOWN
        return Ty("path", "::".join(path_segments(node)))
    if kind == "generic_type":
        return Ty("path", "::".join(path_segments(field(node, "type"))), _type_arguments(field(node, "type_arguments")))
    if kind == "reference_type":
        mutable = any(c.type == "mutable_specifier" for c in node.children)
        return Ty("ref", args=(written_type(field(node, "type")),), mut=mutable)
    if kind == "pointer_type":
        return UNKNOWN
    if kind == "tuple_type":
        return Ty("tuple", args=tuple(written_type(c) for c in node.named_children))
    if kind in ("dynamic_type", "abstract_type"):
        traits = field(node, "trait")
        bounds = named(traits, *_TYPE_NODES) if traits is not None and traits.type == "trait_bounds" else [traits]
        return Ty("dyn" if kind == "dynamic_type" else "impl", args=tuple(written_type(b) for b in bounds if b))
    if kind == "array_type":
        return Ty("array", args=(written_type(field(node, "element")),))
    if kind == "slice_type":
        return Ty("slice", args=(written_type(field(node, "element")),))
    if kind == "function_type":
        return Ty("fn")
    if kind == "never_type":
        return Ty("never")
    if kind == "bounded_type":
        return written_type(node.named_children[0]) if node.named_children else UNKNOWN
    if kind == "generic_type_with_turbofish":
        return Ty("path", "::".join(path_segments(field(node, "type"))), _type_arguments(field(node, "type_arguments")))
    return UNKNOWN


_TYPE_NODES = (
    "type_identifier",
    "scoped_type_identifier",
    "generic_type",
    "reference_type",
    "primitive_type",
    "tuple_type",
    "unit_type",
    "dynamic_type",
    "abstract_type",
    "array_type",
    "slice_type",
    "function_type",
    "higher_ranked_trait_bound",
)


def _type_arguments(node: Node | None) -> tuple[Ty, ...]:
    if node is None:
        return ()
    out: list[Ty] = []
    for child in node.named_children:
        if child.type in ("lifetime", "block", "integer_literal"):
            continue
        if child.type in ("type_binding", "assoc_type_binding"):
            out.append(Ty("assoc", text(field(child, "name")), (written_type(field(child, "type")),)))
            continue
        if child.type == "trait_bounds":
            continue
        out.append(written_type(child))
    return tuple(out)
