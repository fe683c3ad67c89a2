"""The document model the parser builds from real files (tests/fixtures/parser/): every field a rule reads,
at the lines an editor shows, with guidance comments, code and inline code never read as IDs; and files that
are not UTF-8 Markdown text give a problem, never an exception."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from modforge.documents import blockscan, parser
from modforge.spec import global_requirements, layout
from modforge.spec.grammar import ID_SCAN_RES, ID_TOKEN_RE, IdKind, parse_id

FIXTURES = Path(__file__).parent / "fixtures" / "parser"
DOCS = FIXTURES / "module" / "docs"


def parse(name: str, folder: Path = DOCS):
    return parser.parse_document(folder / name)


def ids(document) -> list[tuple[str, int, int, bool, bool]]:
    return [(o.id.text, o.line, o.column, o.in_heading, o.defines) for o in document.ids]


# --- scenarios -------------------------------------------------------------------------------------
def test_scenarios_carry_their_phase_steps_and_lines() -> None:
    doc = parse(layout.INTENT_SCENARIOS)
    first, _second, timeout, _sub, outside = doc.scenarios
    assert (first.id.text, first.title, first.line, first.phase.number) == ("SCEN-OAGW-01", "Forward a request", 11, 1)
    assert [(s.keyword, s.line) for s in first.steps] == [("WHEN", 12), ("THEN", 13), ("AND", 14)]
    assert first.steps[1].text == "the gateway forwards it upstream (REQ-OAGW-1, REQ-1)"
    assert (timeout.phase.id.text, timeout.phase.title) == ("PHASE-MODULE-02", "")
    assert outside.phase is None, "a level-2 heading that is no phase ends the phase section"


def test_top_level_bullets_without_keyword_are_listed_and_nested_bullets_belong_to_their_step() -> None:
    first, second, *_ = parse(layout.INTENT_SCENARIOS).scenarios
    assert first.bullets_without_keyword == ()  # the nested note under AND is part of that step
    assert second.bullets_without_keyword == (19,)
    assert [s.keyword for s in second.steps] == ["WHEN", "THEN", "AND"]  # `*` bullets count too
    assert second.steps[2].text == "the `REQ-OAGW-77` in code is an example, not a reference"


def test_a_deeper_heading_inside_a_scenario_is_a_nested_heading() -> None:
    *_, timeout, sub, _ = parse(layout.INTENT_SCENARIOS).scenarios
    assert [(h.level, h.text, h.line) for h in timeout.nested_headings] == [(4, "SCEN-OAGW-16: A sub-scenario", 34)]
    assert [s.keyword for s in timeout.steps] == ["WHEN", "THEN"]
    assert sub.id.text == "SCEN-OAGW-16"


def test_ids_in_comments_fences_and_inline_code_are_not_read() -> None:
    texts = {o.id.text for o in parse(layout.INTENT_SCENARIOS).ids}
    assert not texts & {"SCEN-OAGW-99", "REQ-OAGW-99", "SCEN-OAGW-98", "REQ-OAGW-98", "REQ-OAGW-77"}
    assert {"REQ-OAGW-1", "REQ-1", "REQ-10", "REQ-OAGW-2", "REQ-2"} <= texts


def test_every_id_has_its_line_column_and_whether_its_heading_defines_it() -> None:
    occurrences = ids(parse(layout.INTENT_SCENARIOS))
    assert occurrences[:4] == [
        ("PHASE-OAGW-1", 9, 4, True, True),
        ("SCEN-OAGW-01", 11, 5, True, True),
        ("REQ-OAGW-1", 13, 46, False, False),
        ("REQ-1", 13, 58, False, False),
    ]
    lines = (DOCS / layout.INTENT_SCENARIOS).read_text().splitlines()
    for text, line, column, *_ in occurrences:
        assert lines[line - 1][column - 1 :].startswith(text)


# --- tasks -----------------------------------------------------------------------------------------
def test_tasks_carry_subtasks_with_number_mark_depth_and_both_phase_forms() -> None:
    sdk, timeout = parse(layout.TASKS).tasks
    assert (sdk.id.text, sdk.title, sdk.line, sdk.phase.id.text) == (
        "TASK-OAGW-01",
        "SDK Implementation",
        7,
        "PHASE-OAGW-1",
    )
    assert [(s.number, s.mark, s.line, s.depth) for s in sdk.subtasks] == [
        ("1.1", " ", 8, 0),
        ("1.2", "x", 9, 0),
        ("1.2.1", "X", 10, 1),
        ("1.3", "~", 11, 0),
        ("", " ", 12, 0),
    ]
    assert [s.done for s in sdk.subtasks] == [False, True, True, False, False]
    assert sdk.subtasks[0].text == "Define API traits (REQ-OAGW-42, REQ-OAGW-43)"
    assert (timeout.phase.id, timeout.phase.number) == (None, 2)  # the spec's `## Phase 2`


def test_legacy_documents_are_read_under_todays_names_with_numbered_tasks() -> None:
    tasks = parse(layout.TASKS, FIXTURES / "legacy" / "docs")
    assert [(t.id, t.title, t.legacy_number, len(t.subtasks)) for t in tasks.tasks] == [
        (None, "SDK Implementation", 1, 2),
        (None, "Domain Layer", 2, 1),
    ]
    scenarios = parse("3_INTENT_SCENARIOS.md", FIXTURES / "legacy" / "docs")
    assert scenarios.name == layout.INTENT_SCENARIOS
    assert [(s.id.text, s.phase.number) for s in scenarios.scenarios] == [("SCEN-LEG-01", 1)]


# --- requirements and design ---------------------------------------------------------------------------
def test_requirement_bodies_leave_out_comments_and_code() -> None:
    timeout, health, global_one = parse(layout.INTENT_REQUIREMENTS).requirements
    assert (timeout.id.text, timeout.title, timeout.line) == ("REQ-OAGW-42", "Configurable Timeout", 8)
    assert "MAY" in timeout.body
    assert "Configurable per endpoint" in timeout.body
    assert "comment" not in timeout.body
    assert "REQ-OAGW-97" not in timeout.body
    assert "SHOULD be excluded" in health.body, "a deeper heading's text belongs to the requirement"
    assert global_one.id.kind is IdKind.GLOBAL_REQ


def test_requirement_guidance_in_a_comment_defines_nothing() -> None:
    doc = parse(layout.INTENT_REQUIREMENTS)
    assert [r.id.text for r in doc.requirements] == ["REQ-OAGW-42", "REQ-OAGW-43", "REQ-1"]


def test_design_phases_are_read_from_title_and_id_headings() -> None:
    doc = parse(layout.INTENT_DESIGN)
    assert [(p.id.text, p.number, p.title, p.line) for p in doc.phases] == [
        ("PHASE-OAGW-1", 1, "Basic Forwarding", 12),
        ("PHASE-OAGW-2", 2, "Advanced Configuration", 15),
    ]
    defining = [(o.id.text, o.line) for o in doc.ids if o.defines]
    assert defining == [("PHASE-OAGW-1", 12), ("PHASE-OAGW-2", 15)]


# --- intent vs actual, changelog --------------------------------------------------------------------------
def test_gap_entries_carry_their_scenario_and_labels() -> None:
    doc = parse(layout.INTENT_VS_ACTUAL)
    named, unnamed = doc.gaps
    assert (named.id.text, named.title, named.line, named.labels) == (
        "SCEN-OAGW-01",
        "Forward request to upstream",
        3,
        (("Intent", 4), ("Actual", 5), ("Gap", 6)),
    )
    assert (unnamed.id, unnamed.labels) == (None, (("Gap", 9),))
    assert [o.defines for o in doc.ids] == [False], "an entry names a scenario, it does not define one"


def test_changelog_releases_carry_sections_and_entries() -> None:
    unreleased, current, old = parse(layout.CHANGELOG).releases
    assert (unreleased.version, unreleased.date, unreleased.line) == ("Unreleased", None, 5)
    assert unreleased.sections[0].name == "", "bullets before any section"
    assert (current.version, current.date, current.heading) == ("0.2.0", "2024-01-15", "[0.2.0] - 2024-01-15")
    assert [(s.name, s.line) for s in current.sections] == [("Added", 9), ("Fixed", 12)]
    assert current.sections[0].entries == (
        (10, "SCEN-OAGW-15: Timeout configuration support"),
        (11, "SCEN-OAGW-16: Retry with exponential backoff"),
    )
    assert (old.version, old.date) == ("0.1.0 (no brackets)", None), "a malformed heading is kept for the rules"


# --- merge leftovers, line endings -------------------------------------------------------------------------
def test_conflict_markers_are_found_outside_code() -> None:
    doc = parse("conflicts.md", FIXTURES / "markdown")
    assert doc.conflict_markers == (3, 5, 7)


@pytest.mark.parametrize("marker", ["<<<<<<< ours", "||||||| base", "=======", ">>>>>>> theirs"])
def test_each_conflict_marker_alone_is_found(marker) -> None:
    """Each of the four marker lines on its own (a hand-resolved conflict that left one behind)."""
    doc = parser.parse_text(f"# Title\n\n{marker}\ntext\n", Path("INTENT_DESIGN.md"), "INTENT_DESIGN.md")
    assert doc.conflict_markers == (3,)


def test_a_diff3_conflict_with_all_four_markers_is_found() -> None:
    """`git merge` with merge.conflictStyle=diff3 (and copier's updates) write all four marker lines at once."""
    text = "# Title\n\n<<<<<<< ours\na\n||||||| base\nb\n=======\nc\n>>>>>>> theirs\n"
    doc = parser.parse_text(text, Path("INTENT_DESIGN.md"), "INTENT_DESIGN.md")
    assert doc.conflict_markers == (3, 5, 7, 9)


def test_crlf_and_a_byte_order_mark_read_as_plain_lines() -> None:
    doc = parser.parse_document(
        Path("INTENT_REQUIREMENTS.md"), data=b"\xef\xbb\xbf" + (FIXTURES / "markdown" / "crlf.md").read_bytes()
    )
    (requirement,) = doc.requirements
    assert (requirement.id.text, requirement.line, requirement.body) == (
        "REQ-CRL-1",
        3,
        "The module MUST work.\n- item",
    )
    assert ids(doc) == [("REQ-CRL-1", 3, 5, True, True)]


# --- files that are not UTF-8 Markdown ---------------------------------------------------------------------
@pytest.mark.parametrize(
    ("data", "code", "line"),
    [
        (b"", "empty", 1),
        (b"\n  \n\t\n", "empty", 1),
        (b"# Title\n\nbinary \x00 data\n", "binary", 3),
        (b"# Title\n\ncaf\xe9 in Latin-1 (REQ-OAGW-1)\n", "not-utf8", 3),
        ("# Title\n\nREQ-OAGW-1\n".encode("utf-16"), "not-utf8", 1),
        (b"x" * (parser.MAX_DOCUMENT_BYTES + 1), "too-large", 1),
    ],
    ids=["empty", "blank", "binary", "latin-1", "utf-16", "too-large"],
)
def test_unreadable_content_is_a_problem_with_a_fix(data: bytes, code: str, line: int) -> None:
    doc = parser.parse_document(Path("INTENT_DESIGN.md"), data=data)
    (problem,) = doc.problems
    assert (problem.code, problem.line) == (code, line)
    assert ";" in problem.message, "the message says what to do"


def test_a_document_of_exactly_the_size_limit_is_read_by_the_parser_and_the_quick_proof() -> None:
    from modforge.documents.doctext import readable_text

    data = b"# Title\n" + b"x" * (parser.MAX_DOCUMENT_BYTES - 9) + b"\n"
    assert len(data) == parser.MAX_DOCUMENT_BYTES
    assert parser.parse_document(Path("INTENT_DESIGN.md"), data=data).problems == ()
    assert readable_text(data) == data.decode()
    assert readable_text(data + b"x") is None


def test_text_in_another_encoding_is_still_read() -> None:
    latin = parser.parse_document(Path("X.md"), data=b"caf\xe9 (REQ-OAGW-1)\n")
    utf16 = parser.parse_document(Path("X.md"), data="REQ-OAGW-1\n".encode("utf-16"))
    assert [o.id.text for o in latin.ids] == [o.id.text for o in utf16.ids] == ["REQ-OAGW-1"]


def test_a_missing_file_is_an_io_problem(tmp_path: Path) -> None:
    (problem,) = parser.parse_document(tmp_path / layout.TASKS).problems
    assert problem.code == "io-error"
    assert parser.parse_document(tmp_path / layout.TASKS).name == layout.TASKS


# --- global requirements -----------------------------------------------------------------------------------
def test_global_requirements_come_from_the_guidelines_headings() -> None:
    path = FIXTURES / "guidelines" / "MODULE_REQUIREMENTS.md"
    found = global_requirements.parse_global_requirements(path)
    assert found.titles == {1: "Tenant isolation", 10: "Tracing spans on every handler"}
    assert found.source == str(path)
    assert 1 in found
    assert 99 not in found


# --- the ID scan -------------------------------------------------------------------------------------------
id_like = st.text(alphabet="REQSCNTAKPH-0123456789ABXYZ_ x(),`\n", max_size=60)


@settings(max_examples=500, deadline=None)
@given(id_like)
def test_the_per_keyword_scan_finds_exactly_the_id_token_pattern_s_tokens(text: str) -> None:
    found = sorted((m.start(), m.group()) for pattern in ID_SCAN_RES for m in pattern.finditer(text))
    assert found == [(m.start(), m.group()) for m in ID_TOKEN_RE.finditer(text)]
    assert all(parser.parsed_id(token) == parse_id(token) for _, token in found)


# IDs a module writes: any keyword, prefixes never seen by the process before (so the batch path builds them).
written_ids = st.lists(
    st.tuples(
        st.sampled_from(["REQ", "SCEN", "TASK", "PHASE"]),
        st.one_of(st.just(""), st.from_regex(r"[A-Z][A-Z0-9]{1,9}", fullmatch=True)),
        st.from_regex(r"[0-9]{1,4}", fullmatch=True),
    ).map(lambda parts: "-".join(part for part in parts if part)),
    min_size=1,
    max_size=40,
)


@settings(max_examples=300, deadline=None)
@given(written_ids)
def test_distinct_ids_are_the_grammar_s_reading_of_each_id_written_once(tokens: list[str]) -> None:
    text = "# Doc\n\n" + "\n".join(f"- see {token} and `REQ-ZZ-1`" for token in tokens) + "\n"
    document = parser.parse_text(text, Path("doc.md"), layout.INTENT_SCENARIOS)
    by_text = {parsed.text: parsed for parsed in document.distinct_ids}
    assert len(by_text) == len(document.distinct_ids), "each spelling once"
    assert by_text == {token: parse_id(token) for token in tokens}
    # the occurrences (built on first use) name the same ID objects, so rules may compare them by identity
    assert {id(o.id) for o in document.ids} == {id(parsed) for parsed in document.distinct_ids}


def test_occurrences_are_located_only_when_asked_for() -> None:
    document = parse(layout.INTENT_SCENARIOS)
    assert "ids" not in vars(document), "a parse locates no occurrence by itself"
    assert document.ids
    assert "ids" in vars(document)
    assert document.ids is document.ids, "located once"


# The one-pass reading of a section's top-level items must equal the general, nesting-aware one.
section_lines = st.lists(
    st.sampled_from(
        [
            "- **WHEN** a",
            "- **THEN** b",
            "* x",
            "+",
            "-",
            "-x",
            "  - nested",
            "   - three",
            "\t- tab",
            "  more",
            "",
            " ",
            "text",
            "1. one",
            "### SCEN-AB-02: Next",
            "```",
            "<!-- c -->",
        ]
    ),
    max_size=12,
)


@settings(max_examples=300, deadline=None)
@given(section_lines)
def test_a_section_s_top_level_items_read_in_one_pass_match_the_nesting_aware_reading(lines: list[str]) -> None:
    text = "## PHASE-AB-1: P\n\n### SCEN-AB-01: First\n" + "\n".join(lines) + "\n"
    scan = blockscan.scan(blockscan.normalize(text))
    builder = parser._Builder(scan, layout.INTENT_SCENARIOS)
    for index in range(len(scan.headings)):
        general = [(number, item) for number, depth, item in builder._items(index) if not depth]
        assert builder._top_items(index) == general
