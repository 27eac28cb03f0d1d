"""``themekit suggest``: compute, show, bulk-accept and evaluate code suggestions.

Three modes of one command, as the issue asks:

* plain: rank codes for every codable segment, store them (the coding UI shows them),
  print them as a table, JSON or CSV;
* ``--accept-above X --coder NAME [--dry-run]``: the same, then accept every stored
  suggestion scoring at least X as NAME's coding (or only show what would happen);
* ``--evaluate --coder NAME``: cross-validate against NAME's codings.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import typer

from themekit.cli.app import app, env, open_project
from themekit.cli.render import FORMAT_OPTION, TableFormat, render_rows
from themekit.errors import SuggestError

if TYPE_CHECKING:
    from themekit.suggest.engine import ScoreScale

SUGGESTION_COLUMNS = [
    "transcript",
    "line",
    "rank",
    "code_id",
    "path",
    "label",
    "score",
    "reason",
    "text",
]


@app.command("suggest")
def suggest(
    coder: str | None = typer.Option(
        None, "--coder", "-c", help="Coder to learn from (and to accept or evaluate for)."
    ),
    transcript: list[str] = typer.Option(
        [], "--transcript", "-t", help="Only these transcripts (repeatable; default all)."
    ),
    top: int = typer.Option(3, "--top", "-k", help="Suggestions per segment."),
    fmt: TableFormat = FORMAT_OPTION,
    learn_from: str | None = typer.Option(
        None,
        "--learn-from",
        help="Learn from this coder's codings, or 'all' (default: --coder, else all).",
    ),
    accept_above: float | None = typer.Option(
        None, "--accept-above", help="Accept suggestions scoring at least this (0-1) as codings."
    ),
    dry_run: bool = typer.Option(
        False, "--dry-run", help="With --accept-above: show what would be accepted, change nothing."
    ),
    evaluate: bool = typer.Option(
        False, "--evaluate", help="Cross-validate against --coder's codings instead."
    ),
    folds: int = typer.Option(5, "--folds", help="Folds for --evaluate."),
    threshold: float = typer.Option(
        0.5, "--threshold", help="Score at which --evaluate counts a suggestion as a coding."
    ),
    floor: float = typer.Option(
        0.2,
        "--floor",
        help="Hide and do not store suggestions scoring under this (0-1; 0 keeps all).",
    ),
    rescale: bool = typer.Option(
        False,
        "--rescale",
        help="Set the score scale afresh on every transcript now in the project"
        " (see docs/suggestions.md).",
    ),
    show_all: bool = typer.Option(
        False,
        "--all",
        help="Print every segment's suggestions as a table (default: a summary;"
        " --format csv/json always list them all).",
    ),
) -> None:
    """Rank codebook codes for every codable segment, with a score and a reason."""
    from themekit.suggest.engine import SuggestionEngine

    e = env()
    if (accept_above is not None or evaluate) and not coder:
        flag = "--evaluate" if evaluate else "--accept-above"
        raise SuggestError(f"{flag} needs a coder.", hint="Add --coder NAME.")
    if dry_run and accept_above is None:
        raise SuggestError(
            "--dry-run only applies to --accept-above.", hint="Add --accept-above X."
        )
    project = open_project()
    from themekit.coding.coders import require_known

    for name in (coder, None if learn_from == "all" else learn_from):
        if name:
            require_known(project, name)
    if evaluate:
        assert coder is not None
        _evaluate(project, coder, folds, threshold, fmt)
        return
    if coder and learn_from and learn_from != coder:
        e.warn(
            f"learning from {learn_from}'s codings: the suggestions and their reasons show"
            f" {learn_from}'s decisions to {coder}, so this is not blind coding."
        )
    if accept_above is not None and accept_above < floor:
        e.warn(
            f"--accept-above {accept_above:g} is under --floor {floor:g}: suggestions under the"
            " floor are not stored, so none scoring under it will be accepted."
        )
    engine = SuggestionEngine(project, progress=e.progress)
    run = engine.suggest(
        coder=coder,
        transcripts=transcript or None,
        top=top,
        learn_from=learn_from,
        floor=floor,
        rescale=rescale,
    )
    for note in run.notes:
        e.message(note)
    if run.scale is not None:
        _report_scale(run.scale)
    for code_id, path, share in run.dominant_codes():
        e.warn(
            f"'{path}' ({code_id}) is the first suggestion for {share:.0%} of the segments"
            " with one: its definition may be too broad to tell segments apart. Check a few"
            " of them (--format csv) and sharpen its definition, or code some examples."
        )
    e.message(
        f"Suggested codes for {len(run.segments)} segments (learned from {run.learned_from},"
        f" {run.examples} coded segments; {run.embedded} texts embedded, {run.cached} from the"
        " cache)."
    )
    if accept_above is not None:
        assert coder is not None
        _accept(project, coder, accept_above, [s.segment_id for s in run.segments], dry_run, fmt)
        return
    if fmt == TableFormat.table and not show_all:
        _print_summary(run.segments, floor)
        return
    _print_suggestions(run.segments, fmt)


def _report_scale(scale: ScoreScale) -> None:
    """Say which transcripts set the scores' scale when that changed, and which are
    scored without being part of it."""
    e = env()
    count = len(scale.transcripts)
    if scale.reset:
        why = {
            "new": "set",
            "asked": "set afresh",
            "emptied": "set afresh (none of its transcripts is left)",
        }[scale.reset]
        e.message(
            f"Score scale {why} on the {count} transcript{'s' if count != 1 else ''} now in"
            " the project: transcripts imported later will not move these scores."
        )
    if scale.dropped:
        e.message(f"Left the score scale (no longer in the project): {', '.join(scale.dropped)}.")
    if scale.outside:
        one = len(scale.outside) == 1
        which = "it if it belongs" if one else "them if they belong"
        e.warn(
            f"{len(scale.outside)} transcript{' is' if one else 's are'} scored but not in"
            f" the score scale (imported after it was set): {', '.join(scale.outside)}."
            f" Run 'themekit suggest --rescale' to include {which} to this study; the other"
            " scores will then change."
        )


def _print_summary(segments: list[Any], floor: float) -> None:
    """Counts instead of thousands of rows: per code, how many segments it is suggested for."""
    with_any = [s for s in segments if s.suggestions]
    per_code: dict[str, dict[str, Any]] = {}
    for s in with_any:
        for rank, g in enumerate(s.suggestions, start=1):
            row = per_code.setdefault(
                g.code_id, {"code_id": g.code_id, "path": g.path, "top": 0, "suggested": 0}
            )
            row["suggested"] += 1
            row["top"] += rank == 1
    env().message(
        f"{len(segments)} segments; {len(with_any)} with a suggestion scoring at least"
        f" {floor:g}, {len(segments) - len(with_any)} with none; {len(per_code)} codes"
        " suggested. Add --all to list them, or --format csv/json for every row."
    )
    rows = sorted(per_code.values(), key=lambda r: (-r["top"], -r["suggested"], r["code_id"]))
    render_rows(rows, ["code_id", "path", "top", "suggested"], TableFormat.table)


def _print_suggestions(segments: list[Any], fmt: TableFormat) -> None:
    if fmt == TableFormat.json:
        env().write(json.dumps([s.to_dict() for s in segments], indent=2, ensure_ascii=False))
        return
    if fmt == TableFormat.csv:
        rows = [
            {
                "transcript": s.transcript,
                "line": s.line,
                "rank": rank,
                "code_id": g.code_id,
                "path": g.path,
                "label": g.label,
                "score": f"{g.score:.4f}",
                "reason": g.reason,
                "text": s.text,
            }
            for s in segments
            for rank, g in enumerate(s.suggestions, start=1)
        ]
        render_rows(rows, SUGGESTION_COLUMNS, fmt)
        return
    rows = [
        {
            "transcript": s.transcript,
            "line": s.line,
            "text": s.text if len(s.text) <= 70 else s.text[:67] + "...",
            "suggestions": "\n".join(
                f"{g.score:.2f} {g.label} [{g.reason}]" for g in s.suggestions
            ),
        }
        for s in segments
    ]
    render_rows(rows, ["transcript", "line", "text", "suggestions"], fmt, title="Suggestions")


def _accept(
    project: Any,
    coder: str,
    threshold: float,
    segment_ids: list[int],
    dry_run: bool,
    fmt: TableFormat,
) -> None:
    from themekit.suggest.accept import accept, plan_acceptance

    plan = plan_acceptance(project, coder, threshold, segment_ids)
    current = project.store.current_codebook()
    labels = {entry.code.id: entry.path_text for entry in current[1].walk()} if current else {}
    per_code = plan.per_code()
    applied = 0 if dry_run else accept(project, plan)
    verb = "Would accept" if dry_run else "Accepted"
    count = len(plan.items) if dry_run else applied
    summary = {
        "coder": coder,
        "threshold": threshold,
        "dry_run": dry_run,
        "codings": count,
        "already_coded": plan.already_coded,
        "already_decided": plan.already_decided,
        "in_done_transcripts": plan.in_done_transcripts,
        "per_code": [
            {"code_id": code, "path": labels.get(code, code), "codings": n}
            for code, n in per_code.items()
        ],
        # Each coding itself, so a dry run can be reviewed line by line before accepting.
        "items": [
            {
                "transcript": item.transcript_id,
                "line": item.line,
                "code_id": item.code_id,
                "path": labels.get(item.code_id, item.code_id),
                "score": round(item.score, 4),
                "reason": item.reason,
                "text": item.text,
            }
            for item in plan.items
        ],
    }
    if fmt == TableFormat.csv and dry_run:
        render_rows(
            summary["items"],  # type: ignore[arg-type]
            ["transcript", "line", "code_id", "path", "score", "reason", "text"],
            fmt,
        )
        return
    if fmt == TableFormat.json:
        env().write(json.dumps(summary, indent=2, ensure_ascii=False))
        return
    env().message(
        f"{verb} {count} suggestions scoring at least {threshold:g} as codings by {coder}"
        f" ({plan.already_coded} already coded, {plan.already_decided} already decided"
        + (
            f", {plan.in_done_transcripts} in transcripts {coder} marked done left alone"
            if plan.in_done_transcripts
            else ""
        )
        + ")."
    )
    render_rows(summary["per_code"], ["code_id", "path", "codings"], fmt)  # type: ignore[arg-type]


def _evaluate(project: Any, coder: str, folds: int, threshold: float, fmt: TableFormat) -> None:
    from themekit.suggest.evaluate import evaluate_coder

    result = evaluate_coder(
        project, coder, folds=folds, threshold=threshold, progress=env().progress
    )
    if fmt == TableFormat.json:
        env().write(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
        return

    def pct(x: float) -> str:
        return f"{100 * x:.1f}%"

    def num(x: float | None) -> str:
        return "n/a" if x is None else f"{x:.3f}"

    summary = [
        {"measure": "units (coded segments)", "value": str(result.units)},
        {
            "measure": "uncoded segments setting the scale",
            "value": str(result.background_segments),
        },
        {"measure": "folds", "value": f"{result.folds} (grouped by {result.grouping})"},
        {"measure": "top-1 accuracy", "value": pct(result.top1)},
        {"measure": "top-3 accuracy", "value": pct(result.top3)},
        {"measure": "baseline top-1 (TF-IDF + LR)", "value": pct(result.baseline_top1)},
        {"measure": "baseline top-3 (TF-IDF + LR)", "value": pct(result.baseline_top3)},
        {"measure": "zero-shot top-3", "value": pct(result.zero_shot_top3)},
        {"measure": "chance top-3", "value": pct(result.chance_top3)},
        {
            "measure": f"Cohen's kappa at {threshold:g}",
            "value": num(result.agreement["cohen_kappa"]),
        },
        {
            "measure": f"Krippendorff's alpha at {threshold:g}",
            "value": num(result.agreement["krippendorff_alpha"]),
        },
    ]
    render_rows(
        summary, ["measure", "value"], fmt, title=f"Suggestions vs {coder} ({result.model})"
    )
    curve = [
        {
            "examples_per_code": p["examples_per_code"],
            "top3": pct(p["top3"]),
            "baseline_top3": pct(p["baseline_top3"]),
        }
        for p in result.learning_curve
    ]
    render_rows(curve, ["examples_per_code", "top3", "baseline_top3"], fmt, title="Learning curve")
    render_rows(
        result.per_code,
        ["code_id", "label", "support", "precision", "recall", "f1"],
        fmt,
        title="Per code",
    )
