"""Where the modforge copier template is, and what it asks.

modforge's repository is itself the template (copier.yml at its root, `src/` beside it), so an
editable or source install finds it two levels above this package.
"""

from __future__ import annotations

from pathlib import Path

from modforge.errors import ModforgeError

REPO_ROOT = Path(__file__).resolve().parents[3]
TEMPLATE_CONFIG = "copier.yml"


def locate(explicit: str | None = None) -> str:
    """The template's path or URL: `explicit` when given, else the checkout modforge runs from."""
    if explicit:
        return explicit if "://" in explicit or explicit.startswith("gh:") else str(Path(explicit).resolve())
    if (REPO_ROOT / TEMPLATE_CONFIG).is_file():
        return str(REPO_ROOT)
    raise ModforgeError(
        "the modforge template is not next to this installation; pass --template PATH_OR_URL "
        "(a clone of the modforge repository)"
    )


def question_names(source: str) -> set[str]:
    """The questions a user may answer with --data (computed names excluded)."""
    config = Path(source) / TEMPLATE_CONFIG
    if not config.is_file():
        return set()  # a remote template: copier itself will judge the answers
    import yaml

    try:
        data = yaml.safe_load(config.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as error:
        raise ModforgeError(f"cannot read {config}: {error}") from None
    return {
        name
        for name, spec in data.items()
        if not name.startswith("_") and not (isinstance(spec, dict) and spec.get("when") is False)
    }
