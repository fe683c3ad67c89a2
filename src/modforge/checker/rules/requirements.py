"""Requirements: `### REQ-<P>-<N>: Title` headings over prose that says MUST, SHALL, SHOULD or MAY."""

from __future__ import annotations

from collections.abc import Iterator

from modforge.checker.rules.context import Context
from modforge.checker.rules.helpers import heading_findings
from modforge.checker.rules.registry import ERROR, Finding, hit, rule
from modforge.spec import layout
from modforge.spec.grammar import IdKind


@rule("MF301", "requirement-heading", ERROR, "{problem}: write `{expected}`{hint}")
def requirement_heading(ctx: Context) -> Iterator[Finding]:
    """A heading in a requirements document that is not a requirement definition.

    **What it checks.** In `INTENT_REQUIREMENTS.md` and `ACTUAL_REQUIREMENTS.md`, every level-3 heading
    is `### REQ-<P>-<N>: Title` with a title, and a requirement heading is never at another level. Other
    levels (a `#` title, `##` groups, `####` notes inside a requirement) are free.

    **Why.** References resolve only to requirement headings; a requirement written as
    `### REQ-OAGW-42 - Timeout` or `## REQ-OAGW-42: Timeout` is invisible to every reference.

    **Example.** `### Configurable Timeout (REQ-OAGW-42)` — write `### REQ-OAGW-42: Configurable Timeout`.
    """
    docs = ctx.docs(layout.REQUIREMENT_DOCS)
    yield from heading_findings(ctx, docs, IdKind.REQ, lambda d: d.requirements, "Title")


@rule(
    "MF302",
    "requirement-without-keyword",
    ERROR,
    "{id} states no obligation: say MUST or SHALL (mandatory), or SHOULD or MAY (optional)",
)
def requirement_without_keyword(ctx: Context) -> Iterator[Finding]:
    """A requirement whose text has no normative keyword.

    **What it checks.** The body of every requirement in `INTENT_REQUIREMENTS.md` uses at least one of
    **MUST**, **SHALL**, **SHOULD** or **MAY**, in capitals (RFC 2119 style), outside code.
    `ACTUAL_REQUIREMENTS.md` reports how each requirement was built ("Implemented as intended"), so it
    is not checked.

    **Why.** The keyword is what makes a sentence a requirement and says whether it is mandatory; a
    reviewer cannot tell "the gateway retries" (a fact? a wish?) from "the gateway MUST retry".

    **Example.**

    ```markdown
    ### REQ-OAGW-43: Upstream Health Check
    The gateway verifies upstream health before forwarding requests.
    ```
    — write "The gateway MUST verify ...".
    """
    doc = ctx.doc(layout.INTENT_REQUIREMENTS)
    if doc is None:
        return
    for requirement in doc.requirements:
        if not layout.NORMATIVE_RE.search(requirement.body):
            yield hit(doc.path, requirement.line, ctx.column(doc, requirement.line), id=requirement.id.text)
