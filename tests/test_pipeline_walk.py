"""A module walked through the pipeline: copied from the template, then Step 1, 2, 3.1, 3 (code and actual documents)
and 4 of phase 1 and into phase 2, committing at each step the documents that step produces (the pipeline fixtures,
tests/fixtures/pipeline/<stage>/docs/) and what it adds outside the module (tests/fixtures/pipeline/monorepo/<stage>/:
the quickstart block, the E2E tests). At every step, `status`, `gate` (its own step passes, the next one fails with
the file and line that fail it) and `trace` report what the step changed.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from cli_helpers import modforge
from conftest import copy_module, git, init_repo
from prompt_helpers import PIPELINE, lay_outside

from modforge.spec import layout

pytestmark = pytest.mark.slow

MODULE = "modules/cred-store"
PHASE_2 = "phase2"  # past the last stage: the first subtask of phase 2 checked off
# (stage, status step, status phase, gate that passes, (next gate, phase, failing file, a word of its message))
STEPS = [
    (None, "1", None, None, ("1", None, "docs/INTENT_DESIGN.md", "Data Model")),
    ("step1", "1", None, "1", ("2", None, "docs/INTENT_REQUIREMENTS.md", "no requirement")),
    ("step2", "2", None, "2", ("3.1", None, "docs/INTENT_SCENARIOS.md", "SCEN-CREDSTORE-01")),
    ("step3.1", "3.1", 1, "3.1", ("3.3", None, "docs/TASKS.md", "TASK-CREDSTORE-01")),
    ("step3", "4", 1, "3.6", ("4", None, "docs/INTENT_SCENARIOS.md", "no E2E test")),
    ("step4", "5", 2, "4", ("5", "2", "docs/TASKS.md", "TASK-CREDSTORE-07")),
    (PHASE_2, "5", 2, None, ("5", "2", "docs/INTENT_SCENARIOS.md", "SCEN-CREDSTORE-09")),
]


@pytest.fixture(scope="module")
def monorepo(template_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("walk")
    answers = yaml.safe_load((PIPELINE / "step1" / layout.ANSWERS_FILE).read_text(encoding="utf-8"))
    copy_module(template_dir, root / MODULE, **{k: v for k, v in answers.items() if not k.startswith("_")})
    return init_repo(root)


def _lay(root: Path, stage: str) -> None:
    docs = root / MODULE / layout.DOCS_DIR
    if stage == PHASE_2:
        tasks = docs / layout.TASKS
        text = tasks.read_text(encoding="utf-8")
        tasks.write_text(text.replace("- [ ] 7.1 ", "- [x] 7.1 ", 1), encoding="utf-8")
    else:
        shutil.rmtree(docs)
        shutil.copytree(PIPELINE / stage / layout.DOCS_DIR, docs)
        lay_outside(root, stage)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", f"step {stage}")


def _gate(root: Path, step: str, phase: str | None = None) -> tuple[int, dict]:
    args = ["gate", step, MODULE, "--format", "json"] + (["--phase", phase] if phase else [])
    result = modforge(*args, cwd=root)
    assert result.returncode in (0, 1), result.stderr
    return result.returncode, json.loads(result.stdout)


def test_walk(monorepo: Path) -> None:
    root = monorepo
    scenarios_seen = []
    for stage, step, phase, passing, (failing, failing_phase, failing_file, word) in STEPS:
        if stage:
            _lay(root, stage)
        where = f"after {stage or 'the copy'}"
        # status: the step reached, with the evidence
        result = modforge("status", MODULE, "--format", "json", cwd=root)
        assert result.returncode == 0, result.stderr
        record = json.loads(result.stdout)["modules"][0]
        assert record["step"]["step"] == step, (where, record["step"])
        assert record["step"]["phase"] == phase, (where, record["step"])
        assert record["check"] == {"errors": 0, "warnings": 0}, where
        text = modforge("status", MODULE, cwd=root).stdout
        assert f"Step {step}" in text, (where, text)
        # gate: this step's passes
        if passing:
            code, report = _gate(root, passing, "2" if passing == "5" else None)
            failures = [c for c in report["criteria"] if c["result"] == "fail"]
            assert code == 0, (where, failures)
            assert report["passed"], (where, failures)
            assert any(c["result"] == "reviewer" for c in report["criteria"])
        # ... and the next one fails, naming the file and line
        code, report = _gate(root, failing, failing_phase)
        assert code == 1, where
        assert not report["passed"], where
        failures = [f for c in report["criteria"] for f in c["failures"]]
        assert any(f["path"] == f"{MODULE}/{failing_file}" and word in f["message"] for f in failures), (
            where,
            failures,
        )
        assert all(isinstance(f["line"], int) and f["line"] >= 1 for f in failures)
        # trace: one row per scenario, with what this step added
        result = modforge("trace", MODULE, "--format", "json", cwd=root)
        assert result.returncode == 0, result.stderr
        module = json.loads(result.stdout)["modules"][0]
        scenarios_seen.append({row["id"]: row for row in module["scenarios"]})
        markdown = modforge("trace", MODULE, cwd=root).stdout
        assert markdown.count("\n| SCEN-CREDSTORE-") == len(module["scenarios"]), where
    copy, design, requirements, tasks, code, e2e, phase2 = scenarios_seen
    assert copy == {}
    assert design == {}
    assert sorted(requirements) == [f"SCEN-CREDSTORE-{n:02}" for n in range(1, 13)]
    assert requirements["SCEN-CREDSTORE-01"]["gaps"] == ["no-task", "no-test", "no-release"]
    cited = ["REQ-CREDSTORE-1", "REQ-CREDSTORE-3", "REQ-CREDSTORE-4"]
    assert requirements["SCEN-CREDSTORE-01"]["requirements"] == cited
    assert "REQ-1" in requirements["SCEN-CREDSTORE-01"]["globals"]
    assert [t["id"] for t in tasks["SCEN-CREDSTORE-01"]["tasks"]] == [
        "TASK-CREDSTORE-02",
        "TASK-CREDSTORE-04",
        "TASK-CREDSTORE-06",
    ]
    assert not tasks["SCEN-CREDSTORE-01"]["tasks"][0]["done"]
    assert code["SCEN-CREDSTORE-01"]["tasks"][0]["done"]
    # the template's own phase-2 stub in the domain service
    stubs = [c for c in code["SCEN-CREDSTORE-09"]["code"] if c["kind"] == "todo"]
    assert any(c["location"].startswith(f"{MODULE}/cred-store/src/domain/service.rs:") for c in stubs), stubs
    assert e2e["SCEN-CREDSTORE-01"]["gaps"] == []
    assert e2e["SCEN-CREDSTORE-02"]["gaps"] == []
    assert e2e["SCEN-CREDSTORE-02"]["tests"][0]["name"] == "test_a_duplicate_name_is_refused"  # by its docstring
    assert e2e["SCEN-CREDSTORE-01"]["release"]["version"] == "0.1.0"
    assert phase2["SCEN-CREDSTORE-09"]["gaps"] == ["no-test", "no-release"]


def test_prompt_list_marks_the_step(monorepo: Path) -> None:
    result = modforge("prompt", "--list", MODULE, cwd=monorepo)
    assert result.returncode == 0, result.stderr
    assert "Step " in result.stdout
    assert "next: modforge prompt" in result.stdout
