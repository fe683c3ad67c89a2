"""Versioned migrations: how a template release carries its process change into existing modules.

A release that changes files users have already edited ships `migrations/v<X>_<Y>_<Z>.py` at the template's
root: a docstring saying what changed and why, `VERSION = "X.Y.Z"`, `STAGE` ("after", the default, or
"before" for a document rename that must happen before copier computes the user's diff) and
`migrate(tree)`. `migrate` reads and edits a `ModuleTree`, an in-memory view of one module folder whose
paths cannot leave the module; nothing reaches the disk until `apply`. So the same code previews a diff
(`modforge migrate --dry-run`), applies it (`modforge migrate`), and runs inside `copier update`
(migrations/run.py, listed under `_migrations` in copier.yml). Every migration is idempotent and keeps
every line a user wrote.

Inside `copier update` (the "after" stage) a document may be left with conflict markers when the user
edited lines next to the ones the template changed. Copier records base, ours and theirs in the index, so
the runner migrates the base and the user's version and merges them again with the new template's text:
the process change is then on both sides, and the conflict disappears unless the user and the template
really changed the same lines.
"""

from __future__ import annotations

import difflib
import importlib.util
import os
import re
import sys
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from packaging.version import Version

from modforge.documents import doctext, loader
from modforge.errors import ModforgeError
from modforge.filesystem import confine, textcodec
from modforge.filesystem.transaction import Transaction
from modforge.lifecycle import releases, vcs
from modforge.spec import layout
from modforge.templating import template_source

MIGRATIONS_DIR = "migrations"
STAGES = ("before", "after")
_FILE_RE = re.compile(r"v\d+_\d+_\d+\.py")
# The labels copier gives `git merge-file` (copier/_main.py), reused so a re-merge reads the same.
MERGE_LABELS = ("before updating", "last update", "after updating")
MAX_FILE_BYTES = doctext.MAX_DOCUMENT_BYTES  # a file migrations or adoption read: larger is no document


class MigrationError(ModforgeError):
    """A migration tried something outside its contract (a path outside the module, a missing file)."""


@dataclass(frozen=True)
class Migration:
    version: Version
    name: str  # the file's stem, v0_2_0
    stage: str
    summary: str  # the docstring's first line
    migrate: Callable[[ModuleTree], None]


def discover(template: Path) -> list[Migration]:
    """Every migration shipped in `template/migrations/`, oldest first."""
    folder = Path(template) / MIGRATIONS_DIR
    found = []
    for path in sorted(folder.glob("v*_*_*.py")):  # none when the folder is missing
        if not _FILE_RE.fullmatch(path.name):
            continue
        module = _load(path)
        version = releases.parse_version(getattr(module, "VERSION", ""))
        expected = "v" + "_".join(str(part) for part in version.release)
        stage = getattr(module, "STAGE", "after")
        if path.stem != expected or stage not in STAGES or not callable(getattr(module, "migrate", None)):
            raise MigrationError(f"{path} must define VERSION matching its name ({expected}), STAGE and migrate(tree)")
        summary = (module.__doc__ or path.stem).strip().splitlines()[0]
        found.append(Migration(version, path.stem, stage, summary, module.migrate))
    return sorted(found, key=lambda m: m.version)


def _load(path: Path) -> Any:
    name = f"_modforge_migration_{path.stem}_{abs(hash(str(path)))}"
    spec = importlib.util.spec_from_file_location(name, path)  # a `.py` file always has one, with its loader
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    sys.modules[name] = module  # dataclasses and typing look a class's module up there
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def pending(
    migrations: Iterable[Migration], after: Version, upto: Version, stage: str | None = None
) -> list[Migration]:
    """The migrations an update from `after` to `upto` runs: `after < version <= upto`, as copier selects them."""
    return [m for m in migrations if after < m.version <= upto and (stage is None or m.stage == stage)]


# --- the module as migrations see it ----------------------------------------------------------------
@dataclass(frozen=True)
class Change:
    path: str  # where the file is after the migration
    old_path: str | None  # where it was (differs for a rename; None for a new file)
    before: str | None
    after: str
    encoding: textcodec.TextFile | None = None  # the replaced file's BOM and line endings, kept on writing


class ModuleTree:
    """One module folder in memory. Paths are POSIX paths relative to the module; `replaced` substitutes
    the text of some files (the runner uses it to migrate the base and the user's side of a conflict)."""

    def __init__(self, root: Path, template: Path, replaced: dict[str, str] | None = None) -> None:
        self.root = Path(root).resolve()
        self.template = Path(template).resolve()
        self._disk: dict[str, str | None] = dict(replaced or {})
        self._encoding: dict[str, textcodec.TextFile] = {}  # how each file read from disk was encoded
        self._text: dict[str, str | None] = {}
        self._origin: dict[str, str] = {}  # new path -> path it was renamed from

    # -- paths
    def _check(self, path: str) -> str:
        try:
            return confine.relative_posix(path)
        except ModforgeError:
            raise MigrationError(f"migration path {path!r} must be relative to the module and stay inside it") from None

    def doc_path(self, name: str) -> str:
        """Where the pipeline document `name` lives: `docs/<name>`."""
        return f"{layout.DOCS_DIR}/{name}"

    # -- reading
    def _read_disk(self, path: str) -> str | None:
        """The file's text on disk, or None when nothing is there. A link, a folder or a special file where a
        file is read, or a file that is not UTF-8, stops the migration (ModforgeError naming it): modforge never
        writes through a link nor over bytes it could not read."""
        if path not in self._disk:
            target = confine.confined(self.root, path)
            kind = confine.kind_of(target)
            if kind is None:
                self._disk[path] = None
            elif kind != "file":
                what = {"dir": "a folder", "other": "a FIFO, device or socket"}[kind]
                raise ModforgeError(f"{target} is {what}, not a file; move it away, then run again")
            else:
                decoded = textcodec.decode(confine.read_regular(target, limit=MAX_FILE_BYTES), target)
                self._encoding[path] = decoded
                self._disk[path] = decoded.text
        return self._disk[path]

    def read(self, path: str) -> str | None:
        """The file's current text, or None when it does not exist."""
        path = self._check(path)
        if path in self._text:
            return self._text[path]
        return self._read_disk(path)

    def original(self, path: str) -> str | None:
        """The file's text before any change of this tree (None when it did not exist)."""
        return self._read_disk(self._check(path))

    def exists(self, path: str) -> bool:
        return self.read(path) is not None

    def is_new(self, path: str) -> bool:
        """Whether the file at `path` was created by this tree's changes (not on disk under it or a former name)."""
        path = self._check(path)
        return self._read_disk(self._origin.get(path, path)) is None and self.read(path) is not None

    def document(self, name: str) -> Any:
        """The parsed pipeline document `docs/<name>` (modforge.documents.model.Document), or None when missing."""
        text = self.read(self.doc_path(name))
        return None if text is None else parse_document(self.root / self.doc_path(name), name, text)

    # -- changing
    def write(self, path: str, text: str) -> None:
        self._text[self._check(path)] = text

    def rename(self, old: str, new: str) -> None:
        old, new = self._check(old), self._check(new)
        text = self.read(old)
        if text is None:
            raise MigrationError(f"cannot rename {old}: it does not exist")
        if self.exists(new):
            raise MigrationError(f"cannot rename {old} to {new}: {new} exists")
        self._text[new] = text
        if self._read_disk(old) is None:  # made by these changes (written, or renamed here before): no deletion
            del self._text[old]
        else:
            self._text[old] = None
        self._origin[new] = self._origin.pop(old, old)

    # -- context
    @cached_property
    def answers(self) -> dict[str, Any]:
        return read_answers(self.root)

    @cached_property
    def _renderer(self) -> Any:
        from modforge.templating.skeletons import renderer

        return renderer(self.template)

    def skeleton(self, path: str) -> str:
        """What the template renders at `path` for this module's answers (the new version's skeleton)."""
        renderer = self._renderer  # its context takes the questions' answers only (not copier's `_` keys)
        return renderer.render(self._check(path), renderer.context(self.answers, self.root))

    # -- result
    def changes(self) -> list[Change]:
        found = []
        renamed_from = set(self._origin.values())
        for path, text in sorted(self._text.items()):
            if text is None:
                continue
            old = self._origin.get(path, path)
            before = self._read_disk(old)
            if old == path and before == text:
                continue
            found.append(Change(path, old if before is not None else None, before, text, self._encoding.get(old)))
        for path, text in self._text.items():
            if text is None and path not in renamed_from:
                raise MigrationError(f"migrations may not delete files ({path}); move the content instead")
        return found


def parse_document(path: Path, name: str, text: str) -> Any:
    """The parser's model of one document (modforge.documents.parser is the one Markdown reader)."""
    from modforge.documents import parser

    return parser.parse_text(text, path, name)


def conflict_lines(text: str, *, markdown: bool = True) -> list[int]:
    """Lines (1-based) of merge conflict markers, as the parser finds them: in Markdown, outside code blocks
    (parser.parse_text); in any other file, every line the marker pattern (doctext.CONFLICT_MARKER_RE) matches."""
    from modforge.documents import parser

    if markdown:
        return list(parser.parse_text(text, Path("conflicts.md"), "conflicts.md").conflict_markers)
    return doctext.conflict_marker_lines("\n" + text)


def read_answers(root: Path) -> dict[str, Any]:
    """The module's answers file; ModforgeError naming the fix when it is missing or unreadable."""
    path = Path(root) / layout.ANSWERS_FILE
    if not os.path.lexists(path):  # something else by that name (a FIFO, a link to nothing): load_answers says what
        raise ModforgeError(
            f"{path.parent} has no {layout.ANSWERS_FILE}: it was not made by the modforge template; "
            f"run `modforge adopt {path.parent}` to bring it under the template"
        )
    return loader.load_answers(path)


MODFORGE_KEYS = template_source.MODFORGE_QUESTIONS


def check_modforge_answers(root: Path, answers: dict[str, Any]) -> None:
    """Refuse an answers file written by another copier template."""
    missing = [key for key in MODFORGE_KEYS if key not in answers]
    if missing:
        source = answers.get("_src_path", "an unknown template")
        raise ModforgeError(
            f"{Path(root) / layout.ANSWERS_FILE} was written by another template ({source}): it has no "
            f"{', '.join(missing)}; modforge only updates modules made from the modforge template"
        )


# --- running ----------------------------------------------------------------------------------------
@dataclass
class Outcome:
    migrations: list[Migration]
    changes: list[Change] = field(default_factory=list)
    resolved: list[str] = field(default_factory=list)  # unmerged files whose conflict the migrations removed
    skipped: dict[str, str] = field(default_factory=dict)  # path -> why it was left alone
    # unmerged files whose conflict the migrations removed in part: path -> the new (base, ours, theirs) stages
    restaged: dict[str, tuple[str, str, str]] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)  # path -> what is left of its conflict, and why

    def diff(self, root: Path) -> str:
        """The changes as a git-style unified diff, paths relative to the module (`git apply` reads it): the
        diff of the very transaction `apply` commits."""
        return transaction(root, self).diff()


def run_all(tree: ModuleTree, migrations: Iterable[Migration]) -> ModuleTree:
    for migration in migrations:
        migration.migrate(tree)
    return tree


def run_traced(tree: ModuleTree, migrations: Iterable[Migration]) -> dict[str, list[Migration]]:
    """Run `migrations` on `tree`; which of them changed each path (so messages can name the release)."""
    touched: dict[str, list[Migration]] = {}
    for migration in migrations:
        before = dict(tree._text)
        migration.migrate(tree)
        for path, text in tree._text.items():
            if path not in before or before[path] != text:
                touched.setdefault(path, []).append(migration)
    return touched


def releases_named(migrations: Iterable[Migration]) -> str:
    """`release 0.2.0`, `releases 0.2.0 and 0.3.0`: the releases whose process change a message is about."""
    versions = sorted({str(m.version) for m in migrations}, key=releases.parse_version)
    if not versions:
        return "the template"
    if len(versions) == 1:
        return f"release {versions[0]}"
    return f"releases {', '.join(versions[:-1])} and {versions[-1]}"


def plan(root: Path, template: Path, migrations: list[Migration]) -> Outcome:
    """What `migrations` would change in the module at `root`, without touching it."""
    root = Path(root).resolve()
    outcome = Outcome(migrations)
    if not migrations:
        return outcome
    unmerged = vcs.unmerged_paths(root) if vcs.toplevel(root) else []
    tree = ModuleTree(root, template)
    touched = run_traced(tree, migrations)
    for change in tree.changes():
        source = change.old_path or change.path
        if source in unmerged:
            continue  # re-merged below
        if change.before is not None and conflict_lines(change.before, markdown=source.endswith(".md")):
            which = releases_named(touched[change.path])  # a change is a path some migration wrote
            outcome.skipped[source] = (
                f"it has conflict markers; resolve them, then run `modforge migrate` again to bring in {which}"
            )
            continue
        outcome.changes.append(change)
    for path in unmerged:
        _remerge(root, template, migrations, path, outcome)
    return outcome


def _remerge(root: Path, template: Path, migrations: list[Migration], path: str, outcome: Outcome) -> None:
    """Merge an unmerged file again with the migrations applied to its base and to the user's side.

    Conflict block by conflict block: where the owner changed lines the migrations change, and the migrations
    could not change the owner's version of them (a heading the owner renamed their own way), the merge
    keeps the original base there, so that place stays a conflict for the owner to decide; everywhere else
    the process change is on both sides and merges. A file left with fewer conflicts than copier left is
    written, its unmerged stages set to the three sides of this merge."""
    base, ours, theirs = (vcs.stage_text(root, path, stage) for stage in (1, 2, 3))
    if base is None or ours is None or theirs is None:
        return  # added or deleted on one side: nothing a document migration can reconcile
    base_tree, ours_tree = ModuleTree(root, template, {path: base}), ModuleTree(root, template, {path: ours})
    which = releases_named(
        {*run_traced(base_tree, migrations).get(path, []), *run_traced(ours_tree, migrations).get(path, [])}
    )
    base_m, ours_m = base_tree.read(path) or "", ours_tree.read(path) or ""
    if base_m == base and ours_m == ours:
        return  # the migrations do not concern this file
    merge_base = _merge_base(base, base_m, ours, ours_m)
    with tempfile.TemporaryDirectory(prefix="modforge-merge-") as scratch:
        merged, clean = vcs.merge_file(ours_m, merge_base, theirs, MERGE_LABELS, Path(scratch))
    current = textcodec.decode(confine.read_regular(confine.confined(root, path)), root / path)
    markdown = path.endswith(".md")
    left = _conflict_blocks(merged, markdown)
    if clean:
        outcome.changes.append(Change(path, path, current.text, merged, current))
        outcome.resolved.append(path)
    elif len(left) < len(_conflict_blocks(current.text, markdown)):
        outcome.changes.append(Change(path, path, current.text, merged, current))
        outcome.restaged[path] = (merge_base, ours_m, theirs)
        lines = ", ".join(str(line) for line in left)
        outcome.notes[path] = (
            f"{len(left)} conflict{'s' * (len(left) != 1)} left (line{'s' * (len(left) != 1)} {lines}) where you "
            f"and {which} changed the same lines; resolve {'them' if len(left) != 1 else 'it'} by hand"
        )
    else:
        outcome.skipped[path] = f"you and {which} changed the same lines; resolve the conflict by hand"


def _merge_base(base: str, base_m: str, ours: str, ours_m: str) -> str:
    """The base of the re-merge: the migrated base, except where the owner changed lines the migrations
    change and the migrations left the owner's version of those lines as it was: there the original base
    stays, so the owner's change and the template's meet as a conflict instead of the owner's winning."""
    b, bm, o, om = (textcodec.lines(text, keepends=True) for text in (base, base_m, ours, ours_m))
    span: list[tuple[int, int]] = []  # base line -> the lines of the owner's version it became
    changed: list[bool] = []  # base line -> whether the owner changed it
    for tag, i1, i2, k1, k2 in difflib.SequenceMatcher(None, b, o, autojunk=False).get_opcodes():
        for offset in range(i2 - i1):
            span.append((k1 + offset, k1 + offset + 1) if tag == "equal" else (k1, k2))
            changed.append(tag != "equal")
    migrated = [
        (k1, k2)
        for tag, k1, k2, _, _ in difflib.SequenceMatcher(None, o, om, autojunk=False).get_opcodes()
        if tag != "equal"
    ]
    out: list[str] = []
    for _, i1, i2, j1, j2 in difflib.SequenceMatcher(None, b, bm, autojunk=False).get_opcodes():
        # Base lines the owner kept (an insertion, i1 == i2, has none) take the migrated text. An "equal" run the
        # owner changed needs no case of its own: it comes out the same either way (bm[j1:j2] == b[i1:i2]).
        if not any(changed[i1:i2]):
            out += bm[j1:j2]
            continue
        low, high = span[i1][0], span[i2 - 1][1]  # the spans run in order, as difflib's opcodes do
        reached = high > low and any(a1 < high and (a2 > low or a1 == a2 >= low) for a1, a2 in migrated)
        # The owner's version already holds the migrated lines (migrated ahead of the update): no conflict.
        new = bm[j1:j2]
        ahead = bool(new) and any(o[k : k + len(new)] == new for k in range(low, high - len(new) + 1))
        out += new if reached or ahead else b[i1:i2]
    return "".join(out)


def _conflict_blocks(text: str, markdown: bool) -> list[int]:
    """The line of each conflict's opening marker (`<<<<<<<`)."""
    lines = textcodec.lines(text)
    return [
        n for n in conflict_lines(text, markdown=markdown) if n <= len(lines) and lines[n - 1].startswith("<<<<<<<")
    ]


def transaction(root: Path, outcome: Outcome, *, stage_changes: bool = False) -> Transaction:
    """The outcome as one all-or-nothing change (modforge.filesystem): renames as `git mv` for tracked files
    (history follows), every file written in its own encoding and line endings, the conflicts the
    migrations resolved marked resolved, and with `stage_changes` (copier's "before" stage, whose diff is
    taken from the index) every change staged."""
    change = Transaction(root)
    for item in outcome.changes:
        if item.old_path and item.old_path != item.path:
            change.rename(item.old_path, item.path)
        change.write(item.path, textcodec.encode(item.after, item.encoding))
        if stage_changes:
            change.stage(item.path)
    for path in outcome.resolved:
        change.resolve_conflict(path)
    encodings = {item.path: item.encoding for item in outcome.changes}  # a restaged file keeps its own encoding
    for path, sides in outcome.restaged.items():
        mode = vcs.stage_mode(root, path)
        change.set_index_entries(
            path,
            [(mode, number, textcodec.encode(text, encodings.get(path))) for number, text in enumerate(sides, start=1)],
        )
    return change


def apply(root: Path, outcome: Outcome, *, stage_changes: bool = False) -> None:
    """Write the outcome's changes into the module, all or nothing (see `transaction`)."""
    transaction(root, outcome, stage_changes=stage_changes).commit()


# --- inside copier update ------------------------------------------------------------------------------
def copier_main(argv: list[str], template: Path) -> int:
    """Entry point of migrations/run.py: run the migrations of one copier `_migrations` entry in the module
    copier is updating (the working directory). Expected problems are warnings, not failures: a failed
    migration would stop copier with the module half updated."""
    import argparse

    parser = argparse.ArgumentParser(prog="migrations/run.py")
    parser.add_argument("--stage", choices=STAGES, required=True)
    parser.add_argument("--from", dest="from_version", required=True, help="copier's _version_pep440_from")
    parser.add_argument("--to", dest="to_version", required=True, help="the migration entry's version")
    args = parser.parse_args(argv)
    root = Path.cwd()
    try:
        after, upto = releases.parse_version(args.from_version), releases.parse_version(args.to_version)
        migrations = pending(discover(template), after, upto, args.stage)
        outcome = plan(root, template, migrations)
        apply(root, outcome, stage_changes=args.stage == "before")
    except ModforgeError as error:
        print(f"modforge migration {args.to_version}: error: {error}", file=sys.stderr)
        return 1
    for line in report_lines(outcome, f"modforge migration {args.to_version}"):
        print(line, file=sys.stderr if ": left " in line or "part of the conflict" in line else sys.stdout)
    return 0


def report_lines(outcome: Outcome, prefix: str) -> list[str]:
    """What a migration run did, one line per file: migrated, conflict resolved (in part), left alone."""
    found = []
    for change in outcome.changes:
        if change.path in outcome.notes:
            found.append(f"{prefix}: resolved part of the conflict in {change.path}: {outcome.notes[change.path]}")
        else:
            verb = "resolved the conflict in" if change.path in outcome.resolved else "migrated"
            found.append(f"{prefix}: {verb} {change.path}")
    found += [f"{prefix}: left {path} alone: {reason}" for path, reason in outcome.skipped.items()]
    return found
