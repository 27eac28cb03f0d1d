"""Benchmark: importing an NVivo-shaped REFI-QDA project (.qdpx), against reading it.

An NVivo export of about 1.5 MB (``--mb``): interviews with Windows line breaks and
emoji, positions in UTF-16 units with CRLF as two, passages across two sentences by two
coders. themekit's import reads and checks the archive, detects each source's counting,
segments the sources into sentences, checks and places every selection, and stores
transcripts, segments, codings, passages and audit entries in one transaction. The
baseline, measured in the same run on the same file, is the irreducible part of that
work: open the zip, parse ``project.qde`` with ElementTree, decode every source and
sentencize it with spaCy (``spacy.blank("en")`` + sentencizer, ``nlp.pipe``) as the
import does. Both run as fresh processes (start-up and imports included). Target: the
import takes no more than twice the baseline. Times are the best of ``--repeats`` (3;
1 with ``--quick``, which also halves the size).

Run:  .venv/bin/python benchmarks/bench_refi.py [--quick] [--mb 1.5]
Prints a Markdown section for BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import measure  # noqa: E402

BASELINE = """
import sys
import xml.etree.ElementTree as ET
import zipfile
import spacy

nlp = spacy.blank("en")
nlp.add_pipe("sentencizer")
nlp.max_length = 5_000_000
sentences = 0
with zipfile.ZipFile(sys.argv[1]) as archive:
    root = ET.fromstring(archive.read("project.qde"))
    selections = sum(1 for e in root.iter() if e.tag.endswith("PlainTextSelection"))
    for name in archive.namelist():
        if name.startswith("sources/"):
            text = archive.read(name).decode("utf-8").replace("\\r\\n", "\\n")
            paragraphs = [p for p in text.split("\\n") if p.strip()]
            for doc in nlp.pipe(paragraphs, batch_size=256):
                sentences += sum(1 for _ in doc.sents)
print(selections, sentences)
"""

TARGET_RATIO = 2.0
NS = "urn:QDA-XML:project:1.0"
EMOJI = ["\U0001f3e0", "\U0001f62c", "\U0001f389", "\U0001f642"]
TOPICS = ["the flat", "my brother", "the caseworker", "the bus fare", "the night shift"]


def utf16_crlf(raw: str, index: int) -> int:
    """The NVivo position of ``raw[:index]`` (UTF-16 units; CRLF is two characters)."""
    return len(raw[:index].encode("utf-16-le")) // 2


def make_project(path: Path, megabytes: float) -> tuple[int, int]:
    """Write an NVivo-shaped .qdpx of about ``megabytes``; (sources, selections)."""
    root = ET.Element("Project", {"xmlns": NS, "name": "Bench", "origin": "NVivo (synthetic)"})
    users = ET.SubElement(root, "Users")
    user_guids = [f"5d000000-0000-4000-8000-00000000000{k}" for k in (1, 2)]
    for k, guid in enumerate(user_guids):
        ET.SubElement(users, "User", {"guid": guid, "name": f"Coder {k}", "id": f"C{k}"})
    codes = ET.SubElement(ET.SubElement(root, "CodeBook"), "Codes")
    code_guids = [f"5e000000-0000-4000-8000-{k:012d}" for k in range(12)]
    for k, guid in enumerate(code_guids):
        ET.SubElement(codes, "Code", {"guid": guid, "name": f"Code {k}", "isCodable": "true"})
    sources_el = ET.SubElement(root, "Sources")
    texts: dict[str, str] = {}
    budget = int(megabytes * 1_000_000)
    size = selection_count = 0
    source_index = 0
    while size < budget:
        guid = f"5c000000-0000-4000-8000-{source_index:012d}"
        lines, spans = [], []
        raw_length = 0
        for turn in range(120):
            topic = TOPICS[(turn + source_index) % len(TOPICS)]
            question = f"Interviewer: What about {topic} in week {turn}?"
            answer = (
                f"P{source_index:02d}: Honestly {topic} was hard {EMOJI[turn % 4]} that week."
                f" We talked about it for a long time. Then it got better, slowly."
            )
            lines.append(question)
            raw_length += len(question) + 2
            start = raw_length + answer.index("Honestly")
            end = raw_length + answer.index(" Then")
            spans.append((start, end))
            lines.append(answer)
            raw_length += len(answer) + 2
        raw = "\r\n".join(lines) + "\r\n"
        texts[f"sources/{guid}.txt"] = raw
        source = ET.SubElement(
            sources_el,
            "TextSource",
            {
                "guid": guid,
                "name": f"Interview {source_index:02d}",
                "plainTextPath": f"internal://{guid}.txt",
            },
        )
        for k, (start, end) in enumerate(spans):
            selection = ET.SubElement(
                source,
                "PlainTextSelection",
                {
                    "guid": f"5f{source_index:06d}-0000-4000-8000-{k:012d}",
                    "startPosition": str(utf16_crlf(raw, start)),
                    "endPosition": str(utf16_crlf(raw, end)),
                    "creatingUser": user_guids[0],
                    "creationDateTime": "2024-02-01T10:00:00Z",
                },
            )
            for c in range(2):
                coding = ET.SubElement(
                    selection,
                    "Coding",
                    {
                        "guid": f"5b{source_index:06d}-000{c}-4000-8000-{k:012d}",
                        "creatingUser": user_guids[c],
                        "creationDateTime": "2024-02-01T10:00:00Z",
                    },
                )
                ET.SubElement(
                    coding, "CodeRef", {"targetGUID": code_guids[(k + c) % len(code_guids)]}
                )
            selection_count += 1
        source_index += 1
        qde_size = len(ET.tostring(root))
        size = qde_size + sum(len(t.encode("utf-8")) for t in texts.values())
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.qde", ET.tostring(root, encoding="unicode"))
        for name, text in texts.items():
            archive.writestr(name, text.encode("utf-8"))
    return source_index, selection_count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one run, half the size")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--mb", type=float, default=1.5, help="uncompressed project size")
    args = parser.parse_args()
    repeats = 1 if args.quick else args.repeats
    megabytes = args.mb / 2 if args.quick else args.mb
    with tempfile.TemporaryDirectory(prefix="themekit-bench-refi-") as scratch:
        work = Path(scratch)
        archive = work / "nvivo.qdpx"
        sources, selections = make_project(archive, megabytes)
        with zipfile.ZipFile(archive) as opened:
            unpacked = sum(i.file_size for i in opened.infolist())
        ours, base = [], []
        for attempt in range(repeats):
            project = work / f"project-{attempt}"
            measure([sys.executable, "-m", "themekit", "init", str(project)])
            ours.append(
                measure(
                    [
                        sys.executable,
                        "-m",
                        "themekit",
                        "--project",
                        str(project),
                        "import",
                        str(archive),
                    ]
                )
            )
            base.append(measure([sys.executable, "-c", BASELINE, str(archive)]))
    best, floor = min(m.wall_s for m in ours), min(m.wall_s for m in base)
    ratio = best / floor
    print("### REFI-QDA import (NVivo-shaped .qdpx)\n")
    print(
        f"`themekit import` of a {unpacked / 1e6:.1f} MB NVivo-shaped project ({sources}"
        f" sources, {selections:,} passages across two sentences, two codings each; UTF-16"
        " positions, CRLF, emoji) into a new project, against a baseline that opens the"
        " zip, parses `project.qde` with ElementTree and sentencizes the sources with spaCy;"
        f" fresh processes, same run, best of {repeats}.\n"
    )
    print("| themekit | baseline | ratio | peak memory (themekit / baseline) |")
    print("|---:|---:|---:|---:|")
    print(
        f"| {best:.2f} s | {floor:.2f} s | {ratio:.2f}x"
        f" | {max(m.peak_mib for m in ours):.0f} / {max(m.peak_mib for m in base):.0f} MiB |"
    )
    verdict = "met" if ratio <= TARGET_RATIO else "NOT met"
    print(f"\nTarget at most {TARGET_RATIO:.0f}x the baseline: {verdict} ({ratio:.2f}x).")


if __name__ == "__main__":
    main()
