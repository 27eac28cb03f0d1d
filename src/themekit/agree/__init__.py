"""Inter-coder agreement: coefficients, bootstrap intervals and reports.

``coefficients`` holds the statistics on plain numpy arrays (no store, no CLI);
``bootstrap`` the percentile intervals; ``report`` the report data and its renderings.
The CLI builds the unit-by-coder matrices from the project store and calls these.
"""

from themekit.agree.bootstrap import BootstrapResult, Interval, bootstrap_ci, bootstrap_intervals
from themekit.agree.coefficients import (
    LABELS,
    NO_VARIATION,
    AgreementResult,
    CodeAgreement,
    Coefficient,
    DecisionCounts,
    UnitStatistics,
    agreement,
    agreement_binary,
    agreement_from_counts,
    agreement_nominal,
    bangdiwala_b,
    binary_units,
    character_units,
    confusion_matrix,
    decision_counts,
    nominal_units,
    per_code_and_pooled,
    weight_matrix,
    weighted_cohen_kappa,
)
from themekit.agree.report import (
    AgreementReport,
    CodeInfo,
    DomainAgreement,
    ThresholdFailure,
    TranscriptNote,
    domain_agreement,
    threshold_failures,
)

__all__ = [
    "LABELS",
    "NO_VARIATION",
    "AgreementReport",
    "AgreementResult",
    "BootstrapResult",
    "CodeAgreement",
    "CodeInfo",
    "Coefficient",
    "DecisionCounts",
    "DomainAgreement",
    "Interval",
    "ThresholdFailure",
    "TranscriptNote",
    "UnitStatistics",
    "agreement",
    "agreement_binary",
    "agreement_from_counts",
    "agreement_nominal",
    "bangdiwala_b",
    "binary_units",
    "bootstrap_ci",
    "bootstrap_intervals",
    "character_units",
    "confusion_matrix",
    "decision_counts",
    "domain_agreement",
    "nominal_units",
    "per_code_and_pooled",
    "threshold_failures",
    "weight_matrix",
    "weighted_cohen_kappa",
]
