"""Make docs/trace.png, the README's picture of the trace page, from the pipeline fixtures.

    python scripts/trace_screenshot.py [--out docs/trace.png] [--width 1500] [--height 1500]

`make trace-screenshot` runs the same. The page is that of tests/fixtures/pipeline/: a real copy of this
checkout's template holding the `cred-store` documents after Step 4 of phase 1 (12 scenarios: phase 1 coded,
tested and released, phase 2 planned with its `TODO` stubs, so its rows show their gaps), with the code and E2E
tests laid outside the module (tests/fixtures/pipeline/README.md). `modforge trace --format html` writes the page
and headless Chromium (Debian's `chromium`, which .ci/run installs) photographs it; nothing here needs a network.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))  # the fixtures' own helpers: one way to lay a stage out

CHROMIUM = "/usr/bin/chromium"
STAGE = "step4"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "trace.png", help="where to write the PNG")
    parser.add_argument("--width", type=int, default=2000, help="page width in CSS pixels")
    parser.add_argument("--height", type=int, default=2420, help="page height in CSS pixels (the 12 rows fit)")
    parser.add_argument("--scale", type=float, default=0.75, help="device pixels per CSS pixel (the PNG's size)")
    args = parser.parse_args()
    if not Path(CHROMIUM).exists():
        print(f"{CHROMIUM} is missing: `apt-get install -y chromium`", file=sys.stderr)
        return 2
    from conftest import snapshot_template
    from prompt_helpers import copy_at_stage

    with tempfile.TemporaryDirectory(prefix="modforge-trace-") as scratch:
        scratch = Path(scratch)
        root = copy_at_stage(snapshot_template(scratch / "template"), scratch / "repo", STAGE)
        page = root / "trace.html"
        modforge = [sys.executable, "-m", "modforge", "trace", "--format", "html", "-o", str(page)]
        subprocess.run(modforge, cwd=root, check=True)
        shot = [
            CHROMIUM,
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            "--no-first-run",
            "--disable-background-networking",
            f"--user-data-dir={scratch / 'profile'}",
            f"--window-size={args.width},{args.height}",
            f"--force-device-scale-factor={args.scale}",
            f"--screenshot={args.out.resolve()}",
            page.as_uri(),
        ]
        subprocess.run(shot, check=True, capture_output=True)
    print(f"wrote {args.out} ({args.out.stat().st_size // 1024} kB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
