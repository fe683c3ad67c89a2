"""The older prompt set's headings in the spec's forms: `## Phase 1` becomes `## PHASE-<P>-1: Title` (and
`### Title (PHASE-<P>-1)` in a design), `### 1. SDK Implementation` becomes `### TASK-<P>-01: SDK Implementation`.
Only heading lines change, and each keeps its title; `rewritten` records them for the nothing-lost check."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from modforge.filesystem import textcodec
from modforge.lifecycle import docops, migration
from modforge.lifecycle.migration import ModuleTree
from modforge.spec import grammar, layout
from modforge.spec.grammar import IdKind

PHASE_DOCS = (layout.INTENT_SCENARIOS, layout.ACTUAL_SCENARIOS, layout.TASKS)

Rewritten = dict[str, dict[int, str]]  # document path -> heading line -> the title it keeps


def phase_headings(doc: Any) -> list[tuple[int, int, str | None, bool]]:
    """(heading line, phase number, title or None, legacy form) of every phase the parser found in `doc`."""
    return [(phase.line, phase.number, phase.title or None, phase.id is None) for phase in doc.phases]


def rewrite_phase_headings(tree: ModuleTree, docs: dict[str, Any], answers: dict, rewritten: Rewritten) -> int:
    """Give every `Phase N` heading its PHASE id; returns how many headings changed."""
    titles = answers["phase_titles"]
    count = 0
    for name, doc in docs.items():
        if doc is None or name not in (*PHASE_DOCS, *layout.DESIGN_DOCS):
            continue
        legacy = [(line, number, title) for line, number, title, is_legacy in phase_headings(doc) if is_legacy]
        if not legacy:
            continue
        path = tree.doc_path(name)
        lines = textcodec.lines(tree.read(path), keepends=True)
        for line, number, title in legacy:
            phase_id = grammar.format_id(IdKind.PHASE, answers["id_prefix"], number)
            title = title or (titles[number - 1] if number <= len(titles) else f"Phase {number}")
            if name in layout.DESIGN_DOCS:
                text = layout.design_phase_heading(phase_id, title)
            else:
                text = layout.phase_section_heading(phase_id, title)
            docops.replace_heading(lines, line, text)  # a legacy heading always changes
            rewritten.setdefault(path, {})[line] = title
            count += 1
        tree.write(path, "".join(lines))
    return count


def assign_task_ids(tree: ModuleTree, doc: Any, prefix: str, rewritten: Rewritten) -> list[str]:
    """Number the task groups without an ID in order, skipping numbers already used; the IDs given."""
    if doc is None:
        return []
    used = {task.id.number for task in doc.tasks if task.id is not None}
    path = tree.doc_path(layout.TASKS)
    lines = textcodec.lines(tree.read(path), keepends=True)
    given: list[str] = []
    number = 0
    for task in doc.tasks:
        if task.id is not None:
            continue
        number += 1
        while number in used:
            number += 1
        task_id = grammar.format_id(IdKind.TASK, prefix, number)
        docops.replace_heading(lines, task.line, layout.definition_heading(task_id, task.title))
        rewritten.setdefault(path, {})[task.line] = task.title
        given.append(task_id)
    if given:
        tree.write(path, "".join(lines))
    return given


def group_by_phase(tree: ModuleTree, answers: dict, skeleton: Callable[[str], str]) -> list[str]:
    """Make a module that uses no phase agree with its answers (phases: 1) once a document groups by phase
    (the template's TASKS.md does): the kept design gets the skeleton's phases section, and the scenarios and
    tasks that stand outside every phase get the first phase's section heading above them. Only lines are
    added. Returns what was done, one sentence each, for the summary."""
    docs = {name: tree.document(name) for name in (*layout.DESIGN_DOCS, *PHASE_DOCS)}
    design = docs[layout.INTENT_DESIGN]
    if design is None and docs[layout.ACTUAL_DESIGN] is None:
        return _ungroup_added(tree, docs)
    if design is None or any(doc.phases for name in layout.DESIGN_DOCS if (doc := docs[name]) is not None):
        return []  # no intent design to complete, or one that defines its phases
    if not any(doc.phases for name in PHASE_DOCS if (doc := docs[name]) is not None):
        return []  # nothing groups by phase: the module stays without phases
    path = tree.doc_path(layout.INTENT_DESIGN)
    pristine = skeleton(path)
    title = layout.DESIGN_SECTION["phases"]
    section = docops.section_text(pristine, migration.parse_document(tree.root / path, design.name, pristine), title)
    if not section:
        return []
    tree.write(path, tree.read(path).rstrip("\n") + "\n\n" + section.rstrip("\n") + "\n")
    done = [f"add the section `## {title}` to {path}: it defined no phase, and phase sections name one"]
    phase_id = grammar.format_id(IdKind.PHASE, answers["id_prefix"], 1)
    heading = (
        "#" * layout.PHASE_SECTION_LEVEL + " " + layout.phase_section_heading(phase_id, answers["phase_titles"][0])
    )
    for name in PHASE_DOCS:
        doc = docs[name]
        items = [] if doc is None or doc.phases else [*doc.scenarios, *doc.tasks]
        if items:
            first = min(item.line for item in items)
            lines = textcodec.lines(tree.read(tree.doc_path(name)), keepends=True)
            lines.insert(first - 1, heading + "\n\n")
            tree.write(tree.doc_path(name), "".join(lines))
            done.append(f"group the {'tasks' if name == layout.TASKS else 'scenarios'} of {name} under `{heading}`")
    return done


def _ungroup_added(tree: ModuleTree, docs: dict[str, Any]) -> list[str]:
    """No design defines phases (the module has none, or keeps it under a name adoption left alone): the
    documents adoption adds lose their phase section headings, which would name phases nothing defines."""
    done = []
    for name in PHASE_DOCS:
        doc = docs[name]
        path = tree.doc_path(name)
        if doc is None or not doc.phases or not tree.is_new(path):
            continue  # only what adoption writes; the module's own documents stay as they are
        lines = textcodec.lines(tree.read(path), keepends=True)
        for phase in sorted(doc.phases, key=lambda p: p.line, reverse=True):
            blank = phase.line < len(lines) and not lines[phase.line].strip()
            del lines[phase.line - 1 : phase.line + (1 if blank else 0)]
        tree.write(path, "".join(lines))
        done.append(f"write {path} without phase sections: no design defines phases")
    return done
