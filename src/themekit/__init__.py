"""themekit: local-first qualitative thematic analysis of interview transcripts.

The library is the product; the ``themekit`` command is a thin shell over it. A
notebook session looks like this::

    import themekit
    project = themekit.Project.open("study")
    themekit.import_transcripts(project, ["transcripts/"])
    themekit.commit_codebook(project, themekit.load_codebook("codebooks/mhtr.yaml"),
                             source="notebook")
    report = themekit.compute_agreement(project, ["ana", "ben"])
    print(report.to_markdown())
    result = themekit.export.table1(project, "table1.docx", by="role")  # anonymised, gated

Names are loaded on first use, so ``import themekit`` (and ``themekit --help``) stays
as fast as a bare command-line app.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__version__ = "0.1.0"

_EXPORTS = {
    "Project": "themekit.project",
    "ThemekitError": "themekit.errors",
    "Codebook": "themekit.model.codebook",
    "Code": "themekit.model.codebook",
    "load_codebook": "themekit.codebook.validate",
    "validate_codebook_file": "themekit.codebook.validate",
    "commit_codebook": "themekit.codebook.versions",
    "CodingSession": "themekit.coding.service",
    "add_coder": "themekit.coding.coders",
    "coded_passages": "themekit.coding.coded_text",
    "memo_table": "themekit.coding.memos",
    "export_memos": "themekit.coding.memos",
    "compute_agreement": "themekit.agree.service",
    "find_disagreements": "themekit.agree.service",
    "agreement_binary": "themekit.agree.coefficients",
    "agreement_nominal": "themekit.agree.coefficients",
    "per_code_and_pooled": "themekit.agree.coefficients",
    "read_transcript": "themekit.transcripts.readers",
    "segment_transcript": "themekit.transcripts.segment",
    "redetect_speakers": "themekit.transcripts.redetect",
    "build_table1": "themekit.export.table1",
    "export_table1": "themekit.export.api",
    "export_quotes": "themekit.export.api",
    "export_matrix": "themekit.export.api",
    "export_report": "themekit.export.api",
    "export_disagreements": "themekit.export.api",
    "ExportResult": "themekit.export.api",
    "ExportWarning": "themekit.export.api",
    "embedding_typicality": "themekit.suggest.typicality",
    "import_transcripts": "themekit.transcripts.importer",
    "ImportOutcome": "themekit.transcripts.importer",
    "import_participants": "themekit.participants",
    "participant_link_warnings": "themekit.participants",
}

__all__ = ["__version__", *_EXPORTS]


def __getattr__(name: str) -> Any:
    if name == "export":  # the export API: themekit.export.table1(project, "t1.docx")
        return import_module("themekit.export")
    if name in _EXPORTS:
        value = getattr(import_module(_EXPORTS[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'themekit' has no attribute {name!r}")
