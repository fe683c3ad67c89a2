"""Benchmark of `modforge status` and `modforge trace --format json` against `modforge check` (issue 13).

Usage: .venv/bin/python bench/pipeline.py [--size 400] [--repeat 3] [--out bench/out]

On the monorepo bench/check.py generates (400 modules, 19 MB of documents by default), in rounds so that the
commands see the same machine: `check` cold (cache removed), `status` cold, `trace --format json` cold, then
`status` and `trace` warm (the cache `check` and they keep). Prints the best wall time and the best CPU time
(workers included) of each, and their ratios to `check` cold's: on a shared machine the CPU ratio is the steadier.
Goal: status and trace cold at most 1.5x check cold (they share its parse and its cache).

`--instructions` counts instead the instructions each cold command executes, workers included (valgrind's
cachegrind, `--cache-sim=no`; one run each, after a run that byte-compiles the package): the figure the machine's
load does not move, where CPU time drifts by a tenth and more on a shared machine. Needs valgrind; takes minutes.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import check as bench_check  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=400, help="modules in the monorepo")
    parser.add_argument("--repeat", type=int, default=3, help="rounds; the best of each is shown")
    parser.add_argument("--out", type=Path, default=HERE / "out", help="where the monorepo is generated")
    parser.add_argument("--instructions", action="store_true", help="count instructions (valgrind) instead of time")
    args = parser.parse_args()
    root = (args.out / f"monorepo-{args.size}").resolve()
    bench_check.generate(root, args.size)
    modforge = bench_check.check_command()[0]

    def clear() -> None:
        shutil.rmtree(root / bench_check.CACHE_DIR, ignore_errors=True)

    if args.instructions:
        return count_instructions(modforge, root, clear, args.size)
    runs = {
        "check cold": ([modforge, "check"], clear),
        "status cold": ([modforge, "status"], clear),
        "trace json cold": ([modforge, "trace", "--format", "json"], clear),
        "status warm": ([modforge, "status"], None),
        "trace json warm": ([modforge, "trace", "--format", "json"], None),
    }
    best = {name: (float("inf"), float("inf")) for name in runs}  # (wall, CPU), each the best of the rounds
    for _ in range(args.repeat):
        for name, (argv, before) in runs.items():
            wall, cpu, result = bench_check.timed(argv, root, 1, before=before)
            if result.returncode not in (0, 1):
                print(result.stderr[-2000:], file=sys.stderr)
                return 1
            best[name] = (min(best[name][0], wall), min(best[name][1], cpu))
    baseline, cpu_baseline = best["check cold"]
    megabytes = bench_check.corpus_bytes(root) / 1e6
    print(f"{args.size} modules, {megabytes:.1f} MB of documents, best of {args.repeat} rounds")
    print(f"{'command':<18} {'wall s':>7} {'cpu s':>6} {'x check (wall)':>14} {'x check (cpu)':>13}")
    for name, (wall, cpu) in best.items():
        print(f"{name:<18} {wall:>7.2f} {cpu:>6.2f} {wall / baseline:>14.2f} {cpu / cpu_baseline:>13.2f}")
    return 0


COLD = {"check": ["check"], "status": ["status"], "trace json": ["trace", "--format", "json"]}


def count_instructions(modforge: str, root: Path, clear, size: int) -> int:
    """Instructions of each cold command (every process it forks included) and their ratios to check's."""
    if shutil.which("valgrind") is None:
        print("--instructions needs valgrind (apt-get install valgrind)", file=sys.stderr)
        return 2
    environment = {**bench_check.ENVIRONMENT, "PYTHONHASHSEED": "0"}  # the same dict layouts run to run
    counts = {}
    for name, arguments in COLD.items():
        clear()
        subprocess.run([modforge, *arguments], cwd=root, capture_output=True, env=environment)  # byte-compiles
        clear()
        with tempfile.TemporaryDirectory(prefix="modforge-cachegrind-") as scratch:
            output = os.path.join(scratch, "cg.%p")
            valgrind = ["valgrind", "--tool=cachegrind", "--cache-sim=no", f"--cachegrind-out-file={output}"]
            command = [*valgrind, sys.executable, modforge, *arguments]
            subprocess.run(command, cwd=root, capture_output=True, env=environment)
            counts[name] = sum(_summary(path) for path in Path(scratch).glob("cg.*"))
    print(f"{size} modules, cold, instructions (valgrind cachegrind, workers included)")
    print(f"{'command':<12} {'instructions':>14} {'x check':>8}")
    for name, count in counts.items():
        print(f"{name:<12} {count:>14,} {count / counts['check']:>8.3f}")
    return 0


def _summary(path: Path) -> int:
    """The instruction count a cachegrind output file ends with (`summary: N`)."""
    for line in reversed(path.read_text(encoding="utf-8").splitlines()):
        if line.startswith("summary:"):
            return int(line.split()[1])
    return 0


if __name__ == "__main__":
    sys.exit(main())
