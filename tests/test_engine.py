"""`modforge check`'s engine on real monorepos: findings come back from the cache only while nothing they
depend on changed, a broken or concurrently written cache never breaks a run, worker processes give the same
findings as one process, and paths are shown from wherever the user stands."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from barrier import meet, pids

from modforge.checker import engine
from modforge.config import Settings
from modforge.spec import layout

CLEAN = Path(__file__).parent / "fixtures" / "check" / "clean-module"
MODFORGE = Path(sys.executable).parent / "modforge"
DEFECT = "\nSee SCEN-{prefix}-99 for more.\n"  # an undefined scenario: one error, MF202


def add_module(root: Path, name: str, prefix: str = "OAGW", defect: bool = False) -> Path:
    """A copy of the clean fixture module at root/modules/<name>, its IDs renamed to `prefix`."""
    module = root / "modules" / name
    shutil.copytree(CLEAN, module)
    for path in [module / layout.ANSWERS_FILE, *(module / layout.DOCS_DIR).iterdir()]:
        path.write_text(path.read_text(encoding="utf-8").replace("OAGW", prefix), encoding="utf-8")
    if defect:
        break_module(module, prefix)
    return module


def break_module(module: Path, prefix: str = "OAGW") -> None:
    design = module / layout.DOCS_DIR / layout.INTENT_DESIGN
    design.write_text(design.read_text(encoding="utf-8") + DEFECT.format(prefix=prefix), encoding="utf-8")


@pytest.fixture
def monorepo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "monorepo"
    (root / ".git").mkdir(parents=True)
    add_module(root, "oagw", defect=True)
    add_module(root, "cred-store", "CRED")
    monkeypatch.chdir(root)
    return root


def check(paths: list[str] | None = None, settings: Settings | None = None, **options) -> engine.CheckResult:
    return engine.run_check([Path(p) for p in paths or []], settings or Settings(), **options)


def findings(result: engine.CheckResult) -> list[tuple[str, int, str]]:
    return [(d.path, d.line, d.code) for d in result.diagnostics]


# --- the cache -------------------------------------------------------------------------------------
@pytest.mark.skipif(
    "MUTANT_UNDER_TEST" in os.environ, reason="mutated modules import mutmut's trampoline, which imports more"
)
def test_a_warm_run_parses_nothing_and_imports_no_rule(monorepo: Path) -> None:
    # What keeps a warm run of a whole monorepo as cheap as reading it: no parser, no rules, no YAML, and
    # not even the model's dataclasses (their import, with `inspect`'s, is a tenth of a small run).
    code = (
        "import sys; from modforge.cli import main; status = main(['check']); "
        "print(status, sorted(m for m in sys.modules if m in ('yaml', 'modforge.documents.parser') "
        "or m.startswith('modforge.checker.rules') or m == 'dataclasses'))"
    )
    cold = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    warm = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert cold.stdout.splitlines()[-1].startswith("1 ['dataclasses', 'modforge.checker.rules'")
    assert "'modforge.documents.parser'" in cold.stdout.splitlines()[-1]
    assert warm.stdout.splitlines()[-1] == "1 []"
    finding = "modules/oagw/docs/INTENT_DESIGN.md:65:5: MF202 SCEN-OAGW-99 is not defined"
    assert cold.stdout.splitlines()[0].startswith(finding)
    assert warm.stdout.splitlines()[:-1] == cold.stdout.splitlines()[:-1], "the same findings"


def test_a_second_run_comes_from_the_cache_with_the_same_findings(monorepo: Path) -> None:
    first = check()
    assert findings(first) == [("modules/oagw/docs/INTENT_DESIGN.md", 65, "MF202")]
    assert (first.modules, first.documents, first.cached) == (2, 18, 0)
    second = check()
    assert (second.diagnostics, second.cached) == (first.diagnostics, 2)


def test_editing_a_document_checks_that_module_again(monorepo: Path) -> None:
    check()
    break_module(monorepo / "modules" / "cred-store", "CRED")
    result = check()
    assert result.cached == 1
    assert [path for path, _, _ in findings(result)] == [
        "modules/cred-store/docs/INTENT_DESIGN.md",
        "modules/oagw/docs/INTENT_DESIGN.md",
    ]


# Each change, the modules the next run still takes from the cache, and a finding only the change explains.
DEPENDENCIES = {
    "answers": (1, ("modules/cred-store/docs/INTENT_DESIGN.md", "MF103")),  # CRED is no longer the module's prefix
    "global requirements": (0, ("modules/cred-store/docs/INTENT_DESIGN.md", "MF205")),  # REQ-3 is no longer global
    "leftover": (1, ("modules/cred-store/docs/TASKS.md.rej", "MF012")),
    "settings": (0, None),  # MF2 ignored: the one finding, oagw's MF202, is gone
}


@pytest.mark.parametrize("change", sorted(DEPENDENCIES))
def test_what_findings_depend_on_besides_the_documents_invalidates_the_cache(monorepo: Path, change: str) -> None:
    before = findings(check())
    assert before == [("modules/oagw/docs/INTENT_DESIGN.md", 65, "MF202")]
    settings = None
    module = monorepo / "modules" / "cred-store"
    if change == "answers":
        answers = module / layout.ANSWERS_FILE
        answers.write_text(answers.read_text(encoding="utf-8").replace("id_prefix: CRED", "id_prefix: CREDX"))
    elif change == "global requirements":
        guidelines = monorepo / layout.GLOBAL_REQUIREMENTS_PATH
        guidelines.parent.mkdir()
        guidelines.write_text("# Module requirements\n\n### REQ-1: Tenant isolation\n")
    elif change == "leftover":
        (module / layout.DOCS_DIR / "TASKS.md.rej").write_text("@@ -1 +1 @@\n")
    else:
        settings = Settings(ignore=("MF2",))
    result = check(settings=settings)
    expected_cached, new_finding = DEPENDENCIES[change]
    assert result.cached == expected_cached
    after = {(path, code) for path, _, code in findings(result)}
    if new_finding is None:
        assert after == set()
    else:
        assert new_finding in after
        assert new_finding not in {(path, code) for path, _, code in before}
    fresh = check(settings=settings, use_cache=False)
    assert result.diagnostics == fresh.diagnostics


def test_without_the_cache_every_module_is_checked_again(monorepo: Path) -> None:
    check()
    result = check(use_cache=False)
    assert result.cached == 0
    assert findings(result) == [("modules/oagw/docs/INTENT_DESIGN.md", 65, "MF202")]


def cache_file(root: Path) -> Path:
    return root / engine.CACHE_DIR / engine.CACHE_FILE


def test_a_corrupt_cache_file_is_ignored_and_rewritten(monorepo: Path) -> None:
    expected = check().diagnostics
    cache_file(monorepo).write_bytes(b"\x00 not json")
    result = check()
    assert (result.diagnostics, result.cached) == (expected, 0)
    assert json.loads(cache_file(monorepo).read_text())["format"] == engine.CACHE_FORMAT
    assert check().cached == 2


@pytest.mark.parametrize(
    ("damage", "still_cached"),
    [
        (lambda cache: cache.update(format=engine.CACHE_FORMAT + 1), 0),
        (lambda cache: cache.update(modules=["not", "a", "mapping"]), 0),
        (lambda cache: cache["modules"]["modules/oagw"].__setitem__(1, "not a list of findings"), 1),
        (lambda cache: cache["modules"]["modules/oagw"][1].append([1, 2]), 1),
    ],
    ids=["other format", "wrong modules", "wrong findings", "short finding"],
)
def test_a_cache_of_another_shape_is_a_miss(monorepo: Path, damage, still_cached: int) -> None:
    """A whole cache of another shape is dropped; one module's damaged entry is a miss for that module only."""
    expected = check().diagnostics
    cache = json.loads(cache_file(monorepo).read_text())
    damage(cache)
    cache_file(monorepo).write_text(json.dumps(cache))
    result = check()
    assert result.diagnostics == expected
    assert result.cached == still_cached


def test_a_module_that_is_gone_leaves_the_cache(monorepo: Path) -> None:
    check()
    shutil.rmtree(monorepo / "modules" / "cred-store")
    break_module(monorepo / "modules" / "oagw")
    check()
    assert sorted(json.loads(cache_file(monorepo).read_text())["modules"]) == ["modules/oagw"]


def test_the_cache_folder_keeps_itself_out_of_git(monorepo: Path) -> None:
    check()
    assert (monorepo / engine.CACHE_DIR / ".gitignore").read_text().splitlines()[-1] == "*"


def test_a_read_only_monorepo_is_checked_without_a_cache(monorepo: Path) -> None:
    (monorepo / engine.CACHE_DIR).write_text("a file where the cache folder would go")
    assert findings(check()) == [("modules/oagw/docs/INTENT_DESIGN.md", 65, "MF202")]


def test_concurrent_runs_do_not_break_each_other(monorepo: Path) -> None:
    for index in range(6):
        add_module(monorepo, f"extra-{index}", f"EXTRA{index}")
    command = [str(MODFORGE), "check", "--format", "json"]
    for _ in range(3):
        shutil.rmtree(monorepo / engine.CACHE_DIR, ignore_errors=True)
        runs = [
            subprocess.Popen(command, cwd=monorepo, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(4)
        ]
        outputs = [run.communicate(timeout=120) for run in runs]
        assert [run.returncode for run in runs] == [1] * 4, [err for _, err in outputs]
        assert len({out for out, _ in outputs}) == 1
    assert check().cached == 8


# --- what is shown ------------------------------------------------------------------------------------
def test_a_document_path_shows_only_that_document_from_a_full_cache(monorepo: Path) -> None:
    check()
    design = check(["modules/oagw/docs/INTENT_DESIGN.md"])
    assert (findings(design), design.cached) == ([("modules/oagw/docs/INTENT_DESIGN.md", 65, "MF202")], 1)
    assert findings(check(["modules/oagw/docs/TASKS.md"])) == []


def test_paths_are_shown_from_the_working_directory_even_for_cached_findings(
    monorepo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    check()
    monkeypatch.chdir(monorepo / "modules" / "oagw")
    inside = check(["."])
    assert (findings(inside), inside.cached) == ([("docs/INTENT_DESIGN.md", 65, "MF202")], 1)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    outside = check([str(monorepo)])
    assert findings(outside) == [(str(monorepo / "modules/oagw/docs/INTENT_DESIGN.md"), 65, "MF202")]


def test_findings_are_sorted_by_path_line_and_column(monorepo: Path) -> None:
    break_module(monorepo / "modules" / "cred-store", "CRED")
    design = monorepo / "modules" / "oagw" / layout.DOCS_DIR / layout.INTENT_DESIGN
    design.write_text("See REQ-OAGW-77.\n" + design.read_text(encoding="utf-8"))
    keys = [(d.path, d.line, d.column) for d in check().diagnostics]
    assert keys == sorted(keys)
    assert len(keys) == 3


# --- worker processes ------------------------------------------------------------------------------------
def test_worker_processes_give_the_same_findings_as_one_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "big"
    (root / ".git").mkdir(parents=True)
    count = engine.PARALLEL_MIN_MODULES + 4
    for index in range(count):
        add_module(root, f"m{index:02d}", f"M{index:02d}X", defect=index % 3 == 0)
    monkeypatch.chdir(root)
    takers = tmp_path / "takers"
    takers.mkdir()
    process = engine._process

    def process_and_record(work, index):  # which processes took modules (the workers write it where all can see)
        meet(takers, 2)
        return process(work, index)

    monkeypatch.setattr(engine, "_process", process_and_record)
    parallel = check(use_cache=False, jobs=2)
    assert len(pids(takers)) == 2, "a forked worker and this process both checked modules"
    monkeypatch.setattr(engine, "_process", process)
    single = check(use_cache=False, jobs=1)
    assert parallel.diagnostics == single.diagnostics
    assert len(parallel.diagnostics) == len(range(0, count, 3))
    assert check().cached == count, "the workers' findings were cached"
