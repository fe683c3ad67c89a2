"""A realistic ModKit monorepo, written from scratch for the wiring tests (the platform's own files are read
from the upstream snapshot at test time by `upstream()`, never copied here): a root Cargo.toml with comments
and an unsorted member list, a server crate under apps/, configs with comments, anchors elsewhere, flow
lists with inner spaces and a trailing comment after the last module, and the E2E harness's conftest."""

from __future__ import annotations

from pathlib import Path

from rust_conformance.snapshot import platform_root

ROOT_CARGO = """\
[workspace.package]
version = "0.2.12"
edition = "2021"   # the platform moved to 2024; either works here
license = "Apache-2.0"
authors = ["Cyber Fabric"]
repository = "https://github.com/cyberfabric/cyberfabric-core"

[workspace]
# Keep the apps first, then the libraries, then the modules.
members = [
    "apps/hyperspot-server",
    "libs/modkit",
    "modules/system/api-gateway",
    "modules/simple-user-settings/simple-user-settings-sdk",
    "modules/simple-user-settings/simple-user-settings",
]
exclude = ["fuzz"]
resolver = "2"

# Versions every crate shares (`x = { workspace = true }`).
[workspace.dependencies]
anyhow = "1"
async-trait = "0.1"
axum = { version = "0.8", features = ["macros"] }
inventory = "0.3"
serde = { version = "1", features = ["derive"] }
serde_json = "1"
thiserror = "2"
tokio = { version = "1", features = ["full"] }
tracing = "0.1"
utoipa = "5"
uuid = { version = "1", features = ["v4", "serde"] }
sea-orm = "1"
sea-orm-migration = "1"
schemars = "0.8"
gts = "0.8"
gts-macros = "0.8"
modkit = { path = "libs/modkit" }
modkit-macros = "0.2"
types-registry-sdk = { package = "cf-types-registry-sdk", version = "0.1" }
modkit-db = "0.2"
modkit-db-macros = "0.2"
modkit-errors = "0.2"
modkit-errors-macro = "0.2"
modkit-security = "0.2"

[workspace.lints.rust]
unsafe_code = "forbid"
"""

SERVER_CARGO = """\
[package]
name = "hyperspot-server"
version.workspace = true
publish = false
edition.workspace = true

[features]
default = []

[dependencies]
modkit = { workspace = true }

# System modules
api_gateway = { package = "cf-api-gateway", path = "../../modules/system/api-gateway" }

# user modules
simple_user_settings = { package = "cf-simple-user-settings", path = "../../modules/{SUS}/{SUS}" }

anyhow = { workspace = true }
tokio = { workspace = true }
""".replace("{SUS}", "simple-user-settings")

REGISTERED_MODULES = """\
// This file is used to ensure that all modules are linked and registered via inventory.
#![allow(unused_imports)]

use api_gateway as _;
#[cfg(not(feature = "oop-example"))]
use simple_user_settings as _;
use types_registry as _;

// === Example Features ===

#[cfg(feature = "users-info-example")]
use users_info as _;
"""

MAIN_RS = "mod registered_modules;\n\nfn main() {}\n"

QUICKSTART = """\
# HyperSpot Server Configuration
#
# Key principles:
# - Each module gets its own database connection (no sharing)

# Core server configuration (global section){TRAILING}
server:
  home_dir: "~/.hyperspot"

database:
  servers:
    # SQLite server template for user data modules
    sqlite_users:
      engine: "sqlite"
      params:
        WAL: "true"              # Enable Write-Ahead Logging
      pool: &pool
        max_conns: 5
    sqlite_cache:
      engine: "sqlite"
      pool: *pool

# Per-module configurations using new structure
modules:
  api-gateway:
    # No database needed for api-gateway
    config:
      bind_addr: '127.0.0.1:8087'
      enable_docs: true

  module-orchestrator:
    config: {}
    # No configuration needed for the module orchestrator

  # AuthN pipeline - used when auth_disabled: false.
  simple-user-settings:
    database:
      server: "sqlite_users"
      file: "settings.db"
    config:
      max_field_length: 100

# OpenTelemetry tracing configuration
tracing:
  enabled: false
  http:
    record_headers: [ "user-agent", "x-forwarded-for" ]
""".replace("{TRAILING}", "  ")  # trailing spaces on a comment line, as the platform's file has

E2E_LOCAL = """\
# E2E configuration: the server the E2E tests start.
server:
  home_dir: "~/.hyperspot-e2e"

modules:
  api-gateway:
    config:
      bind_addr: "127.0.0.1:8086"
      auth_disabled: true
  simple-user-settings:
    database:
      server: "sqlite_users"
      file: "settings.db"
    config: {}
"""

E2E_CONFTEST = '''"""Pytest configuration and fixtures for E2E tests."""
import os

import pytest


@pytest.fixture
def base_url():
    return os.getenv("E2E_BASE_URL", "http://localhost:8086")
'''


def crate(name: str, package: str | None = None) -> str:
    return f'[package]\nname = "{package or name}"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\n'


def make_monorepo(root: Path, *, server: str = "apps/hyperspot-server", crlf_e2e_config: bool = True) -> Path:
    """Write the monorepo under `root` (the server crate at `server`) and return `root`."""
    files = {
        "Cargo.toml": ROOT_CARGO.replace("apps/hyperspot-server", server),
        f"{server}/Cargo.toml": SERVER_CARGO,
        f"{server}/src/main.rs": MAIN_RS,
        f"{server}/src/registered_modules.rs": REGISTERED_MODULES,
        "libs/modkit/Cargo.toml": crate("modkit"),
        "libs/modkit/src/lib.rs": "",
        "modules/system/api-gateway/Cargo.toml": crate("api-gateway", "cf-api-gateway"),
        "modules/system/api-gateway/src/lib.rs": "",
        # Not a workspace dependency: modules name it by path, as simple-user-settings does.
        "modules/system/authz-resolver/authz-resolver-sdk/Cargo.toml": crate("cf-authz-resolver-sdk"),
        "modules/system/authz-resolver/authz-resolver-sdk/src/lib.rs": "",
        "modules/simple-user-settings/simple-user-settings-sdk/Cargo.toml": crate("cf-simple-user-settings-sdk"),
        "modules/simple-user-settings/simple-user-settings-sdk/src/lib.rs": "",
        "modules/simple-user-settings/simple-user-settings/Cargo.toml": crate("cf-simple-user-settings"),
        "modules/simple-user-settings/simple-user-settings/src/lib.rs": "",
        "config/quickstart.yaml": QUICKSTART,
        "testing/e2e/conftest.py": E2E_CONFTEST,
        "testing/e2e/modules/__init__.py": "",
    }
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    e2e = E2E_LOCAL.replace("\n", "\r\n") if crlf_e2e_config else E2E_LOCAL
    (root / "config" / "e2e-local.yaml").write_bytes(e2e.encode())
    return root


def upstream() -> Path:
    """The platform snapshot (cyberfabric-core); fails when missing (rust_conformance/snapshot.py)."""
    return platform_root()
