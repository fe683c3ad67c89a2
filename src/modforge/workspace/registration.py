"""The server's `registered_modules.rs`: one `use <lib> as _;` line per module, so the linker keeps the
module crate and its `inventory` registration.

The new line joins the first run of `use ... as _;` lines (with the `#[cfg(...)]` lines that gate some
of them), in order when that run is in order, else at its end. A file that says it is generated is never
edited: the line belongs in its generator.
"""

from __future__ import annotations

import bisect
import re

from modforge.errors import ModforgeError

_USE_RE = re.compile(r"^use\s+([A-Za-z_][A-Za-z0-9_]*)\s+as\s+_\s*;\s*$")
_ATTRIBUTE_RE = re.compile(r"^#\[.*\]\s*$")
_GENERATED_RE = re.compile(r"@generated|do not edit|auto-?generated", re.IGNORECASE)


def line_for(lib: str) -> str:
    return f"use {lib} as _;"


def is_registered(text: str, lib: str) -> bool:
    return any((match := _USE_RE.match(line.strip())) and match[1] == lib for line in text.split("\n"))


def refuse_generated(text: str, shown: str, lib: str) -> None:
    head = "\n".join(text.split("\n")[:10])
    if _GENERATED_RE.search(head):
        raise ModforgeError(
            f"{shown} is a generated file; add `{line_for(lib)}` to what generates it (modforge never edits one)"
        )


def register(text: str, lib: str, shown: str) -> str:
    refuse_generated(text, shown, lib)
    lines = text.split("\n")
    items: list[tuple[int, str]] = []  # (first line of the item, attributes included; crate name)
    start = None
    for index, line in enumerate(lines):
        match = _USE_RE.match(line)
        if match:
            first = index
            while first > 0 and _ATTRIBUTE_RE.match(lines[first - 1]):
                first -= 1
            items.append((first, match[1]))
            start = index
        elif items and not _ATTRIBUTE_RE.match(line):
            break  # the first run ends at a blank line or any other line
    new = line_for(lib)
    if not items:
        body = text if text.endswith("\n") or not text else text + "\n"
        return body + new + "\n"
    names = [name for _first, name in items]
    place = bisect.bisect(names, lib) if names == sorted(names) else len(items)
    at = items[place][0] if place < len(items) else (start or 0) + 1
    return "\n".join([*lines[:at], new, *lines[at:]])


def unregister(text: str, lib: str, shown: str) -> tuple[str, str | None]:
    """The text without the module's unconditional `use` line, and a note when a gated one was left alone
    (wire never writes an attribute, so a gated line is a person's)."""
    refuse_generated(text, shown, lib)
    lines = text.split("\n")
    kept: list[str] = []
    note = None
    for index, line in enumerate(lines):
        match = _USE_RE.match(line)
        if match and match[1] == lib:
            if index and _ATTRIBUTE_RE.match(lines[index - 1]):
                note = f"left `{line.strip()}` in {shown}: an attribute gates it; remove both lines by hand"
            else:
                continue
        kept.append(line)
    return "\n".join(kept), note
