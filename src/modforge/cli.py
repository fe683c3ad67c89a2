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
}


def _parser(selected: str | None) -> tuple[argparse.ArgumentParser, argparse.ArgumentParser | None]:
    """The top-level parser, and the parser of the `selected` command (None when no command is given)."""
    parser = argparse.ArgumentParser(
        prog="modforge",
        description="Create, check and evolve ModKit modules through the human-gated module generation pipeline.",
        epilog="Run `modforge COMMAND --help` for a command's options.",
    )
    parser.add_argument("--version", action="version", version=f"modforge {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    command_parser = None
    for name in COMMANDS:
        if name == selected:
            module = importlib.import_module(f"modforge.commands.{name}")
            command_parser = sub.add_parser(name, help=SUMMARIES[name], description=module.__doc__)
            module.add_arguments(command_parser)
            command_parser.set_defaults(run=module.run, command=name)
        else:
            sub.add_parser(name, help=SUMMARIES[name], add_help=False)
    return parser, command_parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    selected = next((a for a in argv if not a.startswith("-")), None)
    parser, command_parser = _parser(selected if selected in COMMANDS else None)
    if command_parser is None:
        args = parser.parse_args(argv)
    else:
        # Options may come before, between or after a command's positionals (`prompt code --phase 2 DIR`):
        # the command's own parser reads its arguments intermixed, which a parser with subcommands cannot.
        position = argv.index(selected)
        parser.parse_args(argv[:position])  # --version, --help
        args = command_parser.parse_intermixed_args(argv[position + 1 :])
    if not getattr(args, "run", None):
        parser.print_help()
        return 2
    try:
        return args.run(args)
    except ModforgeError as error:
        print(f"modforge {args.command}: error: {error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("modforge: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 1


if __name__ == "__main__":
    sys.exit(main())
