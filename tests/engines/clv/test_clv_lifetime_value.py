"""Discounted CLV against lifetimes 0.11.3 ``customer_lifetime_value``, plus invariants."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from accord.engines.clv.bgnbd import BGNBDParams
from accord.engines.clv.gammagamma import GammaGammaParams
from accord.engines.clv.lifetime_value import customer_lifetime_value

BG = BGNBDParams(r=0.243, alpha=4.414, a=0.793, b=2.426)
GG = GammaGammaParams(p=6.25, q=3.74, gamma=15.44)
RFM = {
    "frequency": [0, 2, 1, 6],
    "recency": [0.0, 30.43, 1.71, 35.0],
    "T": [38.86, 38.86, 38.86, 38.0],
    "monetary_value": [0.0, 22.35, 11.77, 40.0],
}


def test_matches_lifetimes(lifetimes_reference: dict[str, Any]) -> None:
    bg = BGNBDParams(**lifetimes_reference["bgnbd"]["params"])
    g = lifetimes_reference["gamma_gamma"]["params"]
    gg = GammaGammaParams(p=g["p"], q=g["q"], gamma=g["v"])
    c = lifetimes_reference["customers"]
    setup = lifetimes_reference["customer_lifetime_value"]
    ours = customer_lifetime_value(
        bg,
        gg,
        frequency=c["x"],
        recency=c["t_x"],
        T=c["T"],
        monetary_value=c["zbar"],
        periods=setup["time"],
        period_length=setup["weeks_per_month"],  # lifetimes' freq="W" factor
        discount_rate=setup["discount_rate"],
    )
    np.testing.assert_allclose(ours, setup["value"], rtol=1e-9)


def test_margin_scales_and_discounting_lowers_value() -> None:
    base = customer_lifetime_value(BG, GG, **RFM)
    assert np.all(base > 0)
    np.testing.assert_allclose(customer_lifetime_value(BG, GG, **RFM, margin=0.3), 0.3 * base)
    undiscounted = customer_lifetime_value(BG, GG, **RFM, discount_rate=0.0)
    assert np.all(undiscounted > base)
    longer = customer_lifetime_value(BG, GG, **RFM, periods=24)
    assert np.all(longer > base)


def test_undiscounted_value_is_expected_purchases_times_spend() -> None:
    from accord.engines.clv import conditional_expected_purchases, conditional_expected_value

    value = customer_lifetime_value(BG, GG, **RFM, periods=6, period_length=2.0, discount_rate=0)
    rfm = {k: RFM[k] for k in ("frequency", "recency", "T")}
    expected = conditional_expected_purchases(BG, 12.0, **rfm) * conditional_expected_value(
        GG, frequency=RFM["frequency"], monetary_value=RFM["monetary_value"]
    )
    np.testing.assert_allclose(value, expected, rtol=1e-12)


def test_rejects_nonsense_horizon() -> None:
    with pytest.raises(ValueError, match="periods"):
        customer_lifetime_value(BG, GG, **RFM, periods=0)
