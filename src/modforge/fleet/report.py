"""What a fleet run shows: progress while it runs, then one table, or one JSON document.

Progress goes to stderr as a bar with the module count on a terminal; elsewhere (CI logs) each module gets
its lines on stdout as it ends: its state, then each conflict as `path:line: what to do` and what the
release's migrations said. The table at the end has one row per module (from -> to, state, conflicts).

JSON shape, version 1 (a field may be added within a version; a field changes meaning only with a new one):

    {"version": 1, "command": "update", "dry_run": false, "target": null,
     "modules": [{"module": "cred-store", "path": "modules/cred-store", "from": "v0.1.0", "to": "v0.2.0",
                  "state": "conflicts", "error": null, "files": ["docs/INTENT_DESIGN.md"],
                  "conflicts": [{"path": "docs/INTENT_DESIGN.md", "line": 12, "message": "..."}],
                  "messages": ["modforge migration 0.2.0: ..."]}],
     "summary": {"clean": 0, "conflicts": 1, "current": 0, "failed": 0}}

`state` is one of clean, conflicts, current, failed (modforge.fleet.outcome); paths in `files` and
`conflicts` are relative to the module, `path` to the working directory.
"""

from __future__ import annotations

import json
import os
import sys
from collections import Counter
from typing import TextIO

from modforge.fleet.outcome import CLEAN, CONFLICTS, CURRENT, FAILED, STATES, Outcome

JSON_VERSION = 1
_BAR = 30


def shown(top: str, module: str, cwd: str) -> str:
    """The module's folder as the user would type it from `cwd` (absolute when outside it)."""
    path = os.path.join(top, module)
    relative = os.path.relpath(path, cwd)
    return path if relative.startswith("..") else relative.replace(os.sep, "/")


def describe(outcome: Outcome, dry_run: bool, verb: str = "updated") -> str:
    """The module's state in words (`verb`: what the command does to a module, "updated" or "migrated")."""
    would = f"would be {verb}" if dry_run else verb
    if outcome.state == CLEAN:
        return f"{would} cleanly"
    if outcome.state == CONFLICTS:
        files = len(outcome.conflict_files)
        return f"{would} with conflicts in {files} file{'s' * (files != 1)}"
    if outcome.state == CURRENT:
        return "already at the target release"
    return f"failed, nothing changed: {outcome.error}"


def lines(outcome: Outcome, where: str, dry_run: bool, verb: str = "updated") -> list[str]:
    versions = f"{outcome.before} -> {outcome.after}" if outcome.after and outcome.after != outcome.before else None
    head = f"{where}: {versions + ', ' if versions else ''}{describe(outcome, dry_run, verb)}"
    out = [head]
    if dry_run and outcome.state in (CLEAN, CONFLICTS):
        conflicted = set(outcome.conflict_files)
        out += [f"  {path}{' (conflict)' if path in conflicted else ''}" for path in outcome.files]
    for conflict in outcome.conflicts:
        at = f"{conflict.path}:{conflict.line}" if conflict.line else conflict.path
        out.append(f"  {where}/{at}: {conflict.message}")
    out += [f"  {message}" for message in outcome.messages]
    return out


class Progress:
    """Called once per finished module: a bar on a terminal, the module's lines otherwise."""

    def __init__(
        self,
        total: int,
        *,
        top: str,
        cwd: str,
        dry_run: bool,
        lines_to: TextIO | None,
        bar_to: TextIO | None,
        verb: str = "updated",
    ) -> None:
        self.total, self.top, self.cwd, self.dry_run, self.verb = total, top, cwd, dry_run, verb
        self.lines_to, self.bar_to = lines_to, bar_to
        self.done = 0

    def __call__(self, outcome: Outcome) -> None:
        self.done += 1
        where = shown(self.top, outcome.module, self.cwd)
        if self.bar_to is not None:
            filled = _BAR * self.done // max(self.total, 1)
            bar = "#" * filled + "-" * (_BAR - filled)
            self.bar_to.write(f"\r[{bar}] {self.done}/{self.total} modules  {where}: {outcome.state}\033[K")
            self.bar_to.flush()
        elif self.lines_to is not None:
            body = lines(outcome, where, self.dry_run, self.verb)
            body[0] = f"[{self.done}/{self.total}] {body[0]}"
            self.lines_to.write("\n".join(body) + "\n")
            self.lines_to.flush()

    def finish(self) -> None:
        if self.bar_to is not None:
            self.bar_to.write("\r\033[K")
            self.bar_to.flush()


def table(outcomes: list[Outcome], top: str, cwd: str) -> str:
    rows = [("MODULE", "FROM", "TO", "STATE", "CONFLICTS")]
    for outcome in outcomes:
        files = len(outcome.conflict_files)
        rows.append(
            (
                shown(top, outcome.module, cwd),
                outcome.before or "-",
                outcome.after or "-",
                outcome.state,
                f"{len(outcome.conflicts)} in {files} file{'s' * (files != 1)}" if files else "-",
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in rows) + "\n"


def totals(outcomes: list[Outcome], dry_run: bool, seconds: float | None = None, verb: str = "updated") -> str:
    count = Counter(outcome.state for outcome in outcomes)
    words = {
        CLEAN: f"would be {verb} cleanly" if dry_run else f"{verb} cleanly",
        CONFLICTS: "with conflicts",
        CURRENT: "current",
        FAILED: "failed (nothing changed)",
    }
    parts = [f"{count[state]} {words[state]}" for state in STATES if count[state]]
    took = f" in {seconds:.1f} s" if seconds is not None else ""
    text = f"{len(outcomes)} module{'s' * (len(outcomes) != 1)}: {', '.join(parts) or 'none'}{took}"
    if count[CONFLICTS] and not dry_run:
        text += "\nResolve the conflicts listed above, run `modforge check`, then commit"
    elif count[CLEAN] and not dry_run:
        text += "\nReview with `git diff`, run `modforge check`, then commit"
    return text + "\n"


def as_json(outcomes: list[Outcome], *, command: str, top: str, cwd: str, dry_run: bool, target: str | None) -> str:
    count = Counter(outcome.state for outcome in outcomes)
    document = {
        "version": JSON_VERSION,
        "command": command,
        "dry_run": dry_run,
        "target": target,
        "modules": [
            {
                "module": outcome.name,
                "path": shown(top, outcome.module, cwd),
                "from": outcome.before,
                "to": outcome.after,
                "state": outcome.state,
                "error": outcome.error,
                "files": outcome.files,
                "conflicts": [{"path": c.path, "line": c.line, "message": c.message} for c in outcome.conflicts],
                "messages": outcome.messages,
            }
            for outcome in outcomes
        ],
        "summary": {state: count[state] for state in STATES},
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def progress_for(
    total: int, *, top: str, cwd: str, dry_run: bool, json_output: bool, verb: str = "updated"
) -> Progress:
    """A bar on stderr when it is a terminal; otherwise module lines (on stdout, or stderr beside JSON)."""
    terminal = sys.stderr.isatty()
    return Progress(
        total,
        top=top,
        cwd=cwd,
        dry_run=dry_run,
        lines_to=None if terminal else (sys.stderr if json_output else sys.stdout),
        bar_to=sys.stderr if terminal else None,
        verb=verb,
    )
