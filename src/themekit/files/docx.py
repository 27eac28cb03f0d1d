"""New Word documents that say themekit made them (python-docx is imported lazily)."""

from __future__ import annotations

from typing import Any


def new_docx() -> Any:
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
