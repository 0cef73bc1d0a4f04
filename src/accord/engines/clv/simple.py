"""The simple contractual lifetime value: ARPA x gross margin / churn rate.

With a constant churn rate ``c`` per period, lifetimes are geometric with mean
``1/c`` periods, so undiscounted lifetime value is ``ARPA x margin / c``. It ignores
discounting and, more importantly, heterogeneity: a cohort's churn falls with tenure
because the likeliest churners leave first, so this form *understates* the value of a
customer base (Fader & Hardie 2010). It is reported, labelled as the simple form, because
it is what finance teams compute; prefer :mod:`accord.engines.clv.sbg` when cohort
renewal data exist.

References
----------
Fader, P. S. & Hardie, B. G. S. (2010). Customer-base valuation in a contractual setting:
the perils of ignoring heterogeneity. *Marketing Science* 29(1), 85-93 (section 2).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from accord.errors import InputError

__all__ = ["SimpleLTV", "simple_ltv"]

SIMPLE_LTV_FORMULA = "ARPA x gross margin / churn rate"


@dataclass(frozen=True, slots=True)
class SimpleLTV:
    """Result of :func:`simple_ltv`.

    Attributes
    ----------
    status
        ``"ok"`` or ``"zero_churn"`` (no churn observed: the simple form is unbounded and
        ``value`` is ``None``; fit a cohort model or use a horizon instead).
    value
        Lifetime gross profit per account, in the currency of ``arpa``.
    expected_lifetime
        ``1 / churn_rate`` periods (``None`` with zero churn).
    arpa, gross_margin, churn_rate
        The inputs, per period.
    formula
        Always ``"ARPA x gross margin / churn rate"``: the label to show with the value.
    """

    status: Literal["ok", "zero_churn"]
    value: float | None
    expected_lifetime: float | None
    arpa: float
    gross_margin: float
    churn_rate: float
    formula: str = SIMPLE_LTV_FORMULA


def simple_ltv(*, arpa: float, gross_margin: float, churn_rate: float) -> SimpleLTV:
    """Simple lifetime value ``ARPA x gross margin / churn rate``.

    Parameters
    ----------
    arpa
        Average revenue per account per period (e.g. monthly).
    gross_margin
        Gross margin as a share of revenue, at most 1 (0.8 for 80 %).
    churn_rate
        Share of accounts lost per period, in ``[0, 1]``, same period as ``arpa``.

    Returns
    -------
    SimpleLTV
        The value, or ``status="zero_churn"`` when ``churn_rate`` is 0.

    Examples
    --------
    >>> simple_ltv(arpa=100.0, gross_margin=0.8, churn_rate=0.02).value
    4000.0
    >>> simple_ltv(arpa=100.0, gross_margin=0.8, churn_rate=0.0).status
    'zero_churn'
    """
    values = {"arpa": arpa, "gross_margin": gross_margin, "churn_rate": churn_rate}
    if not all(math.isfinite(v) for v in values.values()):
        raise InputError("ARPA, gross margin and churn rate must be finite numbers.")
    if not 0.0 <= churn_rate <= 1.0:
        raise InputError(
            f"Churn rate {churn_rate} is not a share between 0 and 1.",
            hint="Give churn per period as a fraction, e.g. 0.02 for 2 % a month.",
        )
    if gross_margin > 1.0:
        raise InputError(
            f"Gross margin {gross_margin} exceeds 1.",
            hint="Give the margin as a fraction, e.g. 0.8 for 80 %.",
        )
    if churn_rate == 0.0:
        return SimpleLTV("zero_churn", None, None, arpa, gross_margin, churn_rate)
    return SimpleLTV(
        "ok", arpa * gross_margin / churn_rate, 1.0 / churn_rate, arpa, gross_margin, churn_rate
    )
