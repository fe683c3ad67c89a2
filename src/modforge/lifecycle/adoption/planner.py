"""The adoption of one module, planned in memory on a `migration.ModuleTree` (so --dry-run is the same code
without the write): the order of the steps, the skeletons and answers file added, and the nothing-lost check."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from modforge.errors import ModforgeError
from modforge.filesystem import textcodec
from modforge.lifecycle import migration
from modforge.lifecycle.adoption import headings, inference, openspec, renames
from modforge.lifecycle.migration import ModuleTree
from modforge.spec import layout

FROM_OPENSPEC = "openspec"
SOURCES = (FROM_OPENSPEC,)


@dataclass
class Plan:
    outcome: migration.Outcome
    answers: dict[str, Any]
    sources: dict[str, str]  # answer -> where it came from
    renamed: list[tuple[str, str]] = field(default_factory=list)
    headings: int = 0  # phase headings rewritten
    task_ids: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    left_alone: dict[str, list[str]] = field(default_factory=dict)  # document kept as it is -> skeletons not added
    crate_folders: list[tuple[str, str, str]] = field(default_factory=list)  # (answer, the module's, template's)
    converted: openspec.Conversion | None = None
    phase_groups: list[str] = field(default_factory=list)  # what was done so that the phase sections resolve
    references: int = 0
    notes: list[str] = field(default_factory=list)
    rewritten: headings.Rewritten = field(default_factory=dict)  # doc path -> heading line -> title kept


def looks_like_module(root: Path) -> bool:
    """A folder with pipeline documents (today's or slot names) in docs/, OpenSpec specs, or a Rust crate."""
    docs = root / layout.DOCS_DIR
    if docs.is_dir() and any(layout.pipeline_name(p.name) for p in docs.iterdir() if p.is_file()):
        return True
    if (root / openspec.SPECS_DIR).is_dir():
        return True
    return (root / "Cargo.toml").is_file() or any(p.is_file() for p in root.glob("*/Cargo.toml"))


def plan(
    root: Path,
    template: Path,
    *,
    id_prefix: str | None,
    data: dict[str, str],
    src_path: str,
    commit: str,
    source: str | None = None,
) -> Plan:
    """Everything adopting the module at `root` changes, computed without writing (Plan.outcome holds it)."""
    from modforge.templating.skeletons import renderer as template_renderer

    root = Path(root).resolve()
    if (root / layout.ANSWERS_FILE).exists():
        raise ModforgeError(
            f"{root.name} is already adopted (it has {layout.ANSWERS_FILE}); update it with `modforge update {root}`"
        )
    if not looks_like_module(root):
        raise ModforgeError(
            f"{root} does not look like a module: no pipeline documents in {layout.DOCS_DIR}/ and no Rust crate; "
            "pass the module's folder, such as modules/cred-store"
        )
    renderer = template_renderer(template)  # made once per process, as for migrations
    tree = ModuleTree(root, template)
    moved = renames.rename_documents(tree)
    docs = {name: tree.document(name) for name in layout.PIPELINE_DOCS if tree.exists(tree.doc_path(name))}

    specs = openspec.find_sources(tree) if source == FROM_OPENSPEC else []
    notes = []
    if source is None and (root / openspec.SPECS_DIR).is_dir():
        notes.append(
            f"this module keeps OpenSpec specs in {openspec.SPECS_DIR}/: adopt with --from openspec to convert their "
            "requirements and scenarios into REQ and SCEN entries"
        )
    hints = {"description": purpose} if (purpose := openspec.purpose_sentence(specs)) else {}
    inferred = inference.infer(root, docs, tree, id_prefix, data, renderer, hints)
    answers = inferred.answers
    if "description" not in data and isinstance(answers.get("description"), str):
        # read from a document that still says the old names: it follows the renames as the documents do
        answers["description"], _ = moved.rewrite(answers["description"])
    rewritten: headings.Rewritten = {}
    phase_headings = headings.rewrite_phase_headings(tree, docs, answers, rewritten)
    task_ids = headings.assign_task_ids(tree, docs.get(layout.TASKS), answers["id_prefix"], rewritten)

    context = renderer.context(answers, root)

    def skeleton(path: str) -> str:
        return renderer.render(path, context)

    converted = None
    if source == FROM_OPENSPEC:
        converted = openspec.convert(tree, specs, answers["id_prefix"], skeleton, rewritten)
    references = renames.rewrite_references(tree, moved)
    added, left_alone = _add_skeletons(tree, renderer.document_names(), skeleton)
    phase_groups = headings.group_by_phase(tree, answers, skeleton)
    tree.write(layout.ANSWERS_FILE, renderer.answers_text(context, src_path, commit))

    _check_nothing_lost(tree, rewritten, moved)
    return Plan(
        migration.Outcome([], tree.changes()),
        renderer.remembered(context),
        inferred.sources,
        renamed=moved.pairs,
        headings=phase_headings,
        task_ids=task_ids,
        added=added,
        left_alone=left_alone,
        crate_folders=inferred.crate_folders,
        converted=converted,
        phase_groups=phase_groups,
        references=references,
        notes=notes + inferred.notes,
        rewritten=rewritten,
    )


def _add_skeletons(tree: ModuleTree, names: list[str], skeleton) -> tuple[list[str], dict[str, list[str]]]:
    """Write the template's skeleton of each document of `names` the module lacks, but never beside a document
    adoption leaves alone that may be that one: (the documents added, each document left alone -> the ones
    not added beside it)."""
    claimed = renames.claimed(tree)
    added: list[str] = []
    left_alone: dict[str, list[str]] = {}
    for name in names:
        path = tree.doc_path(name)
        if tree.exists(path):
            continue
        if name in claimed:
            left_alone.setdefault(claimed[name], []).append(name)
            continue
        tree.write(path, skeleton(path))
        added.append(name)
    return added, left_alone


# --- the promise: nothing lost --------------------------------------------------------------------
def _check_nothing_lost(tree: ModuleTree, rewritten_headings: headings.Rewritten, moved: renames.Renames) -> None:
    """Every non-blank line of every file the plan changes is still there (references to renamed documents
    renamed); a rewritten heading keeps its title."""
    for change in tree.changes():
        if change.before is None:
            continue  # a new file: nothing to lose
        old, new = change.old_path, change.path
        rewritten = rewritten_headings.get(new, {})  # only pipeline documents have their headings rewritten
        new_headings = [h.text for h in tree.document(Path(new).name).headings] if rewritten else []
        remaining = Counter(textcodec.lines(change.after))
        for number, line in enumerate(textcodec.lines(change.before), start=1):
            if number in rewritten:
                if not any(rewritten[number] in heading for heading in new_headings):
                    raise _lost(line, old)
                continue
            expected, _ = moved.rewrite(line)
            if line.strip() and remaining[expected] <= 0:
                raise _lost(line, old)
            remaining[expected] -= 1


def _lost(line: str, path: str) -> ModforgeError:
    return ModforgeError(f"internal error: adoption would lose the line {line!r} of {path}; nothing was changed")
