"""`modforge wire` on a module without an answers file: its persistence and REST API are read from its code.

A hand-made module (not made by the template, not adopted) has no answers to say whether it keeps data or serves
routes; wiring reads its module crate's code the way adoption does (modforge.lifecycle.adoption.crates).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from modforge.workspace import monorepo
from modforge.workspace.monorepo import Crate, Module


def write(root: Path, files: dict[str, str]) -> None:
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


@pytest.mark.parametrize(
    ("code", "persistence", "rest"),
    [
        ({"src/lib.rs": "pub fn run() {}\n"}, False, False),
        ({"src/lib.rs": "use sea_orm::EntityTrait;\n", "src/api/rest/routes.rs": "// routes\n"}, True, True),
        ({"src/infra/storage/repo.rs": "// repo\n", "src/lib.rs": "OperationBuilder::get()\n"}, True, True),
    ],
)
def test_a_module_without_answers_is_read_from_its_module_crate(tmp_path, code, persistence, rest):
    write(tmp_path, {"modules/foo/foo/Cargo.toml": '[package]\nname = "foo"\n'})
    write(tmp_path / "modules/foo/foo", code)
    # Code of the module's other folders is no evidence about the module crate.
    write(tmp_path, {"modules/foo/tools/Cargo.toml": '[package]\nname = "t"\n', "modules/foo/tools/db.rs": "sea_orm"})
    module = monorepo.read_module(tmp_path / "modules/foo", tmp_path)
    assert module == Module("foo", "modules/foo", (Crate("modules/foo/foo", "foo", "foo"),), persistence, rest)


def test_a_module_crate_without_rust_code_has_neither(tmp_path):
    write(tmp_path, {"modules/foo/foo/Cargo.toml": '[package]\nname = "foo"\n'})
    module = monorepo.read_module(tmp_path / "modules/foo", tmp_path)
    assert (module.persistence, module.rest) == (False, False)
