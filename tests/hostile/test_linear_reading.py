"""Reading a document costs steps linear in its size, whatever its shape: the proof without a clock.

The block scanner once took the square of the input on quotes after a paragraph line (`x\\n>>\\n`
repeated: 19 s for 16 kB) and on bare conflict markers (73 s for 39 kB). This test counts the Python
lines that modforge.documents (scanner, parser, document text) executes, with sys.settrace (nothing is
counted, and nothing costs, in a normal run), for every shape bench/adversarial.py times, at two sizes four
times apart: the count may grow four times, and a little more, never sixteen. Work done inside C (a regular
expression, a string search) is not counted; the benchmark's clock covers it.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from modforge.documents import blockscan, doctext, parser

BENCH = Path(__file__).resolve().parents[2] / "bench" / "adversarial.py"
SMALL, LARGE = 2_000, 8_000  # bytes: four times apart
SLACK = 1.2  # what constant costs leave of a ratio of four


def _bench():
    spec = importlib.util.spec_from_file_location("adversarial_bench", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


SHAPES = _bench().SHAPES
COUNTED = {blockscan.__file__, parser.__file__, doctext.__file__}


def steps(action) -> int:
    """How many lines of the counted modules `action()` executes."""
    count = 0

    def line(_frame, _event, _arg):
        nonlocal count
        count += 1
        return line

    def call(frame, _event, _arg):
        return line if frame.f_code.co_filename in COUNTED else None

    sys.settrace(call)
    try:
        action()
    finally:
        sys.settrace(None)
    return count


def reading(text: str, exact: bool):
    data = text.encode("utf-8")
    if exact:  # the scanner's exact path over the whole text: where a hostile section ends up
        normal = blockscan.normalize(text)
        return lambda: blockscan.scan(normal, exact=True)
    return lambda: parser.parse_document(Path("docs/INTENT_DESIGN.md"), "INTENT_DESIGN.md", data).ids


@pytest.mark.parametrize("exact", [False, True], ids=["document", "exact-path"])
@pytest.mark.parametrize("shape", [*SHAPES])
def test_reading_grows_linearly_with_the_input(shape: str, exact: bool) -> None:
    small = steps(reading(SHAPES[shape](SMALL), exact))
    large = steps(reading(SHAPES[shape](LARGE), exact))
    assert large <= LARGE / SMALL * SLACK * small + 1000, (
        f"{shape}: {small} steps for {SMALL} bytes, {large} for {LARGE}"
    )


def test_the_count_sees_quadratic_work() -> None:
    # The counter's own check: scanning every prefix of a text is quadratic work, and counted as such.
    def every_prefix(size: int):
        text = "x\n>>\n" * (size // 5)
        return lambda: [blockscan.scan(text[:end]) for end in range(0, len(text), 200)]

    small, large = steps(every_prefix(SMALL // 4)), steps(every_prefix(SMALL))
    assert large > 4 * SLACK * small + 1000
