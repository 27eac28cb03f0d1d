"""The bundled fictional transcripts are present, well formed and as long as promised.

These tests read the files with plain Python (and python-docx for Word files), not with
themekit's readers: they check the sample data itself, so a reader bug cannot hide a
broken sample, and a broken sample is reported here rather than as a reader failure.
"""

from __future__ import annotations

import csv
import importlib.util
import re
import sys
import zipfile
from pathlib import Path
from types import ModuleType

import pytest

SAMPLE_DIR = Path(__file__).resolve().parents[1] / "transcripts_sample"

EXPECTED_FILES = {
    "P01": "P01.docx",
    "P02": "P02.docx",
    "P03": "P03.txt",
    "P04": "P04.txt",
    "P05": "P05.vtt",
    "P06": "P06.srt",
    "P07": "P07.md",
    "P08": "P08.txt",
}

INTERVIEWER_LABELS = {"interviewer", "i", "int", "facilitator", "moderator"}

MIN_WORDS = 1500
MAX_WORDS = 4000

TIMING_LINE = re.compile(
    r"^(\d{2}:\d{2}:\d{2}[.,]\d{3}) --> (\d{2}:\d{2}:\d{2}[.,]\d{3})$", re.MULTILINE
)
# A speaker label at the start of a line: "Name:" (1-4 capitalised words) or "[Name]".
LINE_LABEL = re.compile(r"^(?:\[[A-Z][\w .']{0,40}\]|[A-Z][\w.']*(?: [A-Z][\w.']*){0,3}:)\s*")
VOICE_TAG = re.compile(r"</?v(?: [^>]*)?>")
EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
UK_PHONE = re.compile(r"\b0\d{4}[ \u00a0]?\d{3}[ \u00a0]?\d{3}\b")


def sample_path(participant_id: str) -> Path:
    return SAMPLE_DIR / EXPECTED_FILES[participant_id]


def seconds(timestamp: str) -> float:
    hours, minutes, rest = timestamp.replace(",", ".").split(":")
    return int(hours) * 3600 + int(minutes) * 60 + float(rest)


def cue_blocks(text: str) -> list[list[str]]:
    return [block.splitlines() for block in re.split(r"\n\s*\n", text.strip()) if block.strip()]


def cue_texts(text: str) -> list[str]:
    """The caption lines of each cue (everything after its timing line), joined."""
    texts = []
    for block in cue_blocks(text):
        timing_index = next(
            (index for index, line in enumerate(block) if TIMING_LINE.match(line)), None
        )
        if timing_index is not None:
            texts.append(" ".join(block[timing_index + 1 :]))
    return texts


def docx_text(path: Path) -> str:
    import docx  # python-docx: heavy, imported where used

    document = docx.Document(str(path))
    parts = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows[1:]:  # skip the header row; Speaker | Text | Time
            speaker, text, _time = (cell.text for cell in row.cells)
            parts.append(f"{speaker}: {text}")
    return "\n".join(parts)


def raw_text(path: Path) -> str:
    """The file's whole text, decoded as it was written (P04 is the cp1252 one)."""
    if path.suffix == ".docx":
        return docx_text(path)
    return path.read_bytes().decode("cp1252" if path.name == "P04.txt" else "utf-8")


def spoken_text(path: Path) -> str:
    """The words people said: no timings, cue ids, voice tags or speaker labels."""
    raw = raw_text(path)
    if path.suffix == ".vtt":
        raw = "\n".join(VOICE_TAG.sub("", cue) for cue in cue_texts(raw))
    elif path.suffix == ".srt":
        raw = "\n".join(cue_texts(raw))
    return "\n".join(LINE_LABEL.sub("", line) for line in raw.splitlines())


def all_sample_text() -> str:
    return "\n".join(spoken_text(sample_path(pid)) for pid in EXPECTED_FILES)


def load_generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "themekit_sample_generator", SAMPLE_DIR / "_generate.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while it loads
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules[spec.name]
    return module


def test_the_folder_holds_exactly_the_eight_transcripts():
    transcripts = sorted(path.name for path in SAMPLE_DIR.glob("P0*"))
    assert transcripts == sorted(EXPECTED_FILES.values())


@pytest.mark.parametrize("participant_id", sorted(EXPECTED_FILES))
def test_spoken_word_count_is_within_the_promised_range(participant_id):
    words = len(spoken_text(sample_path(participant_id)).split())
    assert MIN_WORDS <= words <= MAX_WORDS, f"{participant_id}: {words} words"


@pytest.mark.parametrize("participant_id", ["P01", "P02"])
def test_word_files_are_real_docx_packages(participant_id):
    path = sample_path(participant_id)
    with zipfile.ZipFile(path) as package:
        assert "word/document.xml" in package.namelist()


def test_p01_is_one_labelled_paragraph_per_turn():
    import docx

    paragraphs = [p.text for p in docx.Document(str(sample_path("P01"))).paragraphs if p.text]
    assert paragraphs[0] == "MHTR Service Evaluation \u2014 Ashbury site"
    assert sum(text.startswith("Interviewer: ") for text in paragraphs) == 13
    assert sum(text.startswith("P01: ") for text in paragraphs) == 12


def test_p02_is_a_three_column_table_with_a_header_and_rising_times():
    import docx

    document = docx.Document(str(sample_path("P02")))
    assert len(document.tables) == 1
    rows = [[cell.text for cell in row.cells] for row in document.tables[0].rows]
    assert rows[0] == ["Speaker", "Text", "Time"]
    assert {row[0] for row in rows[1:]} == {"INT", "Dr Fielding"}
    times = [row[2] for row in rows[1:]]
    assert all(re.fullmatch(r"\d{2}:\d{2}:\d{2}", time) for time in times)
    assert times == sorted(times) and len(set(times)) == len(times)


def test_p03_is_utf8_with_uppercase_labels():
    text = sample_path("P03").read_text("utf-8")
    assert "\nINTERVIEWER: " in text and "\nRESPONDENT: " in text
    assert "\r" not in text


def test_p04_is_cp1252_with_crlf_and_windows_punctuation():
    data = sample_path("P04").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    text = data.decode("cp1252")
    assert data.count(b"\r\n") == data.count(b"\n") > 0
    for character in ("\u201c", "\u201d", "\u2019", "\u2014", "\u2026", "\u00a0"):
        assert character in text, repr(character)
    assert text.startswith("I: Can you start by telling me about your role?\r\n\r\nR: ")


def test_p05_is_teams_webvtt_with_voice_tags_and_rising_times():
    text = sample_path("P05").read_text("utf-8")
    assert text.startswith("WEBVTT\n\n")
    timings = TIMING_LINE.findall(text)
    starts = [seconds(start) for start, _ in timings]
    assert starts == sorted(starts)
    assert all(seconds(end) > seconds(start) for start, end in timings)
    voices = {re.findall(r"^<v ([^>]+)>", cue)[0] for cue in cue_texts(text)}
    assert voices == {"Interviewer", "Sunita Rahman"}
    # captions split sentences: some cue ends without sentence-final punctuation
    assert any(not cue.removesuffix("</v>").endswith((".", "?", "!")) for cue in cue_texts(text))


def test_p06_is_srt_with_consecutive_numbers_and_name_prefixes():
    text = sample_path("P06").read_text("utf-8")
    blocks = cue_blocks(text)
    assert [block[0] for block in blocks] == [str(n) for n in range(1, len(blocks) + 1)]
    assert all(TIMING_LINE.match(block[1]) and "," in block[1] for block in blocks)
    assert {block[2].split(":")[0] for block in blocks} == {"Interviewer", "Jo Tremaine"}
    starts = [seconds(start) for start, _ in TIMING_LINE.findall(text)]
    assert starts == sorted(starts)


def test_p07_and_p08_use_named_and_bracketed_labels():
    p07 = sample_path("P07").read_text("utf-8")
    p08 = sample_path("P08").read_text("utf-8")
    assert p07.startswith("# Interview P07")
    assert "\nInterviewer: " in p07 and "\nRupert Lindqvist: " in p07
    assert p08.startswith("[Interviewer] ") and "\n[Dr Castellano] " in p08


def read_participants() -> list[dict[str, str]]:
    with (SAMPLE_DIR / "participants.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_participants_csv_lists_every_transcript_with_its_speaker_label():
    rows = read_participants()
    assert list(rows[0]) == ["id", "role", "site", "transcript", "speaker", "years_in_role"]
    assert {row["id"]: row["transcript"] for row in rows} == EXPECTED_FILES
    for row in rows:
        raw = raw_text(SAMPLE_DIR / row["transcript"])
        label_forms = (f"{row['speaker']}:", f"[{row['speaker']}]", f"<v {row['speaker']}>")
        assert any(form in raw for form in label_forms), row["id"]
        assert int(row["years_in_role"]) > 0


def test_participants_cover_the_worked_example_groups():
    roles = {row["role"] for row in read_participants()}
    assert roles == {
        "Probation Service",
        "Mental Health Service",
        "Judiciary",
        "Liaison and Diversion",
        "Drug and Alcohol Service",
        "Third Sector",
        "Commissioner",
        "Steering Group Chair",
    }


@pytest.mark.parametrize("participant_id", sorted(EXPECTED_FILES))
def test_every_transcript_names_its_interviewer_with_a_recognised_label(participant_id):
    raw = raw_text(sample_path(participant_id))
    labels = re.findall(r"(?m)^(?:\[([^\]]+)\]|<v ([^>]+)>|([A-Za-z ]+):)", raw)
    found = {part.lower() for label in labels for part in label if part}
    assert found & INTERVIEWER_LABELS, participant_id


def test_the_set_gives_anonymisation_an_email_and_a_phone_number():
    text = all_sample_text()
    assert "s.rahman@northmoor-recovery.example.org" in EMAIL.findall(text)
    assert {"01632 960 412", "01632 960 877"} <= set(UK_PHONE.findall(text))


def test_the_generator_reproduces_the_committed_files(tmp_path):
    written = load_generator().write_all(tmp_path)
    assert sorted(path.name for path in written) == sorted(
        [*EXPECTED_FILES.values(), "participants.csv"]
    )
    for path in written:
        committed = SAMPLE_DIR / path.name
        if path.suffix == ".docx":
            # compare the package contents: zlib builds may compress the same XML differently
            with zipfile.ZipFile(path) as fresh, zipfile.ZipFile(committed) as stored:
                assert fresh.namelist() == stored.namelist()
                for name in fresh.namelist():
                    assert fresh.read(name) == stored.read(name), f"{path.name}:{name}"
        else:
            assert path.read_bytes() == committed.read_bytes(), path.name
