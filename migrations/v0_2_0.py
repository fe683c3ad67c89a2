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

from modforge.lifecycle import docops
from modforge.lifecycle.migration import ModuleTree
from modforge.spec import layout

VERSION = "0.2.0"
STAGE = "after"  # copier's merge brings the template's side; see CHANGELOG 0.2.0 for the evidence
OLD_SECURITY_TITLE = "Security and Tenancy"  # the 0.1.0 title: history, so it lives here and not in layout


def migrate(tree: ModuleTree) -> None:
    for name in layout.DESIGN_DOCS:
        docops.rename_section(tree, name, OLD_SECURITY_TITLE, layout.DESIGN_SECTION["security"])
    docops.add_section(
        tree, layout.INTENT_DESIGN, layout.DESIGN_SECTION["testing"], before=layout.DESIGN_SECTION["phases"]
    )
