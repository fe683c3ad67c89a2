"""The rule catalogue, rendered from the rules themselves: `modforge rules` and docs/RULES.md."""

from __future__ import annotations

import itertools
import json

from modforge.checker.rules import FAMILY_TITLES, RULES, Rule

FORMATS = ("text", "markdown", "json")
GENERATE = "modforge rules --format markdown > docs/RULES.md"


def _body(rule: Rule) -> str:
    """The docstring without its first line (the summary)."""
    return rule.doc.partition("\n")[2].strip()


def text() -> str:
    width = max(len(r.name) for r in RULES)
    lines = [f"{r.code}  {r.severity:<7}  {r.name:<{width}}  {r.summary}" for r in RULES]
    return "\n".join(lines) + "\n"


def _entry(r: Rule) -> dict:
    return {
        "code": r.code,
        "name": r.name,
        "severity": r.severity,
        "family": r.family,
        "message": r.message,
        "summary": r.summary,
        "doc": _body(r),
    }


def as_json() -> str:
    return json.dumps([_entry(r) for r in RULES], indent=2, ensure_ascii=False) + "\n"


def _anchor(rule: Rule) -> str:
    return f"{rule.code.lower()}-{rule.name}"


def markdown() -> str:
    out = [
        "# `modforge check` rules",
        "",
        f"<!-- Generated from the rules' code by `{GENERATE}`; do not edit by hand. -->",
        "",
        "Each rule has a stable code, a name and a severity. Errors make `modforge check` exit 1; warnings are",
        "reported but do not. Choose rules by code or code prefix with `--select` / `--ignore`, or in the",
        "monorepo's `.modforge.toml` (or `[tool.modforge]` in `pyproject.toml`):",
        "",
        "```toml",
        'select = ["ALL"]',
        'ignore = ["MF9"]  # no orphan warnings',
        "```",
        "",
        "| Code | Name | Severity | What it reports |",
        "|------|------|----------|-----------------|",
    ]
    out += [f"| [{r.code}](#{_anchor(r)}) | `{r.name}` | {r.severity} | {r.summary} |" for r in RULES]
    for family, rules in itertools.groupby(RULES, key=lambda r: r.family):  # RULES are in code order: by family
        out += ["", f"## {FAMILY_TITLES[family]}"]
        for r in rules:
            message = r.message.replace("`", "'")
            out += [
                "",
                f"### {r.code} {r.name}",
                "",
                f"{r.summary}",
                "",
                f"Severity: **{r.severity}**. Message: `{message}`",
                "",
                _body(r),
            ]
    return "\n".join(out) + "\n"


RENDERERS = {"text": text, "markdown": markdown, "json": as_json}


def render(format: str = "text") -> str:
    return RENDERERS[format]()


def find(code: str) -> Rule:
    from modforge.checker.rules import BY_CODE
    from modforge.errors import ModforgeError

    rule = BY_CODE.get(code.strip().upper())
    if rule is None:
        raise ModforgeError(f"no rule {code!r}; `modforge rules` lists every code (MF101 ... MF9xx)")
    return rule


def page(code: str, format: str = "text") -> str:
    """One rule's page, as `ruff rule F401` shows one: what it reports, its message, and how to fix it."""
    rule = find(code)
    if format == "json":
        return json.dumps(_entry(rule), indent=2, ensure_ascii=False) + "\n"
    title = f"{rule.code} {rule.name} ({rule.severity})"
    heading = f"# {title}" if format == "markdown" else f"{title}\n{'=' * len(title)}"
    family = FAMILY_TITLES[rule.family]
    lines = [heading, "", rule.summary, "", f"Family: {family}. Message: {rule.message}", "", _body(rule)]
    return "\n".join(lines) + "\n"  # _body ends with no blank
