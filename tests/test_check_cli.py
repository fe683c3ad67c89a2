"""`modforge check` and `modforge rules` as users run them: a real subprocess in a real monorepo folder."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from modforge.spec import layout

REPO_ROOT = Path(__file__).resolve().parent.parent
MODFORGE = Path(sys.executable).parent / "modforge"
CLEAN = Path(__file__).parent / "fixtures" / "check" / "clean-module"
RULES_DOC = REPO_ROOT / "docs" / "RULES.md"
LINE = re.compile(r"^(?P<path>[^:\n]+):(?P<line>\d+):(?P<column>\d+): (?P<code>MF\d{3}) (?P<message>.+)$")


def modforge(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(MODFORGE), *args], cwd=cwd, capture_output=True, text=True, timeout=120)


@pytest.fixture
def monorepo(tmp_path: Path) -> Path:
    """A monorepo (a git root) holding the clean module as modules/oagw."""
    root = tmp_path / "monorepo"
    (root / ".git").mkdir(parents=True)
    shutil.copytree(CLEAN, root / "modules" / "oagw")
    return root


def docs(root: Path, module: str = "oagw") -> Path:
    return root / "modules" / module / layout.DOCS_DIR


def break_task_reference(root: Path, module: str = "oagw") -> None:
    """An error (MF203) in TASKS.md: a reference to a task that does not exist."""
    path = docs(root, module) / layout.TASKS
    path.write_text(path.read_text(encoding="utf-8").replace("(TASK-OAGW-02)", "(TASK-OAGW-12)"), encoding="utf-8")


def add_orphan_requirement(root: Path) -> None:
    """A warning (MF901): a requirement nothing references."""
    path = docs(root) / layout.INTENT_REQUIREMENTS
    text = path.read_text(encoding="utf-8")
    path.write_text(text + "\n### REQ-OAGW-5: Metrics\nThe gateway SHOULD export metrics.\n", encoding="utf-8")


def position(root: Path, doc: str, needle: str, module: str = "oagw") -> tuple[int, int]:
    """(line, column) of `needle` in a document: where a finding about it must point."""
    lines = (docs(root, module) / doc).read_text(encoding="utf-8").splitlines()
    (line,) = [number for number, text in enumerate(lines, start=1) if needle in text]
    return line, lines[line - 1].index(needle) + 1


def codes(result: subprocess.CompletedProcess[str]) -> list[str]:
    return [m["code"] for m in map(LINE.match, result.stdout.splitlines()) if m]


# --- findings, formats and exit codes ----------------------------------------------------------
def test_clean_module_passes_with_exit_0(monorepo: Path) -> None:
    result = modforge("check", "modules/oagw", cwd=monorepo)
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == "All checks passed (1 module, 9 documents).\n"


def test_error_is_printed_as_path_line_column_code_message_and_exits_1(monorepo: Path) -> None:
    break_task_reference(monorepo)
    result = modforge("check", cwd=monorepo)
    assert result.returncode == 1
    first, summary = result.stdout.splitlines()
    line, column = position(monorepo, layout.TASKS, "TASK-OAGW-12")
    assert first == (
        f"modules/oagw/docs/TASKS.md:{line}:{column}: MF203 TASK-OAGW-12 is not defined: "
        "add `### TASK-OAGW-12: Title` to TASKS.md, or fix the reference"
    )
    assert summary == "Found 1 error and 0 warnings (1 module, 9 documents checked)."


def test_warnings_alone_exit_0(monorepo: Path) -> None:
    add_orphan_requirement(monorepo)
    result = modforge("check", cwd=monorepo)
    assert result.returncode == 0
    assert codes(result) == ["MF901"]


def test_json_format_lists_every_diagnostic_with_a_summary(monorepo: Path) -> None:
    break_task_reference(monorepo)
    add_orphan_requirement(monorepo)
    result = modforge("check", "--format", "json", cwd=monorepo)
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert [(d["code"], d["severity"], d["path"], d["line"], d["column"]) for d in report["diagnostics"]] == [
        (
            "MF901",
            "warning",
            "modules/oagw/docs/INTENT_REQUIREMENTS.md",
            *position(monorepo, "INTENT_REQUIREMENTS.md", "REQ-OAGW-5"),
        ),
        ("MF203", "error", "modules/oagw/docs/TASKS.md", *position(monorepo, "TASKS.md", "TASK-OAGW-12")),
    ]
    assert set(report["diagnostics"][0]) == {"path", "line", "column", "code", "severity", "message"}
    assert report["summary"] == {"errors": 1, "warnings": 1, "modules": 1, "documents": 9}


def test_github_format_writes_one_workflow_annotation_per_finding(monorepo: Path) -> None:
    break_task_reference(monorepo)
    add_orphan_requirement(monorepo)
    result = modforge("check", "--format", "github", cwd=monorepo)
    assert result.returncode == 1
    warning = position(monorepo, "INTENT_REQUIREMENTS.md", "REQ-OAGW-5")
    error = position(monorepo, "TASKS.md", "TASK-OAGW-12")
    assert result.stdout.splitlines() == [
        f"::warning file=modules/oagw/docs/INTENT_REQUIREMENTS.md,line={warning[0]},col={warning[1]},title=MF901::"
        "REQ-OAGW-5 is referenced by no scenario and no task: cite it where it is met, or remove it",
        f"::error file=modules/oagw/docs/TASKS.md,line={error[0]},col={error[1]},title=MF203::"
        "TASK-OAGW-12 is not defined: add `### TASK-OAGW-12: Title` to TASKS.md, or fix the reference",
    ]


def test_paths_outside_the_working_directory_are_shown_absolute(monorepo: Path, tmp_path: Path) -> None:
    break_task_reference(monorepo)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = modforge("check", str(monorepo / "modules" / "oagw"), cwd=elsewhere)
    line, column = position(monorepo, layout.TASKS, "TASK-OAGW-12")
    assert result.stdout.startswith(f"{docs(monorepo) / layout.TASKS}:{line}:{column}: MF203 ")


def test_global_requirements_come_from_the_monorepos_guidelines_when_it_has_them(monorepo: Path) -> None:
    assert codes(modforge("check", cwd=monorepo)) == []  # REQ-20 is in the built-in list
    guidelines = monorepo / layout.GLOBAL_REQUIREMENTS_PATH
    guidelines.parent.mkdir()
    guidelines.write_text(
        "# Module requirements\n\n### REQ-1: Tenant isolation\n\n### REQ-3: Authorization\n\n### REQ-10: Tracing\n"
    )
    result = modforge("check", "--format", "json", cwd=monorepo)
    found = [(d["code"], d["path"], d["message"]) for d in json.loads(result.stdout)["diagnostics"]]
    message = (
        "REQ-20 is not a global requirement (none in guidelines/MODULE_REQUIREMENTS.md): "
        "fix the number, or add it to the global list"
    )
    assert found == [
        ("MF205", "modules/oagw/docs/INTENT_SCENARIOS.md", message),
        ("MF205", "modules/oagw/docs/TASKS.md", message),
    ]


def test_github_annotations_escape_what_workflow_commands_reserve(tmp_path: Path) -> None:
    from modforge.checker.diagnostic import Diagnostic
    from modforge.checker.output import Summary, github

    (tmp_path / ".git").mkdir()  # the check ran at a repository's root (not wherever the suite runs from)
    diagnostic = Diagnostic("docs/a,b:c.md", 3, 7, "MF101", "error", "50% done\nnext line")
    assert github([diagnostic], Summary.of([diagnostic], 1, 1), cwd=str(tmp_path)) == (
        "::error file=docs/a%2Cb%3Ac.md,line=3,col=7,title=MF101::50%25 done%0Anext line\n"
    )


# --- what gets checked ---------------------------------------------------------------------------
def test_no_path_checks_every_module_under_the_working_directory(monorepo: Path) -> None:
    second = monorepo / "services" / "cred-store"
    shutil.copytree(CLEAN, second)
    for path in [second / layout.ANSWERS_FILE, *(second / layout.DOCS_DIR).iterdir()]:
        path.write_text(path.read_text(encoding="utf-8").replace("OAGW", "CRED"), encoding="utf-8")
    tasks = second / layout.DOCS_DIR / layout.TASKS
    tasks.write_text(tasks.read_text(encoding="utf-8").replace("(TASK-CRED-02)", "(TASK-CRED-12)"), encoding="utf-8")
    result = modforge("check", cwd=monorepo)
    assert result.returncode == 1
    *lines, summary = result.stdout.splitlines()
    assert [line.split(":")[0] for line in lines] == ["services/cred-store/docs/TASKS.md"]
    assert summary == "Found 1 error and 0 warnings (2 modules, 18 documents checked)."


def test_a_document_path_reports_only_that_document_but_resolves_against_its_module(monorepo: Path) -> None:
    break_task_reference(monorepo)
    add_orphan_requirement(monorepo)
    tasks = "modules/oagw/docs/TASKS.md"
    only_tasks = modforge("check", tasks, cwd=monorepo)
    assert (only_tasks.returncode, codes(only_tasks)) == (1, ["MF203"])
    # TASKS.md cites requirements and scenarios defined in the other documents: they resolve.
    design = modforge("check", "modules/oagw/docs/INTENT_DESIGN.md", cwd=monorepo)
    assert (design.returncode, codes(design)) == (0, [])


def test_select_and_ignore_choose_rules_by_code_or_prefix(monorepo: Path) -> None:
    break_task_reference(monorepo)
    add_orphan_requirement(monorepo)
    assert codes(modforge("check", "--select", "MF9", cwd=monorepo)) == ["MF901"]
    assert codes(modforge("check", "--ignore", "MF901", cwd=monorepo)) == ["MF203"]
    assert codes(modforge("check", "--ignore", "MF901,MF2", cwd=monorepo)) == []
    assert codes(modforge("check", "--select", "MF2", "--select", "MF901", cwd=monorepo)) == ["MF901", "MF203"]
    # The more specific entry wins: everything but MF2xx, except MF203.
    assert codes(modforge("check", "--ignore", "MF2", "--select", "ALL,MF203", cwd=monorepo)) == ["MF901", "MF203"]


@pytest.mark.parametrize(
    ("name", "content"),
    [
        (".modforge.toml", 'ignore = ["MF203"]\n'),
        ("pyproject.toml", '[project]\nname = "monorepo"\n\n[tool.modforge]\nignore = ["MF203"]\n'),
    ],
)
def test_config_file_at_the_monorepo_root_sets_the_rules(monorepo: Path, name: str, content: str) -> None:
    break_task_reference(monorepo)
    add_orphan_requirement(monorepo)
    (monorepo / name).write_text(content)
    from_root = modforge("check", cwd=monorepo)
    assert (from_root.returncode, codes(from_root)) == (0, ["MF901"])
    from_module = modforge("check", ".", cwd=monorepo / "modules" / "oagw")
    assert codes(from_module) == ["MF901"]
    # --select replaces the file's selection, the file's ignores still apply; --ignore adds to them.
    assert codes(modforge("check", "--select", "MF2", cwd=monorepo)) == []
    assert codes(modforge("check", "--select", "MF9,MF2", cwd=monorepo)) == ["MF901"]
    assert codes(modforge("check", "--ignore", "MF9", cwd=monorepo)) == []
    assert codes(modforge("check", "--ignore", "MF1", cwd=monorepo)) == ["MF901"]


# --- usage and I/O problems: exit 2, one line, no traceback --------------------------------------
def assert_one_line_error(result: subprocess.CompletedProcess[str], *words: str) -> None:
    assert result.returncode == 2, result
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert result.stderr.startswith("modforge check: error: ")
    for word in words:
        assert word in result.stderr


def test_missing_path_is_a_one_line_error(monorepo: Path) -> None:
    assert_one_line_error(modforge("check", "modules/nope", cwd=monorepo), "modules/nope")


def test_unknown_rule_code_on_the_command_line_is_a_one_line_error(monorepo: Path) -> None:
    assert_one_line_error(modforge("check", "--select", "MF999", cwd=monorepo), "MF999", "modforge rules")


def test_unknown_rule_code_in_the_config_file_is_a_one_line_error(monorepo: Path) -> None:
    (monorepo / ".modforge.toml").write_text('ignore = ["XX1"]\n')
    assert_one_line_error(modforge("check", cwd=monorepo), "XX1", ".modforge.toml")


def test_broken_config_file_is_a_one_line_error(monorepo: Path) -> None:
    (monorepo / ".modforge.toml").write_text("ignore = [\n")
    assert_one_line_error(modforge("check", cwd=monorepo), ".modforge.toml", "TOML")
    (monorepo / ".modforge.toml").write_text('selected = ["MF1"]\n')
    assert_one_line_error(modforge("check", cwd=monorepo), "selected")


def test_unknown_format_is_a_usage_error(monorepo: Path) -> None:
    result = modforge("check", "--format", "xml", cwd=monorepo)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr


def test_no_cache_gives_the_same_findings(monorepo: Path) -> None:
    break_task_reference(monorepo)
    first = modforge("check", cwd=monorepo)
    again = modforge("check", cwd=monorepo)
    fresh = modforge("check", "--no-cache", cwd=monorepo)
    assert [run.returncode for run in (first, again, fresh)] == [1, 1, 1]
    assert codes(first) == ["MF203"], first.stdout + first.stderr
    assert first.stdout == again.stdout == fresh.stdout


# --- the rule catalogue ----------------------------------------------------------------------------
def test_rules_lists_every_rule_with_code_severity_and_name(tmp_path: Path) -> None:
    from modforge.checker.rules import RULES

    result = modforge("rules", cwd=tmp_path)
    assert result.returncode == 0
    rows = [line.split()[:3] for line in result.stdout.splitlines()]
    assert rows == [[r.code, r.severity, r.name] for r in RULES]


def test_rules_json_gives_every_field(tmp_path: Path) -> None:
    entries = json.loads(modforge("rules", "--format", "json", cwd=tmp_path).stdout)
    assert {e["code"] for e in entries} >= {"MF101", "MF201", "MF402", "MF502", "MF604", "MF901"}
    assert all(set(e) == {"code", "name", "severity", "family", "message", "summary", "doc"} for e in entries)


def test_rules_catalogue_in_docs_is_generated_from_the_rules(tmp_path: Path) -> None:
    generated = modforge("rules", "--format", "markdown", cwd=tmp_path).stdout
    assert RULES_DOC.read_text(encoding="utf-8") == generated, (
        "docs/RULES.md is stale: run `modforge rules --format markdown > docs/RULES.md`"
    )
