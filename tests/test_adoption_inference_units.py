"""What adoption infers from a hand-made module's documents and code, in-process on small module trees.

Each case writes a few files (a design, TASKS.md, Cargo.toml and sources) under `modules/<name>/` and checks
every answer `modforge adopt` would record, where each came from (the summary prints it), the notes it prints
and the crate folders it records. The renderer reads this checkout's copier.yml, as adoption reads the
template's; no copier run.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from adoption_trees import RENDERER, write
from conftest import REPO_ROOT

from modforge.errors import ModforgeError
from modforge.lifecycle.adoption import crates, inference
from modforge.lifecycle.migration import ModuleTree, parse_document
from modforge.spec import layout

DEFAULT = "the template's default"
NO_IDS = "no IDs found; using prefix {} (choose one with --id-prefix)"
NO_DESCRIPTION = "no one-line description found in the design's overview; pass --data description=..."
UNTITLED = "some phases have no title in the documents; name them with --data phase_titles=[...]"
SET_ANSWERS = " (set answers with --data KEY=VALUE)"


def infer(root: Path, id_prefix=None, data=None, hints=None) -> inference.Inferred:
    tree = ModuleTree(root, REPO_ROOT)
    docs = {name: tree.document(name) for name in layout.PIPELINE_DOCS if tree.exists(tree.doc_path(name))}
    return inference.infer(root, docs, tree, id_prefix, data or {}, RENDERER, hints)


def refusal(root: Path, **options) -> str:
    with pytest.raises(ModforgeError) as raised:
        infer(root, **options)
    return str(raised.value)


LEDGER_DESIGN = """# Ledger: Intent Design

## Context
Payments arrive from three providers.

## Overview
<!-- one paragraph: what the module does -->
The ledger module records every payment. It keeps
the history.

## Module Category
This module is a
gateway in front of the provider workers.

## Implementation Phases

### Phase 1: Intake
Accept payments.

### Phase 2
Report on them.
"""
LEDGER_TASKS = """# Ledger: Tasks

## Phase 1: Other Title

### 1. Intake
- [ ] 1.1 Accept a payment

## Phase 2: Payouts

### 2. Payouts
- [ ] 2.1 Pay out

## Phase 3

### 3. Reports
- [ ] 3.1 Daily report
"""


def test_answers_from_the_documents_first_titles_first(tmp_path) -> None:
    """The design's overview gives the description, its category section the category; the phases are the
    highest number any document heads, each titled by the first document that titles it (design first)."""
    root = write(
        tmp_path / "modules" / "ledger",
        {"docs/INTENT_DESIGN.md": LEDGER_DESIGN, "docs/TASKS.md": LEDGER_TASKS},
    )
    result = infer(root)
    assert result.answers == {
        "kind": "module",
        "module_name": "ledger",
        "id_prefix": "LEDGER",
        "description": "The ledger module records every payment",
        "category": "gateway",
        "rest_api": True,
        "persistence": False,
        "gts": False,
        "phases": 3,
        "phase_titles": ["Intake", "Payouts", "Hardening and Scale"],
        "owner": "@ledger-owners",
    }
    assert result.sources == {
        "module_name": "the folder name",
        "id_prefix": "the module name, free beside its siblings",
        "description": "the design's overview",
        "category": "the design's category section",
        "phases": "the phase headings",
        "phase_titles": "the phase headings",
        "kind": DEFAULT,
        "rest_api": DEFAULT,
        "persistence": DEFAULT,
        "gts": DEFAULT,
        "owner": DEFAULT,
    }
    assert result.notes == [NO_IDS.format("LEDGER"), UNTITLED]
    assert result.crate_folders == []


VAULT_CODE = {
    "Cargo.toml": "[workspace]\nmembers = ['vault-gw', 'core-sdk']\n",
    "vault-gw/Cargo.toml": '[package]\nname = "vault-gw"\n',
    "vault-gw/src/module.rs": '#[modkit::module(name = "vault")]\npub struct Vault;\n',
    "vault-gw/src/api/rest/routes.rs": "pub fn routes() {}\n",
    "vault-gw/src/infra/storage/repo.rs": "use sea_orm::DatabaseConnection;\n",
    "core-sdk/Cargo.toml": '[package]\nname = "core-sdk"\n',
    "core-sdk/src/lib.rs": "pub trait VaultPluginClientV1 {}\n",
}
VAULT_REQUIREMENTS = "# Vault: Requirements\n\n### REQ-VLT-1: Seal\n\nSealed.\n\n### REQ-VLT-2: Unseal\n\nUnsealed.\n"


def test_answers_from_the_code_and_the_crate_folders_recorded(tmp_path) -> None:
    root = write(tmp_path / "modules" / "vault", {"docs/INTENT_REQUIREMENTS.md": VAULT_REQUIREMENTS, **VAULT_CODE})
    result = infer(root)
    assert result.answers == {
        "kind": "module",
        "module_name": "vault",
        "id_prefix": "VLT",
        "description": "Vault module",
        "category": "gateway",
        "rest_api": True,
        "persistence": True,
        "gts": False,
        "phases": 1,
        "phase_titles": ["Core Functionality"],
        "owner": "@vault-owners",
        "crate_dir": "vault-gw",
        "sdk_dir": "core-sdk",
    }
    assert result.sources == {
        "module_name": "the folder name",
        "id_prefix": "the IDs the documents define",
        "rest_api": "the code: a REST API in vault-gw/src/api/rest/",
        "persistence": "the code: a storage layer in vault-gw/src/infra/storage/",
        "gts": "the code: no GTS types of its own (at most a gateway's plugin spec)",
        "category": "the code: the plugin contract `VaultPluginClientV1` it defines in core-sdk/src/lib.rs",
        "crate_dir": "the module crate's folder",
        "sdk_dir": "the SDK crate's folder",
        "phases": "no phase headings (one phase)",
        "phase_titles": DEFAULT,
        "kind": DEFAULT,
        "description": DEFAULT,
        "owner": DEFAULT,
    }
    assert result.notes == [NO_DESCRIPTION]
    assert result.crate_folders == [("crate_dir", "vault-gw", "vault"), ("sdk_dir", "core-sdk", "vault-sdk")]


def test_data_and_id_prefix_come_before_documents_code_and_hints(tmp_path) -> None:
    """--data and --id-prefix win over what the documents and the code say, and a hint comes last; each
    --data value is cast to its question's type, and a key no question asks is no answer."""
    root = write(
        tmp_path / "modules" / "vault",
        {"docs/INTENT_DESIGN.md": LEDGER_DESIGN, "docs/INTENT_REQUIREMENTS.md": VAULT_REQUIREMENTS, **VAULT_CODE},
    )
    data = {
        "description": "Keeps secrets sealed",
        "category": "generic",
        "persistence": "false",
        "phases": "2",
        "crate_dir": "vault-gw",
        "sdk_dir": "vault-sdk",
        "colour": "blue",
    }
    hints = {"description": ("A hint", "the hint's source"), "owner": ("@vault-team", "the hint's source")}
    result = infer(root, id_prefix="VLT", data=data, hints=hints)
    assert result.answers == {
        "kind": "module",
        "module_name": "vault",
        "id_prefix": "VLT",
        "description": "Keeps secrets sealed",
        "category": "generic",
        "rest_api": True,
        "persistence": False,
        "gts": False,
        "phases": 2,
        "phase_titles": ["Intake", "Extended Capabilities"],
        "owner": "@vault-team",
        "crate_dir": "vault-gw",
        "sdk_dir": "vault-sdk",
    }
    assert result.sources == {
        "description": "--data",
        "category": "--data",
        "persistence": "--data",
        "phases": "--data",
        "crate_dir": "--data",
        "sdk_dir": "--data",
        "colour": "--data",
        "module_name": "the folder name",
        "id_prefix": "--id-prefix",
        "rest_api": "the code: a REST API in vault-gw/src/api/rest/",
        "gts": "the code: no GTS types of its own (at most a gateway's plugin spec)",
        "owner": "the hint's source",
        "phase_titles": "the phase headings",
        "kind": DEFAULT,
    }
    assert result.notes == [UNTITLED]
    assert result.crate_folders == [("crate_dir", "vault-gw", "vault")], "the SDK is where the template puts it"


def test_a_crate_folder_from_data_that_differs_is_recorded_beside_the_code_s(tmp_path) -> None:
    root = write(tmp_path / "modules" / "vault", {"docs/INTENT_REQUIREMENTS.md": VAULT_REQUIREMENTS, **VAULT_CODE})
    result = infer(root, data={"crate_dir": "vault-core"})
    assert result.crate_folders == [("crate_dir", "vault-core", "vault"), ("sdk_dir", "core-sdk", "vault-sdk")]
    assert (result.answers["crate_dir"], result.sources["crate_dir"]) == ("vault-core", "--data")


def test_crates_in_the_template_s_folders_record_nothing(tmp_path) -> None:
    """The module crate named as the module wins over another crate; crates where the template puts them are
    no answers."""
    root = write(
        tmp_path / "modules" / "keys" / "plugins" / "vault",
        {
            "vault/Cargo.toml": '[package]\nname = "vault"\n',
            "vault/src/lib.rs": "pub fn serve() { register_scoped(); }\n",
            "tools/Cargo.toml": '[package]\nname = "tools"\n',
            "tools/src/main.rs": "fn main() {}\n",
            "vault-sdk/Cargo.toml": '[package]\nname = "vault-sdk"\n',
            "vault-sdk/src/lib.rs": "pub struct Secret;\n",
        },
    )
    result = infer(root, id_prefix="VLT", hints={})
    assert result.crate_folders == []
    assert result.notes == [NO_DESCRIPTION]
    assert (result.answers["category"], result.sources["category"]) == (
        "worker",
        "the code: a scoped client registered in vault/src/lib.rs (register_scoped) and no REST API",
    )
    assert "crate_dir" not in result.answers
    assert "sdk_dir" not in result.answers


def test_a_crate_folder_the_template_cannot_follow_is_noted_not_recorded(tmp_path) -> None:
    root = write(
        tmp_path / "modules" / "vault",
        {
            "crates/vault-gw/Cargo.toml": '[package]\nname = "vault-gw"\n',
            "crates/vault-gw/src/lib.rs": "pub fn serve() {}\n",
            "crates/vault-sdk/Cargo.toml": '[package]\nname = "vault-sdk"\n',
            "crates/vault-sdk/src/lib.rs": "pub struct Secret;\n",
        },
    )
    result = infer(root, id_prefix="VLT")
    assert result.crate_folders == []
    assert result.notes == [
        "the module crate is in crates/vault-gw/, which the template cannot follow (one folder inside the module): "
        "updates may add vault/ beside it",
        "the SDK crate is in crates/vault-sdk/, which the template cannot follow (one folder inside the module): "
        "updates may add vault-sdk/ beside it",
        NO_DESCRIPTION,
    ]
    assert not {"crate_dir", "sdk_dir"} & set(result.answers)


AMBIGUOUS_CRATES = {
    "alpha/Cargo.toml": '[package]\nname = "alpha"\n',
    "alpha/src/lib.rs": "pub fn a() {}\n",
    "beta/Cargo.toml": '[package]\nname = "beta"\n',
    "beta/src/lib.rs": "pub fn b() {}\n",
    "vault-sdk/Cargo.toml": '[package]\nname = "vault-sdk"\n',
    "vault-sdk/src/lib.rs": "pub struct Secret;\n",
    "plugins/mail/Cargo.toml": '[package]\nname = "mail"\n',
    "plugins/mail/src/lib.rs": "pub fn send() {}\n",
}


def test_two_crates_neither_the_module_s_are_named_in_a_note(tmp_path) -> None:
    root = write(tmp_path / "modules" / "vault", AMBIGUOUS_CRATES)
    result = infer(root, id_prefix="VLT")
    assert result.notes == [
        "could not tell which of alpha/, beta/ is the module crate; name it with --data crate_dir=FOLDER",
        NO_DESCRIPTION,
    ]
    assert result.crate_folders == []
    named = infer(root, id_prefix="VLT", data={"crate_dir": "alpha"})
    assert named.notes == [NO_DESCRIPTION], "--data crate_dir answers the question the note asks"
    assert named.crate_folders == [("crate_dir", "alpha", "vault")]


def test_no_note_when_every_crate_is_a_plugin_or_the_sdk(tmp_path) -> None:
    crates = {k: v for k, v in AMBIGUOUS_CRATES.items() if not k.startswith(("alpha", "beta"))}
    root = write(tmp_path / "modules" / "vault", crates)
    assert infer(root, id_prefix="VLT").notes == [NO_DESCRIPTION]


VAULT_SDK_OWN = {"vault-sdk/Cargo.toml": '[package]\nname = "vault-sdk"\n', "vault-sdk/src/lib.rs": "pub struct S;\n"}
MODULE_CRATE_NOTE = (
    "the module crate is in {}, which the template cannot follow (one folder inside the module): updates may add "
    "vault/ beside it"
)


@pytest.mark.parametrize(
    ("files", "answers", "questions_left_out", "folders", "found", "notes"),
    [
        (
            VAULT_CODE,
            {},
            (),
            [("crate_dir", "vault-gw", "vault"), ("sdk_dir", "core-sdk", "vault-sdk")],
            [("crate_dir", "vault-gw", "the module crate's folder"), ("sdk_dir", "core-sdk", "the SDK crate's folder")],
            [],
        ),
        # an answer already given (--data) is recorded when it differs, and the code then decides the SDK's
        (
            VAULT_CODE,
            {"crate_dir": "vault-core"},
            (),
            [("crate_dir", "vault-core", "vault"), ("sdk_dir", "core-sdk", "vault-sdk")],
            [("sdk_dir", "core-sdk", "the SDK crate's folder")],
            [],
        ),
        (VAULT_CODE, {"crate_dir": "vault", "sdk_dir": "vault-sdk"}, (), [], [], []),
        # a template without the crate_dir question cannot follow the module crate
        (
            VAULT_CODE,
            {},
            ("crate_dir",),
            [("sdk_dir", "core-sdk", "vault-sdk")],
            [("sdk_dir", "core-sdk", "the SDK crate's folder")],
            [MODULE_CRATE_NOTE.format("vault-gw/")],
        ),
        (
            {"crates/vault-gw/Cargo.toml": "[package]\n", "crates/vault-gw/src/lib.rs": "pub fn f() {}\n"},
            {},
            (),
            [],
            [],
            [MODULE_CRATE_NOTE.format("crates/vault-gw/")],
        ),
        (
            AMBIGUOUS_CRATES,
            {},
            (),
            [],
            [],
            ["could not tell which of alpha/, beta/ is the module crate; name it with --data crate_dir=FOLDER"],
        ),
        (AMBIGUOUS_CRATES, {"crate_dir": "alpha"}, (), [("crate_dir", "alpha", "vault")], [], []),
        ({k: v for k, v in AMBIGUOUS_CRATES.items() if k.startswith(("plugins", "vault-sdk"))}, {}, (), [], [], []),
        (
            {"vault/Cargo.toml": "[package]\n", "vault/src/lib.rs": "pub fn f() {}\n", **VAULT_SDK_OWN},
            {},
            (),
            [],
            [],
            [],
        ),
    ],
)
def test_crate_folders_recorded_and_noted(tmp_path, files, answers, questions_left_out, folders, found, notes):
    root = write(tmp_path / "modules" / "vault", files)
    questions = {k: v for k, v in RENDERER.questions.items() if k not in questions_left_out}
    calls: list[tuple[str, str, str]] = []
    written: list[str] = []
    code = crates.read_layout(root, "vault")
    recorded = inference._crate_folders(code, answers, "vault", lambda *call: calls.append(call), written, questions)
    assert (recorded, calls, written) == (folders, found, notes)


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        # definitions decide, however many references name another prefix
        ({"INTENT_REQUIREMENTS.md": "# R\n\n### REQ-PAY-1: A\n\nSee REQ-OAGW-1, REQ-OAGW-2 and REQ-OAGW-3.\n"}, "PAY"),
        # the most definitions win; a tie goes to the first defined
        ({"INTENT_REQUIREMENTS.md": "# R\n\n### REQ-AB-1: A\n\n### REQ-CD-1: C\n\n### REQ-CD-2: D\n"}, "CD"),
        ({"INTENT_REQUIREMENTS.md": "# R\n\n### REQ-AB-1: A\n\n### REQ-CD-1: C\n"}, "AB"),
        # no definition: the prefix most references carry, never a global requirement's (REQ-10)
        ({"TASKS.md": "# T\n\n- [ ] 1.1 REQ-PAY-1, REQ-PAY-2 and REQ-OAGW-1, REQ-10, REQ-11, REQ-12\n"}, "PAY"),
        ({"TASKS.md": "# T\n\n- [ ] 1.1 only REQ-10 and REQ-11\n"}, None),
        ({}, None),
    ],
)
def test_the_prefix_the_documents_define(tmp_path, texts, expected) -> None:
    docs = {name: parse_document(tmp_path / name, name, text) for name, text in texts.items()}
    assert inference.defined_prefix(docs) == expected


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (["The ledger records payments. It keeps history."], "The ledger records payments"),
        (["The ledger records", "every payment."], "The ledger records every payment"),
        (["", "", "Records payments."], "Records payments"),
        (["First paragraph", "", "Second paragraph."], "First paragraph"),
        (["Version 1.2 of the API is served. Later more."], "Version 1.2 of the API is served"),
        (["Speaks to service X."], "Speaks to service X"),
        (["<!-- what it does -->", "Records payments."], "Records payments"),
        (["# Overview", "Records payments."], "Records payments"),
        (["- a bullet", "Records payments."], "Records payments"),
        (["  - an indented bullet", "Records payments."], "Records payments"),
        (["* a bullet", "Records payments."], "Records payments"),
        (["| a | table |", "Records payments."], "Records payments"),
        (["> a quote", "Records payments."], "Records payments"),
        (["```", "Records payments."], "Records payments"),
        (['Says "hello" to callers.'], None),  # a double quote would break Cargo.toml
        (["Implements REQ-PAY-1."], None),  # an ID in the description would be a dangling reference
        ([], None),
        (["", "- only a list"], None),
    ],
)
def test_first_sentence(lines, expected) -> None:
    assert inference.first_sentence(lines) == expected


DESIGNS = [
    # (design text, description, category)
    ("# D\n\n## Overview\nKeeps keys.\n\n## Module Category\nWorker.\n", "Keeps keys", "worker"),
    ("# D\n\n## overview and goals\nKeeps keys.\n\n## module category\ngeneric\n", "Keeps keys", "generic"),
    # only a level-2 heading is a section; a category word outside its section says nothing
    ("# D\n\n### Overview\nKeeps keys.\n\n## Scope\nA gateway.\n\n### Module Category\nworker\n", None, None),
    # the first category word of the section wins, on any line of it
    ("# D\n\n## Module Category\nNot a\nworker: a gateway\n", None, "worker"),
    ("# D\n\n## Module Category\nUndecided.\n", None, None),
]


@pytest.mark.parametrize(("text", "description", "category"), DESIGNS)
def test_description_and_category_from_the_design(tmp_path, text, description, category) -> None:
    doc = parse_document(tmp_path / layout.INTENT_DESIGN, layout.INTENT_DESIGN, text)
    assert inference._description(doc, text) == description
    assert inference._design_category(doc, text) == category


def test_without_a_design_neither_description_nor_category() -> None:
    assert inference._description(None, None) is None
    assert inference._design_category(None, None) is None


PHASED_SCENARIOS = "# S\n\n## Phase 1\n\n### 1. First\n\n## Phase 2: Beta\n\n### 2. Second\n"


def test_an_untitled_first_phase_takes_the_default_title_and_is_noted(tmp_path) -> None:
    root = write(tmp_path / "modules" / "vault", {"docs/INTENT_SCENARIOS.md": PHASED_SCENARIOS})
    result = infer(root, id_prefix="VLT")
    assert (result.answers["phases"], result.answers["phase_titles"]) == (2, ["Core Functionality", "Beta"])
    assert result.notes == [NO_DESCRIPTION, UNTITLED]


def test_every_phase_titled_makes_no_note(tmp_path) -> None:
    text = PHASED_SCENARIOS.replace("## Phase 1\n", "## Phase 1: Alpha\n")
    root = write(
        tmp_path / "modules" / "vault",
        {"docs/ACTUAL_SCENARIOS.md": text, "docs/INTENT_REQUIREMENTS.md": VAULT_REQUIREMENTS},
    )
    result = infer(root, hints={"description": ("Keeps keys", "a hint")})
    assert (result.answers["phases"], result.answers["phase_titles"]) == (2, ["Alpha", "Beta"])
    assert (result.answers["id_prefix"], result.sources["id_prefix"]) == ("VLT", "the IDs the documents define")
    assert (result.answers["description"], result.sources["description"]) == ("Keeps keys", "a hint")
    assert result.notes == []


def test_phases_from_data_without_headings_take_the_default_titles(tmp_path) -> None:
    root = write(tmp_path / "modules" / "vault", {"Cargo.toml": "[workspace]\n"})
    result = infer(root, data={"phases": "3", "description": "Keeps keys"})
    assert result.answers["phase_titles"] == ["Core Functionality", "Extended Capabilities", "Hardening and Scale"]
    assert (result.sources["phases"], result.sources["phase_titles"]) == ("--data", DEFAULT)
    assert result.notes == [NO_IDS.format("VAULT")]


def test_the_default_prefix_is_free_beside_the_siblings(tmp_path) -> None:
    write(tmp_path / "modules" / "vault-old", {".copier-answers.yml": "id_prefix: VAULT\n"})
    root = write(tmp_path / "modules" / "vault", {"Cargo.toml": "[workspace]\n"})
    result = infer(root, data={"description": "Keeps keys"})
    assert (result.answers["id_prefix"], result.notes) == ("VAULT2", [NO_IDS.format("VAULT2")])


def test_a_worker_in_its_gateway_s_plugins_folder(tmp_path) -> None:
    root = write(tmp_path / "modules" / "audit" / "plugins" / "sink", {"docs/INTENT_DESIGN.md": DESIGNS[0][0]})
    result = infer(root, id_prefix="SINK")
    assert {k: result.answers[k] for k in ("category", "gateway", "description")} == {
        "category": "worker",
        "gateway": "audit",
        "description": "Keeps keys",
    }
    assert not {"rest_api", "gts"} & set(result.answers), "a worker is asked neither"


# --- refusals: one message saying what to pass ------------------------------------------------------------
def test_a_folder_name_that_is_no_module_name_asks_for_one(tmp_path) -> None:
    root = write(tmp_path / "modules" / "user_settings", {"Cargo.toml": "[workspace]\n"})
    assert refusal(root) == (
        "the folder name 'user_settings' is not a module name (kebab-case); the folder stays as it is, so "
        "pass the module's name: --data module_name=user-settings"
    )
    unnamed = write(tmp_path / "modules" / "123", {"Cargo.toml": "[workspace]\n"})
    assert refusal(unnamed).endswith("--data module_name=NAME")
    result = infer(root, id_prefix="US", data={"module_name": "user-settings", "description": "Settings"})
    assert (result.answers["module_name"], result.sources["module_name"]) == ("user-settings", "--data")


def test_an_id_prefix_that_contradicts_the_documents_is_refused(tmp_path) -> None:
    root = write(tmp_path / "modules" / "vault", {"docs/INTENT_REQUIREMENTS.md": VAULT_REQUIREMENTS})
    assert refusal(root, id_prefix="VAULT") == (
        "the documents define IDs with prefix VLT, so --id-prefix VAULT would mix two prefixes; "
        "omit --id-prefix (or pass VLT)"
    )


@pytest.mark.parametrize(
    ("place", "data", "message"),
    [
        (
            "modules/vault",
            {"description": 'Says "hi"', "owner": " "},
            "description may not contain double quotes or backslashes (it goes into Cargo.toml); rephrase it; "
            "owner must be one line naming the team or person who approves each step, such as '@platform-team'",
        ),
        ("modules/vault", {"phases": "12"}, "phases must be a whole number from 1 to 9"),
        (
            "modules/vault",
            {"phase_titles": '["A", "B"]'},
            "phase_titles has 2 titles but phases is 1; give exactly one title per phase",
        ),
        (
            "modules/vault",
            {"crate_dir": "a/b"},
            "crate folder 'a/b' must be one folder name inside the module, such as 'oagw-gw'",
        ),
        (
            "modules/vault",
            {"sdk_dir": "a/b"},
            "crate folder 'a/b' must be one folder name inside the module, such as 'oagw-gw'",
        ),
        ("modules/vault", {"category": "hub"}, "category must be one of generic, gateway, worker"),
        (
            "modules/vault",
            {"category": "worker"},
            "gateway must name the gateway module this worker plugs into (its module name, such as oagw); "
            "a worker implements that gateway's plugin trait and lives in modules/<gateway>/plugins/<name>, "
            "whose folder names it",
        ),
        (
            "modules/vault/plugins/vault",
            {"category": "worker"},
            "gateway 'vault' is the worker itself; name the gateway module it plugs into",
        ),
        (
            "modules/vault",
            {"category": "worker", "gateway": "oagw"},
            "a worker of oagw lives in modules/oagw/plugins/vault, beside the gateway's SDK its Cargo.toml names; "
            "put it there (`modforge new vault --data category=worker --data gateway=oagw` does; `git mv` moves "
            "an existing one)",
        ),
    ],
)
def test_answers_the_template_would_refuse_are_refused_together(tmp_path, place, data, message) -> None:
    root = write(tmp_path / place, {"docs/INTENT_REQUIREMENTS.md": VAULT_REQUIREMENTS})
    assert refusal(root, data={"description": "Keeps keys", **data}) == message + SET_ANSWERS


def test_an_id_prefix_a_sibling_owns_is_refused(tmp_path) -> None:
    write(tmp_path / "modules" / "keys", {".copier-answers.yml": "id_prefix: VLT\n"})
    root = write(tmp_path / "modules" / "vault", {"docs/INTENT_REQUIREMENTS.md": VAULT_REQUIREMENTS})
    assert refusal(root, data={"description": "Keeps keys"}) == (
        "ID prefix 'VLT' is already used by the module in keys/; IDs must be unique across the monorepo, so "
        "choose another (for example --data id_prefix=VLT2)" + SET_ANSWERS
    )
