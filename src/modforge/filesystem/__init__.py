"""The one way modforge touches files it does not own: read without hanging or following links, decode
without losing a byte, and write all-or-nothing inside one folder.

- `confine`: a path under a root, refused when it leaves the root or passes through a symbolic link;
  files read only when they are regular files (a FIFO or a device would hang a reader).
- `textcodec`: bytes to text and back keeping the encoding mark (UTF-8 BOM) and every line ending.
- `structured`: TOML and YAML read without a traceback or a hang (nesting thousands deep, numbers past
  int()'s limit, YAML alias bombs).
- `transaction`: every change computed first, then written to temporary files and renamed into place
  together (git's index too), restored as it was when any step fails or the user interrupts.

adopt, migrate, update's repairs and wiring all write through `Transaction`, so that "nothing written
outside, nothing half-written" is a property of the codebase rather than of each command.
"""
