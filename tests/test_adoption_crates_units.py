"""What adoption reads from a hand-made module's Rust code (modforge.lifecycle.adoption.crates), on small trees.

Each case writes a few Cargo.toml and .rs files into tmp_path and states literally which folder is the module
crate, the SDK and the plugins, and which answers the code gives with the evidence adoption's summary prints.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from modforge.lifecycle.adoption import crates
from modforge.lifecycle.adoption.crates import Crate, read_layout

WORKSPACE = "[workspace]\nmembers = []\n"


def package(name: str) -> str:
    return f'[package]\nname = "{name}"\nversion = "0.1.0"\n'


def write(root: Path, files: dict[str, str]) -> Path:
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def layout_of(tmp_path: Path, files: dict[str, str], module_name: str | None = "hub") -> crates.Layout:
    return read_layout(write(tmp_path / "hub", files), module_name)


def folder(crate: Crate | None) -> str | None:
    return None if crate is None else crate.folder


# --- which folder is which crate -------------------------------------------------------------------------

GATEWAY_TREE = {
    "Cargo.toml": WORKSPACE,
    "build.rs": "fn main() {}\n",
    "hub-gw/Cargo.toml": package("hub-gw"),
    "hub-gw/src/lib.rs": '#[modkit::module(name = "hub")]\npub struct Hub;\n',
    "hub-gw/src/api/rest/routes.rs": "// routes\n",
    "hub-sdk/Cargo.toml": package("hub-sdk"),
    "hub-sdk/src/lib.rs": "pub trait HubPluginClientV1 {}\n",
    "plugins/email/Cargo.toml": package("hub-email-plugin"),
    "plugins/email/src/lib.rs": "// email\n",
    "hub-sdk/schemas/hub.v1.json": "{}\n",
    "plugins/email/schemas/email.v1.json": "{}\n",
}


def test_a_gateway_tree_is_read_crate_by_crate(tmp_path):
    layout = layout_of(tmp_path, GATEWAY_TREE)
    assert layout.crates == [
        Crate(
            "hub-gw",
            "hub-gw",
            {
                "hub-gw/src/api/rest/routes.rs": "// routes\n",
                "hub-gw/src/lib.rs": '#[modkit::module(name = "hub")]\npub struct Hub;\n',
            },
        ),
        Crate("hub-sdk", "hub-sdk", {"hub-sdk/src/lib.rs": "pub trait HubPluginClientV1 {}\n"}),
        Crate("plugins/email", "hub-email-plugin", {"plugins/email/src/lib.rs": "// email\n"}),
    ]
    assert folder(layout.module_crate) == "hub-gw"
    assert folder(layout.sdk) == "hub-sdk"
    assert [p.folder for p in layout.plugins] == ["plugins/email"]
    # The workspace manifest at the module's root is no crate: its build script belongs to none.
    assert layout.loose_sources == {"build.rs": "fn main() {}\n"}
    # A plugin's schema is the plugin's, not the module's.
    assert layout.schemas == ["hub-sdk/schemas/hub.v1.json"]


def test_a_crate_name_is_its_folders_last_part_and_its_code_every_source_joined():
    crate = Crate("plugins/email", None, {"plugins/email/a.rs": "A", "plugins/email/b.rs": "B"})
    assert crate.name == "email"
    assert crate.code() == "A\nB"


def test_sources_outside_every_crate_and_a_root_package_manifest_are_loose(tmp_path):
    layout = layout_of(tmp_path, {"Cargo.toml": package("hub"), "src/lib.rs": "// lib\n"})
    assert layout.crates == []
    assert (layout.module_crate, layout.sdk, layout.plugins) == (None, None, [])
    assert layout.loose_sources == {"src/lib.rs": "// lib\n"}


def test_a_source_belongs_to_the_innermost_crate_holding_it(tmp_path):
    layout = layout_of(
        tmp_path,
        {
            "core/Cargo.toml": package("core"),
            "core/src/lib.rs": "// core\n",
            "core/fuzz/Cargo.toml": package("core-fuzz"),
            "core/fuzz/src/main.rs": "// fuzz\n",
            "tools/gen.rs": "// loose\n",
        },
    )
    by_folder = {c.folder: c.sources for c in layout.crates}
    assert by_folder == {"core": {"core/src/lib.rs": "// core\n"}, "core/fuzz": {"core/fuzz/src/main.rs": "// fuzz\n"}}
    assert layout.loose_sources == {"tools/gen.rs": "// loose\n"}
    # Two candidates, none named like the module, but only one at the top: the nested crate is a helper of it.
    assert folder(layout.module_crate) == "core"


@pytest.mark.parametrize(
    ("folders", "module_name", "module_crate"),
    [
        # The crate named like the module wins, wherever the macro is.
        ({"hub": "", "hub-gw": '#[modkit::module(name = "hub")]'}, "hub", "hub"),
        # Else the one crate declaring the module (`#[modkit::module(`, spaces allowed).
        ({"hub-gw": '#[ modkit::module ( name = "hub")]', "hub-tools": "fn main() {}"}, "hub", "hub-gw"),
        ({"hub-gw": '#[modkit::module(name = "hub")]', "hub-tools": "fn main() {}"}, None, "hub-gw"),
        # Two crates declaring it, or none of two: unclear, adoption asks.
        ({"hub-gw": "#[modkit::module(a)]", "hub-core": "#[modkit::module(b)]"}, "hub", None),
        ({"hub-gw": "", "hub-core": ""}, "hub", None),
        # The only crate is the module crate, whatever its name.
        ({"core": ""}, "hub", "core"),
        # Nested crates only: the only one.
        ({"crates/core": ""}, "hub", "crates/core"),
    ],
)
def test_the_module_crate(tmp_path, folders, module_name, module_crate):
    files = {}
    for name, code in folders.items():
        files[f"{name}/Cargo.toml"] = package(name.replace("/", "-"))
        files[f"{name}/src/lib.rs"] = code
    assert folder(layout_of(tmp_path, files, module_name).module_crate) == module_crate


@pytest.mark.parametrize(
    ("manifests", "module_name", "sdk", "plugins", "module_crate"),
    [
        # By folder name, or by package name when the folder says nothing.
        ({"hub-sdk": "hub-sdk", "hub": "hub"}, "hub", "hub-sdk", [], "hub"),
        ({"sdk": "hub-sdk", "hub": "hub"}, "hub", "sdk", [], "hub"),
        # Two SDKs: the module's own by name; without a name, unclear.
        ({"hub-sdk": "hub-sdk", "other-sdk": "other-sdk", "hub": "hub"}, "hub", "hub-sdk", [], "hub"),
        ({"hub-sdk": "hub-sdk", "other-sdk": "other-sdk", "hub": "hub"}, None, None, [], "hub"),
        # A plugin: under plugins/ (at any depth), or a folder named *-plugin; never the SDK or module crate,
        # even when its package ends in -sdk.
        ({"plugins/mail-sdk": "mail-sdk", "hub": "hub"}, "hub", None, ["plugins/mail-sdk"], "hub"),
        ({"hub": "hub", "mail-plugin": "mail-plugin"}, "hub", None, ["mail-plugin"], "hub"),
        ({"hub": "hub", "ext/plugins/sms": "sms"}, "hub", None, ["ext/plugins/sms"], "hub"),
        # A crate in a folder named plugins is no plugin of its own folder.
        ({"plugins": "plugins"}, "hub", None, [], "plugins"),
    ],
)
def test_the_sdk_and_the_plugins(tmp_path, manifests, module_name, sdk, plugins, module_crate):
    files = {f"{name}/Cargo.toml": package(pkg) for name, pkg in manifests.items()}
    layout = layout_of(tmp_path, files, module_name)
    assert folder(layout.sdk) == sdk
    assert sorted(p.folder for p in layout.plugins) == plugins
    assert folder(layout.module_crate) == module_crate


@pytest.mark.parametrize(
    ("manifest", "package_name"),
    [
        ('[package]\nname = "hub"\n', "hub"),
        ("[workspace]\nmembers = []\n", None),
        ('package = "hub"\n', None),
        ("[package]\nname = 1\n", None),
        ('[package]\nversion = "1.0.0"\n', None),
        ("[package\nname = 'hub'\n", None),  # not TOML
    ],
)
def test_a_crates_package_name(tmp_path, manifest, package_name):
    layout = layout_of(tmp_path, {"core/Cargo.toml": manifest})
    assert [(c.folder, c.package) for c in layout.crates] == [("core", package_name)]


@pytest.mark.parametrize(
    ("path", "read"),
    [
        ("Cargo.toml", True),
        ("hub/Cargo.toml", True),
        ("hub/cargo.toml", False),
        ("hub/src/lib.rs", True),
        ("hub/src/LIB.RS", False),
        ("hub/src/notes.md", False),
        # JSON only as a GTS schema, in a schemas/ folder.
        ("hub/schemas/hub.v1.json", True),
        ("hub/schemas/README.md", False),
        ("hub/config/settings.json", False),
        # Build output, vendored code and hidden folders say nothing about the module.
        ("hub/target/debug/build.rs", False),
        ("web/node_modules/x/index.rs", False),
        ("hub/.cache/x.rs", False),
        (".git/x.rs", False),
        ("hub/.github/x.rs", False),
    ],
)
def test_which_files_are_read(tmp_path, path, read):
    write(tmp_path, {path: ""})
    assert crates._files(tmp_path) == ([path] if read else [])


@pytest.mark.parametrize("special", [os.symlink, lambda _target, path: os.mkfifo(path)])
def test_links_and_special_files_are_not_read(tmp_path, special):
    write(tmp_path, {"src/lib.rs": ""})
    special(tmp_path / "src/lib.rs", tmp_path / "src/other.rs")
    assert crates._files(tmp_path) == ["src/lib.rs"]


def test_a_file_too_large_or_not_utf8_reads_as_what_it_can_say(tmp_path):
    root = write(tmp_path / "hub", {"hub/Cargo.toml": package("hub")})
    (root / "hub/big.rs").write_bytes(b"/" * (crates.MAX_BYTES + 1))
    (root / "hub/latin.rs").write_bytes(b"// caf\xe9\n")
    (root / "hub/limit.rs").write_bytes(b"/" * crates.MAX_BYTES)
    sources = read_layout(root, "hub").module_crate.sources
    assert sources["hub/big.rs"] == ""
    assert sources["hub/latin.rs"] == "// caf\ufffd\n"
    assert len(sources["hub/limit.rs"]) == crates.MAX_BYTES


# --- the answers the code gives, with their evidence -------------------------------------------------------


def facts_of(tmp_path: Path, files: dict[str, str], module_name: str | None = "hub") -> dict[str, tuple]:
    return {key: (fact.value, fact.evidence) for key, fact in layout_of(tmp_path, files, module_name).facts().items()}


NO_GTS = "no GTS types of its own (at most a gateway's plugin spec)"


def test_a_gateway_with_rest_storage_a_gts_base_and_a_plugin_contract(tmp_path):
    files = {
        "hub/Cargo.toml": package("hub"),
        "hub/src/lib.rs": "use hub_sdk::HubPluginClientV1;\n",
        "hub/src/api/rest/routes.rs": "// routes\n",
        "hub/src/infra/storage/repo.rs": "// repo\n",
        "hub-sdk/Cargo.toml": package("hub-sdk"),
        "hub-sdk/src/lib.rs": (
            "pub trait HubPluginClientV1 {}\n"
            '#[struct_to_gts_schema(\n    dir = "x",\n    base = true\n)]\npub struct B;\n'
        ),
    }
    assert facts_of(tmp_path, files) == {
        "rest_api": (True, "a REST API in hub/src/api/rest/"),
        "persistence": (True, "a storage layer in hub/src/infra/storage/"),
        "gts": (True, "a GTS base type in hub-sdk/src/lib.rs"),
        "category": ("gateway", "the plugin contract `HubPluginClientV1` it defines in hub-sdk/src/lib.rs"),
    }


def test_a_plain_module_says_no_to_everything(tmp_path):
    files = {"hub/Cargo.toml": package("hub"), "hub/src/lib.rs": "pub fn run() {}\n"}
    assert facts_of(tmp_path, files) == {
        "rest_api": (False, "no REST API in the module crate"),
        "persistence": (False, "no database code"),
        "gts": (False, NO_GTS),
    }


def test_no_rust_code_gives_no_answer(tmp_path):
    assert facts_of(tmp_path, {"hub/Cargo.toml": package("hub")}) == {}
    assert facts_of(tmp_path, {}) == {}


def test_loose_sources_answer_only_when_there_is_no_module_crate_nor_sdk(tmp_path):
    # A crate folder's own code (its Cargo.toml at the root read as no crate): folders at the top count.
    loose = {
        "Cargo.toml": package("hub"),
        "src/api/rest/mod.rs": "// routes\n",
        "src/infra/storage/db.rs": "// db\n",
    }
    assert facts_of(tmp_path / "a", loose, None) == {
        "rest_api": (True, "a REST API in src/api/rest/"),
        "persistence": (True, "a storage layer in src/infra/storage/"),
        "gts": (False, NO_GTS),
    }
    top = {"api/rest/mod.rs": "// routes\n", "infra/storage/db.rs": "// db\n"}
    assert facts_of(tmp_path / "b", top, None) == {
        "rest_api": (True, "a REST API in api/rest/"),
        "persistence": (True, "a storage layer in infra/storage/"),
        "gts": (False, NO_GTS),
    }
    # With a module crate, code outside it (a build script, a tool) says nothing about the module.
    beside = {"hub/Cargo.toml": package("hub"), "hub/src/lib.rs": "// lib\n", "tools/db.rs": "use sea_orm;\n"}
    assert facts_of(tmp_path / "c", beside)["persistence"] == (False, "no database code")


@pytest.mark.parametrize(
    ("code", "rest"),
    [
        ('let op = OperationBuilder::get("/x");\n', (True, "a REST API (OperationBuilder routes in hub/src/lib.rs)")),
        ("let op = operationbuilder;\n", (False, "no REST API in the module crate")),
    ],
)
def test_rest_routes_outside_an_api_folder(tmp_path, code, rest):
    files = {"hub/Cargo.toml": package("hub"), "hub/src/lib.rs": code}
    assert facts_of(tmp_path, files)["rest_api"] == rest


def test_a_rest_folder_is_found_before_routes_in_the_code(tmp_path):
    files = {
        "hub/Cargo.toml": package("hub"),
        "hub/src/lib.rs": "OperationBuilder::get()\n",
        "hub/src/web/api/rest/mod.rs": "",
    }
    assert facts_of(tmp_path, files)["rest_api"] == (True, "a REST API in hub/src/web/api/rest/")


def test_the_outermost_rest_folder_is_named(tmp_path):
    files = {"hub/Cargo.toml": package("hub"), "hub/src/api/rest/v2/api/rest/mod.rs": ""}
    assert facts_of(tmp_path, files)["rest_api"] == (True, "a REST API in hub/src/api/rest/")


@pytest.mark.parametrize(
    ("code", "persistence"),
    [
        ("use sea_orm::EntityTrait;\n", (True, "`sea_orm` in the code")),
        ("impl DatabaseCapability for Hub {}\n", (True, "`DatabaseCapability` in the code")),
        ("struct Hub(DbModule);\n", (True, "`DbModule` in the code")),
        ("#[modkit::module(db_required)]\n", (True, "`db_required` in the code")),
        # The first word of the list names the evidence.
        ("db_required; DbModule; sea_orm\n", (True, "`sea_orm` in the code")),
        ("use diesel::prelude::*;\n", (False, "no database code")),
    ],
)
def test_database_code_without_a_storage_layer(tmp_path, code, persistence):
    files = {"hub/Cargo.toml": package("hub"), "hub/src/lib.rs": code}
    assert facts_of(tmp_path, files)["persistence"] == persistence


NONE_OWN = (False, NO_GTS)


@pytest.mark.parametrize(
    ("files", "gts"),
    [
        (
            {"hub/src/lib.rs": 'pub const SCHEMA: &str = "gts.x.core.hub.v1~";\n'},
            (True, "a GTS schema id in hub/src/lib.rs"),
        ),
        # A gateway's plugin spec is not a type of its own, however its constant is spelled.
        ({"hub/src/lib.rs": 'pub const HUB_PLUGIN: &str = "gts.x.core.hub.v1~";\n'}, NONE_OWN),
        ({"hub/src/lib.rs": 'pub const SPEC: &str = "gts.x.core.hub.plugin.v1~";\n'}, NONE_OWN),
        (
            {"hub/src/lib.rs": 'const A: &str = "gts.x.hub.plugin.v1~";\nconst B: &str = "gts.x.hub.v1~";\n'},
            (True, "a GTS schema id in hub/src/lib.rs"),
        ),
        # A struct that is no base type; a constant that is no schema id.
        ({"hub/src/lib.rs": "#[struct_to_gts_schema(base = false)]\npub struct S;\n"}, NONE_OWN),
        ({"hub/src/lib.rs": 'pub const NAME: &str = "gts.x.core.hub.v1";\n'}, NONE_OWN),
        # The module's own schema files (the first one named); a plugin's schema is none of its own.
        (
            {"hub/schemas/b.v1.json": "{}", "hub/schemas/a.v1.json": "{}"},
            (True, "the GTS schema hub/schemas/a.v1.json"),
        ),
        ({"hub/schemas/hub_Plugin.v1.json": "{}"}, NONE_OWN),
        (
            {"hub/schemas/plugin.v1.json": "{}", "hub/schemas/hub.v1.json": "{}"},
            (True, "the GTS schema hub/schemas/hub.v1.json"),
        ),
    ],
)
def test_gts_types_of_the_modules_own(tmp_path, files, gts):
    tree = {"hub/Cargo.toml": package("hub"), "hub/src/main.rs": "fn main() {}\n", **files}
    assert facts_of(tmp_path, tree)["gts"] == gts


def test_schemas_anywhere_count_when_the_module_has_no_crates(tmp_path):
    tree = {"src/lib.rs": "// lib\n", "gts/schemas/hub.v1.json": "{}"}
    assert facts_of(tmp_path, tree, None)["gts"] == (True, "the GTS schema gts/schemas/hub.v1.json")


@pytest.mark.parametrize(
    ("files", "category"),
    [
        # Worker plugins bundled beside the module crate make it a gateway, with or without REST.
        (
            {
                "hub/src/api/rest/mod.rs": "",
                "plugins/sms/Cargo.toml": package("sms"),
                "plugins/email/Cargo.toml": package("email"),
            },
            ("gateway", "a REST API in hub/src/api/rest/ and worker plugins beside it (plugins/email/, plugins/sms/)"),
        ),
        (
            {"plugins/email/Cargo.toml": package("email"), "plugins/email/src/lib.rs": "register_scoped()"},
            ("gateway", "a module crate and worker plugins beside it (plugins/email/)"),
        ),
        # A scoped client and no REST API: a worker.
        (
            {"hub/src/module.rs": "ctx.register_scoped(client);\n"},
            ("worker", "a scoped client registered in hub/src/module.rs (register_scoped) and no REST API"),
        ),
        # With a REST API, or another spelling, it is no worker: the category stays unanswered.
        ({"hub/src/module.rs": "register_scoped(c);\n", "hub/src/api/rest/mod.rs": ""}, None),
        ({"hub/src/module.rs": "REGISTER_SCOPED\n"}, None),
        ({"hub/src/module.rs": "pub struct PluginHost;\n"}, None),
    ],
)
def test_the_category_and_its_evidence(tmp_path, files, category):
    tree = {"hub/Cargo.toml": package("hub"), "hub/src/lib.rs": "pub fn run() {}\n", **files}
    found = facts_of(tmp_path, tree)
    assert found.get("category") == category
    assert "gateway" not in found


@pytest.mark.parametrize(
    ("code", "gateway"),
    [
        ("use oagw_sdk::OagwPluginClientV1;\n", "oagw"),
        ("use notify_hub_sdk::{Message, NotifyHubPluginClientV2};\n", "notify-hub"),
        # No gateway's plugin trait: the gateway stays a question.
        ("use oagw_sdk::OagwClientV1;\n", None),
    ],
)
def test_a_workers_gateway_is_the_sdk_whose_plugin_trait_it_implements(tmp_path, code, gateway):
    tree = {
        "hub/Cargo.toml": package("hub"),
        "hub/src/lib.rs": "// worker\n",
        "hub/src/module.rs": "ctx.register_scoped(client);\n",
        "hub/src/plugin.rs": code,
    }
    found = facts_of(tmp_path, tree)
    assert found["category"][0] == "worker"
    expected = (gateway, "the gateway's plugin trait it implements in hub/src/plugin.rs") if gateway else None
    assert found.get("gateway") == expected
