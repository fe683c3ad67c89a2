"""Shared fixtures: the template as copier sees it, and real copies of it.

Copies run the real copier in-process (`copier.run_copy`) from a plain-directory snapshot of this
checkout (copier.yml, template/, extensions/, src/), so they test exactly the files on disk, dirty or not.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

import pytest

from modforge.spec import layout
from modforge.templating import bundle

REPO_ROOT = Path(__file__).resolve().parent.parent
# Fixtures hold other projects' test files (the pipeline walk's E2E tests): data, never collected here.
collect_ignore_glob = ["fixtures/*"]
# What copier needs of this repository to render the template: the parts copier.yml names, and `src/`.
TEMPLATE_PARTS = tuple(bundle.release_parts(REPO_ROOT))

# Real git in tests needs an identity; CI machines have none configured.
for _var, _value in {
    "GIT_AUTHOR_NAME": "modforge tests",
    "GIT_AUTHOR_EMAIL": "tests@modforge.invalid",
    "GIT_COMMITTER_NAME": "modforge tests",
    "GIT_COMMITTER_EMAIL": "tests@modforge.invalid",
}.items():
    os.environ.setdefault(_var, _value)

# A suite started in the background (`make test &`, a CI step a shell runs with `&`) inherits SIGINT ignored, as
# POSIX has background jobs do, and so does every process the tests start: modforge then rightly ignores the
# Ctrl-C the interrupt tests send it. They test what a terminal's Ctrl-C does: SIGINT as a terminal delivers it.
if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)

# Under mutation testing (`make mutation`) the tests run from mutmut's copy of the checkout, whose src/ holds the
# mutated package: the processes the tests start (`python -m modforge ...`, copier's migrations) import that one too,
# and run the mutant; while mutmut records which tests call which function, they record their calls as well
# (tests/mutation_site/sitecustomize.py), and the test's own record takes them in (the hooks below).
MUTATION = "MUTANT_UNDER_TEST" in os.environ
if MUTATION:
    _paths = (str(REPO_ROOT / "src"), str(REPO_ROOT / "tests" / "mutation_site"), os.environ.get("PYTHONPATH"))
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, _paths))
    os.environ["MODFORGE_MUTATION_ROOT"] = str(REPO_ROOT.parent)
    os.environ["MODFORGE_MUTATION_STATS"] = tempfile.mkdtemp(prefix="modforge-mutation-calls-")
    # A property test that fails on a mutant need not find the smallest example: shrinking takes minutes. And it
    # tries the same examples against every mutant, those the unmutated stats run passed, so that a failure is the
    # mutant's: random examples once found a real bug mid-run, and replayed from Hypothesis' database, that
    # example "killed" every later mutant the test ran against.
    from hypothesis import Phase
    from hypothesis import settings as hypothesis_settings

    hypothesis_settings.register_profile(
        "mutation", phases=[Phase.explicit, Phase.generate], derandomize=True, database=None
    )
    hypothesis_settings.load_profile("mutation")


def _take_calls_of_started_processes() -> None:
    if not MUTATION or os.environ.get("MUTANT_UNDER_TEST") != "stats":
        return
    from mutmut.state import state

    for record in Path(os.environ["MODFORGE_MUTATION_STATS"]).glob("*.calls"):
        state()._stats.update(record.read_text(encoding="utf-8").split())
        record.unlink()


def pytest_collection_modifyitems(items):
    """The slow tests (seconds to minutes each) first: with `-n auto` they then run beside the short ones instead of
    one of them running alone at the end of the suite. The sort is stable, so a file's tests stay together."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_setup(item):
    yield
    _take_calls_of_started_processes()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item):
    yield
    _take_calls_of_started_processes()


def snapshot_template(destination: Path) -> Path:
    """Copy the template's parts of this checkout into `destination` (no .git, no caches)."""
    destination.mkdir(parents=True, exist_ok=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")
    for part in TEMPLATE_PARTS:
        source = REPO_ROOT / part
        if source.is_dir():
            shutil.copytree(source, destination / part, ignore=ignore, dirs_exist_ok=True)
        elif source.exists():
            shutil.copy2(source, destination / part)
    return destination


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


@pytest.fixture(scope="session")
def template_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The template as a plain directory (copier copies it without git)."""
    return snapshot_template(tmp_path_factory.mktemp("template"))


def copy_module(template: Path, destination: Path, **answers) -> Path:
    """`copier copy --trust --defaults --data ...` through copier's API; returns the module folder."""
    from copier import run_copy

    run_copy(str(template), destination, data=answers, defaults=True, unsafe=True, quiet=True)
    return destination


@pytest.fixture
def new_module(template_dir: Path, tmp_path: Path):
    """Factory: new_module(module_name="cred-store", persistence=True) -> modules/<name> folder (a worker's:
    modules/<gateway>/plugins/<name>)."""

    def make(**answers) -> Path:
        name = answers.setdefault("module_name", "cred-store")
        folder = layout.module_dir(name, answers.get("category", "generic"), answers.get("gateway", ""))
        return copy_module(template_dir, tmp_path / folder, **answers)

    return make


def make_template_repo(destination: Path, version: str = "0.1.0") -> Path:
    """A real git repository of the template at `version` (tagged v<version>), as users clone it."""
    snapshot_template(destination)
    if not (destination / ".git").exists():
        git(destination, "init", "-q", "-b", "main")
    git(destination, "add", "-A")
    git(destination, "commit", "-q", "--allow-empty", "-m", f"modforge template {version}")
    git(destination, "tag", f"v{version}")
    return destination


def init_repo(path: Path) -> Path:
    """Make `path` a git repository with everything in it committed (a monorepo after `copier copy`)."""
    git(path, "init", "-q", "-b", "main")
    git(path, "add", "-A")
    git(path, "commit", "-q", "-m", "initial")
    return path


@pytest.fixture(scope="session")
def platform():
    """The platform snapshot read once per session: its folder, its crates, and what it uses of the platform
    crates it leaves out. Fails (never skips) when the snapshot is missing."""
    from rust_conformance.attested import Attested
    from rust_conformance.check import snapshot_world
    from rust_conformance.resolve import is_tracked_name
    from rust_conformance.snapshot import PLATFORM, upstream_root

    root = upstream_root()
    world = snapshot_world(root)
    attested = Attested.from_tree(root / PLATFORM, world.absent_externs(is_tracked_name))
    return Platform(root, world, attested)


class Platform:
    def __init__(self, root: Path, world, attested) -> None:
        self.root, self.world, self.attested = root, world, attested
