"""Behaviour the mutation run found untested (tools/mutation.py): the design's phase heading proposals with and
without a prefix, a rule page's default format and ending, and a module crate in the template's folder beside an
SDK crate in a folder of its own."""

from __future__ import annotations

from pathlib import Path

import pytest
from adoption_trees import write
from small_modules import check_docs
from test_adoption_inference_units import infer

from modforge.checker.rules import catalogue

PHASES = "# Oagw: Intent Design\n\n## Implementation Phases\n\n"
FORM = "is not in the design's phase heading form: write"


@pytest.mark.parametrize(
    ("answers", "first", "second"),
    [
        (None, "`### Core (PHASE-<P>-1)`", "`### Later (PHASE-<P>-3)`"),
        ("id_prefix: OAGW\n", "`### Core (PHASE-OAGW-1)`", "`### Later (PHASE-OAGW-3)`"),
    ],
    ids=["no-prefix-placeholder", "prefix-keeps-each-number"],
)
def test_an_older_phase_heading_is_given_its_own_number(tmp_path: Path, answers, first, second) -> None:
    # Phase 3 keeps its number though 2 is free: the proposal renumbers the heading's own phase.
    design = PHASES + "### Phase 1: Core\n\n- x\n\n### Phase 3: Later\n\n- y\n"
    assert check_docs(tmp_path, {"INTENT_DESIGN.md": design}, "MF8", answers=answers) == [
        ("MF802", "INTENT_DESIGN.md", 5, 1, f"Phase 1 {FORM} {first}"),
        ("MF802", "INTENT_DESIGN.md", 9, 1, f"Phase 3 {FORM} {second}"),
    ]


def test_a_phase_title_keeps_its_own_letters(tmp_path: Path) -> None:
    design = PHASES + "### PHASE-OAGW-2 - XML Limits\n\n- x\n"
    assert check_docs(tmp_path, {"INTENT_DESIGN.md": design}, "MF802", answers="id_prefix: OAGW\n") == [
        ("MF802", "INTENT_DESIGN.md", 5, 5, f"PHASE-OAGW-2 {FORM} `### XML Limits (PHASE-OAGW-2)`"),
    ]


def test_a_rule_page_is_text_by_default_and_ends_with_one_newline() -> None:
    page = catalogue.page("MF101")
    assert page == catalogue.page("MF101", "text")
    assert page.startswith("MF101 id-padding (")
    assert page.endswith("`SCEN-OAGW-01`.\n")


def test_an_sdk_in_a_folder_of_its_own_is_recorded_beside_a_module_crate_in_the_template_s(tmp_path: Path) -> None:
    code = {
        "Cargo.toml": "[workspace]\nmembers = ['vault', 'core-sdk']\n",
        "vault/Cargo.toml": '[package]\nname = "vault"\n',
        "vault/src/module.rs": '#[modkit::module(name = "vault")]\npub struct Vault;\n',
        "core-sdk/Cargo.toml": '[package]\nname = "core-sdk"\n',
        "core-sdk/src/lib.rs": "pub trait VaultClientV1 {}\n",
    }
    result = infer(write(tmp_path / "modules" / "vault", code), id_prefix="VLT")
    assert result.crate_folders == [("sdk_dir", "core-sdk", "vault-sdk")]
    assert "crate_dir" not in result.answers
    assert result.answers["sdk_dir"] == "core-sdk"


def test_a_subtask_after_a_nested_item_is_still_checked(tmp_path: Path) -> None:
    # Items nested under an item are free; the numbering goes on after them.
    tasks = (
        "# Oagw: Tasks\n\n## PHASE-OAGW-1: Core\n\n### TASK-OAGW-01: Domain\n"
        "- [ ] 1.1 Entities (SCEN-OAGW-01)\n  - [ ] a nested step\n- [ ] 1.3 Service (SCEN-OAGW-01)\n"
    )
    assert check_docs(tmp_path, {"TASKS.md": tasks}, "MF503", answers="id_prefix: OAGW\n") == [
        (
            "MF503",
            "TASKS.md",
            8,
            1,
            "subtask 1.3 of TASK-OAGW-01 is out of sequence (expected 1.2): number its subtasks 1.1, 1.2, ... in order",
        )
    ]
