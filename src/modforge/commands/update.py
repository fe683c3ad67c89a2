"""Update a module to a newer template release: `copier update` with the checks it lacks.

The template is the one the module records (`_src_path` of its answers file); a clone of it without
release tags works too (releases.toml names each release's commit). Before: the module must have a
modforge answers file and sit in a clean git work tree (else exit 2 and nothing changes). The update
runs the real copier in-process, trusting the template (its Jinja extension and its migrations run on
this machine). After: copier exits 0 even when it left conflict
markers or `*.rej` files, so modforge lists every one and exits 1 until they are resolved.
"""

from __future__ import annotations

import argparse
import warnings
from pathlib import Path

from modforge.errors import ModforgeError
from modforge.lifecycle import conflicts, migration, preconditions
from modforge.spec import layout


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("module_dir", type=Path, help="the module's folder, e.g. modules/cred-store")
    parser.add_argument(
        "--vcs-ref",
        help="template release tag (v0.2.0) or git ref to update to (default: the latest release; "
        "releases.toml stands in for missing tags)",
    )


def run(args: argparse.Namespace) -> int:
    root = preconditions.module_dir(args.module_dir)
    answers = migration.read_answers(root)
    migration.check_modforge_answers(root, answers)
    if not answers.get("_src_path"):
        raise ModforgeError(f"{root / layout.ANSWERS_FILE} does not say which template made the module (_src_path)")
    preconditions.git_root(root, "copier update needs git to merge the template's changes with yours")
    preconditions.clean(root, whole_repository=True, action="the update")
    preconditions.no_links(root, "modforge update")
    before = answers.get("_commit", "?")
    _update(root, args.vcs_ref, str(answers["_src_path"]))
    after = migration.read_answers(root).get("_commit", "?")
    leftovers = conflicts.find(root)
    for item in leftovers:
        where = f"{item.path}:{item.line}" if item.line else item.path
        print(f"{root.name}/{where}: {item.message}")
    if leftovers:
        files = len({item.path for item in leftovers})
        print(
            f"Updated {root.name} from {before} to {after}, with conflicts in {files} file{'s' * (files != 1)}: "
            "resolve them, run `modforge check`, then commit"
        )
        return 1
    print(f"Updated {root.name} from {before} to {after}; review with `git diff`, run `modforge check`, then commit")
    return 0


def _update(root: Path, vcs_ref: str | None, source: str) -> None:
    from copier import run_update
    from copier.errors import CopierError

    from modforge.lifecycle import template_repo

    warnings.filterwarnings("ignore", module="copier")  # dirty-template notices are for template authors
    try:
        with template_repo.serving(source):  # the template the module records, every release a tag
            # Conflicts inline, never `rej`: a .rej file would be the only place some of the owner's lines live.
            run_update(
                str(root), defaults=True, overwrite=True, unsafe=True, quiet=True, vcs_ref=vcs_ref, conflict="inline"
            )
    except ValueError as error:  # a stored answer the new template's validators reject
        raise ModforgeError(f"the new template rejects an answer: {error}; nothing was committed") from None
    except (CopierError, OSError) as error:
        raise ModforgeError(f"copier could not update {root.name}: {error}") from None
