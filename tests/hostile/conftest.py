"""Fixtures of the hostile-input suite: see helpers.py."""

from __future__ import annotations

from pathlib import Path

import pytest
import template_repos

from hostile.helpers import LEGACY_MODULE, Monorepo, make_monorepo


@pytest.fixture
def monorepo(tmp_path: Path) -> Monorepo:
    """A git monorepo holding the clean module `oagw` at release 0.1.0 (check, migrate, prompt, update)."""
    return make_monorepo(tmp_path)


@pytest.fixture
def legacy(tmp_path: Path) -> Monorepo:
    """A git monorepo holding the hand-made module `oagw` with the older document names (adopt)."""
    return make_monorepo(tmp_path, LEGACY_MODULE)


@pytest.fixture(scope="session")
def template_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A template repository holding every release, the working tree last (adopt records the release)."""
    return template_repos.build(tmp_path_factory.mktemp("hostile-template") / "modforge")
