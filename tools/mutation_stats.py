"""mutmut's stats record, shared out over pytest-xdist workers (used by tools/mutation.py).

mutmut records which tests call which function by running the whole suite once, in its own process, one test
after another: on this 2-core machine the longest step of a run from scratch, with one core idle. tools/mutation.py
runs that record with `-n N --dist loadfile` instead, and loads this module into each worker (`-p mutation_stats`):
a worker notes, per test, the functions it called (its own and its started processes' calls, tests/conftest.py),
the test's duration and what it costs a mutant (tools/mutation_costs.py), and writes them to a file when its session
ends; `merge` then adds every worker's record to mutmut's state in the controller, as if it had run the tests itself.
"""

from __future__ import annotations

import json
import os
from collections import defaultdict
from pathlib import Path

from mutation_costs import CostRecorder, Costs

RECORDS = "MODFORGE_MUTATION_WORKER_RECORDS"  # the folder the workers write their records into


class WorkerStats:
    """What mutmut's own StatsCollector notes in the controller, noted in a worker, and written out at the end."""

    def __init__(self, folder: Path, worker: str) -> None:
        self.path = folder / f"{worker}.json"
        self.costs = CostRecorder(folder / f"{worker}.costs.json")
        self.tests_by_function: dict[str, set[str]] = defaultdict(set)
        self.durations: dict[str, float] = {}

    def pytest_runtest_logstart(self, nodeid, location):
        self.durations[nodeid] = 0.0

    def pytest_runtest_makereport(self, item, call):
        if call.when == "call":
            self.durations[item.nodeid] += call.duration

    def pytest_runtest_teardown(self, item, nextitem):
        from mutmut.state import state

        for function in state()._stats:
            self.tests_by_function[function].add(item.nodeid.removeprefix("mutants/"))
        state()._stats.clear()

    def pytest_sessionfinish(self, session):
        from mutmut.state import state

        record = {
            "tests_by_function": {function: sorted(tests) for function, tests in self.tests_by_function.items()},
            "durations": self.durations,
            "dependencies": {function: sorted(callers) for function, callers in state().function_dependencies.items()},
        }
        self.path.write_text(json.dumps(record), encoding="utf-8")


def pytest_configure(config):
    # An xdist worker's config has its `workerinput` (the environment's PYTEST_XDIST_WORKER is also inherited by
    # any pytest a worker starts, whose controller would then write over a worker's record).
    worker = getattr(config, "workerinput", {}).get("workerid")
    if worker and os.environ.get(RECORDS):
        stats = WorkerStats(Path(os.environ[RECORDS]), worker)
        config.pluginmanager.register(stats, "modforge-worker-stats")
        config.pluginmanager.register(stats.costs, "modforge-worker-costs")


def merge(folder: Path, costs_path: Path) -> list[str]:
    """Add the workers' records in `folder` to mutmut's state and to the costs file; the tests that failed."""
    from mutmut.state import state

    costs = Costs.load(costs_path)
    for path in sorted(folder.glob("*.costs.json")):
        worker = Costs.load(path)
        ran = set(worker.own)
        costs.failed = [test for test in costs.failed if test not in ran]
        costs.failed += [test for test in worker.failed if test not in costs.failed]
        costs.own.update(worker.own)
        costs.needs.update(worker.needs)
        for fixture, seconds in worker.fixtures.items():
            costs.fixtures[fixture] = max(costs.fixtures.get(fixture, 0.0), seconds)
    costs.save(costs_path)
    for path in sorted(folder.glob("*.json")):
        if path.name.endswith(".costs.json"):
            continue
        record = json.loads(path.read_text(encoding="utf-8"))
        for function, tests in record["tests_by_function"].items():
            state().tests_by_mangled_function_name[function].update(tests)
        state().duration_by_test.update(record["durations"])
        for function, callers in record["dependencies"].items():
            state().function_dependencies[function].update(callers)
    return costs.failed
