"""File names as text that can always be printed.

A file name on Linux is bytes; Python reads a name that is not UTF-8 with each such byte as a lone surrogate
(U+DC80-U+DCFF), which a UTF-8 stream refuses to write (a strict standard output raises, JSON becomes
invalid). `printable` writes those bytes `\\xNN`, as git and ls show them, so every output is valid UTF-8;
`install_escape_handler` makes standard output and error do the same for any text that reaches them.
"""

from __future__ import annotations

import codecs

ESCAPE = "modforge-escape"  # the codec error handler's name, for TextIOWrapper.reconfigure(errors=...)


def _escaped(char: str) -> str:
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # a byte of a name that was not UTF-8
        return f"\\x{code - 0xDC00:02x}"
    if 0xD800 <= code <= 0xDFFF:  # any other lone surrogate
        return f"\\u{code:04x}"
    return char


def printable(text: str) -> str:
    """`text` with every lone surrogate written as an escape (see the module docstring); other text unchanged."""
    if text.isascii():
        return text
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "".join(map(_escaped, text))
    return text


def _handler(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeEncodeError):
        raise error
    return "".join(map(_escaped, error.object[error.start : error.end])), error.end


def install_escape_handler() -> None:
    """Register the `modforge-escape` codec error handler (idempotent)."""
    codecs.register_error(ESCAPE, _handler)
