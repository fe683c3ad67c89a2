"""Benchmark of hostile documents (issue 9, "Hangs"): every way of reading a document must cost time linear in
its size, whatever its shape.

Usage: .venv/bin/python bench/adversarial.py [--sizes 64,256,1024] [--shapes a,b] [--stages scan,parse,...]
                                             [--repeat 3]

Each shape is a pattern repeated whole (or a generator) up to about each size in kB. For each shape and size
it times, best of --repeat runs, the stages asked for (scan and parse by default):

- scan:    modforge.documents.blockscan.scan, the CommonMark block scanner (its usual path: whole-text
           patterns, then the exact line rules over the sections that need them);
- exact:   the scanner's exact path alone over the whole text (the path a hostile section ends up in);
- parse:   modforge.documents.parser.parse_document, the whole document model (what check, migrate and
           adopt read documents with);
- check:   the checker on a module whose four intent and task documents are the shape (quickcheck, parse,
           every rule), in process, no cache;
- migrate: the template's migrations planned over that module (`modforge migrate --dry-run`);
- adopt:   adoption planned over the module with legacy document names (`modforge adopt --dry-run`).

It prints the CPU seconds per size (this process and the git processes it waits for: on a shared machine the
wall clock measures the wait for a core as much as the work) and the growth ratio from each size to the next
(4.0 for sizes 4x apart is linear; quadratic work shows 16). The last table lists each shape's worst ratio.
The known hangs of issue 9 (quotes after a paragraph line, bare conflict markers) took 19 s at 16 kB and
73 s at 39 kB before.
"""

from __future__ import annotations

import argparse
import gc
import resource
import shutil
import sys
import tempfile
from collections.abc import Callable
from itertools import pairwise
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO / "src"))

from modforge.documents import blockscan, parser  # noqa: E402
from modforge.spec import layout  # noqa: E402


def _repeat(unit: str) -> Callable[[int], str]:
    """`unit` repeated, whole, to about `size` characters (a cut unit would end the text differently at each
    size, and the scanner may take another path for that last line)."""
    return lambda size: unit * max(1, size // len(unit))


def _backtick_ladder(size: int) -> str:
    """Code-span openers of every length, each followed by a quoted line, their closers far below: each
    opener's search for its closer crosses the whole text."""
    lines, closers, total, length = [], [], 0, 1
    while total < size:
        lines.append("`" * length + " a\n> b\n")
        closers.append("`" * length + "\n")
        total += 2 * length + 7
        length += 1
    return ("".join(lines) + "".join(closers))[:size]


def _span_line(size: int) -> str:
    """One long line of backtick runs of growing length, their closers on the next line."""
    runs, total, length = [], 0, 1
    while total < size // 2:
        runs.append("`" * length)
        total += length + 1
        length += 1
    line = " ".join(runs)
    return (line + "\n" + line + "\n")[:size]


def _huge_id(size: int) -> str:
    return "### REQ-X-" + "9" * (size - 20) + ": t\n"


SHAPES: dict[str, Callable[[int], str]] = {
    # the two hangs issue 9 reported
    "quote after paragraph": _repeat("x\n>>\n"),
    "bare conflict markers": _repeat("<<<<<<<\n=======\n>>>>>>>\n"),
    # the class behind them: a quote whose lazy lines a later block does not take
    "labelled conflict markers": _repeat("<<<<<<< before updating\nmine\n=======\ntheirs\n>>>>>>> after updating\n"),
    "quote, fence, lazy line": _repeat("> ```\nx\n"),
    "quote, html, lazy line": _repeat("> <div>\nx\n"),
    "quote, code, lazy line": _repeat(">     code\nx\n"),
    "quote, empty, lazy line": _repeat(">\nx\n"),
    "quote with lazy paragraph": _repeat("> a\nb\n"),
    "quotes 30 deep, lazy": _repeat(">" * 30 + " a\nb\n"),
    "quote holding list, lazy": _repeat("> 1. a\nb\n> - c\nd\n"),
    # other containers and blocks
    "nested list items": _repeat("- a\n  - b\n    - c\n      - d\n"),
    "list 20 deep": _repeat("".join("  " * depth + "- x\n" for depth in range(20))),
    "list with lazy lines": _repeat("- a\nb\n"),
    "empty list items": _repeat("-\n-\n"),
    "fence in list item": _repeat("- ```\n  x\n"),
    "unclosed fence": lambda size: "```\n" + _repeat("x\n")(size - 4),
    "html blocks": _repeat("<div>\nx\n\n"),
    "unclosed html comment": lambda size: "<!--\n" + _repeat("x\n")(size - 5),
    "inline comment openers": _repeat("a <!-- b\n"),
    "setext headings": _repeat("x\n===\n"),
    "setext or break": _repeat("x\n---\n"),
    "indented code": _repeat("    x\n\n"),
    "paragraph, indented line": _repeat("a\n    b\n"),
    "tables": _repeat("| a | b |\n|---|---|\n"),
    "tabs and markers": _repeat("\t>\t-\tx\n"),
    "lone backticks": _repeat("`a\n"),
    "backtick ladder": _backtick_ladder,
    "backtick runs on one line": _span_line,
    "one long line": _repeat("x"),
    "one long heading": lambda size: "# " + _repeat("x")(size - 2),
    "headings and paragraphs": _repeat("# h\nx\n> y\n"),
    # IDs and definitions
    "dense IDs": _repeat("REQ-X-1 SCEN-X-01 "),
    "requirement headings": lambda size: "".join(f"### REQ-X-{n}: t\n" for n in range(1, size // 12))[:size],
    "one huge ID": _huge_id,
    "scenario steps": _repeat("## PHASE-X-1: p\n### SCEN-X-01: s\n- **WHEN** a\n- **THEN** b\n"),
}

STAGES = ("scan", "exact", "parse", "check", "migrate", "adopt")
DEFAULT_STAGES = ("scan", "parse")  # the others take minutes at 1 MB: --stages check,migrate,adopt --shapes ...
MEASURABLE = 0.01  # seconds: shorter times are mostly the clock's grain
MODULE_DOCS = (layout.INTENT_DESIGN, layout.INTENT_REQUIREMENTS, layout.INTENT_SCENARIOS, layout.TASKS)
ANSWERS = "_commit: v0.1.0\n_src_path: {src}\nmodule_name: bench\nid_prefix: X\nphases: 1\n"


def _module(folder: Path, text: str, *, legacy: bool) -> Path:
    """A module holding the shape as each intent document and TASKS.md (legacy names for adoption)."""
    if folder.exists():
        shutil.rmtree(folder)
    docs = folder / layout.DOCS_DIR
    docs.mkdir(parents=True)
    names = {name: legacy_name for legacy_name, name in layout.LEGACY_DOC_NAMES.items()}
    for name in MODULE_DOCS:
        (docs / (names.get(name, name) if legacy else name)).write_text(text, encoding="utf-8")
    if legacy:
        (folder / "Cargo.toml").write_text('[package]\nname = "bench"\n', encoding="utf-8")
    else:
        (folder / layout.ANSWERS_FILE).write_text(ANSWERS.format(src=REPO), encoding="utf-8")
    return folder


def _run(stage: str, text: str, scratch: Path) -> Callable[[], object]:
    """A function doing `stage` once over `text` (set-up done here, outside the timing)."""
    if stage == "scan":
        normal = blockscan.normalize(text)
        return lambda: blockscan.scan(normal)
    if stage == "exact":
        normal = blockscan.normalize(text)
        return lambda: blockscan.scan(normal, exact=True)
    if stage == "parse":
        data = text.encode("utf-8")
        return lambda: parser.parse_document(Path("docs/INTENT_DESIGN.md"), layout.INTENT_DESIGN, data)
    if stage == "check":
        from modforge.checker import engine
        from modforge.config import Settings

        module = _module(scratch / "check", text, legacy=False)
        return lambda: engine.run_check([module], Settings(), use_cache=False, jobs=1)
    if stage == "migrate":
        from modforge.lifecycle import migration, releases

        module = _module(scratch / "migrate", text, legacy=False)
        todo = migration.pending(
            migration.discover(REPO), releases.parse_version("0.1.0"), releases.parse_version("99.0.0")
        )
        return lambda: migration.plan(module, REPO, todo)
    if stage == "adopt":
        from modforge.lifecycle import adoption

        module = _module(scratch / "adopt", text, legacy=True)

        def adopt() -> object:
            try:
                return adoption.plan(module, REPO, id_prefix="X", data={}, src_path=str(REPO), commit="v0.1.0")
            except Exception as error:  # a refusal (exit 2) is an answer too: its time counts
                return error

        return adopt
    raise ValueError(stage)


def _cpu() -> float:
    """CPU seconds of this process and of the children it waited for (git, for migrate and adopt)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def measure(stage: str, text: str, scratch: Path, repeat: int) -> float:
    """The best of `repeat` runs, in CPU seconds: on a machine other work shares, the wall clock measures
    the queue for a core as much as the work. The collector is off while a run is timed, as during a check."""
    action = _run(stage, text, scratch)
    best = float("inf")
    for _ in range(repeat):
        gc.collect()
        gc.disable()
        start = _cpu()
        try:
            action()
        finally:
            best = min(best, _cpu() - start)
            gc.enable()
    return best


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    options.add_argument("--sizes", default="64,256,1024", help="sizes in kB, comma-separated (default 64,256,1024)")
    options.add_argument("--shapes", help="only these shapes (comma-separated names, or a part of a name)")
    options.add_argument(
        "--stages", default=",".join(DEFAULT_STAGES), help=f"among {', '.join(STAGES)} (default: scan,parse)"
    )
    options.add_argument("--repeat", type=int, default=3, help="runs per measurement, the best counts")
    args = options.parse_args()
    sizes = [int(size) * 1024 for size in args.sizes.split(",")]
    stages = args.stages.split(",")
    wanted = args.shapes.split(",") if args.shapes else None
    shapes = {n: f for n, f in SHAPES.items() if wanted is None or any(w in n for w in wanted)}
    header = " ".join(f"{size // 1024:>7} kB" for size in sizes)
    ratios = " ".join(f"{'x' + str(sizes[i + 1] // sizes[i]):>6}" for i in range(len(sizes) - 1))
    print(f"{'shape':<28} {'stage':<8} {header}   growth {ratios}")
    worst: dict[str, tuple[float, str]] = {}
    with tempfile.TemporaryDirectory(prefix="modforge-bench-") as scratch:
        for name, make in shapes.items():
            for stage in stages:
                times = [measure(stage, make(size), Path(scratch), args.repeat) for size in sizes]
                # a ratio of times too short to measure says nothing
                growth = [later / earlier if earlier >= MEASURABLE else None for earlier, later in pairwise(times)]
                cells = " ".join(f"{seconds:>8.3f} s" for seconds in times)
                ratios = " ".join(f"{g:6.1f}" if g is not None else f"{'-':>6}" for g in growth)
                print(f"{name:<28} {stage:<8} {cells}   {'':6} {ratios}", flush=True)
                top = max((g for g in growth if g is not None), default=0.0)
                if top > worst.get(name, (0.0, ""))[0]:
                    worst[name] = (top, stage)
    step = sizes[-1] // sizes[-2] if len(sizes) > 1 else 1
    print(f"\nworst growth per shape (x{step} in size; linear work grows about as much; times under {MEASURABLE} s")
    print("are left out):")
    for name, (ratio, stage) in sorted(worst.items(), key=lambda item: -item[1][0]):
        print(f"  {name:<28} {ratio:5.1f}  ({stage})")


if __name__ == "__main__":
    main()
