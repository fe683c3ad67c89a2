"""`make mutation`'s report counts a surviving mutant that mutation-equivalents.toml excuses as equivalent, and
calls an entry stale when it no longer excuses what it was written for: its mutant now changes another line
(mutmut renumbered the function's mutants), or a test kills it (it was never equivalent)."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools"))

import mutation

KILLED, SURVIVED, NOT_RUN, TIMEOUT = 1, 0, None, 36
EXCUSED = {
    "m.x_f__mutmut_1": {"change": "return None\n"},
    "m.x_f__mutmut_2": {"change": "if a or b:"},
    "m.x_f__mutmut_3": {"change": "x = 2"},
    "m.x_f__mutmut_4": {"change": "y = 1"},
}
CHANGES = {"m.x_f__mutmut_1": "return None", "m.x_f__mutmut_2": "if a and not b:"}


def test_an_excused_survivor_is_equivalent_and_stale_entries_are_named():
    codes = {
        "m.x_f__mutmut_1": SURVIVED,  # excused, and still the change recorded: equivalent
        "m.x_f__mutmut_2": SURVIVED,  # renumbered: now another change, so it stays a survivor
        "m.x_f__mutmut_3": KILLED,  # excused, but a test kills it
        "m.x_f__mutmut_4": NOT_RUN,  # no verdict yet: neither equivalent nor stale
        "m.x_f__mutmut_5": TIMEOUT,
        "m.x_f__mutmut_6": SURVIVED,
    }
    read = []

    def change_of(name: str) -> str:
        read.append(name)
        return CHANGES[name]

    counts, stale = mutation.classify(codes, EXCUSED, change_of)
    assert dict(counts) == {"equivalent": 1, "survived": 2, "killed": 1, "not run": 1, "timeout": 1}
    assert stale == [
        "m.x_f__mutmut_2 no longer changes what it records",
        "m.x_f__mutmut_3 is killed by a test: it is not equivalent (renumbered?)",
    ]
    assert read == ["m.x_f__mutmut_1", "m.x_f__mutmut_2"]  # diffs are read only for excused survivors


def test_a_module_without_entries_reads_no_diff():
    def change_of(name: str) -> str:
        raise AssertionError(f"read the diff of {name}")

    counts, stale = mutation.classify({"m.x_g__mutmut_1": KILLED, "m.x_g__mutmut_2": SURVIVED}, {}, change_of)
    assert (dict(counts), stale) == ({"killed": 1, "survived": 1}, [])


CALC = "def double(x):\n    return x * 2\n\n\ndef half(x):\n    return x / 2\n"


def test_survivors_first_regenerates_so_a_changed_function_s_mutants_have_no_verdict(tmp_path):
    """`--survivors` makes the mutants before it picks what to run: a function edited since the last run (a
    test-driven fix) has new mutants, with no verdict, and they run in the same invocation."""
    project = tmp_path / "project"
    (project / "src" / "pkg").mkdir(parents=True)
    (project / "pyproject.toml").write_text('[tool.mutmut]\nsource_paths = ["src"]\n')
    (project / "src" / "pkg" / "__init__.py").write_text("")
    source = project / "src" / "pkg" / "calc.py"
    source.write_text(CALC)
    generate = [sys.executable, str(Path(mutation.__file__)), "--generate"]
    subprocess.run(generate, cwd=project, check=True, capture_output=True)
    meta = project / "mutants" / "src" / "pkg" / "calc.py.meta"
    record = json.loads(meta.read_text())
    record["exit_code_by_key"] = dict.fromkeys(record["exit_code_by_key"], KILLED)  # judged by a run
    meta.write_text(json.dumps(record))

    source.write_text(CALC.replace("x * 2", "x + x"))
    os.utime(source, (time.time() + 5, time.time() + 5))  # edited after its mutants were made
    subprocess.run(generate, cwd=project, check=True, capture_output=True)
    verdicts = json.loads(meta.read_text())["exit_code_by_key"]
    assert {name: code for name, code in verdicts.items() if "x_half" in name}  # half kept its mutants ...
    assert {code for name, code in verdicts.items() if "x_half" in name} == {KILLED}  # ... and their verdicts
    assert {code for name, code in verdicts.items() if "x_double" in name} == {NOT_RUN}
