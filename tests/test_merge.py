"""Team work across machines: bundles and merges between projects that diverged.

The scenario: project A is copied to B (a second coder's laptop). In A, ana keeps
coding; in B, ben codes and P01 is corrected (a line added at the top, one turn
reworded slightly, one rewritten completely) and re-imported. Then each project is
merged into the other, twice. All interview text is fictional.
"""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pytest

import themekit
from helpers_coding import MINI_CODEBOOK, coding_keys, load_codebook
from themekit.cli.hints import render_error
from themekit.coding.service import CodingSession
from themekit.errors import MergeError
from themekit.project import Project
from themekit.team import collect, merge_team_data, read_bundle, read_source, write_bundle

P01 = [
    "Interviewer: Could you tell me about your role?",
    "Officer: I supervise people on community orders in the north of the county.",
    "Officer: Before the pilot we had nothing to offer someone who was unwell.",
    "Interviewer: And the bench?",
    "Officer: Now the bench has a real alternative to a few weeks inside.",
    "Officer: Honestly, nobody knows whether the money lasts past March.",
    "Officer: The psychologist also gets people into housing support quickly.",
]
# The corrected P01: one line added at the top, one turn reworded slightly (a typo
# fixed), one turn rewritten completely.
P01_EDITED = [
    "Interviewer: Thank you for making the time today.",
    "Interviewer: Could you tell me about your role?",
    "Officer: I supervise people on community orders in the north of the county.",
    "Officer: Before the pilot we had nothing at all to offer someone who was unwell.",
    "Interviewer: And the bench?",
    "Officer: Now the bench has a real alternative to a few weeks inside.",
    "Officer: Funding was confirmed for two more years in the spring.",
    "Officer: The psychologist also gets people into housing support quickly.",
]
P02 = [
    "Interviewer: What changed for you on the bench?",
    "Judge: I can now make an order that includes treatment.",
    "Judge: It fills a gap between the GP and the specialist team.",
    "Judge: Breach is still a worry when people miss appointments.",
]


def write_transcript(folder: Path, name: str, lines: list[str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.txt"
    path.write_text("\n\n".join(lines) + "\n", encoding="utf-8")
    return path


def code(project: Project, coder: str, items: list[tuple[str, int, str]]) -> CodingSession:
    session = CodingSession(project, coder)
    for transcript, line, code_id in items:
        session.apply(session.segment(transcript, line), code_id)
    return session


def keys_of(project: Project, coder: str | None = None) -> set[tuple[object, ...]]:
    return {k for k in coding_keys(project) if coder is None or k[3] == coder}


def uids(project: Project) -> list[str]:
    return sorted(c.uid for c in project.store.codings(include_orphaned=True))


@pytest.fixture
def diverged(tmp_path: Path) -> tuple[Project, Project]:
    """A and B, copied from one project and then coded (and edited) separately."""
    files = tmp_path / "files"
    a = Project.init(tmp_path / "A", name="A")
    themekit.import_transcripts(
        a, [write_transcript(files, "P01", P01), write_transcript(files, "P02", P02)], unit="turn"
    )
    load_codebook(a)
    # Before the copy: ana codes two lines of P01 (one with a span) and a memo.
    ana = code(a, "ana", [("P01", 2, "benefits.options")])
    segment = a.store.segment_at("P01", 3)
    assert segment is not None
    ana.apply(segment, "benefits.gap", span=(segment.start + 7, segment.start + 16))
    ana.set_segment_memo(segment, "gap before the pilot")
    a.close()
    shutil.copytree(tmp_path / "A", tmp_path / "B")
    a, b = Project.open(tmp_path / "A"), Project.open(tmp_path / "B")
    # After the copy, in A: ana codes more, marks P02 done.
    ana = code(a, "ana", [("P01", 6, "challenges.funding"), ("P02", 3, "benefits.gap")])
    ana.set_done("P02")
    # In B: ben codes P01 (on lines that will survive, change a little, vanish) and P02.
    ben = code(
        b,
        "ben",
        [
            ("P01", 3, "benefits.gap"),
            ("P01", 5, "benefits.options"),
            ("P01", 6, "challenges.funding"),
            ("P01", 7, "benefits.access"),
            ("P02", 2, "benefits.options"),
            ("P02", 4, "challenges.breach"),
        ],
    )
    ben_segment = b.store.segment_at("P02", 3)
    assert ben_segment is not None
    ben.set_exemplar(ben_segment, True)
    ben.set_done("P02")
    # B's copy of P01 is corrected and re-imported (B's own codings move with it).
    themekit.import_transcripts(
        b, [write_transcript(tmp_path / "files-b", "P01", P01_EDITED)], unit="turn"
    )
    # ... and ben codes the rewritten turn, whose text A never had.
    code(b, "ben", [("P01", 7, "challenges.funding")])
    yield a, b
    a.close()
    b.close()


def test_merge_b_into_a_adds_ben_and_reanchors_by_text(diverged) -> None:
    a, b = diverged
    ana_before = keys_of(a, "ana")
    report = merge_team_data(a, read_source(b.root, coders=None))
    # ben's codings on B's edited P01 land on A's lines by text: line 3 was reworded
    # (fuzzy), 5 and 7 are identical text. His coding of line 6, orphaned in B by the
    # rewrite, was made on the version A has: it lands where it was made. His coding
    # of the rewritten turn cannot be placed.
    assert keys_of(a, "ben") == {
        ("P01", 3, "benefits.gap", "ben", None, None, None),
        ("P01", 5, "benefits.options", "ben", None, None, None),
        ("P01", 6, "challenges.funding", "ben", None, None, None),
        ("P01", 7, "benefits.access", "ben", None, None, None),
        ("P02", 2, "benefits.options", "ben", None, None, None),
        ("P02", 4, "challenges.breach", "ben", None, None, None),
    }
    assert report.codings_added == 6
    assert report.codings_reanchored == 3
    assert report.codings_fuzzy == 1
    assert report.transcripts_changed == ["P01"]
    assert report.transcripts_same == ["P02"]
    # ana's two codings from before the copy are in both: recognised by uid.
    assert report.codings_present == 2
    assert [u.render() for u in report.unplaced] == [
        "P01 line 7: coding challenges.funding (ben): its text is not in this project's"
        " version of the transcript",
    ]
    assert keys_of(a, "ana") == ana_before  # nobody else's work touched
    assert a.store.exemplars("ben") == {("ben", a.store.segment_at("P02", 3).id)}  # type: ignore[union-attr]
    assert a.store.done_transcripts("ben") == {"P02"}
    assert a.store.db.integrity_ok()
    # Every coding that arrived keeps its uid.
    assert {c.uid for c in a.store.codings(coder="ben")} <= {
        c.uid for c in b.store.codings(coder="ben", include_orphaned=True)
    }


def test_merge_twice_adds_nothing(diverged) -> None:
    a, b = diverged
    merge_team_data(a, read_source(b.root, coders=None))
    before = (uids(a), a.store.segment_memos(), a.store.exemplars(), len(a.store.audit_entries()))
    again = merge_team_data(a, read_source(b.root, coders=None))
    assert again.codings_added == 0
    assert again.added == 0
    assert again.codings_present == 8
    after = (uids(a), a.store.segment_memos(), a.store.exemplars(), len(a.store.audit_entries()))
    # Only the second merge's own "team.merge" audit entry is new.
    assert after[:3] == before[:3]
    assert after[3] == before[3] + 1
    assert a.store.audit_entries()[-1].action == "team.merge"


def test_merge_a_into_edited_b_reanchors_anas_new_work(diverged) -> None:
    a, b = diverged
    report = merge_team_data(b, read_source(a.root, coders=["ana"]))
    # ana's P01 line 6 (funding) was on a turn that B rewrote: listed, not merged.
    # Her P02 coding and done mark arrive; her older codings were already in B.
    assert report.codings_added == 1
    assert report.codings_present == 2
    assert [u.render() for u in report.unplaced] == [
        "P01 line 6: coding challenges.funding (ana): its text is not in this project's"
        " version of the transcript",
    ]
    assert ("P02", 3, "benefits.gap", "ana", None, None, None) in keys_of(b, "ana")
    assert b.store.done_transcripts("ana") == {"P02"}
    assert b.store.coders() == ["ana", "ben"]
    assert merge_team_data(b, read_source(a.root, coders=["ana"])).codings_added == 0


def test_span_and_memo_follow_the_text_into_another_version(tmp_path: Path, diverged) -> None:
    a, b = diverged
    # In B, ana's span coding and memo sit on the edited P01 (line 4, moved there by
    # the re-import). A fresh project with the original P01 receives them on line 3,
    # the span still covering the same words.
    fresh = Project.init(tmp_path / "C", name="C")
    themekit.import_transcripts(
        fresh, [write_transcript(tmp_path / "files-c", "P01", P01)], unit="turn"
    )
    load_codebook(fresh)
    report = merge_team_data(fresh, read_source(b.root, coders=["ana"]))
    assert report.codings_added == 2
    [span_coding] = [c for c in fresh.store.codings(coder="ana") if c.span_start is not None]
    assert span_coding.line == 3
    text = fresh.store.transcript_text("P01")
    assert text[span_coding.span_start : span_coding.span_end] == "the pilot"  # type: ignore[misc]
    segment = fresh.store.segment_at("P01", 3)
    assert segment is not None
    assert fresh.store.segment_memos("ana") == {("ana", segment.id): "gap before the pilot"}
    fresh.close()


def test_unknown_codes_stop_the_merge_and_are_listed(diverged) -> None:
    a, b = diverged
    extended = json.loads(json.dumps(MINI_CODEBOOK))
    extended["codes"].append({"id": "housing", "label": "Housing"})
    extended["codes"].append({"id": "peer.support", "label": "Peer support"})
    load_codebook(b, extended)
    code(b, "ben", [("P02", 3, "housing"), ("P02", 3, "peer.support")])
    before = (uids(a), len(a.store.audit_entries()))
    with pytest.raises(MergeError) as caught:
        merge_team_data(a, read_source(b.root, coders=None))
    assert render_error(caught.value) == (
        "2 codes used in B are not in this project's codebook: housing, peer.support."
        " Nothing was merged. Load the other project's codebook here first:"
        " 'themekit merge B --write-codebook other.yaml', check it, then"
        " 'themekit codebook load other.yaml'."
    )
    assert (uids(a), len(a.store.audit_entries())) == before


def test_bundle_round_trip_equals_merging_the_folder(tmp_path: Path, diverged) -> None:
    a, b = diverged
    shutil.copytree(a.root, tmp_path / "A2")
    path = write_bundle(collect(b.store, coders=["ben"], source_name="B"), tmp_path / "ben.tkb")
    from_bundle = merge_team_data(a, read_bundle(path))
    with Project.open(tmp_path / "A2") as a2:
        from_folder = merge_team_data(a2, read_source(b.root, coders=["ben"]))
        assert keys_of(a2) == keys_of(a)
    assert from_bundle.codings_added == from_folder.codings_added == 6
    assert [u.render() for u in from_bundle.unplaced] == [u.render() for u in from_folder.unplaced]
    with zipfile.ZipFile(path) as archive:
        body = json.loads(archive.read("bundle.json"))
    assert body["coders"] == ["ben"]
    assert {c["coder"] for c in body["codings"]} == {"ben"}
    hashes = {(t["transcript"], t["current"]) for t in body["transcripts"]}
    assert ("P01", True) in hashes and ("P02", True) in hashes
    assert body["codebook"]["name"] == MINI_CODEBOOK["name"]


def test_a_removal_here_is_not_undone_by_a_later_merge(diverged) -> None:
    a, b = diverged
    merge_team_data(b, read_source(a.root, coders=["ana"]))
    # In B ana removes her P02 coding that came from A; merging A again keeps it removed.
    ana = CodingSession(b, "ana")
    assert ana.remove(b.store.segment_at("P02", 3), "benefits.gap") is not None  # type: ignore[arg-type]
    report = merge_team_data(b, read_source(a.root, coders=["ana"]))
    assert report.codings_added == 0
    assert len(report.not_readded) == 1
    assert ("P02", 3, "benefits.gap", "ana", None, None, None) not in keys_of(b, "ana")


def test_dry_run_changes_nothing(diverged) -> None:
    a, b = diverged
    before = (uids(a), len(a.store.audit_entries()))
    report = merge_team_data(a, read_source(b.root, coders=None), dry_run=True)
    assert report.codings_added == 6
    assert report.lines()[0] == "Would merge the work of ana, ben from B:"
    assert (uids(a), len(a.store.audit_entries())) == before


def test_merging_does_not_write_to_the_other_project(diverged) -> None:
    a, b = diverged
    db = b.root / "themekit.db"
    b.close()
    stamp = db.stat().st_mtime_ns, db.read_bytes()
    merge_team_data(a, read_source(b.root, coders=None))
    assert (db.stat().st_mtime_ns, db.read_bytes()) == stamp
    b.store = Project.open(b.root).store  # reopen for the fixture's teardown


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"not a zip at all", "is not a themekit bundle (not a readable zip file)."),
        (None, "has no bundle.json inside."),
        (b'{"format": "something-else"}', "is not a themekit bundle."),
        (b"{", "its bundle.json is not valid JSON (Expecting property name enclosed"),
        (b'{"format": "themekit-bundle", "format_version": 1}', "is incomplete or damaged"),
    ],
)
def test_a_broken_bundle_is_one_clear_error(
    tmp_path: Path, content: bytes | None, problem: str
) -> None:
    path = tmp_path / "x.tkb"
    if content is not None and content.startswith(b"not"):
        path.write_bytes(content)
    else:
        with zipfile.ZipFile(path, "w") as archive:
            if content is not None:
                archive.writestr("bundle.json", content)
            else:
                archive.writestr("other.txt", "hello")
    with pytest.raises(MergeError) as caught:
        read_bundle(path)
    assert caught.value.message.startswith(f"{path}: {problem}")


def test_cli_bundle_then_merge_and_write_codebook(tmp_path: Path, diverged, bare_cli) -> None:
    a, b = diverged
    out = tmp_path / "ben bundle é.tkb"
    result = bare_cli("--project", str(b.root), "bundle", "--coder", "ben", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith(f"Wrote {out}: 7 codings, 0 memos, 1 exemplars,")
    result = bare_cli("--project", str(a.root), "merge", str(out))
    assert result.exit_code == 0, result.output
    assert "Merged the work of ben from B:" in result.stderr
    assert "codings: 6 added (3 re-anchored, 1 by a fuzzy match), 0 already here" in (result.stderr)
    assert "P01 line 7: coding challenges.funding (ben)" in result.stderr
    result = bare_cli("--project", str(a.root), "merge", str(out))
    assert "codings: 0 added (0 re-anchored, 0 by a fuzzy match), 6 already here" in (result.stderr)
    zoe = tmp_path / "zoe.tkb"  # a new file: an existing -o is refused before the coder check
    result = bare_cli("--project", str(a.root), "bundle", "--coder", "zoe", "-o", str(zoe))
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: No coder named 'zoe' in this project (coders: ana, ben)."
        " Check the name in --coder; see 'themekit status'.\n"
    )
    yaml_out = tmp_path / "other.yaml"
    result = bare_cli(
        "--project", str(a.root), "merge", str(b.root), "--write-codebook", str(yaml_out)
    )
    assert result.exit_code == 0, result.output
    assert "Mini MHTR framework" in yaml_out.read_text(encoding="utf-8")
    yaml_out.write_text("# my notes\n", encoding="utf-8")
    again = bare_cli(
        "--project", str(a.root), "merge", str(b.root), "--write-codebook", str(yaml_out)
    )
    assert again.exit_code == 1
    assert again.stderr == (
        f"Error: {yaml_out}: already exists; nothing was written. Add --force to replace it,"
        " or choose another --write-codebook file.\n"
    )
    assert yaml_out.read_text(encoding="utf-8") == "# my notes\n"
    forced = bare_cli(
        "--project", str(a.root), "merge", str(b.root), "--write-codebook", str(yaml_out), "--force"
    )
    assert forced.exit_code == 0, forced.output
    assert "Mini MHTR framework" in yaml_out.read_text(encoding="utf-8")


def test_merge_names_a_missing_coder(diverged) -> None:
    a, b = diverged
    with pytest.raises(MergeError) as caught:
        read_source(b.root, coders=["zoe"])
    assert caught.value.message == f"{b.root}: no coder named zoe there (coders: ana, ben)."
