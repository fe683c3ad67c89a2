"""Helpers of the prompt tests: modules whose documents are filled in (the pipeline fixtures, or written here for
any answers), monorepos around them, and reading a rendered prompt the way the tests judge it (the example blocks
it teaches, the files it names)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from rust_conformance.snapshot import platform_root

from modforge.checker.check import check_module
from modforge.documents import loader
from modforge.spec import grammar, layout
from modforge.spec.grammar import IdKind

REPO_ROOT = Path(__file__).resolve().parent.parent
PIPELINE = REPO_ROOT / "tests" / "fixtures" / "pipeline"
# The fixture module's documents after each step of the pipeline, in order (tests/fixtures/pipeline/README.md).
STAGES = ("step1", "step2", "step3.1", "step3", "step4")
# What a stage changes outside the module (config/quickstart.yaml, the E2E tests), laid over the monorepo root.
OUTSIDE = PIPELINE / "monorepo"
SAMPLE_DATE = "2026-01-15"


def upstream_root() -> Path:
    """The upstream monorepo snapshot (cyberfabric-core); fails when missing (rust_conformance/snapshot.py)."""
    return platform_root()


def monorepo(tmp: Path, module: Path, name: str = "cred-store", upstream: bool = False) -> Path:
    """A git monorepo at `tmp` holding a copy of `module` as modules/<name> (a worker's name:
    <gateway>/plugins/<name>); with `upstream`, the upstream snapshot's top-level files and folders (config/,
    guidelines/, apps/, testing/ ...) linked beside it."""
    tmp.mkdir(parents=True, exist_ok=True)
    if upstream:
        for entry in upstream_root().iterdir():
            if entry.name not in (layout.MODULES_DIR, ".git"):
                (tmp / entry.name).symlink_to(entry, target_is_directory=entry.is_dir())
    target = tmp / layout.MODULES_DIR / name
    shutil.copytree(module, target)
    if not (tmp / ".git").exists():
        subprocess.run(["git", "init", "-q"], cwd=tmp, check=True)
    return target


def stage(tmp: Path, name: str, upstream: bool = False) -> Path:
    """The fixture module (documents and answers) after pipeline stage `name`, in a monorepo of its own under `tmp`."""
    return monorepo(tmp / name, PIPELINE / name, upstream=upstream)


def stage_copy(template: Path, tmp: Path, name: str, outside: bool = False) -> Path:
    """A real copy of the template with the fixture's answers, holding the fixture's documents of stage `name`,
    in a monorepo beside the upstream snapshot: what the module looks like in a monorepo at that stage. With
    `outside`, what the stages changed outside the module too (the quickstart block, the E2E tests)."""
    import yaml
    from conftest import copy_module

    answers = yaml.safe_load((PIPELINE / name / layout.ANSWERS_FILE).read_text(encoding="utf-8"))
    copy = copy_module(template, tmp / "copy", **{k: v for k, v in answers.items() if not k.startswith("_")})
    shutil.rmtree(copy / layout.DOCS_DIR)
    shutil.copytree(PIPELINE / name / layout.DOCS_DIR, copy / layout.DOCS_DIR)
    module = monorepo(tmp / "repo", copy, answers["module_name"], upstream=True)
    if outside:
        lay_outside(tmp / "repo", name)
    return module


def copy_at_stage(template: Path, root: Path, name: str) -> Path:
    """A git monorepo at `root` whose modules/cred-store is a real copy of the template with the fixture's answers,
    holding the documents of stage `name` and, outside it, what the stages up to `name` added; returns `root`."""
    import yaml
    from conftest import copy_module, init_repo

    answers = yaml.safe_load((PIPELINE / name / layout.ANSWERS_FILE).read_text(encoding="utf-8"))
    module = copy_module(template, root / "modules" / "cred-store", **{k: v for k, v in answers.items() if k[0] != "_"})
    shutil.rmtree(module / layout.DOCS_DIR)
    shutil.copytree(PIPELINE / name / layout.DOCS_DIR, module / layout.DOCS_DIR)
    lay_outside(root, name)
    return init_repo(root)


def lay_outside(root: Path, name: str) -> None:
    """Lay over the monorepo at `root` what the stages up to `name` changed outside the module (OUTSIDE)."""
    for done in STAGES[: STAGES.index(name) + 1]:
        source = OUTSIDE / done
        for path in sorted(source.rglob("*")) if source.is_dir() else ():
            if path.is_file():
                target = root / path.relative_to(source)
                _unlink_upstream(root, target.parent)
                target.parent.mkdir(parents=True, exist_ok=True)
                if target.is_symlink():  # a file linked to the upstream snapshot: replaced, never written through
                    target.unlink()
                shutil.copy2(path, target)


def _unlink_upstream(root: Path, folder: Path) -> None:
    """A folder linked to the upstream snapshot becomes a copy of it, so that writing in it leaves the snapshot be."""
    current = root
    for part in folder.relative_to(root).parts:
        current = current / part
        if current.is_symlink():
            linked = current.resolve()
            current.unlink()
            shutil.copytree(linked, current, symlinks=True)


# --- filled documents for any answers ----------------------------------------------------------------------
def fill_documents(module: Path, answers: dict) -> None:
    """Write documents into the copy at `module` as if Steps 1 to 4 of phase 1 were done for these answers: a
    design with cross-references, two requirements and two scenarios per phase, tasks (phase 1 checked off),
    actual documents and a changelog release. They pass `modforge check` (tests assert it)."""
    prefix = answers["id_prefix"]
    titles = list(answers["phase_titles"])

    def fid(kind: IdKind, number: int) -> str:
        return grammar.format_id(kind, prefix, number)

    phases = [(fid(IdKind.PHASE, n), t) for n, t in enumerate(titles, 1)]
    reqs = {n: [fid(IdKind.REQ, 2 * n - 1), fid(IdKind.REQ, 2 * n)] for n in range(1, len(titles) + 1)}
    scens = {n: [fid(IdKind.SCEN, 2 * n - 1), fid(IdKind.SCEN, 2 * n)] for n in range(1, len(titles) + 1)}
    design = ["# Design", ""]
    for key, section in layout.DESIGN_SECTIONS:
        design += [f"## {section}", ""]
        if key == "phases":
            for n, (pid, title) in enumerate(phases, 1):
                design += [f"### {layout.design_phase_heading(pid, title)}", f"- Scope of {title} ({reqs[n][0]})"]
                design += [f"- Implements: {', '.join(scens[n])}", ""]
        else:
            design += [f"The {section.lower()} of the module (REQ-1).", ""]
    requirements = ["# Requirements", ""]
    scenarios = ["# Scenarios", ""]
    tasks = ["# Tasks", ""]
    number = 0
    for n, (pid, title) in enumerate(phases, 1):
        for req in reqs[n]:
            requirements += [
                f"### {layout.definition_heading(req, 'Behaviour ' + req)}",
                f"The module MUST act ({pid}).",
                "",
            ]
        scenarios += [f"## {layout.phase_section_heading(pid, title)}", ""]
        for scen, req in zip(scens[n], reqs[n], strict=True):
            scenarios += [f"### {layout.definition_heading(scen, 'Case ' + scen)}", "- **WHEN** a caller asks"]
            scenarios += [f"- **THEN** the module answers ({req}, REQ-20)", ""]
        tasks += [f"## {layout.phase_section_heading(pid, title)}", ""]
        mark = "x" if n == 1 else " "
        for task_title, item in (("Implementation", "Implement"), ("Unit Tests", "Test")):
            number += 1
            tasks += [f"### {layout.definition_heading(fid(IdKind.TASK, number), task_title + ' of ' + title)}"]
            tasks += [f"- [{mark}] {number}.1 {item} {', '.join(scens[n])} ({', '.join(reqs[n])})", ""]
    actual = ["# Actual scenarios", ""]
    for n, (pid, title) in enumerate(phases, 1):
        actual += [f"## {layout.phase_section_heading(pid, title)}", ""]
        for scen in scens[n]:
            status = "Implemented" if n == 1 else f"Stub (TODO({pid}))"
            actual += [f"### {layout.definition_heading(scen, 'Case ' + scen)}", f"**Status:** {status}"]
            actual += ["- **WHEN** a caller asks", "- **THEN** the module answers", ""]
    gaps = ["# Intent vs actual", "", f"### {layout.definition_heading(scens[1][0], 'Case')}"]
    gaps += ["- **Intent:** one thing", "- **Actual:** another", "- **Gap:** decided in review", ""]
    changelog = ["# Changelog", "", f"## [{layout.UNRELEASED}]", "", f"## [0.1.0] - {SAMPLE_DATE}", "### Added"]
    changelog += [f"- {scen}: Case" for scen in scens[1]] + [""]
    texts = {
        layout.INTENT_DESIGN: design,
        layout.INTENT_REQUIREMENTS: requirements,
        layout.INTENT_SCENARIOS: scenarios,
        layout.TASKS: tasks,
        layout.ACTUAL_DESIGN: [line.replace("# Design", "# Actual design") for line in design],
        layout.ACTUAL_REQUIREMENTS: requirements[:1] + requirements[2:5],
        layout.ACTUAL_SCENARIOS: actual,
        layout.INTENT_VS_ACTUAL: gaps,
        layout.CHANGELOG: changelog,
    }
    for name, lines in texts.items():
        (module / layout.DOCS_DIR / name).write_text("\n".join(lines), encoding="utf-8")


# --- judging a module ---------------------------------------------------------------------------------------
def findings(module: Path) -> list:
    """Every finding of `modforge check`'s rules on the module, with the monorepo's global requirements."""
    repo_root = loader.find_repo_root(module)
    return check_module(loader.load_module(module), loader.load_global_requirements(repo_root))


# --- reading a prompt ----------------------------------------------------------------------------------------
# A block a prompt shows as the form to write is fenced as ```markdown <DOCUMENT>: the info string names the
# document the form belongs in (renderers show it as Markdown and ignore the rest).
FORM_BLOCK_RE = re.compile(r"^```markdown (?P<doc>\S+)\n(?P<body>.*?)^```$", re.MULTILINE | re.DOTALL)
PLACEHOLDER_RE = re.compile(r"<(?![!/])[^<>\n]+>")
INLINE_FORM_RE = re.compile(r"`(?P<form>#{2,3} [^`\n]+)`")


def fill_placeholders(text: str) -> str:
    """What a model writes in place of the prompt's placeholders (`<Title>`, `YYYY-MM-DD`)."""
    return PLACEHOLDER_RE.sub("Sample text", text).replace("YYYY-MM-DD", SAMPLE_DATE)


def form_blocks(text: str) -> list[tuple[str, str]]:
    return [(m.group("doc"), m.group("body")) for m in FORM_BLOCK_RE.finditer(text)]


def inline_forms(text: str, phase_heading: str) -> list[tuple[str, str, str]]:
    """The heading forms a prompt shows inline in code spans, with the document each belongs in and a body
    that makes it a whole entry there: (form, document, text to check). Only forms naming an ID or a release."""
    found = []
    for match in INLINE_FORM_RE.finditer(text):
        form = match.group("form")
        ids = [parsed for _, parsed in grammar.find_ids(form)]
        if form.startswith("## ["):
            found.append((form, layout.CHANGELOG, f"{form}\n### Added\n- Sample\n"))
        elif not ids:
            continue
        elif form.startswith("## "):
            found.append((form, layout.INTENT_SCENARIOS, f"{form}\n"))
        elif ids[0].kind is IdKind.PHASE:
            found.append((form, layout.INTENT_DESIGN, f"## Implementation Phases\n\n{form}\n"))
        elif ids[0].kind is IdKind.REQ:
            found.append((form, layout.INTENT_REQUIREMENTS, f"{form}\nThe module MUST act.\n"))
        elif ids[0].kind is IdKind.SCEN:
            found.append((form, layout.INTENT_SCENARIOS, f"{phase_heading}\n\n{form}\n- **WHEN** x\n- **THEN** y\n"))
        elif ids[0].kind is IdKind.TASK:
            number = ids[0].number
            found.append((form, layout.TASKS, f"{phase_heading}\n\n{form}\n- [ ] {number}.1 Sample\n"))
    return found


CODE_SPAN_RE = re.compile(r"`([^`\n]+)`")
FILE_SUFFIXES = (".md", ".rs", ".toml", ".yaml", ".yml", ".py", ".json")


def named_paths(text: str) -> set[str]:
    """The files and folders a prompt names for the model to read or write: code spans that are paths (with a
    `/`, or a file name with a known suffix), not routes (`/x/v1/...`), name patterns or placeholders. (A prompt
    mentions a path it does not mean to be opened, like a file the monorepo lacks, without code span.)"""
    paths = set()
    for span in CODE_SPAN_RE.findall(text):
        if " " in span or span.startswith("/") or any(c in span for c in "<>{}()=:;\"'"):
            continue
        if "*" in span and "/" not in span:
            continue  # a file-name pattern (`*_test.rs`), not a path
        if "/" in span or span.endswith(FILE_SUFFIXES):
            paths.add(span)
    return paths
