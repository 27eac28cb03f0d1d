"""REFI-QDA projects (.qdpx): exact round trips, schema-valid exports, tolerant import of
hand-made fixtures in the shapes other programs write, and all-or-nothing errors.

All interview text is fictional. Fixture folders under fixtures/refi/ are zipped here
(a .qdpx is a zip), so they stay readable in the repository.
"""

from __future__ import annotations

import re
import sqlite3
import zipfile
from pathlib import Path
from typing import Any

import pytest
import xmlschema

import themekit
from themekit.cli.hints import render_error
from themekit.codebook.io_qdc import derived_guid
from themekit.codebook.versions import commit_codebook
from themekit.coding.service import CodingSession
from themekit.errors import RefiError
from themekit.model.codebook import Codebook
from themekit.model.rows import SegmentRow
from themekit.project import Project
from themekit.refi.positions import Convention
from themekit.refi.qdpx import build_qdpx, export_qdpx, import_qdpx, import_qdpx_report

SCHEMAS = Path("/work/shared/refi-qda")
FIXTURES = Path(__file__).parent / "fixtures" / "refi"
needs_schemas = pytest.mark.skipif(
    not (SCHEMAS / "Project.xsd").exists(), reason="REFI-QDA schemas not available"
)

P01 = (
    "Interviewer: How did the pilot change your work?\n"
    "Officer: We finally had somewhere to send people. The waiting list was still long.\n"
    "Interviewer: And the funding?\n"
    "Officer: Nobody knows if the money lasts past March \U0001f62c. It\u2019s all temporary.\n"
)
FOCUS = (
    "Facilitator: Tell me about the steering group.\n"
    "Maya: It met every month and kept everyone honest.\n"
    "Tom: Honestly, the chair made the difference.\n"
)
PARTICIPANTS = (
    "id,role,site,years,transcript,speaker\n"
    "P01,Probation Service,Plymouth,7,,\n"
    "M01,Mental Health Service,Sefton,,focus,Maya\n"
    "T01,Judiciary,Sefton,12.5,focus,Tom\n"
)
CODEBOOK: dict[str, Any] = {
    "name": "Mini framework",
    "codes": [
        {
            "id": "benefits",
            "label": "Benefits",
            "codable": False,
            "colour": "#2ca02c",
            "children": [
                {
                    "id": "benefits.gap",
                    "label": "Filling a previous gap in services",
                    "definition": "People whose needs fell between services.",
                    "include": "a missing tier of care",
                    "exclude": "access to existing services",
                },
            ],
        },
        {
            "id": "challenges",
            "label": "Challenges",
            "codable": False,
            "children": [
                {
                    "id": "challenges.funding",
                    "label": "Sustainability of funding",
                    "definition": "Worries about money after the pilot.",
                },
            ],
        },
        {
            "id": "success.group",
            "label": "Steering group",
            "definition": "The group's role.",
            "guid": "{5A5A5A5A-0000-4000-8000-00000000ABCD}",
        },
    ],
}


def segment_with(project: Project, transcript: str, words: str) -> SegmentRow:
    return next(s for s in project.store.segments(transcript) if words in s.text)


def span_of(segment: SegmentRow, words: str) -> tuple[int, int]:
    start = segment.start + segment.text.index(words)
    return start, start + len(words)


def build_project(root: Path) -> Project:
    """Two transcripts, participants with speaker links, a codebook, three coders."""
    project = Project.init(root, name="Pilot study")
    files = root.parent / f"{root.name}-files"
    files.mkdir()
    (files / "P01.txt").write_text(P01, encoding="utf-8")
    (files / "focus.txt").write_text(FOCUS, encoding="utf-8")
    (files / "participants.csv").write_text(PARTICIPANTS, encoding="utf-8")
    assert [
        o.status
        for o in themekit.import_transcripts(project, [files / "P01.txt", files / "focus.txt"])
    ] == ["imported", "imported"]
    themekit.import_participants(project, files / "participants.csv")
    commit_codebook(project, Codebook.from_dict(CODEBOOK), source="test")
    ana, ben = CodingSession(project, "ana"), CodingSession(project, "ben")
    project.store.ensure_coder("cleo")  # a coder with no codings yet
    line2 = segment_with(project, "P01", "We finally")
    line3 = segment_with(project, "P01", "waiting list")
    money = segment_with(project, "P01", "Nobody knows")
    ana.apply(line2, "benefits.gap")
    ana.apply(line3, "benefits.gap")
    ana.apply(
        money,
        "challenges.funding",
        span=span_of(money, "the money lasts past March \U0001f62c"),
        memo="Check the minutes.",
    )
    ana.apply(segment_with(project, "focus", "every month"), "success.group")
    ben.apply(line2, "benefits.gap", span=span_of(line2, "somewhere to send people"))
    ben.apply(segment_with(project, "focus", "the chair"), "success.group")
    ben.set_segment_memo(line3, "Compare with the site's figures.")
    return project


def snapshot(project: Project) -> dict[str, Any]:
    """Everything a round trip must reproduce, keyed by themekit ids (not row ids)."""
    store = project.store
    segments = {s.id: s for s in store.all_current_segments(codable_only=False)}
    current = store.current_codebook()
    return {
        "transcripts": [
            (t.id, t.source_name, t.source_format, t.unit, store.transcript_text(t.id))
            for t in store.transcripts()
        ],
        "segments": {
            tid: [(s.line, s.speaker, s.start, s.end, s.codable) for s in store.segments(tid)]
            for tid in store.transcript_ids()
        },
        "codebook": current[1].to_dict()["codes"] if current else None,
        "participants": store.participants(),
        "links": store.participant_links(),
        "coders": store.coders(),
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
        "memos": {
            (coder, segments[sid].transcript_id, segments[sid].line): text
            for (coder, sid), text in store.segment_memos().items()
        },
    }


def zip_fixture(name: str, target: Path) -> Path:
    folder = FIXTURES / name
    with zipfile.ZipFile(target, "w") as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, path.relative_to(folder).as_posix())
    return target


@pytest.fixture
def source_project(tmp_path: Path) -> Project:
    project = build_project(tmp_path / "source")
    yield project
    project.close()


@pytest.fixture
def fresh(tmp_path: Path) -> Project:
    project = Project.init(tmp_path / "fresh")
    yield project
    project.close()


# -- export ---------------------------------------------------------------------------
@needs_schemas
def test_export_validates_against_the_project_schema(source_project: Project) -> None:
    package = build_qdpx(source_project)
    xmlschema.XMLSchema(str(SCHEMAS / "Project.xsd")).validate(package.qde)
    assert package.summary.text() == (
        "2 transcripts, 5 codes, 3 coders, 3 participants, 6 codings, 2 memos"
    )


@needs_schemas
def test_the_standard_fixture_is_itself_valid() -> None:
    schema = xmlschema.XMLSchema(str(SCHEMAS / "Project.xsd"))
    schema.validate(str(FIXTURES / "standard" / "project.qde"))
    schema.validate(str(FIXTURES / "crlf_named" / "project.qde"))
    schema.validate(str(FIXTURES / "nvivo_crlf_emoji" / "project.qde"))


def test_export_writes_sources_as_stored_text_and_stable_guids(
    source_project: Project, tmp_path: Path
) -> None:
    first = tmp_path / "one.qdpx"
    export_qdpx(source_project, first)
    with zipfile.ZipFile(first) as archive:
        names = sorted(archive.namelist())
        qde = archive.read("project.qde").decode("utf-8")
        texts = {archive.read(n).decode("utf-8") for n in names if n.startswith("sources/")}
    assert names[0] == "project.qde" and len(names) == 3
    assert texts == {P01, FOCUS}
    again = build_qdpx(source_project).qde
    guids = re.findall(r'guid="([^"]+)"', qde)
    assert guids == re.findall(r'guid="([^"]+)"', again)
    assert derived_guid("code", "benefits.gap") in guids
    assert "{5A5A5A5A-0000-4000-8000-00000000ABCD}" in guids  # a code's own GUID is kept
    assert 'name="Role: Judiciary"' in qde  # a set per participant role


def test_whole_segment_codings_export_the_segment_span_and_spans_stay_exact(
    source_project: Project,
) -> None:
    qde = build_qdpx(source_project).qde
    line2 = segment_with(source_project, "P01", "We finally")
    start, end = span_of(line2, "somewhere to send people")
    assert f'startPosition="{line2.start}" endPosition="{line2.end}"' in qde
    assert f'name="somewhere to send people" startPosition="{start}" endPosition="{end}"' in qde


# -- round trip -----------------------------------------------------------------------
def test_round_trip_into_a_fresh_project_reproduces_everything(
    source_project: Project, fresh: Project, tmp_path: Path
) -> None:
    path = tmp_path / "study.qdpx"
    coders = source_project.store.coders()
    source_project.store.set_done("P01", coders[0], True)
    export_qdpx(source_project, path)
    report = import_qdpx_report(fresh, path)
    assert snapshot(fresh) == snapshot(source_project)
    # "Done" marks travel too (agreement compares finished transcripts).
    assert {c: fresh.store.done_transcripts(c) for c in coders} == {
        c: source_project.store.done_transcripts(c) for c in coders
    }
    assert fresh.store.done_transcripts(coders[0]) == {"P01"}
    assert report.summary() == (
        "2 transcripts imported, 5 codes added, 3 participants, 3 coders, 6 codings, 2 memos\n"
        "  selections: 7 placed exactly, 0 snapped, 0 skipped; positions counted as code points"
    )
    assert {c.source for c in fresh.store.codings()} == {"import"}
    assert len(fresh.store.audit_entries(action="coding.apply")) == 6
    # And out again: the same GUIDs, so other programs see the same objects.
    again = tmp_path / "again.qdpx"
    export_qdpx(fresh, again)
    with zipfile.ZipFile(path) as one, zipfile.ZipFile(again) as two:
        guids_one = re.findall(r'guid="([^"]+)"', one.read("project.qde").decode())
        guids_two = re.findall(r'guid="([^"]+)"', two.read("project.qde").decode())
    assert guids_one == guids_two


def test_importing_the_same_file_twice_adds_nothing(
    source_project: Project, fresh: Project, tmp_path: Path
) -> None:
    path = tmp_path / "study.qdpx"
    export_qdpx(source_project, path)
    import_qdpx(fresh, path)
    before = snapshot(fresh)
    summary = import_qdpx(fresh, path)
    assert snapshot(fresh) == before
    assert summary.splitlines()[0] == (
        "0 transcripts imported (2 already present), 0 codes added (5 matched), 3 participants,"
        " 3 coders, 0 codings (6 already present), 0 memos"
    )


def test_codes_are_matched_to_an_existing_codebook_and_new_ones_added(
    source_project: Project, tmp_path: Path
) -> None:
    path = tmp_path / "study.qdpx"
    export_qdpx(source_project, path)
    target = Project.init(tmp_path / "target")
    existing = {
        "codes": [
            {"id": "gap", "label": "Filling a previous gap in services", "definition": "Ours."},
            {
                "id": "funding",
                "label": "Funding",
                "definition": "Money.",
                "guid": derived_guid("code", "challenges.funding"),
            },
        ]
    }
    commit_codebook(target, Codebook.from_dict(existing), source="test")
    report = import_qdpx_report(target, path)
    current = target.store.current_codebook()
    assert current is not None
    ids = [(e.code.id, e.path_text) for e in current[1].walk()]
    assert ids == [
        ("gap", "Filling a previous gap in services"),
        ("funding", "Funding"),
        ("benefits", "Benefits"),
        ("benefits.gap", "Benefits > Filling a previous gap in services"),
        ("challenges", "Challenges"),
        ("success.group", "Steering group"),
    ]
    # "gap" has another path and id, so Benefits > ... is added under its own id;
    # "funding" matched by GUID and keeps its place, label and definition.
    assert (report.codes_added, report.codes_matched) == (4, 1)
    assert current[1].by_id()["funding"].code.definition == "Money."
    assert {c.code_id for c in target.store.codings()} == {
        "benefits.gap",
        "funding",
        "success.group",
    }
    target.close()


def test_a_transcript_with_other_text_under_the_same_id_is_refused(
    source_project: Project, tmp_path: Path
) -> None:
    path = tmp_path / "study.qdpx"
    export_qdpx(source_project, path)
    target = Project.init(tmp_path / "target")
    (tmp_path / "P01.txt").write_text("Officer: A different interview altogether.\n", "utf-8")
    themekit.import_transcripts(target, [tmp_path / "P01.txt"])
    before = snapshot(target)
    with pytest.raises(RefiError) as caught:
        import_qdpx(target, path)
    assert render_error(caught.value) == (
        f"{path}: transcript 'P01' is already in this project with different text. Import"
        " into a fresh project (themekit init), or rename the transcript in the project first."
    )
    assert snapshot(target) == before
    target.close()


def test_a_failure_half_way_leaves_the_project_unchanged(
    source_project: Project, fresh: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "study.qdpx"
    export_qdpx(source_project, path)
    audit_before = len(fresh.store.audit_entries())

    def fail(*_args: object, **_kwargs: object) -> None:
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(fresh.store, "set_segment_memo", fail)
    with pytest.raises(sqlite3.OperationalError):
        import_qdpx(fresh, path)
    assert fresh.store.transcript_ids() == []
    assert fresh.store.current_codebook() is None
    assert fresh.store.participants() == []
    assert fresh.store.codings() == []
    assert len(fresh.store.audit_entries()) == audit_before


# -- fixtures from other programs -----------------------------------------------------
def coding_rows(project: Project) -> list[tuple[Any, ...]]:
    return [
        (c.transcript_id, c.line, c.code_id, c.coder, c.span_start, c.span_end, c.memo)
        for c in project.store.codings()
    ]


def test_standard_fixture(fresh: Project, tmp_path: Path) -> None:
    report = import_qdpx_report(fresh, zip_fixture("standard", tmp_path / "standard.qdpx"))
    assert coding_rows(fresh) == [
        ("Judge interview", 2, "benefits.filling_a_gap", "Ben", None, None, None),
        ("P01", 2, "benefits.filling_a_gap", "Ana", None, None, None),
        ("P01", 2, "benefits.filling_a_gap", "Ben", 86, 98, None),
        ("P01", 2, "benefits.options", "Ben", None, None, None),
        ("P01", 3, "benefits.filling_a_gap", "Ana", None, None, None),
        ("P01", 3, "benefits.filling_a_gap", "Ben", 99, 110, None),
        ("P01", 5, "challenges.funding", "Ana", None, None, None),
        (
            "P01",
            5,
            "challenges.funding",
            "Ben",
            187,
            213,
            "Check the commissioning minutes for March.",
        ),
    ]
    times = {c.uid: c.created_at for c in fresh.store.codings()}
    assert times["c0d10000000040008000000000000001"] == "2024-03-02T10:00:00.000000+00:00"
    assert times["c0d10000000040008000000000000002"] == "2024-03-03T10:30:00.000000+00:00"
    assert [(p.id, p.role, p.site, p.attributes) for p in fresh.store.participants()] == [
        ("Judge Ray", "Judiciary", None, {"lead": True}),
        ("P01", "Probation Service", "Plymouth", {"years": 7}),
    ]
    assert fresh.store.participant_links() == {("Judge interview", "*"): "Judge Ray"}
    memos = fresh.store.segment_memos()
    line3 = segment_with(fresh, "P01", "waiting list")
    assert memos == {("Ana", line3.id): "Compare with the site's own figures."}
    assert fresh.store.coders() == ["Ana", "Ben"]
    assert [t.source_name for t in fresh.store.transcripts()] == [
        "standard.qdpx:Judge interview",
        "standard.qdpx:P01.docx",
    ]
    assert report.summary() == (
        "2 transcripts imported, 5 codes added, 2 participants, 2 coders, 8 codings, 2 memos\n"
        "  selections: 7 placed exactly, 0 snapped, 0 skipped; positions counted as code points\n"
        "  sets kept: 'First round' (1 transcript, 0 codes)\n"
        "  warning: 1 notes are not attached to a coding or a selection (project, source or"
        " code memos); not imported"
    )


def test_variants_fixture_renamed_file_folder_case_braces_prefixes_bad_colours(
    fresh: Project, tmp_path: Path
) -> None:
    report = import_qdpx_report(fresh, zip_fixture("variants", tmp_path / "variants.qdpx"))
    assert coding_rows(fresh) == [
        ("Steering group chair", 1, "success_factors.steering_group", "Cleo", 17, 31, None),
        ("Steering group chair", 2, "success_factors.trust_structure", "Cleo", None, None, None),
    ]
    current = fresh.store.current_codebook()
    assert current is not None
    assert [(e.code.label, e.code.colour) for e in current[1].walk()] == [
        ("Success factors", None),
        ("Steering group", None),
        ("Trust / structure", "#2ca02c"),
    ]
    assert report.warnings == [
        "code 'Success factors': colour 'red' is not #RRGGBB; ignored",
        "code 'Success factors > Steering group': colour '#FF000080' is not #RRGGBB; ignored",
        "code 'Success factors > Trust > structure': '>' and '\\' separate levels in themekit;"
        " renamed 'Trust / structure'",
    ]


def test_minimal_fixture_without_namespace_users_or_dates(fresh: Project, tmp_path: Path) -> None:
    import_qdpx(fresh, zip_fixture("no_namespace_minimal", tmp_path / "minimal.qdpx"))
    assert coding_rows(fresh) == [
        ("Team meeting", 1, "funding", "imported", None, None, None),
        ("Team meeting", 2, "referrals", "imported", 41, 63, None),
    ]
    assert fresh.store.transcript_text("Team meeting") == (
        "Sam: Funding was the worry all year.\nJo: The referrals dried up in winter.\n"
    )


def test_nvivo_positions_with_emoji_and_crlf_are_converted_and_checked(
    fresh: Project, tmp_path: Path
) -> None:
    assert b"\r\n" in next((FIXTURES / "nvivo_crlf_emoji" / "sources").iterdir()).read_bytes()
    report = import_qdpx_report(fresh, zip_fixture("nvivo_crlf_emoji", tmp_path / "nv.qdpx"))
    tid = "Participant 12"
    assert report.conventions == {tid: Convention.UTF16_CRLF}
    text = fresh.store.transcript_text(tid)
    assert "\r" not in text
    quoted = [
        (c.line, c.code_id, text[c.span_start : c.span_end] if c.span_start is not None else None)
        for c in fresh.store.codings()
    ]
    assert quoted == [
        (2, "housing", "the housing worker"),
        (2, "housing", "she got me a flat."),
        (3, "housing", "everything else"),
        (3, "turning_point", None),
    ]
    assert segment_with(fresh, tid, "After that").text == (
        "After that \U0001f389 everything else was easier."
    )
    assert report.skipped == [
        f"{tid}: selection d3000000-0000-4000-8000-000000000005: positions 140-160 end past"
        " the text (152 characters counted as UTF-16 units, CRLF as two)",
        f"{tid}: selection d3000000-0000-4000-8000-000000000006: positions 13-31 cut a"
        " character in two (counted as UTF-16 units, CRLF as two)",
    ]
    assert report.summary().splitlines()[1:3] == [
        "  selections: 4 placed exactly, 0 snapped, 2 skipped; positions counted as UTF-16"
        " units, CRLF as two",
        f"  {tid}: positions counted as UTF-16 units, CRLF as two: 4 exact, 0 snapped, 2 skipped",
    ]


def test_named_selections_decide_the_convention_and_a_mismatch_is_reported(
    fresh: Project, tmp_path: Path
) -> None:
    report = import_qdpx_report(fresh, zip_fixture("crlf_named", tmp_path / "named.qdpx"))
    assert report.conventions == {"Officer 3": Convention.CODEPOINTS_CRLF}
    assert coding_rows(fresh) == [
        ("Officer 3", 2, "breach", "Eli", 44, 63, None),
        ("Officer 3", 3, "breach", "Eli", None, None, None),
        ("Officer 3", 3, "breach", "Eli", 99, 110, None),
    ]
    assert report.skipped == [
        "Officer 3: selection d4000000-0000-4000-8000-000000000004: positions 65-80 select"
        " text that differs from the selection's name"
    ]


# -- broken input ---------------------------------------------------------------------
def _assert_unchanged(project: Project) -> None:
    assert project.store.transcript_ids() == []
    assert project.store.current_codebook() is None
    assert project.store.coders() == []
    assert [e.action for e in project.store.audit_entries()] == ["init"]


@pytest.mark.parametrize(
    ("fixture", "message"),
    [
        (
            "no_qde",
            "holds no project file (*.qde). A .qdpx must contain project.qde; export"
            " the project again.",
        ),
        (
            "bad_xml",
            "(project.qde): the XML does not parse (line 8, column 3). Export the file"
            " again from the program that made it.",
        ),
        (
            "missing_code",
            "a coding in source 'P10' refers to code c6000000-0000-4000-8000-"
            "00000000dead, which the project's codebook does not define. The file is incomplete;"
            " export the project again from the program that made it.",
        ),
    ],
)
def test_broken_archives_are_one_line_errors_and_change_nothing(
    fresh: Project, tmp_path: Path, fixture: str, message: str
) -> None:
    path = zip_fixture(fixture, tmp_path / f"{fixture}.qdpx")
    with pytest.raises(RefiError) as caught:
        import_qdpx(fresh, path)
    assert caught.value.render() == f"{path}{' ' if message.startswith('(') else ': '}{message}"
    _assert_unchanged(fresh)


def test_a_missing_source_is_listed_and_the_rest_comes_in(fresh: Project, tmp_path: Path) -> None:
    path = zip_fixture("missing_source", tmp_path / "missing_source.qdpx")
    report = import_qdpx_report(fresh, path)
    assert fresh.store.transcript_ids() == []
    current = fresh.store.current_codebook()
    assert current is not None and [e.code.label for e in current[1].walk()] == ["Funding"]
    assert report.missing_sources == [
        "source 'P09' (b5000000-0000-4000-8000-000000000001): its text"
        " (internal://b5000000-0000-4000-8000-000000000001.txt) is not in the archive;"
        " 0 selections with 0 codings not placed"
    ]
    assert not report.complete
    with pytest.raises(RefiError) as caught:
        import_qdpx(Project.init(tmp_path / "strict"), path, strict=True)
    assert caught.value.render() == (
        f"{path}: 1 of 1 sources are not in the archive (first: P09). Export the project"
        " again with its sources included, or import it without requiring it to be"
        " complete."
    )


def test_a_file_that_is_not_a_zip(fresh: Project, tmp_path: Path) -> None:
    path = tmp_path / "notes.qdpx"
    path.write_text("just some notes", encoding="utf-8")
    with pytest.raises(RefiError) as caught:
        import_qdpx(fresh, path)
    assert caught.value.render() == (
        f"{path}: is not a zip archive, so not a REFI-QDA project (.qdpx). Export the project"
        " again from your QDA program as a REFI-QDA project."
    )
    with pytest.raises(RefiError, match="no such file"):
        import_qdpx(fresh, tmp_path / "missing.qdpx")
    _assert_unchanged(fresh)


def test_a_zip_whose_project_file_is_not_a_project(fresh: Project, tmp_path: Path) -> None:
    path = tmp_path / "codebook.qdpx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", '<CodeBook xmlns="urn:QDA-XML:codebook:1.0"/>')
    with pytest.raises(RefiError, match=r"its root element is <CodeBook>, not <Project>"):
        import_qdpx(fresh, path)
    _assert_unchanged(fresh)


# -- command line ---------------------------------------------------------------------
def _export_cli(cli):  # type: ignore[no-untyped-def]
    """``themekit export qdpx`` through the real app when the export group exists, else
    through a local harness around the same command function."""
    from themekit.cli import cmd_refi

    if cmd_refi.export_app is not None:
        return lambda *args: cli("export", "qdpx", *args)
    import typer
    from typer.testing import CliRunner

    import themekit.cli.app as app_module
    from themekit.console import Environment

    harness = typer.Typer(cls=app_module.ThemekitGroup)
    harness.command("qdpx")(cmd_refi.export_qdpx_command)
    harness.command("unused")(lambda: None)

    def run(*args: str):  # type: ignore[no-untyped-def]
        app_module._current = Environment(project_path=str(cli.root))
        return CliRunner().invoke(harness, ["qdpx", *args])

    return run


def test_cli_export_then_import_into_another_project(tmp_path: Path, bare_cli) -> None:  # type: ignore[no-untyped-def]
    from conftest import Cli

    source = build_project(tmp_path / "source")
    expected = snapshot(source)
    source.close()
    out = tmp_path / "study.qdpx"
    result = _export_cli(Cli(tmp_path / "source"))("-o", str(out))
    assert result.exit_code == 0, result.output
    assert f"Wrote {out}: 2 transcripts, 5 codes, 3 coders" in result.output
    target = Project.init(tmp_path / "target")
    target.close()
    imported = bare_cli("--project", str(target.root), "import", str(out))
    assert imported.exit_code == 0, imported.output
    assert f"{out}: 2 transcripts imported, 5 codes added" in imported.output
    with Project.open(target.root) as reopened:
        assert snapshot(reopened) == expected


def test_cli_import_of_a_broken_file_is_one_line_and_exit_1(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = zip_fixture("missing_code", tmp_path / "broken.qdpx")
    result = cli("import", str(path))
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"Error: {path}: a coding in source 'P10'")


def test_cli_export_needs_a_qdpx_name(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = _export_cli(cli)("-o", str(tmp_path / "study.zip"))
    assert result.exit_code == 1
    assert result.output.strip() == (
        f"Error: {tmp_path / 'study.zip'}: a REFI-QDA project file must end in .qdpx."
        " Use -o study.qdpx."
    )


def test_an_export_is_recorded_in_the_audit_log(source_project: Project, tmp_path: Path) -> None:
    export_qdpx(source_project, tmp_path / "study.qdpx")
    entries = source_project.store.audit_entries(action="refi.export")
    assert [(e.how, e.details) for e in entries] == [
        ("export", {"file": "study.qdpx", "transcripts": 2, "codings": 6})
    ]


ODDITIES = """<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="Oddities">
  <CodeBook><Codes>
    <Code guid="c9000000-0000-4000-8000-000000000001" name="Whole" isCodable="true"/>
    <Code guid="c9000000-0000-4000-8000-000000000002" name="Gap" isCodable="false"/>
  </Codes></CodeBook>
  <Sources>
    <TextSource guid="b9000000-0000-4000-8000-000000000001" name="Notes.txt">
      <PlainTextContent>Ann: First point.

Ann: Second point.
</PlainTextContent>
      <PlainTextSelection guid="d9000000-0000-4000-8000-000000000001" startPosition="17"
                          endPosition="19" creatingUser="a9000000-0000-4000-8000-000000000009">
        <Coding guid="e9000000-0000-4000-8000-000000000001">
          <CodeRef targetGUID="c9000000-0000-4000-8000-000000000001"/>
        </Coding>
      </PlainTextSelection>
      <PlainTextSelection guid="d9000000-0000-4000-8000-000000000002" startPosition="5"
                          endPosition="10" creatingUser="a9000000-0000-4000-8000-000000000009">
        <Coding guid="e9000000-0000-4000-8000-000000000002">
          <CodeRef targetGUID="c9000000-0000-4000-8000-000000000002"/>
          <NoteRef targetGUID="49000000-0000-4000-8000-000000000404"/>
        </Coding>
      </PlainTextSelection>
      <Coding guid="e9000000-0000-4000-8000-000000000003">
        <CodeRef targetGUID="c9000000-0000-4000-8000-000000000001"/>
      </Coding>
    </TextSource>
    <PDFSource guid="b9000000-0000-4000-8000-000000000002" name="Report.pdf"/>
  </Sources>
</Project>
"""


def test_whitespace_selections_whole_source_codings_and_other_oddities(
    fresh: Project, tmp_path: Path
) -> None:
    path = tmp_path / "odd.qdpx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", ODDITIES)
    report = import_qdpx_report(fresh, path)
    assert coding_rows(fresh) == [
        ("Notes", 1, "whole", "imported", None, None, None),
        ("Notes", 1, "gap", "user-a9000000", 5, 10, None),
        ("Notes", 2, "whole", "imported", None, None, None),
    ]
    assert report.skipped == [
        "Notes: selection d9000000-0000-4000-8000-000000000001: selects only white space"
    ]
    assert report.warnings == [
        "source 'Notes.txt': 1 codings of the whole source are applied to every segment",
        "1 PDFSource element(s) not imported (themekit codes text only)",
        "code 'Gap' has codings; made codable",
        "user a9000000-0000-4000-8000-000000000009 is not listed under <Users>; called"
        " user-a9000000",
        "note 49000000-0000-4000-8000-000000000404 is referred to but not in <Notes>; ignored",
    ]
