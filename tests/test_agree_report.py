"""The agreement report: JSON, CSV, Markdown and terminal renderings, and thresholds.

The fixture is two coders on ten fictional segments and two codes:

* "Benefits > Filling a gap": both 2, A only 1, B only 1, neither 6. p_o = .8,
  p_e = .3 * .3 + .7 * .7 = .58, kappa = .22 / .42 = 0.524.
* "Challenges > Funding": nobody applied it, so kappa is "n/a: no variation".
* Pooled (20 decisions): p_o = .9, p_e = .15^2 + .85^2 = .745, kappa = .155 / .255 = 0.608.
"""

from __future__ import annotations

import csv
import io
import json

import numpy as np
import pytest
from rich.console import Console

from themekit.agree.bootstrap import bootstrap_ci
from themekit.agree.coefficients import (
    agreement_nominal,
    confusion_matrix,
    per_code_and_pooled,
)
from themekit.agree.report import (
    AgreementReport,
    CodeInfo,
    TranscriptNote,
    domain_agreement,
    threshold_failures,
)

GAP = np.array(
    [[1, 1], [1, 1], [1, 0], [0, 0], [0, 0], [0, 0], [0, 0], [0, 0], [0, 0], [0, 1]], dtype=float
)
FUNDING = np.zeros((10, 2))
CODES = {
    "c1": CodeInfo("c1", "Benefits > Filling a gap", "Filling a gap"),
    "c2": CodeInfo("c2", "Challenges > Funding", "Funding"),
}
TRANSCRIPTS = (
    TranscriptNote("P01", True, "coded by both"),
    TranscriptNote("P02", False, "coded by ana only"),
)


@pytest.fixture
def report() -> AgreementReport:
    matrices = {"c1": GAP, "c2": FUNDING}
    return AgreementReport(
        coders=("ana", "ben"),
        unit="segment",
        level="code",
        segmentation="sentence",
        codes=CODES,
        result=per_code_and_pooled(matrices),
        transcripts=TRANSCRIPTS,
        intervals=bootstrap_ci(matrices, n=200, seed=5),
        columns=("percent_agreement", "cohen_kappa", "krippendorff_alpha", "gwet_ac1"),
    )


def test_json_has_values_notes_and_no_nan(report: AgreementReport) -> None:
    text = report.to_json()
    assert "NaN" not in text
    data = json.loads(text)
    assert data["coders"] == ["ana", "ben"]
    assert (data["level"], data["segmentation"]) == ("code", "sentence")
    assert [t["transcript"] for t in data["transcripts"]] == ["P01", "P02"]
    first, second = data["per_code"]
    assert first["path"] == "Benefits > Filling a gap"
    assert first["counts"] == {
        "units": 10,
        "both": 2,
        "a_only": 1,
        "b_only": 1,
        "neither": 6,
        "split": 2,
    }
    assert first["coefficients"]["cohen_kappa"]["value"] == pytest.approx(0.22 / 0.42)
    assert second["coefficients"]["cohen_kappa"] == {
        "value": None,
        "note": "n/a: no variation",
        "ci": {"low": None, "high": None, "undefined_resamples": 200, "note": "n/a: no variation"},
    }
    assert data["pooled"]["coefficients"]["cohen_kappa"]["value"] == pytest.approx(0.155 / 0.255)
    assert data["mean_over_codes"]["coefficients"]["cohen_kappa"]["note"] == (
        "mean of 1 of 2 codes (1 n/a)"
    )
    assert data["bootstrap"] == {
        "level": 0.95,
        "resamples": 200,
        "seed": 5,
        "method": "percentile, resampling units with replacement",
    }


def test_csv_one_line_per_code_plus_pooled_lines(report: AgreementReport) -> None:
    rows = list(csv.DictReader(io.StringIO(report.to_csv())))
    assert [r["scope"] for r in rows] == ["code", "code", "pooled", "mean over codes"]
    assert rows[1]["cohen_kappa"] == "n/a: no variation"
    assert rows[1]["cohen_kappa_ci_low"] == "n/a: no variation"
    assert float(rows[0]["cohen_kappa"]) == pytest.approx(0.22 / 0.42)
    assert rows[2]["units"] == "20"
    assert rows[3]["units"] == ""
    assert "scott_pi" not in rows[0]


def test_markdown_table(report: AgreementReport) -> None:
    text = report.to_markdown()
    lines = text.splitlines()
    assert lines[0] == "Coders: ana, ben. Unit: segment (sentence). Level: code."
    assert lines[1] == "Transcripts compared: 1; left out: 1."
    assert lines[2] == "Intervals: 95% percentile bootstrap, 200 resamples of units, seed 5."
    assert (
        "| Code | Units | Both | ana only | ben only | Neither | % agree | Cohen κ | Kripp. α "
        "| Gwet AC1 |" in lines
    )
    funding = next(line for line in lines if line.startswith("| Challenges > Funding"))
    assert funding.startswith(
        "| Challenges > Funding | 10 | 0 | 0 | 0 | 10 | 1.000 [1.00, 1.00] | n/a: no variation"
    )
    assert "Note: mean of 1 of 2 codes (1 n/a)." in text
    assert "- P02: coded by ana only" in text


def test_rich_table_renders_every_row(report: AgreementReport) -> None:
    console = Console(record=True, width=250)
    console.print(report.to_rich_table())
    text = console.export_text()
    for expected in ("Benefits > Filling a gap", "(all codes, pooled)", "n/a: no variation"):
        assert expected in text


def test_more_than_two_coders_drop_two_coder_columns() -> None:
    rng = np.random.default_rng(1)
    matrices = {"c1": (rng.random((12, 3)) < 0.4).astype(float)}
    report = AgreementReport(
        coders=("ana", "ben", "cal"),
        unit="segment",
        level="theme",
        codes={"c1": CodeInfo("c1", "Benefits", "Benefits")},
        result=per_code_and_pooled(matrices),
    )
    assert report.coefficient_names() == [
        "percent_agreement",
        "fleiss_kappa",
        "krippendorff_alpha",
        "conger_kappa",
        "gwet_ac1",
        "brennan_prediger",
    ]
    assert "| Code | Units | All present | Split | All absent |" in report.to_markdown()


def test_unknown_column_is_refused() -> None:
    report = AgreementReport(
        coders=("a", "b"),
        unit="segment",
        level="code",
        codes={},
        result=per_code_and_pooled({"c": GAP}),
        columns=("kappa",),
    )
    with pytest.raises(ValueError, match="unknown coefficient"):
        report.coefficient_names()


def test_domain_section_with_confusion_matrix() -> None:
    a = ["Judiciary", "Probation", "Probation", None, "Health"]
    b = ["Judiciary", "Probation", "Health", "Health", "Health"]
    categories = ["Judiciary", "Probation", "Health"]
    ratings = np.array([a, b], dtype=object).T
    domain = domain_agreement(
        CodeInfo("d1", "Success factors", "Success factors"),
        categories,
        units=4,
        coefficients=agreement_nominal(ratings, categories),
        confusion=confusion_matrix(a, b, categories),
    )
    report = AgreementReport(
        coders=("ana", "ben"),
        unit="segment",
        level="code",
        codes=CODES,
        result=per_code_and_pooled({"c1": GAP}),
        domains=(domain,),
    )
    text = report.to_markdown()
    assert "### Domain: Success factors (3 categories, 4 units)" in text
    assert "| Cohen's kappa | 0.636 |" in text  # p_o = .75, p_e = 5/16
    assert "| Probation | 0 | 1 | 1 |" in text
    data = json.loads(report.to_json())
    assert data["domains"][0]["confusion"] == [[1, 0, 0], [0, 1, 1], [0, 0, 1]]


def test_threshold_failures_name_the_pooled_figure() -> None:
    result = per_code_and_pooled({"c1": GAP, "c2": FUNDING})
    assert threshold_failures(result, min_alpha=0.6, min_kappa=0.6) == []
    failures = threshold_failures(result, min_alpha=0.667, min_kappa=0.7)
    assert [f.message for f in failures] == [
        "pooled Krippendorff's alpha 0.618 is below --min-alpha 0.667",
        "pooled Cohen's kappa 0.608 is below --min-kappa 0.7",
    ]


def test_threshold_on_undefined_figure_fails_with_reason() -> None:
    result = per_code_and_pooled({"c2": FUNDING})
    (failure,) = threshold_failures(result, min_alpha=0.8)
    assert failure.message == (
        "pooled Krippendorff's alpha is n/a: no variation, so --min-alpha 0.8 is not met"
    )


def test_threshold_kappa_is_fleiss_with_three_coders() -> None:
    ratings = np.array([[1, 1, 0], [0, 0, 0], [1, 1, 1], [0, 1, 0]], dtype=float)
    result = per_code_and_pooled({"c": ratings})
    (failure,) = threshold_failures(result, min_kappa=0.99)
    assert failure.coefficient == "fleiss_kappa"


def test_summary_line_reads_alpha_with_krippendorffs_cutoffs_for_three_coders() -> None:
    perfect = np.array([[1, 1, 1], [0, 0, 0], [1, 1, 1], [0, 0, 0]], dtype=float)
    shaky = np.array([[1, 0, 1], [0, 0, 0], [1, 1, 0], [0, 1, 0]], dtype=float)
    report = AgreementReport(
        coders=("ana", "ben", "cal"),
        unit="segment",
        level="code",
        codes={
            "c1": CodeInfo("c1", "Benefits", "Benefits"),
            "c2": CodeInfo("c2", "Costs", "Costs"),
        },
        result=per_code_and_pooled({"c1": perfect, "c2": shaky}),
    )
    summary = report.summary()
    assert summary.startswith(
        "Krippendorff's alpha >= 0.800 on 1 of 2 codes, 0.667 to 0.800 (tentative"
        " conclusions only) on 0; lowest: Costs ("
    )
    assert "Cohen" not in summary
