"""Exports: Table 1, quote banks, matrices, reports and the disagreements list.

The API is ``themekit.export.table1 / quotes / matrix / report / disagreements`` (see
``themekit.export.api``): each call anonymises, renders through the one writer registry
(``formats``), leak-gates what the format's reader (``readback``) finds in the rendered
bytes, writes atomically and returns an ``ExportResult``.

Four of those names are also the names of submodules (``table1.py``, ``quotes.py``,
``matrix.py``, ``report.py``: the builders). Python sets a submodule as an attribute of
its package when it is first imported, which would silently replace the function, so
this package's module class returns the API function for those names whatever has been
imported. Import the builders by their full names (``from themekit.export.quotes import
build_quote_bank``), never as ``import themekit.export.quotes as q``.
"""

from __future__ import annotations

import sys
import types
from importlib import import_module
from typing import Any

_API_NAMES = frozenset(
    {"table1", "quotes", "matrix", "report", "disagreements", "ExportResult", "ExportWarning"}
)

__all__ = sorted(_API_NAMES)


class _ExportPackage(types.ModuleType):
    def __getattribute__(self, name: str) -> Any:
        if name in _API_NAMES:
            return getattr(import_module("themekit.export.api"), name)
        return super().__getattribute__(name)


sys.modules[__name__].__class__ = _ExportPackage
