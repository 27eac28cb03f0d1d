"""``themekit agree`` (agreement and disagreements) and ``themekit reconcile``."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from themekit.cli.app import app, env, open_project
from themekit.cli.render import FORCE_OPTION
from themekit.errors import AgreementError, ThresholdNotMet

if TYPE_CHECKING:
    from themekit.agree.report import AgreementReport
    from themekit.project import Project


class AgreeFormat(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"
    md = "md"
    docx = "docx"


class Unit(str, Enum):
    segment = "segment"
    character = "character"


class Level(str, Enum):
    code = "code"
    theme = "theme"
    category = "category"


class Pool(str, Enum):
    used_codes = "used-codes"
    all_codes = "all-codes"


class Fold(str, Enum):
    to_child = "to-child"
    report = "report"


class Weights(str, Enum):
    linear = "linear"
    quadratic = "quadratic"


class By(str, Enum):
    source = "source"


class NeitherCoded(str, Enum):
    na = "na"
    one = "one"


def _coders(text: str, project: Project) -> list[str]:
    names = [c.strip() for c in text.split(",") if c.strip()]
    if len(names) < 2:
        raise AgreementError(
            "Agreement needs at least two coders.", hint="Name them with --coders A,B."
        )
    from themekit.coding.coders import require_known

    return [require_known(project, name) for name in names]


CODERS = typer.Option(..., "--coders", help="Comma-separated coder names, e.g. ana,ben.")
TRANSCRIPTS = typer.Option(
    None,
    "--transcripts",
    "-t",
    help="Transcripts to compare (default: those every coder marked done). Repeatable.",
)
PARTIAL = typer.Option(
    False, "--include-partial", help="Also use transcripts every coder coded but did not mark done."
)


@app.command()
def agree(
    coders: str = CODERS,
    transcripts: list[str] | None = TRANSCRIPTS,
    include_partial: bool = PARTIAL,
    unit: Unit | None = typer.Option(
        None,
        "--unit",
        help="Unit of comparison: segment (default) or character (NVivo's; the default"
        " with --by source).",
    ),
    level: Level = typer.Option(
        Level.code,
        "--level",
        help="code: as coded; theme: collapse onto second-level codes; category: onto"
        " top-level codes (e.g. Benefits).",
    ),
    domain: str | None = typer.Option(
        None,
        "--domain",
        help="Treat the children of this code as mutually exclusive categories.",
    ),
    fmt: AgreeFormat = typer.Option(AgreeFormat.table, "--format", "-f", help="Output format."),
    output: Path | None = typer.Option(
        None, "--output", "-o", help="Write to a file ('-': standard output)."
    ),
    force: bool = FORCE_OPTION,
    ci: float = typer.Option(0.95, "--ci", help="Confidence level of the bootstrap intervals."),
    bootstrap: int = typer.Option(
        1000, "--bootstrap", help="Bootstrap resamples of units (0: no intervals)."
    ),
    seed: int = typer.Option(
        0, "--seed", help="Random seed; the same seed gives the same intervals."
    ),
    min_alpha: float | None = typer.Option(
        None, "--min-alpha", help="Exit with code 3 when pooled Krippendorff's alpha is below."
    ),
    min_kappa: float | None = typer.Option(
        None, "--min-kappa", help="Exit with code 3 when pooled kappa (Cohen/Fleiss) is below."
    ),
    under: str | None = typer.Option(
        None,
        "--under",
        help="Compare only this code and the codes below it (id or path), e.g. one theme.",
    ),
    pool: Pool = typer.Option(
        Pool.used_codes,
        "--pool",
        help="Codes behind the pooled figures and the mean: those at least one coder used,"
        " or all codes (unused codes inflate percent agreement, AC1 and Brennan-Prediger).",
    ),
    fold: Fold = typer.Option(
        Fold.to_child,
        "--fold",
        help="--domain: a coding on a code below a category counts as that category"
        " (to-child), or is not counted and listed (report).",
    ),
    weights: Weights = typer.Option(
        Weights.quadratic,
        "--weights",
        help="--domain with numeric category values: weights of the weighted kappa, AC2,"
        " weighted Fleiss/Conger kappa and Brennan-Prediger.",
    ),
    by: By | None = typer.Option(
        None,
        "--by",
        help="source: also one NVivo-style row per code and transcript (character counts).",
    ),
    neither_coded: NeitherCoded = typer.Option(
        NeitherCoded.na,
        "--neither-coded",
        help="Kappa where neither coder coded a code (in a source): na (undefined, no"
        " variation) or one (NVivo's convention). Character unit.",
    ),
    show_all: bool = typer.Option(
        False, "--all", help="Table format: every coefficient and count, not the compact table."
    ),
    disagreements: bool = typer.Option(
        False,
        "--disagreements",
        help="Instead of the statistics, list each line where the coders differ, by code"
        " (md, csv, json or docx).",
    ),
) -> None:
    """Inter-coder agreement per code and pooled, with bootstrap confidence intervals.

    The default table is compact (counts, percent agreement, kappa or alpha with its
    interval) with a one-line summary; --all, json, csv, md and docx give every
    coefficient: percent agreement, Cohen's, Fleiss' and Conger's kappa, Krippendorff's
    alpha, Scott's pi, Gwet's AC1, Brennan-Prediger, Bangdiwala's B, the prevalence and
    bias indices and, for --domain with numeric values, ordinal/interval/ratio alpha and
    the weighted coefficients. See docs/agreement.md for every formula.
    """
    from themekit.files.writer import check_destination, wants_stdout

    if wants_stdout(output):
        output = None  # "-o -" asks for standard output, as no -o does
    if fmt == AgreeFormat.docx and output is None:
        raise AgreementError("docx output needs a file.", hint="Add -o FILE.docx.")
    if output is not None:
        check_destination(output, overwrite=force)  # before any work
    project = open_project()
    names = _coders(coders, project)
    if disagreements:
        from themekit.cli.cmd_export import raw_disagreements

        raw_disagreements(
            project, names, transcripts, include_partial, level.value, fmt.value, output, force
        )
        return
    if by is not None and unit == Unit.segment:
        raise AgreementError(
            "--by source counts characters, as NVivo's coding comparison does.",
            hint="Drop --unit segment (--by source uses --unit character).",
        )
    chosen_unit = unit or (Unit.character if by is not None else Unit.segment)
    from themekit.agree.report import threshold_failures
    from themekit.agree.service import compute_agreement

    e = env()
    with e.progress("Computing agreement", None):
        report = compute_agreement(
            project,
            names,
            transcripts=transcripts,
            include_partial=include_partial,
            unit=chosen_unit.value,
            level=level.value,
            domain=domain,
            ci=ci,
            bootstrap=bootstrap,
            seed=seed,
            under=under,
            pool=pool.value,
            fold=fold.value,
            weights=weights.value,
            by_source=by is not None,
            neither_coded=neither_coded.value,
        )
    report.show_all = show_all
    for note in report.transcripts:
        e.message(
            f"{note.transcript}: {'included' if note.included else 'left out'} ({note.reason})"
        )
    for warning in report.extra.get("warnings", []):
        e.warn(warning)
    _render(report, fmt, output, force)
    failures = threshold_failures(report.result, min_alpha=min_alpha, min_kappa=min_kappa)
    if failures:
        raise ThresholdNotMet("; ".join(f.message for f in failures) + ".")


def _render(
    report: AgreementReport, fmt: AgreeFormat, output: Path | None, force: bool = False
) -> None:
    from themekit.files.writer import atomic_write_text, atomic_writer

    if fmt == AgreeFormat.docx:
        if output is None:
            raise AgreementError("docx output needs a file.", hint="Add -o FILE.docx.")
        from themekit.export.agreement_docx import write_agreement_docx

        with atomic_writer(output, overwrite=force) as tmp:
            write_agreement_docx(report, tmp)
        env().message(f"Wrote {output}")
        return
    if fmt == AgreeFormat.table and output is None:
        env().out.print(report.to_rich())
        return
    text = {
        AgreeFormat.json: report.to_json,
        AgreeFormat.csv: report.to_csv,
        AgreeFormat.md: report.to_markdown,
        AgreeFormat.table: report.to_markdown,
    }[fmt]()
    if output is None:
        env().write(text)
    else:
        atomic_write_text(output, text, overwrite=force)
        env().message(f"Wrote {output}")


@app.command()
def reconcile(
    coders: str = CODERS,
    into: str = typer.Option(..., "--into", help="Name of the consensus coder to create."),
    decisions: Path | None = typer.Option(
        None,
        "--decisions",
        help="A table of decisions, CSV or .xlsx (transcript, line, decision, code, memo).",
    ),
    transcripts: list[str] | None = TRANSCRIPTS,
    include_partial: bool = PARTIAL,
) -> None:
    """Build a consensus coder: agreed codings are copied, each disagreement decided.

    Without --decisions, in a terminal, opens the reconciliation app (keys: 1/2 or a/b
    take a coder's codes, B both, N neither, o another code, m memo, j/k move, s skip,
    ? help, q quit). With piped input it asks line by line instead: type a coder's name
    (or its first letter), 'both', 'neither', 'code ID', 'memo TEXT', 'skip' or 'quit'.
    Every decision is saved at once, and a second run continues where the first stopped.
    """
    from themekit.agree.reconcile import (
        apply_agreed,
        plan_reconciliation,
        reconcile_with_decisions,
        undecided,
    )
    from themekit.coding.service import CodingSession

    project = open_project()
    names = _coders(coders, project)
    if into in names:
        raise AgreementError(
            f"--into {into} is one of the coders being reconciled.",
            hint="Choose a new name such as 'consensus'.",
        )
    plan = plan_reconciliation(
        project, names, transcripts=transcripts, include_partial=include_partial
    )
    session = CodingSession(project, into)
    e = env()
    if decisions is not None:
        # The whole file is checked before the consensus coder gets anything.
        added, n = reconcile_with_decisions(plan, session, decisions)
        e.message(f"{into}: {added} agreed codings copied; {len(plan.disputed)} lines to decide.")
        e.message(f"{into}: {n} decisions applied from {decisions}.")
        return
    added = apply_agreed(plan, session)
    e.message(f"{into}: {added} agreed codings copied; {len(plan.disputed)} lines to decide.")
    if sys.stdin.isatty() and sys.stdout.isatty():
        # In a terminal the disagreements are walked in the reconciliation app; piped
        # input (scripts, tests) gets the line-by-line prompts (cli/reconcile_prompt.py).
        from themekit.coding.tui.reconcile_app import run_reconcile_app

        made = run_reconcile_app(project, plan, session)
        left = len(undecided(plan, session))
        if left == 0:
            e.message(_all_decided(made, into))
        else:
            e.message(f"{made} decisions saved; {left} lines left: run again to continue.")
        return
    from themekit.cli.reconcile_prompt import prompt_decisions

    run = prompt_decisions(e, plan, session, names)
    if run.quit:
        e.message(f"{run.decided} decisions saved; run again to continue.")
    elif run.left == 0:
        e.message(_all_decided(run.decided, into))
    else:
        e.message(f"{run.decided} decisions saved; {run.left} lines left (skipped).")


def _all_decided(made: int, into: str) -> str:
    return (
        f"{made} decisions saved; every disputed line is decided. Check the result with"
        f" 'themekit codings list --coder {into}' and mark it done with"
        f" 'themekit transcripts done ... --coder {into}'."
    )
