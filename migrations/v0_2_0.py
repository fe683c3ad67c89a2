"""0.2.0: the design's `## Security and Tenancy` is now `## Security`, and `## Testing Strategy` is new.

What changed in the process, and why:
- The spec's design format names the section `## Security` (its own example in "Design doc format");
  modforge 0.1.0 called it `## Security and Tenancy`. One name means one heading for reviewers, prompts and
  the checker to look for. Tenancy stays in the section's content (REQ-1).
- Steps 3 and 4 require unit tests with the code, one E2E test per scenario and 90% combined coverage.
  Until now the design said nothing about testing, so the plan only surfaced in Step 3's PR. The design
  now has a `## Testing Strategy` section (before `## Implementation Phases`) that Step 1's review approves.

What this migration does to a module made by 0.1.0, reading the documents with modforge's parser (code
blocks and HTML comments are never touched), idempotently, inside the module's docs/ only:
- in INTENT_DESIGN.md and ACTUAL_DESIGN.md, a level-2 heading that starts with `Security and Tenancy` is
  renamed, keeping anything the user wrote after it (`## Security and Tenancy (REQ-1)` -> `## Security (REQ-1)`);
- INTENT_DESIGN.md without a `## Testing Strategy` section gets the template's section, rendered for the
  module's answers, right before `## Implementation Phases` (at the end when that section is missing);
  when it has two because copier re-applied a section the user's side already had (`modforge migrate`
  run before `copier update`), the exact copy of the template's text is dropped.
Every other line stays as the user wrote it.
"""

from __future__ import annotations

from modforge.lifecycle import migration
from modforge.lifecycle.migration import ModuleTree
from modforge.spec import layout

VERSION = "0.2.0"
STAGE = "after"  # copier's merge brings the template's side; see CHANGELOG 0.2.0 for the evidence
OLD_SECURITY_TITLE = "Security and Tenancy"  # the 0.1.0 title: history, so it lives here and not in layout


def migrate(tree: ModuleTree) -> None:
    for name in layout.DESIGN_DOCS:
        _rename_security(tree, name)
    _add_testing_strategy(tree)


def _rename_security(tree: ModuleTree, name: str) -> None:
    doc = tree.document(name)
    if doc is None:
        return
    path = tree.doc_path(name)
    lines = tree.read(path).splitlines(keepends=True)
    new_title = layout.DESIGN_SECTION["security"]
    renamed = [
        migration.rename_heading(lines, heading.line, OLD_SECURITY_TITLE, new_title)
        for heading in doc.headings
        if heading.level == layout.DESIGN_SECTION_LEVEL
    ]
    if any(renamed):
        tree.write(path, "".join(lines))


def _add_testing_strategy(tree: ModuleTree) -> None:
    doc = tree.document(layout.INTENT_DESIGN)
    if doc is None:
        return
    title = layout.DESIGN_SECTION["testing"]
    path = tree.doc_path(layout.INTENT_DESIGN)
    skeleton = tree.skeleton(path)
    section = migration.section_text(skeleton, migration.parse_document(tree.root / path, doc.name, skeleton), title)
    if section is None:
        return  # a template without the section: nothing to add
    text = tree.read(path)
    if any(h.level == layout.DESIGN_SECTION_LEVEL and h.text.startswith(title) for h in doc.headings):
        # Already there; when copier re-applied a section the user's side already had, drop the copy.
        deduplicated = migration.drop_copies_of_section(text, doc, title, section)
        if deduplicated != text:
            tree.write(path, deduplicated)
        return
    lines = text.splitlines(keepends=True)
    anchor = next(
        (
            h.line
            for h in doc.headings
            if h.level == layout.DESIGN_SECTION_LEVEL and h.text == layout.DESIGN_SECTION["phases"]
        ),
        len(lines) + 1,
    )
    before = lines[: anchor - 1]
    if before and not before[-1].endswith("\n"):
        before[-1] += "\n"
    if before and before[-1].strip():
        before.append("\n")  # a blank line between the previous section and the new heading
    if anchor > len(lines):
        section = section.rstrip("\n") + "\n"
    tree.write(path, "".join([*before, section, *lines[anchor - 1 :]]))
