"""`modforge update --all`: every module of a monorepo in one run, each in exactly one state, the same trees as
a shell loop of `copier update --trust --defaults`, nothing half-written.

The monorepo (built once per session) has modules at two older releases (0.1.0 and the working tree's,
with a synthetic newer release on top as the target), owner edits committed in each:
- cred-store (0.1.0), file-parser (current-1): edits that merge cleanly;
- oagw (0.1.0): its owner renamed the security section, which 0.2.0 renames too: a conflict;
- notify (current-1): its owner reworded the README line the target release changes: a conflict;
- broken (current-1): an answers file that is not YAML: failed, untouched;
- twin-a, twin-b (current-1): both record the ID prefix TWIN, which the template's validator refuses: copier
  drops the refused answer and takes the free default, so twin-a (first in the loop's order) becomes TWINA, its
  IDs renamed where the owner's edits meet them (conflicts), and twin-b, alone with TWIN by then, keeps it;
- events: already at the target release: current.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import fleet_repos
import pytest
import template_repos
from cli_helpers import MODFORGE, modforge, one_error_line
from conftest import git, init_repo

from modforge import __version__
from modforge.fleet import copier_seams
from modforge.spec import layout

NEXT = ".".join([*__version__.split(".")[:2], str(int(__version__.split(".")[2]) + 1)])
CHECK_LINE = "Check the documents before each review: `modforge check .`"
OLDEST = template_repos.versions()[0]
MODULES = {
    "cred-store": (OLDEST, {"persistence": True}),
    "oagw": (OLDEST, {"category": "gateway", "phases": 3}),
    "file-parser": (__version__, {"category": "worker", "gateway": "oagw", "phases": 1}),
    "notify": (__version__, {}),
    "broken": (__version__, {}),
    "twin-a": (__version__, {"id_prefix": "TWIN"}),
    "twin-b": (__version__, {"id_prefix": "TWINB"}),
    "events": (NEXT, {}),
}
EXPECTED = {
    "cred-store": "clean",
    "oagw": "conflicts",
    "file-parser": "clean",
    "notify": "conflicts",
    "broken": "failed",
    "twin-a": "conflicts",
    "twin-b": "clean",
    "events": "current",
}
# Where each module lives in the monorepo: a worker in its gateway's plugins folder, as the platform keeps it.
FOLDER = {name: f"modules/{name}" for name in MODULES} | {"file-parser": "modules/oagw/plugins/file-parser"}
pytestmark = pytest.mark.slow


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))


@pytest.fixture(scope="session")
def fleet_template(tmp_path_factory) -> Path:
    """Every release, then NEXT: the working tree with one README line changed."""
    template = template_repos.build(tmp_path_factory.mktemp("fleet-template") / "modforge")
    readme = template / "template" / "README.md.jinja"
    template_repos.add_release(template, NEXT, lambda _: _edit(readme, CHECK_LINE, CHECK_LINE + " (and in CI)"))
    return template


@pytest.fixture(scope="session")
def fleet(fleet_template, tmp_path_factory) -> tuple[Path, dict[str, list[tuple[str, str]]]]:
    """The pristine monorepo (never changed by a test: copy it) and the owner lines of each module."""
    monorepo = tmp_path_factory.mktemp("fleet") / "monorepo"
    kept = {}
    with fleet_repos.fast_copies():
        for name, (version, answers) in MODULES.items():
            module = fleet_repos.copy_module(
                fleet_template, monorepo / FOLDER[name], version, {"module_name": name, **answers}
            )
            kept[name] = fleet_repos.lived_in(module) if EXPECTED[name] in ("clean", "conflicts") else []
    (monorepo / "README.md").write_text("# The monorepo\n")
    fleet_repos.commit(monorepo, "modules")
    kept["oagw"].append(("docs/INTENT_DESIGN.md", fleet_repos.rename_security_heading(monorepo / "modules" / "oagw")))
    _edit(monorepo / "modules/notify/README.md", CHECK_LINE, "Run `modforge check .` before every review.")
    kept["notify"].append(("README.md", "Run `modforge check .` before every review."))
    (monorepo / "modules/broken" / layout.ANSWERS_FILE).write_text("_commit: v0.2.0\nmodule_name: [broken\n")
    _edit(monorepo / "modules/twin-b" / layout.ANSWERS_FILE, "id_prefix: TWINB", "id_prefix: TWIN")
    fleet_repos.commit(monorepo, "owner edits")
    return monorepo, kept


@pytest.fixture(scope="session")
def loop_result(fleet, tmp_path_factory) -> dict:
    monorepo = fleet_repos.duplicate(fleet[0], tmp_path_factory.mktemp("loop") / "monorepo")
    # In path order: a gateway before the workers in its plugins folder (copier refuses a gateway whose
    # folder holds a worker's uncommitted update).
    fleet_repos.run_loop(monorepo, sorted(FOLDER.values()))
    return fleet_repos.snapshot(monorepo)


@pytest.fixture(scope="session")
def fleet_result(fleet, tmp_path_factory) -> tuple[subprocess.CompletedProcess, dict, Path]:
    monorepo = fleet_repos.duplicate(fleet[0], tmp_path_factory.mktemp("fleet-run") / "monorepo")
    result = modforge("update", "--all", "--format", "json", "--jobs", "2", cwd=monorepo)
    return result, fleet_repos.snapshot(monorepo), monorepo


def _states(report: dict) -> dict[str, str]:
    return {module["module"]: module["state"] for module in report["modules"]}


# --- one run over the whole monorepo -------------------------------------------------------------------


def test_every_module_ends_in_exactly_one_state_and_the_run_exits_1(fleet_result):
    result, _, _ = fleet_result
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    assert _states(report) == EXPECTED
    assert report["summary"] == {"clean": 3, "conflicts": 3, "current": 1, "failed": 1}
    tags = {m["module"]: (m["from"], m["to"]) for m in report["modules"]}
    assert tags["cred-store"] == (f"v{OLDEST}", f"v{NEXT}")
    assert tags["file-parser"] == (f"v{__version__}", f"v{NEXT}")
    assert tags["events"] == (f"v{NEXT}", f"v{NEXT}")


def test_the_report_lists_each_conflict_where_it_is(fleet_result):
    result, _, monorepo = fleet_result
    report = {m["module"]: m for m in json.loads(result.stdout)["modules"]}
    for name in ("oagw", "notify"):
        listed = {(c["path"], c["line"]) for c in report[name]["conflicts"]}
        found = set()
        for path in {c["path"] for c in report[name]["conflicts"]}:
            lines = (monorepo / FOLDER[name] / path).read_text().splitlines()
            found |= {(path, n) for n, line in enumerate(lines, 1) if line[:7] in ("<<<<<<<", "=======", ">>>>>>>")}
        assert listed == found, name
        assert git(monorepo, "ls-files", "-u", "--", FOLDER[name]), "the conflict is unmerged in the index"
    assert report["oagw"]["messages"] == [
        "modforge migration 0.2.0: left docs/INTENT_DESIGN.md alone: you and release 0.2.0 changed the same "
        "lines; resolve the conflict by hand"
    ]
    assert "is not valid YAML" in report["broken"]["error"]
    assert report["events"]["files"] == []
    assert report["broken"]["files"] == []


def test_every_owner_line_survives(fleet, fleet_result):
    _, kept = fleet
    _, _, monorepo = fleet_result
    for name, lines in kept.items():
        for file, line in lines:
            text = (monorepo / FOLDER[name] / file).read_text()
            assert line in text.splitlines(), f"{name}/{file}: the owner's line {line!r} was lost"


def test_the_failed_and_the_current_module_are_untouched_bit_for_bit(fleet, fleet_result):
    before = fleet_repos.snapshot(fleet[0])
    _, after, _ = fleet_result
    for name in ("broken", "events"):
        assert fleet_repos.module_part(after, FOLDER[name]) == fleet_repos.module_part(before, FOLDER[name])


def test_twins_sharing_an_id_prefix_end_as_the_loop_leaves_them(fleet_result):
    """copier drops a recorded answer its validator refuses: the first twin takes a free prefix, the second,
    alone with the prefix by then, keeps it (the loop's order, reproduced although modules run in parallel)."""
    _, _, monorepo = fleet_result
    prefixes = {
        name: next(
            line
            for line in (monorepo / FOLDER[name] / layout.ANSWERS_FILE).read_text().splitlines()
            if line.startswith("id_prefix:")
        )
        for name in ("twin-a", "twin-b")
    }
    assert prefixes == {"twin-a": "id_prefix: TWINA", "twin-b": "id_prefix: TWIN"}


def test_the_trees_equal_the_shell_loops(fleet_result, loop_result):
    _, after, _ = fleet_result
    assert after["files"] == loop_result["files"]
    assert after["index"] == loop_result["index"], "the same index"
    assert after["status"] == loop_result["status"]


def test_a_plain_loop_puts_back_what_an_earlier_update_removed(tmp_path):
    """Why the tests' shell loop sets aside the index entries of the files an update removed (tests/fleet_repos.py):
    copier diffs the whole repository's index against one module's old render and applies the diff at the top,
    so a later module's update writes back, as committed, a file an earlier module's update removed. Set aside,
    each module ends as copier leaves it when updated alone: without the file the new release no longer renders."""
    from cli_helpers import copier
    from copier import run_copy

    template = tmp_path / "template"
    (template / "template").mkdir(parents=True)
    (template / "copier.yml").write_text("_subdirectory: template\n")
    (template / "template" / "{{ _copier_conf.answers_file }}.jinja").write_text("{{ _copier_answers|to_nice_yaml }}")
    (template / "template" / "kept.txt").write_text("kept\n")
    (template / "template" / "dropped.txt").write_text("rendered by v1 only\n")
    init_repo(template)
    git(template, "tag", "v1")
    git(template, "rm", "-q", "template/dropped.txt")
    git(template, "commit", "-qm", "v2 no longer renders dropped.txt")
    git(template, "tag", "v2")
    monorepo = tmp_path / "monorepo"
    for name in ("a", "b"):
        run_copy(str(template), monorepo / "modules" / name, defaults=True, quiet=True, vcs_ref="v1")
    init_repo(monorepo)
    plain = fleet_repos.duplicate(monorepo, tmp_path / "plain")
    for name in ("a", "b"):
        assert copier("update", "--trust", "--defaults", "--quiet", cwd=plain / "modules" / name).returncode == 0
        assert not (plain / "modules" / name / "dropped.txt").exists(), f"copier removed {name}/dropped.txt"
    assert (plain / "modules/a/dropped.txt").read_text() == "rendered by v1 only\n", "b's update put a's back"
    looped = fleet_repos.duplicate(monorepo, tmp_path / "looped")
    assert fleet_repos.run_loop(looped, ["modules/a", "modules/b"]).returncode == 0
    assert sorted(p.name for p in (looped / "modules").glob("*/*.txt")) == ["kept.txt", "kept.txt"]
    removed = [line for line in git(looped, "status", "--porcelain").splitlines() if "dropped" in line]
    assert removed == [" D modules/a/dropped.txt", " D modules/b/dropped.txt"], "removed, and the index as committed"


# --- text output, dry run, check ----------------------------------------------------------------------


def test_text_output_has_a_line_per_module_then_the_table(fleet, tmp_path):
    monorepo = fleet_repos.duplicate(fleet[0], tmp_path / "monorepo")
    result = modforge("update", "modules/cred-store", "modules/notify", "modules/events", cwd=monorepo)
    assert result.returncode == 1, result.stderr
    out = result.stdout
    assert f"modules/cred-store: v{OLDEST} -> v{NEXT}, updated cleanly" in out
    assert f"modules/notify: v{__version__} -> v{NEXT}, updated with conflicts in 1 file" in out
    assert "modules/events: already at the target release" in out
    assert "modules/notify/README.md:" in out
    assert ": conflict marker" in out
    table = out[out.index("MODULE") :].splitlines()
    assert table[0].split() == ["MODULE", "FROM", "TO", "STATE", "CONFLICTS"]
    assert [row.split()[0] for row in table[1:4]] == ["modules/cred-store", "modules/events", "modules/notify"]
    assert "3 modules: 1 updated cleanly, 1 with conflicts, 1 current" in out
    assert git(monorepo, "status", "--porcelain", "--", "modules/oagw") == "", "modules not named are left alone"


def test_dry_run_says_what_would_change_and_writes_nothing(fleet, fleet_result, tmp_path):
    monorepo = fleet_repos.duplicate(fleet[0], tmp_path / "monorepo")
    before = fleet_repos.snapshot(monorepo)
    result = modforge("update", "--all", "--dry-run", "--format", "json", cwd=monorepo)
    assert fleet_repos.snapshot(monorepo) == before
    assert result.returncode == 1
    dry = {m["module"]: m for m in json.loads(result.stdout)["modules"]}
    real = {m["module"]: m for m in json.loads(fleet_result[0].stdout)["modules"]}
    for name in MODULES:
        assert (dry[name]["state"], dry[name]["files"], dry[name]["conflicts"]) == (
            real[name]["state"],
            real[name]["files"],
            real[name]["conflicts"],
        ), name
    text = modforge("update", "modules/notify", "--dry-run", cwd=monorepo)
    assert "would be updated with conflicts in 1 file" in text.stdout
    assert "  README.md (conflict)" in text.stdout
    assert fleet_repos.snapshot(monorepo) == before


def test_vcs_ref_sets_the_target_release_for_every_module(fleet, tmp_path):
    monorepo = fleet_repos.duplicate(fleet[0], tmp_path / "monorepo")
    target = f"v{__version__}"
    result = modforge(
        "update", "modules/cred-store", FOLDER["file-parser"], "--vcs-ref", target, "--format", "json", cwd=monorepo
    )
    assert result.returncode == 0, result.stderr
    report = {m["module"]: m for m in json.loads(result.stdout)["modules"]}
    assert (report["cred-store"]["state"], report["cred-store"]["to"]) == ("clean", target)
    assert (report["file-parser"]["state"], report["file-parser"]["to"]) == ("current", target)
    assert f"_commit: {target}\n" in (monorepo / "modules/cred-store" / layout.ANSWERS_FILE).read_text()


def test_check_exits_1_while_a_module_is_behind_and_renders_nothing(fleet):
    monorepo = fleet[0]
    result = modforge("update", "--all", "--check", cwd=monorepo)
    assert result.returncode == 1
    assert f"modules/cred-store: {OLDEST}, newest {__version__}" in result.stdout
    assert "modules/broken: " in result.stdout
    assert "is not valid YAML" in result.stdout
    report = json.loads(modforge("update", "--all", "--check", "--format", "json", cwd=monorepo).stdout)
    states = {m["module"]: m["state"] for m in report["modules"]}
    assert states["cred-store"] == "behind"
    assert states["file-parser"] == "current"
    assert modforge("update", FOLDER["file-parser"], "modules/events", "--check", cwd=monorepo).returncode == 0


# --- nothing half-written ------------------------------------------------------------------------------


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_an_interrupt_leaves_each_module_untouched_or_fully_updated(fleet, fleet_result, tmp_path, stop):
    """Ctrl-C, or a CI runner's SIGTERM, stops the run between modules: each is untouched or complete, and the
    scratch repositories are gone."""
    monorepo = fleet_repos.duplicate(fleet[0], tmp_path / "monorepo")
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    before, complete = fleet_repos.snapshot(monorepo), fleet_result[1]
    process = subprocess.Popen(
        [*MODFORGE, "update", "--all", "--jobs", "2"],
        cwd=monorepo,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "TMPDIR": str(scratch)},
    )
    assert process.stdout is not None
    shown = []
    for line in process.stdout:  # interrupt once the first module has been written
        shown.append(line)
        if line.startswith("[") and "updated" in line:
            process.send_signal(stop)
            break
    out, err = process.communicate(timeout=300)
    assert process.returncode == 130, "".join(shown) + out + err
    assert "interrupted" in err
    assert "Traceback" not in err
    assert list(scratch.iterdir()) == [], "the scratch repositories are removed"
    after = fleet_repos.snapshot(monorepo)
    states = {}
    for name in MODULES:
        part = fleet_repos.module_part(after, FOLDER[name])
        if part == fleet_repos.module_part(before, FOLDER[name]):
            states[name] = "untouched"
        else:
            assert part == fleet_repos.module_part(complete, FOLDER[name]), f"{name} is half-updated"
            states[name] = "updated"
    updatable = [states[name] for name, state in EXPECTED.items() if state in ("clean", "conflicts")]
    assert "updated" in updatable, states
    assert "untouched" in updatable, states


def test_a_module_that_fails_while_written_is_put_back_and_the_run_goes_on(fleet, tmp_path, monkeypatch):
    """The index is locked (another git process) once the first module is written: a module whose update
    needs the index (its conflicts) fails and is put back, files and index; the others are written."""
    from modforge.fleet import runner, selection

    monorepo = fleet_repos.duplicate(fleet[0], tmp_path / "monorepo")
    before = fleet_repos.snapshot(monorepo)
    monkeypatch.chdir(monorepo)
    top, roots = selection.select([], True, action="the update")
    outcomes = selection.outcomes(top, roots)
    ended = []

    def report(outcome) -> None:
        ended.append(outcome)
        if outcome.state == "clean":
            (monorepo / ".git" / "index.lock").write_bytes(b"")

    runner.update(top, outcomes, vcs_ref=None, dry_run=False, jobs=1, report=report)
    (monorepo / ".git" / "index.lock").unlink()
    states = {o.name: o.state for o in ended}
    after = fleet_repos.snapshot(monorepo)
    for name in ("oagw", "notify"):
        assert states[name] == "failed", states
        assert "nothing was changed" in next(o.error for o in ended if o.name == name)
        assert fleet_repos.module_part(after, FOLDER[name]) == fleet_repos.module_part(before, FOLDER[name])
    assert states["cred-store"] == states["file-parser"] == "clean"


# --- the speed-ups are in place ------------------------------------------------------------------------


def test_copier_has_every_seam_the_fleet_run_uses():
    assert copier_seams.missing() == [], "a copier release moved a seam: fleet updates are slower until it is adapted"


def test_one_run_clones_each_release_once_and_runs_migrations_in_process(fleet, tmp_path, monkeypatch):
    from modforge.fleet import runner, selection

    monorepo = fleet_repos.duplicate(fleet[0], tmp_path / "monorepo")
    monkeypatch.chdir(monorepo)
    used = []
    original = copier_seams.Seams.installed_in

    def spy(self):
        used.append(self)
        return original(self)

    monkeypatch.setattr(copier_seams.Seams, "installed_in", spy)
    top, roots = selection.select([Path("modules/cred-store"), Path("modules/oagw")], False, action="the update")
    compiled = []
    runner.update(
        top,
        selection.outcomes(top, roots),
        vcs_ref=None,
        dry_run=False,
        jobs=1,
        report=lambda outcome: compiled.append(len(used[0].code)),
    )
    seams = used[0]
    assert sorted(ref for _, ref in seams.checkouts) == [f"v{OLDEST}", f"v{NEXT}"], "one checkout per release"
    assert seams.inline.calls == 2, "the 0.2.0 migration ran in this process for both modules"
    assert compiled[1] - compiled[0] <= compiled[0] // 10, "the second module reuses the first one's compiled templates"


# --- refusals: one clear line, exit 2, nothing written -------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--all", "modules/oagw"], "pass module folders or --all, not both"),
        ([], "name the module folders to work on, or pass --all"),
        (["--all", "--jobs", "0"], "--jobs must be 1 or more"),
        (["modules/nowhere"], "is not a folder"),
    ],
)
def test_usage_problems_are_one_line_and_change_nothing(fleet, args, message):
    before = fleet_repos.snapshot(fleet[0])
    result = modforge("update", *args, cwd=fleet[0])
    assert result.returncode == 2, result.stdout + result.stderr
    assert message in one_error_line(result, "update")
    assert fleet_repos.snapshot(fleet[0]) == before


def test_a_dirty_work_tree_is_refused_before_anything_is_written(fleet, tmp_path):
    monorepo = fleet_repos.duplicate(fleet[0], tmp_path / "monorepo")
    (monorepo / "notes.txt").write_text("scratch\n")
    before = fleet_repos.snapshot(monorepo)
    result = modforge("update", "--all", cwd=monorepo)
    assert result.returncode == 2
    assert "uncommitted changes (notes.txt)" in one_error_line(result, "update")
    assert fleet_repos.snapshot(monorepo) == before


def test_progress_shows_a_bar_with_the_module_count_on_a_terminal(fleet, tmp_path):
    """stderr on a pseudo-terminal gets the bar; stdout (a pipe) then gets the table."""
    import pty

    monorepo = fleet_repos.duplicate(fleet[0], tmp_path / "monorepo")
    primary, secondary = pty.openpty()
    start = time.monotonic()
    result = subprocess.run(
        [*MODFORGE, "update", "modules/events", "modules/broken"],
        cwd=monorepo,
        stdout=subprocess.PIPE,
        stderr=secondary,
        text=True,
        timeout=300,
    )
    os.close(secondary)
    bar = b""
    while time.monotonic() - start < 300:
        try:
            chunk = os.read(primary, 65536)
        except OSError:
            break
        if not chunk:
            break
        bar += chunk
    os.close(primary)
    assert b"] 1/2 modules" in bar
    assert b"] 2/2 modules" in bar
    assert "modules/broken: failed, nothing changed" in result.stdout, "what needs action is listed after the bar"
    assert "MODULE" in result.stdout


def test_plain_copier_checks_only_the_modules_own_folder_for_changes(fleet, tmp_path):
    """What docs/updating.md says of plain copier: it updates a module while another one is dirty, and refuses
    a module with uncommitted changes of its own (modforge wants the whole tree clean)."""
    from cli_helpers import copier

    monorepo = fleet_repos.duplicate(fleet[0], tmp_path / "monorepo")
    (monorepo / FOLDER["file-parser"] / "README.md").write_text("uncommitted\n")
    result = copier("update", "--trust", "--defaults", "--quiet", cwd=monorepo / "modules" / "cred-store")
    assert result.returncode == 0, result.stderr
    assert f"_commit: v{NEXT}" in (monorepo / "modules/cred-store" / layout.ANSWERS_FILE).read_text()
    refused = copier("update", "--trust", "--defaults", "--quiet", cwd=monorepo / FOLDER["file-parser"])
    assert refused.returncode != 0
    assert "dirty" in refused.stderr


def test_a_module_whose_template_cannot_be_read_fails_alone(fleet, tmp_path):
    monorepo = fleet_repos.duplicate(fleet[0], tmp_path / "monorepo")
    answers = monorepo / "modules/cred-store" / layout.ANSWERS_FILE
    text = answers.read_text()
    source = next(line for line in text.splitlines() if line.startswith("_src_path:"))
    answers.write_text(text.replace(source, f"_src_path: {tmp_path / 'no-such-template'}"))
    git(monorepo, "commit", "-qam", "a template that moved away")
    before = fleet_repos.module_part(fleet_repos.snapshot(monorepo), "modules/cred-store")
    result = modforge("update", "modules/cred-store", FOLDER["file-parser"], "--format", "json", cwd=monorepo)
    assert result.returncode == 1, result.stderr
    report = {m["module"]: m for m in json.loads(result.stdout)["modules"]}
    assert report["cred-store"]["state"] == "failed"
    assert "cannot read the template" in report["cred-store"]["error"]
    assert report["file-parser"]["state"] == "clean"
    assert fleet_repos.module_part(fleet_repos.snapshot(monorepo), "modules/cred-store") == before


if __name__ == "__main__":  # pragma: no cover
    sys.exit(pytest.main([__file__, "-q"]))
