"""Encodings: a file modforge cannot read as UTF-8 is never rewritten, renamed or shadowed (refused with its
byte offset); a file it can read keeps its byte order mark and every line ending, so a change is a diff of
the lines that changed, not of the whole file. `check` reports what it cannot read as a finding (MF001)."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hostile.helpers import Monorepo, make_monorepo, no_traceback, refused, run

LATIN1 = "## Overview\nCafé gateway, naïve retries\n".encode("latin-1")  # 0xe9 at offset 16: not UTF-8
ENCODINGS = {
    "latin-1": lambda text: text.encode("latin-1", "replace").replace(b"Overview", b"Overvi\xe9w"),
    "utf-16": lambda text: text.encode("utf-16"),
    "utf-16-be with its mark": lambda text: codecs.BOM_UTF16_BE + text.encode("utf-16-be"),
}


@pytest.mark.parametrize("encoding", [*ENCODINGS])
def test_check_reports_a_document_it_cannot_read_as_a_finding(monorepo: Monorepo, encoding: str) -> None:
    design = monorepo.doc("INTENT_DESIGN.md")
    design.write_bytes(ENCODINGS[encoding](design.read_text(encoding="utf-8")))
    before = monorepo.snapshot()

    result = run("check", monorepo.module)

    no_traceback(result)
    assert result.code == 1
    (finding,) = [line for line in result.out.splitlines() if "MF001" in line]
    assert "docs/INTENT_DESIGN.md:" in finding
    assert monorepo.snapshot() == before


@pytest.mark.parametrize("encoding", [*ENCODINGS])
def test_migrate_never_rewrites_a_design_it_cannot_read(monorepo: Monorepo, encoding: str) -> None:
    # The reported case: migrate said "already has the changes" for a design that is not UTF-8.
    design = monorepo.doc("INTENT_DESIGN.md")
    design.write_bytes(ENCODINGS[encoding](design.read_text(encoding="utf-8")))
    monorepo.commit()
    before = monorepo.snapshot()

    for args in (["--dry-run"], []):
        line = refused(run("migrate", monorepo.module, *args), "migrate", says="INTENT_DESIGN.md")
        assert "UTF" in line
        assert monorepo.snapshot() == before


def test_migrate_names_the_byte_offset_of_the_first_byte_that_is_not_utf8(monorepo: Monorepo) -> None:
    monorepo.doc("INTENT_DESIGN.md").write_bytes(LATIN1 + monorepo.doc("INTENT_DESIGN.md").read_bytes())
    monorepo.commit()

    line = refused(run("migrate", monorepo.module), "migrate")

    assert "byte 0xe9 at offset 15 (line 2, column 4)" in line


@pytest.mark.parametrize("legacy_name", ["1_INTENT_DESIGN.md", "3_INTENT_SCENARIOS.md", "TASKS.md"])
def test_adopt_never_replaces_renames_or_shadows_a_document_it_cannot_read(
    legacy: Monorepo, template_repo: Path, legacy_name: str
) -> None:
    # The reported cases: adopt replaced a document that is not UTF-8 with the skeleton, and left a
    # 1_INTENT_DESIGN.md that is not UTF-8 unrenamed with a skeleton INTENT_DESIGN.md beside it.
    document = legacy.doc(legacy_name)
    document.write_bytes(LATIN1 + document.read_bytes())
    legacy.commit()
    before = legacy.snapshot()

    line = refused(run("adopt", legacy.module, "--template", template_repo), "adopt", says=legacy_name)

    assert "offset 15" in line
    assert legacy.snapshot() == before


def _crlf_with_bom(path: Path) -> bytes:
    data = codecs.BOM_UTF8 + path.read_bytes().replace(b"\n", b"\r\n")
    path.write_bytes(data)
    return data


def test_migrate_keeps_the_mark_and_the_line_endings_of_what_it_changes(monorepo: Monorepo) -> None:
    before = _crlf_with_bom(monorepo.doc("INTENT_DESIGN.md"))
    monorepo.commit()

    result = run("migrate", monorepo.module)

    assert result.code == 0, result.err
    after = monorepo.doc("INTENT_DESIGN.md").read_bytes()
    assert after.startswith(codecs.BOM_UTF8)
    assert after.count(b"\n") == after.count(b"\r\n")  # every line still ends in CRLF
    old, new = before.split(b"\r\n"), after.split(b"\r\n")
    assert b"## Security and Tenancy" in old
    assert b"## Security" in new
    assert [line for line in old if line not in new] == [b"## Security and Tenancy"]  # one line changed ...
    assert not set(old) - set(new) - {b"## Security and Tenancy"}  # ... and every other line is still there


def test_adopt_keeps_the_mark_and_the_line_endings_of_every_document(legacy: Monorepo, template_repo: Path) -> None:
    originals = {path.name: _crlf_with_bom(path) for path in sorted((legacy.module / "docs").iterdir())}
    legacy.commit()

    result = run("adopt", legacy.module, "--template", template_repo)

    assert result.code == 0, result.err
    for name, before in originals.items():
        adopted = legacy.doc(name.split("_", 1)[1] if name[0].isdigit() else name).read_bytes()
        assert adopted.startswith(codecs.BOM_UTF8), name
        assert adopted.count(b"\n") == adopted.count(b"\r\n"), name
        unchanged = [line for line in before.split(b"\r\n") if not line.lstrip(b"\xef\xbb\xbf").startswith(b"#")]
        lines = adopted.split(b"\r\n")
        assert all(line in lines for line in unchanged if b"_INTENT_" not in line and b"_ACTUAL_" not in line), name


def test_a_settings_file_that_is_not_utf8_stops_check_with_its_offset(monorepo: Monorepo) -> None:
    (monorepo.root / ".modforge.toml").write_bytes(b'# r\xe9glages\nselect = ["ALL"]\n')
    before = monorepo.snapshot()

    line = refused(run("check", monorepo.module), "check", says=".modforge.toml")

    assert "byte 0xe9 at offset 3" in line
    assert monorepo.snapshot() == before


@pytest.mark.parametrize("command", ["check", "migrate", "prompt"])
def test_an_answers_file_that_is_not_utf8(monorepo: Monorepo, command: str) -> None:
    answers = monorepo.module / ".copier-answers.yml"
    answers.write_bytes(answers.read_bytes().replace(b"Outbound", b"Outb\xf6und"))
    before = monorepo.snapshot()

    args = {"check": ["check"], "migrate": ["migrate"], "prompt": ["prompt", "tasks"]}[command]
    result = run(*args, monorepo.module)

    if command == "check":  # a finding: MF003 names the file and the place
        no_traceback(result)
        assert result.code == 1
        assert ".copier-answers.yml" in result.out
    else:
        refused(result, command, says=".copier-answers.yml")
    assert monorepo.snapshot() == before


# --- generated: any bytes in the design, any line endings ---------------------------------------------
_CHARACTERS = st.characters(codec="utf-8", exclude_categories=("Cs",), exclude_characters="\r\n")  # one ending
# What str.splitlines ends a line at and a Markdown line may hold: a migration once inserted its section inside
# such a line (it placed the parser's line numbers on str.splitlines' lines).
INLINE_BREAKS = ["\v", "\f", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"]
_TEXT = st.text(alphabet=_CHARACTERS, max_size=12)
_LINES = st.lists(
    st.one_of(
        st.sampled_from(["## Security and Tenancy", "## Overview", "## Implementation Phases", "- item", "", "text"]),
        _TEXT,
        st.builds(lambda a, inline, b: a + inline + b, _TEXT, st.sampled_from(INLINE_BREAKS), _TEXT),
    ),
    max_size=12,
)


@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    lines=_LINES,
    ending=st.sampled_from([b"\n", b"\r\n", b"\r"]),
    bom=st.booleans(),
    stray=st.one_of(st.none(), st.binary(min_size=1, max_size=2).filter(lambda b: _not_utf8(b))),
)
def test_migrate_on_any_design_keeps_every_byte_it_does_not_change(tmp_path_factory, lines, ending, bom, stray) -> None:
    mono = make_monorepo(tmp_path_factory.mktemp("design"), git_repo=False)
    text = ending.join(line.encode("utf-8") for line in lines) + ending
    data = (codecs.BOM_UTF8 if bom else b"") + text + (stray or b"")
    design = mono.doc("INTENT_DESIGN.md")
    design.write_bytes(data)
    before = mono.snapshot()

    result = run("migrate", mono.module)

    if stray is not None:  # not UTF-8: refused, nothing written
        refused(result, "migrate", says="not UTF-8")
        assert mono.snapshot() == before
        return
    no_traceback(result)
    assert result.code == 0, result.err
    after = design.read_bytes()
    assert after.startswith(codecs.BOM_UTF8) == bom
    body = after.removeprefix(codecs.BOM_UTF8)
    old = [line for line in text.split(ending) if line]
    kept = [line for line in old if line != b"## Security and Tenancy"]
    new = body.split(ending)
    assert all(line in new for line in kept)  # every line the migration does not rewrite, byte for byte
    if ending != b"\n":
        assert body.replace(ending, b"").count(b"\n") == 0  # no line ending of another kind was added


@pytest.mark.parametrize("inline", INLINE_BREAKS, ids=[f"U+{ord(c):04X}" for c in INLINE_BREAKS])
def test_migrate_adds_its_section_between_lines_never_inside_one(tmp_path, inline: str) -> None:
    mono = make_monorepo(tmp_path, git_repo=False)
    design = mono.doc("INTENT_DESIGN.md")
    held = f"9u{inline}N and more"
    design.write_text(f"# Oagw: Intent Design\n\n{held}\n## Implementation Phases\n\ntext\n", encoding="utf-8")

    result = run("migrate", mono.module)

    assert result.code == 0, result.err
    lines = design.read_text(encoding="utf-8").split("\n")
    assert held in lines, "the line holding the separator is whole"
    assert lines.index("## Testing Strategy") > lines.index(held)  # the new section after it, not inside


def _not_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False
