"""Writing output files: one atomic writer for everything themekit writes.

Exports, codings and codebook exports, REFI-QDA files, bundles, backups, the settings
file and the anonymisation register all go through ``atomic_writer``: the content is
written to a temporary file in the destination's folder, flushed to disk (``fsync``)
and renamed over the destination (``os.replace``) only when complete. An error or a
kill therefore leaves the old file or none, never half a document, and never a
temporary file: the temporary file is removed whatever goes wrong.

File-system rules (also in docs/exports.md, "Output files: the file-system rules"):

* **Standard output.** ``-`` as a file name means standard output. The writer does not
  write there itself (a Word or Excel file cannot go to a terminal); callers that can
  print recognise it with ``wants_stdout`` and print instead. Given to the writer,
  ``-`` is an error that says so, rather than a file named ``-``.
* **Only regular files are replaced.** A destination that exists and is not a regular
  file (a folder, a device such as ``/dev/full`` or ``/dev/null``, a FIFO, a socket) is
  refused with an error; it is never replaced by a file.
* **Symbolic links are written through.** When the destination is a symbolic link, the
  link is kept and the file it points to (followed to the end of a chain) is replaced
  atomically, with the temporary file in the target's folder. A link to a missing file
  creates that file. A link to something that is not a regular file is refused as above.
* **Permissions.** A new file gets the usual permissions (0666 less the umask, so 0644
  under umask 022), never the 0600 of a temporary file. A replaced file keeps its own
  permission bits, so an export a user made private stays private.
* **Overwriting.** ``overwrite=False`` refuses an existing destination with
  ``OutputExists`` ("PATH: already exists; nothing was written.", next step
  ``output.overwrite``), leaving it untouched; ``atomic_writer``'s own default replaces
  it. Every command and export API function that writes a file the user named passes
  ``overwrite=False`` unless asked (``overwrite=True``; ``--force`` on the command line)
  and checks the destination with ``check_destination`` before any work.
* **Write errors** (a full disk, a read-only file system, a vanished folder) become one
  ``ExportError`` naming the destination and the reason; nothing is left behind and the
  old file, if any, is untouched.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from themekit.errors import ExportError, NextStep, OutputExists

STDOUT = "-"


def wants_stdout(output: str | Path | None) -> bool:
    """True when ``output`` is ``-``, the name that asks for standard output."""
    return output is not None and str(output) == STDOUT


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def _destination(path: Path, overwrite: bool) -> tuple[Path, int | None]:
    """The file to replace (a link's target) and its permission bits if it exists."""
    if str(path) == STDOUT:
        raise ExportError(
            "-: this output cannot be written to standard output.",
            hint="Give a file name.",
            next_step="output.file_name",
        )
    target = Path(os.path.realpath(path)) if path.is_symlink() else path
    try:
        info = os.stat(target)
    except FileNotFoundError:
        return target, None
    except OSError as exc:
        raise ExportError(
            f"{path}: cannot write there ({exc.strerror}).",
            hint="Choose another path.",
            next_step="output.another_path",
        ) from None
    if not stat.S_ISREG(info.st_mode):
        what = _kind(info.st_mode)
        folder = what == "a folder"
        raise ExportError(
            f"{path}: is {what}, not a file; it is left as it is.",
            hint="Give a file name." if folder else "Give a regular file.",
            next_step=NextStep("output.file_name") if folder else NextStep("output.regular_file"),
        )
    if not overwrite:
        raise output_exists(path)
    return target, stat.S_IMODE(info.st_mode)


def output_exists(path: str | Path) -> OutputExists:
    """The one error for an existing output that the caller may not replace."""
    return OutputExists(
        f"{path}: already exists; nothing was written.",
        hint="Pass overwrite=True to replace it, or choose another output path.",
        next_step=NextStep("output.overwrite"),
    )


def _default_mode() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def _write_failed(path: Path, exc: OSError) -> ExportError:
    reason = exc.strerror or str(exc)
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return ExportError(
            f"{path}: could not be written, the disk is full ({reason}); nothing was written.",
            hint="Free some space or choose another path.",
            next_step="output.free_space",
        )
    return ExportError(
        f"{path}: could not be written ({reason}); nothing was written.",
        hint="Choose another path.",
        next_step="output.another_path",
    )


def _fsync_file(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _fsync_folder(folder: Path) -> None:
    """Make the rename durable; some file systems cannot fsync a folder, and that is fine."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


def _link_if_absent(temp: Path, target: Path, requested: Path) -> None:
    """Put ``temp`` at ``target`` unless a file appeared there meanwhile (no clobbering)."""
    try:
        os.link(temp, target)
    except FileExistsError:
        raise output_exists(requested) from None
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK):
            raise
        os.replace(temp, target)  # a file system without hard links: checked above


def check_destination(path: str | Path, *, overwrite: bool = True) -> None:
    """Fail before any work when ``path`` could not be written by ``atomic_writer``.

    The same rules as the writer (regular files only, links followed, the folder must
    exist), plus a real try at creating a file there: permission bits, read-only file
    systems and running as root all answer the same way to that.
    """
    requested = Path(path)
    folder = requested.parent if str(requested.parent) else Path(".")
    if folder.exists() and not folder.is_dir():
        raise ExportError(
            f"{requested}: {folder} is not a folder.",
            hint="Choose another path.",
            next_step="output.another",
        )
    if not folder.is_dir():
        raise ExportError(
            f"{requested}: the folder {folder} does not exist.",
            hint="Create it or choose another path.",
            next_step="output.create_folder",
        )
    target, _mode = _destination(requested, overwrite)
    folder = target.parent if str(target.parent) else Path(".")
    try:
        handle, probe = tempfile.mkstemp(prefix=".themekit-probe.", dir=folder)
        os.close(handle)
        os.unlink(probe)
        if target.exists() and not os.access(target, os.W_OK):
            raise PermissionError(errno.EACCES, "Permission denied")
    except OSError as exc:
        raise ExportError(
            f"{requested}: cannot write there ({exc.strerror}).",
            hint="Choose another path.",
            next_step="output.another_path",
        ) from None


@contextmanager
def atomic_writer(path: str | Path, *, overwrite: bool = True) -> Iterator[Path]:
    """Yield a temporary path to write; it replaces ``path`` only if the block succeeds.

    See the module docstring for the rules on links, devices, permissions and errors.
    """
    requested = Path(path)
    target, existing_mode = _destination(requested, overwrite)
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise ExportError(
            f"{requested}: the folder {folder} does not exist.",
            hint="Create it or choose another path.",
            next_step="output.create_folder",
        )
    try:
        handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=folder)
    except OSError as exc:
        raise ExportError(
            f"{requested}: cannot write there ({exc.strerror}).",
            hint="Choose another path.",
            next_step="output.another_path",
        ) from None
    os.close(handle)
    temp = Path(name)
    try:
        yield temp
        _fsync_file(temp)
        # mkstemp makes the file private (0600): give it the usual or the old permissions.
        os.chmod(temp, existing_mode if existing_mode is not None else _default_mode())
        if overwrite:
            os.replace(temp, target)
        else:
            _link_if_absent(temp, target, requested)
        _fsync_folder(folder)
    except OSError as exc:
        raise _write_failed(requested, exc) from exc
    finally:
        temp.unlink(missing_ok=True)


def atomic_write_text(
    path: str | Path,
    text: str,
    *,
    encoding: str = "utf-8",
    newline: str | None = None,
    overwrite: bool = True,
) -> None:
    """Write ``text`` to ``path`` atomically (``newline`` as for ``open``)."""
    with atomic_writer(path, overwrite=overwrite) as temp:
        temp.write_text(text, encoding=encoding, newline=newline)


def atomic_write_bytes(path: str | Path, data: bytes, *, overwrite: bool = True) -> None:
    """Write ``data`` to ``path`` atomically."""
    with atomic_writer(path, overwrite=overwrite) as temp:
        temp.write_bytes(data)
