"""The `modforge` command line: parses arguments, runs one command, turns user errors into one line and
an exit code (0 fine, 1 findings or failure, 2 usage or I/O problem). Commands live in modforge.commands."""

from __future__ import annotations

import argparse
import contextlib
import errno
import importlib
import os
import sys

from modforge import __version__
from modforge.commands import COMMANDS
from modforge.errors import ModforgeError
from modforge.filesystem.names import ESCAPE, install_escape_handler

# Short help per command, kept here so `modforge --help` does not import every command module.
SUMMARIES = {
    "new": "create a module from the template (a friendly `copier copy`)",
    "check": "check modules' documents against the pipeline spec",
    "rules": "list every check rule",
    "prompt": "render a pipeline step's prompt for a module",
    "update": "update modules (named or --all) to a newer template release (`copier update`), with one report",
    "migrate": "apply or preview (--dry-run) the template's migrations on modules (named or --all)",
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

        with contextlib.suppress(OSError, AttributeError, ValueError):  # a closed or full output: stderr says it
            sys.stdout.write(json_error(command, message, exit_code))
            sys.stdout.flush()
    _say(f"modforge {command}: error: {message}")
    return exit_code


def _command_parser(name: str, json_errors: bool = False) -> argparse.ArgumentParser:
    """The parser of one command, built alone: a run builds no parser for the commands it does not run."""
    module = importlib.import_module(f"modforge.commands.{name.replace('-', '_')}")
    kind = _JsonErrorParser if json_errors else argparse.ArgumentParser
    parser = kind(prog=f"modforge {name}", description=module.__doc__)
    module.add_arguments(parser)
    parser.set_defaults(run=module.run, command=name)
    return parser


def _parse_command(parser: argparse.ArgumentParser, args: list[str]) -> argparse.Namespace:
    """`parser.parse_intermixed_args(args)`, also when `--` ends the options (`check -- -file.md`), which
    Python 3.11's argparse refuses there: the arguments after `--` are parsed as stand-ins, then put back."""
    if "--" not in args:
        return parser.parse_intermixed_args(args)
    cut = args.index("--")
    stand_ins = {f"modforge-argument-{index}": value for index, value in enumerate(args[cut + 1 :])}
    namespace = parser.parse_intermixed_args(args[:cut] + list(stand_ins))
    for action in parser._actions:
        if action.option_strings:
            continue
        convert = action.type if callable(action.type) else str

        def back(value: object, convert=convert) -> object:
            return convert(stand_ins[str(value)]) if str(value) in stand_ins else value

        value = getattr(namespace, action.dest, None)
        setattr(namespace, action.dest, [back(v) for v in value] if isinstance(value, list) else back(value))
    return namespace


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    _escape_undecodable_names()
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
            args = _parse_command(_command_parser(selected, as_json), argv[position + 1 :])
        except UsageError as error:
            return _report_error(selected, str(error), 2, as_json)
    if not getattr(args, "run", None):
        _parser().print_help()
        return 2
    try:
        if sys.stdout is None:
            raise ModforgeError("standard output is closed; run it with an output (a terminal, a file or a pipe)")
        code = args.run(args)
        sys.stdout.flush()  # a full or closed output fails here, inside the error handling, not at exit
        return code
    except ModforgeError as error:
        return _report_error(args.command, str(error), error.exit_code, as_json)
    except KeyboardInterrupt:
        _say(f"modforge {args.command}: interrupted")
        return 130
    except OSError as error:
        if error.filename is None and error.errno in _OUTPUT_ERRORS:
            _silence_stdout()
            message = f"cannot write to standard output ({error.strerror}); the output is incomplete"
            return _report_error(args.command, message, 2, as_json=False)  # no JSON to an output that failed
        where = f" {error.filename}" if error.filename is not None else ""
        return _report_error(args.command, f"cannot use{where}: {error.strerror or error}", 2, as_json)


# errno values of a write to a standard output that cannot take it: closed pipe, full disk, I/O error, quota
_OUTPUT_ERRORS = {errno.EPIPE, errno.ENOSPC, errno.EIO, errno.EDQUOT, errno.EFBIG, errno.EBADF, errno.EINVAL}


def _say(line: str) -> None:
    """One line on standard error, if it can take it."""
    with contextlib.suppress(OSError, AttributeError, ValueError):
        print(line, file=sys.stderr, flush=True)


def _silence_stdout() -> None:
    """Point standard output at /dev/null, so that what is still buffered does not fail again at exit."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, AttributeError, ValueError):  # not a real file (tests capture it): nothing left to fail
        pass


def _escape_undecodable_names() -> None:
    """Print a file name that is not UTF-8 as `\\xNN` instead of failing on a strict output (see
    modforge.filesystem.names)."""
    install_escape_handler()
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with contextlib.suppress(OSError, ValueError):
                reconfigure(errors=ESCAPE)


if __name__ == "__main__":
    sys.exit(main())
