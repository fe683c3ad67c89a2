"""What a migration does to documents, as operations: each idempotent and line-preserving.

A release that changes the pipeline's documents ships a migration (migrations/v<X>_<Y>_<Z>.py) whose
`migrate(tree)` is, typically, a few calls of these operations on the module (a `ModuleTree`):

    docops.rename_section(tree, layout.INTENT_DESIGN, "Security and Tenancy", "Security")
    docops.add_section(tree, layout.INTENT_DESIGN, "Testing Strategy", before="Implementation Phases")
    docops.add_task(tree, "TASK-{prefix}-01", "Review the testing strategy with QA")
    docops.rename_document(tree, "DESIGN.md", layout.INTENT_DESIGN)   # STAGE = "before": copier then diffs it

Each returns whether it changed anything. Running one twice equals running it once (a module migrated
before `copier update`, or a section copier re-applied on top of the new release, is left right), and
each changes only the lines it is about: a renamed heading keeps whatever the owner wrote after the old
title, a new section or task is inserted between existing lines, and every other line stays as written.
Documents are read with modforge's parser, so headings inside code blocks or HTML comments are never
touched. The section and task texts come from the template's own skeleton, rendered for the module's
answers, unless the migration passes its own.
"""

from __future__ import annotations

import re
from typing import Any

from modforge.filesystem import textcodec
from modforge.lifecycle.migration import ModuleTree, parse_document
from modforge.spec import layout
from modforge.spec.grammar import IdKind, format_id


def rename_section(tree: ModuleTree, doc_name: str, old: str, new: str, *, level: int = 2) -> bool:
    """Every heading of `level` in `docs/<doc_name>` whose title starts with `old` starts with `new` instead
    (`## Security and Tenancy (REQ-1)` -> `## Security (REQ-1)`)."""
    doc = tree.document(doc_name)
    if doc is None:
        return False
    path = tree.doc_path(doc_name)
    lines = textcodec.lines(tree.read(path), keepends=True)
    renamed = [rename_heading(lines, h.line, old, new) for h in doc.headings if h.level == level]
    if any(renamed):
        tree.write(path, "".join(lines))
    return any(renamed)


def add_section(
    tree: ModuleTree,
    doc_name: str,
    title: str,
    text: str | None = None,
    *,
    after: str | None = None,
    before: str | None = None,
    level: int = 2,
) -> bool:
    """Add the section headed `title` to `docs/<doc_name>`: right after the section `after`, or right before
    the heading `before` (either missing: at the end). `text` is the whole section, heading included
    (default: the template's own section, rendered for the module). A document that has the section keeps
    it; when it has it twice because copier re-applied the owner's copy on top of the new release, the exact
    copy of the template's text is dropped."""
    doc = tree.document(doc_name)
    if doc is None:
        return False
    path = tree.doc_path(doc_name)
    section = text if text is not None else template_section(tree, doc_name, title, level)
    if section is None:
        return False  # a template without the section: nothing to add
    current = tree.read(path)
    if any(h.level == level and titled(h.text, title) for h in doc.headings):
        deduplicated = drop_copies_of_section(current, doc, title, section, level)
        if deduplicated != current:
            tree.write(path, deduplicated)
        return deduplicated != current
    lines = textcodec.lines(current, keepends=True)
    anchor = len(lines) + 1
    for heading in doc.headings:
        if after is not None and heading.level == level and heading.text == after:
            anchor = section_end(doc, heading.line, level, len(lines))
            break
        if before is not None and heading.level == level and heading.text == before:
            anchor = heading.line
            break
    tree.write(path, _insert_block(lines, anchor, section))
    return True


def titled(text: str, title: str) -> bool:
    """Whether a heading reading `text` is the section `title`: the title alone, or followed by a reference
    or a note (`Security (REQ-1)`, `Security: tenants`), not by more words (`Rollout Notes` is another section)."""
    return text == title or re.match(re.escape(title) + r"\s*[(\[:–—-]", text) is not None


def add_task(tree: ModuleTree, task: str, text: str, *, done: bool = False) -> bool:
    """Add the subtask `- [ ] K.M text` at the end of the task `task` of TASKS.md (its TASK id, such as
    `TASK-CREDSTORE-01`, or its title), numbered after the task's last subtask. A task that already has a
    subtask reading `text` is left as it is."""
    doc = tree.document(layout.TASKS)
    if doc is None:
        return False
    found = next((t for t in doc.tasks if (t.id is not None and t.id.text == task) or t.title == task), None)
    if found is None:
        return False
    if any(item.text.strip() == text.strip() for item in found.subtasks):
        return False
    path = tree.doc_path(layout.TASKS)
    lines = textcodec.lines(tree.read(path), keepends=True)
    top = [item for item in found.subtasks if item.depth == 0]
    number = found.id.number if found.id is not None else found.legacy_number
    minors = [int(item.number.split(".")[-1]) for item in top if re.fullmatch(r"\d+\.\d+", item.number)]
    label = f"{number}.{max(minors, default=0) + 1} " if number is not None else ""
    item = f"- [{'x' if done else ' '}] {label}{text}\n"
    if found.subtasks:
        anchor = max(item.line for item in found.subtasks) + 1
        tree.write(path, "".join([*_ended(lines[: anchor - 1]), item, *lines[anchor - 1 :]]))
    else:
        end = section_end(doc, found.line, 3, len(lines))
        tree.write(path, _insert_block(lines, end, item, blank_before=False))
    return True


def rename_document(tree: ModuleTree, old: str, new: str) -> bool:
    """Move `docs/<old>` to `docs/<new>` when `new` does not exist yet. Run it in a migration with
    STAGE = "before" (the tree stages the move like `git mv`, so copier's diff follows the file and the
    owner's edits are kept)."""
    old_path, new_path = tree.doc_path(old), tree.doc_path(new)
    if not tree.exists(old_path) or tree.exists(new_path):
        return False
    tree.rename(old_path, new_path)
    return True


def template_section(tree: ModuleTree, doc_name: str, title: str, level: int = 2) -> str | None:
    """The section `title` of the template's skeleton of `docs/<doc_name>`, rendered for the module."""
    path = tree.doc_path(doc_name)
    skeleton = tree.skeleton(path)
    return section_text(skeleton, parse_document(tree.root / path, doc_name, skeleton), title, level)


def task_id(tree: ModuleTree, number: int) -> str:
    """The id of the module's task `number` (`TASK-<prefix>-NN`), from its answers' ID prefix."""
    return format_id(IdKind.TASK, tree.answers.get("id_prefix"), number)


def _ended(lines: list[str]) -> list[str]:
    """`lines` with a line ending after the last one (a file that did not end with a newline)."""
    if lines and not lines[-1].endswith("\n"):
        return [*lines[:-1], lines[-1] + "\n"]
    return lines


def _insert_block(lines: list[str], anchor: int, block: str, *, blank_before: bool = True) -> str:
    """`block` inserted before 1-based line `anchor` (past the end: appended), a blank line between it and a
    non-blank line before it."""
    before = _ended(lines[: anchor - 1])
    if blank_before and before and before[-1].strip():
        before.append("\n")
    if anchor > len(lines):
        block = block.rstrip("\n") + "\n"
    return "".join([*before, block, *lines[anchor - 1 :]])


# --- line-level helpers (adoption uses them too) ------------------------------------------------------
_ATX_PREFIX = re.compile(r"(?P<prefix>[ ]{0,3}#{1,6}[ \t]+)(?P<text>.*?)(?P<closing>[ \t]+#+)?[ \t]*$")


def rename_heading(lines: list[str], line: int, old: str, new: str) -> bool:
    """Replace the leading `old` of the heading text on 1-based `line` with `new`, keeping the marker and
    whatever the user wrote after the old title. Returns whether the line changed."""
    index = line - 1
    text = lines[index]
    body = text.rstrip("\n")
    ending = text[len(body) :]
    match = _ATX_PREFIX.fullmatch(body)
    if match:
        head, rest, closing = match.group("prefix"), match.group("text"), match.group("closing") or ""
    else:  # a setext heading's first line
        rest = body.lstrip()
        head, closing = body[: len(body) - len(rest)], ""
    if not rest.startswith(old) or rest[len(old) : len(old) + 1].isalnum():
        return False
    lines[index] = f"{head}{new}{rest[len(old) :]}{closing}{ending}"
    return True


def section_end(doc: Any, line: int, level: int, total: int) -> int:
    """The 1-based line after the section whose heading is on `line`: the next heading of `level` or higher."""
    for heading in doc.headings:
        if heading.line > line and heading.level <= level:
            return heading.line
    return total + 1


def section_text(text: str, doc: Any, title: str, level: int = 2) -> str | None:
    """The lines of the section headed `title` at `level` (heading included), or None when absent."""
    lines = textcodec.lines(text, keepends=True)
    for heading in doc.headings:
        if heading.level == level and heading.text == title:
            return "".join(lines[heading.line - 1 : section_end(doc, heading.line, level, len(lines)) - 1])
    return None


def replace_heading(lines: list[str], line: int, text: str) -> bool:
    """Make the heading on 1-based `line` read `text`, keeping its marker (`## `); a setext heading's first
    line is replaced. Returns whether the line changed."""
    index = line - 1
    body = lines[index].rstrip("\n")
    ending = lines[index][len(body) :]
    match = _ATX_PREFIX.fullmatch(body)
    head = match.group("prefix") if match else body[: len(body) - len(body.lstrip())]
    new = f"{head}{text}{ending}"
    changed = new != lines[index]
    lines[index] = new
    return changed


def drop_copies_of_section(text: str, doc: Any, title: str, pristine: str, level: int = 2) -> str:
    """Remove extra sections headed `title` that are exact copies of the template's `pristine` section.

    `copier update` re-applies a user's change on top of the new release; when the user's side already
    had a section the release adds (from `modforge migrate` run before the update), the section appears
    twice. Copies of the template's own text are dropped, the first copy or the user's edited one stays.
    """
    lines = textcodec.lines(text, keepends=True)
    spans = [
        (h.line, section_end(doc, h.line, level, len(lines)))
        for h in doc.headings
        if h.level == level and h.text == title
    ]
    if len(spans) < 2:
        return text
    copies = [span for span in spans if "".join(lines[span[0] - 1 : span[1] - 1]).strip("\n") == pristine.strip("\n")]
    keep = next((span for span in spans if span not in copies), spans[0])
    for start, end in sorted((span for span in copies if span != keep), reverse=True):
        del lines[start - 1 : end - 1]
    return "".join(lines)
