"""The platform's dylint lints (`dylint_lints/` in the snapshot) whose condition shows in the source, re-read
from their code and run on tree-sitter's syntax tree.

Each function below mirrors one lint's `check_item`/`check_expr` (the docstring names what it looks at) and
returns the lines it would report. `run_ui_tests` runs them on the lints' own UI tests (`ui/*.rs` with the
`.stderr` rustc prints) and compares the reported lines, so a lint that changes upstream, or a reading
of it that is wrong, fails the test. The lints left out need the compiler's type information (DE0110 and
DE0902 look for `schema_for!` on a type that has GTS methods); the test lists them with that reason.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from . import gtsid, syntax
from .syntax import Node, named, text
from .syntax import field as node_field


@dataclass
class FileContext:
    path: str  # the path the lint sees (a UI test's simulated_dir, else the file's path), '/'-separated
    root: Node
    sdk: bool  # `is_in_sdk_crate`: the crate name ends in -sdk/_sdk, the path has -sdk/, or a temp path
    proc_macro: bool = False
    allowed: set[str] = field(default_factory=set)  # lint names allowed on the file's module and its parents
    ui: bool = False  # one of the lints' UI tests (dylint compiles them from a temporary directory)

    def under(self, fragment: str) -> bool:
        return fragment in self.path


Report = tuple[int, str]
LINTS: dict[str, tuple[str, Callable[[FileContext], Iterator[Report]]]] = {}


def lint(code: str, name: str):
    def register(function):
        LINTS[code] = (name, function)
        return function

    return register


# --- helpers ----------------------------------------------------------------------------------------------
ITEM_KINDS = ("use_declaration", "extern_crate_declaration")


def items(root: Node, kinds: tuple[str, ...] | None = None) -> Iterator[Node]:
    """Every item node (at any depth: modules, functions and blocks hold items too)."""
    for node in syntax.walk(root):
        is_item = node.type.endswith("_item") or node.type in ITEM_KINDS
        if (
            is_item
            and node.type not in ("attribute_item", "inner_attribute_item")
            and (kinds is None or node.type in kinds)
        ):
            yield node


def allowed_here(node: Node, name: str, context: FileContext) -> bool:
    """`#[allow(name)]` on the item or an enclosing item, or `#![allow(name)]` on its module."""
    if name in context.allowed:
        return True
    current: Node | None = node
    while current is not None:
        for attribute in syntax.attributes(current) if current.type.endswith("_item") else []:
            if syntax.attribute_path(attribute) in (("allow",), ("expect",)) and name in text(attribute):
                return True
        if current.type in ("source_file", "declaration_list"):
            for inner in named(current, "inner_attribute_item"):
                if "allow" in text(inner) and name in text(inner):
                    return True
        current = current.parent
    return False


def item_name(node: Node) -> str:
    return text(node_field(node, "name"))


def has_attribute(node: Node, last: str, qualified: tuple[str, ...] = ()) -> bool:
    for attribute in syntax.attributes(node):
        path = syntax.attribute_path(attribute)
        if path[-1:] == (last,) and (not qualified or len(path) == 1 or path[-2] in qualified):
            return True
    return False


def derives(node: Node) -> list[tuple[tuple[str, ...], Node]]:
    return syntax.derive_paths(syntax.attributes(node))


def is_serde(segments: tuple[str, ...], trait: str) -> bool:
    return segments[-1] == trait and (len(segments) == 1 or "serde" in segments)


def is_utoipa(segments: tuple[str, ...], trait: str) -> bool:
    return segments[-1] == trait and (len(segments) == 1 or "utoipa" in segments)


def use_paths(node: Node) -> list[str]:
    """`use_tree_to_strings`: each leaf as `a::b::c`; a glob as its prefix."""
    from .index import _use_paths

    return ["::".join(p for p in path if p) for path, _, _ in _use_paths(node_field(node, "argument"), ())]


def type_paths(ty: Node | None) -> Iterator[tuple[str, Node]]:
    """The paths a type mentions, as the lints walk them: the path, its generic arguments, references,
    slices, arrays, tuples, and the traits of `dyn` and `impl`."""
    if ty is None:
        return
    kind = ty.type
    if kind in ("type_identifier", "scoped_type_identifier", "generic_type"):
        yield "::".join(syntax.path_segments(ty)), ty
        for argument in named(node_field(ty, "type_arguments")):
            yield from type_paths(argument)
    elif kind in ("reference_type", "pointer_type", "array_type", "slice_type"):
        yield from type_paths(node_field(ty, "type") or node_field(ty, "element"))
    elif kind in ("tuple_type", "bounded_type"):  # `(A, B)`; `impl A + B` parses as a bounded type
        for child in ty.named_children:
            if child.type in ("scoped_type_identifier", "type_identifier", "generic_type") and kind == "bounded_type":
                yield "::".join(syntax.path_segments(child)), ty
            else:
                yield from type_paths(child)
    elif kind in ("dynamic_type", "abstract_type"):
        bounds = node_field(ty, "trait")
        for bound in named(bounds) if bounds is not None and bounds.type == "trait_bounds" else [bounds]:
            if bound is not None:
                yield "::".join(syntax.path_segments(bound)), ty


def checked_types(item: Node) -> Iterator[Node]:
    """The type positions the domain lints inspect: struct and variant fields, a free function's parameters
    and return type, a type alias."""
    kind = item.type
    if kind in ("struct_item", "enum_item"):
        for declaration in syntax.walk(node_field(item, "body") or item):
            if declaration.type == "field_declaration":
                yield node_field(declaration, "type")
            elif declaration.type == "ordered_field_declaration_list":
                yield from (
                    c for c in declaration.named_children if c.type not in ("attribute_item", "visibility_modifier")
                )
    elif kind == "function_item" and _is_free_fn(item):
        for parameter in named(node_field(item, "parameters"), "parameter"):
            yield node_field(parameter, "type")
        if node_field(item, "return_type") is not None:
            yield node_field(item, "return_type")
    elif kind == "type_item":
        yield node_field(item, "type")


def _is_free_fn(item: Node) -> bool:
    parent = item.parent
    return (
        parent is None
        or parent.type != "declaration_list"
        or parent.parent is None
        or parent.parent.type not in ("impl_item", "trait_item")
    )


def _pattern_match(path: str, patterns: tuple[str, ...]) -> str | None:
    for pattern in patterns:
        if "::" in pattern:
            if path.startswith(pattern):
                return pattern
        elif path == pattern or path.startswith(f"{pattern}::"):
            return pattern
    return None


# --- DE01: contract layer ---------------------------------------------------------------------------------
@lint("DE0101", "de0101_no_serde_in_contract")
def de0101(context: FileContext) -> Iterator[Report]:
    """Structs and enums under /contract/ derive neither Serialize nor Deserialize (reported on the derive)."""
    if not context.under("/contract/"):
        return
    for item in items(context.root, ("struct_item", "enum_item")):
        for segments, attribute in derives(item):
            if is_serde(segments, "Serialize") or is_serde(segments, "Deserialize"):
                yield syntax.line(attribute), f"contract type derives `{segments[-1]}`"


@lint("DE0102", "de0102_no_toschema_in_contract")
def de0102(context: FileContext) -> Iterator[Report]:
    """Structs and enums under /contract/ do not derive ToSchema."""
    if not context.under("/contract/"):
        return
    for item in items(context.root, ("struct_item", "enum_item")):
        for segments, attribute in derives(item):
            if is_utoipa(segments, "ToSchema"):
                yield syntax.line(attribute), "contract type derives `ToSchema`"


HTTP_TYPE_PATTERNS = (
    "axum::http",
    "http::StatusCode",
    "http::Method",
    "http::HeaderMap",
    "http::HeaderName",
    "http::HeaderValue",
    "http::Request",
    "http::Response",
    "hyper::StatusCode",
    "hyper::Method",
)


@lint("DE0103", "de0103_no_http_types_in_contract")
def de0103(context: FileContext) -> Iterator[Report]:
    """`use` items under /contract/ whose path (first leaf of a nested list) contains an HTTP type."""
    if not context.under("/contract/"):
        return
    for item in items(context.root, ("use_declaration",)):
        path = _first_leaf(node_field(item, "argument"))
        if any(pattern in path for pattern in HTTP_TYPE_PATTERNS):
            yield syntax.line(item), "contract module imports an HTTP type"


def _first_leaf(node: Node | None, prefix: str = "") -> str:
    if node is None:
        return prefix
    if node.type in ("scoped_use_list",):
        head = "::".join(syntax.path_segments(node_field(node, "path")))
        base = f"{prefix}::{head}" if prefix else head
        for child in named(node_field(node, "list")):
            leaf = _first_leaf(child, "")
            if leaf:
                return f"{base}::{leaf}"
        return base
    segments = "::".join(syntax.path_segments(node_field(node, "path") if node.type == "use_as_clause" else node))
    return f"{prefix}::{segments}" if prefix else segments


@lint("DE0104", "de0104_no_api_dto_in_contract")
def de0104(context: FileContext) -> Iterator[Report]:
    """Structs and enums under /contract/ do not use `api_dto`."""
    if not context.under("/contract/"):
        return
    for item in items(context.root, ("struct_item", "enum_item")):
        for attribute in syntax.attributes(item):
            path = syntax.attribute_path(attribute)
            if path == ("api_dto",) or path[-2:] == ("modkit_macros", "api_dto"):
                yield syntax.line(attribute), "contract type uses `api_dto`"


# --- DE02: API layer --------------------------------------------------------------------------------------
def _dtos(context: FileContext) -> Iterator[Node]:
    for item in items(context.root, ("struct_item", "enum_item")):
        if item_name(item).lower().endswith("dto"):
            yield item


@lint("DE0201", "de0201_dtos_only_in_api_rest")
def de0201(context: FileContext) -> Iterator[Report]:
    """A type named `*Dto` is defined under /api/rest/."""
    if context.under("/api/rest/"):
        return
    for item in _dtos(context):
        yield syntax.line(item), f"DTO `{item_name(item)}` outside api/rest"


@lint("DE0202", "de0202_dtos_not_referenced_outside_api")
def de0202(context: FileContext) -> Iterator[Report]:
    """contract/, domain/ and infra/ do not import `*Dto`/`*Request`/`*Response`/`*Query` from api::rest."""
    if not any(context.under(part) for part in ("/contract/", "/domain/", "/infra/")):
        return
    for item in items(context.root, ("use_declaration",)):
        for path in use_paths(item):
            if "api::rest" not in path:
                continue
            last = path.split("::")[-1]
            if last.endswith(("Dto", "Request", "Response", "Query")):
                yield syntax.line(item), f"imports DTO `{last}` from the API layer"


def _has_api_dto(item: Node) -> bool:
    return any(syntax.attribute_path(a)[-1:] == ("api_dto",) for a in syntax.attributes(item))


@lint("DE0203", "de0203_dtos_must_use_api_dto")
def de0203(context: FileContext) -> Iterator[Report]:
    """A `*Dto` type under /api/rest/ carries `#[api_dto(..)]`."""
    if not context.under("/api/rest/"):
        return
    for item in _dtos(context):
        if not _has_api_dto(item):
            yield syntax.line(item), f"`{item_name(item)}` does not use api_dto"


@lint("DE0204", "de0204_dtos_must_have_toschema_derive")
def de0204(context: FileContext) -> Iterator[Report]:
    """A `*Dto` type derives ToSchema or uses `api_dto` (which derives it)."""
    for item in _dtos(context):
        if not _has_api_dto(item) and not any(is_utoipa(s, "ToSchema") for s, _ in derives(item)):
            yield syntax.line(item), f"`{item_name(item)}` lacks ToSchema"


# --- DE03: domain layer -----------------------------------------------------------------------------------
INFRA_PATTERNS = (
    "crate::infra",
    "crate::infrastructure",
    "sea_orm",
    "sqlx",
    "modkit_db",
    "modkit_db_macros",
    "modkit_transport_grpc",
    "axum",
    "hyper",
    "http",
    "crate::api",
    "reqwest",
    "tonic",
    "std::fs",
    "tokio::fs",
)
HTTP_PATTERNS = ("http", "axum", "hyper")


def _domain_paths(context: FileContext, patterns: tuple[str, ...], name: str) -> Iterator[Report]:
    if not context.under("/domain/") or context.under("/contract/"):
        return
    for item in items(context.root):
        if allowed_here(item, name, context):
            continue
        if item.type == "use_declaration":
            if any(_pattern_match(p, patterns) for p in use_paths(item)):
                yield syntax.line(item), "domain imports infrastructure"
            continue
        for ty in checked_types(item):
            for path, node in type_paths(ty):
                if _pattern_match(path, patterns):
                    yield syntax.line(node), f"domain uses `{path}`"
                    break


@lint("DE0301", "de0301_no_infra_in_domain")
def de0301(context: FileContext) -> Iterator[Report]:
    """Under /domain/: no `use` of, and no field, free-fn signature or alias type from, infrastructure
    (crate::infra, crate::api, sea_orm, sqlx, modkit_db, axum, http, ...)."""
    yield from _domain_paths(context, INFRA_PATTERNS, "de0301_no_infra_in_domain")


@lint("DE0308", "de0308_no_http_in_domain")
def de0308(context: FileContext) -> Iterator[Report]:
    """Under /domain/: nothing from http, axum or hyper, in the same positions as DE0301."""
    yield from _domain_paths(context, HTTP_PATTERNS, "de0308_no_http_in_domain")


@lint("DE0309", "de0309_must_have_domain_model")
def de0309(context: FileContext) -> Iterator[Report]:
    """Every struct and enum under /domain/ carries `#[domain_model]`."""
    if not context.under("/domain/"):
        return
    for item in items(context.root, ("struct_item", "enum_item")):
        if not has_attribute(item, "domain_model") and not allowed_here(item, "de0309_must_have_domain_model", context):
            yield syntax.line(item), f"`{item_name(item)}` lacks #[domain_model]"


# --- DE05: client layer -----------------------------------------------------------------------------------
VERSION_RE = re.compile(r"^(?P<base>.*?)(?:V(?P<version>[1-9]\d*)|V0\d*|(?P<digits>\d+)|V)?$")


def version_parts(name: str) -> tuple[str, bool]:
    """`parse_version_suffix`: the base name and whether a valid `V<n>` suffix follows it."""
    digits = len(name) - len(name.rstrip("0123456789"))
    if digits == 0:
        return (name[:-1], False) if len(name) > 1 and name.endswith("V") else (name, False)
    start = len(name) - digits
    if start > 0 and name[start - 1] == "V":
        return name[: start - 1], not name[start:].startswith("0")
    return name[:start], False


@lint("DE0503", "de0503_plugin_client_suffix")
def de0503(context: FileContext) -> Iterator[Report]:
    """In an SDK crate, traits are not named `*PluginApi` or `*Api` after a plugin/client name."""
    if not context.sdk:
        return
    for item in items(context.root, ("trait_item",)):
        base, _ = version_parts(item_name(item))
        if base.endswith("PluginApi"):
            yield syntax.line(item), "plugin trait ends in PluginApi"
        elif base.endswith("Api"):
            stem = base[: -len("Api")]
            if (stem.endswith("Plugin") or "plugin" in base.lower()) and not stem.endswith("Client"):
                yield syntax.line(item), "plugin trait ends in Api"
            elif stem.endswith("Client"):
                yield syntax.line(item), "client trait ends in ClientApi"


@lint("DE0504", "de0504_client_versioning")
def de0504(context: FileContext) -> Iterator[Report]:
    """In an SDK crate outside modules/system/, a trait whose base name ends in `Client` has a `V<n>`."""
    if not context.sdk or (context.under("modules/system/") and not context.ui):
        return
    for item in items(context.root, ("trait_item",)):
        base, versioned = version_parts(item_name(item))
        if base.endswith("Client") and not versioned:
            yield syntax.line(item), f"`{item_name(item)}` has no version suffix"


# --- DE07: security ---------------------------------------------------------------------------------------
@lint("DE0706", "de0706_no_direct_sqlx")
def de0706(context: FileContext) -> Iterator[Report]:
    """No `sqlx` imports, `extern crate sqlx`, or sqlx types in fields, free-fn signatures or aliases."""
    if any(
        context.under(p)
        for p in ("libs/modkit-db/", "modkit-db/src/", "apps/hyperspot-server/", "hyperspot-server/src/", "/contract/")
    ):
        return
    for item in items(context.root):
        if item.type == "use_declaration":
            if any(p == "sqlx" or p.startswith("sqlx::") for p in use_paths(item)):
                yield syntax.line(item), "imports sqlx"
        elif item.type == "extern_crate_declaration":
            if "sqlx" in {text(c) for c in named(item, "identifier")}:
                yield syntax.line(item), "extern crate sqlx"
        else:
            for ty in checked_types(item):
                for path, node in type_paths(ty):
                    if path == "sqlx" or path.startswith("sqlx::"):
                        yield syntax.line(node), f"uses `{path}`"
                        break


# --- DE08: REST conventions -------------------------------------------------------------------------------
HTTP_METHODS = ("get", "post", "put", "delete", "patch")
KEBAB = re.compile(r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?|[a-z0-9]")


def api_path_error(path: str) -> str:
    """`validate_api_path`: /{service}/v{N}/{resource}[/{param}|/{resource}...], kebab-case."""
    segments = [s for s in path.split("/") if s]
    if not segments or re.fullmatch(r"v\d+", segments[0]):
        return "missing service name"
    if not KEBAB.fullmatch(segments[0]):
        return f"service name `{segments[0]}` is not kebab-case"
    if len(segments) < 2 or not re.fullmatch(r"v\d+", segments[1]):
        return "missing or invalid version segment"
    if len(segments) < 3:
        return "missing resource"
    for segment in segments[2:]:
        if not (segment.startswith("{") and segment.endswith("}")) and not KEBAB.fullmatch(segment):
            return f"resource `{segment}` is not kebab-case"
    return ""


def _operation_builder_calls(root: Node) -> Iterator[tuple[str, Node]]:
    for call in syntax.walk(root):
        if call.type != "call_expression":
            continue
        segments = syntax.path_segments(node_field(call, "function"))
        if len(segments) >= 2 and "OperationBuilder" in segments and segments[-1] in HTTP_METHODS:
            yield segments[-1], call


@lint("DE0801", "de0801_api_endpoint_version")
def de0801(context: FileContext) -> Iterator[Report]:
    """`OperationBuilder::<method>("literal")` paths follow /{service-name}/v{N}/{resource}."""
    for _, call in _operation_builder_calls(context.root):
        arguments = named(node_field(call, "arguments"))
        value = syntax.string_value(arguments[0]) if arguments else None
        if value is not None:
            problem = api_path_error(value)
            if problem:
                yield syntax.line(arguments[0]), f"endpoint `{value}`: {problem}"


ODATA_PARAMS = ("$filter", "$orderby", "$select", "$top", "$skip", "$count")


@lint("DE0802", "de0802_use_odata_ext")
def de0802(context: FileContext) -> Iterator[Report]:
    """`.query_param(_typed)("$filter"|...)` on an OperationBuilder chain: use the OData extension methods."""
    for call in syntax.walk(context.root):
        callee = node_field(call, "function") if call.type == "call_expression" else None
        if callee is None or callee.type != "field_expression":
            continue
        if text(node_field(callee, "field")) not in ("query_param", "query_param_typed"):
            continue
        if not _builder_chain(node_field(callee, "value")):
            continue
        arguments = named(node_field(call, "arguments"))
        if arguments and syntax.string_value(arguments[0]) in ODATA_PARAMS:
            yield syntax.line(arguments[0]), "OData parameter through query_param"


def _builder_chain(node: Node | None) -> bool:
    while node is not None:
        if node.type == "call_expression":
            callee = node_field(node, "function")
            if callee is not None and callee.type == "field_expression":
                node = node_field(callee, "value")
                continue
            return "OperationBuilder" in syntax.path_segments(callee)
        return node.type in ("scoped_identifier", "identifier") and "OperationBuilder" in syntax.path_segments(node)
    return False


SNAKE = re.compile(r"[a-z0-9]+(?:_[a-z0-9]+)*")


@lint("DE0803", "de0803_api_snake_case")
def de0803(context: FileContext) -> Iterator[Report]:
    """Under /api/rest/: `serde(rename_all)` is snake_case, field names (or their renames) and variant
    renames are snake_case."""
    if not context.under("/api/rest/"):
        return
    for item in items(context.root, ("struct_item", "enum_item")):
        for attribute in syntax.attributes(item):
            for value_line, value in _serde_values(attribute, "rename_all"):
                if value != "snake_case":
                    yield value_line, "rename_all is not snake_case"
        for declaration in syntax.walk(node_field(item, "body") or item):
            if declaration.type == "field_declaration":
                renames = [v for a in syntax.attributes(declaration) for v in _serde_values(a, "rename")]
                name = text(node_field(declaration, "name"))
                if not renames and not SNAKE.fullmatch(name.removeprefix("r#")):
                    yield syntax.line(declaration), f"field `{name}` is not snake_case"
                for value_line, value in renames:
                    if not SNAKE.fullmatch(value):
                        yield value_line, f"field rename `{value}` is not snake_case"
            elif declaration.type == "enum_variant":
                for attribute in syntax.attributes(declaration):
                    for value_line, value in _serde_values(attribute, "rename"):
                        if not SNAKE.fullmatch(value):
                            yield value_line, f"variant rename `{value}` is not snake_case"


def _serde_values(attribute: Node, key: str) -> list[tuple[int, str]]:
    if syntax.attribute_path(attribute) != ("serde",):
        return []
    args = node_field(attribute, "arguments")
    if args is None:
        return []
    out = []
    tokens = args.children
    for index, token in enumerate(tokens):
        if token.type == "identifier" and text(token) == key and index + 2 < len(tokens):
            if tokens[index + 1].type == "=" and tokens[index + 2].type == "string_literal":
                out.append((syntax.line(tokens[index + 2]), syntax.string_value(tokens[index + 2]) or ""))
            elif tokens[index + 1].type == "token_tree":
                for literal in named(tokens[index + 1], "string_literal"):
                    out.append((syntax.line(literal), syntax.string_value(literal) or ""))
    return out


# --- DE09: GTS ----------------------------------------------------------------------------------------------
@lint("DE0901", "de0901_gts_string_pattern")
def de0901(context: FileContext) -> Iterator[Report]:
    """GTS ids in string literals are valid (`gts.`-prefixed strings; the GTS part of `a:gts...:b`
    permission strings, wildcards allowed; `resource_pattern`/`with_pattern` arguments, wildcards allowed;
    not inside `starts_with`), `gts_make_instance_id("...")` gets one valid segment, and
    `#[struct_to_gts_schema(schema_id = "...")]` is a type id."""
    skipped: set[int] = set()
    wildcard_args: set[int] = set()
    for node in syntax.walk(context.root):
        if node.type == "call_expression":
            callee = node_field(node, "function")
            name = text(node_field(callee, "field")) if callee is not None and callee.type == "field_expression" else ""
            for argument in named(node_field(node, "arguments")):
                if name == "starts_with":
                    skipped.add(argument.id)
                elif name in ("resource_pattern", "with_pattern"):
                    wildcard_args.add(argument.id)
            if name == "starts_with" and callee is not None:
                skipped.add(node_field(callee, "value").id)
            head = syntax.path_segments(callee) if callee is not None and callee.type != "field_expression" else ()
            arguments = named(node_field(node, "arguments"))
            if head[-1:] == ("gts_make_instance_id",) and len(arguments) == 1:
                value = syntax.string_value(arguments[0])
                if value is not None:
                    skipped.add(arguments[0].id)
                    problem = _segment_problem(value.strip())
                    if problem:
                        yield syntax.line(node), problem
    for node in syntax.walk(context.root):
        if node.type == "attribute" and syntax.attribute_path(node) == ("struct_to_gts_schema",):
            args = node_field(node, "arguments")
            tokens = args.children if args is not None else []
            for index, token in enumerate(tokens[:-2]):
                if token.type == "identifier" and text(token) == "schema_id" and tokens[index + 1].type == "=":
                    value = (syntax.string_value(tokens[index + 2]) or "").strip()
                    problem = "wildcards are not allowed in schema_id" if "*" in value else gtsid.id_error(value)
                    if not problem and not value.endswith("~"):
                        problem = "schema_id must be a type (end with ~)"
                    if problem:
                        yield syntax.line(token), f"schema_id '{value}': {problem}"
            continue
        if node.type not in ("string_literal", "raw_string_literal") or node.id in skipped:
            continue
        if _inside_attribute(node):
            continue
        value = (syntax.string_value(node) or "").strip()
        wildcards = node.id in wildcard_args
        if value.startswith("gts."):
            problem = ("wildcards are not allowed" if "*" in value and not wildcards else "") or gtsid.id_error(
                value, allow_wildcard=wildcards
            )
            if problem:
                yield syntax.line(node), f"'{value}': {problem}"
        elif ":" in value:
            part = next((p.strip() for p in value.split(":") if p.strip().startswith("gts.")), None)
            if part is not None:
                problem = gtsid.id_error(part, allow_wildcard=True)
                if problem:
                    yield syntax.line(node), f"'{part}' in a permission string: {problem}"


def _segment_problem(value: str) -> str:
    if "~" in value or ":" in value:
        return f"gts_make_instance_id expects a single GTS segment, got '{value}'"
    if "*" in value:
        return f"wildcards are not allowed in instance id segments: '{value}'"
    problem = gtsid.segment_error(value)
    return f"invalid GTS segment '{value}': {problem}" if problem else ""


def _inside_attribute(node: Node) -> bool:
    current = node.parent
    while current is not None:
        if current.type in ("attribute", "attribute_item", "inner_attribute_item"):
            return True
        current = current.parent
    return False


# --- DE13: common patterns --------------------------------------------------------------------------------
FORBIDDEN_MACROS = ("println", "eprintln", "print", "eprint", "dbg")


@lint("DE1301", "de1301_no_print_macros")
def de1301(context: FileContext) -> Iterator[Report]:
    """No print/dbg macros outside tests (`#[test]`, `#[..::test]`, `#[cfg(test)]` items), build.rs, apps/,
    and (in proc-macro crates) private or proc-macro functions."""
    if context.path.endswith("/build.rs") or context.path.startswith("apps/") or "/apps/" in context.path:
        return
    for node in syntax.walk(context.root):
        if node.type != "macro_invocation":
            continue
        name = syntax.path_segments(node_field(node, "macro"))[-1:]
        if not name or name[0] not in FORBIDDEN_MACROS or _test_context(node, context):
            continue
        yield syntax.line(node), f"`{name[0]}!` in production code"


def _test_context(node: Node, context: FileContext) -> bool:
    current = node.parent
    while current is not None:
        if current.type.endswith("_item"):
            attrs = syntax.attributes(current)
            if any(syntax.attribute_path(a)[-1:] == ("test",) for a in attrs) or syntax.is_cfg_test(attrs):
                return True
            if context.proc_macro and current.type == "function_item":
                private = not any(c.type == "visibility_modifier" for c in current.children)
                macro_attr = any(
                    syntax.attribute_path(a)[-1:]
                    in (("proc_macro",), ("proc_macro_attribute",), ("proc_macro_derive",))
                    for a in attrs
                )
                if private or macro_attr:
                    return True
        current = current.parent
    return False


# --- running -----------------------------------------------------------------------------------------------
NOT_CHECKED = {
    "DE0110": "finds schema_for! on types that have GTS schema methods, which takes the compiler's type information",
    "DE0902": "finds schema_for! on types that have GTS schema methods, which takes the compiler's type information",
}


def run(context: FileContext, codes: tuple[str, ...] | None = None) -> list[tuple[str, int, str]]:
    found = []
    for code, (name, function) in LINTS.items():
        if codes is not None and code not in codes:
            continue
        if name in context.allowed:
            continue
        for line_number, message in function(context):
            found.append((code, line_number, message))
    return found


UI_ERROR = re.compile(r"^error: .*\((DE\d{4})\)\s*$")
UI_WHERE = re.compile(r"^\s*--> \$DIR/(?P<file>[^:]+):(?P<line>\d+):\d+")


def ui_expectations(stderr: Path) -> set[tuple[str, int]]:
    expected = set()
    code = None
    for line in stderr.read_text(encoding="utf-8").splitlines():
        match = UI_ERROR.match(line)
        if match:
            code = match.group(1)
            continue
        where = UI_WHERE.match(line)
        if where and code:
            expected.add((code, int(where.group("line"))))
            code = None
    return expected


def ui_context(file: Path, proc_macro: bool = False) -> FileContext:
    source = file.read_bytes()
    first = source.split(b"\n", 1)[0].decode("utf-8", "replace").strip()
    simulated = first.removeprefix("// simulated_dir=") if first.startswith("// simulated_dir=") else ""
    path = simulated or f"/tmp/ui/{file.name}"
    root = syntax.parse(source).root_node
    allowed = {
        word
        for inner in named(root, "inner_attribute_item")
        if "allow" in text(inner)
        for word in re.findall(r"de\d{4}_\w+", text(inner))
    }
    return FileContext(path=path, root=root, sdk=True, proc_macro=proc_macro, allowed=allowed, ui=True)


def lint_crate(crate, monorepo: Path) -> list[tuple[str, int, str, str]]:
    """Every lint finding in a crate of the index (`index.Crate`): (file relative to `monorepo`, line, code,
    message). The path a lint sees is the file's path from the monorepo root; `#![allow(..)]` on a module
    covers its children, as rustc's lint levels do. Files of `#[cfg(test)] mod x;` are left out, as `make
    dylint` (`cargo dylint --all --workspace`, library targets) never loads them; the reference modules'
    tests would not pass otherwise either (simple-user-settings' PDP stub in domain/ lacks #[domain_model])."""
    found = []
    for module in crate.modules.values():
        if module.node.type != "source_file" or module.cfg_test:
            continue  # inline modules are read with their file
        allowed: set[str] = set()
        current = module
        while current is not None:
            for attribute in current.inner_attrs:
                if syntax.attribute_path(attribute) in (("allow",), ("expect",)):
                    allowed |= set(re.findall(r"de\d{4}_\w+", text(attribute)))
            current = current.parent
        relative = module.file.relative_to(monorepo).as_posix()
        context = FileContext(
            path="/" + relative,
            root=module.node,
            sdk=crate.name.endswith("_sdk") or "-sdk/" in relative,
            proc_macro=crate.proc_macro,
            allowed=allowed,
        )
        found += [(relative, line, code, message) for code, line, message in run(context)]
    return sorted(found)
