"""`make mutation` gives each mutant the tests that fit its budget, counting what a fresh session really pays:
the shared fixtures (a copier-built template) its tests need, once each (tools/mutation_costs.py)."""

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools"))

from mutation_costs import CostRecorder, Costs

pytest_plugins = ["pytester"]


def test_the_recorder_charges_a_shared_fixture_to_every_test_that_needs_it(pytester):
    pytester.makepyfile(
        test_sample="""
        import pytest

        @pytest.fixture(scope="session")
        def template():
            return "built"

        def test_uses_it(template):
            assert template

        def test_uses_it_too(template):
            assert template

        def test_alone():
            pass
        """
    )
    path = pytester.path / "costs.json"
    result = pytester.runpytest_inprocess("-p", "no:randomly", plugins=[CostRecorder(path)])
    result.assert_outcomes(passed=3)
    costs = Costs.load(path)
    fixture = "test_sample.py::template"
    assert costs.needs["test_sample.py::test_uses_it"] == [fixture]
    assert costs.needs["test_sample.py::test_uses_it_too"] == [fixture]
    assert costs.needs["test_sample.py::test_alone"] == []
    assert set(costs.own) == {
        "test_sample.py::test_uses_it",
        "test_sample.py::test_uses_it_too",
        "test_sample.py::test_alone",
    }
    assert fixture in costs.fixtures


def test_the_recorder_prices_a_test_by_its_cpu_and_its_processes_cpu_not_by_the_clock(pytester):
    # On a shared machine the clock counts other work too: a test recorded while the machine was busy would look
    # dear and never be picked. Waiting costs nothing; a process the test runs costs what it computes.
    pytester.makepyfile(
        test_sample="""
        import subprocess, sys, time

        def test_waits():
            time.sleep(0.4)

        def test_runs_a_busy_process():
            loop = "import time\\nend = time.process_time() + 0.4\\nwhile time.process_time() < end: pass"
            subprocess.run([sys.executable, "-c", loop], check=True)
        """
    )
    path = pytester.path / "costs.json"
    result = pytester.runpytest_inprocess("-p", "no:randomly", plugins=[CostRecorder(path)])
    result.assert_outcomes(passed=2)
    costs = Costs.load(path)
    assert costs.own["test_sample.py::test_waits"] < 0.1
    assert costs.own["test_sample.py::test_runs_a_busy_process"] >= 0.35


def test_a_test_that_looks_cheap_but_needs_an_expensive_fixture_is_left_out():
    costs = Costs(
        own={"cheap": 0.5, "fast_on_copier": 0.01, "second_on_copier": 0.01},
        fixtures={"::template": 20.0},
        needs={"fast_on_copier": ["::template"], "second_on_copier": ["::template"]},
    )
    # mutmut's call-only times would rank the copier tests first and keep all three within 3 s.
    assert costs.select({"cheap", "fast_on_copier", "second_on_copier"}, 3.0, {}) == {"cheap"}


def test_tests_sharing_a_fixture_pay_for_it_once():
    costs = Costs(
        own={"a": 0.1, "b": 0.1, "c": 2.0},
        fixtures={"::repo": 5.0},
        needs={"a": ["::repo"], "b": ["::repo"]},
    )
    # c (2.0), then a (0.1 and the repository, 5.0), then b (0.1: the repository is paid for): 7.2 s, not 12.2 s.
    assert costs.select({"a", "b", "c"}, 7.3, {}) == {"a", "b", "c"}
    assert costs.session({"a", "b", "c"}, {}) == 7.2


def test_at_least_one_test_runs_whatever_the_budget():
    costs = Costs(own={"slow": 40.0, "slower": 60.0})
    assert costs.select({"slow", "slower"}, 1.0, {}) == {"slow"}


def test_a_test_the_recorder_never_saw_costs_what_mutmut_recorded():
    costs = Costs(own={"known": 1.0})
    assert costs.select({"known", "unknown"}, 1.5, {"unknown": 0.2}) == {"known", "unknown"}
    assert costs.select({"known", "unknown"}, 1.1, {"unknown": 0.2}) == {"unknown"}


def test_a_test_that_fails_unmutated_judges_no_mutant(pytester):
    pytester.makepyfile(test_sample="def test_broken():\n    assert False\n\ndef test_fine():\n    pass\n")
    path = pytester.path / "costs.json"
    pytester.runpytest_inprocess("-p", "no:randomly", plugins=[CostRecorder(path)]).assert_outcomes(passed=1, failed=1)
    costs = Costs.load(path)
    assert costs.failed == ["test_sample.py::test_broken"]
    assert costs.select({"test_sample.py::test_broken", "test_sample.py::test_fine"}, 60.0, {}) == {
        "test_sample.py::test_fine"
    }


def test_mutmut_copies_everything_the_tests_read():
    """mutmut runs the tests from its copy of the checkout (mutants/), which holds src/, tests/, pyproject.toml
    and what [tool.mutmut] also_copy lists: every other tracked top-level entry must be listed."""
    if "MUTANT_UNDER_TEST" in os.environ:
        pytest.skip("reads the checkout's git index, which mutmut's copy (mutants/) is not part of")
    repo = Path(__file__).resolve().parent.parent
    listed = subprocess.run(["git", "ls-files"], cwd=repo, capture_output=True, text=True, check=True).stdout
    tracked = {line.split("/")[0] for line in listed.splitlines()}
    also_copy = tomllib.loads((repo / "pyproject.toml").read_text())["tool"]["mutmut"]["also_copy"]
    assert tracked - {"src", "tests", "pyproject.toml"} == set(also_copy)
