"""Apply the template's versioned migrations to modules, or preview them with --dry-run.

These are the migrations `copier update` runs (copier.yml `_migrations`): from the release each module's
answers file records (`_commit`, or --from) to the template's version (or --to, so that a release's
fixtures exercise that release's migration only). `modforge migrate` changes documents only and leaves
the answers file to copier; running it before `copier update` is safe, since every migration is
idempotent. One module: the unified diff with --dry-run. Several modules or --all: one line per module
and a table, as `modforge update` shows them; each module is written all or nothing.
Exit codes: 0 applied or nothing to do; 1 changes pending (--dry-run), a file left alone (conflict
markers) or a module failed; 2 usage or I/O problem, nothing changed.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from packaging.version import Version

from modforge.errors import ModforgeError
from modforge.fleet import report, selection
from modforge.fleet.outcome import CLEAN, CONFLICTS, CURRENT, Conflict, Outcome
from modforge.lifecycle import migration, preconditions, releases, vcs
from modforge.templating import template_source


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "modules", nargs="*", type=Path, metavar="MODULE", help="module folders, e.g. modules/cred-store"
    )
    parser.add_argument(
        "--all", dest="every", action="store_true", help="every module of the monorepo (the git work tree here)"
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="one module: print the unified diff; several: the files; change nothing"
    )
    parser.add_argument(
        "--from",
        dest="from_version",
        metavar="VERSION",
        help="the template release the modules follow (default: the `_commit` of each answers file)",
    )
    parser.add_argument(
        "--to",
        dest="to_version",
        metavar="VERSION",
        help="run the migrations up to this release only (default: the template's version)",
    )
    parser.add_argument("--template", help=f"template checkout ({template_source.DEFAULT_HELP})")
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output for several modules")


def run(args: argparse.Namespace) -> int:
    if len(args.modules) == 1 and not args.every:
        return _one(args, preconditions.module_dir(args.modules[0]))
    return _many(args)


def _one(args: argparse.Namespace, root: Path) -> int:
    answers = migration.read_answers(root)
    migration.check_modforge_answers(root, answers)
    _, template = preconditions.local_template(args.template, root)
    after = releases.parse_version(args.from_version or _recorded_version(root, answers, template))
    upto = _upto(template, args.to_version)
    todo = migration.pending(migration.discover(template), after, upto)
    if not todo:
        print(f"{root.name} follows {after}; no migration up to {upto}")
        return 0
    names = ", ".join(str(m.version) for m in todo)
    if not args.dry_run and vcs.toplevel(root):
        preconditions.clean(root, whole_repository=False, action="the migration")
    outcome = migration.plan(root, template, todo)
    for path, reason in outcome.skipped.items():
        print(f"modforge migrate: left {path} alone: {reason}", file=sys.stderr)
    if args.dry_run:
        sys.stdout.write(outcome.diff(root))
        count = len(outcome.changes)
        print(f"migrations {names} would change {count} file{'s' * (count != 1)} in {root.name}", file=sys.stderr)
        return 1 if outcome.changes or outcome.skipped else 0
    migration.apply(root, outcome)
    for change in outcome.changes:
        print(f"migrated {change.path}")
    if not outcome.changes:
        print(f"{root.name} already has the changes of {names}")
    return 1 if outcome.skipped else 0


def _many(args: argparse.Namespace) -> int:
    top, roots = selection.select(args.modules, args.every, action="the migration", need_clean=not args.dry_run)
    _, template = preconditions.local_template(args.template, top)
    upto = _upto(template, args.to_version)
    available = migration.discover(template)
    outcomes = selection.outcomes(top, roots, need_source=False)
    cwd = os.getcwd()
    progress = report.progress_for(
        len(outcomes), top=str(top), cwd=cwd, dry_run=args.dry_run, json_output=args.format == "json", verb="migrated"
    )
    for outcome in outcomes:
        if outcome.state == selection.PENDING:
            _migrate_module(top / outcome.module, outcome, template, available, args, upto)
        progress(outcome)
    progress.finish()
    if args.format == "json":
        sys.stdout.write(
            report.as_json(outcomes, command="migrate", top=str(top), cwd=cwd, dry_run=args.dry_run, target=str(upto))
        )
    else:
        if progress.bar_to is not None:
            for outcome in outcomes:
                where = report.shown(str(top), outcome.module, cwd)
                sys.stdout.write("\n".join(report.lines(outcome, where, args.dry_run, verb="migrated")) + "\n")
        sys.stdout.write(report.table(outcomes, str(top), cwd))
        sys.stdout.write(report.totals(outcomes, args.dry_run, verb="migrated"))
    states = {outcome.state for outcome in outcomes}
    return 1 if (states - {CURRENT} if args.dry_run else states - {CLEAN, CURRENT}) else 0


def _migrate_module(root: Path, outcome: Outcome, template: Path, available, args, upto: Version) -> None:
    """One module's migrations, planned and (unless --dry-run) written all or nothing; `outcome` says how."""
    try:
        recorded = args.from_version or _recorded_version(root, {"_commit": outcome.before}, template)
        after = releases.parse_version(recorded)
        outcome.before = str(after)
        todo = migration.pending(available, after, upto)
        outcome.after = str(upto)
        if not todo:
            outcome.state, outcome.after = CURRENT, outcome.before
            return
        plan = migration.plan(root, template, todo)
        outcome.files = sorted({change.path for change in plan.changes} | set(plan.skipped))
        outcome.messages = [line for line in migration.report_lines(plan, "modforge migrate") if ": left " not in line]
        outcome.conflicts = [Conflict(path, 0, f"left alone: {reason}") for path, reason in plan.skipped.items()]
        outcome.conflicts += [Conflict(path, 0, note) for path, note in plan.notes.items()]
        if not args.dry_run:
            migration.apply(root, plan)
        outcome.state = CONFLICTS if outcome.conflicts else (CLEAN if plan.changes else CURRENT)
    except ModforgeError as error:
        outcome.fail(str(error))


def _upto(template: Path, to_version: str | None) -> Version:
    """The newest release to migrate to: the template's version, or --to (which must not be newer)."""
    newest = releases.parse_version(preconditions.template_version(template))
    if to_version is None:
        return newest
    wanted = releases.parse_version(to_version.removeprefix(releases.TAG_PREFIX))
    if wanted > newest:
        raise ModforgeError(f"--to {to_version} is newer than the template's version {newest}; pass {newest} or older")
    return wanted


def _recorded_version(root: Path, answers: dict, template: Path) -> str:
    """The release `_commit` names: a tag (v0.1.0, v0.1.0-3-gabc1234), or the commit of a release in the
    template's releases.toml (what copier records from a clone without tags)."""
    from modforge.lifecycle import template_repo

    commit = str(answers.get("_commit", ""))
    version = releases.version_of_ref(commit)
    if version is None:
        release = releases.of_commit(template_repo.releases_of(template), commit)
        version = release.version if release else None
    if version is None:
        raise ModforgeError(
            f"the answers file of {root.name} records template commit {commit or '(none)'}, not a release; "
            "pass --from VERSION (the template release the module's documents follow)"
        )
    return version
