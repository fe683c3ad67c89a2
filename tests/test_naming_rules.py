"""modforge.spec.naming, the cases tests/test_naming.py leaves out: a gateway's and a worker's derived names, the
prefixes offered beside sibling modules in order, and the exact messages of the answer rules (copier's
questionnaire and `modforge new` show them word for word)."""

from __future__ import annotations

import pytest

from modforge.spec import naming

KEBAB = (
    "must be kebab-case: lower-case letters and digits in words joined by single dashes, starting with a letter "
    "(^[a-z][a-z0-9]*(-[a-z0-9]+)*$); type a name such as"
)


def test_derived_names_of_a_gateway():
    """A gateway implements its own SDK's client and declares the plugin spec its workers register under."""
    assert naming.derived_names("oagw", "gateway") == {
        "module_snake": "oagw",
        "module_pascal": "Oagw",
        "module_title": "Oagw",
        "package_name": "cf-oagw",
        "sdk_name": "oagw-sdk",
        "sdk_package_name": "cf-oagw-sdk",
        "sdk_snake": "oagw_sdk",
        "client_trait": "OagwClientV1",
        "error_enum": "OagwError",
        "plugin_trait": "OagwPluginClientV1",
        "plugin_spec": "OagwPluginSpecV1",
        "module_struct": "OagwModule",
        "config_struct": "OagwConfig",
        "gts_type_id": "gts.x.core.modkit.plugin.v1~x.core.oagw.plugin.v1~",
        "plugin_spec_id": "gts.x.core.modkit.plugin.v1~x.core.oagw.plugin.v1~",
        "item_type_id": "gts.x.core.oagw.item.v1~",
        "instance_segment": "",
        "plugin_vendor": "hyperspot",
        "module_dir": "modules/oagw",
        "crate_root": "../../..",
        "contract_sdk_name": "oagw-sdk",
        "contract_sdk_package": "cf-oagw-sdk",
        "contract_sdk_snake": "oagw_sdk",
        "contract_sdk_path": "../oagw-sdk",
        "contract_trait": "OagwClientV1",
        "contract_error_enum": "OagwError",
        "contract_plugin_spec": "OagwPluginSpecV1",
    }


def test_derived_names_of_a_worker():
    """A worker's GTS type is its gateway's plugin spec, and it lives in the gateway's plugins folder."""
    assert naming.derived_names("oagw-apikey", "worker", "oagw") == {
        "module_snake": "oagw_apikey",
        "module_pascal": "OagwApikey",
        "module_title": "Oagw Apikey",
        "package_name": "cf-oagw-apikey",
        "sdk_name": "oagw-apikey-sdk",
        "sdk_package_name": "cf-oagw-apikey-sdk",
        "sdk_snake": "oagw_apikey_sdk",
        "client_trait": "OagwApikeyClientV1",
        "error_enum": "OagwApikeyError",
        "plugin_trait": "OagwApikeyPluginClientV1",
        "plugin_spec": "OagwApikeyPluginSpecV1",
        "module_struct": "OagwApikeyModule",
        "config_struct": "OagwApikeyConfig",
        "gts_type_id": "gts.x.core.modkit.plugin.v1~x.core.oagw.plugin.v1~",
        "plugin_spec_id": "gts.x.core.modkit.plugin.v1~x.core.oagw_apikey.plugin.v1~",
        "item_type_id": "gts.x.core.oagw_apikey.item.v1~",
        "instance_segment": "x.core.oagw_apikey.plugin.v1",
        "plugin_vendor": "hyperspot",
        "module_dir": "modules/oagw/plugins/oagw-apikey",
        "crate_root": "../../../../..",
        "contract_sdk_name": "oagw-sdk",
        "contract_sdk_package": "cf-oagw-sdk",
        "contract_sdk_snake": "oagw_sdk",
        "contract_sdk_path": "../../../oagw-sdk",
        "contract_trait": "OagwPluginClientV1",
        "contract_error_enum": "OagwError",
        "contract_plugin_spec": "OagwPluginSpecV1",
    }


def test_a_worker_before_its_gateway_is_asked_lives_in_modules():
    """copier.yml derives the SDK folder's default from the category alone, before the gateway is asked."""
    names = naming.derived_names("oagw-apikey", "worker")
    assert (names["module_dir"], names["crate_root"], names["sdk_name"]) == (
        "modules/oagw-apikey",
        "../../..",
        "oagw-apikey-sdk",
    )


def test_a_gateway_given_to_a_generic_module_changes_nothing():
    assert naming.derived_names("cred-store", "generic", "oagw") == naming.derived_names("cred-store")
    assert naming.derived_names("cred-store", "generic", "oagw")["module_dir"] == "modules/cred-store"


def _offered(name: str, count: int) -> list[str]:
    """The prefixes offered to `count` modules named `name` in turn, each taking the one offered before."""
    taken: list[str] = []
    for _ in range(count):
        taken.append(naming.free_id_prefix(name, taken))
    return taken


@pytest.mark.parametrize(
    ("name", "prefixes"),
    [
        (  # the docstring's example: whole, initials and last word, first word and initials, more of the last word
            "file-parser-tika",
            ["FILEPARSER", "FPTIKA", "FILEPT", "FILEPARSET", "FILEPARSTI", "FILEPARTIK", "FILEPATIKA", "FILEPARSE2"],
        ),
        ("cred-store", ["CREDSTORE", "CSTORE", "CREDS", "CREDST", "CREDSTO", "CREDSTOR", "CREDSTORE2", "CREDSTORE3"]),
        ("oagw", ["OAGW", "OAGW2", "OAGW3"]),  # one word: numbers straight away
        ("x", ["XMOD", "XMOD2"]),
        ("task", ["TASKM", "TASKM2"]),  # an ID keyword as a name
        (  # a last word longer than a prefix: at most nine of its letters after the first of the others
            "ab-cd-efghijklmn",
            [
                "ABCDEFGHIJ",
                "ACEFGHIJKL",
                "ABCE",
                "ABCDE",
                "ABCDEF",
                "ABCDEFG",
                "ABCDEFGH",
                "ABCDEFGHI",
                "ABCEFGHIJK",
                "ABEFGHIJKL",
                "AEFGHIJKLM",
                "ABCDEFGHI2",
            ],
        ),
        # an adopted module's folder may hold an underscore: it joins the letters of its word
        (
            "file_parser-tika",
            ["FILEPARSER", "FTIKA", "FILEPARSET", "FILEPARSTI", "FILEPARTIK", "FILEPATIKA", "FILEPARSE2"],
        ),
        ("s3-bucket-sync", ["S3BUCKETSY", "SBSYNC", "S3BS", "S3BUCKETS", "S3BUCKESYN", "S3BUCKSYNC", "S3BUCKETS2"]),
    ],
)
def test_sibling_modules_are_offered_prefixes_best_first(name, prefixes):
    assert _offered(name, len(prefixes)) == prefixes


def test_numbered_prefixes_go_on_past_two_digits():
    offered = _offered("oagw", 60)
    assert offered[-3:] == ["OAGW58", "OAGW59", "OAGW60"]
    assert len(set(offered)) == 60


def test_a_taken_prefix_is_never_offered_and_neither_is_an_invalid_one():
    assert naming.free_id_prefix("cred-store", {"CREDSTORE", "CSTORE"}) == "CREDS"
    assert naming.free_id_prefix("cred-store", []) == "CREDSTORE"


GATEWAY_MISSING = (
    "gateway must name the gateway module this worker plugs into (its module name, such as oagw); a worker "
    "implements that gateway's plugin trait and lives in modules/<gateway>/plugins/<name>, whose folder names it"
)


@pytest.mark.parametrize(
    ("gateway", "message"),
    [
        ("oagw", ""),
        ("", GATEWAY_MISSING),
        (None, GATEWAY_MISSING),
        (["oagw"], GATEWAY_MISSING),
        ("Bad_GW", f"gateway 'Bad_GW' {KEBAB} 'bad-gw'"),
        # only the question's name is replaced, not the same word in the answer quoted after it
        ("module_name", f"gateway 'module_name' {KEBAB} 'module-name'"),
        ("a" * 41, f"gateway '{'a' * 41}' is longer than 40 characters; type a shorter name"),
        ("oagw-apikey", "gateway 'oagw-apikey' is the worker itself; name the gateway module it plugs into"),
    ],
)
def test_gateway_error(gateway, message):
    assert naming.gateway_error(gateway, "oagw-apikey") == message


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("a" * 60, f"module_name '{'a' * 60}' is longer than 40 characters; type a shorter name"),
        ("a" * 61, f"module_name '{'a' * 60}'... is longer than 40 characters; type a shorter name"),
        ("oagw-gw-sdk", "module_name 'oagw-gw-sdk' ends in '-sdk', which the SDK crate adds itself; type 'oagw-gw'"),
        # a pasted paragraph is shown by its start, and the suggestion must pass every rule (not be too long)
        ("A" * 300, f"module_name '{'A' * 60}' {KEBAB} cred-store"),
        ("Long Name " * 30, f"module_name '{'Long Name ' * 6}' {KEBAB} cred-store"),
        ("Ab" * 10, f"module_name '{'Ab' * 10}' {KEBAB} '{'-'.join(['ab'] * 10)}'"),
        ("Type", f"module_name 'Type' {KEBAB} cred-store"),  # `type` is a Rust keyword: no suggestion
        ("Stdlib", f"module_name 'Stdlib' {KEBAB} 'stdlib'"),
        ("123", f"module_name '123' {KEBAB} cred-store"),
        ("CredStore", f"module_name 'CredStore' {KEBAB} 'cred-store'"),
        ("cred--store", f"module_name 'cred--store' {KEBAB} 'cred-store'"),
    ],
)
def test_module_name_error_messages(name, message):
    assert naming.module_name_error(name) == message


@pytest.mark.parametrize(
    ("folder", "message"),
    [
        ("oagw-gw", ""),
        ("v1.2", ""),
        ("sdk_2", ""),
        ("Gw", ""),
        ("oagw.", "crate folder 'oagw.' must be one folder name inside the module, such as 'oagw-gw'"),
        (".git", "crate folder '.git' must be one folder name inside the module, such as 'oagw-gw'"),
        ("a/b", "crate folder 'a/b' must be one folder name inside the module, such as 'oagw-gw'"),
        ("", "crate folder '' must be one folder name inside the module, such as 'oagw-gw'"),
        (None, "crate folder None must be one folder name inside the module, such as 'oagw-gw'"),
        (42, "crate folder 42 must be one folder name inside the module, such as 'oagw-gw'"),
        ("docs", "crate folder 'docs' is where the module keeps something else; name the crate's own folder"),
        ("target", "crate folder 'target' is where the module keeps something else; name the crate's own folder"),
        ("plugins", "crate folder 'plugins' is where the module keeps something else; name the crate's own folder"),
    ],
)
def test_crate_dir_error(folder, message):
    assert naming.crate_dir_error(folder) == message


PREFIX_FORM = "must be 2 to 10 upper-case letters or digits, starting with a letter (for example OAGW or CREDSTORE)"


@pytest.mark.parametrize(
    ("prefix", "message"),
    [
        ("OAGW", ""),
        (None, f"ID prefix '' {PREFIX_FORM}"),  # not text: reported as no prefix, never a traceback
        (42, f"ID prefix '' {PREFIX_FORM}"),
        ("oagw", f"ID prefix 'oagw' {PREFIX_FORM}"),
        ("TASK", "ID prefix 'TASK' is an ID keyword and would read as one; choose another, such as TASKX"),
    ],
)
def test_id_prefix_error_messages(prefix, message):
    assert naming.id_prefix_error(prefix) == message


@pytest.mark.parametrize(
    ("check", "answer", "message"),
    [
        (
            naming.description_error,
            "Stores keys for REQ-CRED-1",
            "description may not name an ID (REQ-CRED-1): the new module would fail its own check; use words",
        ),
        (
            naming.description_error,
            "Like SCEN-X-01 and REQ-7",
            "description may not name an ID (SCEN-X-01): the new module would fail its own check; use words",
        ),
        (
            naming.owner_error,
            "@team of TASK-OAGW-02",
            "owner may not name an ID (TASK-OAGW-02): the new module would fail its own check; use words",
        ),
        (naming.owner_error, "@platform-team (REQ team)", ""),
    ],
)
def test_an_answer_naming_an_id_is_refused_with_the_id(check, answer, message):
    assert check(answer) == message
