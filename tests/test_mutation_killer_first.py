"""`make mutation` runs first, for each mutant, the test that killed the last mutant of the same function, with the
other tests of its file, in a session of its own (tools/mutation.py): most mutants then collect one test file,
not every file their tests are in."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools"))

import mutation

pytest_plugins = ["pytester"]

TESTS = [
    "tests/test_rules.py::test_heading",  # cheapest first, as mutmut orders them
    "tests/test_units.py::test_gap_form",
    "tests/test_rules.py::test_phase",
    "tests/test_units.py::test_gap_order",
    "tests/test_rules.py::test_release",
]


def test_the_last_killer_and_its_file_run_first_and_the_other_files_after():
    first, rest = mutation.first_session(TESTS, "tests/test_units.py::test_gap_order")
    assert first == ["tests/test_units.py::test_gap_order", "tests/test_units.py::test_gap_form"]
    assert rest == [
        "tests/test_rules.py::test_heading",
        "tests/test_rules.py::test_phase",
        "tests/test_rules.py::test_release",
    ]


def test_without_a_killer_the_file_holding_most_of_the_tests_runs_first():
    for killer in (None, "tests/test_gone.py::test_renamed"):  # a killer no longer among the tests is forgotten
        first, rest = mutation.first_session(TESTS, killer)
        assert first == [
            "tests/test_rules.py::test_heading",
            "tests/test_rules.py::test_phase",
            "tests/test_rules.py::test_release",
        ]
        assert rest == ["tests/test_units.py::test_gap_form", "tests/test_units.py::test_gap_order"]


def test_tests_of_one_file_run_in_one_session():
    tests = ["tests/test_units.py::test_gap_form", "tests/test_units.py::test_gap_order"]
    assert mutation.first_session(tests, "tests/test_units.py::test_gap_order") == (tests, [])


def test_the_first_failing_test_of_a_mutant_is_remembered_for_its_function(pytester):
    pytester.makepyfile(
        test_sample="""
        def test_passes():
            pass

        def test_fails():
            assert False

        def test_fails_too():
            assert False
        """
    )
    path = pytester.path / "modforge.checker.rules.gaps.x_gap_entry_fields"
    pytester.runpytest_inprocess("-x", "-p", "no:randomly", plugins=[mutation._KillerRecorder(path)])
    assert path.read_text(encoding="utf-8") == "test_sample.py::test_fails"
    pytester.runpytest_inprocess("-p", "no:randomly", "-k", "too", plugins=[mutation._KillerRecorder(path)])
    assert path.read_text(encoding="utf-8") == "test_sample.py::test_fails_too"
    assert [p.name for p in pytester.path.iterdir() if p.name.startswith("modforge.")] == [path.name]  # no scratch
