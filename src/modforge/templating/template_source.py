"""Where the modforge copier template is, and what it asks.

modforge's repository is itself the template (copier.yml at its root, `src/` beside it), so an
editable or source install finds it two levels above this package.
"""

from __future__ import annotations

from pathlib import Path

from modforge.errors import ModforgeError

REPO_ROOT = Path(__file__).resolve().parents[3]
TEMPLATE_CONFIG = "copier.yml"
MODFORGE_QUESTIONS = ("module_name", "id_prefix")  # what every modforge template asks, and no other


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


def questions(source: str) -> dict[str, dict]:
    """The questions of the local template at `source` a user may answer with --data (computed names
    excluded), each with its copier.yml entry; {} for a remote template (copier itself then judges answers)."""
    config = Path(source) / TEMPLATE_CONFIG
    if not config.is_file():
        return {}
    import yaml

    try:
        data = yaml.load(config.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)) or {}
    except (OSError, ValueError, yaml.YAMLError, RecursionError) as error:
        raise ModforgeError(f"cannot read {config}: {error}") from None
    if not isinstance(data, dict):
        raise ModforgeError(f"{config} is not a copier configuration (a mapping of questions)")
    return asked_questions(data)


def asked_questions(config: dict) -> dict[str, dict]:
    """The questions of a copier configuration (copier.yml as a mapping) that are asked, not computed."""
    return {
        name: spec if isinstance(spec, dict) else {"default": spec}
        for name, spec in config.items()
        if not str(name).startswith("_") and not (isinstance(spec, dict) and spec.get("when") is False)
    }


def require_modforge(asked: dict[str, dict], source: str) -> None:
    """Refuse a template that is not modforge's: it must ask for the module's name and ID prefix."""
    missing = [name for name in MODFORGE_QUESTIONS if name not in asked]
    if missing:
        raise ModforgeError(
            f"{source} is not a modforge template (its copier.yml asks no {' or '.join(missing)}); pass --template "
            "a clone of the modforge template, or leave --template out to use the one modforge ships with"
        )
