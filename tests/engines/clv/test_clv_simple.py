"""The labelled simple LTV form and its reason code."""

from __future__ import annotations

import math

import pytest

from accord.engines.clv.simple import SimpleLTV, simple_ltv
from accord.errors import InputError


def test_value_and_label() -> None:
    result = simple_ltv(arpa=250.0, gross_margin=0.75, churn_rate=0.03)
    assert result.status == "ok"
    assert result.value == pytest.approx(6250.0)
    assert result.expected_lifetime == pytest.approx(1 / 0.03)
    assert result.formula == "ARPA x gross margin / churn rate"


def test_is_the_geometric_lifetime_sum() -> None:
    # Constant churn c: survival (1-c)^t, sum over t >= 0 = 1/c periods paid.
    c, arpa, margin = 0.05, 80.0, 0.6
    series = sum(arpa * margin * (1 - c) ** t for t in range(2000))
    assert simple_ltv(arpa=arpa, gross_margin=margin, churn_rate=c).value == pytest.approx(series)


def test_zero_churn_is_a_reason_code() -> None:
    result = simple_ltv(arpa=100.0, gross_margin=0.8, churn_rate=0.0)
    assert result == SimpleLTV("zero_churn", None, None, 100.0, 0.8, 0.0)


@pytest.mark.parametrize(
    ("arpa", "margin", "churn"),
    [(100.0, 0.8, 1.5), (100.0, 0.8, -0.1), (100.0, 80.0, 0.1), (math.nan, 0.8, 0.1)],
)
def test_invalid_inputs(arpa: float, margin: float, churn: float) -> None:
    with pytest.raises(InputError):
        simple_ltv(arpa=arpa, gross_margin=margin, churn_rate=churn)
