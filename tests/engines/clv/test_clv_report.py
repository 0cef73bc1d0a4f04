"""fit_transactions: the end-to-end engine call behind ``accord clv fit-file``."""

from __future__ import annotations

import datetime as dt

import ibis
import numpy as np
import pytest

from accord.engines.clv import conditional_expected_purchases, rfm_summary
from accord.engines.clv.report import fit_transactions


@pytest.fixture(scope="module")
def with_refund(cdnow_transactions: ibis.Table) -> ibis.Table:
    refund = ibis.memtable(
        {
            "customer": [99999, 99999],
            "date": [dt.date(1997, 2, 1), dt.date(1997, 3, 1)],
            "dollars": [10.0, -5.0],
        }
    )
    return cdnow_transactions.union(refund.cast(cdnow_transactions.schema()))


def test_refund_customers_get_the_population_mean_spend(with_refund: ibis.Table) -> None:
    result = fit_transactions(
        with_refund,
        customer_col="customer",
        date_col="date",
        amount_col="dollars",
        calibration_end="1997-09-30",
        observation_end="1998-06-30",
    )
    assert result.n_customers == 2358
    assert result.n_nonpositive_spend == 1
    assert result.spend is not None
    assert result.spend.n_customers == 946
    assert result.spend.params is not None
    refund = next(c for c in result.customers if c.customer == 99999)
    assert refund.expected_value == pytest.approx(result.spend.params.mean_value)
    clvs = [c.clv for c in result.customers]
    assert clvs == sorted(clvs, reverse=True)
    assert result.total_clv == pytest.approx(sum(clvs))


def test_holdout_expectation_is_the_sum_of_conditional_expectations(
    cdnow_transactions: ibis.Table,
) -> None:
    kwargs = {"customer_col": "customer", "date_col": "date", "calibration_end": "1997-09-30",
              "observation_end": "1998-06-30"}  # fmt: skip
    result = fit_transactions(cdnow_transactions, amount_col=None, **kwargs)
    assert result.spend is None
    assert np.isnan(result.total_clv)
    assert result.holdout is not None
    assert result.purchases.params is not None
    s = rfm_summary(cdnow_transactions, **kwargs).to_pyarrow()
    expected = conditional_expected_purchases(
        result.purchases.params, 39.0, frequency=s["frequency"], recency=s["recency"], T=s["T"]
    )
    assert result.holdout.expected == pytest.approx(expected.sum(), rel=1e-12)
    assert result.holdout.actual == int(np.sum(s["frequency_holdout"]))
