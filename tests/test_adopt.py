"""`modforge adopt`: hand-made and legacy modules brought under the template without losing a line.

The fixtures under tests/fixtures/legacy/ are three real shapes: `oagw` (the older prompt set's
1_..7_ documents, `## Phase N` groups, `### N. Title` tasks, references to the old names in docs and
code), `simple_user_settings` (older code conventions, a snake_case folder, intent documents only, no
phases) and `quota-worker` (today's document names but legacy phase and task headings, no IDs yet).
"""

from __future__ import annotations

import json
import re
import shutil
from collections import Counter
from pathlib import Path

import pytest
import template_repos
import yaml
from cli_helpers import copier, files_of, modforge, one_error_line
from conftest import copy_module, git, init_repo

from modforge import __version__
from modforge.documents import parser
from modforge.lifecycle import releases
from modforge.spec import layout

FIXTURES = Path(__file__).parent / "fixtures" / "legacy"
# fixture -> the options adoption needs for what it cannot infer
CASES = {
    "oagw": [],
    "simple_user_settings": ["--data", "module_name=simple-user-settings"],
    "quota-worker": ["--id-prefix", "QW"],
}
# Where each fixture lives in the monorepo: a worker in its gateway's plugins folder, which names the gateway
# (its code, from an older release, implements no gateway's plugin trait that would).
PLACES = {"quota-worker": "modules/oagw/plugins/quota-worker"}


# Outside every module: adoption must not touch it, even where it names a legacy document.
MONOREPO_README = "# Platform\n\nThe gateway's design: modules/oagw/docs/1_INTENT_DESIGN.md\n"


@pytest.fixture(scope="session")
def template_repo(tmp_path_factory) -> Path:
    return template_repos.build(tmp_path_factory.mktemp("template-repo") / "modforge")


def legacy_module(tmp_path: Path, name: str, *, git_repo: bool = True, place: str | None = None) -> Path:
    monorepo = tmp_path / "monorepo"
    module = Path(shutil.copytree(FIXTURES / name, monorepo / (place or PLACES.get(name, f"modules/{name}"))))
    (monorepo / "README.md").write_text(MONOREPO_README)
    if git_repo:
        init_repo(monorepo)
    return module


def monorepo_of(module: Path) -> Path:
    return next(folder for folder in module.parents if folder.name == "modules").parent


def adopt(module: Path, template: Path, *args: str):
    return modforge("adopt", module, "--template", template, *args)


@pytest.fixture(params=sorted(CASES))
def adopted(request, template_repo, tmp_path) -> tuple[str, Path, Path]:
    """(fixture name, the module before adoption kept aside, the adopted module)."""
    name = request.param
    module = legacy_module(tmp_path, name)
    result = adopt(module, template_repo, *CASES[name])
    assert result.returncode == 0, result.stdout + result.stderr
    return name, FIXTURES / name, module


def headings(path: Path) -> list[tuple[int, str]]:
    doc = parser.parse_text(path.read_text(), path, path.name)
    return [(h.level, h.text) for h in doc.headings]


def _adopted_name(name: str) -> str:
    return layout.LEGACY_DOC_NAMES.get(name, name)


def _new_text(line: str) -> str:
    for legacy, name in layout.LEGACY_DOC_NAMES.items():
        line = line.replace(legacy, name)
    return line


# --- what every adopted module has ---------------------------------------------------------------------


def test_adopted_module_has_every_document_under_its_spec_name(adopted):
    _, _, module = adopted
    names = {p.name for p in (module / layout.DOCS_DIR).iterdir()}
    assert set(layout.PIPELINE_DOCS) <= names
    assert not names & set(layout.LEGACY_DOC_NAMES)


def test_adoption_keeps_every_line_checkbox_and_heading_title(adopted):
    _, original, module = adopted
    for before in sorted((original / layout.DOCS_DIR).glob("*.md")):
        after = module / layout.DOCS_DIR / _adopted_name(before.name)
        old_lines, new_text = before.read_text().splitlines(), after.read_text()
        new_headings = [text for _, text in headings(after)]
        old_heading_lines = {h.line for h in parser.parse_text(before.read_text(), before, before.name).headings}
        remaining = Counter(new_text.splitlines())
        for number, line in enumerate(old_lines, start=1):
            if number in old_heading_lines:
                title = re.sub(r"^#+\s*(Phase\s+\d+:?\s*|\d+\.\s+)?", "", line).strip()
                assert any(title in h for h in new_headings), f"{before.name}: heading title {title!r} lost"
            elif line.strip():
                assert remaining[_new_text(line)] > 0, f"{before.name}: line {line!r} lost"
                remaining[_new_text(line)] -= 1
        for mark in ("- [x]", "- [ ]"):
            assert new_text.count(mark) == before.read_text().count(mark), f"{before.name}: {mark} count changed"


def test_nothing_outside_the_module_changes(adopted):
    _, _, module = adopted
    monorepo = monorepo_of(module)
    outside = [p for p in monorepo.rglob("*") if p.is_file() and ".git" not in p.parts and module not in p.parents]
    assert outside == [monorepo / "README.md"]
    assert outside[0].read_text() == MONOREPO_README


def test_answers_record_the_template_and_its_current_release(adopted, template_repo):
    _, _, module = adopted
    answers = yaml.safe_load((module / layout.ANSWERS_FILE).read_text())
    assert answers["_commit"] == releases.tag(__version__)
    assert answers["_src_path"] == str(template_repo)


def test_adopted_module_passes_a_plain_copier_update(adopted):
    _, _, module = adopted
    monorepo = monorepo_of(module)
    git(monorepo, "add", "-A")
    git(monorepo, "commit", "-qm", "adopt")
    result = copier("update", "--trust", "--defaults", cwd=module)
    assert result.returncode == 0, result.stderr
    assert git(monorepo, "status", "--porcelain") == "", "an update at the same release changes nothing"
    assert git(monorepo, "ls-files", "--unmerged") == ""


def test_adopted_module_passes_modforge_check(adopted):
    _, _, module = adopted
    result = modforge("check", module)
    assert result.returncode == 0, result.stdout + result.stderr


# quota-worker already uses the spec's document names, so only the other shapes rename anything.
@pytest.mark.parametrize("name", sorted(set(CASES) - {"quota-worker"}))
def test_renames_go_through_git_so_history_follows(name, template_repo, tmp_path):
    module = legacy_module(tmp_path, name)
    assert adopt(module, template_repo, *CASES[name]).returncode == 0
    monorepo = monorepo_of(module)
    git(monorepo, "add", "-A")
    git(monorepo, "commit", "-qm", "adopt")
    log = git(module, "log", "--follow", "--format=%s", "--", "docs/INTENT_DESIGN.md").split()
    assert log == ["adopt", "initial"]


# --- what each shape needed ------------------------------------------------------------------------------


def test_legacy_phases_and_task_groups_get_the_spec_headings(template_repo, tmp_path):
    module = legacy_module(tmp_path, "oagw")
    assert adopt(module, template_repo).returncode == 0
    docs = module / layout.DOCS_DIR
    phases = ["PHASE-OAGW-1: Basic Forwarding", "PHASE-OAGW-2: Advanced Configuration"]
    assert [t for level, t in headings(docs / layout.INTENT_SCENARIOS) if level == 2] == phases
    assert [t for level, t in headings(docs / layout.TASKS) if level == 2] == phases
    assert [t for level, t in headings(docs / layout.INTENT_DESIGN) if t.endswith(")")] == [
        "Basic Forwarding (PHASE-OAGW-1)",
        "Advanced Configuration (PHASE-OAGW-2)",
    ]
    tasks = [t for level, t in headings(docs / layout.TASKS) if level == 3]
    assert tasks == [
        "TASK-OAGW-01: SDK Implementation",
        "TASK-OAGW-02: Domain Layer",
        "TASK-OAGW-03: Infrastructure",
        "TASK-OAGW-04: REST API",
        "TASK-OAGW-05: Unit Tests",
        "TASK-OAGW-06: Timeout Configuration",
        "TASK-OAGW-07: Health Checks",
    ]
    tasks_text = (docs / layout.TASKS).read_text()
    assert "```markdown\n## Phase 3\n\n### 8. Title\n" in tasks_text, "examples in code blocks are not headings"


def test_references_to_renamed_documents_are_rewritten_in_docs_and_code(template_repo, tmp_path):
    module = legacy_module(tmp_path, "oagw")
    assert adopt(module, template_repo).returncode == 0
    for path in [module / "README.md", module / "oagw" / "src" / "config.rs", *(module / "docs").iterdir()]:
        assert not re.search(r"\b[1-7]_(INTENT|ACTUAL)_\w+\.md", path.read_text()), path
    assert "[Intent design](docs/INTENT_DESIGN.md)" in (module / "README.md").read_text()


def test_answers_are_inferred_from_documents_and_code(template_repo, tmp_path):
    expected = {
        # oagw's gts.rs declares only its plugin schema, which every gateway gets: no GTS types of its own.
        "oagw": {"category": "gateway", "rest_api": True, "persistence": True, "gts": False, "phases": 2},
        "simple_user_settings": {"id_prefix": "USRSET", "category": "generic", "persistence": True, "phases": 1},
        "quota-worker": {"id_prefix": "QW", "category": "worker", "persistence": False, "gateway": "oagw"},
    }
    for name, facts in expected.items():
        module = legacy_module(tmp_path / name, name)
        assert adopt(module, template_repo, *CASES[name]).returncode == 0
        answers = yaml.safe_load((module / layout.ANSWERS_FILE).read_text())
        assert {k: answers[k] for k in facts} == facts, name
    assert not {"rest_api", "gts"} & set(answers), "a worker is asked neither"
    assert answers["phase_titles"] == ["Quota Counting", "Alerts"]


def test_files_adoption_does_not_own_are_left_alone(template_repo, tmp_path):
    module = legacy_module(tmp_path, "quota-worker")
    assert adopt(module, template_repo, *CASES["quota-worker"]).returncode == 0
    for kept in ("docs/notes.md", "docs/CHANGELOG.md", "quota-worker/src/module.rs"):
        assert (module / kept).read_bytes() == (FIXTURES / "quota-worker" / kept).read_bytes(), kept


def test_missing_documents_are_added_from_the_template_skeletons(template_repo, tmp_path):
    module = legacy_module(tmp_path, "simple_user_settings")
    assert adopt(module, template_repo, *CASES["simple_user_settings"]).returncode == 0
    fresh = tmp_path / "fresh" / "simple-user-settings"
    answers = yaml.safe_load((module / layout.ANSWERS_FILE).read_text())
    data = [
        arg
        for key, value in answers.items()
        if not key.startswith("_")
        for arg in ("--data", f"{key}={value if isinstance(value, str) else json.dumps(value)}")
    ]
    result = copier("copy", "--trust", "--defaults", "-r", releases.tag(__version__), *data, template_repo, fresh)
    assert result.returncode == 0, result.stderr
    for name in (layout.ACTUAL_DESIGN, layout.INTENT_VS_ACTUAL, layout.CHANGELOG):
        assert (module / "docs" / name).read_text() == (fresh / "docs" / name).read_text(), name


def test_dry_run_prints_a_diff_git_can_apply_and_changes_nothing(template_repo, tmp_path):
    module = legacy_module(tmp_path, "oagw")
    before = files_of(module)
    result = adopt(module, template_repo, "--dry-run")
    assert result.returncode == 0, result.stderr
    assert files_of(module) == before
    assert "rename from docs/1_INTENT_DESIGN.md" in result.stdout
    patch = tmp_path / "adopt.patch"
    patch.write_text(result.stdout)
    check = git(module.parents[1], "apply", "--check", "--directory=modules/oagw", str(patch))
    assert check == ""


def test_adoption_outside_git_renames_plain_files(template_repo, tmp_path):
    module = legacy_module(tmp_path, "oagw", git_repo=False)
    result = adopt(module, template_repo)
    assert result.returncode == 0, result.stderr
    assert (module / "docs" / layout.INTENT_DESIGN).is_file()
    assert not (module / "docs" / "1_INTENT_DESIGN.md").exists()


# --- refusals: a clear message, exit 2, nothing changed ---------------------------------------------------


def _refused(module: Path, template: Path, text: str, *args: str) -> None:
    before = files_of(monorepo_of(module))
    result = adopt(module, template, *args)
    assert result.returncode == 2, result.stdout + result.stderr
    assert text in one_error_line(result, "adopt")
    assert files_of(monorepo_of(module)) == before


def test_adopt_refuses_uncommitted_changes(template_repo, tmp_path):
    module = legacy_module(tmp_path, "oagw")
    (module / "docs" / "TASKS.md").write_text((module / "docs" / "TASKS.md").read_text() + "- [ ] 7.3 new\n")
    _refused(module, template_repo, "uncommitted changes (modules/oagw/docs/TASKS.md)")


def test_adopt_refuses_a_module_already_adopted(template_repo, tmp_path):
    module = legacy_module(tmp_path, "oagw")
    assert adopt(module, template_repo).returncode == 0
    git(module, "add", "-A")
    git(module, "commit", "-qm", "adopt")
    _refused(module, template_repo, "is already adopted")


def test_adopt_refuses_a_folder_that_is_not_a_module(template_repo, tmp_path):
    folder = tmp_path / "monorepo" / "modules" / "photos"
    folder.mkdir(parents=True)
    (folder / "holiday.txt").write_text("not a module\n")
    init_repo(tmp_path / "monorepo")
    _refused(folder, template_repo, "does not look like a module")


def test_adopt_refuses_an_id_prefix_that_contradicts_the_documents(template_repo, tmp_path):
    module = legacy_module(tmp_path, "oagw")
    _refused(module, template_repo, "define IDs with prefix OAGW", "--id-prefix", "GW")


def test_adopt_asks_for_a_module_name_when_the_folder_is_not_one(template_repo, tmp_path):
    module = legacy_module(tmp_path, "simple_user_settings")
    _refused(module, template_repo, "--data module_name=simple-user-settings")


def test_adopt_asks_a_worker_for_its_gateway_when_neither_code_nor_folder_says(template_repo, tmp_path):
    module = legacy_module(tmp_path, "quota-worker", place="modules/quota-worker")
    _refused(module, template_repo, "gateway must name the gateway module", "--id-prefix", "QW")


def test_adopt_refuses_a_worker_outside_its_gateways_plugins_folder(template_repo, tmp_path):
    module = legacy_module(tmp_path, "quota-worker", place="modules/quota-worker")
    message = "a worker of oagw lives in modules/oagw/plugins/quota-worker"
    _refused(module, template_repo, message, "--id-prefix", "QW", "--data", "gateway=oagw")


def test_a_workers_gateway_is_read_from_the_plugin_trait_it_implements(template_repo, tmp_path):
    """A vault worker made by today's template, its answers file lost, moved under oagw by mistake: adoption
    reads the gateway from the plugin trait the code implements and says where the worker belongs."""
    monorepo = tmp_path / "monorepo"
    made = copy_module(template_repo, monorepo / "modules/vault/plugins/key-plug", category="worker", gateway="vault")
    (made / layout.ANSWERS_FILE).unlink()
    module = monorepo / "modules/oagw/plugins/key-plug"
    module.parent.mkdir(parents=True)
    made.rename(module)
    init_repo(monorepo)
    _refused(module, template_repo, "a worker of vault lives in modules/vault/plugins/key-plug")
