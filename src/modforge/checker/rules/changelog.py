"""CHANGELOG.md: Keep a Changelog 1.0.0 with SemVer versions, ISO dates, newest release first."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from modforge.checker.rules.context import Context
from modforge.checker.rules.registry import ERROR, Finding, hit, rule
from modforge.documents.model import Release
from modforge.spec import grammar, layout

RELEASE_FORM = "## [x.y.z] - YYYY-MM-DD"


def _releases(ctx: Context) -> list[Release]:
    """The releases whose heading has the release form (MF601 reports the other level-2 headings)."""
    doc = ctx.doc(layout.CHANGELOG)
    return [r for r in doc.releases if layout.RELEASE_RE.match(r.heading)] if doc is not None else []


def _is_unreleased(release: Release) -> bool:
    return release.version.lower() == layout.UNRELEASED.lower()


def _precedence(version: str) -> tuple | None:
    """SemVer 2.0.0 precedence (build metadata ignored), or None when `version` is not SemVer."""
    if not layout.SEMVER_RE.fullmatch(version):
        return None
    core, _, pre = version.partition("+")[0].partition("-")
    numbers = tuple(map(grammar.number_order, core.split(".")))  # any length: no int() limit
    if not pre:
        return (numbers, True, ())  # a release follows its pre-releases (False < True)
    # Identifiers of digits (ASCII: SEMVER_RE matched) compare as numbers and precede the others (False < True).
    identifiers = tuple((False, grammar.number_order(p)) if p.isdigit() else (True, p) for p in pre.split("."))
    return (numbers, False, identifiers)


def _valid_date(text: str | None) -> bool:
    if not text or not layout.ISO_DATE_RE.fullmatch(text):
        return False
    try:
        datetime.date.fromisoformat(text)
    except ValueError:
        return False
    return True


@rule(
    "MF601",
    "changelog-heading",
    ERROR,
    f"`## {{text}}` is not a release heading: write `{RELEASE_FORM}` or `## [{layout.UNRELEASED}]`",
)
def changelog_heading(ctx: Context) -> Iterator[Finding]:
    """A level-2 heading in `CHANGELOG.md` that is not a release.

    **What it checks.** Every `##` heading of `CHANGELOG.md` is a release: `## [x.y.z] - YYYY-MM-DD`, or
    `## [Unreleased]` for changes not yet released (Keep a Changelog 1.0.0).

    **Why.** Tools and readers find releases by their headings; `## 0.2.0 (2024-01-15)` or
    `## Version 0.2.0` is a release nobody can find.

    **Example.** `## v0.2.0 - 2024-01-15` — write `## [0.2.0] - 2024-01-15`.
    """
    doc = ctx.doc(layout.CHANGELOG)
    if doc is None:
        return
    for heading in doc.headings:
        if heading.level == 2 and not layout.RELEASE_RE.match(heading.text):
            yield hit(doc.path, heading.line, text=heading.text)


@rule(
    "MF602",
    "changelog-version",
    ERROR,
    "[{version}] is not a SemVer version: write MAJOR.MINOR.PATCH, such as 0.2.0",
)
def changelog_version(ctx: Context) -> Iterator[Finding]:
    """A release whose version is not Semantic Versioning.

    **What it checks.** Each release's version is SemVer 2.0.0 (`0.2.0`, `1.0.0-rc.1`), the Rust
    package's version; `[Unreleased]` is the one other name allowed.

    **Why.** The spec tracks the module version as SemVer in `CHANGELOG.md`; `v0.2`, `0.2` or `2024.1`
    cannot be matched to a `Cargo.toml` version or ordered.

    **Example.** `## [0.2] - 2024-01-15` — write `## [0.2.0] - 2024-01-15`.
    """
    for release in _releases(ctx):
        if not _is_unreleased(release) and _precedence(release.version) is None:
            yield hit(ctx.doc(layout.CHANGELOG).path, release.line, version=release.version)


@rule("MF603", "changelog-date", ERROR, "[{version}] {problem}")
def changelog_date(ctx: Context) -> Iterator[Finding]:
    """A release without a valid ISO 8601 date.

    **What it checks.** Each released version carries its date as `YYYY-MM-DD` after ` - `, and the
    date exists on the calendar; `[Unreleased]` carries none.

    **Why.** Keep a Changelog dates every release in ISO 8601, the one format that reads the same
    everywhere and sorts; `15/01/2024` is ambiguous and `2024-02-30` is a typo.

    **Example.** `## [0.2.0] - 15.01.2024` — write `## [0.2.0] - 2024-01-15`.
    """
    for release in _releases(ctx):
        if _is_unreleased(release):
            problem = "has a date: remove it, unreleased changes have none yet" if release.date else ""
        elif release.date is None:
            problem = "has no date: write `## [x.y.z] - YYYY-MM-DD`"
        elif not _valid_date(release.date):
            problem = (
                f"has date {release.date!r}, not a real YYYY-MM-DD date: write the release day, such as 2024-01-15"
            )
        else:
            problem = ""
        if problem:
            yield hit(ctx.doc(layout.CHANGELOG).path, release.line, version=release.version, problem=problem)


@rule("MF604", "changelog-order", ERROR, "[{version}] {problem}: list releases newest first, [Unreleased] on top")
def changelog_order(ctx: Context) -> Iterator[Finding]:
    """Releases that are not listed newest first.

    **What it checks.** `[Unreleased]`, when present, is the first release; each release after it has a
    lower version (SemVer precedence) and a date no later than the one above it; no version appears
    twice.

    **Why.** Keep a Changelog lists the latest version first so readers see what changed last; a release
    appended at the bottom is easy to miss at review.

    **Example.** `## [0.1.0] - 2024-01-02` above `## [0.2.0] - 2024-01-15`.
    """
    above: Release | None = None  # the nearest release above with a valid version
    for index, release in enumerate(_releases(ctx)):
        path = ctx.doc(layout.CHANGELOG).path
        if _is_unreleased(release):
            if index:
                yield hit(path, release.line, version=release.version, problem="is not the first release")
            continue
        mine = _precedence(release.version)
        if mine is None:
            continue  # MF602
        if above is not None:
            theirs = _precedence(above.version)
            if mine == theirs:
                yield hit(path, release.line, version=release.version, problem=f"repeats line {above.line}")
            elif mine > theirs:
                problem = f"is newer than [{above.version}] above it"
                yield hit(path, release.line, version=release.version, problem=problem)
            elif _valid_date(release.date) and _valid_date(above.date) and release.date > above.date:
                problem = f"is dated after [{above.version}] above it ({release.date} > {above.date})"
                yield hit(path, release.line, version=release.version, problem=problem)
        above = release


@rule("MF605", "changelog-section", ERROR, f"{{problem}}: use {', '.join(layout.CHANGE_TYPES)}, each once per release")
def changelog_section(ctx: Context) -> Iterator[Finding]:
    """A change section that Keep a Changelog does not define, or entries outside any section.

    **What it checks.** The entries of a release sit under `###` sections among `Added`, `Changed`,
    `Deprecated`, `Removed`, `Fixed`, `Security` (spelled so), each at most once per release.

    **Why.** These six names are the format's vocabulary; `### New`, `### Bugfixes`, two `### Added`
    sections in one release, or bullets straight under the release heading break tools that read
    changelogs and the reader's scan.

    **Example.** `### Features` — write `### Added`.
    """
    for release in _releases(ctx):
        seen: set[str] = set()
        for section in release.sections:
            if not section.name:
                problem = f"[{release.version}] has entries outside a `###` section"
            elif section.name not in layout.CHANGE_TYPES:
                problem = f"`### {section.name}` is not a Keep a Changelog section"
            elif section.name in seen:
                problem = f"`### {section.name}` appears twice in [{release.version}]"
            else:
                problem = ""
            if problem:
                yield hit(ctx.doc(layout.CHANGELOG).path, section.line, problem=problem)
            seen.add(section.name)
