"""Benchmark of `modforge check` (issue 4, "Speed"): whole-process wall time cold and warm beside a floor.

Usage: .venv/bin/python bench/check.py [--sizes 10,100,400] [--repeat 3] [--out bench/out] [--spellings canonical,spec]

For each size it generates (once, reused when present) a monorepo under bench/out/ of N modules, each with
about 50 requirements, 100 scenarios in two phases and 20 tasks, all cross-referenced and valid (about
19 MB of documents at 400 modules), once with the phase groups headed as modforge writes them and once in
the spec's own spellings (`## PHASE-MODULE-01` over scenarios, `## Phase 1` over tasks), which `check` must
read as fast. Then, best of --repeat runs:

- floor: a fresh Python process that reads and decodes every document and runs one regex over it;
- cold:  `modforge check` with the cache directory removed first (also its CPU time, workers included,
         which tells how much of a slow wall time was other load on the machine);
- warm:  `modforge check` again, nothing changed;

each as wall time, MB/s and ratio to the floor; plus one module checked alone (the pre-commit case).
The three are measured in rounds (floor, cold, warm, then again), so that a machine whose speed drifts
slows them alike.
The checked package is byte-compiled first, as an installed one is.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO / "src"))

from modforge.spec import layout  # noqa: E402
from modforge.spec.grammar import IdKind, format_id  # noqa: E402

REQUIREMENTS = 50
SCENARIOS = 100  # half in each phase
TASKS = 20  # half in each phase
SUBTASKS = 5
PHASES = ("Core Forwarding", "Advanced Configuration")
GLOBALS = (1, 2, 3, 10, 11, 12, 20, 21, 30, 31)
CACHE_DIR = ".modforge-cache"

# The floor: read and decode every document and run one regex over it (the grammar's REQ-ID pattern; the
# combined ID_TOKEN_RE would take 3x longer and flatter the ratios).
FLOOR_SCRIPT = """
import os, sys
from modforge.spec.grammar import ID_SCAN_RES
pattern = ID_SCAN_RES[0]
total = count = 0
for top, dirs, files in os.walk(sys.argv[1]):
    dirs[:] = [d for d in dirs if not d.startswith(".")]
    if os.path.basename(top) == "docs":
        for name in files:
            if name.endswith(".md"):
                with open(os.path.join(top, name), "rb") as handle:
                    text = handle.read().decode("utf-8")
                total += len(text)
                count += len(pattern.findall(text))
print(total, count)
"""


# --- corpus --------------------------------------------------------------------------------------
def _ids(kind: IdKind, prefix: str, count: int) -> list[str]:
    return [format_id(kind, prefix, n) for n in range(1, count + 1)]


# How the phase groups of scenarios and tasks are headed: as modforge writes them, or in the spec's own spellings
# (its examples: `## PHASE-MODULE-01` over scenarios, untitled and padded; `## Phase 1` over tasks).
SPELLINGS = ("canonical", "spec")


def module_documents(name: str, prefix: str, spelling: str = "canonical") -> dict[str, str]:
    """The nine documents of one valid, fully cross-referenced module after its phase 1 was built: intent
    documents for both phases, actual documents and the changelog for phase 1, phase 1 tasks checked off."""
    reqs = _ids(IdKind.REQ, prefix, REQUIREMENTS)
    scens = _ids(IdKind.SCEN, prefix, SCENARIOS)
    tasks = _ids(IdKind.TASK, prefix, TASKS)
    phases = _ids(IdKind.PHASE, prefix, len(PHASES))
    title = name.replace("-", " ").title()
    half_s, half_r, half_t = SCENARIOS // 2, REQUIREMENTS // 2, TASKS // 2

    def group(p: int, phase_title: str, kind: str) -> str:
        """The heading of phase p's group of scenarios (kind "intent" or "actual") or tasks ("tasks")."""
        if spelling == "canonical":
            return f"## {layout.phase_section_heading(phases[p], phase_title)}"
        if kind == "tasks":
            return f"## Phase {p + 1}"
        return f"## {IdKind.PHASE.keyword}-{prefix}-{p + 1:02d}" if kind == "intent" else f"## {phases[p]}"

    def design(kind: str, built: int) -> str:
        out = [f"# {title}: {kind} Design", "", "<!--", "Step 1 of the pipeline. Write the design in words.", "-->", ""]
        for key, heading in layout.DESIGN_SECTIONS:
            out += [f"## {heading}", ""]
            if key == "api":
                for i in range(0, built * half_s, 4):
                    out.append(f"- `op_{i}()` - see {scens[i]}, {scens[i + 1]}, {reqs[(i // 2) % REQUIREMENTS]}")
                out.append("")
            elif key == "security":
                out += [
                    "- All requests require tenant context (REQ-1)",
                    "- Authorization checked per request (REQ-3)",
                    "",
                ]
            elif key == "phases":
                for p, phase_title in enumerate(PHASES):
                    out += [f"### {layout.design_phase_heading(phases[p], phase_title)}", ""]
                    ids = scens[p * half_s : (p + 1) * half_s] if p < built else []
                    for j in range(0, len(ids), 10):
                        out.append("- Implements: " + ", ".join(ids[j : j + 10]))
                    out.append("")
            else:
                out += [f"The {heading.lower()} of the module, in words.", ""]
        return "\n".join(out)

    def requirements(kind: str, count: int) -> str:
        out = [f"# {title}: {kind} Requirements", "", "<!-- One entry per requirement. -->", ""]
        for i, req in enumerate(reqs[:count]):
            out += [
                f"### {layout.definition_heading(req, f'Capability {i + 1}')}",
                f"The module MUST handle capability {i + 1} (REQ-{GLOBALS[i % len(GLOBALS)]}, "
                f"{phases[0 if i < half_r else 1]}).",
                f"- Default timeout: {i + 10} seconds",
                "",
            ]
        return "\n".join(out)

    def scenarios(kind: str, built: int) -> str:
        out = [f"# {title}: {kind} Scenarios", "", "<!-- Scenarios go under their phase. -->", ""]
        for p, phase_title in enumerate(PHASES[:built]):
            out += [group(p, phase_title, kind.lower()), ""]
            for i in range(p * half_s, (p + 1) * half_s):
                out += [
                    f"### {layout.definition_heading(scens[i], f'Case {i + 1}')}",
                    f"- **WHEN** a caller sends request {i + 1}",
                    f"- **THEN** it is forwarded ({reqs[(i // 2) % REQUIREMENTS]}, REQ-1)",
                    f"- **AND** a span is recorded ({reqs[(i + 7) % REQUIREMENTS]})",
                    "",
                ]
        return "\n".join(out)

    def task_doc() -> str:
        out = [f"# {title}: Tasks", "", "<!-- Number subtasks K.M under task K. -->", ""]
        for p, phase_title in enumerate(PHASES):
            out += [group(p, phase_title, "tasks"), ""]
            for k in range(p * half_t, (p + 1) * half_t):
                out.append(f"### {layout.definition_heading(tasks[k], f'Package {k + 1}')}")
                for m in range(1, SUBTASKS + 1):
                    n = k * SUBTASKS + m
                    mark = "x" if p == 0 else " "
                    out.append(f"- [{mark}] {k + 1}.{m} Step {m} ({scens[n % SCENARIOS]}, {reqs[n % REQUIREMENTS]})")
                out.append("")
        return "\n".join(out)

    def gaps() -> str:
        out = [f"# {title}: Intent vs Actual", ""]
        for i in range(0, half_s, 5):
            out += [
                f"### {layout.definition_heading(scens[i], f'Case {i + 1}')}",
                "- **Intent:** Forward with a 30s timeout",
                "- **Actual:** 60s timeout, as upstream needs",
                "- **Gap:** Timeout differs (ADR-003)",
                "",
            ]
        return "\n".join(out)

    def changelog() -> str:
        out = ["# Changelog", "", "All notable changes to this module are documented here.", "", "## [Unreleased]", ""]
        out += ["## [0.1.0] - 2024-01-15", "### Added"] + [f"- {scens[i]}: Case {i + 1}" for i in range(half_s)]
        return "\n".join(out) + "\n"

    return {
        layout.INTENT_DESIGN: design("Intent", built=2),
        layout.INTENT_REQUIREMENTS: requirements("Intent", REQUIREMENTS),
        layout.INTENT_SCENARIOS: scenarios("Intent", built=2),
        layout.TASKS: task_doc(),
        layout.ACTUAL_DESIGN: design("Actual", built=1),
        layout.ACTUAL_REQUIREMENTS: requirements("Actual", half_r),
        layout.ACTUAL_SCENARIOS: scenarios("Actual", built=1),
        layout.INTENT_VS_ACTUAL: gaps(),
        layout.CHANGELOG: changelog(),
    }


def module_prefix(index: int) -> str:
    """M + letters: unique, 2-10 characters, never a reserved word."""
    letters = ""
    n = index
    for _ in range(4):
        letters = chr(ord("A") + n % 26) + letters
        n //= 26
    return "M" + letters


CORPUS_VERSION = "2"  # bump when module_documents changes, so that old corpora are generated again


def generate(root: Path, size: int, spelling: str = "canonical") -> None:
    """A monorepo of `size` modules under `root` (a git repository with guidelines and modules/), its phase groups
    headed in `spelling` (SPELLINGS)."""
    marker = root / ".complete"
    if marker.exists() and marker.read_text() == CORPUS_VERSION:
        return
    shutil.rmtree(root, ignore_errors=True)
    (root / ".git").mkdir(parents=True)  # what marks a monorepo root; no git process needed
    guidelines = root / layout.GLOBAL_REQUIREMENTS_PATH
    guidelines.parent.mkdir(parents=True)
    lines = ["# Module requirements", ""]
    for number in GLOBALS:
        lines += [f"### REQ-{number}: Global requirement {number}", "Every module MUST comply.", ""]
    guidelines.write_text("\n".join(lines), encoding="utf-8")
    for index in range(size):
        name = f"service-{index:04d}"
        prefix = module_prefix(index)
        module = root / "modules" / name
        docs = module / layout.DOCS_DIR
        docs.mkdir(parents=True)
        for doc_name, text in module_documents(name, prefix, spelling).items():
            (docs / doc_name).write_text(text, encoding="utf-8")
        (module / layout.ANSWERS_FILE).write_text(
            "# Changes here will be overwritten by Copier; NEVER EDIT MANUALLY\n"
            "_commit: 0.1.0\n_src_path: gh:example/modforge\ncategory: generic\n"
            f"description: {name} module\nid_prefix: {prefix}\nmodule_name: {name}\nowner: '@{name}-owners'\n"
            "persistence: false\nphase_titles:\n- Core Forwarding\n- Advanced Configuration\nphases: 2\n"
            "rest_api: true\ngts: false\n",
            encoding="utf-8",
        )
    marker.write_text(CORPUS_VERSION)


# --- measuring -----------------------------------------------------------------------------------
def corpus_bytes(root: Path) -> int:
    return sum(p.stat().st_size for p in root.glob(f"modules/*/{layout.DOCS_DIR}/*.md"))


# Installed packages run from byte-compiled files; an environment that forbids writing them (some sandboxes
# set PYTHONDONTWRITEBYTECODE) would make every run compile modforge's sources again.
ENVIRONMENT = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}


def timed(command: list[str], cwd: Path, repeat: int, before=None) -> tuple[float, float, subprocess.CompletedProcess]:
    """Best wall time of `repeat` runs, the CPU time (user + system, children included) of that run, the result."""
    best, cpu, result = float("inf"), 0.0, None
    for _ in range(repeat):
        if before:
            before()
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, env=ENVIRONMENT)
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if wall < best:
            best, cpu = wall, after.ru_utime - usage.ru_utime + after.ru_stime - usage.ru_stime
    return best, cpu, result


def check_command() -> list[str]:
    """The installed `modforge check` of this checkout's virtual environment (or of this interpreter)."""
    script = Path(sys.executable).parent / "modforge"
    return [str(script if script.exists() else REPO / ".venv" / "bin" / "modforge"), "check"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10,100,400", help="comma-separated module counts")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement; the best is shown")
    parser.add_argument("--out", type=Path, default=HERE / "out", help="where the monorepos are generated")
    parser.add_argument("--spellings", default=",".join(SPELLINGS), help="corpora, comma-separated: canonical, spec")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    spellings = [s.strip() for s in args.spellings.split(",") if s.strip() in SPELLINGS]
    command = check_command()
    print(f"modforge check: {' '.join(command)}   cpus: {os.cpu_count()}   best of {args.repeat}")
    print("floor: a Python process that reads and decodes every document and runs one regex (REQ IDs) over it")
    import modforge  # byte-compile the package once, untimed, as installing it would

    subprocess.run([sys.executable, "-m", "compileall", "-q", str(Path(modforge.__file__).parent)], env=ENVIRONMENT)
    header = f"{'modules':>7} {'corpus':>9} {'MB':>5} | {'floor s':>7} {'MB/s':>5} | "
    header += f"{'cold s':>6} {'cpu s':>6} {'MB/s':>5} {'x floor':>7} | {'warm s':>6} {'MB/s':>5} {'x floor':>7} | "
    print(header + f"{'findings':>8}")
    one_module = None
    for size, spelling in ((size, spelling) for size in sizes for spelling in spellings):
        suffix = "" if spelling == "canonical" else f"-{spelling}"
        root = (args.out / f"monorepo-{size}{suffix}").resolve()
        generate(root, size, spelling)
        one_module = one_module or root / "modules" / "service-0000"
        megabytes = corpus_bytes(root) / 1e6

        def clear(root=root):
            shutil.rmtree(root / CACHE_DIR, ignore_errors=True)

        # Rounds of floor, cold, warm, the best of each kept: on a shared machine whose speed drifts, the
        # three are then measured in the same minutes, and their ratios compare like with like.
        runs = {
            "floor": ([sys.executable, "-c", FLOOR_SCRIPT, str(root)], None),
            "cold": (command, clear),
            "warm": (command, None),
        }
        best: dict[str, tuple[float, float]] = {kind: (float("inf"), 0.0) for kind in runs}
        for _ in range(args.repeat):
            for kind, (argv, before) in runs.items():
                wall, cpu, result = timed(argv, root, 1, before=before)
                best[kind] = min(best[kind], (wall, cpu))
        (floor, _), (cold, cold_cpu), (warm, _) = best["floor"], best["cold"], best["warm"]
        if result.returncode not in (0, 1):
            print(result.stdout[-2000:], result.stderr[-2000:], file=sys.stderr)
            return 1
        findings = sum(1 for line in result.stdout.splitlines() if ": MF" in line)
        print(
            f"{size:>7} {spelling:>9} {megabytes:>5.1f} | {floor:>7.3f} {megabytes / floor:>5.0f} | "
            f"{cold:>6.2f} {cold_cpu:>6.2f} "
            f"{megabytes / cold:>5.1f} {cold / floor:>7.1f} | {warm:>6.3f} {megabytes / warm:>5.0f} "
            f"{warm / floor:>7.2f} | {findings:>8}"
        )
    if one_module:
        cold_one, _, _ = timed(
            [*command, str(one_module)],
            one_module,
            args.repeat,
            before=lambda: shutil.rmtree(one_module.parent.parent / CACHE_DIR, ignore_errors=True),
        )
        warm_one, _, _ = timed([*command, str(one_module)], one_module, args.repeat)
        # The pre-commit hook's call: one changed document names its whole module (`--whole-modules`).
        document = one_module / "docs" / layout.INTENT_REQUIREMENTS
        hook, _, _ = timed([*command, "--whole-modules", str(document)], one_module, args.repeat)
        bare, _, _ = timed([sys.executable, "-c", "pass"], one_module, args.repeat)
        print(f"one module (whole process): cold {cold_one:.3f} s, warm {warm_one:.3f} s (goal < 0.3 s)")
        print(
            f"pre-commit hook (check --whole-modules on one changed document): {hook:.3f} s, "
            f"{hook / bare:.1f}x a bare Python start ({bare:.3f} s)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
