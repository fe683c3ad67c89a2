"""Prepare, check and record a template release: the maintainers' steps of docs/releasing.md as commands.

    python scripts/release.py prepare 0.3.0 [--migration] [--stage after|before]
        bump the version everywhere it is written (src/modforge/__init__.py, pyproject.toml), open the
        CHANGELOG entry, and with --migration add the `_migrations` entry to copier.yml, scaffold
        migrations/v0_3_0.py and its fixture folders (tests/fixtures/migrations/v0_3_0/lived-in/, made from
        the newest fixture module: a module as the previous release leaves it);
    python scripts/release.py fixtures 0.3.0
        write each fixture's `after/` from its `before/` with that release's migration only (the migration
        runs here, on the fixture folders, whatever the state of this repository's work tree);
    python scripts/release.py record 0.3.0
        after tagging v0.3.0: add its commit to releases.toml.

`make release-prepare VERSION=0.3.0 [MIGRATION=1]`, `make release-fixtures VERSION=0.3.0` and
`make release-record VERSION=0.3.0` run the same.
"""

from __future__ import annotations

import argparse
import datetime
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from modforge.errors import ModforgeError  # noqa: E402  (this checkout's modforge, whatever is installed)
from modforge.lifecycle import migration, releases  # noqa: E402

INIT = ROOT / "src" / "modforge" / "__init__.py"
PYPROJECT = ROOT / "pyproject.toml"
CHANGELOG = ROOT / "CHANGELOG.md"
COPIER_YML = ROOT / "copier.yml"
FIXTURES = ROOT / "tests" / "fixtures" / "migrations"
_VERSION_LINE = re.compile(r'^(__version__\s*=\s*")([^"]+)(")', re.M)
_PYPROJECT_LINE = re.compile(r'^(version\s*=\s*")([^"]+)(")', re.M)
MIGRATION_ENTRY = """  - version: "{version}"
    command: ["{{{{ _copier_python }}}}", "{{{{ _copier_conf.src_path }}}}/migrations/run.py", "--stage", "{stage}", "--from", "{{{{ _version_pep440_from }}}}", "--to", "{{{{ _version_current }}}}"]
    when: "{{{{ _stage == '{stage}' }}}}"
"""  # noqa: E501  (copier.yml's own line)
MIGRATION_FILE = '''"""{version}: TODO say in one line what changed in the process.

What changed in the process, and why:
- TODO: the change, at its one source (spec/layout.py, spec/grammar.py, spec/scaffold.py, ...), and why the
  pipeline needs it.

What this migration does to a module made by {previous} (idempotent, every line the owner wrote kept):
- TODO: one line per document operation below.
"""

from __future__ import annotations

from modforge.lifecycle import docops  # noqa: F401  (the operations a migration is written with)
from modforge.lifecycle.migration import ModuleTree
from modforge.spec import layout  # noqa: F401

VERSION = "{version}"
STAGE = "{stage}"  # "before" only to rename a document (docops.rename_document), so copier's diff follows it


def migrate(tree: ModuleTree) -> None:
    """TODO: for example
    docops.add_section(tree, layout.INTENT_DESIGN, layout.DESIGN_SECTION["..."], before=layout.DESIGN_SECTION["phases"])
    docops.rename_section(tree, layout.INTENT_DESIGN, "Old Title", layout.DESIGN_SECTION["..."])
    docops.add_task(tree, docops.task_id(tree, 1), "...")
    """
'''
CHANGELOG_ENTRY = """## [{version}] - {date}

### Changed (process)
- TODO: what changed in the process, and why.

### What `copier update` does to a module made by {previous}
- TODO: what the update and the migration change, what may conflict, and how to resolve it.

"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="step", required=True)
    prepare = sub.add_parser("prepare", help="bump the version, open the CHANGELOG entry, scaffold a migration")
    prepare.add_argument("version")
    prepare.add_argument("--migration", action="store_true", help="the release changes files modules already have")
    prepare.add_argument("--stage", choices=migration.STAGES, default="after")
    for name, text in (("fixtures", "write each fixture's after/ from its before/"), ("record", "record the tag")):
        sub.add_parser(name, help=text).add_argument("version")
    args = parser.parse_args(argv)
    try:
        version = str(releases.parse_version(args.version.removeprefix(releases.TAG_PREFIX)))
        if args.step == "prepare":
            prepare_release(version, with_migration=args.migration, stage=args.stage)
        elif args.step == "fixtures":
            write_fixtures(version)
        else:
            record(version)
    except ModforgeError as error:
        print(f"release: error: {error}", file=sys.stderr)
        return 2
    return 0


def current_version() -> str:
    match = _VERSION_LINE.search(INIT.read_text(encoding="utf-8"))
    if match is None:
        raise ModforgeError(f"{INIT} does not declare __version__")
    return match.group(2)


def prepare_release(version: str, *, with_migration: bool, stage: str = "after") -> None:
    previous = current_version()
    if releases.parse_version(version) <= releases.parse_version(previous):
        raise ModforgeError(f"{version} is not newer than the current version {previous}")
    _substitute(INIT, _VERSION_LINE, version)
    _substitute(PYPROJECT, _PYPROJECT_LINE, version)
    print(f"version {previous} -> {version}: {INIT.relative_to(ROOT)}, {PYPROJECT.relative_to(ROOT)}")
    _open_changelog(version, previous)
    if with_migration:
        _add_migration(version, previous, stage)


def _substitute(path: Path, pattern: re.Pattern, version: str) -> None:
    text = path.read_text(encoding="utf-8")
    new, count = pattern.subn(lambda m: f"{m.group(1)}{version}{m.group(3)}", text, count=1)
    if count != 1:
        raise ModforgeError(f"{path} has no version line to bump")
    path.write_text(new, encoding="utf-8")


def _open_changelog(version: str, previous: str) -> None:
    text = CHANGELOG.read_text(encoding="utf-8")
    if f"## [{version}]" in text:
        print(f"CHANGELOG.md already has [{version}]")
        return
    match = re.search(r"^## \[Unreleased\][^\n]*\n\n?", text, re.M)
    entry = CHANGELOG_ENTRY.format(version=version, previous=previous, date=datetime.date.today().isoformat())
    if match is None:
        first = re.search(r"^## \[", text, re.M)
        at = first.start() if first else len(text)
        text = text[:at] + "## [Unreleased]\n\n" + entry + text[at:]
    else:  # what was unreleased becomes this release's (below the scaffold), Unreleased starts empty
        text = text[: match.end()] + entry + text[match.end() :]
    CHANGELOG.write_text(text, encoding="utf-8")
    print(f"CHANGELOG.md: opened [{version}] (fill in its TODO lines)")


def _add_migration(version: str, previous: str, stage: str) -> None:
    name = "v" + version.replace(".", "_")
    target = ROOT / migration.MIGRATIONS_DIR / f"{name}.py"
    if target.exists():
        raise ModforgeError(f"{target.relative_to(ROOT)} exists already")
    target.write_text(MIGRATION_FILE.format(version=version, previous=previous, stage=stage), encoding="utf-8")
    config = COPIER_YML.read_text(encoding="utf-8")
    block = re.search(r"^_migrations:\n((?:[ \t].*\n|\n(?=[ \t]))*)", config, re.M)
    if block is None:
        raise ModforgeError("copier.yml has no `_migrations:` list to add the entry to")
    entry = MIGRATION_ENTRY.format(version=version, stage=stage)
    COPIER_YML.write_text(config[: block.end()] + entry + config[block.end() :], encoding="utf-8")
    print(f"{target.relative_to(ROOT)} and its copier.yml `_migrations` entry ({stage} stage)")
    newest = sorted((p for p in FIXTURES.iterdir() if p.is_dir()), key=lambda p: _version_of(p.name))
    case = FIXTURES / name / "lived-in"
    if newest and (newest[-1] / "lived-in" / "after").is_dir():
        for side in ("before", "after"):
            shutil.copytree(newest[-1] / "lived-in" / "after", case / side)
            _set_commit(case / side, previous)
        print(f"{case.relative_to(ROOT)}/{{before,after}}: a module as {previous} leaves it (add cases beside it)")
    else:
        for side in ("before", "after"):
            (case / side).mkdir(parents=True)
        print(f"{case.relative_to(ROOT)}/{{before,after}}: empty; put a module as {previous} leaves it in before/")


def _version_of(name: str):
    return releases.parse_version(name.removeprefix("v").replace("_", "."))


def _set_commit(module: Path, version: str) -> None:
    answers = module / ".copier-answers.yml"
    if answers.is_file():
        text = answers.read_text(encoding="utf-8")
        answers.write_text(re.sub(r"^_commit:.*$", f"_commit: {releases.tag(version)}", text, count=1, flags=re.M))


def write_fixtures(version: str) -> None:
    """Each case's after/ = its before/ with the `version` migration applied (that migration only)."""
    folder = FIXTURES / ("v" + version.replace(".", "_"))
    if not folder.is_dir():
        raise ModforgeError(f"{folder.relative_to(ROOT)} does not exist; run `prepare {version} --migration` first")
    wanted = releases.parse_version(version)
    todo = [m for m in migration.discover(ROOT) if m.version == wanted]
    if not todo:
        raise ModforgeError(f"migrations/ has no migration for {version}")
    for case in sorted(p for p in folder.iterdir() if p.is_dir()):
        after = case / "after"
        shutil.rmtree(after, ignore_errors=True)
        shutil.copytree(case / "before", after)
        outcome = migration.plan(after, ROOT, todo)
        for path, reason in outcome.skipped.items():
            print(f"{case.name}: left {path} alone: {reason}")
        migration.apply(after, outcome)
        changed = ", ".join(change.path for change in outcome.changes) or "nothing"
        print(f"{case.relative_to(ROOT)}/after: {changed} changed by {version}'s migration")


def record(version: str) -> None:
    """Add `"version" = "<commit of tag v<version>>"` to releases.toml."""
    tag = releases.tag(version)
    result = subprocess.run(
        ["git", "rev-parse", "--verify", "-q", f"refs/tags/{tag}^{{commit}}"], cwd=ROOT, capture_output=True, text=True
    )
    if result.returncode:
        raise ModforgeError(f"there is no tag {tag}; commit the release, then `git tag {tag}`")
    commit = result.stdout.strip()
    path = ROOT / releases.RELEASES_FILE
    text = path.read_text(encoding="utf-8")
    if re.search(rf'^"{re.escape(version)}"\s*=', text, re.M):
        raise ModforgeError(f"{path.name} records {version} already")
    path.write_text(text.rstrip("\n") + f'\n"{version}" = "{commit}"\n', encoding="utf-8")
    releases.load(ROOT)  # the file still reads
    print(f'{path.name}: "{version}" = "{commit}" (commit it; never move the tag)')


if __name__ == "__main__":
    sys.exit(main())
