"""Where the modforge copier template is, and what it asks.

The template a command uses is, first found: `--template`, the environment variable MODFORGE_TEMPLATE,
the `template` key of the project's `.modforge.toml` (or `[tool.modforge]`), else the template modforge
ships with: the checkout modforge runs from (a source or editable install: the repository is the template,
copier.yml beside `src/`), or the copy a regular install carries inside the package
(modforge.templating.packaged). A team sets its template once; every module then records the same source.
"""

from __future__ import annotations

import os
from pathlib import Path

from modforge.errors import ModforgeError

REPO_ROOT = Path(__file__).resolve().parents[3]
TEMPLATE_CONFIG = "copier.yml"
ENV_VAR = "MODFORGE_TEMPLATE"
DEFAULT_HELP = f"default: ${ENV_VAR}, else `template` in .modforge.toml, else the template modforge ships with"
MODFORGE_QUESTIONS = ("module_name", "id_prefix")  # what every modforge template asks, and no other


def locate(explicit: str | None = None, start: Path | None = None) -> str:
    """The template's path or URL, as modules record it (`_src_path`); `start` is where the project's
    configuration is looked for (default: the working directory)."""
    if explicit:
        return _normalise(explicit, Path.cwd())
    if os.environ.get(ENV_VAR):
        return _normalise(os.environ[ENV_VAR], Path.cwd())
    from modforge import config

    configured = config.template_setting(start or Path.cwd())
    if configured is not None:
        value, config_file = configured
        return _normalise(value, config_file.parent)
    return shipped()


def shipped() -> str:
    """The template modforge ships with: its own checkout, else the copy inside the installed package."""
    if (REPO_ROOT / TEMPLATE_CONFIG).is_file():
        return str(REPO_ROOT)
    from modforge.templating import packaged

    if packaged.bundle_root() is not None:
        return packaged.recorded_location()
    raise ModforgeError(
        "this modforge installation carries no template; reinstall modforge, or pass --template PATH_OR_URL "
        f"(or set {ENV_VAR}) with a clone of the modforge template"
    )


def _normalise(source: str, base: Path) -> str:
    """A URL as given; a path made absolute against `base` (`~` kept: it means the same on every machine)."""
    from modforge.lifecycle.template_repo import is_remote

    if is_remote(source) or source.startswith("~"):
        return source
    return str((base / source).resolve())


def local_path(source: str) -> Path:
    """The folder a local template source names, the packaged template built first."""
    from modforge.templating import packaged

    if packaged.is_recorded_location(source) and packaged.bundle_root() is not None:
        return packaged.materialise()
    return Path(source).expanduser()


def questions(source: str) -> dict[str, dict]:
    """The questions of the template at `source` a user may answer with --data (computed names excluded),
    each with its copier.yml entry; {} for a remote template (copier itself then judges the answers)."""
    from modforge.lifecycle.template_repo import is_remote

    if is_remote(source):
        return {}
    config = local_path(source) / TEMPLATE_CONFIG
    if not config.is_file():
        return {}
    import yaml

    try:
        text = config.read_text(encoding="utf-8")
        data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)) or {}
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
