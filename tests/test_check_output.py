"""`modforge check` output for CI and terminals: annotations and SARIF that point at the right file from any
folder, --exit-zero, --output-file, colour that follows NO_COLOR / FORCE_COLOR, versioned JSON (usage errors
included), and one rule's page from `modforge rules CODE`."""

from __future__ import annotations

import json
import os
import pty
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from modforge.spec import layout

MODFORGE = Path(sys.executable).parent / "modforge"
CLEAN = Path(__file__).parent / "fixtures" / "check" / "clean-module"
SARIF_SCHEMA = Path(__file__).parent / "fixtures" / "sarif" / "sarif-schema-2.1.0.json"
ANSI = "\033["


def modforge(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "GITHUB_WORKSPACE")}
    return subprocess.run(
        [str(MODFORGE), *args], cwd=cwd, capture_output=True, text=True, timeout=120, env={**environ, **(env or {})}
    )


@pytest.fixture
def monorepo(tmp_path: Path) -> Path:
    """A git monorepo holding the clean module as modules/oagw, with one error and one warning in it."""
    root = tmp_path / "monorepo"
    (root / ".git").mkdir(parents=True)
    shutil.copytree(CLEAN, root / "modules" / "oagw")
    docs = root / "modules" / "oagw" / layout.DOCS_DIR
    tasks = docs / layout.TASKS
    tasks.write_text(tasks.read_text().replace("(TASK-OAGW-02)", "(TASK-OAGW-12)"))
    requirements = docs / layout.INTENT_REQUIREMENTS
    requirements.write_text(
        requirements.read_text() + "\n### REQ-OAGW-5: Metrics\nThe gateway SHOULD export metrics.\n"
    )
    return root


def module(root: Path) -> Path:
    return root / "modules" / "oagw"


# --- github and sarif: paths from the repository root ----------------------------------------------------
def test_github_annotations_name_files_from_the_repository_root_when_run_in_a_module(monorepo):
    result = modforge("check", "--format", "github", cwd=module(monorepo))
    files = sorted(line.split("file=", 1)[1].split(",", 1)[0] for line in result.stdout.splitlines())
    assert files == ["modules/oagw/docs/INTENT_REQUIREMENTS.md", "modules/oagw/docs/TASKS.md"]


def test_github_annotations_name_files_from_the_repository_root_when_run_outside_it(monorepo, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = modforge("check", "--format", "github", str(module(monorepo)), cwd=elsewhere)
    assert "file=modules/oagw/docs/TASKS.md," in result.stdout


def _sarif(result: subprocess.CompletedProcess[str]) -> dict:
    log = json.loads(result.stdout)
    jsonschema.validate(log, json.loads(SARIF_SCHEMA.read_text(encoding="utf-8")))
    return log


def test_sarif_is_valid_sarif_2_1_0_with_one_result_per_finding(monorepo):
    result = modforge("check", "--format", "sarif", cwd=module(monorepo))
    assert result.returncode == 1
    log = _sarif(result)
    (run,) = log["runs"]
    assert run["tool"]["driver"]["name"] == "modforge"
    rules = {rule["id"]: rule for rule in run["tool"]["driver"]["rules"]}
    assert set(rules) == {"MF203", "MF901"}
    assert rules["MF203"]["defaultConfiguration"] == {"level": "error"}
    found = {
        (
            r["ruleId"],
            r["level"],
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            run["tool"]["driver"]["rules"][r["ruleIndex"]]["id"],
        )
        for r in run["results"]
    }
    assert found == {
        ("MF203", "error", "modules/oagw/docs/TASKS.md", "MF203"),
        ("MF901", "warning", "modules/oagw/docs/INTENT_REQUIREMENTS.md", "MF901"),
    }
    tasks_lines = (module(monorepo) / "docs" / layout.TASKS).read_text().splitlines()
    (error,) = [r for r in run["results"] if r["ruleId"] == "MF203"]
    region = error["locations"][0]["physicalLocation"]["region"]
    assert "TASK-OAGW-12" in tasks_lines[region["startLine"] - 1]


def test_sarif_of_a_clean_module_is_valid_and_empty(tmp_path):
    root = tmp_path / "monorepo"
    (root / ".git").mkdir(parents=True)
    shutil.copytree(CLEAN, root / "modules" / "oagw")
    result = modforge("check", "--format", "sarif", cwd=root)
    assert result.returncode == 0
    assert _sarif(result)["runs"][0]["results"] == []


def test_the_schema_check_catches_an_invalid_log():
    """The validation above can fail: a result without its message is refused."""
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    bad = {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "modforge"}}, "results": [{"ruleId": "MF1"}]}]}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, schema)


# --- exit code and output file -----------------------------------------------------------------------
def test_exit_zero_reports_errors_but_exits_0(monorepo):
    plain = modforge("check", cwd=monorepo)
    result = modforge("check", "--exit-zero", cwd=monorepo)
    assert (plain.returncode, result.returncode) == (1, 0)
    assert result.stdout == plain.stdout


def test_output_file_gets_the_report_and_stdout_stays_empty(monorepo, tmp_path):
    target = tmp_path / "report.sarif"
    result = modforge("check", "--format", "sarif", "--output-file", str(target), cwd=monorepo)
    assert result.returncode == 1
    assert result.stdout == ""
    assert json.loads(target.read_text(encoding="utf-8"))["version"] == "2.1.0"


def test_an_unwritable_output_file_is_a_one_line_error(monorepo, tmp_path):
    result = modforge("check", "--output-file", str(tmp_path / "missing" / "report.txt"), cwd=monorepo)
    assert result.returncode == 2
    assert result.stderr.startswith("modforge check: error: cannot write ")
    assert "Traceback" not in result.stderr


# --- colour ---------------------------------------------------------------------------------------------
def _on_terminal(args: list[str], cwd: Path, env: dict[str, str]) -> str:
    """The output of `modforge` run with a pseudo-terminal as its standard output."""
    leader, follower = pty.openpty()
    environ = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    process = subprocess.Popen(
        [str(MODFORGE), *args],
        cwd=cwd,
        stdout=follower,
        stderr=subprocess.PIPE,
        env={**environ, "TERM": "xterm", **env},
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    process.wait(timeout=120)
    os.close(leader)
    return b"".join(chunks).decode()


def test_text_is_coloured_by_severity_on_a_terminal(monorepo):
    out = _on_terminal(["check"], monorepo, {})
    assert "\033[1;31mMF203\033[0m" in out, "errors in red"
    assert "\033[1;33mMF901\033[0m" in out, "warnings in yellow"


def test_no_color_turns_colour_off_on_a_terminal(monorepo):
    out = _on_terminal(["check"], monorepo, {"NO_COLOR": "1"})
    assert ANSI not in out
    assert "MF203" in out


def test_a_pipe_gets_no_colour_unless_force_color(monorepo):
    assert ANSI not in modforge("check", cwd=monorepo).stdout
    forced = modforge("check", cwd=monorepo, env={"FORCE_COLOR": "1"}).stdout
    assert "\033[1;31mMF203\033[0m" in forced
    assert ANSI not in modforge("check", cwd=monorepo, env={"FORCE_COLOR": "1", "NO_COLOR": "1"}).stdout
    assert ANSI not in modforge("check", "--format", "json", cwd=monorepo, env={"FORCE_COLOR": "1"}).stdout


# --- json -----------------------------------------------------------------------------------------------
def test_json_carries_its_schema_version(monorepo):
    report = json.loads(modforge("check", "--format", "json", cwd=monorepo).stdout)
    assert report["schema_version"] == 1
    assert report["summary"]["errors"] == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--no-such-option"], "unrecognized arguments: --no-such-option"),
        (["--select", "XX1"], "unknown rule code 'XX1'"),
        (["modules/none"], "modules/none"),
    ],
)
def test_usage_errors_with_format_json_are_json(monorepo, args, message):
    result = modforge("check", "--format", "json", *args, cwd=monorepo)
    assert result.returncode == 2
    report = json.loads(result.stdout)
    assert report["schema_version"] == 1
    assert report["error"]["exit_code"] == 2
    assert message in report["error"]["message"]
    assert "Traceback" not in result.stderr


# --- one rule's page -------------------------------------------------------------------------------------
def test_rules_with_a_code_shows_that_rules_page(tmp_path):
    result = modforge("rules", "mf201", cwd=tmp_path)
    assert result.returncode == 0
    first = result.stdout.splitlines()[0]
    assert first == "MF201 undefined-requirement (error)"
    assert "**Why.**" in result.stdout
    assert "MF202" not in result.stdout, "only that rule"
    data = json.loads(modforge("rules", "MF201", "--format", "json", cwd=tmp_path).stdout)
    assert (data["code"], data["severity"]) == ("MF201", "error")


def test_rules_with_an_unknown_code_is_a_one_line_error(tmp_path):
    result = modforge("rules", "MF999", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "modforge rules: error: no rule 'MF999'; `modforge rules` lists every code (MF101 ... MF9xx)"
    ]
