"""Paths under a root that stay under it, and reads that never hang.

A command is given one folder (a module, a monorepo) and may write nowhere else: `confined` turns a
relative path into the absolute one under the root, refusing `..`, absolute paths and any symbolic link
on the way (a link inside a module may point anywhere, and writing through it would change a file the
user never named). `read_regular` reads a file only when it is a regular file: opening a FIFO blocks
forever, and a device or a folder is never a document.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path, PurePosixPath

from modforge.errors import ModforgeError


class OutsideRoot(ModforgeError):
    """A path modforge would write leaves the folder it was given, or goes through a symbolic link."""


def relative_posix(path: str) -> str:
    """`path` as a clean POSIX path relative to a root; ModforgeError for one that could leave it."""
    pure = PurePosixPath(path)
    if pure.is_absolute() or not pure.parts or any(part in ("..", ".") for part in pure.parts):
        raise OutsideRoot(f"{path!r} is not a path inside the folder (absolute, empty, or with . or ..)")
    return pure.as_posix()


def confined(root: Path, relative: str) -> Path:
    """The absolute path of `relative` under `root` (which is resolved first). Every existing component
    below the root must be a real folder, and the last one, when it exists, must not be a link."""
    root = Path(root).resolve()
    relative = relative_posix(relative)
    current = root
    parts = PurePosixPath(relative).parts
    for index, part in enumerate(parts):
        current = current / part
        try:
            mode = os.lstat(current).st_mode
        except FileNotFoundError:
            break  # nothing further down exists yet: it will be created as a real folder or file
        except OSError as error:
            raise OutsideRoot(f"cannot inspect {current}: {error.strerror or error}") from None
        if stat.S_ISLNK(mode):
            raise link_refused(current)
        if index < len(parts) - 1 and not stat.S_ISDIR(mode):
            raise OutsideRoot(f"{current} is not a folder, so {root / relative} cannot be written")
    return root / relative


def link_refused(path: Path) -> OutsideRoot:
    """The error for a link found where modforge would read or write."""
    return OutsideRoot(
        f"{path} is a symbolic link; modforge never reads or writes through links: replace it with the real "
        "file or folder"
    )


def kind_of(path: Path) -> str | None:
    """What is at `path` without following a link: "file", "dir", "link", "other" (FIFO, device, socket)
    or None when nothing is there."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return None
    except OSError as error:
        if error.errno == errno.ENOTDIR:
            return None
        raise ModforgeError(f"cannot inspect {path} ({error.strerror or error})") from None
    if stat.S_ISLNK(mode):
        return "link"
    if stat.S_ISREG(mode):
        return "file"
    if stat.S_ISDIR(mode):
        return "dir"
    return "other"


def read_regular(path: Path, *, follow_links: bool = False, limit: int | None = None) -> bytes:
    """The bytes of the regular file at `path`. Raises ModforgeError, never blocking, for a FIFO, a device,
    a folder, a link (unless `follow_links`; a link to nothing or a loop of links even then), a file larger
    than `limit`, or a read that fails."""
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    if not follow_links:
        flags |= getattr(os, "O_NOFOLLOW", 0)
    try:
        descriptor = os.open(path, flags)
    except OSError as error:
        raise ModforgeError(f"{path} {_unreadable(path, error)}") from None
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            what = "a folder" if stat.S_ISDIR(info.st_mode) else "a FIFO, device or socket"
            raise ModforgeError(f"{path} is {what}, not a regular file; replace it with the file it stands for")
        if limit is not None and info.st_size > limit:
            raise ModforgeError(f"{path} has {info.st_size:,} bytes, more than the {limit:,} modforge reads")
        data = os.read(descriptor, info.st_size + 1)  # one read for the usual file, whose size is known
        if len(data) <= info.st_size:
            return data
        chunks = [data]  # it grew while being read
        while chunk := os.read(descriptor, 1 << 20):
            chunks.append(chunk)
        return b"".join(chunks)
    except OSError as error:
        raise ModforgeError(f"{path} cannot be read ({error.strerror or error})") from None
    finally:
        os.close(descriptor)


def _unreadable(path: Path, error: OSError) -> str:
    """Why `path` could not be opened, as the end of a sentence naming it."""
    if error.errno == errno.ELOOP:
        return "is a symbolic link (or a loop of them); replace it with the real file"
    if error.errno == errno.EISDIR:
        return "is a folder, not a file"
    if error.errno == errno.ENOENT and kind_of(path) == "link":
        return "is a symbolic link to nothing (its target does not exist); replace it with the real file"
    if error.errno == errno.ENAMETOOLONG:
        return "has a name too long for the file system"
    return f"cannot be read ({error.strerror or error}); check that it exists and is readable"
