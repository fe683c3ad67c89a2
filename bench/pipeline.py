"""Benchmark of `modforge status` and `modforge trace --format json` against `modforge check` (issue 13).

Usage: .venv/bin/python bench/pipeline.py [--size 400] [--repeat 3] [--out bench/out]

On the monorepo bench/check.py generates (400 modules, 19 MB of documents by default), in rounds so that the
commands see the same machine: `check` cold (cache removed), `status` cold, `trace --format json` cold, then
`status` and `trace` warm (the cache `check` and they keep). Prints the best wall time and the best CPU time
(workers included) of each, and their ratios to `check` cold's: on a shared machine the CPU ratio is the steadier.
Goal: status and trace cold at most 1.5x check cold (they share its parse and its cache).
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import check as bench_check  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=400, help="modules in the monorepo")
    parser.add_argument("--repeat", type=int, default=3, help="rounds; the best of each is shown")
    parser.add_argument("--out", type=Path, default=HERE / "out", help="where the monorepo is generated")
    args = parser.parse_args()
    root = (args.out / f"monorepo-{args.size}").resolve()
    bench_check.generate(root, args.size)
    modforge = bench_check.check_command()[0]

    def clear() -> None:
        shutil.rmtree(root / bench_check.CACHE_DIR, ignore_errors=True)

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


if __name__ == "__main__":
    sys.exit(main())
