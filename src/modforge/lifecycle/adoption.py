"""Adoption: bring a hand-made or legacy module under the template, so that `copier update` keeps it current.

What a legacy module looks like (MODKIT_CONVENTIONS, "Known variations"): documents named
`1_INTENT_DESIGN.md` ... `7_INTENT_VS_ACTUAL.md`, phase groups headed `## Phase 1`, task groups headed
`### 1. SDK Implementation` without TASK ids, no answers file. Adoption, planned in memory on a
`migration.ModuleTree` (so --dry-run is the same code without the write):

1. renames the documents to the spec's names (`git mv` inside a git work tree, so history follows);
2. turns `Phase N` headings into the spec's phase headings, and gives each top-level task group a
   `TASK-<P>-NN` id in order;
3. rewrites every reference to a renamed document in the module's text files;
4. adds the documents the module lacks, rendered from the template's skeletons with the module's answers;
5. writes the answers file copier would have written, inferred from the documents and the code layout
   (`--data` for the rest), recording the template and its current release, so `copier update` works.

Every line of every document is kept; only heading lines change, and their titles stay. A check at the
end compares the documents line by line and refuses to write if anything would be lost.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from modforge.errors import ModforgeError
from modforge.lifecycle import migration
from modforge.lifecycle.migration import ModuleTree
from modforge.spec import grammar, layout, naming
from modforge.spec.grammar import IdKind

SKIP_DIRS = {".git", "target", "node_modules", "__pycache__", ".venv"}
TEXT_SUFFIXES = {".md", ".rs", ".toml", ".yaml", ".yml", ".json", ".txt", ".py", ""}
MAX_BYTES = 2_000_000
# A reference to a legacy document name: `1_INTENT_DESIGN.md`, `docs/3_INTENT_SCENARIOS.md`, `(2_...md)`.
LEGACY_REFERENCE_RE = re.compile(
    r"(?<![A-Za-z0-9_])(?P<name>" + "|".join(re.escape(n) for n in layout.LEGACY_DOC_NAMES) + r")(?![A-Za-z0-9_])"
)
PHASE_DOCS = (layout.INTENT_SCENARIOS, layout.ACTUAL_SCENARIOS, layout.TASKS)


@dataclass
class Plan:
    outcome: migration.Outcome
    answers: dict[str, Any]
    sources: dict[str, str]  # answer -> where it came from
    renamed: list[tuple[str, str]] = field(default_factory=list)
    headings: int = 0  # phase headings rewritten
    task_ids: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    references: int = 0
    notes: list[str] = field(default_factory=list)
    rewritten: dict[str, dict[int, str]] = field(default_factory=dict)  # doc path -> heading line -> title kept


def looks_like_module(root: Path) -> bool:
    """A folder with pipeline documents (current or legacy names) in docs/, or a Rust crate."""
    docs = root / layout.DOCS_DIR
    names = {*layout.PIPELINE_DOCS, *layout.LEGACY_DOC_NAMES}
    if docs.is_dir() and any((docs / name).is_file() for name in names):
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
) -> Plan:
    from modforge.templating.skeletons import TemplateRenderer

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
    renderer = TemplateRenderer(template)
    tree = ModuleTree(root, template)
    result = Plan(migration.Outcome([]), {}, {})
    _rename_documents(tree, result)
    docs = {name: tree.document(name) for name in layout.PIPELINE_DOCS if tree.exists(tree.doc_path(name))}

    answers, sources = _infer(root, docs, tree, id_prefix, data, renderer, result)
    result.answers, result.sources = answers, sources
    _rewrite_phase_headings(tree, docs, answers, result)
    _assign_task_ids(tree, docs.get(layout.TASKS), answers["id_prefix"], result)
    _rewrite_references(tree, root, result)

    context = renderer.context(answers, root)
    for name in renderer.document_names():
        path = tree.doc_path(name)
        if not tree.exists(path):
            tree.write(path, renderer.render(path, context))
            result.added.append(name)
    tree.write(layout.ANSWERS_FILE, renderer.answers_text(context, src_path, commit))
    result.answers = renderer.remembered(context)

    _check_nothing_lost(tree, result)
    result.outcome.changes = tree.changes()
    return result


# --- renames --------------------------------------------------------------------------------------
def _rename_documents(tree: ModuleTree, result: Plan) -> None:
    for legacy, name in layout.LEGACY_DOC_NAMES.items():
        old, new = tree.doc_path(legacy), tree.doc_path(name)
        if not tree.exists(old):
            continue
        if tree.exists(new):
            raise ModforgeError(f"both {old} and {new} exist; merge them into {new} by hand, commit, then adopt again")
        tree.rename(old, new)
        result.renamed.append((old, new))


def _rewrite_references(tree: ModuleTree, root: Path, result: Plan) -> None:
    renamed_to = dict(result.renamed)
    for path in _text_files(root):
        current = renamed_to.get(path, path)
        text = tree.read(current)
        if text is None or not LEGACY_REFERENCE_RE.search(text):
            continue
        new, count = LEGACY_REFERENCE_RE.subn(lambda m: layout.LEGACY_DOC_NAMES[m.group("name")], text)
        tree.write(current, new)
        result.references += count


def _text_files(root: Path) -> list[str]:
    found = []
    for file in sorted(root.rglob("*")):
        relative = file.relative_to(root)
        if any(part in SKIP_DIRS for part in relative.parts) or not file.is_file() or file.is_symlink():
            continue
        if file.suffix in TEXT_SUFFIXES and file.stat().st_size <= MAX_BYTES:
            found.append(relative.as_posix())
    return found


# --- headings -------------------------------------------------------------------------------------
def _phase_headings(doc: Any) -> list[tuple[int, int, str | None, bool]]:
    """(heading line, phase number, title or None, legacy form) of every phase the parser found in `doc`."""
    return [(phase.line, phase.number, phase.title or None, phase.id is None) for phase in doc.phases]


def _rewrite_phase_headings(tree: ModuleTree, docs: dict[str, Any], answers: dict, result: Plan) -> None:
    titles = answers["phase_titles"]
    for name, doc in docs.items():
        if doc is None or name not in (*PHASE_DOCS, *layout.DESIGN_DOCS):
            continue
        path = tree.doc_path(name)
        lines = tree.read(path).splitlines(keepends=True)
        changed = False
        for line, number, title, legacy in _phase_headings(doc):
            if not legacy:
                continue
            phase_id = grammar.format_id(IdKind.PHASE, answers["id_prefix"], number)
            title = title or (titles[number - 1] if number <= len(titles) else f"Phase {number}")
            if name in layout.DESIGN_DOCS:
                text = layout.design_phase_heading(phase_id, title)
            else:
                text = layout.phase_section_heading(phase_id, title)
            changed |= migration.replace_heading(lines, line, text)
            result.rewritten.setdefault(path, {})[line] = title
            result.headings += 1
        if changed:
            tree.write(path, "".join(lines))


def _assign_task_ids(tree: ModuleTree, doc: Any, prefix: str, result: Plan) -> None:
    if doc is None:
        return
    used = {task.id.number for task in doc.tasks if task.id is not None}
    path = tree.doc_path(layout.TASKS)
    lines = tree.read(path).splitlines(keepends=True)
    number = 0
    for task in doc.tasks:
        if task.id is not None:
            continue
        number += 1
        while number in used:
            number += 1
        task_id = grammar.format_id(IdKind.TASK, prefix, number)
        migration.replace_heading(lines, task.line, layout.definition_heading(task_id, task.title))
        result.rewritten.setdefault(path, {})[task.line] = task.title
        result.task_ids.append(task_id)
    if result.task_ids:
        tree.write(path, "".join(lines))


# --- answers --------------------------------------------------------------------------------------
def _infer(
    root: Path,
    docs: dict[str, Any],
    tree: ModuleTree,
    id_prefix: str | None,
    data: dict[str, str],
    renderer: Any,
    result: Plan,
) -> tuple[dict[str, Any], dict[str, str]]:
    answers: dict[str, Any] = {}
    sources: dict[str, str] = {}

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

    defined = _defined_prefix(docs)
    if id_prefix and defined and id_prefix != defined:
        raise ModforgeError(
            f"the documents define IDs with prefix {defined}, so --id-prefix {id_prefix} would mix two prefixes; "
            f"omit --id-prefix (or pass {defined})"
        )
    found("id_prefix", id_prefix, "--id-prefix")
    found("id_prefix", defined, "the IDs the documents define")
    if "id_prefix" not in answers:
        found("id_prefix", naming.default_id_prefix(answers["module_name"]), "the module name (no IDs found)")
        result.notes.append(f"no IDs found; using prefix {answers['id_prefix']} (choose one with --id-prefix)")

    design = docs.get(layout.INTENT_DESIGN)
    design_text = tree.read(tree.doc_path(layout.INTENT_DESIGN)) if design is not None else None
    found("description", _description(design, design_text), "the design's overview")
    if "description" not in answers:
        result.notes.append("no one-line description found in the design's overview; pass --data description=...")
    found("category", _design_category(design, design_text), "the design's category section")
    facts = code_facts(root)
    found("category", facts.get("category"), "the code (plugin trait or scoped client)")
    for key in ("rest_api", "persistence", "gts"):
        found(key, facts.get(key), "the code layout")
    found("gateway", facts.get("gateway"), "the gateway SDK the code uses")

    phases = _phases(docs)
    found("phases", max(phases) if phases else 1, "the phase headings" if phases else "no phase headings (one phase)")
    count = answers["phases"]
    if isinstance(count, int) and not isinstance(count, bool):
        defaults = naming.default_phase_titles(count)
        titles = [phases.get(n) or defaults[n - 1] for n in range(1, count + 1)]
        found("phase_titles", titles, "the phase headings" if phases else "the template's default")
        if phases and any(not phases.get(n) for n in range(1, count + 1)):
            result.notes.append("some phases have no title in the documents; name them with --data phase_titles=[...]")
    context = renderer.context(answers, root)  # the template's defaults for everything not found
    for key in renderer.remembered(context):
        sources.setdefault(key, "the template's default")
    _validate(context, root)
    return {k: context[k] for k in questions if k in answers or k in renderer.remembered(context)}, sources


def _defined_prefix(docs: dict[str, Any]) -> str | None:
    counts = Counter(
        occurrence.id.prefix
        for doc in docs.values()
        if doc is not None
        for occurrence in doc.ids
        if occurrence.defines and occurrence.id.prefix
    )
    if not counts:
        counts = Counter(
            occurrence.id.prefix
            for doc in docs.values()
            if doc is not None
            for occurrence in doc.ids
            if occurrence.id.prefix and occurrence.id.kind is not IdKind.GLOBAL_REQ
        )
    return counts.most_common(1)[0][0] if counts else None


def _phases(docs: dict[str, Any]) -> dict[int, str | None]:
    """Phase number -> title, the design's titles first."""
    found: dict[int, str | None] = {}
    order = [layout.INTENT_DESIGN, *PHASE_DOCS, layout.ACTUAL_DESIGN]
    for name in order:
        doc = docs.get(name)
        for _heading, number, title, _legacy in _phase_headings(doc) if doc is not None else []:
            if found.get(number) is None:
                found[number] = title
    return found


def _section(doc: Any, text: str | None, title: str) -> str:
    if doc is None or text is None:
        return ""
    for heading in doc.headings:
        if heading.level == 2 and heading.text.lower().startswith(title.lower()):
            return migration.section_text(text, doc, heading.text) or ""
    return ""


def _description(doc: Any, text: str | None) -> str | None:
    body = _section(doc, text, layout.DESIGN_SECTION["overview"]).splitlines()[1:]
    paragraph = []
    for line in body:
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
    words = re.findall(r"[a-z]+", _section(doc, text, layout.DESIGN_SECTION["category"]).lower())
    return next((w for w in words if w in naming.CATEGORIES), None)


GTS_SCHEMA_CONST = re.compile(r'const\s+\w+\s*:\s*&str\s*=\s*"gts\.[^"]*~"')


def code_facts(root: Path) -> dict[str, Any]:
    """What the Rust code says about the module: REST API, database, GTS types, plugin role."""
    sources = {}
    for file in root.rglob("*.rs"):
        if not any(part in SKIP_DIRS for part in file.relative_to(root).parts):
            try:
                sources[file.relative_to(root).as_posix()] = file.read_text(encoding="utf-8", errors="replace")
            except OSError:
                continue
    if not sources:
        return {}
    code = "\n".join(sources.values())
    paths = "\n".join(sources)
    facts: dict[str, Any] = {
        "rest_api": "/api/rest/" in paths or "OperationBuilder" in code,
        "persistence": "/infra/storage/" in paths
        or any(word in code for word in ("sea_orm", "DatabaseCapability", "DbModule", "db_required")),
        # Types of its own: a base GTS struct or a schema ID constant; a plugin spec, which every gateway
        # has, does not count.
        "gts": bool(
            re.search(r"struct_to_gts_schema\([^)]*base\s*=\s*true", code, re.DOTALL)
            or any("plugin" not in m.group(0).lower() for m in GTS_SCHEMA_CONST.finditer(code))
        ),
    }
    gateway = re.search(r"\buse\s+([a-z][a-z0-9_]*)_sdk::\w*PluginClientV\d+", code)
    if gateway and "register_scoped" in code:
        facts["gateway"] = gateway.group(1).replace("_", "-")
    if "register_scoped" in code:
        facts["category"] = "worker"
    elif re.search(r"\bpub\s+trait\s+\w*Plugin\w*", code):
        facts["category"] = "gateway"
    return facts


def _validate(context: dict[str, Any], destination: Path) -> None:
    problems = [
        naming.module_name_error(context.get("module_name")),
        naming.id_prefix_error(context.get("id_prefix")),
        naming.description_error(context.get("description")),
        naming.owner_error(context.get("owner")),
        naming.phases_error(context.get("phases")),
        naming.phase_titles_error(context.get("phase_titles"), context.get("phases")),
    ]
    from modforge.templating.jinja_api import prefix_collision_error

    problems.append(prefix_collision_error(context.get("id_prefix"), destination))
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


# --- the promise: nothing lost --------------------------------------------------------------------
def _check_nothing_lost(tree: ModuleTree, result: Plan) -> None:
    """Every non-blank line of every document is still there; a rewritten heading keeps its title."""
    renamed_to = dict(result.renamed)
    docs_dir = tree.root / layout.DOCS_DIR
    for file in sorted(docs_dir.glob("*.md")) if docs_dir.is_dir() else []:
        old = f"{layout.DOCS_DIR}/{file.name}"
        new = renamed_to.get(old, old)
        before = tree.original(old) or ""
        after = tree.read(new) or ""
        rewritten = result.rewritten.get(new, {})
        headings = [h.text for h in migration.parse_document(tree.root / new, file.name, after).headings]
        remaining = Counter(after.splitlines())
        for number, line in enumerate(before.splitlines(), start=1):
            if number in rewritten:
                if not any(rewritten[number] in heading for heading in headings):
                    raise _lost(line, old)
                continue
            expected = LEGACY_REFERENCE_RE.sub(lambda m: layout.LEGACY_DOC_NAMES[m.group("name")], line)
            if line.strip() and remaining[expected] <= 0:
                raise _lost(line, old)
            remaining[expected] -= 1


def _lost(line: str, path: str) -> ModforgeError:
    return ModforgeError(f"internal error: adoption would lose the line {line!r} of {path}; nothing was changed")
