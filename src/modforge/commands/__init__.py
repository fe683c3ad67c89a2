"""One module per subcommand. Each exposes `NAME`, `HELP`, `add_arguments(parser)` and `run(args) -> int`;
cli.py imports only the one that runs (`next-id` is module next_id), so `modforge check` never pays for copier."""

COMMANDS = (
    "new",
    "check",
    "rules",
    "prompt",
    "update",
    "migrate",
    "adopt",
    "template",
    "status",
    "gate",
    "next-id",
    "trace",
    "wire",
    "unwire",
)
