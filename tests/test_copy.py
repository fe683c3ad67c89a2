"""`copier copy` of the template: the module a team gets for each combination of answers."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml
from conftest import copy_module, git, init_repo, make_template_repo
from markdown_it import MarkdownIt

from modforge.spec import grammar, layout, naming
from modforge.spec.grammar import IdKind

COPIER = [sys.executable, "-m", "copier"]

# A matrix that crosses every answer with every other at least once, short and long names included.
MATRIX = [
    {"module_name": "cred-store"},
    {"module_name": "ab", "category": "generic", "rest_api": False, "persistence": True, "gts": True, "phases": 1},
    {"module_name": "oagw", "category": "gateway", "persistence": True, "phases": 4},
    # A worker copied under modules/<gateway>/plugins/ takes its gateway from there; elsewhere it is answered.
    {"module_name": "oagw-apikey", "category": "worker", "persistence": False, "phases": 1},
    {"module_name": "quota-keeper", "category": "worker", "gateway": "quota", "persistence": True, "phases": 9},
    {"module_name": "very-long-module-name-for-testing", "category": "gateway", "rest_api": False, "gts": False},
    {"module_name": "s3", "rest_api": True, "persistence": True, "gts": True, "phases": 3, "id_prefix": "S3X"},
]


# The ID prefix each copy of MATRIX gets: the name without dashes, upper-cased, cut to 10 characters.
EXPECTED_PREFIX = {
    "cred-store": "CREDSTORE",
    "ab": "AB",
    "oagw": "OAGW",
    "oagw-apikey": "OAGWAPIKEY",
    "quota-keeper": "QUOTAKEEPE",
    "very-long-module-name-for-testing": "VERYLONGMO",
    "s3": "S3X",
}
# The phase titles a copy gets by default, and the design's sections, as the spec names them (Step 1.3).
DEFAULT_TITLES = ["Core Functionality", "Extended Capabilities", "Hardening and Scale"] + [
    f"Increment {n}" for n in range(4, 10)
]
DESIGN_SECTIONS = [
    "Overview",
    "Module Category",
    "Dependencies",
    "API Surface",
    "Data Model",
    "Persistence",
    "Security",
    "Observability",
    "GTS Types",
    "Testing Strategy",
    "Implementation Phases",
]


def _ids(params: dict) -> str:
    return "-".join(f"{k}={v}" for k, v in params.items())


@pytest.fixture(scope="module", params=MATRIX, ids=_ids)
def module(request, template_dir, tmp_path_factory) -> tuple[Path, dict]:
    """One real copy per answer combination, shared by the read-only tests below."""
    name = request.param["module_name"]
    gateway = {"oagw-apikey": "oagw"}.get(name, request.param.get("gateway"))  # oagw-apikey's comes from its folder
    folder = f"{gateway}/plugins/{name}" if gateway else name
    path = copy_module(template_dir, tmp_path_factory.mktemp("monorepo") / "modules" / folder, **request.param)
    answers = yaml.safe_load((path / layout.ANSWERS_FILE).read_text())
    return path, answers


def headings(path: Path) -> list[tuple[int, str]]:
    """Headings as the reference Markdown parser sees them (so comments and code do not count)."""
    tokens = MarkdownIt("commonmark").parse(path.read_text())
    return [(int(t.tag[1]), tokens[i + 1].content) for i, t in enumerate(tokens) if t.type == "heading_open"]


def test_copy_writes_every_pipeline_document_and_the_answers(module):
    path, answers = module
    assert sorted(p.name for p in (path / "docs").iterdir()) == [
        "ACTUAL_DESIGN.md",
        "ACTUAL_REQUIREMENTS.md",
        "ACTUAL_SCENARIOS.md",
        "CHANGELOG.md",
        "INTENT_DESIGN.md",
        "INTENT_REQUIREMENTS.md",
        "INTENT_SCENARIOS.md",
        "INTENT_VS_ACTUAL.md",
        "TASKS.md",
    ]
    top = {p.name for p in path.iterdir()}
    name = answers["module_name"]
    crates = {name} if answers["category"] == "worker" else {name, f"{name}-sdk"}
    assert top == {layout.DOCS_DIR, layout.ANSWERS_FILE, "README.md", "QUICKSTART.md", *crates}


def test_answers_file_records_every_question_and_no_computed_name(module):
    _, answers = module
    asked = {"module_name", "id_prefix", "description", "category", "persistence", "phases", "phase_titles"}
    assert asked | {"owner", "_src_path"} <= set(answers)
    worker = answers["category"] == "worker"
    assert ("rest_api" in answers) == ("gts" in answers) == (not worker)
    assert ("gateway" in answers) == worker
    if answers["module_name"] == "oagw-apikey":
        assert answers["gateway"] == "oagw", "a worker under modules/oagw/plugins/ plugs into oagw by default"
    assert answers["id_prefix"] == EXPECTED_PREFIX[answers["module_name"]]
    assert answers["phase_titles"] == DEFAULT_TITLES[: answers["phases"]]
    assert not {"module_snake", "module_pascal", "client_trait", "has_rest"} & set(answers)


def test_design_is_in_step_one_form_with_every_section_and_phase(module):
    path, answers = module
    doc = path / layout.DOCS_DIR / layout.INTENT_DESIGN
    found = headings(doc)
    sections = [text for level, text in found if level == 2]
    assert sections == DESIGN_SECTIONS
    phases = [text for level, text in found if level == 3]
    prefix = answers["id_prefix"]
    assert phases == [f"{title} (PHASE-{prefix}-{n})" for n, title in enumerate(answers["phase_titles"], start=1)]
    kinds = {parsed.kind for _, parsed in grammar.find_ids(_without_comments(doc.read_text()))}
    assert not kinds & {IdKind.REQ, IdKind.SCEN, IdKind.TASK}, "Step 1 design must carry no REQ/SCEN/TASK ids"
    assert answers["owner"] in doc.read_text()
    assert answers["description"] in doc.read_text()


def _without_comments(text: str) -> str:
    return re.sub(r"<!--.*?-->", "", text, flags=re.S)


def test_scenarios_have_one_section_per_phase(module):
    path, answers = module
    found = headings(path / layout.DOCS_DIR / layout.INTENT_SCENARIOS)
    prefix = answers["id_prefix"]
    expected = [f"PHASE-{prefix}-{n}: {title}" for n, title in enumerate(answers["phase_titles"], start=1)]
    assert [text for level, text in found if level == 2] == expected
    assert not [text for level, text in found if level >= 3], "no scenarios before Step 2"


def test_tasks_are_numbered_without_gaps_and_keep_only_layers_that_apply(module):
    path, answers = module
    text = (path / layout.DOCS_DIR / layout.TASKS).read_text()
    prefix = answers["id_prefix"]
    task_headings = [t for level, t in headings(path / layout.DOCS_DIR / layout.TASKS) if level == 3]
    ids = [h.split(":")[0] for h in task_headings]
    assert ids == [f"TASK-{prefix}-{n:02d}" for n in range(1, len(ids) + 1)]
    titles = [h.split(": ", 1)[1] for h in task_headings]
    rest = answers["category"] != "worker" and answers.get("rest_api")
    phase_one = titles[: len(titles) - (answers["phases"] - 1)]
    first = "Plugin Implementation" if answers["category"] == "worker" else "SDK Implementation"
    expected = [first, "Domain Layer", "Infrastructure", "REST API", "Module Wiring", "Unit Tests"]
    expected = [t for t in expected if (t != "Infrastructure" or answers["persistence"]) and (t != "REST API" or rest)]
    assert phase_one == expected
    assert titles[len(phase_one) :] == answers["phase_titles"][1:]
    # Subtasks K.M under task K, M from 1, all unchecked.
    current = 0
    for line in text.splitlines():
        if line.startswith("### "):
            current, expected_sub = int(line.split(":")[0].rsplit("-", 1)[1]), 1
        elif line.startswith("- "):
            assert line.startswith(f"- [ ] {current}.{expected_sub} "), line
            expected_sub += 1


def test_changelog_is_keep_a_changelog_with_unreleased(module):
    path, _ = module
    found = headings(path / layout.DOCS_DIR / layout.CHANGELOG)
    assert found == [(1, "Changelog"), (2, "[Unreleased]")]
    assert "keepachangelog.com" in (path / layout.DOCS_DIR / layout.CHANGELOG).read_text()


def test_every_yaml_toml_and_json_file_loads(module):
    path, answers = module
    loaders = {".yml": yaml.safe_load, ".yaml": yaml.safe_load, ".toml": tomllib.loads, ".json": json.loads}
    checked = 0
    for file in path.rglob("*"):
        if file.suffix in loaders:
            loaders[file.suffix](file.read_text())
            checked += 1
    assert checked >= 3 + (answers["category"] != "worker")  # answers, each Cargo.toml, gts/errors.json


def test_no_jinja_is_left_unrendered(module):
    path, _ = module
    for file in path.rglob("*"):
        if file.is_file():
            text = file.read_text()
            assert "{{" not in text, file
            assert "{%" not in text, file
            assert ".jinja" not in file.name


# --- bad answers: the real copier CLI, as users type it ------------------------------------------

BAD_ANSWERS = [
    ({"module_name": "Cred_Store"}, "must be kebab-case"),
    ({"module_name": "cred--store"}, "must be kebab-case"),
    ({"module_name": "type"}, "Rust keyword"),
    ({"module_name": "std"}, "would shadow the crate"),
    ({"module_name": "cred-store-sdk"}, "ends in '-sdk'"),
    ({"id_prefix": "oagw"}, "upper-case letters or digits"),
    ({"id_prefix": "A"}, "2 to 10"),
    ({"id_prefix": "ABCDEFGHIJK"}, "2 to 10"),
    ({"id_prefix": "TASK"}, "ID keyword"),
    ({"description": ""}, "description must not be empty"),
    ({"description": 'Says "hi"'}, "double quotes or backslashes (it goes into Cargo.toml)"),
    ({"description": "C:\\path"}, "double quotes or backslashes (it goes into Cargo.toml)"),
    ({"phases": "0"}, "from 1 to 9"),
    ({"phases": "10"}, "from 1 to 9"),
    ({"phases": "2", "phase_titles": "[only-one]"}, "give exactly one title per phase"),
    ({"owner": " "}, "owner must be one line"),
    ({"category": "plugin"}, "Invalid choice"),
    # A worker outside modules/<gateway>/plugins/ must be told its gateway, and a real module name.
    ({"category": "worker"}, "gateway must name the gateway module"),
    ({"category": "worker", "gateway": "Bad_GW"}, "gateway 'Bad_GW' must be kebab-case"),
    ({"category": "worker", "gateway": "cred-store"}, "is the worker itself"),
    ({"category": "worker", "gateway": "oagw"}, "a worker of oagw lives in modules/oagw/plugins/cred-store"),
]


@pytest.mark.parametrize(("answers", "message"), BAD_ANSWERS, ids=[_ids(a) for a, _ in BAD_ANSWERS])
def test_copy_rejects_a_bad_answer_and_leaves_nothing(template_dir, tmp_path, answers, message):
    destination = tmp_path / "modules" / "cred-store"
    with pytest.raises(ValueError, match=re.escape(message)):
        copy_module(template_dir, destination, **answers)
    assert not destination.exists()


# The same through the copier CLI users type: the rule is the last line, the exit is non-zero.
CLI_BAD_ANSWERS = [BAD_ANSWERS[0], BAD_ANSWERS[2], BAD_ANSWERS[5], BAD_ANSWERS[-1]]


@pytest.mark.parametrize(("answers", "message"), CLI_BAD_ANSWERS, ids=[_ids(a) for a, _ in CLI_BAD_ANSWERS])
def test_copier_cli_ends_with_the_rule_and_writes_nothing(template_dir, tmp_path, answers, message):
    destination = tmp_path / "modules" / "cred-store"
    data = [arg for key, value in answers.items() for arg in ("--data", f"{key}={value}")]
    result = subprocess.run(
        [*COPIER, "copy", "--trust", "--defaults", *data, str(template_dir), str(destination)],
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert message in result.stderr.strip().splitlines()[-1]
    assert list(tmp_path.iterdir()) in ([], [tmp_path / "modules"])
    assert not destination.exists()


def test_a_prefix_used_by_a_sibling_module_is_rejected(template_dir, tmp_path):
    copy_module(template_dir, tmp_path / "modules" / "oagw")
    result = subprocess.run(
        [
            *COPIER,
            "copy",
            "--trust",
            "--defaults",
            "--data",
            "id_prefix=OAGW",
            str(template_dir),
            str(tmp_path / "modules" / "oagw2"),
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "already used by the module in oagw/" in result.stderr.strip().splitlines()[-1]
    assert not (tmp_path / "modules" / "oagw2").exists()


def test_every_rejected_name_suggests_one_that_passes():
    for bad in ("Cred_Store", "type", "std", "cred-store-sdk", "1abc"):
        message = naming.module_name_error(bad)
        suggestion = re.search(r"'([a-z0-9-]+)'", message.split(";", 1)[1])
        assert suggestion, message
        assert naming.module_name_error(suggestion.group(1)) == "", message


# --- update at the same version ---------------------------------------------------------------


def test_update_at_the_same_template_version_changes_nothing(tmp_path):
    template = make_template_repo(tmp_path / "template", "0.1.0")
    monorepo = tmp_path / "monorepo"
    module = monorepo / "modules" / "cred-store"
    subprocess.run(
        [*COPIER, "copy", "--trust", "--defaults", "--data", "persistence=true", str(template), str(module)],
        check=True,
        capture_output=True,
    )
    init_repo(monorepo)
    result = subprocess.run([*COPIER, "update", "--trust", "--defaults"], cwd=module, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert git(monorepo, "status", "--porcelain") == ""
    assert yaml.safe_load((module / layout.ANSWERS_FILE).read_text())["_commit"] == "v0.1.0"
