"""The simulator at the size of the scale targets (slow tier)."""

from __future__ import annotations

import json
import resource
from pathlib import Path

import pytest

from accord.simulate import simulate_company


@pytest.mark.slow
def test_a_hundred_thousand_accounts_stream_with_bounded_memory(tmp_path: Path) -> None:
    summary = simulate_company(tmp_path, accounts=100_000, seed=11)
    rows = {f.path.name: f.rows for f in summary.files}
    assert rows["hubspot-contacts.csv"] > 900_000
    assert rows["accord-touchpoints.csv"] > 8_000_000
    truth = json.loads(summary.ground_truth_path.read_text())
    for rep in truth["sla"]["reps"].values():  # 15,000+ hand-offs a rep: tight agreement
        assert abs(rep["realised"]["breach_rate"] - rep["planted"]["breach_rate"]) < 0.015
    smb = truth["retention"]["segments"]["smb"]
    first = smb["periods"]["1"]
    assert first["churned"] / first["at_risk"] == pytest.approx(
        smb["mean_churn_per_period"], abs=0.015
    )
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    assert peak_mb < 2_000
