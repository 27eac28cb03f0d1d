"""REFI-QDA projects in the shapes NVivo, ATLAS.ti and MAXQDA really send (issue 15).

* NVivo: UTF-16 offsets, CRLF line breaks, emoji, passages across several sentences,
  users with an ``id``, a selection's creator other than its coding's; generated here
  with 303 passages, and in copies where ONE selection's end is off by one (between CR
  and LF, or inside an emoji). That one must be reported and skipped (or snapped), and
  every other passage must land on exactly its words.
* ATLAS.ti (fixtures/refi/atlas_partial): ``Parent::Child`` code names, quotation
  comments, sets, links, a graph, and a document whose file is not in the archive.
* Round trips keep passages whole: the count of selections, their GUIDs, the source and
  user GUIDs and attributes, creators and dates.

All interview text is fictional and written for these tests.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import xmlschema

from themekit.codebook.io_qdc import codebook_to_qdc, local_name, normalise_guid
from themekit.errors import RefiError
from themekit.project import Project
from themekit.refi.positions import Convention, OffsetMap, SourceText
from themekit.refi.qdpx import build_qdpx, export_qdpx, import_qdpx_report

REPO = Path(__file__).resolve().parents[1]
SCHEMAS = REPO.parent / "shared" / "refi-qda"
if not SCHEMAS.exists():
    SCHEMAS = Path("/work/shared/refi-qda")
FIXTURES = Path(__file__).parent / "fixtures" / "refi"
needs_schemas = pytest.mark.skipif(
    not (SCHEMAS / "Project.xsd").exists() or not (SCHEMAS / "Codebook.xsd").exists(),
    reason="REFI-QDA schemas not available (../shared/refi-qda)",
)

NS = "urn:QDA-XML:project:1.0"
SOURCE_GUID = "5c000000-0000-4000-8000-000000000012"
USERS = {  # guid -> (name, id)
    "5d000000-0000-4000-8000-00000000000a": ("Amira Khan", "AK"),
    "5d000000-0000-4000-8000-00000000000b": ("Bo Lindqvist", "BL"),
}
CODES = {
    "5e000000-0000-4000-8000-000000000001": "Housing",
    "5e000000-0000-4000-8000-000000000002": "Family support",
    "5e000000-0000-4000-8000-000000000003": "Turning points",
}
EMOJI = ["\U0001f3e0", "\U0001f62c", "\U0001f389"]


def nvivo_text(paragraphs: int) -> str:
    """An interview with CRLF breaks, an emoji in every answer and an uncoded tail long
    enough that every NVivo offset also "fits" the text counted in code points (the
    trap: fitting is no evidence of the right counting)."""
    lines = []
    for k in range(paragraphs):
        lines.append(f"Interviewer: What happened in month {k}?")
        lines.append(
            f"P12: The flat number {k} was cold {EMOJI[k % 3]} all winter. My brother"
            f" helped with the rent. Then things changed."
        )
    lines.extend(["P12: " + "Nothing more to add about the weather that year. " * 3] * 40)
    return "\r\n".join(lines) + "\r\n"


def nvivo_project(
    target: Path, *, passages: int = 303, off_by_one: str | None = None, sources: bool = True
) -> tuple[Path, dict[str, str]]:
    """An NVivo-style .qdpx and, per selection GUID, the words it is meant to cover."""
    raw = nvivo_text(passages)
    text = SourceText.from_raw(raw)
    canonical = text.canonical
    nvivo = OffsetMap(text, Convention.UTF16_CRLF)
    root = ET.Element(
        "Project", {"xmlns": NS, "name": "Housing study", "origin": "NVivo 12 (fixture)"}
    )
    users = ET.SubElement(root, "Users")
    for guid, (name, user_id) in USERS.items():
        ET.SubElement(users, "User", {"guid": guid, "name": name, "id": user_id})
    codes = ET.SubElement(ET.SubElement(root, "CodeBook"), "Codes")
    for guid, name in CODES.items():
        ET.SubElement(codes, "Code", {"guid": guid, "name": name, "isCodable": "true"})
    source = ET.SubElement(
        ET.SubElement(root, "Sources"),
        "TextSource",
        {
            "guid": SOURCE_GUID,
            "name": "Participant 12",
            "plainTextPath": f"internal://{SOURCE_GUID}.txt",
            "creatingUser": next(iter(USERS)),
            "creationDateTime": "2024-01-05T09:00:00Z",
        },
    )
    meant: dict[str, str] = {}
    user_guids = list(USERS)
    position = 0
    for k in range(passages):
        # Alternately a passage across two sentences (two segments in themekit), a
        # whole answer line, and a few words that end on an emoji.
        if k % 3 == 0:
            words = "My brother helped with the rent. Then things changed."
        elif k % 3 == 1:
            words = (
                f"P12: The flat number {k} was cold {EMOJI[k % 3]} all winter. My brother"
                " helped with the rent. Then things changed."
            )
        else:
            words = f"was cold {EMOJI[k % 3]}"
        anchor = canonical.index(f"The flat number {k} was", position)
        start = canonical.index(words, anchor - 5)
        end = start + len(words)
        position = anchor + 1
        guid = f"5f000000-0000-4000-8000-{k:012d}"
        meant[guid] = words
        ext_start, ext_end = nvivo.to_external(start), nvivo.to_external(end)
        if k == 151 and off_by_one == "crlf":  # a whole line, its end between CR and LF
            units = raw.encode("utf-16-le")
            assert units[2 * ext_end : 2 * ext_end + 4] == "\r\n".encode("utf-16-le")
            ext_end += 1
        if k == 152 and off_by_one == "emoji":  # ends inside the emoji's surrogate pair
            assert words.endswith(EMOJI[k % 3])
            ext_end -= 1
        selection = ET.SubElement(
            source,
            "PlainTextSelection",
            {
                "guid": guid,
                "name": "",
                "startPosition": str(ext_start),
                "endPosition": str(ext_end),
                "creatingUser": user_guids[0],
                "creationDateTime": f"2024-02-{1 + k % 28:02d}T10:00:00Z",
                "modifyingUser": user_guids[1],
                "modifiedDateTime": f"2024-03-{1 + k % 28:02d}T11:00:00Z",
            },
        )
        del selection.attrib["name"]  # NVivo writes no name
        coding = ET.SubElement(
            selection,
            "Coding",
            {
                "guid": f"5b000000-0000-4000-8000-{k:012d}",
                "creatingUser": user_guids[k % 2],
                "creationDateTime": f"2024-02-{1 + k % 28:02d}T10:00:00Z",
            },
        )
        ET.SubElement(coding, "CodeRef", {"targetGUID": list(CODES)[k % 3]})
    path = target
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", ET.tostring(root, encoding="unicode"))
        if sources:
            archive.writestr(f"sources/{SOURCE_GUID}.txt", raw.encode("utf-8"))
    return path, meant


def placed_words(project: Project) -> dict[str, str]:
    """Selection GUID -> the stored text its passage covers."""
    tid = "Participant 12"
    text = project.store.transcript_text(tid)
    return {p.guid: text[p.span_start : p.span_end] for p in project.store.passages(tid)}


def selections(qde: str) -> list[ET.Element]:
    root = ET.fromstring(qde)
    return [e for e in root.iter() if local_name(e.tag) == "PlainTextSelection"]


def qde_of(path: Path) -> str:
    with zipfile.ZipFile(path) as archive:
        return archive.read("project.qde").decode("utf-8")


@pytest.fixture
def fresh(tmp_path: Path) -> Project:
    project = Project.init(tmp_path / "fresh")
    yield project
    project.close()


# -- positions: one misfit never moves the others -------------------------------------
def test_clean_nvivo_export_lands_every_passage_on_its_words(
    fresh: Project, tmp_path: Path
) -> None:
    path, meant = nvivo_project(tmp_path / "clean.qdpx")
    report = import_qdpx_report(fresh, path)
    assert report.conventions == {"Participant 12": Convention.UTF16_CRLF}
    assert placed_words(fresh) == meant
    assert report.skipped == [] and report.snapped == []
    assert report.summary().splitlines()[1:3] == [
        "  selections: 303 placed exactly, 0 snapped, 0 skipped; positions counted as UTF-16"
        " units, CRLF as two",
        "  Participant 12: positions counted as UTF-16 units, CRLF as two: 303 exact,"
        " 0 snapped, 0 skipped",
    ]


@pytest.mark.parametrize(
    ("off_by_one", "guid", "problem"),
    [
        (
            "crlf",
            151,
            "positions {s}-{e} cut a character in two (counted as UTF-16 units, CRLF as two)",
        ),
        (
            "emoji",
            152,
            "positions {s}-{e} cut a character in two (counted as UTF-16 units, CRLF as two)",
        ),
    ],
)
def test_one_off_by_one_selection_is_reported_and_no_other_moves(
    fresh: Project, tmp_path: Path, off_by_one: str, guid: int, problem: str
) -> None:
    path, meant = nvivo_project(tmp_path / "off.qdpx", off_by_one=off_by_one)
    bad = f"5f000000-0000-4000-8000-{guid:012d}"
    element = next(e for e in selections(qde_of(path)) if e.get("guid") == bad)
    start, end = element.get("startPosition"), element.get("endPosition")
    report = import_qdpx_report(fresh, path)
    assert report.conventions == {"Participant 12": Convention.UTF16_CRLF}
    expected = dict(meant)
    del expected[bad]
    assert placed_words(fresh) == expected  # 302 passages, each on exactly its words
    assert report.skipped == [f"Participant 12: selection {bad}: " + problem.format(s=start, e=end)]
    assert report.summary().splitlines()[1] == (
        "  selections: 302 placed exactly, 0 snapped, 1 skipped; positions counted as UTF-16"
        " units, CRLF as two"
    )
    assert not report.complete


def test_snap_places_the_off_by_one_selection_on_its_words_and_says_so(
    fresh: Project, tmp_path: Path
) -> None:
    path, meant = nvivo_project(tmp_path / "off.qdpx", off_by_one="crlf")
    bad = "5f000000-0000-4000-8000-000000000151"
    report = import_qdpx_report(fresh, path, snap=True)
    assert placed_words(fresh) == meant
    assert report.skipped == []
    [note] = report.snapped
    assert note.startswith(f"Participant 12: selection {bad}: positions ")
    assert note.endswith(
        " cut a character in two (counted as UTF-16 units, CRLF as two);"
        f" placed at characters {fresh.store.passages('Participant 12')[151].span_start}-"
        f"{fresh.store.passages('Participant 12')[151].span_end} of the stored text"
    )


def test_a_selection_that_cuts_a_word_is_reported_not_silently_placed(
    fresh: Project, tmp_path: Path
) -> None:
    path = tmp_path / "cut.qdpx"
    text = "Ann: The caseworker came twice.\nAnn: Then nobody came.\n"
    cut = text.index("caseworker") + 8  # "casework|er": the word's end is nearest
    qde = (
        f'<Project xmlns="{NS}" name="Cut"><CodeBook><Codes>'
        '<Code guid="6e000000-0000-4000-8000-000000000001" name="Help" isCodable="true"/>'
        "</Codes></CodeBook><Sources>"
        '<TextSource guid="6c000000-0000-4000-8000-000000000001" name="Ann">'
        f"<PlainTextContent>{text}</PlainTextContent>"
        f'<PlainTextSelection guid="6f000000-0000-4000-8000-000000000001" startPosition="5"'
        f' endPosition="{cut}"><Coding guid="6b000000-0000-4000-8000-000000000001">'
        '<CodeRef targetGUID="6e000000-0000-4000-8000-000000000001"/></Coding>'
        "</PlainTextSelection>"
        f'<PlainTextSelection guid="6f000000-0000-4000-8000-000000000002" startPosition="37"'
        f' endPosition="54"><Coding guid="6b000000-0000-4000-8000-000000000002">'
        '<CodeRef targetGUID="6e000000-0000-4000-8000-000000000001"/></Coding>'
        "</PlainTextSelection></TextSource></Sources></Project>"
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", qde)
    report = import_qdpx_report(fresh, path)
    assert report.skipped == [
        f"Ann: selection 6f000000-0000-4000-8000-000000000001: positions 5-{cut} cut a word"
        f" (end at character {cut} of the stored text)"
    ]
    assert [(p.guid[-1], p.span_start, p.span_end) for p in fresh.store.passages()] == [
        ("2", 37, 54)
    ]
    snapped = Project.init(tmp_path / "snapped")
    report = import_qdpx_report(snapped, path, snap=True)
    words = snapped.store.transcript_text("Ann")
    assert [words[p.span_start : p.span_end] for p in snapped.store.passages()] == [
        "The caseworker",
        "Then nobody came.",
    ]
    assert report.snapped == [
        f"Ann: selection 6f000000-0000-4000-8000-000000000001: positions 5-{cut} cut a word"
        f" (end at character {cut} of the stored text); placed at characters 5-19 of the"
        " stored text"
    ]
    snapped.close()


def test_strict_refuses_a_misfit_and_leaves_the_project_as_it_was(
    fresh: Project, tmp_path: Path
) -> None:
    path, _meant = nvivo_project(tmp_path / "off.qdpx", passages=12, off_by_one=None)
    bad_path, _ = nvivo_project(tmp_path / "bad.qdpx", passages=160, off_by_one="crlf")
    with pytest.raises(RefiError) as caught:
        import_qdpx_report(fresh, bad_path, strict=True)
    assert "0 selections would be skipped" not in caught.value.render()
    assert caught.value.render().startswith(
        f"{bad_path}: 1 selections would be skipped and 0 snapped (first: Participant 12:"
        " selection 5f000000-0000-4000-8000-000000000151: positions"
    )
    assert fresh.store.transcript_ids() == [] and fresh.store.codings() == []
    assert fresh.store.passages() == []
    assert import_qdpx_report(fresh, path, strict=True).complete


# -- passages stay passages -----------------------------------------------------------
def _by_guid(qde: str) -> dict[str, ET.Element]:
    return {normalise_guid(e.get("guid")): e for e in selections(qde)}


def _moment(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value.replace("Z", "+00:00")) if value else None


@needs_schemas
def test_nvivo_round_trip_keeps_selections_guids_creators_and_dates(
    fresh: Project, tmp_path: Path
) -> None:
    path, meant = nvivo_project(tmp_path / "nvivo.qdpx", passages=300)
    original = qde_of(path)
    report = import_qdpx_report(fresh, path)
    assert report.passages == 300
    assert report.codings_added > 300  # passages across sentences are several codings
    out = tmp_path / "back.qdpx"
    summary = export_qdpx(fresh, out)
    exported = qde_of(out)
    xmlschema.XMLSchema(str(SCHEMAS / "Project.xsd")).validate(exported)
    current = fresh.store.current_codebook()
    assert current is not None
    xmlschema.XMLSchema(str(SCHEMAS / "Codebook.xsd")).validate(codebook_to_qdc(current[1]))
    assert summary.codings == 300
    before, after = _by_guid(original), _by_guid(exported)
    assert len(after) == 300 and set(after) == set(before)
    with zipfile.ZipFile(out) as archive:
        text = archive.read(f"sources/{SOURCE_GUID}.txt").decode("utf-8")
    for guid, element in after.items():
        old = before[guid]
        start, end = int(element.get("startPosition")), int(element.get("endPosition"))
        assert text[start:end] == meant[guid]  # the standard's counting of the stored text
        for name in ("creatingUser", "modifyingUser"):
            assert normalise_guid(element.get(name)) == normalise_guid(old.get(name))
        for name in ("creationDateTime", "modifiedDateTime"):
            assert _moment(element.get(name)) == _moment(old.get(name))
        [new_coding] = [c for c in element if local_name(c.tag) == "Coding"]
        [old_coding] = [c for c in old if local_name(c.tag) == "Coding"]
        assert normalise_guid(new_coding.get("guid")) == normalise_guid(old_coding.get("guid"))
        assert new_coding.get("creatingUser") == old_coding.get("creatingUser")
        assert _moment(new_coding.get("creationDateTime")) == _moment(
            old_coding.get("creationDateTime")
        )
    root = ET.fromstring(exported)
    users = {u.get("guid"): (u.get("name"), u.get("id")) for u in root.iter(f"{{{NS}}}User")}
    assert users == USERS
    [source] = root.iter(f"{{{NS}}}TextSource")
    assert (source.get("guid"), source.get("name")) == (SOURCE_GUID, "Participant 12")
    assert _moment(source.get("creationDateTime")) == _moment("2024-01-05T09:00:00Z")


def snapshot(project: Project) -> dict[str, Any]:
    store = project.store
    return {
        "texts": {t: store.transcript_text(t) for t in store.transcript_ids()},
        "codings": sorted(
            (
                c.transcript_id,
                c.line,
                c.code_id,
                c.coder,
                c.span_start,
                c.span_end,
                c.memo,
                c.uid,
                c.created_at,
            )
            for c in store.codings()
        ),
        "passages": [(p.guid, p.span_start, p.span_end, p.pieces) for p in store.passages()],
        "memos": sorted(store.segment_memos().values()),
        "coders": store.coders(),
        "sets": store.refi_ids("set"),
    }


def _without_stamp(qde: str) -> str:
    return re.sub(r' creationDateTime="[^"]+"', "", qde, count=1)  # the project's own


def test_import_export_import_is_identical(tmp_path: Path) -> None:
    path, _meant = nvivo_project(tmp_path / "nvivo.qdpx", passages=60)
    first = Project.init(tmp_path / "first", name="study")
    import_qdpx_report(first, path)
    export_qdpx(first, tmp_path / "one.qdpx")
    second = Project.init(tmp_path / "second", name="study")
    import_qdpx_report(second, tmp_path / "one.qdpx")
    assert snapshot(second) == snapshot(first)
    export_qdpx(second, tmp_path / "two.qdpx")
    one, two = qde_of(tmp_path / "one.qdpx"), qde_of(tmp_path / "two.qdpx")
    assert len(selections(one)) == len(selections(two)) == 60
    assert _without_stamp(one) == _without_stamp(two)
    first.close()
    second.close()


def test_a_passage_with_a_removed_piece_goes_out_coding_by_coding(
    fresh: Project, tmp_path: Path
) -> None:
    path, _meant = nvivo_project(tmp_path / "nvivo.qdpx", passages=3)
    import_qdpx_report(fresh, path)
    passage = fresh.store.passages()[0]
    assert len(passage.pieces) == 2  # two sentences, two segment codings
    removed = fresh.store.coding_by_uid(passage.pieces[1].coding_uid)
    assert removed is not None
    fresh.store.delete_coding(removed.id)
    exported = _by_guid(build_qdpx(fresh).qde)
    assert passage.guid not in exported  # no longer whole: not passed off as the original
    assert len(exported) == 3  # its remaining coding, and the two other passages
    assert build_qdpx(fresh).summary.codings == 3


# -- ATLAS.ti: partial projects and its dialect ---------------------------------------
def zip_folder(name: str, target: Path, *, skip: str | None = None) -> Path:
    folder = FIXTURES / name
    with zipfile.ZipFile(target, "w") as archive:
        for path in sorted(folder.rglob("*")):
            relative = path.relative_to(folder).as_posix()
            if path.is_file() and not (skip and relative.startswith(skip)):
                archive.write(path, relative)
    return target


def test_atlas_export_with_a_missing_document_imports_the_rest(
    fresh: Project, tmp_path: Path
) -> None:
    path = zip_folder("atlas_partial", tmp_path / "atlas.qdpx")
    report = import_qdpx_report(fresh, path)
    current = fresh.store.current_codebook()
    assert current is not None
    assert [(e.code.id, e.path_text, e.code.codable) for e in current[1].walk()] == [
        ("barriers", "Barriers", False),
        ("barriers.cost", "Barriers > Cost", True),
        ("barriers.transport_time", "Barriers > Transport time", True),
        ("support", "Support", False),
        ("support.family", "Support > Family", True),
        ("hope", "Hope", True),
    ]
    assert fresh.store.transcript_ids() == ["Interview Rosa"]
    assert [p.id for p in fresh.store.participants()] == ["Omar", "Rosa"]
    assert report.coders == ["Lea Vogel", "Max Hahn"]
    # The coder is the coding's user, not the quotation's.
    assert [(c.code_id, c.coder) for c in fresh.store.codings()] == [
        ("barriers.cost", "Lea Vogel"),
        ("barriers.cost", "Lea Vogel"),
        ("support.family", "Max Hahn"),
        ("hope", "Max Hahn"),
    ]
    # A quotation comment and a note on a quotation become segment memos.
    assert sorted(fresh.store.segment_memos().values()) == [
        "Fare rose in March; check the council notes.",
        "Hope appears once the sister helps.",
    ]
    assert report.missing_sources == [
        "source 'Interview Omar' (a7000000-0000-4000-8000-000000000002): its text"
        " (internal://a7000000-0000-4000-8000-000000000002.txt) is not in the archive;"
        " 2 selections with 3 codings not placed"
    ]
    assert report.warnings == [
        "'::' in code names read as levels; grouping codes added: 'Barriers', 'Support'",
        "1 links between objects not imported",
        "1 graphs (network views) not imported",
        "set 'Wave 1': sources not in the archive, left out of it: 'Interview Omar'",
        "1 notes are not attached to a coding or a selection (project, source or code"
        " memos); not imported",
    ]
    # A code group and a document group are kept, with the members that came in.
    assert report.sets == [
        "'Practical barriers' (0 transcripts, 2 codes)",
        "'Wave 1' (1 transcript, 0 codes)",
    ]
    assert {
        info["name"]: (info["codes"], info["transcripts"])
        for _, info in fresh.store.refi_ids("set").values()
    } == {
        "Practical barriers": (["barriers.cost", "barriers.transport_time"], []),
        "Wave 1": ([], ["Interview Rosa"]),
    }
    assert not report.complete


def test_atlas_names_stay_flat_when_asked(fresh: Project, tmp_path: Path) -> None:
    path = zip_folder("atlas_partial", tmp_path / "atlas.qdpx")
    import_qdpx_report(fresh, path, nest_names=False)
    current = fresh.store.current_codebook()
    assert current is not None
    assert [e.code.label for e in current[1].walk()][:2] == [
        "Barriers::Cost",
        "Barriers::Transport time",
    ]


@needs_schemas
def test_atlas_quotation_comments_and_notes_go_back_as_they_came(
    fresh: Project, tmp_path: Path
) -> None:
    import_qdpx_report(fresh, zip_folder("atlas_partial", tmp_path / "atlas.qdpx"))
    exported = build_qdpx(fresh).qde
    xmlschema.XMLSchema(str(SCHEMAS / "Project.xsd")).validate(exported)
    after = _by_guid(exported)
    assert sorted(after) == [f"a7bb0000-0000-4000-8000-00000000000{k}" for k in (1, 2, 3)]
    comment = [
        c.text
        for c in after["a7bb0000-0000-4000-8000-000000000001"]
        if local_name(c.tag) == "Description"
    ]
    assert comment == ["Fare rose in March; check the council notes."]
    notes = [
        c.get("targetGUID")
        for c in after["a7bb0000-0000-4000-8000-000000000003"]
        if local_name(c.tag) == "NoteRef"
    ]
    assert notes == ["a7f00000-0000-4000-8000-000000000001"]
    users = {u.get("name"): u.get("id") for u in ET.fromstring(exported).iter(f"{{{NS}}}User")}
    assert users == {"Lea Vogel": "LV", "Max Hahn": "MH"}


def test_an_export_without_any_source_files_brings_its_codebook_in(
    fresh: Project, tmp_path: Path
) -> None:
    path = zip_folder("atlas_partial", tmp_path / "bare.qdpx", skip="sources/")
    report = import_qdpx_report(fresh, path)
    assert fresh.store.transcript_ids() == []
    current = fresh.store.current_codebook()
    assert current is not None and len(list(current[1].walk())) == 6
    assert [p.id for p in fresh.store.participants()] == ["Omar", "Rosa"]
    assert fresh.store.coders() == ["Lea Vogel", "Max Hahn"]
    assert [m.split(":")[0] for m in report.missing_sources] == [
        "source 'Interview Rosa' (a7000000-0000-4000-8000-000000000001)",
        "source 'Interview Omar' (a7000000-0000-4000-8000-000000000002)",
    ]
    with pytest.raises(RefiError, match=r"2 of 2 sources are not in the archive"):
        import_qdpx_report(Project.init(tmp_path / "strict"), path, strict=True)


# -- command line ---------------------------------------------------------------------
def test_cli_partial_import_warns_and_exits_0_or_1_under_strict(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = zip_folder("atlas_partial", tmp_path / "atlas.qdpx")
    strict = cli("import", "--strict", str(path))
    assert strict.exit_code == 1
    assert strict.output.strip() == (
        f"Error: {path}: 1 of 2 sources are not in the archive (first: Interview Omar)."
        " Export the project again with its sources, or import it without --strict to bring"
        " in what is there (everything left out is listed)."
    )
    result = cli("import", str(path))
    assert result.exit_code == 0, result.output
    assert (
        f"warning: {path} came in partially: 1 sources missing, 0 selections skipped,"
        " 0 snapped (listed above)."
    ) in result.output
    assert "  missing: source 'Interview Omar'" in result.output


def test_cli_codebook_load_takes_a_project_or_a_codebook(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = zip_folder("atlas_partial", tmp_path / "bare.qdpx", skip="sources/")
    result = cli("codebook", "load", str(path))
    assert result.exit_code == 0, result.output
    assert "Loaded codebook version 1." in result.output
    assert "grouping codes added: 'Barriers', 'Support'" in result.output
    shown = cli("codebook", "show", "--format", "json")
    assert '"barriers.cost"' in shown.output
    qdc = tmp_path / "codes.qdc"
    assert cli("codebook", "export", "--format", "qdc", "-o", str(qdc)).exit_code == 0
    assert cli("codebook", "load", str(qdc)).exit_code == 0
    other = tmp_path / "codes.json"
    other.write_text("{}", encoding="utf-8")
    refused = cli("codebook", "load", str(other))
    assert refused.exit_code == 1
    assert refused.output.strip() == (
        f"Error: {other}: a codebook is read from .yaml, .yml, .csv, .tsv, .xlsx, .qdc or"
        " .qdpx files, not .json. Save the codebook in one of those formats."
    )


MAXQDA = f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="{NS}" name="Carers" origin="MAXQDA (fixture)">
  <Users><User guid="6a000000-0000-4000-8000-000000000001" name="Jo" id="J"/></Users>
  <CodeBook><Codes>
    <Code guid="6e000000-0000-4000-8000-000000000001" name="Respite" isCodable="true">
      <Code guid="6e000000-0000-4000-8000-000000000002" name="Day centre" isCodable="true"/>
    </Code>
  </Codes></CodeBook>
  <Variables>
    <Variable guid="6d000000-0000-4000-8000-000000000001" name="Region" typeOfVariable="Text"/>
  </Variables>
  <Sources>
    <TextSource guid="6c000000-0000-4000-8000-000000000001" name="Carer 4">
      <PlainTextContent>Carer: The day centre gave me one free afternoon.
Carer: Without it I would have stopped.
</PlainTextContent>
      <PlainTextSelection guid="6f000000-0000-4000-8000-000000000001"
          name="The day centre gave me one free afternoon." startPosition="7" endPosition="49"
          creatingUser="6a000000-0000-4000-8000-000000000001">
        <Coding guid="6b000000-0000-4000-8000-000000000001"
            creatingUser="6a000000-0000-4000-8000-000000000001">
          <CodeRef targetGUID="6e000000-0000-4000-8000-000000000002"/>
        </Coding>
      </PlainTextSelection>
      <PlainTextSelection guid="6f000000-0000-4000-8000-000000000002"
          name="I would have stopped" startPosition="70" endPosition="90"
          creatingUser="6a000000-0000-4000-8000-000000000001">
        <Coding guid="6b000000-0000-4000-8000-000000000002"
            creatingUser="6a000000-0000-4000-8000-000000000001">
          <CodeRef targetGUID="6e000000-0000-4000-8000-000000000001"/>
        </Coding>
      </PlainTextSelection>
      <VariableValue>
        <VariableRef targetGUID="6d000000-0000-4000-8000-000000000001"/>
        <TextValue>North</TextValue>
      </VariableValue>
    </TextSource>
  </Sources>
  <Sets>
    <Set guid="65000000-0000-4000-8000-000000000001" name="Rural">
      <MemberSource targetGUID="6c000000-0000-4000-8000-000000000001"/>
    </Set>
  </Sets>
</Project>
"""


@needs_schemas
def test_maxqda_shape_names_as_text_document_variables_and_a_document_set(
    fresh: Project, tmp_path: Path
) -> None:
    xmlschema.XMLSchema(str(SCHEMAS / "Project.xsd")).validate(MAXQDA)
    path = tmp_path / "maxqda.qdpx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", MAXQDA)
    report = import_qdpx_report(fresh, path)
    # The second name is the text at 68-88, two characters earlier: reported, not moved.
    assert report.skipped == [
        "Carer 4: selection 6f000000-0000-4000-8000-000000000002: positions 70-90 select"
        " text that differs from the selection's name"
    ]
    words = fresh.store.transcript_text("Carer 4")
    assert [words[p.span_start : p.span_end] for p in fresh.store.passages()] == [
        "The day centre gave me one free afternoon."
    ]
    assert report.warnings == [
        "1 values of document variables not imported (themekit keeps attributes on"
        " participants: give them in a participants table)",
    ]
    assert report.sets == ["'Rural' (1 transcript, 0 codes)"]


def test_atlas_import_export_import_is_identical(tmp_path: Path) -> None:
    source = zip_folder("atlas_partial", tmp_path / "atlas.qdpx")
    first = Project.init(tmp_path / "first", name="study")
    import_qdpx_report(first, source)
    export_qdpx(first, tmp_path / "one.qdpx")
    second = Project.init(tmp_path / "second", name="study")
    report = import_qdpx_report(second, tmp_path / "one.qdpx")
    assert report.complete and report.passages == 3
    assert snapshot(second) == snapshot(first)
    export_qdpx(second, tmp_path / "two.qdpx")
    one, two = qde_of(tmp_path / "one.qdpx"), qde_of(tmp_path / "two.qdpx")
    assert len(selections(one)) == 3
    assert _without_stamp(one) == _without_stamp(two)
    # The kept sets go out with their GUIDs and the members that came in.
    sets = {
        s.get("name"): [(local_name(m.tag), m.get("targetGUID")) for m in s]
        for s in ET.fromstring(one).iter()
        if local_name(s.tag) == "Set"
    }
    first_sources = {tid: guid for tid, (guid, _) in first.store.refi_ids("source").items()}
    assert sets == {
        "Practical barriers": [
            ("MemberCode", "a7c00000-0000-4000-8000-000000000001"),
            ("MemberCode", "a7c00000-0000-4000-8000-000000000002"),
        ],
        "Wave 1": [("MemberSource", first_sources["Interview Rosa"])],
    }
    assert report.sets == [
        "'Practical barriers' (0 transcripts, 2 codes)",
        "'Wave 1' (1 transcript, 0 codes)",
    ]
    first.close()
    second.close()


@needs_schemas
def test_kept_sets_are_exported_valid_and_lose_only_members_that_are_gone(
    tmp_path: Path,
) -> None:
    source = zip_folder("atlas_partial", tmp_path / "atlas.qdpx")
    project = Project.init(tmp_path / "p", name="study")
    import_qdpx_report(project, source)
    # A code of a kept set leaves the codebook: the set goes out without it, and says so.
    current = project.store.current_codebook()
    assert current is not None
    book = current[1]
    barriers = next(e for e in book.walk() if e.code.id == "barriers").code
    barriers.children = [c for c in barriers.children if c.id != "barriers.transport_time"]
    project.store.add_codebook_version(book, source="test", changes={})
    package = build_qdpx(project)
    xmlschema.XMLSchema(str(SCHEMAS / "Project.xsd")).validate(package.qde)
    assert package.summary.sets == 2
    assert package.summary.set_members_gone == [
        "'Practical barriers': code 'barriers.transport_time'"
    ]
    assert package.summary.text().endswith(
        ", 2 sets; left out of their sets, no longer in the project:"
        " 'Practical barriers': code 'barriers.transport_time'"
    )
    project.close()


def test_an_nvivo_style_set_with_a_note_and_a_stale_member_keeps_the_rest(
    fresh: Project, tmp_path: Path
) -> None:
    # NVivo lets a set hold memos (notes) too; a member may point at nothing in the file.
    qde = MAXQDA.replace(
        '<Set guid="65000000-0000-4000-8000-000000000001" name="Rural">',
        '<Set guid="65000000-0000-4000-8000-000000000001" name="Rural">'
        "<Description>Farms and villages</Description>"
        '<MemberCode targetGUID="6e000000-0000-4000-8000-000000000001"/>',
    ).replace(
        '      <MemberSource targetGUID="6c000000-0000-4000-8000-000000000001"/>\n',
        '      <MemberSource targetGUID="6c000000-0000-4000-8000-000000000001"/>\n'
        '      <MemberSource targetGUID="6c000000-0000-4000-8000-0000000000ff"/>\n'
        '      <MemberNote targetGUID="64000000-0000-4000-8000-000000000001"/>\n',
    )
    path = tmp_path / "nvivo.qdpx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", qde)
    report = import_qdpx_report(fresh, path)
    assert report.sets == ["'Rural' (1 transcript, 1 code)"]
    assert report.warnings[-2:] == [
        "set 'Rural': 1 member with no code or source of that GUID in the file; left out of it",
        "set 'Rural': its 1 note not kept (themekit keeps memos on codings and lines, not in sets)",
    ]
    ((guid, info),) = fresh.store.refi_ids("set").values()
    assert guid == "65000000-0000-4000-8000-000000000001"
    assert info == {
        "name": "Rural",
        "description": "Farms and villages",
        "codes": ["respite"],
        "transcripts": ["Carer 4"],
    }
    assert "  sets kept: 'Rural' (1 transcript, 1 code)" in report.summary().splitlines()
