"""The one exception type for problems a user can cause and fix; the CLI prints its message and exits 2."""


class ModforgeError(Exception):
    """A user-facing error: the message names the problem and the fix."""

    exit_code = 2
