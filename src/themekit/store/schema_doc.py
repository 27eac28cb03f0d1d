"""docs/storage.md, generated from the migrations so it cannot drift from the schema."""

from __future__ import annotations

from themekit.store.migrations import schema_sql

INTRO = """\
# Storage: the project folder and its database

Generated from `src/themekit/store/migrations.py` by `make docs`; do not edit by hand.

A themekit project is a folder:

| path | what it holds |
|---|---|
| `themekit.toml` | settings (segment unit, speaker pattern, interviewer labels, embedding model, quote attribution) |
| `themekit.db` | everything else: transcripts and all their versions, segments, participants, codebook versions, codings, memos, the audit log, caches |
| `redact.yaml` | the anonymisation register (names, places, organisations, allow-list) |
| `backups/` | copies made by `themekit backup` |
| `themekit.before-migration-NNN.db` | the automatic copy taken before a schema upgrade |

The database is SQLite in WAL mode with foreign keys on, `synchronous=FULL` and a 30 s
busy timeout. Every change is a short transaction, so a crash, Ctrl-C or kill loses
nothing that was acknowledged. Transcript texts are stored once per version and never
modified; segments and codings point into them by character offsets. Embeddings are
float32 little-endian blobs keyed by model id and the SHA-256 of the text.

The schema is built by numbered migrations, each applied in one transaction together
with its row in `schema_migrations`:
"""


def render_storage_doc() -> str:
    parts = [INTRO]
    for name, doc, sql in schema_sql():
        parts.append(f"\n## `{name}`\n\n{doc}\n\n```sql\n{sql};\n```\n")
    return "".join(parts)
