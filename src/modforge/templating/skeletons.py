"""Render files of a modforge template checkout outside copier: the document skeletons and the answers file.

`modforge adopt` adds the documents a module lacks and writes its answers file, and migrations take the
text of a new section from the skeleton, all from the template's own files: `copier.yml` for the questions,
their defaults and computed names, `template/docs/*.jinja` for the text, and the template's own Jinja
extension for modforge's functions. The result is what `copier copy` would write for the same answers
(tests/test_skeletons.py compares them), so a later `copier update` sees no difference to merge.
"""

from __future__ import annotations

import importlib.util
import sys
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml

from modforge.errors import ModforgeError
from modforge.spec import layout

CONFIG = "copier.yml"
# Extensions copier always loads, and the loader that copier-template-extensions adds (we load files directly).
COPIER_EXTENSIONS = ("jinja2_ansible_filters.AnsibleCoreFiltersExtension",)
FILE_EXTENSION_LOADER = "copier_template_extensions.TemplateExtensionLoader"
_TRUE = {"y", "yes", "t", "true", "on"}
_FALSE = {"n", "no", "f", "false", "off", "~", "null", "none", ""}


def renderer(template: Path) -> TemplateRenderer:
    """The renderer of a template checkout, made once per process while its copier.yml stays the same (a
    migration renders skeletons for every module of a fleet update)."""
    root = Path(template).resolve()
    try:
        stamp = (root / CONFIG).stat().st_mtime_ns
    except OSError:
        stamp = None
    key = (str(root), stamp)
    if key not in _RENDERERS:
        _RENDERERS.clear()  # one checkout at a time is the common case: keep memory flat
        _RENDERERS[key] = TemplateRenderer(root)
    return _RENDERERS[key]


_RENDERERS: dict[tuple[str, int | None], TemplateRenderer] = {}


class TemplateRenderer:
    """One template checkout, ready to render its files for given answers."""

    def __init__(self, template: Path) -> None:
        self.root = Path(template).resolve()
        config = self.root / CONFIG
        try:
            loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
            self.config: dict[str, Any] = yaml.load(config.read_text(encoding="utf-8"), Loader=loader) or {}
        except FileNotFoundError:
            raise ModforgeError(f"{self.root} is not a modforge template checkout (no {CONFIG})") from None
        except (OSError, yaml.YAMLError) as error:
            raise ModforgeError(f"cannot read {config}: {error}") from None
        self.suffix = self.config.get("_templates_suffix", ".jinja")
        self.answers_file = self.config.get("_answers_file", layout.ANSWERS_FILE)
        self._compiled_values: dict[str, Any] = {}

    @cached_property
    def subdirectory(self) -> str:
        """The module template's folder: `_subdirectory` rendered for `kind: module` (the template is a
        collection whose first answer picks the module or the workspace template)."""
        return str(self._render_value(self.config.get("_subdirectory", ""), {"kind": "module"}))

    @property
    def questions(self) -> dict[str, dict[str, Any]]:
        return {
            k: v if isinstance(v, dict) else {"default": v} for k, v in self.config.items() if not k.startswith("_")
        }

    @cached_property
    def environment(self) -> Any:
        from jinja2 import FileSystemLoader
        from jinja2.sandbox import SandboxedEnvironment

        envops = dict(self.config.get("_envops") or {})
        env = SandboxedEnvironment(
            loader=FileSystemLoader(str(self.root)), extensions=list(COPIER_EXTENSIONS), **envops
        )
        for spec in self.config.get("_jinja_extensions") or []:
            if spec != FILE_EXTENSION_LOADER:
                env.add_extension(self._extension(spec))
        return env

    def _extension(self, spec: str) -> Any:
        """A `path/to/file.py:Class` extension of the template, loaded from the file as copier does."""
        if ":" not in spec:
            from jinja2.utils import import_string

            return import_string(spec)
        file, name = spec.split(":", 1)
        path = self.root / file
        module_name = f"_modforge_template_extension_{abs(hash(str(path)))}"
        module_spec = importlib.util.spec_from_file_location(module_name, path)
        if module_spec is None or module_spec.loader is None or not path.is_file():
            raise ModforgeError(f"the template's Jinja extension {path} is missing")
        module = importlib.util.module_from_spec(module_spec)
        sys.modules[module_name] = module
        module_spec.loader.exec_module(module)
        return getattr(module, name)

    # --- answers -----------------------------------------------------------------------------------
    def context(self, answers: dict[str, Any], destination: Path) -> dict[str, Any]:
        """The render context copier builds: every question's answer (or its default), then the computed names."""
        context: dict[str, Any] = {
            "_copier_conf": {
                "dst_path": str(destination),
                "answers_file": self.answers_file,
                "src_path": str(self.root),
            },
            "_folder_name": destination.name,
        }
        for name, spec in self.questions.items():
            if name in answers:
                context[name] = answers[name]
            elif self._other_kind(spec, context):
                context[name] = None  # a question of the collection's other template: no module file uses it
            else:
                context[name] = self._cast(spec, self._render_value(spec.get("default"), context))
        return context

    def _other_kind(self, spec: dict[str, Any], context: dict[str, Any]) -> bool:
        """Whether the question belongs to the other template of the collection (its `when` names `kind`)."""
        when = spec.get("when")
        return isinstance(when, str) and "kind" in when and not _to_bool(self._render_value(when, context))

    def remembered(self, context: dict[str, Any]) -> dict[str, Any]:
        """The answers copier stores: questions it asks (`when` holds), not the computed ones."""
        stored = {}
        for name, spec in self.questions.items():
            when = spec.get("when", True)
            if isinstance(when, str):
                when = _to_bool(self._render_value(when, context))
            if when:
                stored[name] = context[name]
        return stored

    def answers_text(self, context: dict[str, Any], src_path: str, commit: str | None) -> str:
        """The answers file copier would write, rendered from the template's own answers-file template
        (copier records no `_commit` when the template is a plain folder)."""
        remembered = {"_commit": commit, "_src_path": src_path} if commit else {"_src_path": src_path}
        remembered.update(self.remembered(context))
        source = Path(self.subdirectory, "{{_copier_conf.answers_file}}" + self.suffix).as_posix()
        return self.environment.get_template(source).render({**context, "_copier_answers": remembered})

    def _render_value(self, value: Any, context: dict[str, Any]) -> Any:
        if isinstance(value, str) and ("{{" in value or "{%" in value):
            return self._compiled(value).render(context)
        return value

    def _compiled(self, source: str) -> Any:
        """The question's default or `when` compiled once: each context and `remembered` renders them all again."""
        if source not in self._compiled_values:
            self._compiled_values[source] = self.environment.from_string(source)
        return self._compiled_values[source]

    @staticmethod
    def _cast(spec: dict[str, Any], value: Any) -> Any:
        kind = spec.get("type", "str")
        if kind == "bool":
            return _to_bool(value)
        if kind == "int":
            return int(value)
        if kind in ("yaml", "json") and isinstance(value, str):
            return yaml.safe_load(value)
        return value

    # --- files -------------------------------------------------------------------------------------
    def render(self, relative: str, context: dict[str, Any]) -> str:
        """The text copier writes at `relative` in the module (e.g. `docs/INTENT_DESIGN.md`)."""
        source = Path(self.subdirectory, relative + self.suffix).as_posix()
        if not (self.root / source).is_file():
            raise ModforgeError(f"the template has no {source}")
        return self.environment.get_template(source).render(context)

    def document_names(self) -> list[str]:
        """The pipeline documents the template ships a skeleton for."""
        docs = self.root / self.subdirectory / layout.DOCS_DIR
        shipped = {p.name.removesuffix(self.suffix) for p in docs.glob(f"*{self.suffix}")}
        return [name for name in layout.PIPELINE_DOCS if name in shipped]


def _to_bool(value: Any) -> bool:
    """copier's cast_to_bool: numbers by value, YAML booleans by name, anything else by truth."""
    try:
        return bool(float(value))
    except (TypeError, ValueError):
        pass
    if isinstance(value, str):
        lowered = value.strip().lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
    return bool(value)
