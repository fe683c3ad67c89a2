"""`wire` and `unwire` against hostile monorepos: they edit files the whole team shares (the root Cargo.toml,
the server crate, the server configs, the E2E tree), so they hold to the same contract as the module
commands. A link, a FIFO, a folder, a file that is not UTF-8, a setting that points outside, nesting
thousands deep, a number past int()'s limit or a YAML alias bomb: exit 2, one line, the monorepo and the
folder beside it byte for byte as they were. What they can edit keeps its BOM and line endings, `unwire`
gives back every byte, and Ctrl-C at any moment leaves the monorepo wired or not, never half-way."""

from __future__ import annotations

import codecs
import itertools
import os
import shutil
import time
from pathlib import Path

import pytest
from conftest import copy_module
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from monorepo_fixture import make_monorepo as make_workspace

from hostile.helpers import PRECIOUS, Monorepo, interrupted, no_traceback, refused, run, snapshot

SERVER = "apps/hyperspot-server"
EDITED = {  # what wire edits, by a short name
    "root manifest": "Cargo.toml",
    "server manifest": f"{SERVER}/Cargo.toml",
    "registration": f"{SERVER}/src/registered_modules.rs",
    "quickstart config": "config/quickstart.yaml",
    "e2e config": "config/e2e-local.yaml",
}
FOLDERS = {  # folders wire writes into or reads the module from
    "config folder": "config",
    "e2e folder": "testing/e2e/modules",
    "server src folder": f"{SERVER}/src",
    "module folder": "modules/cred-store",
}
DIGITS = "9" * 5000


@pytest.fixture(scope="module")
def prototype(tmp_path_factory: pytest.TempPathFactory, template_dir: Path) -> Path:
    """A realistic ModKit monorepo (tests/monorepo_fixture.py) holding the module cred-store, not wired."""
    root = make_workspace(tmp_path_factory.mktemp("wiring") / "monorepo")
    copy_module(template_dir, root / "modules" / "cred-store", module_name="cred-store", persistence=True)
    return root


def workspace(prototype: Path, base: Path) -> Monorepo:
    root = Path(shutil.copytree(prototype, base / "monorepo", symlinks=True))
    outside = base / "outside"
    outside.mkdir()
    (outside / "precious.md").write_bytes(PRECIOUS)
    (outside / "e2e").mkdir()
    return Monorepo(root, root / "modules" / "cred-store", outside)


@pytest.fixture
def mono(prototype: Path, tmp_path: Path) -> Monorepo:
    return workspace(prototype, tmp_path)


def wire(mono: Monorepo, command: str = "wire", *extra: str):
    return run(command, *extra, mono.module)


def replace_with_link(path: Path, target: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif os.path.lexists(path):
        path.unlink()
    path.symlink_to(target)


def _link_target(mono: Monorepo, relative: str) -> Path:
    """A copy outside the monorepo of what stands at `relative`: wiring through the link would change it."""
    copy = mono.outside / relative.replace("/", "_")
    source = mono.root / relative
    if source.is_dir():
        shutil.copytree(source, copy, symlinks=True)
    else:
        shutil.copy2(source, copy)
    return copy


# --- links ------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("command", ["wire", "unwire"])
@pytest.mark.parametrize("where", [*EDITED, *FOLDERS])
def test_a_link_where_wiring_reads_or_writes_is_refused(mono: Monorepo, where: str, command: str) -> None:
    if command == "unwire":
        assert wire(mono).code == 0
    relative = EDITED.get(where) or FOLDERS[where]
    replace_with_link(mono.root / relative, _link_target(mono, relative))
    before = mono.snapshot()

    refused(wire(mono, command), command, says="symbolic link")

    assert mono.snapshot() == before


@pytest.mark.parametrize("shape", ["to nothing", "to itself", "to a device"], ids=lambda shape: shape.replace(" ", "-"))
def test_a_link_to_nothing_a_loop_or_a_device_in_place_of_a_config(mono: Monorepo, shape: str) -> None:
    config = mono.root / EDITED["quickstart config"]
    target = {"to nothing": mono.outside / "missing.yaml", "to itself": config, "to a device": Path("/dev/zero")}
    replace_with_link(config, target[shape])
    before = mono.snapshot()

    refused(wire(mono), "wire", says="symbolic link")

    assert mono.snapshot() == before


# --- settings that point outside the monorepo -------------------------------------------------------------------
@pytest.mark.parametrize(
    "setting",
    [
        'configs = ["../outside/quickstart.yaml"]',
        'configs = ["{outside}/quickstart.yaml"]',
        'e2e_tests = "../outside/e2e"',
        'e2e_tests = "{outside}/e2e"',
        'server_crate = "../outside/server"',
        'modules = "../outside"',
    ],
    ids=["config-up", "config-absolute", "e2e-up", "e2e-absolute", "server-up", "modules-up"],
)
def test_a_path_setting_that_leaves_the_monorepo_is_refused(mono: Monorepo, setting: str) -> None:
    shutil.copytree(mono.root / SERVER, mono.outside / "server")
    shutil.copy2(mono.root / EDITED["quickstart config"], mono.outside / "quickstart.yaml")
    (mono.root / ".modforge.toml").write_text("[paths]\n" + setting.format(outside=mono.outside) + "\n")
    before = mono.snapshot()

    refused(wire(mono), "wire", says="leaves the monorepo")

    assert mono.snapshot() == before


@pytest.mark.parametrize("value", [".", "./.", "/"])
def test_a_path_setting_naming_the_root_itself_says_so(mono: Monorepo, value: str) -> None:
    (mono.root / ".modforge.toml").write_text(f'[paths]\nmodules = "{value}"\n')
    before = mono.snapshot()

    said = refused(wire(mono), "wire")

    if value == "/":
        assert "leaves the monorepo" in said
    else:
        assert "the monorepo root itself; name a folder under it, such as 'modules'" in said
    assert mono.snapshot() == before


def test_new_never_creates_a_module_outside_through_the_modules_setting(mono: Monorepo, template_dir: Path) -> None:
    (mono.root / ".modforge.toml").write_text('[paths]\nmodules = "../outside"\n')
    before = mono.snapshot()

    args = ["new", "key-store", "--monorepo", mono.root, "--defaults", "--template", template_dir]
    refused(run(*args), "new", says="leaves the monorepo")

    assert mono.snapshot() == before


# --- special files, encodings ------------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", ["fifo", "folder"])
@pytest.mark.parametrize("where", [*EDITED])
def test_a_fifo_or_a_folder_in_place_of_a_file_never_blocks_and_changes_nothing(mono: Monorepo, where, kind) -> None:
    path = mono.root / EDITED[where]
    path.unlink()
    os.mkfifo(path) if kind == "fifo" else path.mkdir()
    before = mono.snapshot()

    refused(wire(mono), "wire")

    assert mono.snapshot() == before


@pytest.mark.parametrize("where", [*EDITED])
def test_a_file_that_is_not_utf8_is_refused_with_its_byte_offset(mono: Monorepo, where: str) -> None:
    path = mono.root / EDITED[where]
    path.write_bytes(path.read_bytes() + b"# caf\xe9\n")
    before = mono.snapshot()

    line = refused(wire(mono), "wire", says=EDITED[where])

    assert "byte 0xe9 at offset" in line
    assert mono.snapshot() == before


def test_every_file_keeps_its_mark_and_line_endings_and_unwire_gives_back_every_byte(mono: Monorepo) -> None:
    originals = {}
    for relative in EDITED.values():
        path = mono.root / relative
        data = codecs.BOM_UTF8 + path.read_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
        path.write_bytes(data)
        originals[relative] = data

    assert wire(mono).code == 0
    for relative, before in originals.items():
        after = (mono.root / relative).read_bytes()
        assert after.startswith(codecs.BOM_UTF8), relative
        assert after.count(b"\n") == after.count(b"\r\n"), relative
        assert set(before.split(b"\r\n")) <= set(after.split(b"\r\n")), relative  # only lines added
        assert len(after) > len(before), relative

    assert wire(mono, "unwire").code == 0
    for relative, before in originals.items():
        assert (mono.root / relative).read_bytes() == before, relative


# --- sizes and depths ----------------------------------------------------------------------------------------
DEEP = {
    "toml nested 5000 deep": ("Cargo.toml", "\nx = " + "[" * 5000 + "]" * 5000 + "\n", "too deeply"),
    "server toml nested 5000 deep": (EDITED["server manifest"], "\n[x]\ny = " + "[" * 5000 + "]" * 5000, "deep"),
    "toml number of 5000 digits": ("Cargo.toml", f"\n[x]\ny = {DIGITS}\n", "4,300 digits"),
    "yaml nested 5000 deep": (EDITED["quickstart config"], "deep: " + "[" * 5000 + "]" * 5000 + "\n", "deep"),
    "yaml block nested 2000 deep": (EDITED["e2e config"], "deep:\n  " + "- " * 2000 + "x\n", "deep"),
    "settings nested 5000 deep": (".modforge.toml", "x = " + "[" * 5000 + "]" * 5000 + "\n", "too deeply"),
}


@pytest.mark.parametrize("case", [*DEEP])
def test_nesting_thousands_deep_or_a_number_past_the_int_limit_is_one_line(mono: Monorepo, case: str) -> None:
    relative, text, says = DEEP[case]
    path = mono.root / relative
    path.write_text((path.read_text() if path.exists() else "") + text)
    before = mono.snapshot()

    refused(wire(mono), "wire", says=says)  # within the helpers' time limit: ruamel alone took 8 s at 10 kB

    assert mono.snapshot() == before


def _alias_bomb(levels: int) -> str:
    """Nine references per level: `levels` lines that expand to 9**levels values."""
    names = [f"l{n}" for n in range(levels + 1)]
    lines = [f"{names[0]}: &{names[0]} [x, x, x, x, x, x, x, x, x]"]
    lines += [f"{name}: &{name} [{', '.join([f'*{below}'] * 9)}]" for below, name in itertools.pairwise(names)]
    return "\n".join(lines) + "\n"


def test_a_yaml_alias_bomb_in_a_config_is_wired_around_in_linear_time(mono: Monorepo) -> None:
    # Fifteen lines that expand to 9**14 values: comparing the file before and after the edit once visited
    # each (a hang); now each shared part is compared once.
    config = mono.root / EDITED["quickstart config"]
    original = config.read_bytes() + b"\n" + _alias_bomb(14).encode()
    config.write_bytes(original)

    with_bomb = run("wire", mono.module)

    no_traceback(with_bomb)
    assert with_bomb.code == 0, with_bomb.err
    assert "cred-store:" in config.read_text()
    assert wire(mono, "unwire").code == 0
    assert config.read_bytes() == original


def test_an_alias_bomb_in_the_answers_file_stops_every_command_at_once(mono: Monorepo) -> None:
    answers = mono.module / ".copier-answers.yml"
    answers.write_text(answers.read_text() + _alias_bomb(14) + "phase_notes: *l14\n")
    before = mono.snapshot()

    for args in (["migrate", mono.module], ["prompt", "tasks", mono.module], ["status", mono.module]):
        refused(run(*args), str(args[0]), says="aliases")
    result = run("check", "--no-cache", mono.module)
    no_traceback(result)
    assert result.code == 1
    assert "MF003" in result.out
    assert "aliases" in result.out

    assert mono.snapshot() == before


# --- interruptions ----------------------------------------------------------------------------------------------
def test_wire_interrupted_at_any_moment_is_all_or_nothing(prototype: Path, tmp_path: Path) -> None:
    reference = workspace(prototype, tmp_path / "reference")
    before = snapshot(reference.root)
    start = time.perf_counter()
    assert wire(reference).code == 0
    whole = time.perf_counter() - start
    after = snapshot(reference.root)
    relative = lambda state, root: {os.path.relpath(path, root): entry for path, entry in state.items()}  # noqa: E731
    states = (relative(before, reference.root), relative(after, reference.root))
    for index, fraction in enumerate((0.1, 0.5, 0.9)):
        mono = workspace(prototype, tmp_path / str(index))
        result = interrupted(whole * fraction, "wire", mono.module)
        assert "Traceback" not in result.err
        assert result.code in (0, 130), result.err
        assert relative(snapshot(mono.root), mono.root) in states, f"half-wired after an interrupt at {fraction}"


# --- generated: whatever stands where wire edits a file ---------------------------------------------------------
KINDS = ("text", "crlf with a mark", "not utf-8", "link to a file outside", "link to nothing", "folder", "fifo")


def _shape(mono: Monorepo, relative: str, kind: str) -> None:
    path = mono.root / relative
    data = path.read_bytes()
    if kind == "text":
        return
    path.unlink()
    if kind == "crlf with a mark":
        path.write_bytes(codecs.BOM_UTF8 + data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n"))
    elif kind == "not utf-8":
        path.write_bytes(data + b"\xff")
    elif kind == "link to a file outside":
        copy = mono.outside / relative.replace("/", "_")
        copy.write_bytes(data)
        path.symlink_to(copy)
    elif kind == "link to nothing":
        path.symlink_to(mono.outside / "missing")
    elif kind == "folder":
        path.mkdir()
    elif kind == "fifo":
        os.mkfifo(path)


@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
@given(kinds=st.tuples(*[st.sampled_from(KINDS) for _ in EDITED]))
def test_any_shape_of_the_files_wire_edits(prototype: Path, tmp_path_factory, kinds) -> None:
    mono = workspace(prototype, tmp_path_factory.mktemp("shape"))
    for relative, kind in zip(EDITED.values(), kinds, strict=True):
        _shape(mono, relative, kind)
    before, outside = snapshot(mono.root), snapshot(mono.outside)

    result = wire(mono)

    if all(kind in ("text", "crlf with a mark") for kind in kinds):
        assert result.code == 0, result.err
        assert wire(mono, "unwire").code == 0
        unwired = snapshot(mono.root)
        assert {path: entry for path, entry in unwired.items() if "testing/e2e" not in path} == {
            path: entry for path, entry in before.items() if "testing/e2e" not in path
        }
    else:
        refused(result, "wire")
        assert snapshot(mono.root) == before
    assert snapshot(mono.outside) == outside
    shutil.rmtree(mono.root.parent)
