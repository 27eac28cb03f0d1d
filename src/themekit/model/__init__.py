"""Value types: the data every layer passes around, with no behaviour that needs I/O.

``codebook`` (the code tree), ``transcripts`` (parsed transcripts, segments, import
settings) and ``rows`` (what the store returns: segments, codings, participants, audit
entries, arrays for agreement) sit under the store, so the store can take and return
them without importing any capability (docs/architecture.md). Nothing here imports
another themekit package except ``themekit.errors``.
"""
