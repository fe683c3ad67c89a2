"""Create a module from the modforge template: `copier copy` with the destination laid out as the
pipeline expects (`<monorepo>/modules/<name>`, a worker in `modules/<gateway>/plugins/<name>`), answers
checked first, and every failure a one-line message instead of copier's traceback. Asks the questionnaire
when run in a terminal without --defaults."""

from __future__ import annotations

import argparse
import os
import re
import sys
import warnings
from pathlib import Path

from modforge.errors import ModforgeError
from modforge.filesystem import confine
from modforge.spec import layout, naming
from modforge.templating import template_source


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("module_name", help="kebab-case module name, e.g. cred-store")
    parser.add_argument(
        "--monorepo",
        type=Path,
        default=Path("."),
        help="monorepo root; the module goes to MONOREPO/modules/NAME, a worker to modules/GATEWAY/plugins/NAME "
        "(.modforge.toml [paths] modules may move them)",
    )
    add_data_argument(parser, "answer a question (repeatable), as copier's --data")
    parser.add_argument("--defaults", action="store_true", help="take the default for every question not answered")
    parser.add_argument("--template", help=f"template path or git URL ({template_source.DEFAULT_HELP})")
    parser.add_argument(
        "--vcs-ref",
        help="template release tag (v0.2.0) or git ref to copy (default: the latest release; releases.toml "
        "stands in for missing tags)",
    )
    parser.add_argument(
        "--no-wire", action="store_true", help="do not wire the module into the monorepo (see `modforge wire`)"
    )


def add_data_argument(parser: argparse.ArgumentParser, help_text: str) -> None:
    """`-d/--data KEY=VALUE`, repeatable, as copier spells it (shared by `new` and `adopt`)."""
    parser.add_argument("-d", "--data", action="append", default=[], metavar="KEY=VALUE", help=help_text)


def parse_data(pairs: list[str], questions: dict[str, dict] | None = None) -> dict[str, str]:
    """`--data KEY=VALUE` pairs as answers. With `questions` (each question's copier.yml entry), each is
    checked against its question, name and type: copier's own casting would take `gts=maybe` for true and
    fail on `phases=abc` with a traceback."""
    answers: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise ModforgeError(f"--data {_shown(pair)!r} must be KEY=VALUE, for example --data persistence=true")
        answers[key] = value
    if questions is not None:
        check_data(answers, questions)
    return answers


def check_data(answers: dict[str, str], questions: dict[str, dict]) -> None:
    """Refuse an answer to no question, or of the wrong type for its question (`questions`: copier.yml's
    entries; empty for a template modforge cannot read, which copier then judges)."""
    for key, value in answers.items():
        if questions and key not in questions:
            raise ModforgeError(f"--data {key}: no such question; the questions are {', '.join(sorted(questions))}")
        problem = _type_error(str(questions.get(key, {}).get("type", "str")), value)
        if problem:
            raise ModforgeError(f"--data {key}={_shown(value)}: {problem}")


_BOOLEAN_WORDS = frozenset({"true", "false", "yes", "no", "y", "n", "on", "off", "1", "0"})
_INTEGER_RE = re.compile(r"[+-]?[0-9]{1,18}")  # far past any count, short of int()'s digit limit


def _type_error(kind: str, value: str) -> str:
    if kind == "bool" and value.strip().lower() not in _BOOLEAN_WORDS:
        return "a yes-or-no question; answer true or false"
    if kind in ("int", "float") and not _INTEGER_RE.fullmatch(value.strip()):
        return "a number question; answer a whole number, such as 2"
    if kind in ("yaml", "json"):
        import yaml

        from modforge.filesystem import structured

        try:
            loaded = yaml.safe_load(value)
        except (yaml.YAMLError, ValueError, RecursionError):
            return 'not valid YAML; write a YAML value, such as ["Core API", "Health checks"]'
        if structured.expanded_size(loaded) > structured.MAX_VALUES:
            return "its aliases expand past what any answer holds; write the values out"
    return ""


def _shown(value: str) -> str:
    return value if len(value) <= 40 else value[:40] + "..."


def run(args: argparse.Namespace) -> int:
    # The name first, before it touches the file system (a name past 255 bytes would fail in `exists`).
    problem = naming.module_name_error(args.module_name)
    if problem:
        raise ModforgeError(f"{problem}; nothing was created")
    if not (args.monorepo.is_dir()):
        raise ModforgeError(f"monorepo folder {args.monorepo} does not exist; create it or pass --monorepo")
    source = template_source.locate(args.template, args.monorepo)
    data = parse_data(args.data)
    if data.get("kind", "module") != "module":
        raise ModforgeError(
            "modforge new creates modules; lay down the workspace pack with "
            "`copier copy --trust --data kind=workspace <template> .` at the monorepo root"
        )
    category = data.get("category", "generic")
    if category == "worker" and not data.get("gateway"):
        raise ModforgeError(
            "a worker is a plugin of a gateway; name it with --data gateway=<gateway module>, for example "
            "--data gateway=oagw (the worker goes to modules/<gateway>/plugins/)"
        )
    if category == "worker":
        problem = naming.gateway_error(data["gateway"], args.module_name)
        if problem:
            raise ModforgeError(f"invalid answer for gateway: {problem}; nothing was created")
    from modforge.workspace import paths  # the monorepo's modules folder ([paths] modules, default modules/)

    modules = paths.load(args.monorepo.resolve()).modules
    folder = layout.module_dir(args.module_name, category, data.get("gateway", ""), modules=modules)
    # No link on the way: copier would write the module wherever `modules/` points.
    destination = confine.confined(args.monorepo.resolve(), folder)
    if os.path.lexists(destination):
        raise ModforgeError(
            f"{destination} already exists; choose another module name, or use `copier update` to update it"
        )
    interactive = not args.defaults and sys.stdin.isatty()
    _copy(source, destination, args.data, args.module_name, defaults=not interactive, vcs_ref=args.vcs_ref)
    print(f"Created module {args.module_name} in {destination}")
    wired = 0 if args.no_wire else _wire(destination)
    print("Next: commit it, then `modforge prompt intent-design " + f"{destination}` for Step 1.")
    print(f"Check its documents at every review gate: `modforge check {destination}`")
    return wired


def _wire(destination: Path) -> int:
    """Wire the new module when its monorepo is a Cargo workspace: 0 wired or nothing to wire into (a bare
    folder is said so, not an error), 1 when the monorepo refused an edit (the module stays; fix and rerun)."""
    from modforge.commands.wire import report
    from modforge.workspace import monorepo, wiring

    try:
        root = monorepo.workspace_root(destination)
        if root is None:
            print(f"Not wired: no Cargo workspace holds {destination}; once there is one, run `modforge wire`.")
            return 0
        repo = monorepo.open_monorepo(root)
        plan = wiring.wire(repo, monorepo.read_module(destination, root))
        plan.transaction.commit()
    except ModforgeError as error:
        print(f"modforge new: the module was created but not wired: {error}", file=sys.stderr)
        print(f"  fix that, then run `modforge wire {destination}`", file=sys.stderr)
        return 1
    report(plan, "added")
    return 0


def _copy(source: str, destination: Path, pairs: list[str], name: str, *, defaults: bool, vcs_ref: str | None) -> None:
    """`copier copy` through copier's Worker, which reads the template first: a template that is not
    modforge's, or an answer of the wrong type, is refused before anything is written."""
    from copier._main import Worker  # what copier.run_copy runs; `copier.Worker` is deprecated as internal
    from copier.errors import CopierError

    from modforge.lifecycle import template_repo

    warnings.filterwarnings("ignore", module="copier")  # dirty-template notices are for template authors
    data = {**parse_data(pairs), "module_name": name}
    try:
        with (
            template_repo.serving(source),
            Worker(
                src_path=source,
                dst_path=destination,
                data=data,
                defaults=defaults,
                unsafe=True,
                quiet=True,
                vcs_ref=vcs_ref,
            ) as worker,
        ):
            asked = template_source.asked_questions(worker.template.questions_data)
            template_source.require_modforge(asked, source)
            check_data(data, asked)
            worker.run_copy()
    except ValueError as error:  # copier raises ValueError for a failed validator or choice
        message = str(error).replace("Validation error for question ", "invalid answer for ")
        raise ModforgeError(f"{message}; nothing was created") from None
    except (CopierError, OSError) as error:
        raise ModforgeError(f"copier could not create the module: {error}") from None
