"""What a test really costs a mutant, and which tests fit a mutant's budget (used by tools/mutation.py).

mutmut times only a test's call phase. A mutant's run is a fresh pytest session, so it also pays for every
session- or module-scoped fixture its tests need (a template repository built by copier, a monorepo of modules),
which mutmut charges to nobody. A test that looks like 10 ms could then cost a mutant 20 s. While mutmut records
its stats, `CostRecorder` notes each test's own CPU time, its processes' included (setup, call and teardown, less
the shared fixtures it set up), and the shared fixtures it needs with the CPU time each took to set up: CPU time,
not the clock, so that a test recorded while the machine was busy is priced as one recorded at rest. `select` then
fills a mutant's budget with the cheapest tests, counting a shared fixture once however many of the chosen tests use it.
"""

from __future__ import annotations

import json
import resource
from dataclasses import dataclass, field
from pathlib import Path

import pytest


@dataclass
class Costs:
    own: dict[str, float] = field(default_factory=dict)  # test node ID -> seconds of its own
    fixtures: dict[str, float] = field(default_factory=dict)  # shared fixture -> seconds of its set-up
    needs: dict[str, list[str]] = field(default_factory=dict)  # test node ID -> shared fixtures it uses
    failed: list[str] = field(default_factory=list)  # tests that fail unmutated in mutmut's copy: no judges

    @classmethod
    def load(cls, path: Path) -> Costs:
        if not path.exists():
            return cls()
        return cls(**json.loads(path.read_text(encoding="utf-8")))

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(self.__dict__, sort_keys=True), encoding="utf-8")

    def select(self, tests: set[str], budget: float, recorded: dict[str, float]) -> set[str]:
        """The cheapest of `tests` whose session fits `budget` seconds (at least one, unless every one of them
        failed unmutated). A test this run did not measure costs what mutmut recorded for it."""

        def own(test: str) -> float:
            return self.own[test] if test in self.own else recorded.get(test, 0.0)

        def alone(test: str) -> float:
            return own(test) + sum(self.fixtures.get(name, 0.0) for name in self.needs.get(test, ()))

        kept: set[str] = set()
        paid: set[str] = set()
        spent = 0.0
        for test in sorted(set(tests) - set(self.failed), key=lambda test: (alone(test), test)):
            fixtures = set(self.needs.get(test, ())) - paid
            extra = own(test) + sum(self.fixtures.get(name, 0.0) for name in fixtures)
            if kept and spent + extra > budget:
                continue  # a later test may still fit: it may share fixtures already paid for
            kept.add(test)
            paid |= fixtures
            spent += extra
        return kept

    def session(self, tests: set[str], recorded: dict[str, float]) -> float:
        """Seconds a session of `tests` costs: their own times and each shared fixture once."""
        fixtures = {name for test in tests for name in self.needs.get(test, ())}
        own = sum(self.own[test] if test in self.own else recorded.get(test, 0.0) for test in tests)
        return own + sum(self.fixtures.get(name, 0.0) for name in fixtures)


def _shared_fixtures(item: pytest.Item) -> list[str]:
    info = getattr(item, "_fixtureinfo", None)
    if info is None:
        return []
    names = []
    for name in item.fixturenames:
        definitions = info.name2fixturedefs.get(name)
        if definitions and definitions[-1].scope != "function":
            names.append(_key(definitions[-1]))
    return names


def _key(fixturedef) -> str:
    return f"{fixturedef.baseid}::{fixturedef.argname}"


def cpu_seconds() -> float:
    """CPU seconds of this process and of the children it has waited for (a test's `modforge` and copier
    processes): what a test costs a mutant, whatever else the machine runs. Wall time would price a test by the
    load at the moment it was recorded, so that tests recorded on a busy machine were never picked."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


class CostRecorder:
    """A pytest plugin for mutmut's stats run: merges what it measures (CPU seconds, `cpu_seconds`) into `path`
    when the session ends."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.costs = Costs.load(path)
        self._shared_setup = 0.0  # CPU seconds the current test spent setting up shared fixtures
        self._started = 0.0  # CPU seconds when the current test started

    @pytest.hookimpl(hookwrapper=True)
    def pytest_fixture_setup(self, fixturedef, request):
        started = cpu_seconds()
        yield
        if fixturedef.scope != "function":
            took = cpu_seconds() - started
            self._shared_setup += took
            key = _key(fixturedef)
            self.costs.fixtures[key] = max(self.costs.fixtures.get(key, 0.0), took)

    def pytest_runtest_logstart(self, nodeid, location):
        self._started = cpu_seconds()
        self._shared_setup = 0.0
        if nodeid in self.costs.failed:
            self.costs.failed.remove(nodeid)

    def pytest_runtest_logreport(self, report):
        if report.failed and report.nodeid not in self.costs.failed:
            self.costs.failed.append(report.nodeid)
        if report.when == "teardown":  # set-up, call and tear-down, less the shared fixtures it set up
            self.costs.own[report.nodeid] = max(0.0, cpu_seconds() - self._started - self._shared_setup)

    def pytest_collection_modifyitems(self, items):
        for item in items:
            self.costs.needs[item.nodeid] = _shared_fixtures(item)

    def pytest_sessionfinish(self, session):
        self.costs.save(self.path)
