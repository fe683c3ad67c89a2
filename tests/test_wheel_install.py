"""A regular install (a wheel, as `pip install <repository>` and `pipx install` build) carries the template.

The wheel is built from this checkout and installed into a fresh virtual environment, away from the
checkout (its dependencies come from the test environment's site folder, added after the wheel's own).
From there `new`, `update`, `adopt`, `prompt` and plain copier on the bundled template must work: the
template, its extension, its migrations, the prompts and every older release ship inside the package.
HOME is a fresh folder, so the template repository modforge builds in the user's cache starts empty.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest
import template_repos
import yaml
from conftest import REPO_ROOT, git

from modforge import __version__
from modforge.lifecycle import conflicts, releases
from modforge.spec import layout
from modforge.templating import bundle

pytestmark = pytest.mark.slow
PAST = [r.version for r in template_repos.past_releases()]


@pytest.fixture(scope="session")
def wheel(tmp_path_factory) -> Path:
    """The wheel, built once for the whole run: the build writes the checkout's build/ folder, so parallel
    test workers take a lock and the first one builds it."""
    shared = tmp_path_factory.getbasetemp().parent  # common to every xdist worker of this run
    out = shared / "modforge-wheel"
    with open(shared / "modforge-wheel.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not list(out.glob("modforge-*.whl")):
            result = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "pip",
                    "wheel",
                    "--no-deps",
                    "--no-build-isolation",
                    "-q",
                    "-w",
                    str(out),
                    str(REPO_ROOT),
                ],
                capture_output=True,
                text=True,
            )
            assert result.returncode == 0, result.stdout + result.stderr
    (built,) = out.glob("modforge-*.whl")
    return built


@pytest.fixture(scope="session")
def installed(wheel, tmp_path_factory) -> Path:
    """A fresh virtual environment with the wheel installed; returns its bin folder."""
    env = tmp_path_factory.mktemp("venv") / "env"
    venv.create(env, with_pip=False)
    python = env / "bin" / "python"
    result = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-index", "--no-deps", str(wheel)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    site = Path(
        subprocess.check_output(
            [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], text=True
        ).strip()
    )
    # The dependencies (copier, jinja2, ...) from this test environment, after the wheel's own folder.
    (site / "test-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return env / "bin"


@pytest.fixture
def home(tmp_path) -> dict[str, str]:
    """The environment of a user with a fresh home folder (no template built in the cache yet)."""
    folder = tmp_path / "home"
    folder.mkdir()
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("MODFORGE_", "XDG_", "VIRTUAL_ENV"))}
    return {**environ, "HOME": str(folder)}


def run(bin_dir: Path, *args, env: dict[str, str], cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    program = [str(bin_dir / "modforge")] if args[0] != "copier" else [str(bin_dir / "python"), "-m", "copier"]
    args = args if args[0] != "copier" else args[1:]
    return subprocess.run(
        [*program, *map(str, args)], capture_output=True, text=True, env=env, cwd=cwd, stdin=subprocess.DEVNULL
    )


def test_the_wheel_carries_the_template_its_releases_and_the_prompts(installed, home):
    code = "import modforge, pathlib; print(pathlib.Path(modforge.__file__).parent)"
    package = Path(subprocess.check_output([installed / "python", "-c", code], text=True, env=home).strip())
    assert REPO_ROOT not in package.parents, "the wheel's modforge runs, not the checkout's"
    carried = package / bundle.BUNDLE_DIR
    for part in bundle.template_parts(REPO_ROOT):
        assert (carried / part).exists(), f"{part} is shipped"
    for version in PAST:
        assert (carried / bundle.PAST_RELEASES / bundle.archive_name(version)).is_file()


def _monorepo(tmp_path: Path) -> Path:
    monorepo = tmp_path / "monorepo"
    monorepo.mkdir()
    git(monorepo, "init", "-q", "-b", "main")
    return monorepo


def test_new_check_and_prompt_work_from_the_wheel(installed, home, tmp_path):
    monorepo = _monorepo(tmp_path)
    result = run(installed, "new", "cred-store", "--monorepo", monorepo, "--defaults", env=home)
    assert result.returncode == 0, result.stdout + result.stderr
    module = monorepo / "modules" / "cred-store"
    answers = yaml.safe_load((module / layout.ANSWERS_FILE).read_text())
    assert answers["_commit"] == releases.tag(__version__)
    assert answers["_src_path"] == "~/.cache/modforge/template", "a path that means the same on every machine"
    checked = run(installed, "check", module, env=home)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    prompt = run(installed, "prompt", "intent-design", module, env=home)
    assert prompt.returncode == 0, prompt.stderr
    assert "INTENT_DESIGN.md" in prompt.stdout
    where = run(installed, "template", "path", env=home)
    assert where.stdout.strip() == str(Path(home["HOME"]) / ".cache" / "modforge" / "template")


@pytest.mark.skipif(not PAST, reason="no release before this one")
def test_update_from_the_wheel_renders_the_recorded_release_and_migrates(installed, home, tmp_path):
    old = PAST[0]
    monorepo = _monorepo(tmp_path)
    made = run(installed, "new", "cred-store", "--monorepo", monorepo, "--defaults", "--vcs-ref", f"v{old}", env=home)
    assert made.returncode == 0, made.stdout + made.stderr
    module = monorepo / "modules" / "cred-store"
    design = module / layout.DOCS_DIR / layout.INTENT_DESIGN
    design.write_text(design.read_text().replace("## Security and Tenancy\n", "## Security and Tenancy (REQ-1)\n"))
    git(monorepo, "add", "-A")
    git(monorepo, "commit", "-qm", "cred-store")
    # Another machine: nothing in the cache yet; modforge builds the recorded template there first.
    shutil.rmtree(Path(home["HOME"]) / ".cache")

    result = run(installed, "update", module, env=home)

    assert result.returncode == 0, result.stdout + result.stderr
    assert conflicts.find(module) == []
    assert yaml.safe_load((module / layout.ANSWERS_FILE).read_text())["_commit"] == releases.tag(__version__)
    if releases.parse_version(old) < releases.parse_version("0.2.0") <= releases.parse_version(__version__):
        assert "## Security (REQ-1)\n" in design.read_text(), "the 0.2.0 migration ran"


def test_adopt_from_the_wheel_records_the_shipped_template(installed, home, tmp_path):
    monorepo = tmp_path / "monorepo"
    module = Path(
        shutil.copytree(Path(__file__).parent / "fixtures" / "legacy" / "oagw", monorepo / "modules" / "oagw")
    )
    git(monorepo, "init", "-q", "-b", "main")
    git(monorepo, "add", "-A")
    git(monorepo, "commit", "-qm", "legacy")

    result = run(installed, "adopt", module, env=home)

    assert result.returncode == 0, result.stdout + result.stderr
    answers = yaml.safe_load((module / layout.ANSWERS_FILE).read_text())
    assert (answers["_src_path"], answers["_commit"]) == ("~/.cache/modforge/template", releases.tag(__version__))


def test_plain_copier_renders_the_template_inside_the_package(installed, home, tmp_path):
    """The extension and the migrations find the package that contains them when there is no src/ beside."""
    code = "import modforge, pathlib; print(pathlib.Path(modforge.__file__).parent / '_template')"
    carried = subprocess.check_output([installed / "python", "-c", code], text=True, env=home).strip()
    destination = tmp_path / "modules" / "cred-store"
    result = run(installed, "copier", "copy", "--trust", "--defaults", carried, destination, env=home)
    assert result.returncode == 0, result.stderr
    assert (destination / layout.DOCS_DIR / layout.INTENT_DESIGN).is_file()
