"""Mutation testing of the modules that decide findings and outputs (`make mutation`), with a score per module.

Usage: .venv/bin/python tools/mutation.py [MODULE ...] [--report] [--max-children N]
       .venv/bin/python tools/mutation.py --mutmut show|results|browse ...   (mutmut itself, with the patch below)

mutmut (configured in pyproject.toml, [tool.mutmut]) copies the checkout to mutants/, rewrites each function of the
configured modules into its mutants behind a trampoline, records once which tests call which function, and runs for
each mutant only those tests, stopping at the first failure. This script runs it once for the modules named (all
configured ones by default; then verdicts of functions unchanged since an earlier run are kept, so a stopped run
resumes) and reports per module: mutants killed, surviving, without a test, timed out, and the score, killed /
(all - equivalent). A mutant no test can tell from the original is listed in mutation-equivalents.toml beside
pyproject.toml, with the changed line and the reason; an entry whose line no longer matches the mutant's is
reported as stale, so a renumbered mutant is never excused by an old reason.

Speed on a shared 2-core machine: each mutant runs only the cheapest of the tests that call its function, up to
TEST_BUDGET seconds of what they cost a fresh pytest session, shared fixtures included (tools/mutation_costs.py;
MODFORGE_MUTATION_TEST_BUDGET); a mutant only a slower test (a copier run) would kill counts as surviving, so the
score is a lower bound and the fix is a fast, focused test. Tests marked `slow` (wheel builds, fleets of copier
updates) are left out of mutation runs altogether. Property tests do not shrink a failing example under mutation
(tests/conftest.py). The record of which tests call which function runs the suite over --max-children pytest-xdist
workers (tools/mutation_stats.py), and, having just run every selected test unmutated, stands for mutmut's clean
run; MODFORGE_MUTATION_SKIP_CLEAN=1 skips the clean run of a resumed run too.

The main patch to mutmut: it leaves every decorated function alone (a decorator may register the function, or break when
its arguments are mutated), which would leave every rule of modforge.checker.rules unmutated, since each is declared
with `@rule(...)`. `@rule` only wraps the function in a Rule, so for it (and `property`/`cached_property`) the patch
builds the trampoline from the undecorated function and puts the decorators back on the trampoline alone.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from collections import Counter
from pathlib import Path

import mutation_stats
from mutation_costs import CostRecorder, Costs

REPO = Path(__file__).resolve().parent.parent
COSTS = REPO / "mutants" / "modforge-test-costs.json"  # beside mutmut's own stats (tools/mutation_costs.py)
EQUIVALENTS = REPO / "mutation-equivalents.toml"
KILLERS = REPO / "mutants" / "modforge-killers"  # per mutated function: the test that killed its last mutant
GOAL = 0.85
# Seconds of recorded test time each mutant may use, fastest tests first (see _patch_test_budget);
# MODFORGE_MUTATION_TEST_BUDGET overrides it.
TEST_BUDGET = 1.5
# Processes that record mutmut's stats of the whole suite (pytest-xdist workers; tools/mutation_stats.py) and that
# run mutants: --max-children, passed on to mutmut's process.
WORKERS = int(os.environ.get("MODFORGE_MUTATION_WORKERS", "1"))
_RECORDED_WHOLE_SUITE = False  # set once this process has made mutmut's stats record of the whole suite
# Decorators the patch lets mutmut look through: they only wrap the function, and have no other effect.
TRANSPARENT_DECORATORS = {"rule", "property", "cached_property"}
STATUS = {1: "killed", 3: "killed", 0: "survived", 5: "no tests", 33: "no tests", 36: "timeout", 24: "timeout"}
STATUS.update({-24: "timeout", 152: "timeout", 255: "timeout", None: "not run"})


def configured_modules() -> list[str]:
    """The dotted names of the modules [tool.mutmut] only_mutate names (a `*` pattern: every module under it)."""
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mutmut"]
    modules = []
    for pattern in config["only_mutate"]:
        for path in sorted(REPO.glob(pattern)):
            if path.suffix == ".py" and path.name != "__init__.py":
                modules.append(".".join(path.relative_to(REPO / "src").with_suffix("").parts))
    return modules


# --- the patch -------------------------------------------------------------------------------------
def _transparent(function) -> bool:
    import libcst as cst

    names = []
    for decorator in function.decorators:
        node = decorator.decorator.func if isinstance(decorator.decorator, cst.Call) else decorator.decorator
        names.append(node.value if isinstance(node, cst.Name) else None)
    return bool(names) and all(name in TRANSPARENT_DECORATORS for name in names)


def patch_mutmut() -> None:
    from mutmut.mutation import file_mutation

    skip = file_mutation.MutationVisitor._skip_node_and_children
    arrange = file_mutation.function_trampoline_arrangement

    def skip_node_and_children(self, node):
        import libcst as cst

        if isinstance(node, cst.FunctionDef) and _transparent(node):
            return skip(self, node.with_changes(decorators=[]))
        return skip(self, node)

    def function_trampoline_arrangement(function, mutants, class_name):
        if not _transparent(function):
            return arrange(function, mutants, class_name)
        empty, nodes, assignments, names = arrange(function.with_changes(decorators=[]), mutants, class_name)
        trampoline = nodes[0]  # the trampoline first, then the original's copy and the mutants, undecorated
        nodes[0] = trampoline.with_changes(decorators=[*function.decorators, *trampoline.decorators])
        return empty, nodes, assignments, names

    file_mutation.MutationVisitor._skip_node_and_children = skip_node_and_children
    file_mutation.function_trampoline_arrangement = function_trampoline_arrangement
    _patch_test_budget()
    _patch_fresh_test_modules()
    _patch_killer_first()


def _patch_fresh_test_modules() -> None:
    """mutmut runs pytest several times in one process (listing the tests, the clean run, then each mutant in a
    fork of it). A test module imported by an earlier run keeps the objects its parameters were made of, and
    pytest escapes an ID with a backslash again on the next collection (`[description=C:\\path]` becomes
    `[...C:\\\\path]`), so the recorded test is "not found" and pytest stops with a usage error. Forgetting the
    test modules (not modforge) before each run makes every collection the first."""
    from mutmut.runners.harness import PytestRunner

    execute = PytestRunner.execute_pytest

    def execute_pytest(self, params, **kwargs):
        stats = os.environ.get("MUTANT_UNDER_TEST") == "stats" and "plugins" in kwargs
        shared = stats and WORKERS > 1 and "-m" in params  # the whole suite (not the tests added since a run)
        if stats:
            # The whole stats run goes on past a failing test (mutmut stops it with -x, losing every record):
            # a test that fails unmutated in mutmut's copy judges no mutant, and the report names it.
            params = [param for param in params if param != "-x"]
            if shared:
                records = Path(tempfile.mkdtemp(prefix="modforge-mutation-records-"))
                os.environ[mutation_stats.RECORDS] = str(records)
                tools = str(Path(__file__).resolve().parent)  # where the workers import mutation_stats from
                os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, (tools, os.environ.get("PYTHONPATH"))))
                params = [*params, "-n", str(WORKERS), "--dist", "loadfile", "-p", "mutation_stats"]
            else:
                kwargs["plugins"] = [*kwargs["plugins"], CostRecorder(COSTS)]
        mutant = os.environ.get("MUTANT_UNDER_TEST", "")
        if "__mutmut_" in mutant:
            KILLERS.mkdir(exist_ok=True)
            kwargs["plugins"] = [*kwargs.get("plugins", []), _KillerRecorder(_killer_path(mutant))]
        tests = os.path.abspath("tests") + os.sep
        for name, module in list(sys.modules.items()):
            if (getattr(module, "__file__", None) or "").startswith(tests):
                del sys.modules[name]
        code = execute(self, params, **kwargs)
        global _RECORDED_WHOLE_SUITE
        _RECORDED_WHOLE_SUITE = _RECORDED_WHOLE_SUITE or (stats and "-m" in params and code in (0, 1))
        if shared:
            mutation_stats.merge(records, COSTS)
            shutil.rmtree(records, ignore_errors=True)
        if stats and code == 1:  # tests failed (not a usage or collection error)
            failed = Costs.load(COSTS).failed
            print(f"{len(failed)} test(s) fail unmutated in mutants/ and judge no mutant:", *failed, sep="\n  ")
            return 0
        return code

    PytestRunner.execute_pytest = execute_pytest


def _patch_killer_first() -> None:
    """A mutant's pytest session collects every file its tests are in before the first test runs: 0.1 to 0.3 s a
    file, up to two dozen files for a function many tests reach, and most of what a killed mutant costs. Mutants
    of one function run one after another and are mostly killed by the same test, so the test that killed the
    last one (KILLERS) runs first, with the other tests of its file, in a session of its own; the rest run only
    when these all pass. Until a mutant of the function is killed, the file holding most of its tests goes
    first. The same tests run, in two sessions instead of one when the mutant survives the first."""
    from mutmut.runners.harness import PytestRunner

    run_tests = PytestRunner.run_tests

    def run_killer_first(self, *, mutant_name, tests):
        if not mutant_name:  # the clean run
            return run_tests(self, mutant_name=mutant_name, tests=tests)
        killer = _killer_path(mutant_name)
        last = killer.read_text(encoding="utf-8") if killer.exists() else None
        first, rest = first_session(list(tests), last)
        code = run_tests(self, mutant_name=mutant_name, tests=first)
        if code != 0 or not rest:
            return code
        return run_tests(self, mutant_name=mutant_name, tests=rest)

    PytestRunner.run_tests = run_killer_first


def first_session(tests: list[str], killer: str | None) -> tuple[list[str], list[str]]:
    """A mutant's `tests` split into the session to run first and the rest: the tests of the file holding `killer`
    (the test that killed the function's last mutant), it first, or else of the file holding most of them."""
    files = Counter(test.split("::")[0] for test in tests)
    if len(files) < 2:
        return tests, []
    first_file = killer.split("::")[0] if killer in tests else files.most_common(1)[0][0]
    first = [test for test in tests if test.split("::")[0] == first_file]
    if killer in first:
        first = [killer] + [test for test in first if test != killer]
    return first, [test for test in tests if test.split("::")[0] != first_file]


class _KillerRecorder:
    """In a mutant's session: the first test that fails is the one to run first for the function's next mutant."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def pytest_runtest_logreport(self, report):
        if report.failed:
            scratch = self.path.parent / f"{self.path.name}.{os.getpid()}"
            scratch.write_text(report.nodeid.removeprefix("mutants/"), encoding="utf-8")
            os.replace(scratch, self.path)  # two mutants of one function may finish together


def _killer_path(mutant_name: str) -> Path:
    return KILLERS / mutant_name.partition("__mutmut_")[0]


def _patch_test_budget() -> None:
    """Give each mutant only the fastest of the tests that call its function, up to TEST_BUDGET seconds of what
    they cost a fresh session, shared fixtures included (tools/mutation_costs.py; at least one test). The functions
    every test calls (the ID grammar, the layout) would otherwise run the whole selection, copier and all, for every
    mutant that survives, and for the clean run of each module: hours on a shared 2-core machine. A mutant only a
    slower test would kill counts as surviving, so the score is a lower bound, and the remedy is the one wanted
    anyway: a fast, focused test."""
    import mutmut.__main__ as mutmut_main
    from mutmut.state import state

    budget = float(os.environ.get("MODFORGE_MUTATION_TEST_BUDGET", TEST_BUDGET))
    collect = mutmut_main.collect_or_load_stats

    def collect_or_load_stats(*args, **kwargs):
        collect(*args, **kwargs)  # saves the full map to mutants/mutmut-stats.json; only this run's copy is cut
        costs, durations = Costs.load(COSTS), state().duration_by_test
        for function, tests in state().tests_by_mangled_function_name.items():
            state().tests_by_mangled_function_name[function] = costs.select(tests, budget, durations)
        # mutmut sets each mutant's time limit and order from these: make them what a fresh session pays.
        for test in costs.own:
            durations[test] = costs.session({test}, durations)

    mutmut_main.collect_or_load_stats = collect_or_load_stats
    tests_for = mutmut_main.tests_for_mutant_names

    def tests_for_mutant_names(mutant_names):
        # No names (every module) made mutmut's clean run the whole suite, tests failing unmutated included:
        # the clean run proves the tests mutants will run, so it runs exactly those.
        if not mutant_names:
            return set().union(*state().tests_by_mangled_function_name.values())
        return tests_for(mutant_names)

    mutmut_main.tests_for_mutant_names = tests_for_mutant_names
    from mutmut.workers.isolation import ForkRunner

    clean_run = ForkRunner.run_clean_tests

    def run_clean_tests(self, tests):
        # The clean run (the selected tests, unmutated) proves they pass in mutants/ before any failure is read as
        # a kill. A stats record of the whole suite made in this run has just proved it (a test that failed there
        # is never selected), and MODFORGE_MUTATION_SKIP_CLEAN=1 says an earlier run did. The test modules are
        # then only collected, here in the process every mutant is forked from: what they build once per process
        # (the template's renderer) is then built once, not once per mutant.
        if not (_RECORDED_WHOLE_SUITE or os.environ.get("MODFORGE_MUTATION_SKIP_CLEAN")):
            return clean_run(self, tests)
        files = sorted({test.split("::")[0] for test in tests})
        with _in_mutants():
            self.test_runner.execute_pytest(["--collect-only", "-qqq", "-p", "no:randomly", *files])
        return 0

    ForkRunner.run_clean_tests = run_clean_tests


@contextlib.contextmanager
def _in_mutants():
    here = os.getcwd()
    os.chdir(REPO / "mutants")
    try:
        yield
    finally:
        os.chdir(here)


def run_mutmut(arguments: list[str]) -> int:
    """mutmut's command line, in this process, patched."""
    patch_mutmut()
    from mutmut.__main__ import cli

    try:
        cli.main(arguments, prog_name="mutmut", standalone_mode=False)
    except SystemExit as stop:
        return int(stop.code or 0)
    return 0


def generate_mutants() -> None:
    """Make the mutants of the sources in the current folder as mutmut's run does first, and no more: a function
    whose code changed since its mutants were judged gets new mutants with no verdict ("not run"), so
    `--survivors` finds them before it picks what to run (else they would wait for a second run)."""
    patch_mutmut()
    from mutmut import __main__ as mutmut

    mutmut.set_mutant_under_test("mutant_generation")
    os.makedirs("mutants", exist_ok=True)
    with mutmut.CatchOutput(spinner_title="Generating mutants"):
        mutmut.copy_src_dir()
        mutmut.copy_also_copy_files()
        mutmut.setup_source_paths()
        mutmut.store_lines_covered_by_tests()
        mutmut.create_mutants(os.cpu_count() or 2)


# --- the report ------------------------------------------------------------------------------------
def results() -> dict[str, dict[str, int | None]]:
    """mutant name -> exit code, per module, from mutmut's result files."""
    found: dict[str, dict[str, int | None]] = {}
    for meta in sorted((REPO / "mutants" / "src").rglob("*.py.meta")):
        module = ".".join(meta.relative_to(REPO / "mutants" / "src").with_suffix("").with_suffix("").parts)
        found[module] = json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"]
    return found


def mutant_diff(name: str) -> str:
    completed = subprocess.run(
        [sys.executable, __file__, "--mutmut", "show", name], cwd=REPO, capture_output=True, text=True
    )
    return completed.stdout


def changed_lines(diff: str) -> str:
    """The mutant's side of a diff: its + lines, stripped, as an equivalence entry records them."""
    lines = diff.splitlines()
    return "\n".join(line[1:].strip() for line in lines if line.startswith("+") and not line.startswith("++"))


def equivalents() -> dict[str, dict[str, str]]:
    if not EQUIVALENTS.exists():
        return {}
    entries = tomllib.loads(EQUIVALENTS.read_text(encoding="utf-8")).get("equivalent", [])
    return {entry["mutant"]: entry for entry in entries}


def report(modules: list[str]) -> bool:
    """Print the score per module and in all; whether every module meets the goal and no entry is stale."""
    found, excused = results(), equivalents()
    totals: Counter[str] = Counter()
    ok = True
    print(f"{'module':<40} {'mutants':>7} {'killed':>6} {'equiv':>5} {'survived':>8} ", end="")
    print(f"{'no test':>7} {'timeout':>7} {'not run':>7} score")
    for module in modules:
        counts, stale = classify(found.get(module, {}), excused, lambda name: changed_lines(mutant_diff(name)))
        for problem in stale:
            print(f"  stale entry in {EQUIVALENTS.name}: {problem}")
        ok = ok and not stale
        totals.update(counts)
        ok = ok and not counts["not run"] and _score(counts) >= GOAL
        _row(module, counts)
    _row("all", totals)
    print(
        f"goal: at least {GOAL:.0%} of the mutants run that are not equivalent killed (or timed out), in every module;"
    )
    print("a module with mutants not run (a run stopped early) is marked *")
    return ok


def classify(
    codes: dict[str, int | None], excused: dict[str, dict[str, str]], change_of
) -> tuple[Counter[str], list[str]]:
    """The mutants of one module by status (a surviving mutant that an entry excuses is "equivalent"), and what is
    wrong with the entries naming them: one whose mutant now changes another line (mutmut renumbers a function's
    mutants when the function changes), or one whose mutant a test kills, so it was never equivalent. Either way
    the entry no longer excuses anything: `change_of(name)` is the mutant's changed lines, read only for
    excused survivors."""
    counts: Counter[str] = Counter()
    stale = []
    for name, code in codes.items():
        status = STATUS.get(code, "suspicious")
        if name in excused and status == "killed":
            stale.append(f"{name} is killed by a test: it is not equivalent (renumbered?)")
        elif name in excused and status != "not run":
            if change_of(name) == excused[name]["change"].strip():
                status = "equivalent"
            else:
                stale.append(f"{name} no longer changes what it records")
        counts[status] += 1
    return counts, stale


def survivors(modules: list[str]) -> list[str]:
    """The mutants of `modules` an earlier run did not kill and mutation-equivalents.toml does not excuse. Tests
    are only ever added between runs, so a killed mutant stays killed as long as its function is unchanged (a
    changed function's mutants have no verdict, and run)."""
    found, excused = results(), equivalents()
    return [
        name
        for module in modules
        for name, code in found.get(module, {}).items()
        if STATUS.get(code) == "not run" or (STATUS.get(code) != "killed" and name not in excused)
    ]


def _score(counts: Counter[str]) -> float:
    """Mutants caught / mutants judged, equivalents left out. A mutant that makes its tests run past their time
    limit (a loop that never ends) is caught: the suite would never pass with it, as PIT and Stryker count it."""
    judged = sum(counts.values()) - counts["equivalent"] - counts["not run"]
    return (counts["killed"] + counts["timeout"]) / judged if judged else 1.0


def _row(module: str, counts: Counter[str]) -> None:
    mark = "*" if counts["not run"] else ""
    print(
        f"{module:<40} {sum(counts.values()):>7} {counts['killed']:>6} {counts['equivalent']:>5} "
        f"{counts['survived']:>8} {counts['no tests']:>7} {counts['timeout']:>7} {counts['not run']:>7} "
        f"{_score(counts):6.1%}{mark}"
    )


def main() -> int:
    if sys.argv[1:2] == ["--mutmut"]:
        return run_mutmut(sys.argv[2:])
    if sys.argv[1:] == ["--generate"]:  # in a process of its own: mutmut keeps its state in globals
        generate_mutants()
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="*", help="dotted module names (default: every configured module)")
    parser.add_argument("--report", action="store_true", help="only report the results of earlier runs")
    parser.add_argument(
        "--survivors",
        action="store_true",
        help="run again only the mutants an earlier run did not kill (after new tests: killed ones stay killed)",
    )
    parser.add_argument("--max-children", type=int, default=os.cpu_count() or 2, help="mutants run at once")
    args = parser.parse_args()
    modules = args.modules or configured_modules()
    upstream = REPO.parent / "shared" / "upstream"
    if "MODFORGE_UPSTREAM" not in os.environ and upstream.is_dir():
        os.environ["MODFORGE_UPSTREAM"] = str(upstream)  # mutants/ is one folder deeper than the checkout
    if not args.report:
        # One mutmut run for all of them: one collection of the suite and one clean run. Without names mutmut
        # also keeps the verdicts of an earlier run whose code has not changed, so a stopped run resumes.
        patterns = [f"{module}.*" for module in args.modules]
        if args.survivors:
            subprocess.run([sys.executable, __file__, "--generate"], cwd=REPO, check=True)
            patterns = survivors(modules)
            if not patterns:
                return 0 if report(modules) else 1
        command = [sys.executable, __file__, "--mutmut", "run", *patterns, "--max-children", str(args.max_children)]
        started = time.monotonic()
        environment = {**os.environ, "MODFORGE_MUTATION_WORKERS": str(args.max_children)}
        if subprocess.run(command, cwd=REPO, env=environment, check=False).returncode != 0:
            print("mutmut stopped: see its output above", file=sys.stderr)
            return 2
        print(f"mutmut ran for {(time.monotonic() - started) / 60:.1f} minutes")
    return 0 if report(modules) else 1


if __name__ == "__main__":
    sys.exit(main())
