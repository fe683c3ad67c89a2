"""`modforge new`: copier copy with the destination laid out and one-line errors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml

from modforge.spec import layout

MODFORGE = [sys.executable, "-m", "modforge"]


def new(monorepo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*MODFORGE, "new", *args, "--monorepo", str(monorepo), "--defaults", "--vcs-ref", "HEAD"],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
    )


def test_new_creates_the_module_under_modules(tmp_path):
    result = new(tmp_path, "cred-store", "--data", "persistence=true", "--data", "id_prefix=CRED")
    assert result.returncode == 0, result.stderr
    module = tmp_path / "modules" / "cred-store"
    answers = yaml.safe_load((module / layout.ANSWERS_FILE).read_text())
    assert (answers["id_prefix"], answers["persistence"]) == ("CRED", True)
    assert Path(answers["_src_path"]).is_absolute(), "copier update needs an absolute template path"
    assert "modforge prompt intent-design" in result.stdout


def _assert_one_line_error(result: subprocess.CompletedProcess[str], text: str) -> None:
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("modforge new: error:")]
    assert len(lines) == 1, result.stderr
    assert text in lines[0]


def test_an_existing_destination_is_refused_and_left_alone(tmp_path):
    module = tmp_path / "modules" / "cred-store"
    module.mkdir(parents=True)
    (module / "notes.md").write_text("mine")
    _assert_one_line_error(new(tmp_path, "cred-store"), "already exists")
    assert [p.name for p in module.iterdir()] == ["notes.md"]


def test_a_bad_name_is_refused_with_a_suggestion_and_nothing_written(tmp_path):
    _assert_one_line_error(new(tmp_path, "CredStore"), "such as 'cred-store'")
    assert not (tmp_path / "modules" / "CredStore").exists()


def test_a_prefix_in_use_is_refused(tmp_path):
    assert new(tmp_path, "oagw").returncode == 0
    _assert_one_line_error(new(tmp_path, "oagw-v2", "--data", "id_prefix=OAGW"), "already used by the module in oagw/")
    assert not (tmp_path / "modules" / "oagw-v2").exists()


def test_an_unknown_question_is_refused(tmp_path):
    _assert_one_line_error(new(tmp_path, "oagw", "--data", "colour=blue"), "no such question")
    _assert_one_line_error(new(tmp_path, "oagw", "--data", "phases"), "must be KEY=VALUE")


def test_a_missing_monorepo_folder_is_refused(tmp_path):
    _assert_one_line_error(new(tmp_path / "nope", "oagw"), "does not exist")


def test_a_worker_goes_to_its_gateways_plugins_folder(tmp_path):
    result = new(tmp_path, "oagw-apikey", "--data", "category=worker", "--data", "gateway=oagw")
    assert result.returncode == 0, result.stderr
    module = tmp_path / "modules" / "oagw" / "plugins" / "oagw-apikey"
    answers = yaml.safe_load((module / layout.ANSWERS_FILE).read_text())
    assert (answers["category"], answers["gateway"]) == ("worker", "oagw")
    assert sorted(p.name for p in (tmp_path / "modules").iterdir()) == ["oagw"]


def test_a_worker_without_a_gateway_is_refused(tmp_path):
    _assert_one_line_error(new(tmp_path, "oagw-apikey", "--data", "category=worker"), "--data gateway=")
    _assert_one_line_error(
        new(tmp_path, "oagw-apikey", "--data", "category=worker", "--data", "gateway=OAGW"), "must be kebab-case"
    )
    assert not (tmp_path / "modules").exists()


def test_a_prefix_used_by_a_plugin_is_refused(tmp_path):
    assert new(tmp_path, "key-plug", "--data", "category=worker", "--data", "gateway=oagw").returncode == 0
    _assert_one_line_error(
        new(tmp_path, "keys", "--data", "id_prefix=KEYPLUG"), "already used by the module in oagw/plugins/key-plug/"
    )
    assert not (tmp_path / "modules" / "keys").exists()
