"""The one ID grammar: the forms the template writes are the forms the checker reads."""

from __future__ import annotations

import re

import pytest

from modforge.spec import grammar, naming, scaffold
from modforge.spec.grammar import IdKind


@pytest.mark.parametrize(
    ("kind", "prefix", "number", "text"),
    [
        (IdKind.REQ, "OAGW", 42, "REQ-OAGW-42"),
        (IdKind.GLOBAL_REQ, None, 10, "REQ-10"),
        (IdKind.SCEN, "OAGW", 1, "SCEN-OAGW-01"),
        (IdKind.SCEN, "OAGW", 115, "SCEN-OAGW-115"),
        (IdKind.TASK, "OAGW", 7, "TASK-OAGW-07"),
        (IdKind.PHASE, "OAGW", 2, "PHASE-OAGW-2"),
    ],
)
def test_format_and_parse_agree_on_the_spec_examples(kind, prefix, number, text):
    assert grammar.format_id(kind, prefix, number) == text
    parsed = grammar.parse_id(text)
    assert (parsed.kind, parsed.prefix, parsed.number) == (kind, prefix, number)
    assert parsed.padding_error() is None


@pytest.mark.parametrize(
    ("kind", "text"),
    [(IdKind.REQ, "REQ-OAGW-<N>"), (IdKind.SCEN, "SCEN-OAGW-<NN>"), (IdKind.TASK, "TASK-OAGW-<NN>")],
)
def test_a_number_left_to_the_author_has_one_n_per_padded_digit(kind, text):
    # Fix-its that cannot choose a number (MF103, an ACTUAL heading's proposal) write the ID this way.
    assert grammar.placeholder_id(kind, "OAGW") == text
    assert grammar.ID_TOKEN_RE.search(text) is None, "a placeholder is never read as an ID"


@pytest.mark.parametrize(
    ("text", "canonical"),
    [("SCEN-OAGW-1", "SCEN-OAGW-01"), ("TASK-OAGW-001", "TASK-OAGW-01"), ("REQ-OAGW-042", "REQ-OAGW-42")],
)
def test_padding_errors_name_the_canonical_form(text, canonical):
    assert canonical in grammar.parse_id(text).padding_error()


def test_the_spec_two_digit_phase_form_is_accepted():
    assert grammar.parse_id("PHASE-MODULE-01").padding_error() is None
    assert grammar.parse_id("PHASE-MODULE-01").key == grammar.parse_id("PHASE-MODULE-1").key


def test_find_ids_sees_ids_in_prose_but_not_inside_longer_words():
    text = "see REQ-OAGW-42, (REQ-1) and SCEN-OAGW-01; not XREQ-1 nor REQ-OAGW-4a nor my-TASK-X-1"
    assert [p.text for _, p in grammar.find_ids(text)] == ["REQ-OAGW-42", "REQ-1", "SCEN-OAGW-01"]
    assert grammar.find_ids("  PHASE-A2-3")[0][0] == 2


def test_sequences_continue_from_a_start():
    assert grammar.id_sequence(IdKind.TASK, "OAGW", 3, start=7) == ["TASK-OAGW-07", "TASK-OAGW-08", "TASK-OAGW-09"]


@pytest.mark.parametrize("prefix", ["oagw", "A", "1ABC", "ABCDEFGHIJK", "TASK", "REQ", "O-AGW"])
def test_bad_prefixes_are_refused(prefix):
    assert grammar.prefix_error(prefix)


@pytest.mark.parametrize(("name", "prefix"), [("cred-store", "CREDSTORE"), ("a", "AMOD"), ("task", "TASKM")])
def test_default_prefix_is_always_a_valid_prefix(name, prefix):
    assert naming.default_id_prefix(name) == prefix
    assert grammar.prefix_error(prefix) is None


def test_default_prefix_of_a_long_name_is_cut_to_ten():
    assert naming.default_id_prefix("very-long-module-name") == "VERYLONGMO"


def test_task_plan_numbers_tasks_across_phases_without_gaps():
    plan = scaffold.task_plan(
        {
            "module_name": "oagw",
            "id_prefix": "OAGW",
            "category": "worker",
            "persistence": True,
            "gts": True,
            "rest_api": True,
            "phase_titles": ["Core", "Health", "Scale"],
        }
    )
    numbers = [task.number for phase in plan for task in phase.tasks]
    assert numbers == list(range(1, len(numbers) + 1))
    titles = [task.title for task in plan[0].tasks]
    assert "REST API" not in titles  # a worker has no public REST API, whatever rest_api says
    assert "Infrastructure" in titles
    assert [p.id for p in plan] == ["PHASE-OAGW-1", "PHASE-OAGW-2", "PHASE-OAGW-3"]


@pytest.mark.parametrize("kind", list(IdKind), ids=lambda kind: kind.name)
def test_canonical_pattern_matches_exactly_the_spelling_format_id_writes(kind):
    """modforge.checker.quickcheck accepts an ID only as format_id spells it: one spelling per ID."""
    pattern = re.compile(grammar.canonical_pattern(kind))
    prefix = None if kind is IdKind.GLOBAL_REQ else "AB"
    for number in range(0, 250):
        canonical = grammar.format_id(kind, prefix, number)
        head = canonical.rsplit("-", 1)[0]
        for width in range(1, 5):
            spelled = f"{head}-{str(number).zfill(width)}"
            assert bool(pattern.fullmatch(spelled)) == (spelled == canonical and number > 0), spelled


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("SCEN-OAGW-1", "write SCEN-OAGW-01 (scenario numbers use at least 2 digits)"),
        ("TASK-OAGW-001", "write TASK-OAGW-01 (task numbers use at least 2 digits)"),
        ("REQ-OAGW-042", "write REQ-OAGW-42 (module requirement numbers use no leading zeros)"),
        ("PHASE-OAGW-001", "write PHASE-OAGW-1 (phase numbers use no leading zeros)"),
        ("REQ-OAGW-05", "write REQ-OAGW-5 (module requirement numbers use no leading zeros)"),  # only PHASE-X-0N
        ("REQ-05", "write REQ-5 (global requirement numbers use no leading zeros)"),
    ],
)
def test_a_padding_error_says_the_canonical_form_and_the_rule_of_the_kind(text, message):
    """The MF101 message a user reads: the exact text, stated literally (the rule is the point)."""
    assert grammar.parse_id(text).padding_error() == message


@pytest.mark.parametrize("text", ["see REQ-OAGW-1", "REQ-OAGW-1.", "REQ-oagw-1", "SCEN-OAGW-", "TASK-OAGW-1a", ""])
def test_parse_id_refuses_text_that_is_not_exactly_one_id(text):
    assert grammar.parse_id(text) is None


def test_a_sequence_starts_at_one_unless_told():
    assert grammar.id_sequence(IdKind.SCEN, "OAGW", 2) == ["SCEN-OAGW-01", "SCEN-OAGW-02"]


def test_a_bad_prefix_is_refused_with_the_rule_and_an_example():
    """The message `modforge new`, copier and MF103 show, stated literally."""
    assert grammar.prefix_error("oagw") == (
        "ID prefix 'oagw' must be 2 to 10 upper-case letters or digits, starting with a letter "
        "(for example OAGW or CREDSTORE)"
    )
    assert grammar.prefix_error("TASK") == (
        "ID prefix 'TASK' is an ID keyword and would read as one; choose another, such as TASKX"
    )


def test_a_module_id_without_a_prefix_is_a_clear_error():
    with pytest.raises(ValueError, match=r"^a scenario ID needs a module prefix$"):
        grammar.format_id(IdKind.SCEN, None, 1)
    assert grammar.format_id(IdKind.GLOBAL_REQ, None, 3) == "REQ-3"
