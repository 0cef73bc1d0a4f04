"""Forecast accuracy: a hand-built pipeline with stage history, the simulated company's
opportunity export re-computed with pandas, and the in-sample calibration identity."""

from __future__ import annotations

import datetime as dt
import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import ibis
import pandas as pd
import pytest

from accord.engines.forecast import forecast_accuracy

D = dt.datetime
_NAME = "accord_tests_simulated_company"


def _helper() -> ModuleType:
    if _NAME not in sys.modules:
        path = Path(__file__).parent / "funnel" / "simulated.py"
        spec = importlib.util.spec_from_file_location(_NAME, path)
        assert spec is not None
        assert spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[_NAME] = module
        spec.loader.exec_module(module)
    return sys.modules[_NAME]


@pytest.fixture(scope="module")
def company(tmp_path_factory: pytest.TempPathFactory) -> Any:
    return _helper().simulated_company(tmp_path_factory.mktemp("company"))


# -------------------------------------------------------------------- by hand
# o1 proposal (since 01-25) won 02-15, 100; o2 discovery lost 02-20, 200; o3 discovery,
# proposal 02-10, won 03-05, 300; o4 created 02-05 won 02-25, 50 (new in the period);
# o5 created 03-01, proposal 03-20, still open, 400. Teams: o1-o3 A, o4-o5 B.
OPPS = {
    "opportunity_id": ["o1", "o2", "o3", "o4", "o5"],
    "created_at": [D(2024, 1, 10), D(2024, 1, 15), D(2024, 1, 20), D(2024, 2, 5), D(2024, 3, 1)],
    "closed_at": [D(2024, 2, 15), D(2024, 2, 20), D(2024, 3, 5), D(2024, 2, 25), D(2024, 6, 30)],
    "amount": [100.0, 200.0, 300.0, 50.0, 400.0],
    "won": [True, False, True, True, False],
    "is_closed": [True, True, True, True, False],
    "team": ["A", "A", "A", "B", "B"],
}
HISTORY = [
    ("o1", "discovery", D(2024, 1, 10)), ("o1", "proposal", D(2024, 1, 25)),
    ("o2", "discovery", D(2024, 1, 15)), ("o3", "discovery", D(2024, 1, 20)),
    ("o3", "proposal", D(2024, 2, 10)), ("o4", "discovery", D(2024, 2, 5)),
    ("o5", "discovery", D(2024, 3, 1)), ("o5", "proposal", D(2024, 3, 20)),
]  # fmt: skip


def _run(**kw: Any) -> dict[tuple[str, str], dict[str, Any]]:
    hist = ibis.memtable(
        {"opportunity_id": [h[0] for h in HISTORY], "stage": [h[1] for h in HISTORY],
         "ts": [h[2] for h in HISTORY]}
    )  # fmt: skip
    r = forecast_accuracy(
        ibis.memtable(OPPS), start=D(2024, 2, 1), end=D(2024, 5, 1), stage_history=hist, **kw
    )
    assert r.kind == "forecast"
    return {(x["group"], x["period"]): x for x in r.rows()}, r  # type: ignore[return-value]


def test_in_sample_forecast_by_hand() -> None:
    rows, r = _run(learn="all")  # type: ignore[misc]
    # snapshots: Feb o1 proposal (won), o2 o3 discovery; Mar o3 proposal (won); Apr o5
    # proposal. p(proposal) = 2/3, p(discovery) = 0/2.
    feb, mar, apr, total = (rows[("all", p)] for p in ("2024-02", "2024-03", "2024-04", "(all)"))
    assert (feb["open_deals"], feb["pipeline"]) == (3, 600.0)
    assert feb["forecast"] == pytest.approx(100 * 2 / 3)
    assert (feb["actual"], feb["actual_from_pipeline"], feb["actual_from_new"]) == (
        150.0,
        100.0,
        50.0,
    )
    assert (mar["forecast"], mar["actual"]) == (pytest.approx(200.0), 300.0)
    assert (apr["forecast"], apr["actual"], apr["pct_error"]) == (pytest.approx(800 / 3), 0.0, None)
    assert total["forecast"] == pytest.approx(1600 / 3)
    assert total["pct_error"] == pytest.approx((1600 / 3 - 450) / 450)  # bias
    assert total["mape"] == pytest.approx(((150 - 200 / 3) / 150 + 100 / 300) / 2)
    assert r.note("no_bookings").detail == "2024-04/all"
    assert r.note("sparse_stage").detail == "discovery, proposal"
    assert r.param("stages") == "history"


def test_prior_periods_only_means_no_look_ahead() -> None:
    rows, r = _run(learn="prior")  # type: ignore[misc]
    # February has no earlier period to learn from; March learns from February only
    # (proposal 1/1), April from February and March (proposal 2/2)
    assert rows[("all", "2024-02")]["forecast"] is None
    assert rows[("all", "2024-03")]["forecast"] == 300.0
    assert rows[("all", "2024-04")]["forecast"] == 400.0
    assert r.note("no_history").count == 2  # February: discovery and proposal


def test_by_team() -> None:
    rows, _ = _run(learn="all", by="team")  # type: ignore[misc]
    assert rows[("A", "2024-02")]["forecast"] == pytest.approx(100 * 2 / 3)
    assert (rows[("B", "2024-02")]["actual"], rows[("B", "2024-02")]["open_deals"]) == (50.0, 0)
    assert rows[("B", "2024-04")]["forecast"] == pytest.approx(800 / 3)


# -------------------------------------------------------------------- simulated company
def _pandas_forecast(company: Any, learn: str) -> pd.DataFrame:
    """Age-bucket stages and within-quarter win rates, written with pandas from the raw
    Salesforce opportunity export."""
    o = pd.read_csv(company.folder / "salesforce-opportunities.csv", dtype=str)
    o = o[o.Amount.astype(float) >= 0]  # the planted bad row, quarantined by the loader
    c = pd.to_datetime(o["Created Date"], format="%m/%d/%Y")
    k = pd.to_datetime(o["Close Date"], format="%m/%d/%Y")
    amount, closed, won = o.Amount.astype(float), o.Closed == "TRUE", o.Won == "TRUE"
    quarters = pd.date_range(company.start, company.end, freq="QS", inclusive="left")
    snaps, actual = [], {}
    for q in quarters:
        q_end = q + pd.offsets.QuarterBegin(startingMonth=1)
        open_ = (c < q) & (~closed | (k >= q))
        age = (q - c[open_]).dt.total_seconds() / 86400
        bucket = pd.cut(age, [0, 30, 90, 180, float("inf")], right=False, labels=False)
        won_in = (won & closed & (k >= q) & (k < q_end))[open_]
        snaps.append(
            pd.DataFrame({"q": q, "stage": bucket, "amount": amount[open_], "won": won_in})
        )
        actual[q] = amount[won & closed & (k >= q) & (k < q_end)].sum()
    s = pd.concat(snaps)
    out = []
    for q in quarters:
        q_end = q + pd.offsets.QuarterBegin(startingMonth=1)
        hist = s if learn == "all" else s[s.q + pd.offsets.QuarterBegin(startingMonth=1) <= q]
        p = hist.groupby("stage").won.mean()
        now = s[s.q == q]
        pooled = hist.won.mean() if len(hist) else None  # a stage never seen: all stages' rate
        if now.empty:
            f = 0.0
        elif pooled is None:
            f = None
        else:
            f = (now.amount * now.stage.map(p).fillna(pooled)).sum()
        out.append({"q": q, "forecast": f, "actual": actual[q]})
    return pd.DataFrame(out).set_index("q")


@pytest.mark.parametrize("learn", ["all", "prior"])
def test_simulated_forecast_equals_pandas(company: Any, learn: str) -> None:
    r = forecast_accuracy(
        company.opportunities, start=company.start, end=company.end, grain="quarter", learn=learn
    )
    want = _pandas_forecast(company, learn)
    for row in r.rows():
        if row["period"] == "(all)":
            continue
        w = want.loc[pd.Timestamp(row["period_start"])]
        assert row["actual"] == pytest.approx(w["actual"])
        if w["forecast"] is None or pd.isna(w["forecast"]):
            assert row["forecast"] is None
        else:
            assert row["forecast"] == pytest.approx(w["forecast"])


def test_in_sample_forecast_adds_up_to_bookings_from_the_starting_pipeline(company: Any) -> None:
    """Stage probabilities are count-based win rates, so with unit amounts and
    probabilities learned in-sample the forecast reproduces exactly the deals won from
    the pipelines open at the period starts: sum_s p(s) n(s) = sum_s won(s)."""
    o = company.opportunities.mutate(amount=ibis.literal(1.0))
    r = forecast_accuracy(o, start=company.start, end=company.end, grain="quarter", learn="all")
    total = next(x for x in r.rows() if x["period"] == "(all)")
    assert total["forecast"] == pytest.approx(total["actual_from_pipeline"])
    assert total["actual_from_new"] > 0  # deals created and won within a quarter (SMB)
