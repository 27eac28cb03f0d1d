"""Writing output files without ever leaving a partial one behind.

Everything themekit writes goes to a temporary file in the destination folder and is
renamed into place only when complete, so an error or a kill leaves either the old file
or none, never half a document.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from themekit.errors import ExportError


@contextmanager
def atomic_writer(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path to write; it replaces ``path`` only if the block succeeds."""
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise ExportError(
            f"{target}: the folder {folder} does not exist.", hint="Create it or choose another -o."
        )
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=folder)
    except OSError as exc:
        raise ExportError(
            f"{target}: cannot write there ({exc.strerror}).", hint="Choose another -o path."
        ) from exc
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        # mkstemp makes the file private (0600); give the result the usual permissions.
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(tmp, 0o666 & ~mask)
        os.replace(tmp, target)
    except OSError as exc:
        raise ExportError(
            f"{target}: cannot write there ({exc.strerror}).", hint="Choose another -o path."
        ) from exc
    finally:
        tmp.unlink(missing_ok=True)


def atomic_write_text(path: str | Path, text: str) -> None:
    with atomic_writer(path) as tmp:
        tmp.write_text(text, encoding="utf-8")


def atomic_write_bytes(path: str | Path, data: bytes) -> None:
    with atomic_writer(path) as tmp:
        tmp.write_bytes(data)


def new_docx():
    """A python-docx Document whose properties say themekit made it, today.

    python-docx's template otherwise stamps "python-docx" and a 2013 date into every file,
    which journals and co-authors see.
    """
    from datetime import datetime

    from docx import Document

    document = Document()
    props = document.core_properties
    now = datetime.now().replace(microsecond=0)
    props.author = "themekit"
    props.last_modified_by = "themekit"
    props.comments = ""
    props.title = ""
    props.created = now
    props.modified = now
    return document
