"""Apply the template's versioned migrations to a module, or preview them with --dry-run.

These are the migrations `copier update` runs (copier.yml `_migrations`): from the release the module's
answers file records (`_commit`) to the template modforge ships. `modforge migrate` changes documents only
and leaves the answers file to copier; running it before `copier update` is safe, since every migration
is idempotent. Exit codes: 0 applied or nothing to do; 1 changes pending (--dry-run) or a file left alone
(conflict markers); 2 usage or I/O problem, nothing changed.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from modforge.errors import ModforgeError
from modforge.lifecycle import migration, preconditions, releases, vcs
from modforge.templating import template_source


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("module_dir", type=Path, help="the module's folder, e.g. modules/cred-store")
    parser.add_argument("--dry-run", action="store_true", help="print the unified diff and change nothing")
    parser.add_argument(
        "--from",
        dest="from_version",
        metavar="VERSION",
        help="the template release the module follows (default: the `_commit` of its answers file)",
    )
    parser.add_argument("--template", help=f"template checkout ({template_source.DEFAULT_HELP})")


def run(args: argparse.Namespace) -> int:
    root = preconditions.module_dir(args.module_dir)
    answers = migration.read_answers(root)
    migration.check_modforge_answers(root, answers)
    _, template = preconditions.local_template(args.template, root)
    after = releases.parse_version(args.from_version or _recorded_version(root, answers, template))
    upto = releases.parse_version(preconditions.template_version(template))
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
