"""Where the platform snapshot is: `$MODFORGE_UPSTREAM`, else `<repository>/../shared/upstream` (CI puts
`shared/` beside the checkout). Tests that need it fail, never skip, when it is missing."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
PLATFORM = "cyberfabric-core"
GTS_RUST = "gts-rust-0.8.1"


def upstream_root() -> Path:
    """The snapshot folder (holding `cyberfabric-core/` and `gts-rust-0.8.1/`), or a test failure that says
    how to provide it."""
    explicit = os.environ.get("MODFORGE_UPSTREAM")
    root = Path(explicit) if explicit else REPO_ROOT.parent / "shared" / "upstream"
    if not (root / PLATFORM / "Cargo.toml").is_file():
        where = f"MODFORGE_UPSTREAM={explicit}" if explicit else f"{root} (<repository>/../shared/upstream)"
        pytest.fail(
            f"the platform snapshot is missing at {where}: it needs {PLATFORM}/Cargo.toml and {GTS_RUST}/; "
            "put the snapshot beside the checkout as shared/upstream or set MODFORGE_UPSTREAM to its folder",
            pytrace=False,
        )
    return root


def platform_root() -> Path:
    return upstream_root() / PLATFORM
