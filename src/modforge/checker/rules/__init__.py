"""Every rule of `modforge check`, one module per family; `RULES` lists them in code order.

Adding a rule is adding one decorated function to its family's module (see registry.py); codes are
stable: a retired rule's code is never given to another rule.
"""

from __future__ import annotations

from modforge.checker.rules import (
    changelog,
    design,
    documents,
    gaps,
    ids,
    orphans,
    references,
    requirements,
    scenarios,
    tasks,
)
from modforge.checker.rules.registry import ERROR, SEVERITIES, WARNING, Finding, Rule

FAMILIES = (documents, ids, references, requirements, scenarios, tasks, changelog, gaps, design, orphans)

# What each family covers, for the catalogue (in code order: MF0xx, MF1xx, ...).
FAMILY_TITLES = {
    "documents": "Documents and merge leftovers",
    "ids": "ID syntax, prefix and uniqueness",
    "references": "References and the cross-reference table",
    "requirements": "Requirements",
    "scenarios": "Scenarios",
    "tasks": "Tasks",
    "changelog": "Changelog",
    "gaps": "Intent vs actual",
    "design": "Design",
    "orphans": "Orphans (warnings)",
}

RULES: tuple[Rule, ...] = tuple(
    sorted(
        (value for family in FAMILIES for value in vars(family).values() if isinstance(value, Rule)),
        key=lambda r: r.code,
    )
)
BY_CODE: dict[str, Rule] = {r.code: r for r in RULES}

__all__ = ["BY_CODE", "ERROR", "FAMILIES", "FAMILY_TITLES", "RULES", "SEVERITIES", "WARNING", "Finding", "Rule"]
