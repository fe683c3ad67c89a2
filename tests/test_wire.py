"""`modforge wire`, `unwire` and `wire --check` on a realistic monorepo (tests/monorepo_fixture.py) and on the
platform's own files (read from the upstream snapshot at test time): only the module's lines change,
a second run changes nothing, unwire gives back the files byte for byte, bad input writes nothing."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from cli_helpers import MODFORGE, files_of, modforge, one_error_line
from conftest import copy_module, git
from monorepo_fixture import make_monorepo, upstream

SERVER = "apps/hyperspot-server"
WIRED_FILES = (
    "Cargo.toml",
    f"{SERVER}/Cargo.toml",
    f"{SERVER}/src/registered_modules.rs",
    "config/quickstart.yaml",
    "config/e2e-local.yaml",
)


BLOCK = ["  cred-store:", "    database:", '      server: "sqlite_users"', '      file: "cred-store.db"']
BLOCK.append("    config: {}")
EXPECTED = {  # the lines wiring cred-store (with persistence) adds to each file, and nothing else
    "Cargo.toml": ['    "modules/cred-store/cred-store-sdk",', '    "modules/cred-store/cred-store",'],
    f"{SERVER}/Cargo.toml": [
        'cred_store = { package = "cf-cred-store", path = "../../modules/cred-store/cred-store" }'
    ],
    f"{SERVER}/src/registered_modules.rs": ["use cred_store as _;"],
    "config/quickstart.yaml": BLOCK,
    "config/e2e-local.yaml": BLOCK,
}


def commit_all(root: Path, message: str) -> None:
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message)


def copied(template: Path, root: Path, name: str = "cred-store", **answers) -> Path:
    """The module copied by copier in-process (fast): for tests about wiring rather than about `new`."""
    return copy_module(template, root / "modules" / name, module_name=name, **answers)


def wired_copy(template: Path, root: Path, name: str = "cred-store", **answers) -> None:
    copied(template, root, name, **answers)
    result = modforge("wire", f"modules/{name}", cwd=root)
    assert result.returncode == 0, result.stderr


def new_module(root: Path, name: str = "cred-store", *args: str) -> subprocess.CompletedProcess[str]:
    return modforge("new", name, "--monorepo", root, "--defaults", "--vcs-ref", "HEAD", *args)


@pytest.fixture
def monorepo(tmp_path: Path) -> Path:
    root = make_monorepo(tmp_path / "mono")
    git(root, "init", "-q", "-b", "main")
    commit_all(root, "monorepo")
    return root


def added_and_removed(root: Path, path: str) -> tuple[list[str], list[str]]:
    diff = git(root, "diff", "-U0", "--", path).replace("\r", "")
    lines = [line for line in diff.splitlines() if not line.startswith(("+++", "---"))]
    return [line[1:] for line in lines if line.startswith("+")], [line[1:] for line in lines if line.startswith("-")]


# --- new, then wire --check ------------------------------------------------------------------------------------
def test_new_wires_the_module_and_only_its_lines_change(monorepo: Path) -> None:
    git(monorepo, "tag", "before")
    result = new_module(monorepo, "cred-store", "--data", "persistence=true")
    assert result.returncode == 0, result.stderr
    assert "added config/quickstart.yaml: the `modules.cred-store` block" in result.stdout
    check = modforge("wire", "--check", "modules/cred-store", cwd=monorepo)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "is wired" in check.stdout

    for relative in ("Cargo.toml", f"{SERVER}/Cargo.toml", f"{SERVER}/src/registered_modules.rs"):
        assert added_and_removed(monorepo, relative) == (EXPECTED[relative], []), relative
    block = BLOCK
    added, removed = added_and_removed(monorepo, "config/quickstart.yaml")
    assert ([line for line in added if line], added.count(""), removed) == (block, 1, [])  # blank-line separated
    assert added_and_removed(monorepo, "config/e2e-local.yaml") == (block, [])  # not separated: none added
    assert b"\r\n" in (monorepo / "config/e2e-local.yaml").read_bytes()
    assert b"\n  cred-store:\n" not in (monorepo / "config/e2e-local.yaml").read_bytes(), "CRLF file stays CRLF"
    # The new block sits in `modules` before the comment that opens the next section.
    text = (monorepo / "config/quickstart.yaml").read_text()
    assert text.index("  cred-store:") < text.index("# OpenTelemetry tracing configuration")
    assert yaml.safe_load(text)["modules"]["cred-store"] == {
        "database": {"server": "sqlite_users", "file": "cred-store.db"},
        "config": {},
    }
    e2e = monorepo / "testing/e2e/modules/cred_store"
    assert sorted(p.name for p in e2e.iterdir()) == ["__init__.py", "conftest.py", "test_cred_store_smoke.py"]
    for file in e2e.iterdir():
        compile(file.read_text(), str(file), "exec")
    assert "def base_url" in (e2e / "conftest.py").read_text()
    assert "def auth_headers" in (e2e / "conftest.py").read_text()


def test_a_module_without_persistence_gets_no_database_block(template_dir: Path, monorepo: Path) -> None:
    wired_copy(template_dir, monorepo, "audit-log")
    data = yaml.safe_load((monorepo / "config/quickstart.yaml").read_text())
    assert data["modules"]["audit-log"] == {"config": {}}


def cargo_packages(monorepo: Path) -> dict[str, dict]:
    """The workspace's packages by name, as `cargo metadata` reads them (it fails on a broken workspace)."""
    result = subprocess.run(
        ["cargo", "metadata", "--offline", "--no-deps", "--format-version", "1"],
        cwd=monorepo,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    return {p["name"]: p for p in json.loads(result.stdout)["packages"]}


@pytest.mark.skipif(shutil.which("cargo") is None, reason="cargo is not installed")
def test_cargo_accepts_the_wired_workspace(template_dir: Path, monorepo: Path) -> None:
    wired_copy(template_dir, monorepo, persistence=True)
    packages = cargo_packages(monorepo)
    assert {"cf-cred-store", "cf-cred-store-sdk"} <= set(packages)
    server_deps = {d["name"]: d for d in packages["hyperspot-server"]["dependencies"]}
    assert server_deps["cf-cred-store"]["rename"] == "cred_store"


@pytest.mark.skipif(shutil.which("cargo") is None, reason="cargo is not installed")
def test_cargo_accepts_a_wired_gateway_and_its_worker(template_dir: Path, monorepo: Path) -> None:
    """The worker in the gateway's plugins folder reaches the gateway's SDK and the platform's crates by path."""
    copied(template_dir, monorepo, "oagw", category="gateway", persistence=True, gts=True)
    worker = "oagw/plugins/oagw-apikey"
    copy_module(template_dir, monorepo / "modules" / worker, category="worker", persistence=True)
    for module in ("modules/oagw", f"modules/{worker}"):
        result = modforge("wire", module, cwd=monorepo)
        assert result.returncode == 0, result.stdout + result.stderr
    packages = cargo_packages(monorepo)
    assert {"cf-oagw", "cf-oagw-sdk", "cf-oagw-apikey"} <= set(packages)
    assert "cf-oagw-apikey-sdk" not in packages, "a worker has no SDK of its own"
    uses = {d["name"] for d in packages["cf-oagw-apikey"]["dependencies"]}
    assert {"cf-oagw-sdk", "cf-authz-resolver-sdk", "cf-types-registry-sdk"} <= uses


# --- idempotence, dry run, check, unwire ---------------------------------------------------------------------
def test_wire_twice_changes_nothing_and_unwire_gives_back_every_byte(template_dir: Path, monorepo: Path) -> None:
    copied(template_dir, monorepo)
    commit_all(monorepo, "module")
    before = files_of(monorepo)
    assert modforge("wire", "modules/cred-store", cwd=monorepo).returncode == 0
    wired = files_of(monorepo)
    again = modforge("wire", "cred-store", cwd=monorepo)  # by name, this time
    assert again.returncode == 0
    assert "nothing to do" in again.stdout
    assert files_of(monorepo) == wired
    result = modforge("unwire", "modules/cred-store", cwd=monorepo)
    assert result.returncode == 0, result.stderr
    assert files_of(monorepo) == before
    assert not (monorepo / "testing/e2e/modules/cred_store").exists()
    assert git(monorepo, "status", "--porcelain") == ""


def test_check_names_what_is_missing_and_dry_run_writes_nothing(template_dir: Path, monorepo: Path) -> None:
    copied(template_dir, monorepo)
    commit_all(monorepo, "module")
    before = files_of(monorepo)
    check = modforge("wire", "--check", "modules/cred-store", cwd=monorepo)
    assert check.returncode == 1
    assert f"{SERVER}/src/registered_modules.rs: missing `use cred_store as _;`" in check.stdout
    assert "config/e2e-local.yaml: missing the `modules.cred-store` block" in check.stdout
    dry = modforge("wire", "--dry-run", "modules/cred-store", cwd=monorepo)
    assert dry.returncode == 1
    assert files_of(monorepo) == before
    # The dry run's diff is the real run: applied with git, it gives the same files (CRLF lines included,
    # so the diff is read as bytes).
    raw = subprocess.run([*MODFORGE, "wire", "--dry-run", "modules/cred-store"], cwd=monorepo, capture_output=True)
    (monorepo.parent / "wire.diff").write_bytes(raw.stdout)
    git(monorepo, "apply", str(monorepo.parent / "wire.diff"))
    applied = files_of(monorepo)
    git(monorepo, "checkout", "--", ".")
    git(monorepo, "clean", "-fdq")
    assert modforge("wire", "modules/cred-store", cwd=monorepo).returncode == 0
    assert files_of(monorepo) == applied


def test_a_partly_wired_module_gets_only_what_it_lacks(template_dir: Path, monorepo: Path) -> None:
    copied(template_dir, monorepo, persistence=True)
    quickstart = monorepo / "config/quickstart.yaml"
    quickstart.write_text(quickstart.read_text().replace("# OpenTelemetry", "  cred-store:\n    config: {}\n\n# Open"))
    commit_all(monorepo, "module, half wired by hand")
    check = modforge("wire", "--check", "modules/cred-store", cwd=monorepo)
    assert "config/quickstart.yaml: missing the `database:` block of `modules.cred-store`" in check.stdout
    assert modforge("wire", "modules/cred-store", cwd=monorepo).returncode == 0
    added, removed = added_and_removed(monorepo, "config/quickstart.yaml")
    assert (added, removed) == (["    database:", '      server: "sqlite_users"', '      file: "cred-store.db"'], [])


def test_unwire_keeps_e2e_files_the_team_changed(template_dir: Path, monorepo: Path) -> None:
    wired_copy(template_dir, monorepo)
    smoke = monorepo / "testing/e2e/modules/cred_store/test_cred_store_smoke.py"
    smoke.write_text(smoke.read_text() + "\n# our own check\n")
    result = modforge("unwire", "cred-store", cwd=monorepo)
    assert result.returncode == 0, result.stderr
    assert "kept testing/e2e/modules/cred_store/test_cred_store_smoke.py" in result.stdout
    assert smoke.exists()
    assert not (smoke.parent / "conftest.py").exists()
    assert modforge("wire", "--check", "cred-store", cwd=monorepo).returncode == 1


def test_the_server_crate_is_found_wherever_it_lives(template_dir: Path, tmp_path: Path) -> None:
    root = make_monorepo(tmp_path / "mono", server="apps/cf-server")
    git(root, "init", "-q")
    wired_copy(template_dir, root)
    assert "use cred_store as _;" in (root / "apps/cf-server/src/registered_modules.rs").read_text()


def test_paths_come_from_modforge_toml(monorepo: Path) -> None:
    (monorepo / "deploy").mkdir()
    shutil.move(monorepo / "config/quickstart.yaml", monorepo / "deploy/server.yaml")
    (monorepo / ".modforge.toml").write_text(
        '[paths]\nmodules = "services"\nconfigs = ["deploy/server.yaml"]\ne2e_tests = "e2e/modules"\n', encoding="utf-8"
    )
    assert new_module(monorepo, "cred-store").returncode == 0
    assert (monorepo / "services/cred-store/.copier-answers.yml").is_file(), "new puts the module in [paths] modules"
    assert "cred-store" in yaml.safe_load((monorepo / "deploy/server.yaml").read_text())["modules"]
    assert (monorepo / "e2e/modules/cred_store/conftest.py").is_file()
    assert modforge("wire", "--check", "cred-store", cwd=monorepo).returncode == 0, "found by name in services/"
    assert modforge("check", "services/cred-store", cwd=monorepo).returncode == 0, "check accepts the [paths] table"


# --- the platform's own files ----------------------------------------------------------------------------------
def test_the_platforms_own_files_change_by_the_module_lines_only(template_dir: Path, tmp_path: Path) -> None:
    source = upstream()
    root = tmp_path / "platform"
    for relative in WIRED_FILES:
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(source / relative, root / relative)
    git(root, "init", "-q")
    commit_all(root, "the platform's files")
    wired_copy(template_dir, root, persistence=True)
    for relative in WIRED_FILES:
        added, removed = added_and_removed(root, relative)
        assert removed == [], relative
        assert [line for line in added if line.strip()] == EXPECTED[relative], relative
    assert modforge("wire", "--check", "cred-store", cwd=root).returncode == 0
    assert modforge("unwire", "cred-store", cwd=root).returncode == 0
    for relative in WIRED_FILES:
        assert (root / relative).read_bytes() == (source / relative).read_bytes(), relative


# --- bad input: one line, exit 2, nothing written ----------------------------------------------------------------
def _refused(root: Path, command: str, text: str, *args: str) -> None:
    before = files_of(root)
    result = modforge(command, *args, cwd=root)
    assert result.returncode == 2, result.stdout + result.stderr
    assert text in one_error_line(result, command)
    assert files_of(root) == before


@pytest.fixture
def unwired(template_dir: Path, monorepo: Path) -> Path:
    copied(template_dir, monorepo)
    commit_all(monorepo, "module")
    return monorepo


def test_a_module_outside_any_workspace_is_refused(tmp_path: Path) -> None:
    assert new_module(tmp_path, "cred-store").returncode == 0  # a bare folder: created, not wired
    _refused(tmp_path, "wire", "is not inside a Cargo workspace", "modules/cred-store")


def test_a_missing_server_crate_is_refused(unwired: Path) -> None:
    shutil.rmtree(unwired / SERVER / "src")
    _refused(unwired, "wire", "no server crate", "modules/cred-store")


@pytest.mark.parametrize(
    ("relative", "text", "message"),
    [
        ("Cargo.toml", '[workspace]\nmembers = ["a",\n', "Cargo.toml is not valid TOML"),
        (f"{SERVER}/Cargo.toml", "[package\n", f"{SERVER}/Cargo.toml is not valid TOML"),
        ("config/e2e-local.yaml", "modules:\n  a: [1,\n", "config/e2e-local.yaml is not valid YAML"),
        ("config/quickstart.yaml", "base: &b\n  x: {}\nmodules: *b\n", "not a plain block mapping"),
        (f"{SERVER}/src/registered_modules.rs", "// @generated by build.rs\n", "is a generated file"),
    ],
)
def test_a_file_that_cannot_be_edited_safely_stops_everything(unwired: Path, relative, text, message) -> None:
    (unwired / relative).write_text(text)
    commit_all(unwired, "broken")
    _refused(unwired, "wire", message, "modules/cred-store")


def test_a_missing_config_is_named_with_what_to_add(unwired: Path) -> None:
    (unwired / "config/e2e-local.yaml").unlink()
    _refused(unwired, "wire", "config/e2e-local.yaml is missing", "modules/cred-store")


def test_new_in_a_broken_monorepo_keeps_the_module_and_says_it_is_not_wired(monorepo: Path) -> None:
    (monorepo / "config/quickstart.yaml").write_text("modules: [\n")
    result = new_module(monorepo, "cred-store")
    assert result.returncode == 1
    assert "created but not wired" in result.stderr
    assert "Traceback" not in result.stderr
    assert (monorepo / "modules/cred-store/.copier-answers.yml").is_file()
    assert "cred" not in (monorepo / "Cargo.toml").read_text(), "nothing half-wired"


def test_check_module_is_wire_check_for_other_commands(unwired: Path) -> None:
    from modforge.workspace import wiring

    lines = wiring.check_module(unwired / "modules/cred-store")
    assert "config/quickstart.yaml: missing the `modules.cred-store` block" in lines
    assert modforge("wire", "modules/cred-store", cwd=unwired).returncode == 0
    assert wiring.check_module(unwired / "modules/cred-store") == []


def test_gate_3_3_asks_for_the_wiring_wire_check_asks_for(unwired: Path) -> None:
    result = modforge("gate", "3.3", "modules/cred-store", "--format", "json", cwd=unwired)
    criteria = {c["key"]: c for c in json.loads(result.stdout)["criteria"]}
    messages = [f["message"] for f in criteria["wired"]["failures"]]
    assert "missing the `modules.cred-store` block (run `modforge wire modules/cred-store`)" in messages
    assert modforge("wire", "modules/cred-store", cwd=unwired).returncode == 0
    result = modforge("gate", "3.3", "modules/cred-store", "--format", "json", cwd=unwired)
    assert {c["key"]: c for c in json.loads(result.stdout)["criteria"]}["wired"]["result"] == "pass"


def test_an_adopted_modules_own_crate_folders_are_wired(template_dir: Path, monorepo: Path) -> None:
    copied(template_dir, monorepo, crate_dir="cred-store-gw")
    assert (monorepo / "modules/cred-store/cred-store-gw/Cargo.toml").is_file()
    assert modforge("wire", "cred-store", cwd=monorepo).returncode == 0
    text = (monorepo / "Cargo.toml").read_text()
    assert '"modules/cred-store/cred-store-gw",' in text
    assert "../../modules/cred-store/cred-store-gw" in (monorepo / SERVER / "Cargo.toml").read_text()
