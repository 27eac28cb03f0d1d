"""The codebook: a versioned tree of codes with definitions, read from YAML or a
spreadsheet, validated with a location for every problem, diffed, revised and exported.

Pure library code: no database and no CLI here (the project store records versions,
the CLI calls these functions).
"""

from themekit.codebook.diff import CodebookDiff, diff_codebooks
from themekit.codebook.export import (
    codebook_to_csv,
    codebook_to_markdown,
    codebook_to_yaml,
    write_codebook_docx,
)
from themekit.codebook.io_table import read_codebook_table
from themekit.codebook.io_yaml import parse_codebook_yaml, read_codebook_yaml
from themekit.codebook.model import Code, Codebook, CodeEntry, split_path
from themekit.codebook.revise import add_code, merge_codes, move_code, remove_code, rename_code
from themekit.codebook.validate import (
    check_codebook,
    derive_id,
    load_codebook,
    validate_codebook_file,
)

__all__ = [
    "Code",
    "CodeEntry",
    "Codebook",
    "CodebookDiff",
    "add_code",
    "check_codebook",
    "codebook_to_csv",
    "codebook_to_markdown",
    "codebook_to_yaml",
    "derive_id",
    "diff_codebooks",
    "load_codebook",
    "merge_codes",
    "move_code",
    "parse_codebook_yaml",
    "read_codebook_table",
    "read_codebook_yaml",
    "remove_code",
    "rename_code",
    "split_path",
    "validate_codebook_file",
    "write_codebook_docx",
]
