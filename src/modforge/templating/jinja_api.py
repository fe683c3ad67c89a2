"""The filters and globals modforge adds to Jinja: one registry for the copier template (through
extensions/modforge_jinja.py) and for the prompt templates, so both render IDs, names and headings
with the same functions."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from modforge.documents import loader
from modforge.spec import grammar, layout, naming, scaffold
from modforge.spec.grammar import IdKind


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


def prefix_collision_error(prefix: str, destination: str | Path, module_name: str = "") -> str:
    """An error when another module of the monorepo (beside `destination`, or a gateway's plugin) already uses
    `prefix` in its answers file."""
    dest = Path(str(destination)).resolve()
    modules = dest.parents[2] if layout.gateway_of(dest) else dest.parent  # a worker is modules/<gw>/plugins/<name>
    if not modules.is_dir():
        return ""
    found = [*modules.glob(f"*/{layout.ANSWERS_FILE}"), *modules.glob(f"*/{layout.PLUGINS_DIR}/*/{layout.ANSWERS_FILE}")]
    for answers in sorted(found):
        if answers.parent == dest:
            continue
        try:
            data, _ = loader.read_answers(answers.read_bytes())  # a sibling's broken file is its own problem
        except OSError:
            continue
        if data is not None and data.get("id_prefix") == prefix:
            return (
                f"ID prefix {prefix!r} is already used by the module in {answers.parent.relative_to(modules)}/; "
                f"IDs must be unique across the monorepo, so choose another (for example --data id_prefix={prefix}2)"
            )
    return ""


FILTERS = {
    "snake": naming.snake,
    "pascal": naming.pascal,
    "title_words": naming.title,
    "default_id_prefix": naming.default_id_prefix,
    "module_name_error": naming.module_name_error,
    "id_prefix_error": naming.id_prefix_error,
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
}


def register(environment: Any) -> None:
    environment.filters.update(FILTERS)
    environment.globals.update(GLOBALS)
