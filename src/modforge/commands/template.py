"""Where the template is, and its release tags.

`modforge template path` prints the template source modforge uses (`--template`, $MODFORGE_TEMPLATE, the
`template` of .modforge.toml, else the one it ships with, built as a tagged git repository first), ready
for plain copier: `copier copy --trust "$(modforge template path)" modules/NAME`.

`modforge template restore-tags [CLONE]` creates in a clone of the template every release tag that
`releases.toml` records but the clone lacks (a mirror, a shallow or filtered fetch, a fork). modforge itself
needs no tags, but plain `copier update` does: without them it cannot check out the release a module
records and runs no migration.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from modforge.errors import ModforgeError
from modforge.lifecycle import releases, template_repo
from modforge.templating import template_source

ACTIONS = ("path", "restore-tags")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=ACTIONS, help="path: print the template source; restore-tags: tag a clone")
    parser.add_argument(
        "clone",
        nargs="?",
        type=Path,
        help="restore-tags: the template clone to tag (default: the template modforge uses, when it is a clone)",
    )
    parser.add_argument("--template", help=f"template path or git URL ({template_source.DEFAULT_HELP})")


def run(args: argparse.Namespace) -> int:
    if args.action == "path":
        if args.clone is not None:
            raise ModforgeError("`modforge template path` takes no folder; use --template to name a template")
        source = template_source.locate(args.template)
        if not template_repo.is_remote(source):
            source = str(template_source.local_path(source))
        print(source)
        return 0
    return _restore_tags(args.clone if args.clone is not None else template_source.locate(args.template))


def _restore_tags(clone: Path | str) -> int:
    source = str(clone)
    if template_repo.is_remote(source):
        raise ModforgeError(f"restore-tags needs a local clone, not {source}; clone it first, then pass its folder")
    path = Path(source).expanduser().resolve()
    if not template_repo.is_git_root(path):
        raise ModforgeError(f"{clone} is not the root of a git clone of the modforge template")
    if not template_repo.releases_of(path):
        raise ModforgeError(f"{path} has no {releases.RELEASES_FILE} listing releases: not a modforge template clone")
    created = template_repo.restore_tags(path)
    for release in created:
        print(f"tagged {releases.tag(release.version)} at {release.commit[:12]}")
    tagged = ", ".join(releases.tag(r.version) for r in template_repo.releases_of(path))
    print(f"{path}: every release is tagged ({tagged})" if created else f"{path}: nothing to do, tags {tagged} exist")
    return 0
