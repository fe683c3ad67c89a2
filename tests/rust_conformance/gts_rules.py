"""The rules `#[struct_to_gts_schema]` enforces at compile time (gts-macros 0.8.1), applied to a struct.

The field names it accepts as id or type fields are read from the macro's `ID_FIELD_NAMES` and
`TYPE_FIELD_NAMES` constants; the rules come from its validators, which must still exist in the snapshot's
source under these names (otherwise the check says the macro changed): `validate_field_types` (a base
struct's id field is a `GtsInstanceId`, or its type field a `GtsSchemaId`), `has_serde_derives` (a nested
struct derives neither `Serialize` nor `Deserialize`), `validate_version_match` (the struct's `V<n>` suffix
is the schema's version), `validate_base_segments` (`base = true` has one segment, `base = Parent` more,
and the parent's schema id starts this one).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from . import gtsid, macros, syntax
from .syntax import Node
from .syntax import field as node_field

if TYPE_CHECKING:
    from .check import Checker
    from .index import Item

VALIDATORS = ("validate_field_types", "has_serde_derives", "validate_version_match", "validate_base_segments")


def check_gts_struct(checker: Checker, item: Item, attribute: Node, macro: Item, env) -> list[tuple[Node, str]]:
    problems: list[tuple[Node, str]] = []
    defined = {name for module in macro.crate.modules.values() for name in module.items}
    gone = [name for name in VALIDATORS if name not in defined]
    if gone:
        return [(attribute, f"gts-macros no longer has {', '.join(gone)}; revisit rust_conformance.gts_rules")]
    modules = macro.crate.modules.values()
    id_fields = set(macros.const_strings(modules, "ID_FIELD_NAMES"))
    type_fields = set(macros.const_strings(modules, "TYPE_FIELD_NAMES"))
    values = _args(attribute)
    schema_id = values.get("schema_id", "")
    base = values.get("base", "")
    problem = gtsid.id_error(schema_id)
    if problem or not schema_id.endswith("~"):
        problems.append((attribute, f"schema_id '{schema_id}' is not a GTS type id: {problem or 'it must end with ~'}"))
    fields = item.fields()
    field_types = {name: ty.name.split("::")[-1] for name, ty in (fields or {}).items()}
    properties = [p.strip() for p in values.get("properties", "").split(",") if p.strip()]
    if fields is None and properties:
        problems.append((attribute, f'`{item.name}` has no named fields, so properties must be ""'))
    for prop in properties:
        if prop not in field_types:
            problems.append((attribute, f"property '{prop}' is not a field of `{item.name}`"))
    segments = gtsid.segment_count(schema_id)
    if base == "true":
        if segments != 1:
            problems.append((attribute, f"base = true needs a one-segment schema_id, '{schema_id}' has {segments}"))
        ids = [n for n in field_types if n in id_fields]
        types = [n for n in field_types if n in type_fields]
        good_id = any(field_types[n] == "GtsInstanceId" for n in ids)
        good_type = any(field_types[n] == "GtsSchemaId" for n in types)
        if good_id == good_type:
            found = ", ".join(f"{n}: {field_types[n]}" for n in ids + types) or "none"
            problems.append(
                (
                    attribute,
                    f"a base GTS struct needs an id field ({', '.join(sorted(id_fields))}) of type GtsInstanceId "
                    f"or a type field of type GtsSchemaId, not both (found {found})",
                )
            )
    elif base:
        if segments < 2:
            problems.append(
                (attribute, f"base = {base} needs a schema_id with a parent segment, '{schema_id}' has {segments}")
            )
        if _derives_serde(item):
            problems.append(
                (
                    attribute,
                    f"`{item.name}` extends {base}: a nested GTS struct must not derive Serialize or Deserialize",
                )
            )
        parent = checker.resolver.resolve_path(item.module, (base,))
        if parent.kind == "item" and parent.item is not None:
            parent_id = _schema_id_of(parent.item)
            if parent_id and not schema_id.startswith(parent_id):
                problems.append((attribute, f"schema_id '{schema_id}' does not extend {base}'s '{parent_id}'"))
        elif parent.kind == "missing":
            problems.append((attribute, f"base `{base}` is not in scope"))
    else:
        problems.append((attribute, "struct_to_gts_schema needs base = true or base = ParentStruct"))
    version = re.search(r"V(\d+)(?:_(\d+))?$", item.name)
    schema_version = re.search(r"\.v(\d+)(?:\.(\d+))?~$", schema_id)
    if not version or not schema_version or version.groups() != schema_version.groups():
        problems.append(
            (
                attribute,
                f"`{item.name}` and schema_id '{schema_id}' must carry the same version (e.g. FooV1 with ...v1~)",
            )
        )
    return problems


def _args(attribute: Node) -> dict[str, str]:
    return syntax.key_values(node_field(attribute, "arguments"))


def _derives_serde(item: Item) -> bool:
    return any(segments[-1] in ("Serialize", "Deserialize") for segments, _ in syntax.derive_paths(item.attrs))


def _schema_id_of(item: Item) -> str:
    for attribute in item.attrs:
        if syntax.attribute_path(attribute)[-1:] == ("struct_to_gts_schema",):
            return _args(attribute).get("schema_id", "")
    return ""
