"""modforge.spec.naming: derived names and the answer rules, with the expected text stated literally (copier's
questionnaire, `modforge new` and the prompts all show these names and messages)."""

from __future__ import annotations

import pytest

from modforge.spec import naming


def test_derived_names_of_a_module():
    assert naming.derived_names("cred-store") == {
        "module_snake": "cred_store",
        "module_pascal": "CredStore",
        "module_title": "Cred Store",
        "module_dir": "modules/cred-store",
        "crate_root": "../../..",
        "sdk_name": "cred-store-sdk",
        "package_name": "cf-cred-store",
        "sdk_package_name": "cf-cred-store-sdk",
        "sdk_snake": "cred_store_sdk",
        "client_trait": "CredStoreClientV1",
        "module_struct": "CredStoreModule",
        "config_struct": "CredStoreConfig",
        "error_enum": "CredStoreError",
        "plugin_trait": "CredStorePluginClientV1",
        "plugin_spec": "CredStorePluginSpecV1",
        "plugin_spec_id": "gts.x.core.modkit.plugin.v1~x.core.cred_store.plugin.v1~",
        "plugin_vendor": "hyperspot",
        "item_type_id": "gts.x.core.cred_store.item.v1~",
        "gts_type_id": "gts.x.core.cred_store.item.v1~",
        # What the module's code implements: its own SDK's client (a worker: its gateway's plugin trait).
        "contract_trait": "CredStoreClientV1",
        "contract_error_enum": "CredStoreError",
        "contract_sdk_name": "cred-store-sdk",
        "contract_sdk_package": "cf-cred-store-sdk",
        "contract_sdk_path": "../cred-store-sdk",
        "contract_sdk_snake": "cred_store_sdk",
        "contract_plugin_spec": "",
        "instance_segment": "",
    }
    assert (
        naming.derived_names("oagw", "gateway")["gts_type_id"] == "gts.x.core.modkit.plugin.v1~x.core.oagw.plugin.v1~"
    )
    assert naming.derived_names("a-b2-c")["module_title"] == "A B2 C"


def test_a_workers_contract_is_its_gateways_plugin_trait():
    worker = naming.derived_names("oagw-apikey", "worker", "oagw")
    assert worker["module_dir"] == "modules/oagw/plugins/oagw-apikey"
    assert worker["crate_root"] == "../../../../.."
    assert {key: value for key, value in worker.items() if key.startswith("contract_")} == {
        "contract_trait": "OagwPluginClientV1",
        "contract_error_enum": "OagwError",
        "contract_sdk_name": "oagw-sdk",
        "contract_sdk_package": "cf-oagw-sdk",
        "contract_sdk_path": "../../../oagw-sdk",
        "contract_sdk_snake": "oagw_sdk",
        "contract_plugin_spec": "OagwPluginSpecV1",
    }
    assert worker["instance_segment"] == "x.core.oagw_apikey.plugin.v1"


@pytest.mark.parametrize(
    ("name", "prefix"),
    [
        ("cred-store", "CREDSTORE"),
        ("oagw", "OAGW"),
        ("ab", "AB"),
        ("x", "XMOD"),
        ("oagw-apikey", "OAGWAPIKEY"),  # exactly 10
        ("quota-keeper", "QUOTAKEEPE"),  # cut to 10
        ("task", "TASKM"),  # an ID keyword
        ("module", "MODULEM"),
        ("s3", "S3"),
    ],
)
def test_default_id_prefix(name, prefix):
    assert naming.default_id_prefix(name) == prefix


@pytest.mark.parametrize(
    ("category", "rest_api", "has_rest"),
    [("generic", True, True), ("gateway", True, True), ("worker", True, False), ("generic", False, False)],
)
def test_has_rest(category, rest_api, has_rest):
    assert naming.has_rest(category, rest_api) is has_rest


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("cred-store", ""),
        ("a", ""),
        ("a" * 40, ""),
        (
            "Cred_Store",
            "module_name 'Cred_Store' must be kebab-case: lower-case letters and digits in words joined by single "
            "dashes, starting with a letter (^[a-z][a-z0-9]*(-[a-z0-9]+)*$); type a name such as 'cred-store'",
        ),
        (
            "1abc",
            "module_name '1abc' must be kebab-case: lower-case letters and digits in words joined by single "
            "dashes, starting with a letter (^[a-z][a-z0-9]*(-[a-z0-9]+)*$); type a name such as 'abc'",
        ),
        (
            "",
            "module_name '' must be kebab-case: lower-case letters and digits in words joined by single "
            "dashes, starting with a letter (^[a-z][a-z0-9]*(-[a-z0-9]+)*$); type a name such as cred-store",
        ),
        ("a" * 41, f"module_name '{'a' * 41}' is longer than 40 characters; type a shorter name"),
        (
            "type",
            "module_name 'type' is the Rust keyword 'type' and cannot name a crate; "
            "type 'type-service' or a more specific name",
        ),
        ("std", "module_name 'std' would shadow the crate 'std'; type 'std-service' or a more specific name"),
        (
            "proc-macro",
            "module_name 'proc-macro' would shadow the crate 'proc_macro'; type 'proc-macro-service' or a more "
            "specific name",
        ),
        ("cred-sdk", "module_name 'cred-sdk' ends in '-sdk', which the SDK crate adds itself; type 'cred'"),
    ],
)
def test_module_name_error(name, message):
    assert naming.module_name_error(name) == message


def test_a_module_name_that_is_not_text_is_an_error_not_a_traceback():
    assert naming.module_name_error(None).startswith("module_name None must be kebab-case")
    assert naming.module_name_error(42).endswith("type a name such as cred-store")


LONG = "description must be one line of at most 200 characters; move details into docs/INTENT_DESIGN.md"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Stores credentials", ""),
        ("x" * 200, ""),
        ("tab\tinside", ""),
        ("", "description must not be empty; type one line that says what the module does"),
        ("   ", "description must not be empty; type one line that says what the module does"),
        (None, "description must not be empty; type one line that says what the module does"),
        ("x" * 201, "description must be one line of at most 200 characters; move details into docs/INTENT_DESIGN.md"),
        (
            "two\nlines",
            "description must be one line of at most 200 characters; move details into docs/INTENT_DESIGN.md",
        ),
        ("bell\x07", "description may not contain control characters; type plain text on one line"),
        (
            'Says "hi"',
            "description may not contain double quotes or backslashes (it goes into Cargo.toml); rephrase it",
        ),
        ("C:\\path", "description may not contain double quotes or backslashes (it goes into Cargo.toml); rephrase it"),
    ],
)
def test_description_error(text, message):
    assert naming.description_error(text) == message


@pytest.mark.parametrize(
    ("owner", "ok"), [("@platform-team", True), ("", False), ("  ", False), ("a\nb", False), (None, False)]
)
def test_owner_error(owner, ok):
    expected = (
        ""
        if ok
        else ("owner must be one line naming the team or person who approves each step, such as '@platform-team'")
    )
    assert naming.owner_error(owner) == expected


@pytest.mark.parametrize(("phases", "ok"), [(1, True), (9, True), (0, False), (10, False), (True, False), ("2", False)])
def test_phases_error(phases, ok):
    assert naming.phases_error(phases) == ("" if ok else "phases must be a whole number from 1 to 9")


@pytest.mark.parametrize(
    ("titles", "phases", "message"),
    [
        (["Core"], 1, ""),
        (["Core", "Health"], 2, ""),
        (["Core"], 0, ""),  # reported on `phases`
        ("Core", 1, 'phase_titles must be a list of non-empty titles, such as ["Core API", "Health checks"]'),
        ([""], 1, 'phase_titles must be a list of non-empty titles, such as ["Core API", "Health checks"]'),
        ([" "], 1, 'phase_titles must be a list of non-empty titles, such as ["Core API", "Health checks"]'),
        ([1], 1, 'phase_titles must be a list of non-empty titles, such as ["Core API", "Health checks"]'),
        (["Core"], 2, "phase_titles has 1 titles but phases is 2; give exactly one title per phase"),
        (["A\nB"], 1, "phase title 'A\\nB' must be one line without '#' or IDs; the PHASE id is added for you"),
        (["A # B"], 1, "phase title 'A # B' must be one line without '#' or IDs; the PHASE id is added for you"),
        (
            ["See REQ-1"],
            1,
            "phase title 'See REQ-1' must be one line without '#' or IDs; the PHASE id is added for you",
        ),
    ],
)
def test_phase_titles_error(titles, phases, message):
    assert naming.phase_titles_error(titles, phases) == message


@pytest.mark.parametrize(
    ("phases", "titles"),
    [
        (0, []),
        (1, ["Core Functionality"]),
        (3, ["Core Functionality", "Extended Capabilities", "Hardening and Scale"]),
        (5, ["Core Functionality", "Extended Capabilities", "Hardening and Scale", "Increment 4", "Increment 5"]),
        ("2", ["Core Functionality"]),
        (True, ["Core Functionality"]),
        (-1, []),
    ],
)
def test_default_phase_titles(phases, titles):
    assert naming.default_phase_titles(phases) == titles


@pytest.mark.parametrize(
    ("prefix", "ok"), [("OAGW", True), ("S3", True), ("oagw", False), ("TASK", False), (None, False), ("A", False)]
)
def test_id_prefix_error(prefix, ok):
    assert (naming.id_prefix_error(prefix) == "") is ok
