"""INTENT_VS_ACTUAL.md: one `### SCEN-<P>-<NN>: Name` entry per scenario, with Intent, Actual and Gap."""

from __future__ import annotations

from collections.abc import Iterator

from modforge.checker.rules.context import Context
from modforge.checker.rules.helpers import heading_findings
from modforge.checker.rules.registry import ERROR, Finding, hit, rule
from modforge.spec import layout
from modforge.spec.grammar import IdKind

FIELDS = ", ".join(f"`- **{label}:** ...`" for label in layout.GAP_LABELS)


@rule("MF701", "gap-entry-heading", ERROR, "{problem}: write `{expected}`")
def gap_entry_heading(ctx: Context) -> Iterator[Finding]:
    """A gap-analysis entry whose heading does not name a scenario.

    **What it checks.** In `INTENT_VS_ACTUAL.md` every level-3 heading is `### SCEN-<P>-<NN>: Name`. That
    the scenario exists is checked with every other reference (MF202).

    **Why.** The gap analysis compares intent and actual per scenario (spec, "Other artifact formats");
    an entry that names no scenario cannot be traced to what was planned.

    **Example.** `### Forward request to upstream` — write `### SCEN-OAGW-01: Forward request to upstream`.
    """
    doc = ctx.doc(layout.INTENT_VS_ACTUAL)
    if doc is not None:
        yield from heading_findings(ctx, [doc], IdKind.SCEN, lambda d: d.gaps, "Name")


@rule("MF702", "gap-entry-fields", ERROR, f"{{id}} {{problem}}: write {FIELDS}, in that order")
def gap_entry_fields(ctx: Context) -> Iterator[Finding]:
    """A gap-analysis entry without exactly one Intent, Actual and Gap, in that order.

    **What it checks.** Each entry of `INTENT_VS_ACTUAL.md` has the bullets `- **Intent:** ...`,
    `- **Actual:** ...` and `- **Gap:** ...`, each once, in that order.

    **Why.** The three fields are the analysis: what was planned, what was built, and the difference with
    its reason. An entry without its Gap line states a difference without explaining it.

    **Example.**

    ```markdown
    ### SCEN-OAGW-01: Forward request to upstream
    - **Intent:** Forward requests with 30s timeout
    - **Actual:** Implemented with 60s timeout
    ```
    """
    doc = ctx.doc(layout.INTENT_VS_ACTUAL)
    if doc is None:
        return
    for entry in doc.gaps:
        name = entry.id.text if entry.id is not None else entry.title or "this entry"
        labels = [label for label, _ in entry.labels]
        missing = [label for label in layout.GAP_LABELS if label not in labels]
        repeated = next(((label, line) for i, (label, line) in enumerate(entry.labels) if label in labels[:i]), None)
        if missing:
            problem = "lacks " + " and ".join(f"**{label}:**" for label in missing)
            yield hit(doc.path, entry.line, id=name, problem=problem)
        elif repeated:
            yield hit(doc.path, repeated[1], id=name, problem=f"has **{repeated[0]}:** twice")
        elif labels != list(layout.GAP_LABELS):  # each label once: the three in another order
            first = next(i for i, label in enumerate(labels) if label != layout.GAP_LABELS[i])
            yield hit(doc.path, entry.labels[first][1], id=name, problem="has its fields out of order")
