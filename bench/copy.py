"""How much the modforge template adds to `copier copy`, against a one-file template in the same run.

Both templates are real tagged git repositories (as users get them) and both copies run the real
`copier copy --trust --defaults` CLI in a subprocess, so copier's own start-up is in both figures.
Goal (issue 2): modforge's copy takes at most 2x the one-file template's.

    .venv/bin/python bench/copy.py [--runs 7]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
TEMPLATE_PARTS = ("copier.yml", "template", "extensions", "migrations", "src")
GIT_ENV = {
    "GIT_AUTHOR_NAME": "bench",
    "GIT_AUTHOR_EMAIL": "b@x",
    "GIT_COMMITTER_NAME": "bench",
    "GIT_COMMITTER_EMAIL": "b@x",
}


def _git_template(path: Path) -> Path:
    env = {**GIT_ENV, "PATH": "/usr/bin:/bin"}
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "t"], ["tag", "v1.0.0"]):
        subprocess.run(["git", *args], cwd=path, check=True, env=env, capture_output=True)
    return path


def modforge_template(root: Path) -> Path:
    dest = root / "modforge-template"
    dest.mkdir()
    for part in TEMPLATE_PARTS:
        src = REPO_ROOT / part
        ignore = shutil.ignore_patterns("__pycache__", "*.egg-info")
        shutil.copytree(src, dest / part, ignore=ignore) if src.is_dir() else shutil.copy2(src, dest / part)
    return _git_template(dest)


def one_file_template(root: Path) -> Path:
    dest = root / "one-file-template"
    (dest / "template").mkdir(parents=True)
    (dest / "copier.yml").write_text("_subdirectory: template\nname:\n  type: str\n  default: demo\n")
    (dest / "template" / "README.md.jinja").write_text("# {{ name }}\n")
    (dest / "template" / "{{_copier_conf.answers_file}}.jinja").write_text("{{ _copier_answers|to_nice_yaml }}")
    return _git_template(dest)


def time_copy(template: Path, workdir: Path, runs: int) -> list[float]:
    copier = [sys.executable, "-m", "copier", "copy", "--trust", "--defaults", "--quiet"]
    times = []
    for i in range(runs):
        dest = workdir / f"{template.name}-{i}" / "modules" / "cred-store"
        start = time.perf_counter()
        subprocess.run([*copier, str(template), str(dest)], check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        ours, baseline = modforge_template(root), one_file_template(root)
        time_copy(baseline, root / "warmup", 1)  # fill the OS caches for both sides alike
        time_copy(ours, root / "warmup", 1)
        base = statistics.median(time_copy(baseline, root / "runs", runs))
        mine = statistics.median(time_copy(ours, root / "runs", runs))
        files = sum(1 for p in (root / "runs" / "modforge-template-0").rglob("*") if p.is_file())
    print(f"copier copy, median of {runs} runs (whole process, subprocess CLI)")
    print(f"  one-file template (baseline): {base:6.3f} s")
    print(f"  modforge template ({files} files): {mine:6.3f} s")
    print(f"  ratio: {mine / base:.2f}x the baseline (goal: <= 2.00x)")


if __name__ == "__main__":
    main()
