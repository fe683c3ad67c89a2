"""What the checker knows of sea-orm, which the platform builds on and the snapshot does not contain (the
workspace asks for `sea-orm = "1.1"`): only the facts a build break the template once had needs.

`ColumnTrait`'s comparisons (`Column::Id.eq(id)`) make a `SimpleExpr` (sea-orm 1.1, src/entity/column.rs),
and modkit-db's secure selects filter by a `sea_orm::Condition` (`.filter(Condition::all().add(expr))`, as
users-info writes it): passing the expression itself does not compile.
"""

from __future__ import annotations

from .syntax import Ty

# The ColumnTrait methods of sea-orm 1.1 that return a SimpleExpr.
COLUMN_COMPARISONS = frozenset(
    {
        "eq", "ne", "gt", "gte", "lt", "lte", "between", "not_between", "like", "not_like", "starts_with",
        "ends_with", "contains", "is_null", "is_not_null", "is_in", "is_not_in",
    }
)  # fmt: skip
SIMPLE_EXPR = Ty("extern", "sea_orm::sea_query::SimpleExpr")
# The sea-orm types a tracked signature may name, as written there, and the type each stands for.
NAMED = {"sea_orm::Condition": Ty("extern", "sea_orm::Condition")}


def column_comparison(name: str, imported: set[tuple[str, ...]]) -> Ty | None:
    """The type of `<unknown>.name(..)` where the module imports sea-orm's ColumnTrait, else None."""
    if name in COLUMN_COMPARISONS and ("sea_orm", "ColumnTrait") in imported:
        return SIMPLE_EXPR
    return None


def written(ty: Ty) -> Ty | None:
    """The sea-orm type a parameter is written as (`sea_orm::Condition`), else None."""
    while ty.kind == "ref" and ty.args:
        ty = ty.args[0]
    return NAMED.get(ty.name) if ty.kind == "path" else None
