"""A module as a team leaves it after working through the pipeline: docs rewritten in the spec's style,
requirements and scenarios added, tasks ticked, code and README changed. Update tests and bench/update.py
make such modules, then check that every line the team wrote survives an update.
"""

from __future__ import annotations

from pathlib import Path

from modforge.documents import parser
from modforge.spec import layout
from modforge.spec.grammar import IdKind, format_id


def _insert_after_heading(path: Path, starts: str, lines: list[str], *, level: int = 2) -> None:
    """Put `lines` right under the first heading starting with `starts` (no blank line: the spec's style)."""
    text = path.read_text()
    doc = parser.parse_text(text, path, path.name)
    heading = next(h for h in doc.headings if h.level == level and h.text.startswith(starts))
    rows = text.splitlines(keepends=True)
    rows[heading.line : heading.line] = [line + "\n" for line in lines]
    path.write_text("".join(rows))


def team_edits(module: Path, answers: dict) -> list[tuple[str, str]]:
    """Edit docs and code as a team does; returns (file, line) pairs that must survive the update."""
    prefix, snake = answers["id_prefix"], answers["module_name"].replace("-", "_")
    docs = module / layout.DOCS_DIR
    kept: list[tuple[str, str]] = []

    def under(doc: str, heading: str, lines: list[str], level: int = 2) -> None:
        _insert_after_heading(docs / doc, heading, lines, level=level)
        kept.extend((f"docs/{doc}", line) for line in lines)

    # Step 1: the design in the spec's style, each section's text right under its heading.
    under(layout.INTENT_DESIGN, "Overview", ["Keeps tenant secrets for outbound calls; callers never see them."])
    under(layout.INTENT_DESIGN, "API Surface", ["- `get_secret()` - returns one secret of the caller's tenant"])
    under(layout.INTENT_DESIGN, "Security", ["Secrets are encrypted at rest with the tenant's data key."])
    under(layout.INTENT_DESIGN, "Observability", ["- Secret values are never logged, only their ids"])
    phase1 = format_id(IdKind.PHASE, prefix, 1)
    under(layout.INTENT_DESIGN, answers["phase_titles"][0], ["- Store and read secrets per tenant"], level=3)
    # Step 2: requirements and scenarios.
    req, scen = format_id(IdKind.REQ, prefix, 1), format_id(IdKind.SCEN, prefix, 1)
    requirement = [f"### {req}: Tenant Isolation", "The module MUST only return the caller's tenant's secrets (REQ-1)."]
    path = docs / layout.INTENT_REQUIREMENTS
    path.write_text(path.read_text() + "\n" + "\n".join(requirement) + "\n")
    kept.extend((f"docs/{layout.INTENT_REQUIREMENTS}", line) for line in requirement)
    scenario = [
        f"### {scen}: Read own secret",
        "- **WHEN** a caller reads a secret of its tenant",
        f"- **THEN** it is returned ({req})",
    ]
    under(layout.INTENT_SCENARIOS, phase1, ["", *scenario])
    # Step 3: tasks ticked and refined.
    tasks = docs / layout.TASKS
    text = tasks.read_text().replace("- [ ] 1.1 ", "- [x] 1.1 ", 1).replace("- [ ] 1.2 ", "- [x] 1.2 ", 1)
    tasks.write_text(text)
    under(
        layout.TASKS, format_id(IdKind.TASK, prefix, 1), ["- [x] 1.0 Agree on the secret size limit with security"], 3
    )
    kept.extend(("docs/TASKS.md", line) for line in text.splitlines() if line.startswith(("- [x] 1.1 ", "- [x] 1.2 ")))
    # Code: a config field and a comment.
    config = module / answers["module_name"] / "src" / "config.rs"
    if config.exists():
        addition = "// Rotation interval for secrets, in days (team decision, see INTENT_DESIGN.md)."
        config.write_text(config.read_text() + "\n" + addition + "\n")
        kept.append((config.relative_to(module).as_posix(), addition))
    readme = module / "README.md"
    readme.write_text(readme.read_text() + "\n## Team notes\n\nOn-call: #secrets-oncall.\n")
    kept.append(("README.md", "On-call: #secrets-oncall."))
    assert snake  # the module's snake name appears in the code paths the template renders
    return kept
