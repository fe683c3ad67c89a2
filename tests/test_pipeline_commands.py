"""status, gate, next-id and trace on real modules: bad input (one line, exit 2, no traceback), next-id's numbering,
the coverage criterion, the Rust reading behind gate 3.3, and the two builders of a module's facts agreeing."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest
from cli_helpers import modforge, one_error_line
from prompt_helpers import copy_at_stage

from modforge.documents import loader
from modforge.pipeline import facts, rust

MODULE = "modules/cred-store"


@pytest.fixture(scope="module")
def repo(template_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A monorepo whose module has finished Step 4 of phase 1 (the last pipeline fixture stage)."""
    return copy_at_stage(template_dir, tmp_path_factory.mktemp("pipeline"), "step4")


# --- bad input ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("args", "command", "words"),
    [
        (("gate", "7", MODULE), "gate", "unknown step '7'"),
        (("gate", "2", "modules/nowhere"), "gate", "no such folder"),
        (("gate", "2", "modules"), "gate", "not a module"),
        (("gate", "4", MODULE, "--phase", "9"), "gate", "--phase 9 is out of range"),
        (("gate", "5", MODULE, "--phase", "1"), "gate", "phase 2 and later"),
        (("gate", "4", MODULE, "--coverage", "missing.info"), "gate", "cannot read the coverage report"),
        (("next-id", "ISSUE", MODULE), "next-id", "unknown kind 'ISSUE'"),
        (("next-id", "REQ", MODULE, "--count", "0"), "next-id", "--count 0"),
        (("next-id", "REQ", "modules/nowhere"), "next-id", "no such folder"),
        (("status", "modules/nowhere"), "status", "no such file or folder"),
        (("trace", "modules/nowhere"), "trace", "no such file or folder"),
        (("trace", MODULE, "-o", "modules"), "trace", "is a folder"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(repo: Path, args: tuple[str, ...], command: str, words: str) -> None:
    before = sorted(p for p in repo.rglob("*") if ".git" not in p.parts and ".modforge-cache" not in p.parts)
    result = modforge(*args, cwd=repo)
    assert result.returncode == 2
    assert words in one_error_line(result, command)
    assert result.stdout == ""
    after = sorted(p for p in repo.rglob("*") if ".git" not in p.parts and ".modforge-cache" not in p.parts)
    assert before == after  # nothing written


def test_a_module_without_answers_is_refused_by_gate_and_next_id(repo: Path, tmp_path: Path) -> None:
    module = tmp_path / "modules" / "bare"
    shutil.copytree(repo / MODULE / "docs", module / "docs")
    for command in (("gate", "2"), ("next-id", "SCEN")):
        result = modforge(*command, module, cwd=tmp_path)
        assert result.returncode == 2
        assert "no .copier-answers.yml" in one_error_line(result, command[0])


@pytest.mark.parametrize("command", [("status",), ("trace",), ("gate", "2"), ("next-id", "REQ")])
def test_an_unreadable_document_is_refused(repo: Path, tmp_path: Path, command: tuple[str, ...]) -> None:
    root = tmp_path / "mono"
    shutil.copytree(repo, root, ignore=shutil.ignore_patterns(".modforge-cache"))
    (root / MODULE / "docs" / "TASKS.md").write_bytes(b"# Tasks\n\xff\xfe broken\n")
    result = modforge(*command, MODULE, cwd=root)
    assert result.returncode == 2
    line = one_error_line(result, command[0])
    assert "TASKS.md" in line
    assert "UTF-8" in line


def test_a_broken_coverage_report_is_refused(repo: Path, tmp_path: Path) -> None:
    report = tmp_path / "coverage.txt"
    report.write_text("hello\n", encoding="utf-8")
    result = modforge("gate", "4", MODULE, "--coverage", report, cwd=repo)
    assert result.returncode == 2
    assert "neither an lcov report" in one_error_line(result, "gate")


# --- next-id --------------------------------------------------------------------------------------------------
def test_next_id_never_reuses_a_number_any_document_holds(repo: Path) -> None:
    assert modforge("next-id", "scen", MODULE, cwd=repo).stdout == "SCEN-CREDSTORE-13\n"
    # REQ-CREDSTORE-11 is defined only in ACTUAL_REQUIREMENTS.md (a requirement the code added)
    assert modforge("next-id", "REQ", MODULE, "--count", "2", cwd=repo).stdout == "REQ-CREDSTORE-12\nREQ-CREDSTORE-13\n"
    assert modforge("next-id", "TASK", MODULE, cwd=repo).stdout == "TASK-CREDSTORE-10\n"
    assert modforge("next-id", "PHASE", MODULE, cwd=repo).stdout == "PHASE-CREDSTORE-3\n"


def test_next_id_counts_ids_only_the_changelog_names(repo: Path, tmp_path: Path) -> None:
    root = tmp_path / "mono"
    shutil.copytree(repo, root, ignore=shutil.ignore_patterns(".modforge-cache"))
    changelog = root / MODULE / "docs" / "CHANGELOG.md"
    changelog.write_text(changelog.read_text() + "### Removed\n- SCEN-CREDSTORE-13: Dropped\n", encoding="utf-8")
    assert modforge("next-id", "SCEN", MODULE, cwd=root).stdout == "SCEN-CREDSTORE-14\n"


# --- gate 4 with a coverage report ------------------------------------------------------------------------------
def _lcov(hit: int, total: int, path: str) -> str:
    lines = [f"DA:{n},{1 if n <= hit else 0}" for n in range(1, total + 1)]
    return "\n".join(["TN:", f"SF:{path}", *lines, "end_of_record", "SF:/elsewhere/x.rs", "DA:1,0", "end_of_record"])


@pytest.mark.parametrize(("hit", "passed"), [(95, True), (80, False)])
def test_gate_4_reads_lcov_coverage_of_the_module_only(repo: Path, tmp_path: Path, hit: int, passed: bool) -> None:
    report = tmp_path / "lcov.info"
    report.write_text(_lcov(hit, 100, f"{MODULE}/cred-store/src/lib.rs"), encoding="utf-8")
    result = modforge("gate", "4", MODULE, "--coverage", report, "--format", "json", cwd=repo)
    criteria = {c["key"]: c for c in json.loads(result.stdout)["criteria"]}
    assert criteria["coverage"]["result"] == ("pass" if passed else "fail")
    assert result.returncode == (0 if passed else 1)
    if not passed:
        assert "80.0%" in criteria["coverage"]["failures"][0]["message"]


def test_gate_4_reads_cobertura(repo: Path, tmp_path: Path) -> None:
    lines = "".join(f'<line number="{n}" hits="{1 if n < 10 else 0}"/>' for n in range(1, 11))
    report = tmp_path / "cobertura.xml"
    report.write_text(
        f'<?xml version="1.0"?><coverage><sources><source>{repo}</source></sources><packages><package><classes>'
        f'<class filename="{MODULE}/cred-store/src/lib.rs"><lines>{lines}</lines></class>'
        "</classes></package></packages></coverage>",
        encoding="utf-8",
    )
    result = modforge("gate", "4", MODULE, "--coverage", report, "--format", "json", cwd=repo)
    coverage = next(c for c in json.loads(result.stdout)["criteria"] if c["key"] == "coverage")
    assert coverage["result"] == "pass"


def test_gate_github_format_annotates_failures(repo: Path) -> None:
    result = modforge("gate", "5", MODULE, "--phase", "2", "--format", "github", cwd=repo)
    assert result.returncode == 1
    assert f"::error file={MODULE}/docs/TASKS.md,line=" in result.stdout
    assert "::notice title=For the reviewer::" in result.stdout


def test_gate_3_3_fails_an_unregistered_handler_with_its_line(repo: Path, tmp_path: Path) -> None:
    root = tmp_path / "mono"
    shutil.copytree(repo, root, ignore=shutil.ignore_patterns(".modforge-cache"))
    handlers = root / MODULE / "cred-store" / "src" / "api" / "rest" / "handlers.rs"
    handlers.write_text(
        handlers.read_text() + "\npub async fn rotate() -> ApiResult<()> {\n    Ok(())\n}\n", encoding="utf-8"
    )
    result = modforge("gate", "3.3", MODULE, "--format", "json", cwd=root)
    criteria = {c["key"]: c for c in json.loads(result.stdout)["criteria"]}
    line = handlers.read_text().splitlines().index("pub async fn rotate() -> ApiResult<()> {") + 1
    assert criteria["routes"]["failures"] == [
        {
            "path": f"{MODULE}/cred-store/src/api/rest/handlers.rs",
            "line": line,
            "message": "handler `rotate` is not registered with OperationBuilder in routes.rs",
        }
    ]
    assert criteria["tracing"]["failures"][0]["line"] == line


def test_gate_3_3_tracing_reads_the_platforms_layouts(repo: Path, tmp_path: Path) -> None:
    """As the platform's users-info example writes it: `#[instrument]` imported from tracing, handlers and service
    split into folders of files (unit-test files beside them are not entry points)."""
    root = tmp_path / "mono"
    shutil.copytree(repo, root, ignore=shutil.ignore_patterns(".modforge-cache"))
    src = root / MODULE / "cred-store" / "src"
    service = src / "domain" / "service.rs"
    text = service.read_text(encoding="utf-8")
    service.write_text(
        "use tracing::instrument;\n"
        + text.replace("#[tracing::instrument(skip(self, ctx))]", "#[instrument(skip(self, ctx))]"),
        encoding="utf-8",
    )
    (src / "domain" / "service").mkdir()
    (src / "domain" / "service" / "rotation.rs").write_text(
        "#[instrument(skip_all)]\npub async fn rotate() {}\n\n#[tracing::instrument]\npub async fn expire() {}\n",
        encoding="utf-8",
    )
    (src / "domain" / "service" / "tests_rotation.rs").write_text("pub async fn helper() {}\n", encoding="utf-8")
    result = modforge("gate", "3.3", MODULE, "--phase", "1", "--format", "json", cwd=root)
    tracing = next(c for c in json.loads(result.stdout)["criteria"] if c["key"] == "tracing")
    assert tracing["failures"] == [
        {
            "path": f"{MODULE}/cred-store/src/domain/service/rotation.rs",
            "line": 2,
            "message": "`rotate` has no #[tracing::instrument]",  # a bare #[instrument] not imported from tracing
        }
    ]


# --- status of a monorepo --------------------------------------------------------------------------------------
def test_status_table_has_one_row_per_module(repo: Path, tmp_path: Path) -> None:
    root = tmp_path / "mono"
    shutil.copytree(repo, root, ignore=shutil.ignore_patterns(".modforge-cache"))
    shutil.copytree(root / MODULE, root / "modules" / "other-store")
    answers = root / "modules" / "other-store" / ".copier-answers.yml"
    answers.write_text(answers.read_text().replace("cred-store", "other-store").replace("CREDSTORE", "OTHERSTORE"))
    for doc in (root / "modules" / "other-store" / "docs").glob("*.md"):
        doc.write_text(doc.read_text().replace("CREDSTORE", "OTHERSTORE"))
    text = modforge("status", cwd=root).stdout
    rows = text.splitlines()
    assert rows[0].split()[:3] == ["MODULE", "STEP", "PHASE"]
    assert [row.split()[0] for row in rows[1:]] == [MODULE, "modules/other-store"]
    cold = json.loads(modforge("status", "--format", "json", cwd=root).stdout)
    warm = json.loads(modforge("status", "--format", "json", cwd=root).stdout)  # facts from the cache
    assert cold == warm
    assert cold["version"] == 1
    assert len(cold["modules"]) == 2


# --- the Rust reading behind gate 3.3 ----------------------------------------------------------------------------
RUST = r"""
/// Lists things.
#[tracing::instrument(
    skip_all,
    fields(id = %id)
)]
pub async fn listed(id: u32) -> u32 { id }

// pub async fn commented_out() {}
const TEXT: &str = "pub async fn in_a_string() {}";
const RAW: &str = r#"fn in_a_raw_string() "quoted" "#;
fn lifetimes<'a>(x: &'a str) -> char { let _ = x; 'x' }

/* pub fn in_a /* nested */ comment() {} */
#[cfg(test)]
pub(crate) fn bare() {}
"""


def test_rust_functions_skip_comments_and_strings() -> None:
    found = {f.name: f for f in rust.functions(RUST)}
    assert sorted(found) == ["bare", "lifetimes", "listed"]
    assert rust.instrumented(found["listed"])
    assert found["listed"].is_async
    assert found["listed"].line == 7
    assert not rust.instrumented(found["bare"])
    assert found["bare"].public
    assert not found["lifetimes"].public


def test_registered_handlers_need_an_operation_builder() -> None:
    routes = 'router = OperationBuilder::get("/x")\n    .handler(handlers::list_items)\n    .register(router, api);'
    assert rust.registered_handlers(routes) == {"list_items": 2}
    assert rust.registered_handlers('router.route("/x", get(list_items)).handler(list_items)') == {}


# --- the two builders of facts agree ------------------------------------------------------------------------------
def _bench_module(tmp_path: Path, spelling: str = "canonical") -> Path:
    sys.path.insert(0, str(Path(__file__).parent.parent / "bench"))
    import check as bench_check  # bench/check.py writes the benchmark's modules

    bench_check.generate(tmp_path / spelling, 3, spelling)
    return tmp_path / spelling / "modules" / "service-0001"


def test_facts_from_the_canonical_text_equal_facts_from_the_model(tmp_path: Path, repo: Path) -> None:
    from modforge.checker import quickcheck

    spec_examples = Path(__file__).parent / "fixtures" / "check" / "spec-examples"  # `## Phase 1` task groups
    modules = [_bench_module(tmp_path), _bench_module(tmp_path, "spec"), spec_examples, repo / MODULE]
    proven = 0
    for module in modules:
        source = loader.read_module(module)
        model_facts = facts.from_module(loader.build_module(source), source)
        read: dict = {}
        if quickcheck.proven_clean(source, loader.load_global_requirements(source.repo_root), read):
            proven += 1
            assert facts.from_canonical(source, read) == model_facts, module
        assert model_facts["defs"]
    assert proven >= 3  # the benchmark's modules (both spellings) and the spec's examples are proven clean


def test_facts_agree_where_the_quick_readings_do_not_hold(tmp_path: Path) -> None:
    """The canonical reading's shortcuts each have a slower way for a text they do not fit, and both builders still
    agree there: a keyword that starts no ID (`REQUIRED` in a scenario, `SCENARIOS` in a task: the tokens cannot be
    dealt out by counts), a changelog entry naming two scenarios."""
    from modforge.checker import quickcheck

    module = _bench_module(tmp_path)
    docs = module / "docs"
    edits = {
        "INTENT_SCENARIOS.md": ("- **AND** a span is recorded", "- **AND** a REQUIRED span is recorded"),
        "TASKS.md": ("Step 2 (", "Step 2 of the SCENARIOS ("),
        "CHANGELOG.md": ("- SCEN-MAAAB-01: Case 1", "- SCEN-MAAAB-01: Case 1, with SCEN-MAAAB-02"),
    }
    for name, (old, new) in edits.items():
        text = (docs / name).read_text(encoding="utf-8")
        assert old in text, name
        (docs / name).write_text(text.replace(old, new), encoding="utf-8")
    source = loader.read_module(module)
    read: dict = {}
    assert quickcheck.proven_clean(source, loader.load_global_requirements(source.repo_root), read)
    model_facts = facts.from_module(loader.build_module(source), source)
    assert facts.from_canonical(source, read) == model_facts
    assert ["SCEN-MAAAB-02", 9] in model_facts["releases"][1][3]  # both scenarios of the entry, on its line


def test_id_runs_pick_each_kind_out_of_sorted_ids() -> None:
    """The runs status and trace bisect citations with (spelled from the grammar's keywords) hold exactly the IDs
    of their kind, whatever the prefixes and numbers: `REQ-9` before `REQ-A1-1`, `REQ-ZZ-99` before `SCEN-A1-01`."""
    from modforge.spec.grammar import IdKind, format_id

    globals_ = [format_id(IdKind.GLOBAL_REQ, None, n) for n in (1, 9, 10, 123)]
    requirements = [format_id(IdKind.REQ, prefix, n) for prefix in ("A1", "B", "ZZ9") for n in (1, 9, 10)]
    scenarios = [format_id(IdKind.SCEN, prefix, n) for prefix in ("A1", "ZZ9") for n in (1, 99, 100)]
    others = [format_id(IdKind.TASK, "A1", 1), format_id(IdKind.PHASE, "A1", 2)]
    ids = sorted(globals_ + requirements + scenarios + others)
    assert facts.id_run(ids, facts.GLOBAL_REQS) == sorted(globals_)
    assert facts.id_run(ids, facts.MODULE_REQS) == sorted(requirements)
    assert facts.id_run(ids, facts.ALL_REQS) == sorted(globals_ + requirements)
    assert facts.id_run(ids, facts.SCENARIOS) == sorted(scenarios)
