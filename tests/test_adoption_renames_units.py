"""Adoption's renames (modforge.lifecycle.adoption.renames) on small module trees: which slot-named documents get
the spec's names, which references are rewritten where, what is refused, and which hand-made documents keep the
template from adding a skeleton beside them.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from adoption_trees import write

from modforge.errors import ModforgeError
from modforge.lifecycle.adoption import renames
from modforge.lifecycle.adoption.renames import Renames, claimed, rename_documents, rewrite_references, text_files
from modforge.lifecycle.migration import ModuleTree


def tree_of(root: Path, files: dict[str, str]) -> ModuleTree:
    return ModuleTree(write(root, files), root)  # the template is only read for skeletons, which renames never render


def changed(tree: ModuleTree) -> dict[str, tuple[str | None, str]]:
    """{path after: (path before, text after)} of every change in the tree."""
    return {c.path: (c.old_path, c.after) for c in tree.changes()}


# --- Renames: a reference to an old name, and only that, gets the new name ---------------------------------

PAIRS = [
    ("docs/1_INTENT_DESIGN.md", "docs/INTENT_DESIGN.md"),
    ("docs/2_INTENT_FACTS.md", "docs/INTENT_REQUIREMENTS.md"),
]


@pytest.mark.parametrize(
    ("text", "expected", "count"),
    [
        ("See 1_INTENT_DESIGN.md.", "See INTENT_DESIGN.md.", 1),
        (
            "[d](docs/1_INTENT_DESIGN.md) and (2_INTENT_FACTS.md)",
            "[d](docs/INTENT_DESIGN.md) and (INTENT_REQUIREMENTS.md)",
            2,
        ),
        ("`2_INTENT_FACTS.md`, 2_INTENT_FACTS.md-old", "`INTENT_REQUIREMENTS.md`, INTENT_REQUIREMENTS.md-old", 2),
        # Part of a longer name: no reference.
        ("X1_INTENT_DESIGN.md 11_INTENT_DESIGN.md _1_INTENT_DESIGN.md", None, 0),
        ("1_INTENT_DESIGN.mdx 1_INTENT_DESIGN.md_v2 1_INTENT_DESIGNxmd", None, 0),
        ("3_INTENT_SCENARIOS.md is not renamed", None, 0),
    ],
)
def test_a_reference_is_the_old_name_standing_alone(text, expected, count):
    assert Renames(PAIRS).rewrite(text) == (expected if expected is not None else text, count)


def test_nothing_renamed_rewrites_nothing():
    moved = Renames([])
    assert moved.pairs == []
    assert moved.rewrite("1_INTENT_DESIGN.md") == ("1_INTENT_DESIGN.md", 0)


# --- rename_documents ----------------------------------------------------------------------------------------


def test_slot_named_documents_get_the_specs_names_in_slot_order(tmp_path):
    tree = tree_of(
        tmp_path,
        {
            "docs/5_ACTUAL_FACTS.md": "# actual\n",
            "docs/1_INTENT_DESIGN.md": "# design\n",
            "docs/2_INTENT_FACTS.md": "# intent\n",
            "docs/INTENT_SCENARIOS.md": "# scenarios\n",
            "docs/DESIGN.md": "# mine\n",
            "1_INTENT_DESIGN.md": "# outside docs/\n",
        },
    )
    moved = rename_documents(tree)
    assert moved.pairs == [
        ("docs/1_INTENT_DESIGN.md", "docs/INTENT_DESIGN.md"),
        ("docs/2_INTENT_FACTS.md", "docs/INTENT_REQUIREMENTS.md"),
        ("docs/5_ACTUAL_FACTS.md", "docs/ACTUAL_REQUIREMENTS.md"),
    ]
    assert changed(tree) == {
        "docs/ACTUAL_REQUIREMENTS.md": ("docs/5_ACTUAL_FACTS.md", "# actual\n"),
        "docs/INTENT_DESIGN.md": ("docs/1_INTENT_DESIGN.md", "# design\n"),
        "docs/INTENT_REQUIREMENTS.md": ("docs/2_INTENT_FACTS.md", "# intent\n"),
    }
    assert moved.rewrite("5_ACTUAL_FACTS.md") == ("ACTUAL_REQUIREMENTS.md", 1)


def test_a_module_without_slot_names_renames_nothing(tmp_path):
    tree = tree_of(tmp_path, {"docs/INTENT_DESIGN.md": "# d\n", "docs/notes.md": "1_INTENT_DESIGN.md\n"})
    assert rename_documents(tree).pairs == []
    assert changed(tree) == {}


@pytest.mark.parametrize(
    ("files", "error"),
    [
        (
            ["5_ACTUAL_FACTS.md", "5_ACTUAL_REQUIREMENTS.md"],
            "docs/5_ACTUAL_FACTS.md and docs/5_ACTUAL_REQUIREMENTS.md are both slot 5 (ACTUAL_REQUIREMENTS.md); "
            "merge them into one, commit, then adopt again",
        ),
        (
            ["7_GAPS.md", "7_INTENT_VS_ACTUAL.md", "7_REVIEW.md"],
            "docs/7_GAPS.md and docs/7_INTENT_VS_ACTUAL.md and docs/7_REVIEW.md are both slot 7 (INTENT_VS_ACTUAL.md); "
            "merge them into one, commit, then adopt again",
        ),
        (
            ["3_INTENT_SCENARIOS.md", "INTENT_SCENARIOS.md"],
            "both docs/3_INTENT_SCENARIOS.md and docs/INTENT_SCENARIOS.md exist; merge them into "
            "docs/INTENT_SCENARIOS.md by hand, commit, then adopt again",
        ),
    ],
)
def test_two_documents_for_one_slot_are_refused(tmp_path, files, error):
    tree = tree_of(tmp_path, {f"docs/{name}": f"# {name}\n" for name in files})
    with pytest.raises(ModforgeError) as refused:
        rename_documents(tree)
    assert str(refused.value) == error
    assert changed(tree) == {}


# --- rewrite_references ---------------------------------------------------------------------------------------


def test_references_are_rewritten_in_every_text_file_and_the_renamed_document_itself(tmp_path):
    tree = tree_of(
        tmp_path,
        {
            "docs/1_INTENT_DESIGN.md": "# Design\n\nRequirements: 2_INTENT_FACTS.md\n",
            "docs/2_INTENT_FACTS.md": "# Facts\n",
            "README.md": "Design: docs/1_INTENT_DESIGN.md, facts: docs/2_INTENT_FACTS.md\n",
            "hub/src/lib.rs": "// see 1_INTENT_DESIGN.md\n",
            "Makefile": "docs:\n\tcat docs/2_INTENT_FACTS.md\n",
            "notes.txt": "nothing to rename\n",
            "CHANGES.md": "",
            "diagram.svg": "<text>1_INTENT_DESIGN.md</text>\n",
        },
    )
    moved = rename_documents(tree)
    assert rewrite_references(tree, moved) == 5
    assert changed(tree) == {
        "docs/INTENT_DESIGN.md": ("docs/1_INTENT_DESIGN.md", "# Design\n\nRequirements: INTENT_REQUIREMENTS.md\n"),
        "docs/INTENT_REQUIREMENTS.md": ("docs/2_INTENT_FACTS.md", "# Facts\n"),
        "README.md": ("README.md", "Design: docs/INTENT_DESIGN.md, facts: docs/INTENT_REQUIREMENTS.md\n"),
        "hub/src/lib.rs": ("hub/src/lib.rs", "// see INTENT_DESIGN.md\n"),
        "Makefile": ("Makefile", "docs:\n\tcat docs/INTENT_REQUIREMENTS.md\n"),
    }


def test_a_file_that_is_not_utf8_keeps_its_bytes(tmp_path):
    tree = tree_of(tmp_path, {"docs/1_INTENT_DESIGN.md": "# d\n", "z.md": "1_INTENT_DESIGN.md\n"})
    (tmp_path / "a.md").write_bytes(b"caf\xe9 1_INTENT_DESIGN.md\n")
    assert rewrite_references(tree, rename_documents(tree)) == 1
    assert sorted(changed(tree)) == ["docs/INTENT_DESIGN.md", "z.md"]


def test_no_renames_rewrite_nothing(tmp_path):
    tree = tree_of(tmp_path, {"README.md": "1_INTENT_DESIGN.md\n"})
    assert rewrite_references(tree, Renames([])) == 0
    assert changed(tree) == {}


def test_text_files_are_the_modules_own_by_suffix_and_size(tmp_path):
    tree = tree_of(
        tmp_path,
        {
            "Makefile": "",
            "README.md": "",
            "config.yaml": "",
            "config.yml": "",
            "data.json": "",
            "hub/Cargo.toml": "",
            "hub/src/lib.rs": "",
            "notes.txt": "",
            "tool.py": "",
            "logo.png": "",
            "page.html": "",
            "README.MD": "",
            "hub/target/doc/1_INTENT_DESIGN.md": "",
            ".git/COMMIT_EDITMSG": "",
            "web/node_modules/x/README.md": "",
            ".venv/lib/x.py": "",
        },
    )
    (tmp_path / "big.md").write_bytes(b"x" * (renames.MAX_BYTES + 1))
    (tmp_path / "limit.md").write_bytes(b"x" * renames.MAX_BYTES)
    (tmp_path / "folder.md").mkdir()
    os.symlink(tmp_path / "README.md", tmp_path / "link.md")
    assert text_files(tree) == [
        "Makefile",
        "README.md",
        "config.yaml",
        "config.yml",
        "data.json",
        "hub/Cargo.toml",
        "hub/src/lib.rs",
        "limit.md",
        "notes.txt",
        "tool.py",
    ]


# --- claimed: documents adoption leaves alone, and the pipeline documents each may be -------------------------

DESIGNS = ("INTENT_DESIGN.md", "ACTUAL_DESIGN.md")


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        (["DESIGN.md"], dict.fromkeys(DESIGNS, "docs/DESIGN.md")),
        (["design-notes.md"], dict.fromkeys(DESIGNS, "docs/design-notes.md")),
        (["DESIGN.MD"], dict.fromkeys(DESIGNS, "docs/DESIGN.MD")),
        (["PRD.md"], {"INTENT_REQUIREMENTS.md": "docs/PRD.md"}),
        (["REQS.md"], {"INTENT_REQUIREMENTS.md": "docs/REQS.md", "ACTUAL_REQUIREMENTS.md": "docs/REQS.md"}),
        (["SCENARIOS.md"], {"INTENT_SCENARIOS.md": "docs/SCENARIOS.md", "ACTUAL_SCENARIOS.md": "docs/SCENARIOS.md"}),
        (["OLD_TASKS.md"], {"TASKS.md": "docs/OLD_TASKS.md"}),
        (["RELEASE_CHANGELOG.md"], {"CHANGELOG.md": "docs/RELEASE_CHANGELOG.md"}),
        # One side named, the other not: only that side's document.
        (["INTENT_NOTES_DESIGN.md"], {"INTENT_DESIGN.md": "docs/INTENT_NOTES_DESIGN.md"}),
        (["ACTUAL_ARCHITECTURE.md"], {"ACTUAL_DESIGN.md": "docs/ACTUAL_ARCHITECTURE.md"}),
        (["ACTUAL_FACTS_V2.md"], {"ACTUAL_REQUIREMENTS.md": "docs/ACTUAL_FACTS_V2.md"}),
        # Both sides named: both documents.
        (["INTENT_AND_ACTUAL_DESIGN.md"], dict.fromkeys(DESIGNS, "docs/INTENT_AND_ACTUAL_DESIGN.md")),
        # The gap analysis names both sides whichever its name carries.
        (["ACTUAL_GAPS.md"], {"INTENT_VS_ACTUAL.md": "docs/ACTUAL_GAPS.md"}),
        # The first document (by name) that may be it.
        (["DESIGN.md", "ARCHITECTURE.md"], dict.fromkeys(DESIGNS, "docs/ARCHITECTURE.md")),
        # Pipeline documents under today's or a slot name, other files, and words inside other words: none.
        (["ACTUAL_DESIGN.md", "DESIGN.md"], dict.fromkeys(DESIGNS, "docs/DESIGN.md")),
        (["1_OLD_DESIGN.md", "DESIGN.txt", "DESIGNER.md", "notes.md", "md"], {}),
        (["A_PRD.txt", "B_DESIGN.md"], dict.fromkeys(DESIGNS, "docs/B_DESIGN.md")),
    ],
)
def test_documents_left_alone_claim_the_pipeline_documents_they_may_be(tmp_path, names, expected):
    tree = tree_of(tmp_path, {f"docs/{name}": "# doc\n" for name in names})
    assert claimed(tree) == expected


@pytest.mark.parametrize("docs", [None, "file", "link"])
def test_no_docs_folder_claims_nothing(tmp_path, docs):
    module = tmp_path / "hub"
    tree_of(tmp_path / "elsewhere", {"docs/DESIGN.md": "# d\n"})
    module.mkdir()
    if docs == "file":
        (module / "docs").write_text("DESIGN.md\n")
    elif docs == "link":
        os.symlink(tmp_path / "elsewhere" / "docs", module / "docs")
    tree = ModuleTree(module, module)
    assert claimed(tree) == {}
    assert rename_documents(tree).pairs == []
