"""The changelog rules (MF601-MF605) on small CHANGELOG.md files: each defect gives its rule's message at its
line, as the user reads it, and SemVer precedence orders pre-releases and build metadata as the standard says."""

from __future__ import annotations

from pathlib import Path

import pytest
from small_modules import check_docs

HEAD = "# Changelog\n\n"
SECTIONS = "use Added, Changed, Deprecated, Removed, Fixed, Security, each once per release"
ORDER = "list releases newest first, [Unreleased] on top"


def changelog(tmp_path: Path, *releases: str) -> list[tuple[str, int, str]]:
    """(code, line, message) of the MF6 findings on a changelog made of `releases` (heading lines, each given a
    `### Added` section with one entry unless it holds a newline already)."""
    blocks = [release if "\n" in release else f"{release}\n### Added\n- an entry\n" for release in releases]
    text = HEAD + "\n".join(blocks)
    found = check_docs(tmp_path, {"CHANGELOG.md": text}, "MF6")
    assert all(name == "CHANGELOG.md" and column == 1 for _, name, _, column, _ in found)
    return [(code, line, message) for code, _, line, _, message in found]


CASES = {
    "clean": (("## [Unreleased]\n", "## [0.2.0] - 2024-02-01", "## [0.1.0] - 2024-01-15"), []),
    "same-day-releases": (("## [0.2.0] - 2024-01-15", "## [0.1.0] - 2024-01-15"), []),
    "heading-not-a-release": (
        ("## v0.2.0 - 2024-01-15",),
        [
            (
                "MF601",
                3,
                "`## v0.2.0 - 2024-01-15` is not a release heading: "
                "write `## [x.y.z] - YYYY-MM-DD` or `## [Unreleased]`",
            )
        ],
    ),
    "version-not-semver": (
        ("## [0.2] - 2024-01-15",),
        [("MF602", 3, "[0.2] is not a SemVer version: write MAJOR.MINOR.PATCH, such as 0.2.0")],
    ),
    "unreleased-with-a-date": (
        ("## [Unreleased] - 2024-01-15\n",),
        [("MF603", 3, "[Unreleased] has a date: remove it, unreleased changes have none yet")],
    ),
    "release-without-a-date": (
        ("## [0.2.0]",),
        [("MF603", 3, "[0.2.0] has no date: write `## [x.y.z] - YYYY-MM-DD`")],
    ),
    "date-not-on-the-calendar": (
        ("## [0.2.0] - 2024-02-30",),
        [
            (
                "MF603",
                3,
                "[0.2.0] has date '2024-02-30', not a real YYYY-MM-DD date: write the release day, such as 2024-01-15",
            )
        ],
    ),
    "date-not-iso": (
        ("## [0.2.0] - 15.01.2024",),
        [
            (
                "MF603",
                3,
                "[0.2.0] has date '15.01.2024', not a real YYYY-MM-DD date: write the release day, such as 2024-01-15",
            )
        ],
    ),
    "unreleased-below-a-release": (
        ("## [0.1.0] - 2024-01-15", "## [Unreleased]\n"),
        [("MF604", 7, f"[Unreleased] is not the first release: {ORDER}")],
    ),
    "repeated-release": (
        ("## [0.1.0] - 2024-01-15", "## [0.1.0] - 2024-01-15"),
        [("MF604", 7, f"[0.1.0] repeats line 3: {ORDER}")],
    ),
    "older-above-newer": (
        ("## [0.1.0] - 2024-01-02", "## [0.2.0] - 2024-01-15"),
        [("MF604", 7, f"[0.2.0] is newer than [0.1.0] above it: {ORDER}")],
    ),
    "dated-after-the-release-above": (
        ("## [0.2.0] - 2024-01-15", "## [0.1.0] - 2024-02-01"),
        [("MF604", 7, f"[0.1.0] is dated after [0.2.0] above it (2024-02-01 > 2024-01-15): {ORDER}")],
    ),
    "invalid-date-is-not-compared": (
        ("## [0.2.0] - 2024-01-15", "## [0.1.0] - 2024-99-99"),
        [
            (
                "MF603",
                7,
                "[0.1.0] has date '2024-99-99', not a real YYYY-MM-DD date: write the release day, such as 2024-01-15",
            )
        ],
    ),
    "invalid-date-above-is-not-compared": (
        ("## [0.2.0] - 2024-00-01", "## [0.1.0] - 2024-01-15"),
        [
            (
                "MF603",
                3,
                "[0.2.0] has date '2024-00-01', not a real YYYY-MM-DD date: write the release day, such as 2024-01-15",
            )
        ],
    ),
    "order-skips-a-version-that-is-not-semver": (
        ("## [0.1.0] - 2024-01-15", "## [0.2] - 2024-01-15", "## [0.3.0] - 2024-01-15"),
        [
            ("MF602", 7, "[0.2] is not a SemVer version: write MAJOR.MINOR.PATCH, such as 0.2.0"),
            ("MF604", 11, f"[0.3.0] is newer than [0.1.0] above it: {ORDER}"),
        ],
    ),
    "entries-outside-a-section": (
        ("## [0.1.0] - 2024-01-15\n- an entry\n",),
        [("MF605", 3, f"[0.1.0] has entries outside a `###` section: {SECTIONS}")],
    ),
    "section-not-keep-a-changelog": (
        ("## [0.1.0] - 2024-01-15\n### Features\n- an entry\n",),
        [("MF605", 4, f"`### Features` is not a Keep a Changelog section: {SECTIONS}")],
    ),
    "section-twice": (
        ("## [0.1.0] - 2024-01-15\n### Added\n- one\n### Fixed\n- two\n### Added\n- three\n",),
        [("MF605", 8, f"`### Added` appears twice in [0.1.0]: {SECTIONS}")],
    ),
    "same-section-in-two-releases": (
        ("## [0.2.0] - 2024-02-01\n### Added\n- one\n", "## [0.1.0] - 2024-01-15\n### Added\n- two\n"),
        [],
    ),
}


@pytest.mark.parametrize(("releases", "expected"), CASES.values(), ids=CASES.keys())
def test_a_changelog_defect_gives_its_rule_message_at_its_line(
    tmp_path: Path, releases: tuple[str, ...], expected: list
) -> None:
    assert changelog(tmp_path, *releases) == expected


# (the upper release, the lower one) of a changelog listed newest first, by SemVer 2.0.0 precedence (section 11).
NEWEST_FIRST = (
    ("2.0.0", "1.10.0"),  # numeric fields compare as numbers, not as text
    ("1.10.0", "1.9.0"),
    ("1.0.0", "1.0.0-rc.1"),  # a pre-release precedes its release
    ("1.0.0-rc.10", "1.0.0-rc.2"),  # numeric identifiers compare as numbers
    ("1.0.0-beta", "1.0.0-alpha"),  # alphanumeric identifiers compare as text
    ("1.0.0-alpha", "1.0.0-1"),  # numeric identifiers precede alphanumeric ones
    ("1.0.0-alpha.1", "1.0.0-alpha"),  # more identifiers, when the others are equal, come later
    ("1.0.0-alpha-2", "1.0.0-alpha-10"),  # a hyphen inside an identifier is text: `alpha-2` > `alpha-10`
    ("1.0.0+build.2", "0.9.0+build.9"),  # build metadata plays no part
)


@pytest.mark.parametrize(("upper", "lower"), NEWEST_FIRST)
def test_releases_in_semver_precedence_newest_first_are_in_order(tmp_path: Path, upper: str, lower: str) -> None:
    assert changelog(tmp_path, f"## [{upper}] - 2024-01-15", f"## [{lower}] - 2024-01-15") == []


@pytest.mark.parametrize(("upper", "lower"), NEWEST_FIRST)
def test_releases_in_semver_precedence_oldest_first_are_reported(tmp_path: Path, upper: str, lower: str) -> None:
    found = changelog(tmp_path, f"## [{lower}] - 2024-01-15", f"## [{upper}] - 2024-01-15")
    assert found == [("MF604", 7, f"[{upper}] is newer than [{lower}] above it: {ORDER}")]


@pytest.mark.parametrize(
    ("upper", "lower"),
    [("1.0.0+build.2", "1.0.0+build.1"), ("1.0.0", "1.0.0+20240115"), ("1.0.0-rc.1+a", "1.0.0-rc.1+b")],
)
def test_versions_that_differ_only_in_build_metadata_are_one_release_repeated(
    tmp_path: Path, upper: str, lower: str
) -> None:
    found = changelog(tmp_path, f"## [{upper}] - 2024-01-15", f"## [{lower}] - 2024-01-15")
    assert found == [("MF604", 7, f"[{lower}] repeats line 3: {ORDER}")]


def test_a_module_without_a_changelog_has_no_changelog_finding(tmp_path: Path) -> None:
    assert (
        check_docs(tmp_path, {"INTENT_DESIGN.md": "# Oagw: Intent Design\n\n## Overview\n\nA gateway.\n"}, "MF6") == []
    )
