"""What a copy produces in Rust: the SDK crate, the module crate and QUICKSTART.md, for every answer combination.

Every combination of category, REST API, persistence, GTS and phase count is copied once (real copier) and
shared by the read-only tests below; module names rotate through short, long and longest-allowed ones,
because rustfmt's layout depends on line lengths. A worker is copied where it lives, under the plugins/ of a
gateway copied beside it, so its code can be checked against that gateway's SDK.
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
GATEWAY = "the-gateway-of-all-workers"  # the gateway each worker of the matrix plugs into


def _matrix() -> list[dict]:
    combos = []
    for category, rest_api, persistence, gts, phases in itertools.product(
        naming.CATEGORIES, (True, False), (True, False), (True, False), (1, 3)
    ):
        if category == "worker" and (rest_api or gts):
            continue  # a worker is never asked; it has no REST API and no GTS types of its own
        # Rotate the names one step further every lap, so no name sticks to one answer.
        lap, step = divmod(len(combos), len(NAMES))
        name = NAMES[(step + lap) % len(NAMES)]
        combo = {"module_name": name, "category": category, "persistence": persistence, "phases": phases}
        if category == "worker":
            combo["gateway"] = GATEWAY
        else:
            combo |= {"rest_api": rest_api, "gts": gts}
        combos.append(combo)
    return combos


MATRIX = _matrix()


def _id(answers: dict) -> str:
    flags = [answers["category"]]
    flags += [flag for flag in ("rest_api", "persistence", "gts") if answers.get(flag)]
    return "-".join([*flags, f"phases={answers['phases']}", answers["module_name"][:12]])


@pytest.fixture(scope="module", params=MATRIX, ids=_id)
def module(request, template_dir, tmp_path_factory) -> tuple[Path, dict]:
    """One real copy per answer combination, with the answers as recorded (ID prefix, phase titles)."""
    answers = request.param
    monorepo = tmp_path_factory.mktemp("monorepo")
    if answers["category"] == "worker":
        copy_module(template_dir, monorepo / layout.module_dir(GATEWAY), module_name=GATEWAY, category="gateway")
    module_dir = layout.module_dir(answers["module_name"], answers["category"], answers.get("gateway", ""))
    path = copy_module(template_dir, monorepo / module_dir, **answers)
    recorded = yaml.safe_load((path / layout.ANSWERS_FILE).read_text())
    return path, {**answers, **recorded}


def has_rest(answers: dict) -> bool:
    return bool(answers.get("rest_api")) and answers["category"] != "worker"


def crates(answers: dict) -> list[str]:
    """The crate folders of the module: a worker has no SDK of its own (it implements its gateway's)."""
    name = answers["module_name"]
    return [name] if answers["category"] == "worker" else [name, f"{name}-sdk"]


def skeleton_files(path: Path, answers: dict) -> set[str]:
    """The files of the crates and QUICKSTART.md, relative to the module folder."""
    files = {"QUICKSTART.md"}
    for crate in crates(answers):
        files |= {p.relative_to(path).as_posix() for p in (path / crate).rglob("*") if p.is_file()}
    return files


def expected_files(answers: dict) -> set[str]:
    """The rules of the issues "What a copy produces" and 11, restated independently of the template."""
    name, category = answers["module_name"], answers["category"]
    snake = naming.snake(name)
    sdk = f"{name}-sdk"
    files = {"QUICKSTART.md", f"{name}/Cargo.toml", f"{name}/README.md", f"{name}/gts/errors.json"}
    if category != "worker":
        files |= {f"{sdk}/Cargo.toml", f"{sdk}/README.md"}
        files |= {f"{sdk}/src/{f}.rs" for f in ("lib", "api", "models", "errors")}
    if category == "gateway":
        files.add(f"{sdk}/src/plugin_api.rs")
        files.add(f"{sdk}/schemas/gts.x.core.modkit.plugin.v1~x.core.{snake}.plugin.v1~.schema.json")
    if answers.get("gts"):
        files.add(f"{sdk}/schemas/gts.x.core.{snake}.item.v1~.schema.json")
    if category == "gateway" or answers.get("gts"):
        files.add(f"{sdk}/src/gts.rs")
    files |= {f"{name}/src/{f}.rs" for f in ("lib", "module", "config", "errors")}
    files |= {f"{name}/src/domain/{f}.rs" for f in ("mod", "error", "local_client", "service", "service_test")}
    if has_rest(answers):
        rest = f"{name}/src/api/rest"
        files |= {f"{name}/src/api/mod.rs", *(f"{rest}/{f}.rs" for f in ("mod", "dto", "handlers", "routes", "error"))}
        files |= {f"{rest}/dto_test.rs", f"{rest}/error_test.rs"}
    if answers["persistence"]:
        storage = f"{name}/src/infra/storage"
        files |= {f"{name}/src/domain/repo.rs", f"{name}/src/infra/mod.rs"}
        files |= {f"{storage}/{f}.rs" for f in ("mod", "entity", "mapper", "mapper_test", "sea_orm_repo")}
        files |= {f"{storage}/migrations/mod.rs", f"{storage}/migrations/initial_001.rs"}
    return files


def rust_sources(path: Path, answers: dict) -> dict[str, str]:
    return {f: (path / f).read_text() for f in sorted(skeleton_files(path, answers)) if f.endswith(".rs")}


# --- the file tree --------------------------------------------------------------------------------


def test_each_answer_controls_exactly_its_files(module):
    path, answers = module
    assert skeleton_files(path, answers) == expected_files(answers)


# --- Rust formatting and data files ------------------------------------------------------------------


@pytest.mark.parametrize("edition", ["2021", "2024"])
def test_every_rust_file_is_rustfmt_clean(module, edition):
    """rustfmt with the 2021 style, and with the 2024 style the monorepo's workspace edition selects for
    `cargo fmt`, accepts every file as generated."""
    path, answers = module
    rustfmt = shutil.which("rustfmt")
    assert rustfmt, "rustfmt is required (install it with rustup or apt)"
    sources = [str(path / f) for f in rust_sources(path, answers)]
    result = subprocess.run(
        [rustfmt, "--check", "--color", "never", "--edition", edition, *sources], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_cargo_manifests_follow_the_workspace_and_link_the_crates(module):
    path, answers = module
    name, snake = answers["module_name"], naming.snake(answers["module_name"])
    crate = tomllib.loads((path / name / "Cargo.toml").read_text())
    manifests = [crate]
    assert crate["package"]["name"] == f"cf-{name}"
    assert crate["lib"] == {"name": snake}
    if answers["category"] == "worker":
        gateway = answers["gateway"]
        sdk_dependency = crate["dependencies"][f"{gateway}-sdk"]
        assert sdk_dependency == {"package": f"cf-{gateway}-sdk", "version": "0.1.0", "path": f"../../../{gateway}-sdk"}
        assert (path / name / sdk_dependency["path"] / "Cargo.toml").is_file()
    else:
        sdk = tomllib.loads((path / f"{name}-sdk" / "Cargo.toml").read_text())
        manifests.append(sdk)
        assert sdk["package"]["name"] == f"cf-{name}-sdk"
        assert sdk["lib"] == {"name": f"{snake}_sdk"}
        sdk_dependency = crate["dependencies"][f"{name}-sdk"]
        assert sdk_dependency == {"package": f"cf-{name}-sdk", "version": "0.1.0", "path": f"../{name}-sdk"}
        assert ("gts-macros" in sdk["dependencies"]) == (answers["category"] == "gateway" or answers["gts"])
    for manifest in manifests:
        assert manifest["package"]["edition"] == {"workspace": True}
        assert manifest["lints"] == {"workspace": True}
        assert answers["description"] in manifest["package"]["description"]
        assert "modkit-macros" in manifest["dependencies"]
    assert ("sea-orm" in crate["dependencies"]) == answers["persistence"]
    assert ("axum" in crate["dependencies"]) == has_rest(answers)
    assert ("authz-resolver-sdk" in crate["dependencies"]) == (answers["category"] != "gateway")
    assert ("types-registry-sdk" in crate["dependencies"]) == (answers["category"] != "generic")


def test_error_catalog_lists_gts_error_codes_of_the_module(module):
    path, answers = module
    snake = naming.snake(answers["module_name"])
    catalog = json.loads((path / answers["module_name"] / "gts" / "errors.json").read_text())
    for entry in catalog:
        assert set(entry) == {"status", "title", "code"}
        assert entry["title"]
        base, instance = entry["code"].split("~")
        assert base == "gts.hx.core.errors.err.v1", "the vendor segment of the platform's catalogs"
        assert instance.split(".")[:3] == ["hx", snake, "errors"], entry["code"]
        assert instance.split(".")[-1] == "v1", entry["code"]
    statuses = {entry["status"]: entry["code"].split(".")[-2] for entry in catalog}
    expected = {403: "forbidden", 404: "not_found", 422: "validation", 500: "internal", 501: "not_implemented"}
    if answers["category"] == "gateway":
        expected[503] = "no_plugin"
    assert statuses == expected


def test_gts_schemas_are_draft_07_with_the_gts_id_of_their_file(module):
    path, answers = module
    category = answers["category"]
    schemas = sorted((path / f"{answers['module_name']}-sdk" / "schemas").glob("*.schema.json"))
    assert len(schemas) == int(category == "gateway") + int(bool(answers.get("gts")))
    for schema_file in schemas:
        schema = json.loads(schema_file.read_text())
        assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
        assert schema["$id"] == "gts://" + schema_file.name.removesuffix(".schema.json")
        assert schema["$id"].endswith("~")
    assert not (path / answers["module_name"] / "schemas").exists()


# --- what the Rust code wires up ------------------------------------------------------------------


def module_attribute(source: str) -> dict[str, str]:
    match = re.search(r"#\[modkit::module\(\s*(.*?)\s*\)\]", source, re.DOTALL)
    assert match, "no #[modkit::module(...)] in module.rs"
    return dict(re.findall(r"(\w+) = (\"[^\"]*\"|\[[^\]]*\])", match.group(1)))


def test_module_declares_its_name_dependencies_and_capabilities(module):
    path, answers = module
    name, category = answers["module_name"], answers["category"]
    source = (path / name / "src" / "module.rs").read_text()
    attribute = module_attribute(source)
    assert attribute["name"] == f'"{name}"'
    deps = {"generic": '["authz-resolver"]', "gateway": '["types-registry"]'}
    assert attribute["deps"] == deps.get(category, '["types-registry", "authz-resolver"]')
    capabilities = (["rest"] if has_rest(answers) else []) + (["db"] if answers["persistence"] else [])
    assert attribute.get("capabilities") == (f"[{', '.join(capabilities)}]" if capabilities else None)
    assert f"pub struct {naming.pascal(name)}Module" in source
    # The config struct is named for the module, as users-info's `UsersInfoConfig` (0.2.0 called it `Config`).
    config = f"{naming.pascal(name)}Config"
    assert f"\npub struct {config} {{" in (path / name / "src" / "config.rs").read_text()
    assert f"let config: {config} = ctx.config()?;" in source
    assert ("impl DatabaseCapability for" in source) == answers["persistence"]
    assert ("impl RestApiCapability for" in source) == has_rest(answers)


def test_the_client_is_registered_as_its_category_requires(module):
    path, answers = module
    names = naming.derived_names(answers["module_name"], answers["category"], answers.get("gateway", ""))
    source = (path / answers["module_name"] / "src" / "module.rs").read_text()
    assert f"let api: Arc<dyn {names['contract_trait']}> = client;" in source
    if answers["category"] == "worker":
        assert "ctx.client_hub().register_scoped(scope, api);" in source
        assert "ctx.client_hub().register(api);" not in source
        assert names["contract_trait"] == f"{naming.pascal(answers['gateway'])}PluginClientV1"
    else:
        assert "ctx.client_hub().register(api);" in source
        assert "register_scoped" not in source
        assert names["contract_trait"] == f"{naming.pascal(answers['module_name'])}ClientV1"


def test_sdk_defines_the_client_trait_and_the_gateway_plugin_trait_and_spec(module):
    path, answers = module
    name, pascal = answers["module_name"], naming.pascal(answers["module_name"])
    sources = rust_sources(path, answers)
    if answers["category"] == "worker":
        contracts = [f for f, text in sources.items() if re.search(r"pub trait \w*Client", text)]
        assert contracts == [], "a worker implements its gateway's contract and defines none of its own"
        return
    api = sources[f"{name}-sdk/src/api.rs"]
    assert f"pub trait {pascal}ClientV1: Send + Sync" in api
    for line in api.splitlines():
        if line.strip().startswith("async fn "):
            assert "ctx: &SecurityContext" in line, line
    models = sources[f"{name}-sdk/src/models.rs"]
    assert not re.search(r"\bserde::|Serialize|Deserialize", models)
    assert models.count("\n#[domain_model]\n") == models.count("\npub struct ") == 2
    plugin_traits = [f for f, text in sources.items() if f"pub trait {pascal}PluginClientV1" in text]
    is_gateway = answers["category"] == "gateway"
    assert plugin_traits == ([f"{name}-sdk/src/plugin_api.rs"] if is_gateway else [])
    gts = sources.get(f"{name}-sdk/src/gts.rs", "")
    assert ("base = BaseModkitPluginV1," in gts and f"pub struct {pascal}PluginSpecV1;" in gts) == is_gateway
    assert ("pub id: GtsInstanceId," in gts) == bool(answers.get("gts"))


def test_rest_routes_are_registered_with_operation_builder_only_with_a_rest_api(module):
    path, answers = module
    name, snake = answers["module_name"], naming.snake(answers["module_name"])
    sources = rust_sources(path, answers)
    users = sorted(f for f, text in sources.items() if "OperationBuilder::" in text)
    if not has_rest(answers):
        assert users == []
        assert not (path / name / "src" / "api").exists()
        return
    assert users == [f"{name}/src/api/rest/routes.rs"]
    routes = sources[users[0]]
    for operation in ("list_items", "get_item", "create_item"):
        assert f'.operation_id("{snake}.{operation}")' in routes
    assert f'OperationBuilder::get("/{name}/v1/items")' in routes
    assert f'OperationBuilder::post("/{name}/v1/items")' in routes
    assert routes.count(".authenticated()") == routes.count(".require_license_features::<License>([])") == 3
    assert routes.count(f'"/{name}/v1/items/{{id}}"') == routes.count('.path_param("id", ') == 1
    assert routes.count(".json_request::<dto::CreateItemRequest>(") == 1
    dto = sources[f"{name}/src/api/rest/dto.rs"]
    assert dto.count("#[modkit_macros::api_dto(response)]") == 2
    assert dto.count("#[modkit_macros::api_dto(request)]") == 1
    assert "impl From<DomainError> for Problem" in sources[f"{name}/src/api/rest/error.rs"]


def test_problem_mapping_calls_exactly_the_accessors_the_error_catalog_generates(module):
    path, answers = module
    name = answers["module_name"]
    catalog = json.loads((path / name / "gts" / "errors.json").read_text())
    # declare_errors! names each accessor after the code's last segment chain without its vendor.
    accessors = {"_".join(entry["code"].rsplit("~", 1)[1].split(".")[1:]) for entry in catalog}
    used = set()
    for file, text in rust_sources(path, answers).items():
        if file != f"{name}/src/errors.rs":
            used |= set(re.findall(r"ErrorCode::(\w+)\(\)", text))
    errors_rs = (path / name / "src" / "errors.rs").read_text()
    assert 'declare_errors! {\n    path = "gts/errors.json",' in errors_rs
    documented = set(re.findall(r"ErrorCode::(\w+)\(\)", errors_rs))
    assert documented, "errors.rs shows an accessor as an example"
    assert documented <= accessors, "the accessor errors.rs shows as an example exists"
    if has_rest(answers):
        assert used == accessors
    else:
        # Without a REST API nothing maps errors to problems; the catalog is still declared for the REST API
        # a later phase may add, and no code calls an accessor that would not exist.
        assert used == set()
        assert not (path / name / "src" / "api").exists()


def test_entry_points_are_traced_and_unit_tests_are_siblings_declared_for_tests(module):
    path, answers = module
    name = answers["module_name"]
    sources = rust_sources(path, answers)
    traced = [f"{name}/src/domain/service.rs"] + ([f"{name}/src/api/rest/handlers.rs"] if has_rest(answers) else [])
    for file in traced:
        functions = len(re.findall(r"^    pub async fn |^pub async fn ", sources[file], re.MULTILINE))
        assert functions >= 3, file
        assert sources[file].count("#[tracing::instrument") >= functions, file
    siblings = {f"{name}/src/domain/mod.rs": ["service_test"]}
    if has_rest(answers):
        siblings[f"{name}/src/api/rest/mod.rs"] = ["dto_test", "error_test"]
    if answers["persistence"]:
        siblings[f"{name}/src/infra/storage/mod.rs"] = ["mapper_test"]
    for parent, tests in siblings.items():
        for test in tests:
            assert f"#[cfg(test)]\nmod {test};" in sources[parent], (parent, test)
            sibling = parent.rsplit("/", 1)[0] + f"/{test}.rs"
            assert (
                sources[sibling].startswith("#[cfg(test)]\nmod tests {")
                or "\n#[cfg(test)]\nmod tests {" in sources[sibling]
            )
            assert sources[sibling].count("#[test]") + sources[sibling].count("#[tokio::test]") >= 1, sibling
    assert "InMemoryItemRepository" not in "".join(sources.values()), "no in-memory test repository"
    # The service tests of a module that keeps its items run on the platform's in-memory SQLite with the module's
    # migrations, through modkit-db's test helper; a gateway's service routes to plugins and never reads storage.
    on_sqlite = answers["persistence"] and answers["category"] != "gateway"
    service_test = sources[f"{name}/src/domain/service_test.rs"]
    assert ("run_migrations_for_testing(&db, Migrator::migrations())" in service_test) == on_sqlite
    assert ('connect_db("sqlite::memory:", opts)' in service_test) == on_sqlite


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
    stubs = re.findall(r"pub fn (phase_\d+)\(\)", (path / service).read_text())
    assert stubs == [f"phase_{n}" for n in range(2, answers["phases"] + 1)]
    tests = (path / name / "src" / "domain" / "service_test.rs").read_text()
    assert re.findall(r"fn (phase_\d+)_is_a_stub_until_built", tests) == stubs


def test_quickstart_shows_the_api_or_the_registration_and_the_config_block(module):
    path, answers = module
    name, category = answers["module_name"], answers["category"]
    text = (path / "QUICKSTART.md").read_text()
    assert (f"$BASE_URL/{name}/v1/items" in text) == has_rest(answers)
    assert ("register_scoped::<dyn" in text) == (category == "worker")
    block = re.search(r"```yaml\n(.*?)```", text, re.DOTALL)
    assert block, "no yaml block in QUICKSTART.md"
    config = yaml.safe_load(block.group(1))["modules"][name]
    assert ("database" in config) == answers["persistence"]
    expected = {"max_page_size": 100}
    if category != "gateway":
        expected["max_name_length"] = 200
    if category != "generic":
        expected["vendor"] = naming.PLUGIN_VENDOR
    if category == "worker":
        expected["priority"] = 100
    assert config["config"] == expected
    gateway_storage = "is for what the\ngateway keeps itself, such as its routes or upstream settings"
    assert (gateway_storage in text) == (category == "gateway" and answers["persistence"])
    module_dir = layout.module_dir(name, category, answers.get("gateway", ""))
    assert f"`{module_dir}/{name}`" in text
    assert f"`modforge wire {module_dir}`" in text, "the one command that does the wiring, for this module's folder"


def test_a_gateway_s_storage_port_says_whose_state_it_keeps(module):
    # A gateway's service routes to plugins and does not use the repository it is generated with: the port says
    # what it is for, so nobody takes it for the routed requests' storage.
    path, answers = module
    if not answers["persistence"]:
        assert not (path / answers["module_name"] / "src" / "domain" / "repo.rs").exists()
        return
    port = (path / answers["module_name"] / "src" / "domain" / "repo.rs").read_text()
    assert ("state the gateway keeps itself (routes, upstream settings)" in port) == (answers["category"] == "gateway")


# --- held to the platform snapshot ----------------------------------------------------------------


def test_the_crates_use_only_what_the_platform_snapshot_has(module, platform):
    """tests/test_rust_conformance.py explains the check; here it runs on every combination of answers."""
    from rust_conformance import lints
    from rust_conformance.check import build_world, check_crates

    path, answers = module
    roots = [path / crate for crate in crates(answers)]
    if answers["category"] == "worker":
        roots.append(path.parents[1] / f"{GATEWAY}-sdk")  # modules/<gateway>/plugins/<worker> -> modules/<gateway>
    findings = check_crates(platform.world, platform.attested, roots, path)
    assert [str(f) for f in findings] == []
    _, checked = build_world(platform.world, roots[: len(crates(answers))])
    assert [f for crate in checked for f in lints.lint_crate(crate, path.parent)] == []


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
