"""Creating modules beside others: the default ID prefix is one no sibling module owns (issue 10).

`file-parser-tika` beside `file-parser` (which owns FILEPARSER) used to default to FILEPARSER, the first 10
characters of its name, which the questionnaire's own validator then refused. The default now skips the
prefixes of the modules beside the destination (their answers files, or for a hand-made module the IDs its
documents define), for `copier copy`, `modforge new` and `modforge adopt` alike.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import template_repos
import yaml
from cli_helpers import copier, modforge, one_error_line
from conftest import init_repo
from hypothesis import given
from hypothesis import strategies as st

from modforge.spec import grammar, layout, naming

pytestmark = pytest.mark.slow

MODFORGE = [sys.executable, "-m", "modforge"]
FIXTURES = Path(__file__).parent / "fixtures"


def new(monorepo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*MODFORGE, "new", *args, "--monorepo", str(monorepo), "--defaults", "--vcs-ref", "HEAD"],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
    )


def prefix_of(module: Path) -> str:
    return yaml.safe_load((module / layout.ANSWERS_FILE).read_text())["id_prefix"]


def test_the_default_skips_prefixes_siblings_own() -> None:
    assert naming.free_id_prefix("file-parser-tika", set()) == "FILEPARSER"
    assert naming.free_id_prefix("file-parser-tika", {"FILEPARSER"}) == "FPTIKA"
    assert naming.free_id_prefix("file-parser-tika", {"FILEPARSER", "FPTIKA"}) == "FILEPT"
    assert naming.free_id_prefix("tika", {"TIKA"}) == "TIKA2"


@given(
    name=st.from_regex(naming.MODULE_NAME_RE, fullmatch=True).filter(lambda n: len(n) <= naming.MODULE_NAME_MAX),
    taken=st.sets(st.from_regex(grammar.PREFIX_RE, fullmatch=True), max_size=30),
)
def test_the_default_is_always_a_free_valid_prefix(name: str, taken: set[str]) -> None:
    prefix = naming.free_id_prefix(name, taken)
    assert prefix not in taken
    assert not grammar.prefix_error(prefix)
    assert len(prefix) <= grammar.PREFIX_MAX


def test_modforge_new_beside_a_sibling_gets_a_free_prefix(tmp_path: Path) -> None:
    assert new(tmp_path, "file-parser").returncode == 0
    result = new(tmp_path, "file-parser-tika")
    assert result.returncode == 0, result.stderr
    modules = tmp_path / "modules"
    assert prefix_of(modules / "file-parser") == "FILEPARSER"
    assert prefix_of(modules / "file-parser-tika") == "FPTIKA"
    check = modforge("check", modules)
    assert check.returncode == 0, check.stdout


def test_copier_copy_beside_a_sibling_gets_a_free_prefix(template_dir: Path, tmp_path: Path) -> None:
    modules = tmp_path / "modules"
    for name in ("file-parser", "file-parser-tika"):
        result = copier("copy", "--trust", "--defaults", template_dir, modules / name)
        assert result.returncode == 0, result.stderr
    assert prefix_of(modules / "file-parser-tika") == "FPTIKA"


def test_a_hand_made_sibling_owns_the_prefix_its_documents_define(tmp_path: Path) -> None:
    sibling = tmp_path / "modules" / "file-parser"
    (sibling / layout.DOCS_DIR).mkdir(parents=True)
    (sibling / layout.DOCS_DIR / "2_INTENT_FACTS.md").write_text(
        "# Facts\n\n### REQ-FILEPARSER-1: Parse PDF\nThe parser MUST read PDF 1.7.\n"
    )
    result = new(tmp_path, "file-parser-tika")
    assert result.returncode == 0, result.stderr
    assert prefix_of(tmp_path / "modules" / "file-parser-tika") == "FPTIKA"
    taken = new(tmp_path, "file-parser-extra", "--data", "id_prefix=FILEPARSER")
    assert taken.returncode == 2
    message = one_error_line(taken, "new")
    assert "already used by the module in file-parser/" in message
    assert "--data id_prefix=FPEXTRA" in message, "the suggestion is a free prefix"


@pytest.fixture(scope="module")
def template_repo(tmp_path_factory) -> Path:
    return template_repos.build(tmp_path_factory.mktemp("template-repo") / "modforge")


def test_adopt_without_ids_beside_a_sibling_gets_a_free_prefix(template_repo: Path, tmp_path: Path) -> None:
    monorepo = tmp_path / "monorepo"
    module = Path(shutil.copytree(FIXTURES / "legacy" / "prefs-store", monorepo / "modules" / "prefs-store"))
    sibling = Path(shutil.copytree(FIXTURES / "check" / "clean-module", monorepo / "modules" / "prefs"))
    answers = sibling / layout.ANSWERS_FILE
    answers.write_text(answers.read_text().replace("id_prefix: OAGW", "id_prefix: PREFSSTORE"))
    init_repo(monorepo)
    result = modforge("adopt", module, "--template", template_repo, "--dry-run")
    assert result.returncode == 0, result.stderr
    assert "id_prefix: 'PSTORE'  (the module name, free beside its siblings)" in result.stderr
