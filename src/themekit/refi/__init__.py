"""REFI-QDA interoperability: codebooks (.qdc) and projects (.qdpx), in and out.

``qdpx``       a whole project to a .qdpx zip (``export_qdpx``) and back
               (``import_qdpx`` / ``import_qdpx_report``), all-or-nothing; it uses
``reader``     a .qdpx archive read and checked into plain data (``read_qdpx``; its
               codebook alone: ``read_qdpx_codebook``), and
``writer``     the project built as REFI-QDA XML plus source texts (``build_qdpx``).
``positions``  the character-counting conventions real tools use (code points, UTF-16
               units, CRLF as two, inclusive ends, a counted byte-order mark), their
               detection per source and the check of each selection against its text.

The .qdc codebook format lives with the other codebook formats
(``themekit.codebook.io_qdc``); ``refi`` uses it, never the other way round. Passages
and the GUIDs other programs gave are kept by the store (``themekit.store.passages``).

The schemas (QDA-XML 1.0, MIT) are in the shared ``refi-qda`` folder; the tests validate
every export against them. See docs/migrating.md for moving a study between programs.
Modules are imported on use, so ``import themekit.refi`` costs nothing.
"""
