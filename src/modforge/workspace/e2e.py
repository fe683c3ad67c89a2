"""The module's E2E package, `testing/e2e/modules/<snake>/`: what the platform's harness expects
(`testing/e2e/modules/settings/`), with one smoke test that proves the module is wired into the server.

The conftest gives the package the harness's two fixtures (`base_url` from E2E_BASE_URL, `auth_headers`
from E2E_AUTH_TOKEN), so the package runs inside the platform's harness and on its own. Step 4 of the
pipeline adds one test per scenario beside the smoke test.
"""

from __future__ import annotations

from modforge.workspace.monorepo import Module

INIT = '"""E2E tests of the {name} module."""\n'

CONFTEST = '''"""Fixtures of the {name} E2E tests (the same as the harness's own: testing/e2e/conftest.py)."""

import os

import pytest


@pytest.fixture
def base_url():
    """The server's API address, from E2E_BASE_URL."""
    return os.getenv("E2E_BASE_URL", "http://localhost:8086")


@pytest.fixture
def auth_headers():
    """Authorization headers with the E2E_AUTH_TOKEN bearer token, or none when it is not set."""
    token = os.getenv("E2E_AUTH_TOKEN")
    return {{"Authorization": f"Bearer {{token}}"}} if token else {{}}
'''

SMOKE_REST = '''"""Smoke test: the server runs with {name} wired in, and publishes its REST routes."""

import httpx
import pytest


@pytest.mark.smoke
def test_{snake}_routes_are_published(base_url, auth_headers):
    response = httpx.get(f"{{base_url}}/openapi.json", headers=auth_headers, timeout=10.0)
    assert response.status_code == 200, f"GET /openapi.json gave {{response.status_code}}: {{response.text}}"
    paths = response.json().get("paths", {{}})
    assert any(path.startswith("/{name}/") for path in paths), "no route of {name} in the OpenAPI document"
'''

SMOKE_NO_REST = '''"""Smoke test: the server runs with {name} wired in ({name} has no public REST API)."""

import httpx
import pytest


@pytest.mark.smoke
def test_{snake}_server_is_up(base_url):
    response = httpx.get(f"{{base_url}}/healthz", timeout=10.0)
    assert response.status_code == 200, f"GET /healthz gave {{response.status_code}}: {{response.text}}"
'''


def files(module: Module, e2e_tests: str) -> dict[str, str]:
    """Path (relative to the monorepo root) -> text of each file of the module's E2E package."""
    folder = f"{e2e_tests}/{module.snake}"
    values = {"name": module.name, "snake": module.snake}
    smoke = SMOKE_REST if module.rest else SMOKE_NO_REST
    return {
        f"{folder}/__init__.py": INIT.format(**values),
        f"{folder}/conftest.py": CONFTEST.format(**values),
        f"{folder}/test_{module.snake}_smoke.py": smoke.format(**values),
    }
