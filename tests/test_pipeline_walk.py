"""A module walked through the pipeline: copied from the template, then Step 1, 2, 3.1, 3.3, 3.6 and 4 of phase 1
and into phase 2, committing at each step the documents and code that step produces (tests/fixtures/walk/<step>/,
laid over the monorepo in order). At every step, `status`, `gate` (its own step passes, the next one fails with the
file and line that fail it) and `trace` report what the step changed.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from cli_helpers import modforge
from conftest import copy_module, git, init_repo

WALK = Path(__file__).parent / "fixtures" / "walk"
MODULE = "modules/cred-store"
# (overlay, status step, status phase, gate that passes, (next gate, phase, failing file, a word of its message))
STEPS = [
    (None, "1", None, None, ("1", None, "docs/INTENT_DESIGN.md", "Data Model")),
    ("1-design", "1", None, "1", ("2", None, "docs/INTENT_REQUIREMENTS.md", "no requirement")),
    ("2-requirements", "2", None, "2", ("3.1", None, "docs/INTENT_SCENARIOS.md", "SCEN-CREDSTORE-01")),
    ("3.1-tasks", "3.1", 1, "3.1", ("3.3", None, "docs/TASKS.md", "TASK-CREDSTORE-01")),
    ("3.3-code", "3.6", 1, "3.3", ("3.6", None, "docs/ACTUAL_SCENARIOS.md", "SCEN-CREDSTORE-01")),
    ("3.6-actual", "4", 1, "3.6", ("4", None, "docs/INTENT_SCENARIOS.md", "no E2E test")),
    ("4-e2e", "5", 2, "4", ("5", "2", "docs/TASKS.md", "TASK-CREDSTORE-06")),
    ("5-phase2", "5", 2, None, ("5", "2", "docs/INTENT_SCENARIOS.md", "SCEN-CREDSTORE-03")),
]


@pytest.fixture(scope="module")
def monorepo(template_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("walk")
    copy_module(
        template_dir,
        root / MODULE,
        module_name="cred-store",
        phases=2,
        phase_titles=["Credential Storage", "Rotation"],
        persistence=False,
    )
    return init_repo(root)


def _lay(root: Path, overlay: str) -> None:
    source = WALK / overlay
    for path in sorted(source.rglob("*")):
        if path.is_file():
            target = root / path.relative_to(source)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", f"step {overlay}")


def _gate(root: Path, step: str, phase: str | None = None) -> tuple[int, dict]:
    args = ["gate", step, MODULE, "--format", "json"] + (["--phase", phase] if phase else [])
    result = modforge(*args, cwd=root)
    assert result.returncode in (0, 1), result.stderr
    return result.returncode, json.loads(result.stdout)


def test_walk(monorepo: Path) -> None:
    root = monorepo
    scenarios_seen = []
    for overlay, step, phase, passing, (failing, failing_phase, failing_file, word) in STEPS:
        if overlay:
            _lay(root, overlay)
        where = f"after {overlay or 'the copy'}"
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
    copy, design, requirements, tasks, code, _actual, e2e, phase2 = scenarios_seen
    assert copy == {}
    assert design == {}
    assert sorted(requirements) == [f"SCEN-CREDSTORE-0{n}" for n in range(1, 5)]
    assert requirements["SCEN-CREDSTORE-01"]["gaps"] == ["no-task", "no-test", "no-release"]
    assert requirements["SCEN-CREDSTORE-02"]["globals"] == ["REQ-1", "REQ-3"]
    assert [t["id"] for t in tasks["SCEN-CREDSTORE-01"]["tasks"]] == ["TASK-CREDSTORE-02", "TASK-CREDSTORE-03"]
    assert not tasks["SCEN-CREDSTORE-01"]["tasks"][0]["done"]
    assert code["SCEN-CREDSTORE-01"]["tasks"][0]["done"]
    assert [c["kind"] for c in code["SCEN-CREDSTORE-03"]["code"]] == ["todo"]
    assert code["SCEN-CREDSTORE-03"]["code"][0]["location"].startswith(f"{MODULE}/cred-store/src/domain/service.rs:")
    assert e2e["SCEN-CREDSTORE-01"]["gaps"] == []
    assert e2e["SCEN-CREDSTORE-02"]["gaps"] == []
    assert e2e["SCEN-CREDSTORE-02"]["tests"][0]["name"] == "test_other_tenant_is_refused"  # by its docstring
    assert e2e["SCEN-CREDSTORE-01"]["release"]["version"] == "0.1.0"
    assert phase2["SCEN-CREDSTORE-03"]["gaps"] == ["no-test", "no-release"]


def test_prompt_list_marks_the_step(monorepo: Path) -> None:
    result = modforge("prompt", "--list", MODULE, cwd=monorepo)
    assert result.returncode == 0, result.stderr
    assert "Step " in result.stdout
    assert "next: modforge prompt" in result.stdout
