"""One module per subcommand. Each exposes `NAME`, `HELP`, `add_arguments(parser)` and `run(args) -> int`;
cli.py imports only the one that runs, so `modforge check` never pays for copier."""

COMMANDS = ("new", "check", "rules", "prompt", "update", "migrate", "adopt", "wire", "unwire")
