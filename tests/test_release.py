"""A template release is routine: scripted from a clean clone with scripts/release.py, it leaves the suite green.

The release adds a section to the design, as a maintainer would: the section at its one source
(spec/layout.py), in the template and in the Step 1 prompt's guidance, a migration written with the
document operations, fixtures written by the script, the CHANGELOG entry, the tag and releases.toml. Then
the parts of the suite a release touches run in the clone: the migrations' fixtures and contract, updates
from every earlier release to the new one with the real `copier update`, the releases table and the prompt.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO_ROOT, git

from modforge import __version__

pytestmark = pytest.mark.slow
NEXT = ".".join([__version__.split(".")[0], str(int(__version__.split(".")[1]) + 1), "0"])
NAME = "v" + NEXT.replace(".", "_")
FOCUSED = [
    "tests/test_migrations.py",
    "tests/test_releases.py",
    "tests/test_update_versions.py::test_copier_update_from_every_release_keeps_edits_and_brings_the_process_change",
    "tests/test_prompts.py::test_step1_prompt_lists_the_design_sections_and_phase_headings",
    "tests/test_docops.py",
]


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))


def _release(clone: Path, *args: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "scripts/release.py", *args], cwd=clone, capture_output=True, text=True, env=_env(clone)
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def _env(clone: Path) -> dict[str, str]:
    """The clone's own `modforge` first on the path, whatever this process has installed."""
    return {**os.environ, "PYTHONPATH": str(clone / "src")}


def test_a_scripted_release_from_a_clean_clone_leaves_the_suite_green(tmp_path):
    clone = tmp_path / "modforge"
    subprocess.run(["git", "clone", "-q", str(REPO_ROOT), str(clone)], check=True)

    if f'"{__version__}"' not in (clone / "releases.toml").read_text():
        # The version main works towards is cut first: a release's migration starts from the one before it.
        git(clone, "tag", f"v{__version__}")
        _release(clone, "record", __version__)
        git(clone, "commit", "-qam", f"Record release {__version__}")

    prepared = _release(clone, "prepare", NEXT, "--migration")
    assert f'__version__ = "{NEXT}"' in (clone / "src/modforge/__init__.py").read_text()
    assert f'version = "{NEXT}"' in (clone / "pyproject.toml").read_text()
    assert f'- version: "{NEXT}"' in (clone / "copier.yml").read_text()
    assert f"## [{NEXT}] - " in (clone / "CHANGELOG.md").read_text()
    assert (clone / "migrations" / f"{NAME}.py").is_file()
    assert "lived-in" in prepared.stdout

    # The process change: a `## Rollout` section in the design, before `## Implementation Phases`.
    _edit(
        clone / "src/modforge/spec/layout.py",
        '    ("phases", "Implementation Phases"),',
        '    ("rollout", "Rollout"),\n    ("phases", "Implementation Phases"),',
    )
    _edit(
        clone / "template/docs/INTENT_DESIGN.md.jinja",
        "## {{ design_section.phases }}\n",
        "## {{ design_section.rollout }}\n\n<!-- How the module reaches production, and the way back. -->\n\n"
        "## {{ design_section.phases }}\n",
    )
    _edit(
        clone / "prompts/0_intent_design.md",
        "  'phases':",
        "  'rollout': \"how the module reaches production (feature flags, canaries) and is rolled back\",\n  'phases':",
    )
    migration = clone / "migrations" / f"{NAME}.py"
    text = migration.read_text().replace("TODO say in one line what changed in the process", "a Rollout section")
    text = text[: text.index("def migrate(")] + (
        "def migrate(tree: ModuleTree) -> None:\n"
        '    docops.add_section(tree, layout.INTENT_DESIGN, "Rollout", before=layout.DESIGN_SECTION["phases"])\n'
    )
    migration.write_text(
        text.replace("  # noqa: F401  (the operations a migration is written with)", "").replace("  # noqa: F401", "")
    )
    _edit(clone / "CHANGELOG.md", "- TODO: what changed in the process, and why.", "- The design has `## Rollout`.")

    fixtures = _release(clone, "fixtures", NEXT)
    case = clone / "tests/fixtures/migrations" / NAME / "lived-in"
    assert "docs/INTENT_DESIGN.md changed" in fixtures.stdout
    assert "## Rollout\n" in (case / "after/docs/INTENT_DESIGN.md").read_text()
    assert "## Rollout\n" not in (case / "before/docs/INTENT_DESIGN.md").read_text()

    git(clone, "add", "-A")
    git(clone, "commit", "-qm", f"Release {NEXT}: a Rollout section in the design")
    git(clone, "tag", f"v{NEXT}")
    _release(clone, "record", NEXT)
    git(clone, "commit", "-qam", f"Record release {NEXT}")
    assert git(clone, "status", "--porcelain") == ""

    suite = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *FOCUSED],
        cwd=clone,
        capture_output=True,
        text=True,
        env=_env(clone),
    )
    assert suite.returncode == 0, suite.stdout[-4000:] + suite.stderr[-2000:]
    assert " passed" in suite.stdout
