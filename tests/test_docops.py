"""modforge.lifecycle.docops: the document operations a migration is written with. Each changes only the
lines it is about, and running it twice equals running it once."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import REPO_ROOT

from modforge.lifecycle import docops
from modforge.lifecycle.migration import ModuleTree
from modforge.spec import layout

DESIGN = """# Cred Store: Design

## Overview
Keeps tenant secrets.

## Security and Tenancy (REQ-1)
Secrets are encrypted at rest.

```markdown
## Security and Tenancy
```

## Observability
- Secret values are never logged
## Implementation Phases

### Basic Storage (PHASE-CREDSTORE-1)
"""

TASKS = """# Cred Store: Tasks

## PHASE-CREDSTORE-1: Basic Storage

### TASK-CREDSTORE-01: SDK
- [x] 1.1 Define the client trait
- [ ] 1.2 Define the errors

### TASK-CREDSTORE-02: Storage
- [ ] 2.1 Write the repository
"""


def module(tmp_path: Path, **docs: str) -> ModuleTree:
    root = tmp_path / "cred-store"
    (root / layout.DOCS_DIR).mkdir(parents=True)
    for name, text in docs.items():
        (root / layout.DOCS_DIR / name).write_text(text)
    (root / layout.ANSWERS_FILE).write_text(
        "_commit: v0.1.0\nmodule_name: cred-store\nid_prefix: CREDSTORE\ncategory: generic\nphases: 1\n"
        "phase_titles: [Basic Storage]\npersistence: true\n"
    )
    return ModuleTree(root, REPO_ROOT)


def applied(tmp_path: Path, operation, **docs: str) -> tuple[ModuleTree, dict[str, str]]:
    """Run `operation(tree)` on a fresh module; the texts after it (checked: a second run changes nothing)."""
    tree = module(tmp_path, **docs)
    operation(tree)
    after = {change.path: change.after for change in tree.changes()}
    again = module(tmp_path / "again", **{name: after.get(f"docs/{name}", text) for name, text in docs.items()})
    assert operation(again) is False, "a second run changes nothing"
    assert again.changes() == []
    return tree, after


def only_added(before: str, after: str) -> list[str]:
    """The lines `after` has beyond `before`, asserting every line of `before` is kept in order."""
    old, new = before.splitlines(), after.splitlines()
    position, added = 0, []
    for line in new:
        if position < len(old) and line == old[position]:
            position += 1
        else:
            added.append(line)
    assert position == len(old), "every line is kept, in order"
    return added


def test_rename_section_keeps_what_the_owner_wrote_after_the_title_and_skips_code(tmp_path):
    _, after = applied(
        tmp_path,
        lambda tree: docops.rename_section(tree, layout.INTENT_DESIGN, "Security and Tenancy", "Security"),
        **{layout.INTENT_DESIGN: DESIGN},
    )
    text = after["docs/INTENT_DESIGN.md"]
    assert "## Security (REQ-1)\n" in text
    assert "```markdown\n## Security and Tenancy\n```" in text, "a heading in a code block is text, not a heading"
    assert len(DESIGN.splitlines()) == len(text.splitlines())


@pytest.mark.parametrize(
    ("where", "expected_before"),
    [({"after": "Overview"}, "## Security and Tenancy (REQ-1)"), ({"before": "Implementation Phases"}, None)],
)
def test_add_section_goes_after_one_section_or_before_a_heading(tmp_path, where, expected_before):
    section = "## Testing Strategy\n\nUnit tests with the code.\n\n"
    _, after = applied(
        tmp_path,
        lambda tree: docops.add_section(tree, layout.INTENT_DESIGN, "Testing Strategy", section, **where),
        **{layout.INTENT_DESIGN: DESIGN},
    )
    text = after["docs/INTENT_DESIGN.md"]
    assert [line for line in only_added(DESIGN, text) if line] == ["## Testing Strategy", "Unit tests with the code."]
    lines = text.splitlines()
    heading = lines.index("## Testing Strategy")
    following = next(line for line in lines[heading + 1 :] if line.startswith("## "))
    assert following == (expected_before or "## Implementation Phases")
    assert lines[heading - 1] == "", "a blank line separates it from the section before"


def test_add_section_without_its_anchor_appends_and_takes_the_templates_text(tmp_path):
    design = "# Cred Store: Design\n\n## Overview\nKeeps tenant secrets."  # no final newline, no phases section
    _, after = applied(
        tmp_path,
        lambda tree: docops.add_section(tree, layout.INTENT_DESIGN, "Testing Strategy", before="Nowhere"),
        **{layout.INTENT_DESIGN: design},
    )
    text = after["docs/INTENT_DESIGN.md"]
    assert text.startswith(design + "\n\n## Testing Strategy\n")
    assert "90% of the code" in text, "the template's own section, rendered for the module"
    assert text.endswith("\n")


def test_add_section_drops_the_copy_copier_reapplied(tmp_path):
    section = "## Testing Strategy\n\nUnit tests with the code.\n\n"
    twice = DESIGN.replace(
        "## Implementation Phases", section + "## Owner's\n\n" + section + "## Implementation Phases"
    )
    tree = module(tmp_path, **{layout.INTENT_DESIGN: twice})
    assert docops.add_section(tree, layout.INTENT_DESIGN, "Testing Strategy", section) is True
    (change,) = tree.changes()
    assert change.after.count("## Testing Strategy") == 1


def test_add_task_numbers_it_after_the_tasks_last_subtask(tmp_path):
    _, after = applied(
        tmp_path,
        lambda tree: docops.add_task(tree, "TASK-CREDSTORE-01", "Review the errors with security"),
        **{layout.TASKS: TASKS},
    )
    text = after["docs/TASKS.md"]
    assert only_added(TASKS, text) == ["- [ ] 1.3 Review the errors with security"]
    assert text.index("1.3 Review") < text.index("### TASK-CREDSTORE-02")


def test_add_task_finds_a_task_by_its_title(tmp_path):
    tree = module(tmp_path, **{layout.TASKS: TASKS})
    assert docops.add_task(tree, "Storage", "Index the tenant column", done=True)
    assert only_added(TASKS, tree.changes()[0].after) == ["- [x] 2.2 Index the tenant column"]
    assert docops.add_task(tree, "TASK-CREDSTORE-09", "nowhere") is False


def test_rename_document_moves_it_once(tmp_path):
    tree = module(tmp_path, **{"DESIGN.md": DESIGN})
    assert docops.rename_document(tree, "DESIGN.md", layout.INTENT_DESIGN) is True
    (change,) = tree.changes()
    assert (change.old_path, change.path, change.after) == ("docs/DESIGN.md", "docs/INTENT_DESIGN.md", DESIGN)
    moved = module(tmp_path / "again", **{layout.INTENT_DESIGN: DESIGN})
    assert docops.rename_document(moved, "DESIGN.md", layout.INTENT_DESIGN) is False


def test_rename_document_leaves_both_when_the_new_name_exists(tmp_path):
    tree = module(tmp_path, **{"DESIGN.md": DESIGN, layout.INTENT_DESIGN: "# Mine\n"})
    assert docops.rename_document(tree, "DESIGN.md", layout.INTENT_DESIGN) is False
    assert tree.changes() == []


def test_a_section_whose_title_only_starts_the_same_is_another_section(tmp_path):
    design = DESIGN.replace("## Observability", "## Rollout Notes\nCanary first.\n\n## Observability")
    tree = module(tmp_path, **{layout.INTENT_DESIGN: design})
    section = "## Rollout\n\nFlags and canaries.\n\n"
    assert docops.add_section(tree, layout.INTENT_DESIGN, "Rollout", section, before="Implementation Phases")
    assert docops.titled("Security (REQ-1)", "Security")
    assert not docops.titled("Rollout Notes", "Rollout")
