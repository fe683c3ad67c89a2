"""Text files as modforge edits them: UTF-8, one `\\n` per line in memory, and on disk exactly as they were.

Editing code (migrations, adoption, wiring) works on text whose lines end in `\\n`, as the parser reads it
(CRLF and lone CR are line endings there too). `decode` keeps what it takes away: the UTF-8 byte order mark
and each line's own ending; `encode` puts them back, so a CRLF document stays CRLF and a rewritten heading
is a one-line diff, not a whole-file one. Lines that did not change keep their exact bytes even in a file
whose endings are mixed; new lines take the file's most common ending.

A file that is not UTF-8 is never rewritten: `decode` refuses it, naming the byte offset, so the user can
fix the file (a rewrite would silently replace the bytes modforge could not read).
"""

from __future__ import annotations

import codecs
import re
from collections import Counter
from typing import NamedTuple

from modforge.errors import ModforgeError

UTF8_BOM = codecs.BOM_UTF8
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_LINE_RE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")
_LF_LINE_RE = re.compile(r"[^\n]*\n|[^\n]+\Z")


class NotText(ModforgeError):
    """A file modforge would have to rewrite cannot be read as UTF-8 text."""


class TextFile(NamedTuple):
    """A decoded text file: `text` with `\\n` line endings and no BOM, and what `encode` needs to restore it."""

    text: str
    bom: bool
    newline: str  # the most common line ending: "\n", "\r\n" or "\r" ("\n" when there is none)
    raw_lines: tuple[str, ...] | None  # the original lines with their own endings, kept only when they differ


def decode(data: bytes, name: object = "the file") -> TextFile:
    """`data` as text; NotText naming `name`, the byte offset, line and column when it is not UTF-8."""
    if data[:2] in _UTF16_BOMS:
        raise NotText(f"{name} is UTF-16 text; save it as UTF-8 (modforge never rewrites a file it cannot read)")
    bom = data.startswith(UTF8_BOM)
    body = data[len(UTF8_BOM) :] if bom else data
    try:
        raw = body.decode("utf-8")
    except UnicodeDecodeError as error:
        offset = error.start + (len(UTF8_BOM) if bom else 0)
        line = data.count(b"\n", 0, offset) + 1
        column = offset - (data.rfind(b"\n", 0, offset) + 1) + 1
        raise NotText(
            f"{name}: byte 0x{data[offset]:02x} at offset {offset} (line {line}, column {column}) is not UTF-8; "
            "save the file as UTF-8 first (modforge never rewrites a file it cannot read)"
        ) from None
    if "\r" not in raw:
        return TextFile(raw, bom, "\n", None)
    lines = _LINE_RE.findall(raw)
    endings = Counter(_ending(line) for line in lines if _ending(line))
    newline = endings.most_common(1)[0][0] if endings else "\n"
    text = raw.replace("\r\n", "\n").replace("\r", "\n")
    return TextFile(text, bom, newline, tuple(lines) if len(endings) > 1 else None)


def lines(text: str, *, keepends: bool = False) -> list[str]:
    """The lines of `text` as the parser counts them, ended by `\\n`, `\\r\\n` or `\\r` only. `str.splitlines`
    also ends a line at \\v, \\f, \\x1c-\\x1e, \\x85, \\u2028 and \\u2029, which a document may hold inside a
    line: an edit placed by the parser's line number would then land inside that line."""
    found = _LINE_RE.findall(text)
    return found if keepends else [line.rstrip("\r\n") for line in found]


def _ending(line: str) -> str:
    if line.endswith("\r\n"):
        return "\r\n"
    if line.endswith(("\r", "\n")):
        return line[-1]
    return ""


def encode(text: str, like: TextFile | None = None) -> bytes:
    """`text` (with `\\n` line endings) as bytes in the form of `like`, the file it replaces (plain UTF-8 with
    `\\n` endings for a new file)."""
    if like is None:
        return text.encode("utf-8")
    if like.raw_lines is None:
        body = text if like.newline == "\n" else text.replace("\n", like.newline)
    else:
        body = _restore_mixed(text, like)
    return (UTF8_BOM if like.bom else b"") + body.encode("utf-8")


def _restore_mixed(text: str, like: TextFile) -> str:
    """Lines edited in place, and lines equal to the original's, keep their original ending; inserted lines
    take the common one."""
    old = like.raw_lines or ()
    old_plain = [line.rstrip("\r\n") for line in old]
    new_lines = _LF_LINE_RE.findall(text)  # `\n` only (see `lines`)
    new_plain = [line.rstrip("\n") for line in new_lines]
    out: list[str] = []
    if len(new_lines) == len(old):  # lines edited in place: each keeps its own ending
        opcodes = [("equal", 0, len(old), 0, len(old))]
    else:
        import difflib  # only for a file whose lines end in more than one way

        opcodes = difflib.SequenceMatcher(None, old_plain, new_plain, autojunk=False).get_opcodes()
    for tag, i1, _i2, j1, j2 in opcodes:
        for offset, index in enumerate(range(j1, j2)):
            line = new_lines[index]
            if tag == "equal" and line.endswith("\n") == bool(_ending(old[i1 + offset])):
                ending = _ending(old[i1 + offset])
                out.append(line[:-1] + ending if ending else line)
            else:
                out.append(line[:-1] + like.newline if line.endswith("\n") else line)
    return "".join(out)


def read_text(data: bytes, name: object = "the file") -> str:
    """The text of `data` with `\\n` line endings (NotText when it is not UTF-8)."""
    return decode(data, name).text
