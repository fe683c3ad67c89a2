"""The filters and globals modforge adds to Jinja: one registry for the copier template (through
extensions/modforge_jinja.py) and for the prompt templates, so both render IDs, names and headings
with the same functions."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

from modforge import __version__
from modforge.documents import loader
from modforge.spec import global_requirements, grammar, layout, naming, scaffold
from modforge.spec.grammar import IdKind
from modforge.templating import workspace_pack  # imported here, not lazily: see extensions/modforge_jinja.py


def _kind(name: str) -> IdKind:
    try:
        return IdKind[name.upper()]
    except KeyError:
        raise ValueError(f"unknown ID kind {name!r}; use one of {', '.join(k.name for k in IdKind)}") from None


def format_id(kind: str, prefix: str | None, number: int) -> str:
    return grammar.format_id(_kind(kind), prefix, int(number))


def id_sequence(kind: str, prefix: str | None, count: int, start: int = 1) -> list[str]:
    return grammar.id_sequence(_kind(kind), prefix, int(count), int(start))


def task_plan(**answers: Any) -> list[scaffold.PhasePlan]:
    return scaffold.task_plan(answers)


def phase_ids(prefix: str, titles: list[str]) -> list[tuple[str, str]]:
    """[(PHASE id, title), ...] for the phase titles, numbered from 1."""
    return [(grammar.format_id(IdKind.PHASE, prefix, n), t) for n, t in enumerate(titles, start=1)]


def sibling_prefixes(destination: str | Path) -> dict[str, str]:
    """{ID prefix: folder} of the other modules of the monorepo: those beside `destination` and the gateways'
    plugins (`<gateway>/plugins/<name>`, where a worker lives), each by the `id_prefix` of its answers file or,
    for a module not made from the template, the prefix most of the IDs its documents define. IDs are unique
    across the monorepo only while each module owns its prefix."""
    dest = Path(str(destination)).resolve()
    modules = dest.parents[2] if layout.gateway_of(dest) else dest.parent
    owners: dict[str, str] = {}
    for folder in _module_folders(modules):
        if folder == dest:
            continue
        prefix = _answers_prefix(folder / layout.ANSWERS_FILE)
        if prefix is None and loader.is_module(folder):
            prefix = _documents_prefix(folder / layout.DOCS_DIR)
        if prefix:
            owners.setdefault(prefix, folder.relative_to(modules).as_posix())
    return owners


def _module_folders(modules: Path) -> list[Path]:
    """The folders of `modules` and of each one's plugins/ folder (no links followed)."""

    def folders(parent: Path) -> list[Path]:
        try:
            return sorted(p for p in parent.iterdir() if p.is_dir() and not p.is_symlink())
        except OSError:
            return []

    top = folders(modules)
    return top + [plugin for folder in top for plugin in folders(folder / layout.PLUGINS_DIR)]


def _answers_prefix(path: Path) -> str | None:
    try:
        data, _ = loader.read_answers(path.read_bytes())  # a sibling's broken file is its own problem
    except OSError:
        return None
    prefix = data.get("id_prefix") if data else None
    return prefix if isinstance(prefix, str) and prefix else None


_DEFINITION_LINE_RE = re.compile(r"^ {0,3}#{2,3}[ \t]+" + layout.DEFINITION_RE.pattern, re.MULTILINE)
_SIBLING_READ_LIMIT = 1_000_000


def _documents_prefix(docs: Path) -> str | None:
    """The prefix most definition headings of a hand-made module's documents carry (a cheap read, no parse)."""
    counts: Counter[str] = Counter()
    try:
        files = [p for p in docs.iterdir() if layout.pipeline_name(p.name) and p.is_file() and not p.is_symlink()]
    except OSError:
        return None
    for file in files:
        try:
            with open(file, "rb") as handle:
                text = handle.read(_SIBLING_READ_LIMIT).decode("utf-8", errors="replace")
        except OSError:
            continue
        for match in _DEFINITION_LINE_RE.finditer(text):
            prefix = grammar.parse_id(match["id"]).prefix
            if prefix:
                counts[prefix] += 1
    return counts.most_common(1)[0][0] if counts else None


def prefix_collision_error(prefix: str, destination: str | Path, module_name: str = "") -> str:
    """An error when another module beside `destination` already owns `prefix` (see `sibling_prefixes`)."""
    owners = sibling_prefixes(destination)
    owner = owners.get(prefix)
    if owner is None:
        return ""
    free = free_id_prefix(module_name, destination, owners) if module_name else f"{prefix}2"
    return (
        f"ID prefix {prefix!r} is already used by the module in {owner}/; "
        f"IDs must be unique across the monorepo, so choose another (for example --data id_prefix={free})"
    )


def free_id_prefix(module_name: str, destination: str | Path, owners: dict[str, str] | None = None) -> str:
    """The default ID prefix of `module_name` created at `destination`: readable, and owned by no sibling."""
    taken = sibling_prefixes(destination) if owners is None else owners
    return naming.free_id_prefix(module_name, taken)


FILTERS = {
    "snake": naming.snake,
    "pascal": naming.pascal,
    "title_words": naming.title,
    "default_id_prefix": naming.default_id_prefix,
    "free_id_prefix": free_id_prefix,
    "module_name_error": naming.module_name_error,
    "id_prefix_error": naming.id_prefix_error,
    "crate_dir_error": naming.crate_dir_error,
    "description_error": naming.description_error,
    "owner_error": naming.owner_error,
    "phases_error": naming.phases_error,
    "phase_titles_error": naming.phase_titles_error,
    "default_phase_titles": naming.default_phase_titles,
    "prefix_collision_error": prefix_collision_error,
    "derived_names": naming.derived_names,
    "gateway_error": naming.gateway_error,
    "worker_destination_error": naming.worker_destination_error,
    "gateway_of": layout.gateway_of,
    "has_rest": naming.has_rest,
}

GLOBALS = {
    "format_id": format_id,
    "id_sequence": id_sequence,
    "task_plan": task_plan,
    "phase_ids": phase_ids,
    "definition_heading": layout.definition_heading,
    "phase_section_heading": layout.phase_section_heading,
    "design_phase_heading": layout.design_phase_heading,
    "design_section": layout.DESIGN_SECTION,
    "code_todo": layout.code_todo,
    "docs": {
        "intent_design": layout.INTENT_DESIGN,
        "intent_requirements": layout.INTENT_REQUIREMENTS,
        "intent_scenarios": layout.INTENT_SCENARIOS,
        "tasks": layout.TASKS,
        "actual_design": layout.ACTUAL_DESIGN,
        "actual_requirements": layout.ACTUAL_REQUIREMENTS,
        "actual_scenarios": layout.ACTUAL_SCENARIOS,
        "intent_vs_actual": layout.INTENT_VS_ACTUAL,
        "changelog": layout.CHANGELOG,
    },
    "change_types": layout.CHANGE_TYPES,
    "categories": naming.CATEGORIES,
    "global_requirement_titles": global_requirements.BUILT_IN,
    "modforge_version": __version__,
}


def register(environment: Any) -> None:
    environment.filters.update(FILTERS)
    environment.globals.update(GLOBALS)
    environment.globals.update(workspace_pack.GLOBALS)  # looked up now: the two modules import each other
