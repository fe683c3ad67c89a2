"""modforge.checker.output: the three printers, stated literally (the format is the point), in this process."""

from __future__ import annotations

import json

import pytest

from modforge import __version__
from modforge.checker import output
from modforge.checker.diagnostic import Diagnostic

ERROR = Diagnostic("modules/oagw/docs/TASKS.md", 12, 5, "MF203", "error", "TASK-OAGW-12 is not defined")
WARNING = Diagnostic("modules/oagw/docs/INTENT_REQUIREMENTS.md", 3, 1, "MF901", "warning", "REQ-OAGW-5 is an orphan")
# What GitHub's workflow commands must escape: % first, then line breaks, and in properties `:` and `,`.
AWKWARD = Diagnostic("docs/a,b:c%.md", 1, 2, "MF0:1", "error", "50% done\r\nnext, line: here")


@pytest.mark.parametrize(
    ("diagnostics", "modules", "documents", "expected"),
    [
        ([], 1, 9, "All checks passed (1 module, 9 documents)."),
        ([], 2, 1, "All checks passed (2 modules, 1 document)."),
        ([], 0, 0, "All checks passed (0 modules, 0 documents)."),
        ([ERROR], 1, 9, "Found 1 error and 0 warnings (1 module, 9 documents checked)."),
        ([WARNING], 3, 27, "Found 0 errors and 1 warning (3 modules, 27 documents checked)."),
        ([ERROR, ERROR, WARNING, WARNING], 1, 9, "Found 2 errors and 2 warnings (1 module, 9 documents checked)."),
    ],
)
def test_the_summary_line_counts_errors_and_warnings_apart(diagnostics, modules, documents, expected):
    summary = output.Summary.of(diagnostics, modules, documents)
    assert output.summary_line(summary) == expected


def test_a_warning_alone_is_never_all_checks_passed():
    text = output.render([WARNING], output.Summary.of([WARNING], 1, 9))
    assert "All checks passed" not in text
    assert text.endswith("Found 0 errors and 1 warning (1 module, 9 documents checked).\n")


def test_text_is_one_line_per_finding_then_the_summary():
    text = output.render([ERROR, WARNING], output.Summary.of([ERROR, WARNING], 1, 9), "text")
    assert text == (
        "modules/oagw/docs/TASKS.md:12:5: MF203 TASK-OAGW-12 is not defined\n"
        "modules/oagw/docs/INTENT_REQUIREMENTS.md:3:1: MF901 REQ-OAGW-5 is an orphan\n"
        "Found 1 error and 1 warning (1 module, 9 documents checked).\n"
    )


def test_json_holds_every_field_and_the_summary():
    text = output.render([ERROR, AWKWARD], output.Summary.of([ERROR, AWKWARD], 2, 18), "json")
    assert text.endswith("}\n")
    assert text.startswith('{\n  "schema_version": 1,\n  "modforge_version": ')
    assert json.loads(text) == {
        "schema_version": 1,
        "modforge_version": __version__,
        "diagnostics": [
            {
                "path": "modules/oagw/docs/TASKS.md",
                "line": 12,
                "column": 5,
                "code": "MF203",
                "severity": "error",
                "message": "TASK-OAGW-12 is not defined",
            },
            {
                "path": "docs/a,b:c%.md",
                "line": 1,
                "column": 2,
                "code": "MF0:1",
                "severity": "error",
                "message": "50% done\r\nnext, line: here",
            },
        ],
        "summary": {"errors": 2, "warnings": 0, "modules": 2, "documents": 18},
    }


def test_json_keeps_non_ascii_text_readable():
    finding = ERROR._replace(message="Kürzel “OAGW” fehlt")
    assert '"message": "Kürzel “OAGW” fehlt"' in output.render([finding], output.Summary.of([finding], 1, 9), "json")


def test_github_annotations_escape_what_workflow_commands_read(tmp_path):
    (tmp_path / ".git").mkdir()  # the repository root, from which GitHub names files
    diagnostics = [ERROR, WARNING, AWKWARD]
    text = output.render(diagnostics, output.Summary.of(diagnostics, 1, 9), "github", cwd=str(tmp_path))
    assert text == (
        "::error file=modules/oagw/docs/TASKS.md,line=12,col=5,title=MF203::TASK-OAGW-12 is not defined\n"
        "::warning file=modules/oagw/docs/INTENT_REQUIREMENTS.md,line=3,col=1,title=MF901::REQ-OAGW-5 is an orphan\n"
        "::error file=docs/a%2Cb%3Ac%25.md,line=1,col=2,title=MF0%3A1::50%25 done%0D%0Anext, line: here\n"
    )


def test_github_names_files_from_the_repository_root(tmp_path):
    (tmp_path / ".git").mkdir()
    module = tmp_path / "modules" / "oagw"
    module.mkdir(parents=True)
    finding = ERROR._replace(path="docs/TASKS.md")  # as the check shows it from inside the module
    text = output.render([finding], output.Summary.of([finding], 1, 9), "github", cwd=str(module))
    assert text.startswith("::error file=modules/oagw/docs/TASKS.md,line=12,col=5,")


def test_text_in_colour_marks_paths_codes_and_the_summary():
    text = output.text([ERROR, WARNING], output.Summary.of([ERROR, WARNING], 1, 9), color=True)
    assert text == (
        "\033[1mmodules/oagw/docs/TASKS.md\033[0m:12:5: \033[1;31mMF203\033[0m TASK-OAGW-12 is not defined\n"
        "\033[1mmodules/oagw/docs/INTENT_REQUIREMENTS.md\033[0m:3:1: \033[1;33mMF901\033[0m REQ-OAGW-5 is an orphan\n"
        "\033[1;31mFound 1 error and 1 warning (1 module, 9 documents checked).\033[0m\n"
    )
    warned = output.text([WARNING], output.Summary.of([WARNING], 1, 9), color=True)
    assert warned.endswith("\033[1;33mFound 0 errors and 1 warning (1 module, 9 documents checked).\033[0m\n")
    clean = output.text([], output.Summary.of([], 1, 9), color=True)
    assert clean == "\033[1;32mAll checks passed (1 module, 9 documents).\033[0m\n"


@pytest.mark.parametrize(
    ("terminal", "environ", "color"),
    [
        (True, {}, True),
        (False, {}, False),
        (True, {"TERM": "dumb"}, False),
        (True, {"NO_COLOR": "1"}, False),
        (False, {"FORCE_COLOR": "1"}, True),
        (True, {"NO_COLOR": "1", "FORCE_COLOR": "1"}, False),
        (True, {"NO_COLOR": ""}, True),
    ],
)
def test_colour_only_on_a_terminal_unless_the_environment_says(terminal, environ, color):
    assert output.wants_color(terminal, environ) is color


def test_a_json_error_names_the_command_and_the_exit_code():
    assert json.loads(output.json_error("check", "no such file", 2)) == {
        "schema_version": 1,
        "modforge_version": __version__,
        "error": {"command": "check", "message": "no such file", "exit_code": 2},
    }


def test_sarif_has_one_result_per_finding_and_each_rule_once(tmp_path):
    (tmp_path / ".git").mkdir()
    absolute = WARNING._replace(path="/elsewhere/x y.md", line=0)
    diagnostics = [ERROR, ERROR._replace(line=13), absolute]
    log = json.loads(output.render(diagnostics, output.Summary.of(diagnostics, 1, 9), "sarif", cwd=str(tmp_path)))
    assert log["version"] == "2.1.0"
    (run,) = log["runs"]
    assert run["tool"]["driver"]["name"] == "modforge"
    assert run["tool"]["driver"]["version"] == __version__
    rules = run["tool"]["driver"]["rules"]
    assert [rule["id"] for rule in rules] == ["MF203", "MF901"]
    assert rules[0]["name"] == "undefined-task"
    assert rules[0]["defaultConfiguration"] == {"level": "error"}
    assert rules[1]["defaultConfiguration"] == {"level": "warning"}
    assert rules[0]["help"] == {"text": "`modforge rules MF203` shows the rule's page."}
    first, second, third = run["results"]
    assert first == {
        "ruleId": "MF203",
        "ruleIndex": 0,
        "level": "error",
        "message": {"text": "TASK-OAGW-12 is not defined"},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": "modules/oagw/docs/TASKS.md", "uriBaseId": "%SRCROOT%"},
                    "region": {"startLine": 12, "startColumn": 5},
                }
            }
        ],
    }
    assert second["locations"][0]["physicalLocation"]["region"]["startLine"] == 13
    assert (third["ruleIndex"], third["level"]) == (1, "warning")
    assert third["locations"][0]["physicalLocation"] == {"artifactLocation": {"uri": "file:///elsewhere/x%20y.md"}}


def test_github_prints_nothing_when_there_is_nothing_to_annotate():
    assert output.render([], output.Summary.of([], 1, 9), "github") == ""


def test_every_format_has_a_printer():
    assert set(output.PRINTERS) == set(output.FORMATS) == {"text", "json", "github", "sarif"}


def test_a_json_error_is_indented_and_keeps_non_ascii_text_as_written():
    assert output.json_error("check", "fichier « introuvable »", 2) == (
        "{\n"
        '  "schema_version": 1,\n'
        f'  "modforge_version": "{__version__}",\n'
        '  "error": {\n'
        '    "command": "check",\n'
        '    "message": "fichier « introuvable »",\n'
        '    "exit_code": 2\n'
        "  }\n"
        "}\n"
    )


def test_sarif_escapes_a_relative_path_as_a_uri_keeping_its_folders(tmp_path):
    (tmp_path / ".git").mkdir()
    finding = ERROR._replace(path="docs/my notes/é.md")
    log = json.loads(output.render([finding], output.Summary.of([finding], 1, 9), "sarif", cwd=str(tmp_path)))
    location = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location == {"uri": "docs/my%20notes/%C3%A9.md", "uriBaseId": "%SRCROOT%"}


@pytest.mark.parametrize(
    ("workspace", "expected"),
    [
        ("{root}", "modules/oagw/docs/TASKS.md"),  # GitHub's checkout without .git: named from the workspace
        ("{root}/", "modules/oagw/docs/TASKS.md"),
        ("{root}/modules/oa", "docs/TASKS.md"),  # a sibling folder whose name starts the same is not a parent
        ("{root}/modules/oagw", "docs/TASKS.md"),  # the module itself is the workspace: named from it
        ("/", "{relative}/modules/oagw/docs/TASKS.md"),  # the file system's root as the workspace
    ],
    ids=["root", "trailing-slash", "sibling-prefix", "module", "file-system-root"],
)
def test_without_git_paths_are_named_from_the_github_workspace_they_are_in(tmp_path, monkeypatch, workspace, expected):
    module = tmp_path / "modules" / "oagw"
    module.mkdir(parents=True)
    monkeypatch.setenv("GITHUB_WORKSPACE", workspace.format(root=tmp_path))
    finding = ERROR._replace(path="docs/TASKS.md")
    text = output.render([finding], output.Summary.of([finding], 1, 9), "github", cwd=str(module))
    expected = expected.format(relative=str(tmp_path).lstrip("/"))
    assert text == f"::error file={expected},line=12,col=5,title=MF203::TASK-OAGW-12 is not defined\n"


def test_render_prints_text_in_colour_when_asked_and_every_format_with_its_summary(tmp_path):
    summary = output.Summary.of([ERROR], 1, 9)
    assert output.render([ERROR], summary, "text", color=True) == output.text([ERROR], summary, color=True)
    assert "\033[" in output.render([ERROR], summary, "text", color=True)
    assert "\033[" not in output.render([ERROR], summary)
    assert json.loads(output.render([ERROR], summary, "json"))["summary"]["errors"] == 1
    sarif = output.render([ERROR], summary, "sarif", cwd=str(tmp_path))
    assert json.loads(sarif)["runs"][0]["results"][0]["ruleId"] == "MF203"


def test_sarif_is_indented_keeps_non_ascii_text_and_starts_lines_and_columns_at_one(tmp_path):
    (tmp_path / ".git").mkdir()
    first = ERROR._replace(line=1, column=1, message="« premier »")
    whole_line = ERROR._replace(line=3, column=0)
    diagnostics = [first, whole_line]
    sarif = output.render(diagnostics, output.Summary.of(diagnostics, 1, 9), "sarif", cwd=str(tmp_path))
    assert sarif.startswith('{\n  "$schema": "https://docs.oasis-open.org/sarif/')
    assert sarif.endswith("\n}\n")
    assert '"text": "« premier »"' in sarif
    regions = [r["locations"][0]["physicalLocation"]["region"] for r in json.loads(sarif)["runs"][0]["results"]]
    assert regions == [{"startLine": 1, "startColumn": 1}, {"startLine": 3, "startColumn": 1}]
