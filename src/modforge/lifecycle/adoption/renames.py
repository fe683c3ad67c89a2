"""Documents under their slot names renamed to the spec's names, and every reference to them rewritten.

The older prompt set numbered its documents by slot (`1_INTENT_DESIGN.md` ... `7_INTENT_VS_ACTUAL.md`), and
hand-made modules keep the number with words of their own (`2_INTENT_FACTS.md` is slot 2, the intent
requirements): layout.slot_document says which. Each is renamed with every line kept; references to its
old name anywhere in the module's text files are rewritten. A document adoption leaves alone (`DESIGN.md`,
`PRD.md`) but whose name says it may be a pipeline document keeps the template from adding that document's
empty skeleton beside it: `claimed` says which documents it may be.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from modforge.errors import ModforgeError
from modforge.filesystem import textcodec
from modforge.lifecycle.migration import ModuleTree
from modforge.spec import layout

TEXT_SUFFIXES = {".md", ".rs", ".toml", ".yaml", ".yml", ".json", ".txt", ".py", ""}
MAX_BYTES = 2_000_000

# Words in a document's name and the pipeline documents they say it may be (INTENT or ACTUAL narrows them).
_KIND_WORDS = {
    "DESIGN": layout.DESIGN_DOCS,
    "ARCHITECTURE": layout.DESIGN_DOCS,
    "REQUIREMENTS": layout.REQUIREMENT_DOCS,
    "REQS": layout.REQUIREMENT_DOCS,
    "FACTS": layout.REQUIREMENT_DOCS,
    "PRD": (layout.INTENT_REQUIREMENTS,),
    "SCENARIOS": layout.SCENARIO_DOCS,
    "GAPS": (layout.INTENT_VS_ACTUAL,),
    "TASKS": (layout.TASKS,),
    "CHANGELOG": (layout.CHANGELOG,),
}


class Renames:
    """The slot-named documents of one module and their new names, as paths relative to the module."""

    def __init__(self, pairs: list[tuple[str, str]]) -> None:
        self.pairs = pairs
        self._names = {PurePosixPath(old).name: PurePosixPath(new).name for old, new in pairs}
        # In any order: no old name starts another (a slot name has no dot before its `.md`).
        alternatives = "|".join(re.escape(name) for name in self._names)
        # A reference to an old name: `2_INTENT_FACTS.md`, `docs/2_INTENT_FACTS.md`, `(2_INTENT_FACTS.md)`.
        self._pattern = re.compile(rf"(?<![A-Za-z0-9_])(?:{alternatives})(?![A-Za-z0-9_])") if pairs else None

    def rewrite(self, text: str) -> tuple[str, int]:
        """`text` with every reference to an old name renamed, and how many there were."""
        if self._pattern is None:
            return text, 0
        return self._pattern.subn(lambda m: self._names[m.group(0)], text)


def rename_documents(tree: ModuleTree) -> Renames:
    """Rename every slot-named document of docs/ to the spec's name. Refuses (nothing changed) a slot that two
    documents claim, and a slot-named document whose spec name exists too: only a human can merge them."""
    by_slot: dict[str, list[str]] = {}
    for name in _doc_files(tree):
        target = layout.slot_document(name)
        if target is not None and name != target:
            by_slot.setdefault(target, []).append(name)
    pairs = []
    for target, names in sorted(by_slot.items(), key=lambda item: layout.SLOT_DOCS.index(item[0])):
        new = tree.doc_path(target)
        if len(names) > 1:
            found = " and ".join(tree.doc_path(n) for n in sorted(names))
            raise ModforgeError(
                f"{found} are both slot {layout.SLOT_DOCS.index(target) + 1} ({target}); merge them into one, "
                "commit, then adopt again"
            )
        old = tree.doc_path(names[0])
        if tree.exists(new):
            raise ModforgeError(f"both {old} and {new} exist; merge them into {new} by hand, commit, then adopt again")
        tree.rename(old, new)
        pairs.append((old, new))
    return Renames(pairs)


def claimed(tree: ModuleTree) -> dict[str, str]:
    """Pipeline documents that a document adoption leaves alone may be: {pipeline name: that document's path}.
    `DESIGN.md` may be either design, `5_ACTUAL_NOTES.md` nothing (it is renamed, so never here)."""
    found: dict[str, str] = {}
    for name in _doc_files(tree):
        if layout.pipeline_name(name) or not name.lower().endswith(".md"):
            continue
        words = set(re.findall(r"[A-Z]+", name[:-3].upper()))
        for word, documents in _KIND_WORDS.items():
            if word not in words:
                continue
            for document in documents:
                side = "ACTUAL" if document.startswith("ACTUAL") else "INTENT"
                other = "INTENT" if side == "ACTUAL" else "ACTUAL"
                if other in words and side not in words and document != layout.INTENT_VS_ACTUAL:
                    continue  # INTENT_NOTES_DESIGN.md is no actual design
                found.setdefault(document, tree.doc_path(name))
    return found


def _doc_files(tree: ModuleTree) -> list[str]:
    """The names in docs/, whatever each is: a slot-named FIFO, folder or link is then read, which refuses it
    (skipping it would add the spec's skeleton beside a document modforge cannot read)."""
    docs = tree.root / layout.DOCS_DIR
    if not docs.is_dir() or docs.is_symlink():
        return []
    return sorted(p.name for p in docs.iterdir())


def rewrite_references(tree: ModuleTree, renames: Renames) -> int:
    """Rename references to the renamed documents in every text file of the module; how many were rewritten."""
    moved = dict(renames.pairs)
    total = 0
    for path in text_files(tree):
        current = moved.get(path, path)
        try:
            text = tree.read(current)
        except textcodec.NotText:
            continue  # not UTF-8: its bytes stay as they are
        if not text:
            continue  # gone, or empty: nothing to rewrite
        new, count = renames.rewrite(text)
        if count:
            tree.write(current, new)
            total += count
    return total


def text_files(tree: ModuleTree) -> list[str]:
    """The module's text files (by suffix, at most MAX_BYTES), outside build output and git's folder."""
    from modforge.lifecycle.adoption.crates import SKIP_DIRS

    found = []
    for file in sorted(tree.root.rglob("*")):
        relative = file.relative_to(tree.root)
        if any(part in SKIP_DIRS for part in relative.parts) or file.is_symlink() or not file.is_file():
            continue
        if file.suffix in TEXT_SUFFIXES and file.stat().st_size <= MAX_BYTES:
            found.append(relative.as_posix())
    return found
