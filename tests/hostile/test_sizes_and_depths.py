"""Sizes and depths: numbers past int()'s 4,300 digits, huge files, names past 255 bytes, and TOML, YAML or
JSON nested thousands deep. Each is read in linear time and reported in one line, or refused; never a
traceback, never a change."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hostile.helpers import Monorepo, no_traceback, refused, run

DIGITS = "9" * 5000  # past Python's int() limit of 4,300 digits


# --- numbers ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("document", "line"),
    [
        ("INTENT_REQUIREMENTS.md", f"### REQ-OAGW-{DIGITS}: Huge\nThe gateway MUST be huge.\n"),
        ("INTENT_SCENARIOS.md", f"Also see SCEN-OAGW-{DIGITS} and REQ-{DIGITS}.\n"),
        ("TASKS.md", f"- [ ] {DIGITS}.1 A subtask numbered past the limit\n"),
        ("INTENT_DESIGN.md", f"### Huge (PHASE-OAGW-{DIGITS})\n"),
        ("CHANGELOG.md", f"## [1.{DIGITS}.0] - 2025-01-01\n### Added\n- huge\n"),
        ("CHANGELOG.md", f"## [1.0.0-{DIGITS}] - 2025-01-01\n### Added\n- huge\n"),
    ],
    ids=["requirement-heading", "references", "subtask", "design-phase", "version", "pre-release"],
)
def test_a_number_past_the_int_limit_is_read_not_a_traceback(monorepo: Monorepo, document: str, line: str) -> None:
    path = monorepo.doc(document)
    path.write_text(path.read_text() + "\n" + line)
    monorepo.commit()
    before = monorepo.snapshot()

    for args in (["check"], ["migrate", "--dry-run"], ["prompt", "tasks"]):
        result = run(*args, monorepo.module)
        no_traceback(result)
        assert result.code in (0, 1), (args, result.err)
    assert monorepo.snapshot() == before


def test_adopt_reads_a_legacy_heading_numbered_past_the_int_limit(legacy: Monorepo, template_repo: Path) -> None:
    tasks = legacy.doc("TASKS.md")
    tasks.write_text(tasks.read_text() + f"\n### {DIGITS}. A task numbered past the limit\n## Phase {DIGITS}\n")
    legacy.commit()

    result = run("adopt", legacy.module, "--template", template_repo, "--dry-run")

    no_traceback(result)
    assert result.code in (0, 2), result.err


@pytest.mark.parametrize("version", [DIGITS, f"0.{DIGITS}.0", f"v0.1.0-{DIGITS}"])
def test_migrate_refuses_a_version_past_the_int_limit(monorepo: Monorepo, version: str) -> None:
    before = monorepo.snapshot()

    line = refused(run("migrate", monorepo.module, "--from", version), "migrate", says="is not a version")

    assert len(line) < 300  # the version is cut short in the message
    assert monorepo.snapshot() == before


def test_an_answers_commit_past_the_int_limit_is_no_release(monorepo: Monorepo) -> None:
    answers = monorepo.module / ".copier-answers.yml"
    answers.write_text(answers.read_text().replace("_commit: v0.1.0", f"_commit: v0.{DIGITS}.0"))
    before = monorepo.snapshot()

    refused(run("migrate", monorepo.module), "migrate", says="pass --from VERSION")

    assert monorepo.snapshot() == before


def test_an_answer_past_the_int_limit_is_refused(legacy: Monorepo, template_repo: Path) -> None:
    before = legacy.snapshot()

    refused(run("adopt", legacy.module, "--template", template_repo, "--data", f"phases={DIGITS}"), "adopt")

    assert legacy.snapshot() == before


# --- huge files and long names ----------------------------------------------------------------------------
def test_a_huge_document_is_a_finding_for_check_and_refused_by_migrate(monorepo: Monorepo) -> None:
    design = monorepo.doc("INTENT_DESIGN.md")
    design.write_text(design.read_text() + "- generated filler line\n" * 250_000)  # about 6 MB
    monorepo.commit()
    before = monorepo.snapshot()

    result = run("check", monorepo.module)
    no_traceback(result)
    assert result.code == 1
    assert "MF001" in result.out

    refused(run("migrate", monorepo.module), "migrate", says="bytes, more than")
    assert monorepo.snapshot() == before


def test_a_name_past_255_bytes(tmp_path: Path, monorepo: Monorepo) -> None:
    long = "a" * 300
    before = monorepo.snapshot()

    refused(run("new", long, "--monorepo", monorepo.root, "--defaults"), "new", says="longer than")
    refused(run("check", monorepo.module / long), "check", says="too long")
    refused(run("migrate", monorepo.module / long), "migrate", says="too long")
    refused(run("prompt", "tasks", monorepo.module / long), "prompt")
    assert monorepo.snapshot() == before


# --- depths -----------------------------------------------------------------------------------------------
def test_settings_nested_thousands_deep_are_refused(monorepo: Monorepo) -> None:
    (monorepo.root / ".modforge.toml").write_text("select = " + "[" * 5000 + "]" * 5000 + "\n")
    before = monorepo.snapshot()

    refused(run("check", monorepo.module), "check", says=".modforge.toml")

    assert monorepo.snapshot() == before


def test_settings_holding_a_number_past_the_int_limit_are_refused(monorepo: Monorepo) -> None:
    (monorepo.root / ".modforge.toml").write_text(f"[paths]\nx = {DIGITS}\n")
    before = monorepo.snapshot()

    refused(run("check", monorepo.module), "check", says="4,300 digits")

    assert monorepo.snapshot() == before


def test_an_answers_file_nested_thousands_deep(monorepo: Monorepo) -> None:
    (monorepo.module / ".copier-answers.yml").write_text("id_prefix: " + "[" * 5000 + "]" * 5000 + "\n")
    before = monorepo.snapshot()

    result = run("check", monorepo.module)
    no_traceback(result)
    assert result.code == 1  # MF003: not an answers file
    for args in (["migrate"], ["prompt", "tasks"]):
        refused(run(*args, monorepo.module), args[0])
    assert monorepo.snapshot() == before


def test_a_cache_nested_thousands_deep_is_replaced_not_a_traceback_on_every_run(monorepo: Monorepo) -> None:
    cache = monorepo.root / ".modforge-cache"
    cache.mkdir()
    (cache / "results.json").write_text("[" * 100_000 + "]" * 100_000)

    for _ in range(2):
        result = run("check", monorepo.module)
        no_traceback(result)
        assert result.code == 0, result.err

    assert json.loads((cache / "results.json").read_text())["modules"]  # rewritten with this run's results


def test_data_whose_aliases_expand_past_any_answer_is_refused(legacy: Monorepo, template_repo: Path) -> None:
    # Twelve anchors of nine references each: 9**12 titles once expanded, which every reader of the answers
    # would walk. Refused as it is read, like an answers file holding the same.
    levels = ["&l0 [a, a, a, a, a, a, a, a, a]"]
    levels += [f"&l{n} [{', '.join([f'*l{n - 1}'] * 9)}]" for n in range(1, 13)]
    bomb = "phase_titles=[" + ", ".join(levels) + "]"
    before = legacy.snapshot()

    refused(run("adopt", legacy.module, "--template", template_repo, "--data", bomb), "adopt", says="aliases")

    assert legacy.snapshot() == before


def test_data_nested_thousands_deep_is_refused(legacy: Monorepo, template_repo: Path) -> None:
    before = legacy.snapshot()
    nested = "phase_titles=" + "[" * 5000 + "]" * 5000

    refused(run("adopt", legacy.module, "--template", template_repo, "--data", nested), "adopt", says="YAML")

    assert legacy.snapshot() == before
