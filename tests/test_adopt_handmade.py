"""`modforge adopt` on modules written by hand, the way the platform's teams write them (issue 10).

Fixtures under tests/fixtures/legacy/, written for these tests:
- `notify-hub`: a gateway whose documents carry slot names with words of their own (`2_INTENT_FACTS.md`,
  `5_ACTUAL_FACTS.md`), no phases, its module crate in `notify-hub-gw/`, its channel plugins (workers that
  call `register_scoped`) bundled in `plugins/`, and no category section in its design;
- `prefs-store`: keeps OpenSpec specs (`openspec/specs/<capability>/spec.md`, an archived change beside them)
  and a hand-made `docs/DESIGN.md` and `docs/PRD.md`;
- `audit-sink`: a worker whose design is written in the OpenSpec style (`### Requirement:` blocks with
  `#### Scenario:` WHEN/THEN bullets).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import template_repos
import yaml
from cli_helpers import copier, files_of, modforge, one_error_line
from conftest import git, init_repo

from modforge.spec import layout

FIXTURES = Path(__file__).parent / "fixtures" / "legacy"
MONOREPO_README = "# Platform\n"


@pytest.fixture(scope="module")
def template_repo(tmp_path_factory) -> Path:
    return template_repos.build(tmp_path_factory.mktemp("template-repo") / "modforge")


# A worker lives in its gateway's plugins folder, which names the gateway it plugs into.
PLACES = {"audit-sink": "modules/audit/plugins/audit-sink"}


def legacy_module(tmp_path: Path, name: str) -> Path:
    monorepo = tmp_path / "monorepo"
    module = Path(shutil.copytree(FIXTURES / name, monorepo / PLACES.get(name, f"modules/{name}")))
    (monorepo / "README.md").write_text(MONOREPO_README)
    init_repo(monorepo)
    return module


def adopt(module: Path, template: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return modforge("adopt", module, "--template", template, *args)


def adopted(tmp_path: Path, template: Path, name: str, *args: str) -> tuple[Path, str]:
    """The module adopted and committed, and what adoption printed."""
    module = legacy_module(tmp_path, name)
    result = adopt(module, template, *args)
    assert result.returncode == 0, result.stdout + result.stderr
    git(module, "add", "-A")
    git(module, "commit", "-qm", "adopt")
    return module, result.stdout


@pytest.fixture(scope="module")
def notify_hub(template_repo, tmp_path_factory) -> tuple[Path, str]:
    return adopted(tmp_path_factory.mktemp("notify-hub"), template_repo, "notify-hub")


@pytest.fixture(scope="module")
def prefs_store(template_repo, tmp_path_factory) -> tuple[Path, str]:
    return adopted(tmp_path_factory.mktemp("prefs-store"), template_repo, "prefs-store", "--from", "openspec")


@pytest.fixture(scope="module")
def audit_sink(template_repo, tmp_path_factory) -> tuple[Path, str]:
    args = ("--from", "openspec", "--id-prefix", "AUDS")
    return adopted(tmp_path_factory.mktemp("audit-sink"), template_repo, "audit-sink", *args)


def answers(module: Path) -> dict:
    return yaml.safe_load((module / layout.ANSWERS_FILE).read_text())


def doc_names(module: Path) -> set[str]:
    return {p.name for p in (module / layout.DOCS_DIR).iterdir()}


def line_of(output: str, start: str) -> str:
    (line,) = [line for line in output.splitlines() if line.lstrip().startswith(start)]
    return line


# --- slot names --------------------------------------------------------------------------------------------
def test_slot_named_documents_are_renamed_with_every_line_and_each_rename_reported(notify_hub) -> None:
    module, output = notify_hub
    original = FIXTURES / "notify-hub" / layout.DOCS_DIR
    for old, new in [
        ("1_INTENT_DESIGN.md", layout.INTENT_DESIGN),
        ("2_INTENT_FACTS.md", layout.INTENT_REQUIREMENTS),
        ("3_INTENT_SCENARIOS.md", layout.INTENT_SCENARIOS),
        ("5_ACTUAL_FACTS.md", layout.ACTUAL_REQUIREMENTS),
    ]:
        assert f"rename docs/{old} -> docs/{new}" in output
        kept = (module / layout.DOCS_DIR / new).read_text()
        for line in (original / old).read_text().splitlines():
            line = line.replace("2_INTENT_FACTS.md", "INTENT_REQUIREMENTS.md")
            line = line.replace("3_INTENT_SCENARIOS.md", "INTENT_SCENARIOS.md")
            assert line in kept.splitlines(), f"{old}: {line!r} lost"
    assert "2_INTENT_FACTS.md" not in (module / "README.md").read_text()
    assert "[docs/INTENT_REQUIREMENTS.md](docs/INTENT_REQUIREMENTS.md)" in (module / "README.md").read_text()


def test_no_skeleton_is_added_beside_a_slot_named_document(notify_hub) -> None:
    module, _ = notify_hub
    assert doc_names(module) == set(layout.PIPELINE_DOCS), "one document per slot, no slot name left"
    requirements = (module / layout.DOCS_DIR / layout.INTENT_REQUIREMENTS).read_text()
    assert "### REQ-NHUB-3: Delivery Log" in requirements, "the requirements are the module's, not a skeleton"
    assert "### REQ-NHUB-1: Template Rendering" in (module / layout.DOCS_DIR / layout.ACTUAL_REQUIREMENTS).read_text()


def test_renames_of_slot_named_documents_keep_their_history(notify_hub) -> None:
    module, _ = notify_hub
    log = git(module, "log", "--follow", "--format=%s", "--", f"docs/{layout.ACTUAL_REQUIREMENTS}").split()
    assert log == ["adopt", "initial"]


def test_check_reads_slot_named_documents_before_adoption(tmp_path) -> None:
    module = legacy_module(tmp_path, "notify-hub")
    result = modforge("check", module)
    assert "MF201" not in result.stdout, "the scenarios' REQ-NHUB-* resolve against 2_INTENT_FACTS.md"
    assert result.returncode == 0, result.stdout


def test_a_slot_two_documents_claim_is_refused(template_repo, tmp_path) -> None:
    module = legacy_module(tmp_path, "notify-hub")
    shutil.copy(module / "docs" / "2_INTENT_FACTS.md", module / "docs" / "2_INTENT_REQUIREMENTS.md")
    git(module.parents[1], "add", "-A")
    git(module.parents[1], "commit", "-qm", "two")
    before = files_of(module.parents[1])
    result = adopt(module, template_repo)
    assert result.returncode == 2
    message = one_error_line(result, "adopt")
    assert "docs/2_INTENT_FACTS.md and docs/2_INTENT_REQUIREMENTS.md are both slot 2" in message
    assert files_of(module.parents[1]) == before


def test_no_skeleton_beside_a_document_left_alone(prefs_store) -> None:
    module, output = prefs_store
    names = doc_names(module)
    assert {"DESIGN.md", "PRD.md"} <= names
    assert not names & {layout.INTENT_DESIGN, layout.ACTUAL_DESIGN}, "DESIGN.md may be either design"
    line = line_of(output, "leave docs/DESIGN.md as it is")
    assert "INTENT_DESIGN.md" in line
    assert "ACTUAL_DESIGN.md" in line
    assert (module / "docs" / "DESIGN.md").read_bytes() == (
        FIXTURES / "prefs-store" / "docs" / "DESIGN.md"
    ).read_bytes()


# --- category and crate folders -------------------------------------------------------------------------
def test_rest_api_with_bundled_worker_plugins_is_a_gateway_and_the_summary_says_why(notify_hub) -> None:
    module, output = notify_hub
    assert answers(module)["category"] == "gateway"
    line = line_of(output, "category:")
    assert "a REST API in notify-hub-gw/src/api/rest/" in line
    assert "worker plugins beside it (plugins/email/, plugins/sms/)" in line


def test_a_scoped_client_in_the_module_crate_makes_a_worker(audit_sink) -> None:
    module, output = audit_sink
    assert (answers(module)["category"], answers(module)["gateway"]) == ("worker", "audit")
    assert "register_scoped" in line_of(output, "category:")
    assert "audit-sink/src/module.rs" in line_of(output, "category:")


def test_a_crate_folder_of_its_own_is_recorded_and_reported(notify_hub) -> None:
    module, output = notify_hub
    recorded = answers(module)
    assert recorded["crate_dir"] == "notify-hub-gw"
    assert "sdk_dir" not in recorded, "the SDK is where the template puts it"
    assert "record crate_dir: notify-hub-gw (the template's folder is notify-hub/)" in output
    assert not (module / "notify-hub").exists()


def _crate_folder(template: Path) -> Path:
    """The template folder of the module crate (the one holding src/module.rs), however it is named."""
    (module_rs,) = (template / "template").glob("*/src/module.rs.jinja")
    return module_rs.parent.parent


def test_updates_render_into_the_module_crate_folder_recorded(template_repo, tmp_path) -> None:
    template = Path(shutil.copytree(template_repo, tmp_path / "template"))
    module, _ = adopted(tmp_path, template, "notify-hub")
    same = copier("update", "--trust", "--defaults", cwd=module)
    assert same.returncode == 0, same.stderr
    assert git(module, "status", "--porcelain") == "", "an update at the same release changes nothing"

    def new_release(root: Path) -> None:
        (_crate_folder(root) / "src" / "health.rs.jinja").write_text("//! Health of {{ module_name }}.\n")

    template_repos.add_release(template, "9.0.0", new_release)
    result = copier("update", "--trust", "--defaults", cwd=module)
    assert result.returncode == 0, result.stderr
    assert (module / "notify-hub-gw" / "src" / "health.rs").read_text() == "//! Health of notify-hub.\n"
    assert not (module / "notify-hub").exists(), "the template's crate folder is not brought back"


def test_a_new_module_records_no_crate_folder(template_dir, tmp_path) -> None:
    result = copier("copy", "--trust", "--defaults", template_dir, tmp_path / "modules" / "cred-store")
    assert result.returncode == 0, result.stderr
    recorded = answers(tmp_path / "modules" / "cred-store")
    assert "crate_dir" not in recorded
    assert "sdk_dir" not in recorded
    assert (tmp_path / "modules" / "cred-store" / "cred-store" / "src" / "module.rs").is_file()


@pytest.mark.parametrize("fixture", ["notify_hub", "prefs_store", "audit_sink"])
def test_adopted_hand_made_modules_pass_check(fixture, request) -> None:
    module, _ = request.getfixturevalue(fixture)
    result = modforge("check", module)
    assert result.returncode == 0, result.stdout + result.stderr


# --- OpenSpec -------------------------------------------------------------------------------------------
STEP_RE = re.compile(r"^- \*\*(WHEN|THEN|AND)\*\*")


def openspec_blocks(text: str) -> list[tuple[str, list[str], list[tuple[str, list[str]]]]]:
    """(requirement name, its lines, [(scenario name, its lines)]) as the test reads an OpenSpec spec."""
    blocks: list = []
    for part in re.split(r"^### Requirement: ", text, flags=re.MULTILINE)[1:]:
        head, *scenarios = re.split(r"^#### Scenario: ", part, flags=re.MULTILINE)
        name, _, body = head.partition("\n")
        parsed = [(s.partition("\n")[0], s.partition("\n")[2].strip("\n").splitlines()) for s in scenarios]
        blocks.append((name.strip(), body.strip("\n").splitlines(), parsed))
    return blocks


def definitions(text: str) -> dict[str, tuple[str, list[str]]]:
    """ID -> (title, the lines under the heading up to the next heading or comment)."""
    found = {}
    for match in re.finditer(r"^### ([A-Z]+-[A-Z0-9]+-\d+): (.*)\n((?:(?!###|<!--|## ).*\n?)*)", text, re.MULTILINE):
        found[match[1]] = (match[2], match[3].strip("\n").splitlines())
    return found


def test_openspec_requirements_and_scenarios_become_entries_word_for_word(prefs_store) -> None:
    module, _ = prefs_store
    docs = module / layout.DOCS_DIR
    requirements = definitions((docs / layout.INTENT_REQUIREMENTS).read_text())
    scenarios = definitions((docs / layout.INTENT_SCENARIOS).read_text())
    expected_req, expected_scen = 0, 0
    for spec in ("preferences", "preferences-sync"):
        text = (FIXTURES / "prefs-store" / "openspec" / "specs" / spec / "spec.md").read_text()
        for name, body, spec_scenarios in openspec_blocks(text):
            expected_req += 1
            req_id = f"REQ-PREFSSTORE-{expected_req}"
            assert requirements[req_id] == (name, body), req_id
            for scenario_name, steps in spec_scenarios:
                expected_scen += 1
                scen_id = f"SCEN-PREFSSTORE-{expected_scen:02d}"
                title, written = scenarios[scen_id]
                assert title == scenario_name
                cited = [line for line in written if f"({req_id})" in line]
                assert len(cited) == 1, "cites its requirement once"
                assert cited[0].startswith("- **THEN**"), "in its first THEN step"
                assert [line.replace(f" ({req_id})", "") for line in written] == steps, "steps word for word"
    assert (expected_req, expected_scen) == (3, 6)
    assert len(requirements) == 3, "the archived change under openspec/changes/ is history, not converted"


def test_openspec_files_stay_as_they_are(prefs_store) -> None:
    module, _ = prefs_store
    for path in (FIXTURES / "prefs-store" / "openspec").rglob("*.md"):
        relative = path.relative_to(FIXTURES / "prefs-store")
        assert (module / relative).read_bytes() == path.read_bytes(), relative


def test_openspec_purpose_gives_the_description(prefs_store) -> None:
    module, output = prefs_store
    assert answers(module)["description"].startswith("The prefs-store module keeps each user's display preferences")
    assert "(the purpose of openspec/specs/preferences/spec.md)" in line_of(output, "description:")


def test_openspec_dry_run_shows_the_mapping_and_changes_nothing(template_repo, tmp_path) -> None:
    module = legacy_module(tmp_path, "prefs-store")
    before = files_of(module.parents[1])
    result = adopt(module, template_repo, "--from", "openspec", "--dry-run")
    assert result.returncode == 0, result.stderr
    assert files_of(module.parents[1]) == before
    mapping = [line.strip() for line in result.stderr.splitlines() if " -> " in line and "spec.md:" in line]
    assert mapping[:3] == [
        "openspec/specs/preferences/spec.md:7 Requirement: Tenant and User Scoping -> REQ-PREFSSTORE-1",
        "openspec/specs/preferences/spec.md:11   Scenario: Preferences of another user are invisible -> "
        "SCEN-PREFSSTORE-01 (cites REQ-PREFSSTORE-1)",
        "openspec/specs/preferences/spec.md:16   Scenario: First read without stored preferences -> "
        "SCEN-PREFSSTORE-02 (cites REQ-PREFSSTORE-1)",
    ]
    assert len(mapping) == 9
    assert "+### REQ-PREFSSTORE-3: Change Notification" in result.stdout


def test_a_design_in_the_openspec_style_is_converted_and_cross_referenced(audit_sink) -> None:
    module, _ = audit_sink
    docs = module / layout.DOCS_DIR
    design = (docs / layout.INTENT_DESIGN).read_text()
    assert "### Requirement: Append Only (REQ-AUDS-1)" in design
    assert "#### Scenario: Midnight rollover (SCEN-AUDS-03)" in design
    original = (FIXTURES / "audit-sink" / "docs" / "1_INTENT_DESIGN.md").read_text()
    for line in original.splitlines():
        if not line.startswith("#"):
            assert line in design.splitlines(), f"design line {line!r} lost"
    scenarios = definitions((docs / layout.INTENT_SCENARIOS).read_text())
    assert scenarios["SCEN-AUDS-02"] == (
        "A rewrite is refused",
        [
            "- **WHEN** anything asks the sink to change a written line",
            "- **THEN** the sink refuses with the `audit_sink.append_only` error (REQ-AUDS-1)",
            "- **AND** the file is unchanged",
        ],
    )


def test_a_module_with_openspec_specs_is_told_about_from_openspec(template_repo, tmp_path) -> None:
    module = legacy_module(tmp_path, "prefs-store")
    result = adopt(module, template_repo, "--dry-run")
    assert result.returncode == 0, result.stderr
    assert "adopt with --from openspec" in result.stderr


def test_from_openspec_without_any_requirement_is_refused(template_repo, tmp_path) -> None:
    module = legacy_module(tmp_path, "notify-hub")
    before = files_of(module.parents[1])
    result = adopt(module, template_repo, "--from", "openspec")
    assert result.returncode == 2
    assert "found no `### Requirement:`" in one_error_line(result, "adopt")
    assert files_of(module.parents[1]) == before


def test_prompts_name_the_module_crate_folder_recorded(notify_hub) -> None:
    module, _ = notify_hub
    result = modforge("prompt", "code", module)
    assert result.returncode == 0, result.stderr
    assert "`modules/notify-hub/notify-hub-gw/`" in result.stdout
    assert "modules/notify-hub/notify-hub/" not in result.stdout
