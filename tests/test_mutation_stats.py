"""`make mutation` records which tests call which function over pytest-xdist workers (tools/mutation_stats.py):
what each worker notes must reach mutmut's state as if one process had run every test."""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools"))

import mutation_stats
from mutation_costs import Costs
from mutmut.state import reset_state, state

TOOLS = Path(mutation_stats.__file__).parent

pytest_plugins = ["pytester"]

# Each test "calls" functions the way mutmut's trampolines note a call: into the worker's state()._stats.
SAMPLE = """
import pytest
from mutmut.state import state

@pytest.fixture(scope="module")
def built():
    return "template"

def test_parses(built):
    state()._stats.add("pkg.grammar.x_parse")

def test_parses_and_formats():
    state()._stats.update({"pkg.grammar.x_parse", "pkg.grammar.x_format"})

def test_calls_nothing():
    pass

def test_broken():
    state()._stats.add("pkg.grammar.x_format")
    assert False
"""


def test_the_workers_records_add_up_to_one_record_of_the_whole_suite(pytester, monkeypatch):
    pytester.makepyfile(test_first=SAMPLE, test_second=SAMPLE.replace("x_parse", "x_lex"))
    records = pytester.path / "records"
    records.mkdir()
    monkeypatch.setenv(mutation_stats.RECORDS, str(records))
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, (str(TOOLS), os.environ.get("PYTHONPATH")))))
    result = pytester.runpytest_subprocess("-n", "2", "--dist", "loadfile", "-p", "mutation_stats", "-p", "no:randomly")
    result.assert_outcomes(passed=6, failed=2)
    assert len(list(records.glob("gw*.json"))) == 4  # each worker's calls and its costs

    costs_path = pytester.path / "costs.json"
    Costs(failed=["test_first.py::test_parses"]).save(costs_path)  # failed in an earlier run, passes now
    reset_state()
    try:
        failed = mutation_stats.merge(records, costs_path)
        tests = {function: sorted(names) for function, names in state().tests_by_mangled_function_name.items()}
        durations = dict(state().duration_by_test)
    finally:
        reset_state()

    assert sorted(failed) == ["test_first.py::test_broken", "test_second.py::test_broken"]
    assert tests == {
        "pkg.grammar.x_parse": ["test_first.py::test_parses", "test_first.py::test_parses_and_formats"],
        "pkg.grammar.x_lex": ["test_second.py::test_parses", "test_second.py::test_parses_and_formats"],
        "pkg.grammar.x_format": [
            "test_first.py::test_broken",
            "test_first.py::test_parses_and_formats",
            "test_second.py::test_broken",
            "test_second.py::test_parses_and_formats",
        ],
    }
    assert len(durations) == 8
    costs = Costs.load(costs_path)
    assert len(costs.own) == 8
    assert costs.needs["test_first.py::test_parses"] == ["test_first.py::built"]
    assert costs.needs["test_first.py::test_calls_nothing"] == []
    assert {"test_first.py::built", "test_second.py::built"} <= set(costs.fixtures)
