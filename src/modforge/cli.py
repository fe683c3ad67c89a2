"""The `modforge` command line: parses arguments, runs one command, turns user errors into one line and
an exit code (0 fine, 1 findings or failure, 2 usage or I/O problem). Commands live in modforge.commands."""

from __future__ import annotations

import argparse
import importlib
import sys

from modforge import __version__
from modforge.commands import COMMANDS
from modforge.errors import ModforgeError

# Short help per command, kept here so `modforge --help` does not import every command module.
SUMMARIES = {
    "new": "create a module from the template (a friendly `copier copy`)",
    "check": "check modules' documents against the pipeline spec",
    "rules": "list every check rule",
    "prompt": "render a pipeline step's prompt for a module",
    "update": "update a module to a newer template release (`copier update`, then a conflict report)",
    "migrate": "apply or preview (--dry-run) the template's migrations on a module",
    "adopt": "bring a hand-made or legacy module under the template",
    "status": "show the pipeline step each module has reached, and its progress",
    "gate": "check a pipeline step's acceptance criteria for a module (its review gate)",
    "next-id": "print the next free REQ, SCEN, TASK or PHASE id of a module",
    "trace": "print the traceability matrix (markdown, json or a self-contained html page)",
    "template": "print the template's path, or restore its release tags in a clone (for plain copier)",
    "wire": "wire a module into its monorepo (workspace members, server crate, configs, E2E package)",
    "unwire": "remove what `modforge wire` added for a module",
}


def _parser() -> argparse.ArgumentParser:
    """The top-level parser: `modforge --help`, `--version`, and a missing or unknown command."""
    parser = argparse.ArgumentParser(
        prog="modforge",
        description="Create, check and evolve ModKit modules through the human-gated module generation pipeline.",
        epilog="Run `modforge COMMAND --help` for a command's options.",
    )
    parser.add_argument("--version", action="version", version=f"modforge {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        sub.add_parser(name, help=SUMMARIES[name], add_help=False)
    return parser


class UsageError(Exception):
    """A command-line mistake found by argparse, raised instead of printed when the output must be JSON."""


class _JsonErrorParser(argparse.ArgumentParser):
    def error(self, message: str):  # type: ignore[override]
        raise UsageError(message)


def _wants_json(argv: list[str]) -> bool:
    """Whether the command line asks for `--format json`: then errors are reported as JSON too."""
    pairs = zip(argv, [*argv[1:], ""], strict=False)  # argv may be empty
    return any(a == "--format=json" or (a == "--format" and b == "json") for a, b in pairs)


def _report_error(command: str, message: str, exit_code: int, as_json: bool) -> int:
    if as_json:
        from modforge.checker.output import json_error

        sys.stdout.write(json_error(command, message, exit_code))
    print(f"modforge {command}: error: {message}", file=sys.stderr)
    return exit_code


def _command_parser(name: str, json_errors: bool = False) -> argparse.ArgumentParser:
    """The parser of one command, built alone: a run builds no parser for the commands it does not run."""
    module = importlib.import_module(f"modforge.commands.{name.replace('-', '_')}")
    kind = _JsonErrorParser if json_errors else argparse.ArgumentParser
    parser = kind(prog=f"modforge {name}", description=module.__doc__)
    module.add_arguments(parser)
    parser.set_defaults(run=module.run, command=name)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    selected = next((a for a in argv if not a.startswith("-")), None)
    as_json = False
    if selected not in COMMANDS:
        args = _parser().parse_args(argv)  # help, version, or a usage error naming the commands
    else:
        # Options may come before, between or after a command's positionals (`prompt code --phase 2 DIR`):
        # the command's own parser reads its arguments intermixed, which a parser with subcommands cannot.
        position = argv.index(selected)
        if position:
            _parser().parse_args(argv[:position])  # --version, --help before the command
        as_json = _wants_json(argv[position + 1 :])
        try:
            args = _command_parser(selected, as_json).parse_intermixed_args(argv[position + 1 :])
        except UsageError as error:
            return _report_error(selected, str(error), 2, as_json)
    if not getattr(args, "run", None):
        _parser().print_help()
        return 2
    try:
        return args.run(args)
    except ModforgeError as error:
        return _report_error(args.command, str(error), error.exit_code, as_json)
    except KeyboardInterrupt:
        print("modforge: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 1


if __name__ == "__main__":
    sys.exit(main())
