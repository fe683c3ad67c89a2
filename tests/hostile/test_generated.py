"""Generated hostile input: Hypothesis builds the file-system shapes (what stands where a document or the
answers file should be) and the documents themselves (fragments that once hung the scanner, conflict
markers, huge numbers, bytes that are not UTF-8, every line ending), and every command must keep its
contract: exit 0, 1 or 2; on 2 one line and the tree exactly as it was; never a change outside the module."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hostile.helpers import LEGACY_MODULE, Monorepo, make_monorepo, no_traceback, refused, run, snapshot

EXAMPLES = settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck))

# What may stand where a file is expected, and whether `check` can read it.
KINDS = ("text", "not utf-8", "empty", "link to a file outside", "link to nothing", "link loop", "folder", "fifo")
UNREADABLE = {"link to nothing", "link loop", "folder", "fifo"}
PLACES = ("docs/INTENT_DESIGN.md", "docs/TASKS.md", "docs/INTENT_SCENARIOS.md", ".copier-answers.yml")


def _shape(mono: Monorepo, relative: str, kind: str) -> None:
    path = mono.module / relative
    if kind == "text":
        return
    path.unlink()
    if kind == "not utf-8":
        path.write_bytes(b"## Overview\n\xff\xfe caf\xe9\n")
    elif kind == "empty":
        path.write_bytes(b"")
    elif kind == "link to a file outside":
        path.symlink_to(mono.outside / "precious.md")
    elif kind == "link to nothing":
        path.symlink_to(mono.outside / "missing.md")
    elif kind == "link loop":
        path.symlink_to(path)
    elif kind == "folder":
        path.mkdir()
    elif kind == "fifo":
        os.mkfifo(path)


@EXAMPLES
@given(kinds=st.tuples(*[st.sampled_from(KINDS) for _ in PLACES]))
def test_any_file_system_shape(tmp_path_factory, kinds) -> None:
    mono = make_monorepo(tmp_path_factory.mktemp("shape"), git_repo=False)
    for place, kind in zip(PLACES, kinds, strict=True):
        _shape(mono, place, kind)
    before, outside = mono.snapshot(), snapshot(mono.outside)
    unreadable = any(kind in UNREADABLE for kind in kinds)

    result = run("check", "--no-cache", mono.module)
    if unreadable:
        refused(result, "check")
    else:
        no_traceback(result)
        assert result.code in (0, 1), result.err
    assert mono.snapshot() == before

    for args in (["migrate", mono.module], ["prompt", "tasks", mono.module]):
        before = mono.snapshot()  # migrate may have rewritten a document the prompt then refuses to read
        result = run(*args)
        no_traceback(result)
        if result.code == 2:
            refused(result, args[0])
            assert mono.snapshot() == before
        else:
            assert result.code in (0, 1), result.err
    assert snapshot(mono.outside) == outside  # whatever migrate did inside the module


# --- documents ---------------------------------------------------------------------------------------------------
FRAGMENTS = st.sampled_from(
    [
        "x\n",
        ">>\n",
        "> a\n",
        "<<<<<<<\n",
        "=======\n",
        ">>>>>>>\n",
        "<<<<<<< before updating\n",
        "```\n",
        "~~~\n",
        "<!--\n",
        "-->\n",
        "    code\n",
        "\t>\t-\tx\n",
        "- [ ] 1.1 task\n",
        "### 1. Legacy task\n",
        "## Phase 1: Core\n",
        "## Phase " + "9" * 5000 + "\n",
        "### REQ-OAGW-" + "9" * 5000 + ": huge\n",
        "### REQ-OAGW-1: Title\nThe gateway MUST work.\n",
        "## Security and Tenancy\n",
        "## Implementation Phases\n",
        "See REQ-1, SCEN-OAGW-01 and TASK-OAGW-01.\n",
        "===\n",
        "---\n",
        "<div>\n",
        "1. item\n",
        "`code` and ``more`\n",
        "\n",
    ]
)
DOCUMENTS = st.builds(
    lambda parts, ending, bom, stray: (
        (b"\xef\xbb\xbf" if bom else b"") + "".join(parts).replace("\n", ending).encode("utf-8") + stray
    ),
    st.lists(FRAGMENTS, max_size=30),
    st.sampled_from(["\n", "\r\n", "\r"]),
    st.booleans(),
    st.sampled_from([b"", b"", b"", b"\xff", b"\x00"]),
)


@EXAMPLES
@given(design=DOCUMENTS, tasks=DOCUMENTS)
def test_any_document_for_check_and_migrate(tmp_path_factory, design: bytes, tasks: bytes) -> None:
    mono = make_monorepo(tmp_path_factory.mktemp("document"), git_repo=False)
    mono.doc("INTENT_DESIGN.md").write_bytes(design)
    mono.doc("TASKS.md").write_bytes(tasks)
    before = mono.snapshot()

    result = run("check", "--no-cache", mono.module)
    no_traceback(result)
    assert result.code in (0, 1), result.err  # what it can read, it reports on; it can read every file here
    assert mono.snapshot() == before

    result = run("migrate", mono.module)
    no_traceback(result)
    if result.code == 2:
        refused(result, "migrate")
        assert mono.snapshot() == before
    else:
        assert result.code in (0, 1), result.err


@settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))
@given(design=DOCUMENTS, tasks=DOCUMENTS)
def test_any_document_for_adopt(tmp_path_factory, template_repo: Path, design: bytes, tasks: bytes) -> None:
    mono = make_monorepo(tmp_path_factory.mktemp("adopt"), LEGACY_MODULE, git_repo=False)
    mono.doc("1_INTENT_DESIGN.md").write_bytes(design)
    mono.doc("TASKS.md").write_bytes(tasks)
    before = mono.snapshot()

    result = run("adopt", mono.module, "--template", template_repo)

    no_traceback(result)
    if result.code == 2:
        refused(result, "adopt")
        assert mono.snapshot() == before
        return
    assert result.code == 0, result.err
    for original, adopted in ((design, "INTENT_DESIGN.md"), (tasks, "TASKS.md")):
        kept = mono.doc(adopted).read_bytes()
        for line in original.removeprefix(b"\xef\xbb\xbf").replace(b"\r\n", b"\n").replace(b"\r", b"\n").split(b"\n"):
            if line.strip() and not line.startswith(b"#"):
                assert line in kept  # adoption changes headings only: every other line is still there
    shutil.rmtree(mono.root.parent)
