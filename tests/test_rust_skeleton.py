"""What a copy produces in Rust: the SDK crate, the module crate and QUICKSTART.md, for every answer combination.

Every combination of category, REST API, persistence, GTS and phase count is copied once (real copier) and
shared by the read-only tests below; module names rotate through short, long and longest-allowed ones,
because rustfmt's layout depends on line lengths.
"""

from __future__ import annotations

import itertools
import json
import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest
import yaml
from conftest import copy_module

from modforge.spec import grammar, layout, naming
from modforge.spec.grammar import IdKind

# The longest name the questionnaire accepts, without dashes: the longest snake and Pascal forms.
LONGEST = ("longest" + "module" * 7)[: naming.MODULE_NAME_MAX]
NAMES = ("ab", "cred-store", "very-long-module-name-for-testing", LONGEST)


def _matrix() -> list[dict]:
    combos = []
    for category, rest_api, persistence, gts, phases in itertools.product(
        naming.CATEGORIES, (True, False), (True, False), (True, False), (1, 3)
    ):
        if category == "worker" and rest_api:
            continue  # a worker is never asked; it has no REST API
        # Rotate the names one step further every lap, so no name sticks to one answer.
        lap, step = divmod(len(combos), len(NAMES))
        name = NAMES[(step + lap) % len(NAMES)]
        combos.append(
            {
                "module_name": name,
                "category": category,
                "rest_api": rest_api,
                "persistence": persistence,
                "gts": gts,
                "phases": phases,
            }
        )
    return combos


MATRIX = _matrix()


def _id(answers: dict) -> str:
    flags = [answers["category"]]
    flags += [flag for flag in ("rest_api", "persistence", "gts") if answers[flag]]
    return "-".join([*flags, f"phases={answers['phases']}", answers["module_name"][:12]])


@pytest.fixture(scope="module", params=MATRIX, ids=_id)
def module(request, template_dir, tmp_path_factory) -> tuple[Path, dict]:
    """One real copy per answer combination, with the answers as recorded (ID prefix, phase titles)."""
    name = request.param["module_name"]
    path = copy_module(template_dir, tmp_path_factory.mktemp("monorepo") / "modules" / name, **request.param)
    answers = yaml.safe_load((path / layout.ANSWERS_FILE).read_text())
    return path, {**request.param, **answers}


def has_rest(answers: dict) -> bool:
    return answers["rest_api"] and answers["category"] != "worker"


def skeleton_files(path: Path, answers: dict) -> set[str]:
    """The files of the two crates and QUICKSTART.md, relative to the module folder."""
    name = answers["module_name"]
    files = {"QUICKSTART.md"}
    for crate in (name, f"{name}-sdk"):
        files |= {p.relative_to(path).as_posix() for p in (path / crate).rglob("*") if p.is_file()}
    return files


def expected_files(answers: dict) -> set[str]:
    """The rules of the issue "What a copy produces", restated independently of the template."""
    name, category = answers["module_name"], answers["category"]
    snake = naming.snake(name)
    sdk = f"{name}-sdk"
    files = {"QUICKSTART.md", f"{sdk}/Cargo.toml"}
    files |= {f"{sdk}/src/{f}.rs" for f in ("lib", "api", "models", "errors")}
    if answers["gts"]:
        files.add(f"{sdk}/src/gts.rs")
    if category == "gateway":
        files.add(f"{sdk}/src/plugin_api.rs")
    files |= {f"{name}/Cargo.toml", f"{name}/gts/errors.json"}
    files |= {f"{name}/src/{f}.rs" for f in ("lib", "module", "config", "errors")}
    files |= {f"{name}/src/domain/{f}.rs" for f in ("mod", "error", "ports", "repo", "local_client", "service")}
    if has_rest(answers):
        files |= {f"{name}/src/api/{f}.rs" for f in ("mod", "rest/mod", "rest/dto", "rest/handlers")}
        files |= {f"{name}/src/api/rest/{f}.rs" for f in ("routes", "error")}
    if answers["persistence"]:
        storage = f"{name}/src/infra/storage"
        files |= {f"{name}/src/infra/mod.rs", *(f"{storage}/{f}.rs" for f in ("mod", "entity", "mapper"))}
        files |= {f"{storage}/sea_orm_repo.rs", f"{storage}/migrations/mod.rs", f"{storage}/migrations/initial_001.rs"}
    if answers["gts"]:
        type_id = (
            f"gts.x.core.modkit.plugin.v1~x.core.{snake}.plugin.v1~"
            if category == "gateway"
            else f"gts.x.core.{snake}.item.v1~"
        )
        files.add(f"{name}/schemas/{type_id}.schema.json")
    return files


def rust_sources(path: Path, answers: dict) -> dict[str, str]:
    return {f: (path / f).read_text() for f in sorted(skeleton_files(path, answers)) if f.endswith(".rs")}


# --- the file tree --------------------------------------------------------------------------------


def test_each_answer_controls_exactly_its_files(module):
    path, answers = module
    assert skeleton_files(path, answers) == expected_files(answers)


# --- Rust formatting and data files ------------------------------------------------------------------


def test_every_rust_file_is_rustfmt_clean(module):
    path, answers = module
    rustfmt = shutil.which("rustfmt")
    assert rustfmt, "rustfmt is required (install it with rustup or apt)"
    sources = [str(path / f) for f in rust_sources(path, answers)]
    result = subprocess.run(
        [rustfmt, "--check", "--color", "never", "--edition", "2021", *sources], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_cargo_manifests_name_the_packages_and_link_the_crates(module):
    path, answers = module
    name, snake = answers["module_name"], naming.snake(answers["module_name"])
    sdk = tomllib.loads((path / f"{name}-sdk" / "Cargo.toml").read_text())
    crate = tomllib.loads((path / name / "Cargo.toml").read_text())
    assert sdk["package"]["name"] == f"cf-{name}-sdk"
    assert sdk["lib"]["name"] == f"{snake}_sdk"
    assert crate["package"]["name"] == f"cf-{name}"
    assert crate["lib"]["name"] == snake
    for manifest in (sdk, crate):
        assert manifest["package"]["edition"] == "2021"
        assert answers["description"] in manifest["package"]["description"]
    assert crate["dependencies"][f"cf-{name}-sdk"] == {"path": f"../{name}-sdk"}
    assert ("sea-orm" in crate["dependencies"]) == answers["persistence"]
    assert ("axum" in crate["dependencies"]) == has_rest(answers)


def test_error_catalog_lists_gts_error_codes_of_the_module(module):
    path, answers = module
    snake = naming.snake(answers["module_name"])
    catalog = json.loads((path / answers["module_name"] / "gts" / "errors.json").read_text())
    assert catalog, "the catalog is empty"
    for entry in catalog:
        assert set(entry) == {"status", "title", "code"}
        assert 400 <= entry["status"] < 600
        assert entry["title"]
        base, instance = entry["code"].split("~")
        assert base == "gts.x.core.errors.err.v1"
        segments = instance.split(".")
        assert segments[:2] == ["x", snake], entry["code"]
        assert len(segments) >= 5, "vendor.package.namespace.type.version"
        assert segments[-1] == "v1", entry["code"]
    assert {e["status"] for e in catalog} >= {404, 500, 501}
    assert (503 in {e["status"] for e in catalog}) == (answers["category"] == "gateway")


def test_gts_schema_is_draft_07_with_a_gts_id(module):
    path, answers = module
    schemas = list((path / answers["module_name"] / "schemas").glob("*.schema.json"))
    assert len(schemas) == int(answers["gts"])
    for schema_file in schemas:
        schema = json.loads(schema_file.read_text())
        assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
        assert schema["$id"] == "gts://" + schema_file.name.removesuffix(".schema.json")
        assert schema["$id"].endswith("~")


# --- what the Rust code wires up ------------------------------------------------------------------


def test_module_capabilities_follow_the_answers(module):
    path, answers = module
    name = answers["module_name"]
    source = (path / name / "src" / "module.rs").read_text()
    match = re.search(r'#\[modkit::module\(\s*name = "([^"]+)",\s*capabilities = \[([^\]]*)\]', source)
    assert match, "no #[modkit::module(name = ..., capabilities = [...])] in module.rs"
    capabilities = [c.strip() for c in match.group(2).split(",") if c.strip()]
    expected = (["rest"] if has_rest(answers) else []) + (["db"] if answers["persistence"] else [])
    assert (match.group(1), capabilities) == (name, expected)
    assert f"pub struct {naming.pascal(name)}Module" in source
    assert ("impl DatabaseCapability for" in source) == answers["persistence"]
    assert ("impl RestApiCapability for" in source) == has_rest(answers)


def test_client_is_registered_in_the_client_hub_scoped_only_for_workers(module):
    path, answers = module
    source = (path / answers["module_name"] / "src" / "module.rs").read_text()
    scoped = "register_scoped(ClientScope::gts_id(&instance_id), api)" in source
    assert scoped == (answers["category"] == "worker")
    assert ("ctx.client_hub().register(api)" in source) != scoped
    assert f"Arc<dyn {naming.pascal(answers['module_name'])}ClientV1>" in source


def test_sdk_defines_the_client_trait_and_the_gateway_plugin_trait(module):
    path, answers = module
    name, pascal = answers["module_name"], naming.pascal(answers["module_name"])
    sources = rust_sources(path, answers)
    api = sources[f"{name}-sdk/src/api.rs"]
    assert f"pub trait {pascal}ClientV1: Send + Sync" in api
    for line in api.splitlines():
        if line.strip().startswith("async fn "):
            assert "ctx: &SecurityContext" in line, line
    assert not re.search(r"\bserde::|Serialize|Deserialize", sources[f"{name}-sdk/src/models.rs"])
    plugin_traits = [f for f, text in sources.items() if f"pub trait {pascal}PluginV1" in text]
    assert plugin_traits == ([f"{name}-sdk/src/plugin_api.rs"] if answers["category"] == "gateway" else [])


def test_rest_routes_are_registered_with_operation_builder_only_with_a_rest_api(module):
    path, answers = module
    name, snake = answers["module_name"], naming.snake(answers["module_name"])
    sources = rust_sources(path, answers)
    users = sorted(f for f, text in sources.items() if "OperationBuilder::" in text)
    if not has_rest(answers):
        assert users == []
        return
    assert users == [f"{name}/src/api/rest/routes.rs"]
    routes = sources[users[0]]
    for operation in ("list_items", "get_item"):
        assert f'.operation_id("{snake}.{operation}")' in routes
    assert f'OperationBuilder::get("/{name}/v1/items")' in routes
    assert routes.count(".authenticated()") == routes.count(".standard_errors(openapi)") == 2
    assert "impl From<DomainError> for Problem" in sources[f"{name}/src/api/rest/error.rs"]


def test_problem_mapping_calls_exactly_the_accessors_the_error_catalog_generates(module):
    path, answers = module
    if not has_rest(answers):
        return  # no Problem mapping without a REST API (the file-tree test checks it is absent)
    name = answers["module_name"]
    catalog = json.loads((path / name / "gts" / "errors.json").read_text())
    # declare_errors! names each accessor after the code's last segment chain without its vendor.
    accessors = {"_".join(entry["code"].rsplit("~", 1)[1].split(".")[1:]) for entry in catalog}
    used = re.findall(r"ErrorCode::(\w+)\(\)", (path / name / "src" / "api" / "rest" / "error.rs").read_text())
    assert sorted(used) == sorted(accessors)


def test_entry_points_are_traced_and_units_tested_inline(module):
    path, answers = module
    name = answers["module_name"]
    sources = rust_sources(path, answers)
    traced = [f"{name}/src/domain/service.rs"] + ([f"{name}/src/api/rest/handlers.rs"] if has_rest(answers) else [])
    for file in traced:
        functions = len(re.findall(r"^    pub async fn |^pub async fn ", sources[file], re.MULTILINE))
        assert sources[file].count("#[tracing::instrument") == functions, file
    for file in (f"{name}/src/config.rs", f"{name}/src/domain/error.rs", f"{name}/src/domain/service.rs"):
        assert "#[cfg(test)]\nmod tests {" in sources[file], file


def test_later_phases_are_todo_stubs_in_the_domain_service_only(module):
    path, answers = module
    name, prefix = answers["module_name"], answers["id_prefix"]
    phase_ids = [grammar.format_id(IdKind.PHASE, prefix, n) for n in range(1, answers["phases"] + 1)]
    service = f"{name}/src/domain/service.rs"
    for file, text in rust_sources(path, answers).items():
        for n, phase_id in enumerate(phase_ids, start=1):
            expected = int(n >= 2 and file == service)
            assert text.count(layout.code_todo(phase_id)) == expected, (file, phase_id)
        if file != service:
            assert "TODO(PHASE" not in text, file
    stubs = re.findall(r"pub async fn (phase_\d+)\(", (path / service).read_text())
    assert stubs == [f"phase_{n}" for n in range(2, answers["phases"] + 1)]


def test_quickstart_shows_the_api_or_the_registration_and_the_config_block(module):
    path, answers = module
    name = answers["module_name"]
    text = (path / "QUICKSTART.md").read_text()
    assert (f"$BASE_URL/{name}/v1/items" in text) == has_rest(answers)
    assert ("ClientScope::gts_id(&instance_id)" in text) == (answers["category"] == "worker")
    block = re.search(r"```yaml\n(.*?)```", text, re.DOTALL)
    assert block, "no yaml block in QUICKSTART.md"
    config = yaml.safe_load(block.group(1))["modules"][name]
    assert ("database" in config) == answers["persistence"]
    assert config["config"]["max_page_size"] == 100


# --- answers that are awkward for Rust ------------------------------------------------------------


def test_free_text_answers_stay_in_comments_and_keep_rustfmt_clean(new_module):
    titles = ["Core", 'Move fast & <break> "things" ', "Ünïcode — the {last} one"]
    path = new_module(
        module_name="odd-answers",
        description="Keeps odd answers: tabs\tand trailing blanks ",
        phases=3,
        phase_titles=titles,
    )
    sources = [str(p) for p in path.rglob("*.rs")]
    result = subprocess.run(["rustfmt", "--check", "--edition", "2021", *sources], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    service = (path / "odd-answers" / "src" / "domain" / "service.rs").read_text()
    prefix = yaml.safe_load((path / layout.ANSWERS_FILE).read_text())["id_prefix"]
    for n, title in enumerate(titles[1:], start=2):
        assert f"// {layout.code_todo(grammar.format_id(IdKind.PHASE, prefix, n))}: {title.strip()}\n" in service


# --- the documents beside the code ------------------------------------------------------------------


def test_the_generated_documents_pass_modforge_check_with_no_finding(module):
    """At every answer combination, a new module starts clean: `modforge check` finds nothing at all."""
    from modforge.checker import engine
    from modforge.config import Settings

    path, _ = module
    result = engine.run_check([path], Settings(), use_cache=False)
    assert [f"{d.path}:{d.line}: {d.code} {d.message}" for d in result.diagnostics] == []
    assert result.documents == len(layout.PIPELINE_DOCS)
