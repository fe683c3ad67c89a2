"""Fixtures of the hostile-input suite: see helpers.py."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import make_template_repo

from hostile.helpers import LEGACY_MODULE, Monorepo, make_monorepo
from modforge import __version__


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
    """This checkout's template as a git repository tagged with its release (adopt records the tag)."""
    return make_template_repo(tmp_path_factory.mktemp("hostile-template") / "modforge", __version__)
