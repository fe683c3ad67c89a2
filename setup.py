"""Build hooks: a regular install (wheel, sdist) carries the copier template inside the package.

The repository is the template (copier.yml at the root), outside `src/`, so setuptools would not ship it.
`modforge.templating.bundle` writes it into the built package as `modforge/_template/`, with an archive of
every older release for `modforge update` (read from git history: build from a clone that has it). An sdist
carries the bundle already built, so a wheel built from the sdist (`python -m build`) needs no git.
Editable installs need none of this: they find the template beside `src/`.
"""

import shutil
import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py
from setuptools.command.sdist import sdist

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "src"))

from modforge import __version__  # noqa: E402  (from src/, above)
from modforge.templating import bundle  # noqa: E402

PREBUILT = ROOT / "src" / "modforge" / bundle.BUNDLE_DIR  # only in an sdist


def write_bundle(destination: Path) -> None:
    if any((ROOT / name).is_file() for name in bundle.CONFIG_NAMES):  # a checkout of the repository
        bundle.build(ROOT, destination, __version__)
    elif PREBUILT.is_dir():  # an sdist: built when the sdist was made
        if destination.resolve() != PREBUILT.resolve():
            shutil.rmtree(destination, ignore_errors=True)
            shutil.copytree(PREBUILT, destination)
    else:
        raise SystemExit("modforge: build from a clone of the repository (copier.yml beside src/) or from its sdist")


class BuildPy(build_py):
    def run(self):
        super().run()
        if not getattr(self, "editable_mode", False):
            write_bundle(Path(self.build_lib) / "modforge" / bundle.BUNDLE_DIR)


class Sdist(sdist):
    def make_release_tree(self, base_dir, files):
        super().make_release_tree(base_dir, files)
        write_bundle(Path(base_dir) / "src" / "modforge" / bundle.BUNDLE_DIR)


setup(cmdclass={"build_py": BuildPy, "sdist": Sdist})
