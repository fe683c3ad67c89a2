"""What `modforge check` finds and loads: monorepo roots, modules (folders whose docs/ hold pipeline
documents), the path forms a user may pass, legacy names, leftovers, the ID prefix and global requirements;
all on real folders."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from modforge.documents import loader, parser
from modforge.errors import ModforgeError
from modforge.spec import layout
from modforge.spec.global_requirements import BUILT_IN_GLOBALS

FIXTURES = Path(__file__).parent / "fixtures" / "parser"


def make_module(folder: Path, *names: str, text: str = "# Doc\n") -> Path:
    docs = folder / layout.DOCS_DIR
    docs.mkdir(parents=True, exist_ok=True)
    for name in names or (layout.INTENT_DESIGN,):
        (docs / name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def monorepo(tmp_path: Path) -> Path:
    root = tmp_path / "monorepo"
    (root / ".git").mkdir(parents=True)
    return root


# --- roots and modules -------------------------------------------------------------------------------
def test_the_monorepo_root_is_the_nearest_folder_holding_git(monorepo: Path) -> None:
    module = make_module(monorepo / "modules" / "oagw")
    assert loader.find_repo_root(module / "docs" / layout.INTENT_DESIGN) == monorepo
    (module / ".git").write_text("gitdir: ../../.git/worktrees/oagw\n")  # a worktree or submodule
    assert loader.find_repo_root(module) == module


def test_without_git_the_root_is_the_path_itself(tmp_path: Path) -> None:
    assert loader.find_repo_root(tmp_path) == tmp_path


def test_modules_are_folders_whose_docs_hold_a_pipeline_document(monorepo: Path) -> None:
    oagw = make_module(monorepo / "modules" / "oagw", layout.TASKS)
    legacy = make_module(monorepo / "services" / "legacy", "1_INTENT_DESIGN.md")
    make_module(monorepo / "modules" / "notes", "README.md")
    make_module(monorepo, "README.md")  # the monorepo's own docs/ holds no pipeline document
    assert loader.find_modules(monorepo) == [oagw, legacy]


def test_hidden_build_and_dependency_folders_are_not_searched(monorepo: Path) -> None:
    kept = make_module(monorepo / "modules" / "oagw")
    for skipped in (".cache", "target", "node_modules", ".venv"):
        make_module(monorepo / skipped / "copy")
    assert loader.find_modules(monorepo) == [kept]


def test_a_module_is_not_searched_for_modules_inside_it(monorepo: Path) -> None:
    outer = make_module(monorepo / "modules" / "oagw")
    make_module(outer / "examples" / "inner")
    assert loader.find_modules(monorepo) == [outer]


def test_a_gateways_workers_in_its_plugins_folder_are_modules_of_their_own(monorepo: Path) -> None:
    gateway = make_module(monorepo / "modules" / "oagw")
    worker = make_module(gateway / layout.PLUGINS_DIR / "oagw-apikey", layout.TASKS)
    (gateway / layout.PLUGINS_DIR / "bundled" / "src").mkdir(parents=True)  # a plugin crate without docs: no module
    (worker / "docs" / "TASKS.md.rej").write_text("@@ -1 +1 @@\n")
    assert loader.find_modules(monorepo) == [gateway, worker]
    assert loader.module_of(worker / "docs" / layout.TASKS) == worker
    assert [name for name, _, _ in loader.read_module(gateway).documents] == [layout.INTENT_DESIGN]
    assert loader.read_module(gateway).extra_files == (), "the worker's leftovers are the worker's"
    assert [p.name for p in loader.read_module(worker).extra_files] == ["TASKS.md.rej"]


# --- the paths a user passes -----------------------------------------------------------------------------
def test_no_path_means_every_module_under_the_working_directory(monorepo: Path) -> None:
    first = make_module(monorepo / "modules" / "a")
    second = make_module(monorepo / "modules" / "b")
    targets = loader.find_targets([], cwd=monorepo)
    assert targets.modules == [first, second]
    assert targets.only == {}
    assert targets.repo_roots == {first: monorepo, second: monorepo}


def test_a_module_path_and_a_relative_path_name_that_module(monorepo: Path) -> None:
    module = make_module(monorepo / "modules" / "oagw")
    assert loader.find_targets([Path("modules/oagw")], cwd=monorepo).modules == [module]
    assert loader.find_targets([Path(".")], cwd=module).modules == [module]


def test_a_document_path_loads_its_module_and_shows_only_that_document(monorepo: Path) -> None:
    module = make_module(monorepo / "modules" / "oagw", layout.TASKS, layout.INTENT_DESIGN)
    tasks = module / "docs" / layout.TASKS
    targets = loader.find_targets([Path("modules/oagw/docs/TASKS.md")], cwd=monorepo)
    assert (targets.modules, targets.only) == ([module], {module: {tasks}})
    both = loader.find_targets([tasks, module], cwd=monorepo)
    assert both.only == {}, "naming the module too shows all of it"


def test_a_markdown_file_outside_any_module_is_skipped(monorepo: Path) -> None:
    make_module(monorepo / "modules" / "oagw")
    (monorepo / "docs").mkdir()
    (monorepo / "docs" / "README.md").write_text("# Readme\n")
    assert loader.find_targets([Path("docs/README.md")], cwd=monorepo).modules == []


def test_a_missing_path_is_an_error_naming_it(monorepo: Path) -> None:
    with pytest.raises(ModforgeError, match="modules/nope: no such file or folder"):
        loader.find_targets([Path("modules/nope")], cwd=monorepo)


def test_a_folder_without_modules_is_an_error_saying_what_a_module_is(monorepo: Path) -> None:
    with pytest.raises(ModforgeError, match=r"no module found.*docs/"):
        loader.find_targets([], cwd=monorepo)


# --- a module's files ----------------------------------------------------------------------------------
def test_legacy_names_are_read_under_todays_names_and_todays_name_wins(monorepo: Path) -> None:
    module = make_module(monorepo / "m", "1_INTENT_DESIGN.md", "3_INTENT_SCENARIOS.md", layout.INTENT_DESIGN)
    source = loader.read_module(module)
    assert [(name, Path(path).name) for name, path, _ in source.documents] == [
        (layout.INTENT_DESIGN, layout.INTENT_DESIGN),
        (layout.INTENT_SCENARIOS, "3_INTENT_SCENARIOS.md"),
    ]
    assert source.extra_files == (module / "docs" / "1_INTENT_DESIGN.md",), "the shadowed copy is a leftover"


def test_reject_files_anywhere_in_the_module_are_leftovers(monorepo: Path) -> None:
    module = make_module(monorepo / "m")
    (module / "m-sdk" / "src").mkdir(parents=True)
    for path in (module / "docs" / "TASKS.md.rej", module / "m-sdk" / "src" / "lib.rs.rej", module / "Cargo.toml.rej"):
        path.write_text("@@ -1 +1 @@\n")
    (module / "target").mkdir()
    (module / "target" / "out.rej").write_text("build output\n")
    assert [p.relative_to(module).as_posix() for p in loader.read_module(module).extra_files] == [
        "Cargo.toml.rej",
        "docs/TASKS.md.rej",
        "m-sdk/src/lib.rs.rej",
    ]


def test_the_prefix_comes_from_the_answers_file(tmp_path: Path) -> None:
    module = tmp_path / "oagw"
    shutil.copytree(FIXTURES / "module", module)
    loaded = loader.load_module(module)
    assert (loaded.prefix, loaded.prefix_source) == ("OAGW", "answers")
    assert loaded.answers["module_name"] == "oagw"
    assert set(loaded.documents) == {
        layout.INTENT_SCENARIOS,
        layout.TASKS,
        layout.INTENT_REQUIREMENTS,
        layout.INTENT_DESIGN,
        layout.INTENT_VS_ACTUAL,
        layout.CHANGELOG,
    }


def test_without_answers_the_prefix_is_the_most_common_one_the_documents_define(tmp_path: Path) -> None:
    module = tmp_path / "legacy"
    shutil.copytree(FIXTURES / "legacy", module)
    (module / "docs" / "2_INTENT_REQUIREMENTS.md").write_text(
        "### REQ-LEG-1: One\nMUST.\n### REQ-LEG-2: Two\nMUST.\n### REQ-OTHER-1: Misplaced\nMUST.\n"
    )
    loaded = loader.load_module(module)
    assert (loaded.prefix, loaded.prefix_source, loaded.answers) == ("LEG", "documents", None)


def test_a_module_defining_nothing_has_no_prefix(monorepo: Path) -> None:
    loaded = loader.load_module(make_module(monorepo / "m"))
    assert (loaded.prefix, loaded.prefix_source) == (None, "none")


def test_a_broken_answers_file_is_no_answers(monorepo: Path) -> None:
    module = make_module(monorepo / "m")
    (module / layout.ANSWERS_FILE).write_text("id_prefix: [unclosed\n")
    loaded = loader.load_module(module)
    assert loaded.answers is None
    assert loaded.answers_problem is not None
    assert loaded.answers_problem.message.startswith("is not valid YAML")


def test_a_missing_answers_file_is_no_problem(monorepo: Path) -> None:
    loaded = loader.load_module(make_module(monorepo / "m"))
    assert (loaded.answers, loaded.answers_problem) == (None, None)


def test_an_unreadable_document_is_an_io_problem(tmp_path: Path) -> None:
    # A folder where a document should be fails to read for every user, root included (CI runs as root,
    # for whom chmod 000 changes nothing).
    (tmp_path / layout.INTENT_DESIGN).mkdir()
    (problem,) = parser.parse_document(tmp_path / layout.INTENT_DESIGN).problems
    assert problem.code == "io-error"


# --- global requirements ---------------------------------------------------------------------------------
def test_global_requirements_come_from_the_guidelines_at_the_root_else_the_built_in_list(monorepo: Path) -> None:
    assert loader.load_global_requirements(monorepo) is BUILT_IN_GLOBALS
    guidelines = monorepo / layout.GLOBAL_REQUIREMENTS_PATH
    guidelines.parent.mkdir()
    shutil.copy(FIXTURES / "guidelines" / "MODULE_REQUIREMENTS.md", guidelines)
    found = loader.load_global_requirements(monorepo)
    assert (sorted(found.titles), found.source) == ([1, 10], str(guidelines))
