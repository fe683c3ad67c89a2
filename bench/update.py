"""Benchmark of `modforge update --all` against a shell loop of `copier update --trust --defaults` (issue 15).

Usage: .venv/bin/python bench/update.py [--modules 100] [--rounds 2] [--scaling 25,50,100] [--out bench/out]

The monorepo: `--modules` modules copied from the oldest release with mixed answers (category, persistence,
GTS, phases), owner edits committed in each (tests/lived_in.py), and in every tenth module an owner's own
title for the section the next release renames (a conflict). It is built once into `--out` and copied for
every run. Each round, on fresh copies and in alternating order, times:

- the loop (tests/fleet_repos.py: `cd module && copier update --trust --defaults`, one process per module,
  with each module's conflict set aside so the next one can run), and
- `modforge update --all` (default --jobs: the machine's CPUs),

then checks that both trees are the same (files, modes, git index, status). It prints each round's wall
and CPU times with the load average around it (the machine is shared: read the ratio of the same round),
the ratio of the medians, the peak memory of each side, and, with `--scaling`, the fleet's wall and CPU
seconds per module and peak memory on the first N modules (linear cost, flat memory). Goal: at least 5x.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
# tests/ holds the monorepo builders the fleet tests use; bench/ itself leaves the path (bench/copy.py would
# shadow the standard library's `copy`).
sys.path[:] = [str(HERE.parent / "tests"), *(p for p in sys.path if Path(p or ".").resolve() != HERE)]

import fleet_repos  # noqa: E402
import template_repos  # noqa: E402

FLEET_VERSION = "1"  # bump when the monorepo's recipe changes, so that old ones are built again


def build(out: Path, count: int) -> Path:
    """The pristine monorepo of `count` modules (built once; `.complete` marks a finished one)."""
    root = out / f"update-{count}"
    marker = root / ".complete"
    if marker.exists() and marker.read_text() == FLEET_VERSION:
        return root / "monorepo"
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    template = template_repos.build(root / "template")
    oldest = template_repos.versions()[0]
    monorepo = root / "monorepo"
    started = time.perf_counter()
    with fleet_repos.fast_copies():
        for index in range(count):
            answers = fleet_repos.mixed_answers(index)
            module = fleet_repos.copy_module(template, monorepo / "modules" / answers["module_name"], oldest, answers)
            fleet_repos.lived_in(module)
            print(f"\rbuilding the monorepo: {index + 1}/{count} modules", end="", file=sys.stderr, flush=True)
    (monorepo / "README.md").write_text("# The monorepo\n")
    fleet_repos.commit(monorepo, "modules, with their owners' edits")
    for index in range(0, count, 10):
        fleet_repos.rename_security_heading(monorepo / "modules" / fleet_repos.mixed_answers(index)["module_name"])
    fleet_repos.commit(monorepo, "owners' own section titles")
    print(f" ({time.perf_counter() - started:.0f} s)", file=sys.stderr)
    marker.write_text(FLEET_VERSION)
    return monorepo


def modules_of(monorepo: Path) -> list[str]:
    return sorted(f"modules/{path.name}" for path in (monorepo / "modules").iterdir())


def run_loop(monorepo: Path) -> int:
    """The shell loop over every module; the peak RSS in MB of its largest process."""
    command, env = fleet_repos.loop_command(monorepo, modules_of(monorepo))
    return _peak(subprocess.Popen(command, cwd=monorepo, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE))


def run_fleet(monorepo: Path, modules: list[str] | None = None) -> int:
    """`modforge update --all` (or of `modules`); its peak RSS in MB (forked workers included)."""
    modforge = Path(sys.executable).with_name("modforge")
    command = [
        str(modforge) if modforge.exists() else sys.executable,
        *([] if modforge.exists() else ["-m", "modforge"]),
    ]
    args = ["update", *(modules or ["--all"])]
    return _peak(subprocess.Popen([*command, *args], cwd=monorepo, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE))


def _peak(process: subprocess.Popen) -> int:
    """Wait for `process`; the peak RSS in MB of the largest process of its tree (wait4 counts the children it
    reaped). A failure stops the benchmark with the end of its stderr."""
    stderr = process.stderr.read().decode(errors="replace") if process.stderr else ""
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode not in (0, 1):
        raise SystemExit(f"{process.args[0]} failed ({process.returncode}): {stderr[-2000:]}")
    return usage.ru_maxrss // 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--modules", type=int, default=100, help="modules in the monorepo")
    parser.add_argument(
        "--rounds", type=int, default=2, help="rounds of loop + fleet (alternating order; 0: build only)"
    )
    parser.add_argument("--scaling", default="25,50,100", help="fleet-only runs on the first N modules ('' to skip)")
    parser.add_argument("--out", type=Path, default=HERE / "out", help="where the monorepos are built and copied")
    args = parser.parse_args()
    pristine = build(args.out.resolve(), args.modules)
    if args.rounds < 1:
        print(f"built {pristine}")
        return 0
    work = args.out.resolve() / "update-runs"
    print(f"{args.modules} modules from release {template_repos.versions()[0]}, {os.cpu_count()} CPUs")
    print(f"{'round':>5} {'side':>6} {'wall s':>8} {'cpu s':>7} {'load 1m before/after':>21}")
    walls: dict[str, list[float]] = {"loop": [], "fleet": []}
    memory = {"loop": 0, "fleet": 0}
    same = True
    for number in range(1, args.rounds + 1):
        shots = {}
        sides = ["loop", "fleet"] if number % 2 else ["fleet", "loop"]
        for side in sides:
            shutil.rmtree(work, ignore_errors=True)
            monorepo = fleet_repos.duplicate(pristine, work / "monorepo")
            load = os.getloadavg()[0]
            usage = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            peak = run_loop(monorepo) if side == "loop" else run_fleet(monorepo)
            wall = time.perf_counter() - start
            end = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = end.ru_utime - usage.ru_utime + end.ru_stime - usage.ru_stime
            walls[side].append(wall)
            memory[side] = max(memory[side], peak)
            print(
                f"{number:>5} {side:>6} {wall:>8.1f} {cpu:>7.1f} {load:>10.2f} / {os.getloadavg()[0]:<8.2f}", flush=True
            )
            shots[side] = fleet_repos.snapshot(monorepo)
        equal = shots["loop"] == shots["fleet"]
        same &= equal
        print(f"{number:>5} ratio  {walls['loop'][-1] / walls['fleet'][-1]:>7.2f}x   trees equal: {equal}", flush=True)
    loop, fleet = statistics.median(walls["loop"]), statistics.median(walls["fleet"])
    print(
        f"median: loop {loop:.1f} s ({loop / args.modules:.2f} s/module), fleet {fleet:.1f} s "
        f"({fleet / args.modules:.2f} s/module): {loop / fleet:.2f}x faster (goal: 5x); "
        f"trees equal in every round: {same}"
    )
    print(f"peak memory: loop {memory['loop']:.0f} MB (largest copier process), fleet {memory['fleet']:.0f} MB")
    sizes = [int(size) for size in args.scaling.split(",") if size.strip() and int(size) <= args.modules]
    if sizes:
        # CPU seconds per module are the linearity to read on a shared machine: wall time also counts the others.
        print(f"{'modules':>7} {'wall s':>8} {'cpu s':>7} {'cpu s/module':>12} {'peak MB':>8} {'load 1m':>8}")
        for size in sizes:
            shutil.rmtree(work, ignore_errors=True)
            monorepo = fleet_repos.duplicate(pristine, work / "monorepo")
            load = os.getloadavg()[0]
            usage = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            peak = run_fleet(monorepo, modules_of(monorepo)[:size])
            wall = time.perf_counter() - start
            end = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = end.ru_utime - usage.ru_utime + end.ru_stime - usage.ru_stime
            print(f"{size:>7} {wall:>8.1f} {cpu:>7.1f} {cpu / size:>12.2f} {peak:>8} {load:>8.2f}", flush=True)
    shutil.rmtree(work, ignore_errors=True)
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
