"""Bring a hand-made or legacy module under the template, so that `copier update` keeps it current.

Renames slot-named documents (1_INTENT_DESIGN.md ... 7_INTENT_VS_ACTUAL.md, 2_INTENT_FACTS.md) to the spec's
names with `git mv`,
turns `Phase N` headings into the spec's phase headings, gives each top-level task group a TASK id,
rewrites references to renamed documents, adds missing documents from the template's skeletons, and
writes the answers file, inferred from the documents and the code (--data KEY=VALUE for the rest), with
the evidence for each answer and the module's own crate folders. --from openspec also converts OpenSpec
requirements and scenarios into REQ and SCEN entries.
Every line of content is kept. --dry-run prints the unified diff and changes nothing.
Refuses (exit 2, nothing changed) a folder with uncommitted changes, one already adopted, or one that
does not look like a module.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from modforge.commands.new import add_data_argument, parse_data
from modforge.errors import ModforgeError
from modforge.lifecycle import adoption, migration, preconditions, releases, template_repo, vcs
from modforge.spec import layout
from modforge.templating import template_source


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("module_dir", type=Path, help="the module's folder, e.g. modules/oagw")
    parser.add_argument("--id-prefix", help="ID prefix when the documents define no IDs yet (e.g. OAGW)")
    add_data_argument(parser, "answer a question adoption cannot infer (repeatable), as copier's --data")
    parser.add_argument(
        "--from",
        dest="source",
        choices=adoption.SOURCES,
        help="also convert the module's specs of another tool: openspec (openspec/specs/*/spec.md, and designs "
        "in that style) into REQ and SCEN entries",
    )
    parser.add_argument("--dry-run", action="store_true", help="print the unified diff and change nothing")
    parser.add_argument("--template", help=f"template checkout ({template_source.DEFAULT_HELP})")


def run(args: argparse.Namespace) -> int:
    root = preconditions.module_dir(args.module_dir)
    source, template = preconditions.local_template(args.template, root)
    version = preconditions.template_version(template)
    _require_release(source, version)
    data = parse_data(args.data, template_source.questions(str(template)))
    if vcs.toplevel(root) and not args.dry_run:
        preconditions.clean(root, whole_repository=False, action="the adoption")
    result = adoption.plan(
        root,
        template,
        id_prefix=args.id_prefix,
        data=data,
        src_path=source,
        commit=releases.tag(version),
        source=args.source,
    )
    if args.dry_run:
        sys.stdout.write(result.outcome.diff(root))
        _summary(result, root, sys.stderr, dry_run=True)
        return 0
    migration.apply(root, result.outcome)
    _summary(result, root, sys.stdout, dry_run=False)
    return 0


def _require_release(source: str, version: str) -> None:
    """The answers record `v<version>` as the module's template version; updates must find that release,
    as a tag or, in a clone without tags, in the template's releases.toml."""
    tag = releases.tag(version)
    with template_repo.tagged(source) as repo:
        if tag not in template_repo.tags(repo):
            raise ModforgeError(
                f"the template at {source} is at version {version}, which is not a release (no tag {tag}, "
                "no entry in its releases.toml), so `modforge update` could not find the version the adopted "
                "module would record; pass --template with a clone of a released modforge template"
            )


def _summary(result: adoption.Plan, root: Path, out, *, dry_run: bool) -> None:
    would = "would " if dry_run else ""
    for old, new in result.renamed:
        print(f"{would}rename {old} -> {new}", file=out)
    if result.headings:
        print(f"{would}rewrite {result.headings} phase heading(s) in the spec's form", file=out)
    if result.task_ids:
        print(f"{would}number task groups {result.task_ids[0]} ... {result.task_ids[-1]}", file=out)
    if result.converted is not None:
        converted = result.converted
        print(
            f"{would}convert {len(converted.requirements)} OpenSpec requirement(s) and {len(converted.scenarios)} "
            f"scenario(s) into {layout.DOCS_DIR}/{layout.INTENT_REQUIREMENTS} and {layout.INTENT_SCENARIOS}:",
            file=out,
        )
        for line in converted.mapping():
            print(f"  {line}", file=out)
    for change in result.phase_groups:
        print(f"{would}{change}", file=out)
    if result.references:
        print(f"{would}rewrite {result.references} reference(s) to renamed documents", file=out)
    for name in result.added:
        print(f"{would}add {layout.DOCS_DIR}/{name} from the template's skeleton", file=out)
    for path, names in result.left_alone.items():
        print(
            f"{would}leave {path} as it is and add no {', '.join(names)} beside it (it may be "
            f"{' or '.join(names)}: if it is, `git mv` it to that name)",
            file=out,
        )
    for key, folder, template in result.crate_folders:
        print(
            f"{would}record {key}: {folder} (the template's folder is {template}/), so updates render into {folder}/",
            file=out,
        )
    print(f"{would}write {layout.ANSWERS_FILE}:", file=out)
    for key, value in result.answers.items():
        print(f"  {key}: {value!r}  ({result.sources.get(key, 'the template default')})", file=out)
    for note in result.notes:
        print(f"note: {note}", file=out)
    if not dry_run:
        print(
            f"Adopted {root.name}. Review with `git diff`, commit, then run `modforge check {root}`; "
            f"from now on `modforge update {root}` keeps it current.",
            file=out,
        )
