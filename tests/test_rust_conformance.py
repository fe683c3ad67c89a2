"""The generated crates against the platform's own source (issue 11): every path, type, trait, method, macro
and macro argument they use from `modkit*`, `gts*` and the platform's SDK crates exists in the snapshot with
a compatible shape, and no dylint lint whose condition shows in the source would fire.

The snapshot is read at test time (`../shared/upstream`, or `$MODFORGE_UPSTREAM`; see
tests/rust_conformance/snapshot.py). tests/fixtures/rust/before/ holds what the template generated before
issue 11; the checker must report each build break the issue lists on it, which proves it can fail.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from conftest import REPO_ROOT, copy_module
from rust_conformance import lints
from rust_conformance.check import Checker, build_world, check_crates
from rust_conformance.snapshot import GTS_RUST, PLATFORM

from modforge.spec import layout, naming

FIXTURES = Path(__file__).parent / "fixtures" / "rust"
GATEWAY = "gw"


def _cases() -> list[dict]:
    """The variants the issue names (generic with REST, database and GTS; gateway; worker; plain), the bare
    gateway, and two workers of the full gateway, one with a database. tests/test_rust_skeleton.py runs the
    same check on every other combination of answers."""
    full = {"rest_api": True, "persistence": True, "gts": True, "phases": 2}
    bare = {"rest_api": False, "persistence": False, "gts": False, "phases": 1}
    return [
        {"module_name": "cred-store", "category": "generic", **full},
        {"module_name": "plain-mod", "category": "generic", **bare},
        {"module_name": GATEWAY, "category": "gateway", **full},
        {"module_name": "bare-gw", "category": "gateway", **bare},
        {"module_name": "gw-plug", "category": "worker", "gateway": GATEWAY, "persistence": False, "phases": 3},
        {"module_name": "gw-store", "category": "worker", "gateway": GATEWAY, "persistence": True, "phases": 3},
    ]


CASES = _cases()


@pytest.fixture(scope="module")
def monorepo(template_dir, tmp_path_factory) -> Path:
    """A monorepo holding every case, each where `modforge new` puts it (workers under the gateway's plugins/)."""
    root = tmp_path_factory.mktemp("conformance")
    for answers in CASES:
        module_dir = layout.module_dir(answers["module_name"], answers["category"], answers.get("gateway", ""))
        copy_module(template_dir, root / module_dir, **answers)
    return root


def crate_roots(root: Path) -> list[Path]:
    return sorted(manifest.parent for manifest in root.rglob("Cargo.toml"))


# --- the generated code --------------------------------------------------------------------------------------------
def test_every_variant_uses_only_what_the_snapshot_has(monorepo, platform):
    roots = crate_roots(monorepo)
    assert len(roots) == 2 * 4 + 2, "every generic and gateway case has two crates, each worker one"
    findings = check_crates(platform.world, platform.attested, roots, monorepo)
    assert [str(f) for f in findings] == []


def test_generated_code_trips_no_lint_that_shows_in_the_source(monorepo, platform):
    _, crates = build_world(platform.world, crate_roots(monorepo))
    found = [finding for crate in crates for finding in lints.lint_crate(crate, monorepo)]
    assert found == []


def test_a_gateway_and_its_worker_find_each_other_with_no_wiring(monorepo):
    """The worker depends on the gateway's SDK where it lies, registers the gateway's plugin trait under an
    instance id of the gateway's plugin spec, and publishes that instance with the vendor the gateway selects
    by default; the gateway lists the instances of that same spec."""
    gateway = naming.derived_names(GATEWAY, "gateway")
    sdk_dir = monorepo / layout.module_dir(GATEWAY) / gateway["sdk_name"]
    gateway_crate = monorepo / layout.module_dir(GATEWAY) / GATEWAY
    gateway_config = (gateway_crate / "src" / "config.rs").read_text()
    gateway_service = (gateway_crate / "src" / "domain" / "service.rs").read_text()
    assert f"type PluginSpec = {gateway['plugin_spec']};" in gateway_service
    assert "choose_plugin_instance::<PluginSpec>(" in gateway_service
    assert "PluginSpec::gts_schema_id()" in gateway_service
    for worker in [c for c in CASES if c["category"] == "worker"]:
        crate = monorepo / layout.module_dir(worker["module_name"], "worker", GATEWAY) / worker["module_name"]
        manifest = tomllib.loads((crate / "Cargo.toml").read_text())
        dependency = manifest["dependencies"][gateway["sdk_name"]]
        assert dependency["package"] == gateway["sdk_package_name"]
        assert (crate / dependency["path"]).resolve() == sdk_dir.resolve()
        module = (crate / "src" / "module.rs").read_text()
        assert f"use {gateway['sdk_snake']}::{gateway['plugin_spec']} as PluginSpec;" in module
        assert "PluginSpec::gts_make_instance_id(segment)" in module
        assert "RegisterResult::ensure_all_ok(&results)?" in module
        assert f"let api: Arc<dyn {gateway['plugin_trait']}> = client;" in module
        assert "ctx.client_hub().register_scoped(scope, api);" in module
        worker_config = (crate / "src" / "config.rs").read_text()
        vendor = f'vendor: "{naming.PLUGIN_VENDOR}".to_owned(),'
        assert vendor in worker_config
        assert vendor in gateway_config
        segment = re.search(r'let segment = "([^"]+)";', module).group(1)
        assert lints.gtsid.segment_error(segment) == ""


def test_the_readme_names_the_revision_the_snapshot_is_at(platform):
    """The README says which platform revision the template targets; replacing the snapshot with a newer one
    (docs/releasing.md) fails here until the README says so too."""
    described = (platform.root / "README.md").read_text()
    revision = re.search(r"at commit\s+([0-9a-f]{40})", described).group(1)
    gts_version = GTS_RUST.removeprefix("gts-rust-")
    assert f"`{GTS_RUST}/gts-macros/`" in described, "the snapshot holds the GTS macros this checker reads"
    readme = (REPO_ROOT / "README.md").read_text()
    assert f"`{revision}`" in readme
    assert f"`gts-macros` {gts_version}" in readme


def test_without_the_snapshot_the_tests_fail_and_say_where_to_put_it(tmp_path):
    """CI has the snapshot beside the checkout; a run without it fails (never skips) with the fix."""
    env = {**os.environ, "MODFORGE_UPSTREAM": str(tmp_path / "nowhere")}
    test = "tests/test_rust_conformance.py::test_the_checker_finds_nothing_in_the_platforms_own_modules"
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist", test],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "1 error" in result.stdout
    assert "skipped" not in result.stdout
    assert f"the platform snapshot is missing at MODFORGE_UPSTREAM={tmp_path / 'nowhere'}" in result.stdout
    assert "set MODFORGE_UPSTREAM to its folder" in result.stdout


# --- the checker fails on the code of before issue 11 -------------------------------------------------------------
# Each build break the issue lists, as (file, finding code, text of the message) the checker must report.
BEFORE_BREAKS = {
    "1. SecurityContext::tenant_id() is subject_tenant_id()": [
        ("generic/cred-store/src/domain/repo.rs", "method", "no method `tenant_id` on `SecurityContext`"),
        (
            "generic/cred-store/src/infra/storage/sea_orm_repo.rs",
            "method",
            "no method `tenant_id` on `SecurityContext`",
        ),
        ("plain/plain-mod/src/domain/repo.rs", "method", "no method `tenant_id` on `SecurityContext`"),
        ("worker/oagw-apikey/src/domain/repo.rs", "method", "no method `tenant_id` on `SecurityContext`"),
    ],
    "2. .register() needs the license requirement set": [
        ("generic/cred-store/src/api/rest/routes.rs", "state", "`OperationBuilder::register` exists only for"),
        ("gateway/oagw/src/api/rest/routes.rs", "state", "LicenseNotSet"),
    ],
    "3. response DTOs must implement ResponseApiDto (api_dto)": [
        ("generic/cred-store/src/api/rest/routes.rs", "bound", "`ItemDto` does not implement `ResponseApiDto`"),
        ("gateway/oagw/src/api/rest/routes.rs", "bound", "`ItemListDto` does not implement `ResponseApiDto`"),
    ],
    "4. GTS: a base struct's id is a GtsInstanceId, a nested struct derives no serde": [
        ("generic/cred-store-sdk/src/gts.rs", "macro-arg", "of type GtsInstanceId"),
        ("gateway/oagw-sdk/src/gts.rs", "macro-arg", "must not derive Serialize or Deserialize"),
    ],
    "5. modkit-db: no sea_secure(), no SecureConn::conn(), .filter() takes a Condition": [
        ("generic/cred-store/src/module.rs", "method", "no method `sea_secure` on `DBProvider<DbError>`"),
        ("generic/cred-store/src/infra/storage/sea_orm_repo.rs", "method", "no method `conn` on `SecureConn`"),
        (
            "generic/cred-store/src/infra/storage/sea_orm_repo.rs",
            "argument",
            "`filter` expects `sea_orm::Condition`, got `sea_orm::sea_query::SimpleExpr`",
        ),
    ],
}


def test_the_code_of_before_issue_11_fails_on_each_listed_break(platform):
    before = FIXTURES / "before"
    findings = check_crates(platform.world, platform.attested, crate_roots(before), before)
    shown = [str(f) for f in findings]
    for breaks in BEFORE_BREAKS.values():
        for file, code, text in breaks:
            assert any(f.file == file and f.code == code and text in f.message for f in findings), (file, text, shown)
    # `SecureConn` has no public constructor: the code never builds one, it asks `db.sea_secure()` for it (the
    # first finding of break 5). sea-orm is not in the snapshot: rust_conformance/external.py says what
    # `Column::Id.eq(id)` makes.


def test_the_before_code_trips_the_lints_the_issue_names(platform):
    before = FIXTURES / "before"
    _, crates = build_world(platform.world, crate_roots(before))
    found = {(file, code) for crate in crates for file, _, code, _ in lints.lint_crate(crate, before)}
    assert ("generic/cred-store/src/api/rest/dto.rs", "DE0203") in found  # DTOs without api_dto
    assert ("generic/cred-store/src/domain/service.rs", "DE0309") in found  # domain types without #[domain_model]


# --- the checker against code that compiles -------------------------------------------------------------------------
def test_the_checker_finds_nothing_in_the_platforms_own_modules(platform):
    """simple-user-settings and users-info build in the monorepo: a finding on them is the checker's error."""
    base = platform.root / PLATFORM
    chosen = [
        crate
        for crate in platform.world.crates.values()
        if crate.root.is_relative_to(base / "modules" / "simple-user-settings")
        or crate.root.is_relative_to(base / "examples" / "modkit" / "users-info")
    ]
    assert len(chosen) == 4
    findings = Checker(platform.world.fork(), platform.attested, root=base).check_crates(chosen)
    assert [str(f) for f in findings] == []
    assert [f for crate in chosen for f in lints.lint_crate(crate, base)] == []


# --- the lints: each reading matches the lint's own UI tests ----------------------------------------------------------
def lint_dirs(platform_root: Path) -> list[Path]:
    return sorted(p for p in (platform_root / "dylint_lints").glob("de*/de*") if (p / "src" / "lib.rs").is_file())


def test_every_lint_of_the_snapshot_is_checked_or_excused(platform):
    codes = {"DE" + d.name[2:6] for d in lint_dirs(platform.root / PLATFORM)}
    assert len(codes) >= 20
    assert codes == set(lints.LINTS) | set(lints.NOT_CHECKED)
    for code, (name, _) in lints.LINTS.items():
        source = next(d for d in lint_dirs(platform.root / PLATFORM) if d.name.startswith(code.lower()))
        assert f"pub {name.upper()}," in (source / "src" / "lib.rs").read_text(), (code, name)


def test_each_lint_reading_reports_what_its_ui_tests_expect(platform):
    checked = 0
    for directory in lint_dirs(platform.root / PLATFORM):
        code = "DE" + directory.name[2:6]
        if code not in lints.LINTS:
            continue
        manifest = (directory / "Cargo.toml").read_text()
        for test in sorted((directory / "ui").glob("*.rs")):
            stderr = test.with_suffix(".stderr")
            expected = lints.ui_expectations(stderr) if stderr.is_file() else set()
            proc_macro = f'path = "ui/{test.name}"\ncrate-type = ["proc-macro"]' in manifest
            got = {(c, line) for c, line, _ in lints.run(lints.ui_context(test, proc_macro), (code,))}
            assert got == expected, (code, test.name)
            checked += 1
    assert checked >= 60
