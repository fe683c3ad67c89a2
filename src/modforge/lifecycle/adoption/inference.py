"""The answers a hand-made module gives the questionnaire, and where each one came from.

In order of trust: `--data` and `--id-prefix`, then the documents (the IDs they define, the design's
overview, category section and phases), then the code (modforge.lifecycle.adoption.crates), then the
template's defaults. Every answer carries its source, so adoption's summary can say what decided it.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from modforge.errors import ModforgeError
from modforge.filesystem import textcodec
from modforge.lifecycle import docops
from modforge.lifecycle.adoption import crates
from modforge.lifecycle.adoption.headings import PHASE_DOCS, phase_headings
from modforge.lifecycle.migration import ModuleTree
from modforge.spec import layout, naming


@dataclass
class Inferred:
    answers: dict[str, Any]
    sources: dict[str, str]  # answer -> where it came from
    notes: list[str] = field(default_factory=list)
    crate_folders: list[tuple[str, str, str]] = field(default_factory=list)  # (answer, the module's, the template's)


def infer(
    root: Path,
    docs: dict[str, Any],
    tree: ModuleTree,
    id_prefix: str | None,
    data: dict[str, str],
    renderer: Any,
    hints: dict[str, tuple[Any, str]] | None = None,
) -> Inferred:
    """Every answer of the questionnaire for the module at `root`; `hints` are answers of last resort
    (value, source) found elsewhere, such as an OpenSpec spec's purpose for the description."""
    answers: dict[str, Any] = {}
    sources: dict[str, str] = {}
    notes: list[str] = []

    def found(key: str, value: Any, source: str) -> None:
        if value is not None and key not in answers:
            answers[key], sources[key] = value, source

    questions = renderer.questions
    for key, value in data.items():
        found(key, renderer._cast(questions.get(key, {}), value), "--data")

    name_error = naming.module_name_error(root.name)
    if "module_name" not in answers and name_error:
        suggestion = re.search(r"such as '([a-z0-9-]+)'", name_error)
        raise ModforgeError(
            f"the folder name {root.name!r} is not a module name (kebab-case); the folder stays as it is, so "
            f"pass the module's name: --data module_name={suggestion.group(1) if suggestion else 'NAME'}"
        )
    found("module_name", root.name, "the folder name")
    module_name = answers["module_name"]

    defined = defined_prefix(docs)
    if id_prefix and defined and id_prefix != defined:
        raise ModforgeError(
            f"the documents define IDs with prefix {defined}, so --id-prefix {id_prefix} would mix two prefixes; "
            f"omit --id-prefix (or pass {defined})"
        )
    found("id_prefix", id_prefix, "--id-prefix")
    found("id_prefix", defined, "the IDs the documents define")
    if "id_prefix" not in answers:
        from modforge.templating.jinja_api import free_id_prefix

        found("id_prefix", free_id_prefix(module_name, root), "the module name, free beside its siblings")
        notes.append(f"no IDs found; using prefix {answers['id_prefix']} (choose one with --id-prefix)")

    design = docs.get(layout.INTENT_DESIGN)
    design_text = tree.read(tree.doc_path(layout.INTENT_DESIGN))  # None when there is no design, as `design`
    found("description", _description(design, design_text), "the design's overview")
    found("category", _design_category(design, design_text), "the design's category section")
    code = crates.read_layout(root, module_name)
    for key, fact in code.facts().items():
        found(key, fact.value, f"the code: {fact.evidence}")
    crate_folders = _crate_folders(code, answers, module_name, found, notes, questions)
    for key, (value, source) in (hints or {}).items():
        found(key, value, source)
    if "description" not in answers:
        notes.append("no one-line description found in the design's overview; pass --data description=...")

    phases = _phases(docs)
    found("phases", max(phases) if phases else 1, "the phase headings" if phases else "no phase headings (one phase)")
    count = answers["phases"]
    if not naming.phases_error(count):  # else _validate says what is wrong with it
        defaults = naming.default_phase_titles(count)
        titles = [phases.get(n) or defaults[n - 1] for n in range(1, count + 1)]
        found("phase_titles", titles, "the phase headings" if phases else "the template's default")
        if phases and any(not phases.get(n) for n in range(1, count + 1)):
            notes.append("some phases have no title in the documents; name them with --data phase_titles=[...]")
    context = renderer.context(answers, root)  # the template's defaults for everything not found
    remembered = renderer.remembered(context)  # once: each call renders every question's `when`
    for key in remembered:
        sources.setdefault(key, "the template's default")
    _validate(context, root)
    chosen = {k: context[k] for k in questions if k in answers or k in remembered}
    return Inferred(chosen, sources, notes, crate_folders)


def _crate_folders(
    code: crates.Layout, answers: dict, module_name: str, found, notes: list[str], questions
) -> list[tuple[str, str, str]]:
    """The crate folders that differ from the template's (`crate_dir`, `sdk_dir`), recorded so that updates
    render into them; notes the ones the template cannot follow."""
    folders: list[tuple[str, str, str]] = []
    template = {"crate_dir": module_name, "sdk_dir": naming.derived_names(module_name)["sdk_name"]}
    for key, crate, what in (("crate_dir", code.module_crate, "module crate"), ("sdk_dir", code.sdk, "SDK crate")):
        if key in answers:
            if answers[key] != template[key]:
                folders.append((key, str(answers[key]), template[key]))
            continue
        if crate is None or crate.folder == template[key]:
            continue
        if key not in questions or naming.crate_dir_error(crate.folder):
            notes.append(
                f"the {what} is in {crate.folder}/, which the template cannot follow (one folder inside the module): "
                f"updates may add {template[key]}/ beside it"
            )
            continue
        found(key, crate.folder, f"the {what}'s folder")
        folders.append((key, crate.folder, template[key]))
    if code.module_crate is None and code.crates and "crate_dir" not in answers:
        candidates = ", ".join(f"{c.folder}/" for c in code.crates if c not in code.plugins and c is not code.sdk)
        if candidates:
            notes.append(
                f"could not tell which of {candidates} is the module crate; name it with --data crate_dir=FOLDER"
            )
    return folders


def defined_prefix(docs: dict[str, Any]) -> str | None:
    """The prefix of most of the IDs the documents define; without a definition, of most of the IDs they name."""
    ids = [occurrence for doc in docs.values() if doc is not None for occurrence in doc.ids if occurrence.id.prefix]
    counts = Counter(o.id.prefix for o in ids if o.defines) or Counter(o.id.prefix for o in ids)
    return max(counts, key=counts.__getitem__) if counts else None


def _phases(docs: dict[str, Any]) -> dict[int, str | None]:
    """Phase number -> title, the design's titles first."""
    found: dict[int, str | None] = {}
    order = [layout.INTENT_DESIGN, *PHASE_DOCS, layout.ACTUAL_DESIGN]
    for name in order:
        doc = docs.get(name)
        for _heading, number, title, _legacy in phase_headings(doc) if doc is not None else []:
            if found.get(number) is None:
                found[number] = title
    return found


def _section_lines(doc: Any, text: str | None, title: str) -> list[str]:
    """The lines under the design's level-2 heading that starts with `title` (in any case); none without it."""
    for heading in doc.headings if doc is not None else []:
        if heading.level == 2 and heading.text.lower().startswith(title.lower()):
            return textcodec.lines(docops.section_text(text, doc, heading.text))[1:]
    return []


def _description(doc: Any, text: str | None) -> str | None:
    return first_sentence(_section_lines(doc, text, layout.DESIGN_SECTION["overview"]))


def first_sentence(lines: list[str]) -> str | None:
    """The first sentence of the first paragraph of prose in `lines`, when it makes a valid description."""
    paragraph = []
    for line in lines:
        if not line.strip():
            if paragraph:
                break
            continue
        if line.lstrip().startswith(("<!--", "#", "-", "*", "|", ">", "`")):
            continue
        paragraph.append(line.strip())
    sentence = " ".join(paragraph).split(". ")[0].strip().rstrip(".")
    return sentence if sentence and not naming.description_error(sentence) else None


def _design_category(doc: Any, text: str | None) -> str | None:
    words = re.findall(r"[a-z]+", "\n".join(_section_lines(doc, text, layout.DESIGN_SECTION["category"])).lower())
    return next((w for w in words if w in naming.CATEGORIES), None)


def _validate(context: dict[str, Any], destination: Path) -> None:
    from modforge.templating.jinja_api import prefix_collision_error

    problems = [
        naming.module_name_error(context.get("module_name")),
        naming.id_prefix_error(context.get("id_prefix")),
        naming.description_error(context.get("description")),
        naming.owner_error(context.get("owner")),
        naming.phases_error(context.get("phases")),
        naming.phase_titles_error(context.get("phase_titles"), context.get("phases")),
        *(naming.crate_dir_error(context[key]) for key in ("crate_dir", "sdk_dir") if key in context),
        prefix_collision_error(context.get("id_prefix"), destination),
    ]
    if context.get("category") not in naming.CATEGORIES:
        problems.append(f"category must be one of {', '.join(naming.CATEGORIES)}")
    elif context.get("category") == "worker":
        problems.append(
            naming.gateway_error(context.get("gateway"), context.get("module_name"))
            or naming.worker_destination_error(destination, context.get("gateway"))
        )
    problems = [p for p in problems if p]
    if problems:
        raise ModforgeError("; ".join(problems) + " (set answers with --data KEY=VALUE)")
