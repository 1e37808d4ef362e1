"""Files the library writes: atomic replacement, and never over an input.

:func:`atomic_write_text` and :func:`atomic_write_bytes` write to a temporary file in the same
directory, flush and ``fsync`` it and move it over the target with :func:`os.replace`, so an
interrupted run leaves the previous file (or none), never a half-written one.
:func:`check_output_path` refuses an output that is one of the run's inputs. The table writers
of :mod:`ambassadors.io.writers` build on :func:`atomic_open`.

This module needs neither pandas nor numpy: the command line checks its output paths with it
before anything heavy is imported.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any, Union

from ambassadors.errors import InputError

__all__ = ["atomic_open", "atomic_write_bytes", "atomic_write_text", "check_output_path"]

PathLike = Union[str, "os.PathLike[str]"]




def _target_path(path: PathLike) -> Path:
    """Resolve the file to write (following a symlink to its target) and check its folder."""
    if isinstance(path, (bytes, bytearray)):
        path = os.fsdecode(path)
    if not isinstance(path, (str, os.PathLike)):
        raise InputError(f"expected a file path to write, got {type(path).__name__}")
    target = Path(os.path.realpath(os.path.expanduser(os.fspath(path))))
    if target.is_dir():
        raise InputError(f"{path}: is a directory, not a file")
    if not target.parent.is_dir():
        raise InputError(f"{path}: directory {target.parent} does not exist")
    return target


def _fsync_directory(directory: Path) -> None:
    """Make the rename itself durable (POSIX); harmless where directories cannot be opened."""
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@contextlib.contextmanager
def atomic_open(path: PathLike, *, binary: bool, encoding: str = "utf-8") -> Iterator[IO[Any]]:
    """Yield a file handle on a temporary file that replaces ``path`` only on success.

    The temporary file is removed when the block raises; ``binary=False`` opens it as text
    with ``encoding`` and no newline translation.
    """
    target = _target_path(path)
    temp = target.with_name(f".{target.name}.{secrets.token_hex(6)}.tmp")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    try:
        # Mode 0o666 filtered by the umask, as for any ordinary new file.
        fd = os.open(temp, flags, 0o666)
    except OSError as exc:
        raise InputError(f"{path}: cannot write in {target.parent} ({exc.strerror})") from exc
    try:
        with contextlib.suppress(OSError, FileNotFoundError):
            # Replacing an existing file keeps its permissions.
            os.chmod(temp, stat.S_IMODE(os.stat(target).st_mode))
        if binary:
            handle: IO[Any] = os.fdopen(fd, "wb")
        else:
            handle = os.fdopen(fd, "w", encoding=encoding, newline="")
        with handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.replace(temp, target)
        except PermissionError as exc:
            raise InputError(f"{path}: cannot replace the file (is it open in another program?)") from exc
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    _fsync_directory(target.parent)


def atomic_write_bytes(path: PathLike, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically (temporary file, fsync, :func:`os.replace`).

    Parameters
    ----------
    path : str or path-like
        The file to create or replace. Its directory must exist.
    data : bytes
        The complete contents.

    Returns
    -------
    Path
        The path written.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from ambassadors.io.files import atomic_write_bytes
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "x.bin"
    >>> atomic_write_bytes(p, b"abc").read_bytes()
    b'abc'
    """
    with atomic_open(path, binary=True) as handle:
        handle.write(data)
    return Path(path)


def atomic_write_text(path: PathLike, text: str, *, encoding: str = "utf-8") -> Path:
    """Write ``text`` to ``path`` atomically; newlines are written as given (no translation).

    Parameters
    ----------
    path : str or path-like
        The file to create or replace. Its directory must exist.
    text : str
        The complete contents.
    encoding : str, default "utf-8"
        Text encoding.

    Returns
    -------
    Path
        The path written.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from ambassadors.io.files import atomic_write_text
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "note.txt"
    >>> atomic_write_text(p, "héllo\\n").read_text(encoding="utf-8")
    'héllo\\n'
    """
    with atomic_open(path, binary=False, encoding=encoding) as handle:
        handle.write(text)
    return Path(path)


def check_output_path(out: PathLike | None, inputs: Iterable[Any]) -> None:
    """Refuse to write an output over one of the input files.

    Paths are compared after resolving ``~``, relative parts and symlinks, and with
    :func:`os.path.samefile` (so a hard link to an input is caught too). Inputs that are not
    paths (DataFrames, ``None``) are ignored.

    Parameters
    ----------
    out : str, path-like or None
        The output file about to be written. ``None`` does nothing.
    inputs : iterable
        The input files (or directories) of the run.

    Raises
    ------
    InputError
        ``refusing to overwrite input file X`` when ``out`` is one of ``inputs``.

    Examples
    --------
    >>> from ambassadors.io.files import check_output_path
    >>> check_output_path("shortlist.csv", ["people.csv", "mail.csv"])
    >>> check_output_path("./people.csv", ["people.csv"])
    Traceback (most recent call last):
    ...
    ambassadors.errors.InputError: refusing to overwrite input file people.csv
    """
    if out is None:
        return
    if isinstance(inputs, (str, bytes, os.PathLike)):
        inputs = [inputs]
    out_real = os.path.normcase(os.path.realpath(os.path.expanduser(os.fspath(out))))
    for item in inputs:
        if not isinstance(item, (str, os.PathLike)):
            continue
        item_path = os.path.expanduser(os.fspath(item))
        same = os.path.normcase(os.path.realpath(item_path)) == out_real
        if not same and os.path.exists(item_path) and os.path.exists(out_real):
            with contextlib.suppress(OSError):
                same = os.path.samefile(item_path, out_real)
        if same:
            raise InputError(f"refusing to overwrite input file {os.fspath(item)}")
