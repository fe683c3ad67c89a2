"""releases.toml and the template repositories rebuilt from it: every release can be rebuilt from this
repository's history, and each rebuilt tag is the version it claims."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import template_repos
from conftest import REPO_ROOT, git

from modforge import __version__
from modforge.errors import ModforgeError
from modforge.lifecycle import releases


def test_every_listed_release_commit_is_in_this_repository():
    for release in releases.load(REPO_ROOT):
        found = subprocess.run(["git", "cat-file", "-e", f"{release.commit}^{{commit}}"], cwd=REPO_ROOT)
        assert found.returncode == 0, f"release {release.version}: commit {release.commit} is not in the history"
        tagged = git(REPO_ROOT, "tag", "-l", releases.tag(release.version)).strip()
        if tagged:
            assert git(REPO_ROOT, "rev-parse", f"{tagged}^{{commit}}").strip() == release.commit


def test_the_working_tree_is_at_least_as_new_as_every_release():
    """The working tree stands for the newest version: no release is newer (one may be this very version)."""
    current = releases.parse_version(__version__)
    listed = releases.load(REPO_ROOT)
    assert listed, "releases.toml lists the released versions"
    newer = [r.version for r in listed if r.key > current]
    assert newer == [], f"releases newer than the working tree's {__version__}: bump modforge.__version__"


def test_rebuilt_template_has_one_tag_per_version_each_declaring_it(tmp_path):
    repo = template_repos.build(tmp_path / "modforge")
    tags = git(repo, "tag", "-l").split()
    assert sorted(tags) == sorted(releases.tag(v) for v in template_repos.versions())
    for version in template_repos.versions():
        init = git(repo, "show", f"{releases.tag(version)}:src/modforge/__init__.py")
        assert f'__version__ = "{version}"' in init
        assert git(repo, "show", f"{releases.tag(version)}:copier.yml")


@pytest.mark.parametrize(
    ("ref", "version"),
    [("v0.1.0", "0.1.0"), ("0.2.0", "0.2.0"), ("v0.1.0-3-gabc1234", "0.1.0"), ("3f2a9c1", None), ("HEAD", None)],
)
def test_a_recorded_template_ref_names_its_release(ref, version):
    assert releases.version_of_ref(ref) == version


def test_a_malformed_releases_file_is_a_clear_error(tmp_path: Path):
    (tmp_path / releases.RELEASES_FILE).write_text('[releases]\n"0.1.0" = "abc"\n')
    with pytest.raises(ModforgeError, match="full 40-character commit SHA"):
        releases.load(tmp_path)
