"""Line coverage of a module's crates from a coverage report: lcov (`cargo llvm-cov --lcov`) or Cobertura XML.

Only files under the module's folder count; a report that names none of them says the module was not measured.
A report that cannot be read or is in neither format is the user's to fix: ModforgeError (exit 2).
"""

from __future__ import annotations

import os
from pathlib import Path

from modforge.errors import ModforgeError

GOAL = 90.0  # percent (spec, Step 4.2)


def module_coverage(report: Path, module_root: Path, repo_root: Path) -> tuple[int, int]:
    """(covered lines, total lines) of the files under `module_root` in `report`."""
    try:
        data = Path(report).read_bytes()
    except OSError as error:
        raise ModforgeError(
            f"cannot read the coverage report {report}: {error.strerror or error}; pass an lcov file or Cobertura XML"
        ) from None
    text = data.decode("utf-8", "replace")
    stripped = text.lstrip()
    if stripped.startswith("<"):
        files = _cobertura(text, report)
    elif "SF:" in text and "end_of_record" in text:
        files = _lcov(text)
    else:
        raise ModforgeError(
            f"{report} is neither an lcov report (SF:/DA: records) nor Cobertura XML; "
            "write one with `cargo llvm-cov --lcov --output-path lcov.info`"
        )
    root = os.path.normpath(str(module_root))
    covered = total = 0
    for name, (hit, lines) in files.items():
        path = os.path.normpath(name if os.path.isabs(name) else os.path.join(repo_root, name))
        if path == root or path.startswith(root + os.sep):
            covered, total = covered + hit, total + lines
    return covered, total


def _lcov(text: str) -> dict[str, tuple[int, int]]:
    files: dict[str, tuple[int, int]] = {}
    current, hit, lines = None, 0, 0
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("SF:"):
            current, hit, lines = line[3:], 0, 0
        elif line.startswith("DA:") and current is not None:
            parts = line[3:].split(",")
            if len(parts) >= 2:
                lines += 1
                hit += 1 if parts[1].strip() not in ("0", "") else 0
        elif line == "end_of_record" and current is not None:
            old = files.get(current, (0, 0))
            files[current] = (old[0] + hit, old[1] + lines)
            current = None
    return files


def _cobertura(text: str, report: Path) -> dict[str, tuple[int, int]]:
    import xml.etree.ElementTree as ElementTree

    try:
        root = ElementTree.fromstring(text)
    except ElementTree.ParseError as error:
        raise ModforgeError(f"{report} is not well-formed XML ({error}); pass an lcov file or Cobertura XML") from None
    if root.tag != "coverage":
        raise ModforgeError(f"{report} is XML but not a Cobertura report (its root is <{root.tag}>, not <coverage>)")
    sources = [s.text.strip() for s in root.iter("source") if s.text and s.text.strip()]
    files: dict[str, tuple[int, int]] = {}
    for cls in root.iter("class"):
        name = cls.get("filename") or ""
        if sources and not os.path.isabs(name):
            name = os.path.join(sources[0], name)
        hit = lines = 0
        for line in cls.iter("line"):
            lines += 1
            hit += 1 if (line.get("hits") or "0") != "0" else 0
        old = files.get(name, (0, 0))
        files[name] = (old[0] + hit, old[1] + lines)
    return files
