"""Team work across machines: one coder's work as a bundle, and merging it back.

``bundle`` turns a coder's codings, memos, exemplars, progress and audit entries (with
the transcript versions and codebook they were made on) into a portable file;
``merge`` brings a bundle or another project folder into this project, additively and
idempotently, re-anchoring by text where a transcript differs.
"""

from themekit.team.bundle import TeamData, collect, read_bundle, read_source, write_bundle
from themekit.team.merge import MergeReport, Unplaced, merge_team_data

__all__ = [
    "MergeReport",
    "TeamData",
    "Unplaced",
    "collect",
    "merge_team_data",
    "read_bundle",
    "read_source",
    "write_bundle",
]
