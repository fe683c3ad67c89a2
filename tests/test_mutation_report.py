"""`make mutation`'s report counts a surviving mutant that mutation-equivalents.toml excuses as equivalent, and
calls an entry stale when it no longer excuses what it was written for: its mutant now changes another line
(mutmut renumbered the function's mutants), or a test kills it (it was never equivalent)."""

import sys
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
