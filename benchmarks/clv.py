"""Benchmark: BG/NBD fitted by ``lifetimes`` 0.11.3 and by Accord on the same data, one run.

Usage::

    .venv/bin/python benchmarks/clv.py                # CDNOW x100 = 235,700 customers
    .venv/bin/python benchmarks/clv.py --replicate 10
    .venv/bin/python benchmarks/clv.py --write-reference tests/fixtures/clv/lifetimes_reference.json

The peer runs in its own virtual environment, ``benchmarks/.venvs/lifetimes``, created on
first use with a pinned set that works with lifetimes 0.11.3 (it predates NumPy 2 and
pandas 2). Both sides fit the same RFM summary: the CDNOW sample's 39-week calibration
summary (built from the transaction file by ``accord.engines.clv.rfm_summary``) repeated
``--replicate`` times. Each side's fit is timed (best of ``--repeat`` runs) and its peak
traced memory measured in a separate run (``tracemalloc``); rounds alternate between
the sides so that both see the same load on a shared machine. Accord is timed twice: with
identical ``(x, t_x, T)`` rows pooled (the default; exact, see ``_optimize.compress_rows``)
and on all rows without pooling. ``lifetimes`` is called as users call it:
``BetaGeoFitter().fit(frequency, recency, T)``.

``--write-reference`` also has the peer compute predictions on the published CDNOW summary
and writes them to a JSON file that the tests compare Accord against.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import subprocess
import sys
import tempfile
import time
import tracemalloc
from dataclasses import dataclass
from pathlib import Path

import ibis
import numpy as np

from accord.engines.clv import BGNBDParams, fit_bgnbd, rfm_summary
from accord.engines.clv.bgnbd import bgnbd_log_likelihood

ROOT = Path(__file__).resolve().parents[1]
VENV = ROOT / "benchmarks" / ".venvs" / "lifetimes"
CDNOW = ROOT / "tests" / "fixtures" / "clv" / "CDNOW_sample.txt"
CDNOW_SUMMARY = (
    ROOT / "tests" / "fixtures" / "clv" / "cdnow_customers_summary_with_transactions.csv"
)
# A set that installs and runs on Python 3.11 (lifetimes 0.11.3 needs numpy<2, pandas<2).
PEER_PINS = [
    "lifetimes==0.11.3",
    "numpy==1.26.4",
    "pandas==1.5.3",
    "scipy==1.12.0",
    "autograd==1.9.1",
    "dill==0.4.1",
]

PEER_FIT = r"""
import json, sys, time, tracemalloc, warnings
import numpy as np
warnings.simplefilter("ignore")
from lifetimes import BetaGeoFitter

data = np.load(sys.argv[1])
x, t_x, T = data["x"], data["t_x"], data["T"]
repeat = int(sys.argv[2])
times = []
for _ in range(repeat):
    start = time.perf_counter()
    fitter = BetaGeoFitter().fit(x, t_x, T)
    times.append(time.perf_counter() - start)
tracemalloc.start()
BetaGeoFitter().fit(x, t_x, T)
peak = tracemalloc.get_traced_memory()[1]
tracemalloc.stop()
params = fitter.params_
print(json.dumps({
    "seconds": min(times),
    "peak_bytes": peak,
    "params": [float(params[k]) for k in ("r", "alpha", "a", "b")],
}))
"""

PEER_REFERENCE = r"""
import json, sys, warnings
import numpy as np, pandas as pd
warnings.simplefilter("ignore")
import lifetimes
from lifetimes import BetaGeoFitter, GammaGammaFitter

d = pd.read_csv(sys.argv[1])
bgf = BetaGeoFitter().fit(d["x"], d["t_x"], d["T"])
rb = d[d["x"] > 0]
ggf = GammaGammaFitter().fit(rb["x"], rb["zbar"])
rows = d.iloc[:20]
out = {
    "lifetimes_version": lifetimes.__version__,
    "data": "cdnow_customers_summary_with_transactions.csv",
    "bgnbd": {
        "params": {k: float(v) for k, v in bgf.params_.items()},
        "standard_errors": {k: float(v) for k, v in bgf.summary["se(coef)"].items()},
    },
    "gamma_gamma": {
        "params": {k: float(v) for k, v in ggf.params_.items()},
        "standard_errors": {k: float(v) for k, v in ggf.summary["se(coef)"].items()},
    },
    "customers": {
        "x": rows["x"].tolist(), "t_x": rows["t_x"].tolist(), "T": rows["T"].tolist(),
        "zbar": rows["zbar"].tolist(),
    },
    "conditional_expected_purchases_39": bgf.conditional_expected_number_of_purchases_up_to_time(
        39, rows["x"], rows["t_x"], rows["T"]).tolist(),
    "probability_alive": bgf.conditional_probability_alive(
        rows["x"], rows["t_x"], rows["T"]).tolist(),
    "expected_purchases": {
        "t": [1.0, 13.0, 39.0, 78.0],
        "value": bgf.expected_number_of_purchases_up_to_time(
            np.array([1.0, 13.0, 39.0, 78.0])).tolist(),
    },
    "conditional_expected_average_profit": ggf.conditional_expected_average_profit(
        rows["x"], rows["zbar"]).tolist(),
    "customer_lifetime_value": {
        "time": 12, "discount_rate": 0.01, "freq": "W", "weeks_per_month": 4.345,
        "value": ggf.customer_lifetime_value(
            bgf, rows["x"], rows["t_x"], rows["T"], rows["zbar"],
            time=12, discount_rate=0.01, freq="W").tolist(),
    },
}
print(json.dumps(out, indent=1))
"""


def ensure_peer_venv() -> Path:
    """Create ``benchmarks/.venvs/lifetimes`` with the pinned peer set if it is missing."""
    python = VENV / "bin" / "python"
    if python.exists():
        return python
    print(f"creating {VENV} with {' '.join(PEER_PINS)} ...", file=sys.stderr)
    subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    subprocess.run([str(python), "-m", "pip", "install", "-q", *PEER_PINS], check=True)
    return python


def cdnow_summary(replicate: int) -> dict[str, np.ndarray]:
    """CDNOW 39-week calibration summary from the transaction file, repeated."""
    raw = np.loadtxt(CDNOW, dtype=str)
    transactions = ibis.memtable(
        {
            "customer": raw[:, 1].astype(int),
            "date": [dt.datetime.strptime(d, "%Y%m%d").date() for d in raw[:, 2]],
        }
    )
    summary = rfm_summary(
        transactions, customer_col="customer", date_col="date", calibration_end="1997-09-30"
    ).to_pyarrow()
    return {
        "x": np.tile(summary["frequency"].to_numpy().astype(np.float64), replicate),
        "t_x": np.tile(summary["recency"].to_numpy(), replicate),
        "T": np.tile(summary["T"].to_numpy(), replicate),
    }


@dataclass(frozen=True)
class Run:
    """One side's result: best time, traced peak memory, parameters, rows evaluated."""

    seconds: float
    peak_bytes: int
    params: list[float]
    rows: int


def time_ours(data: dict[str, np.ndarray], *, compress: bool, repeat: int) -> Run:
    """Best-of-``repeat`` time and traced peak memory of Accord's fit."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fit = fit_bgnbd(frequency=data["x"], recency=data["t_x"], T=data["T"], compress=compress)
        times.append(time.perf_counter() - start)
    tracemalloc.start()
    fit_bgnbd(frequency=data["x"], recency=data["t_x"], T=data["T"], compress=compress)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    if fit.params is None or fit.status != "ok":
        raise SystemExit(f"accord fit failed: {fit.status}")
    return Run(min(times), peak, fit.params.as_array().tolist(), fit.n_distinct_rows)


def run_peer(python: Path, script: str, *args: str) -> str:
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as handle:
        handle.write(script)
    done = subprocess.run(
        [str(python), handle.name, *args], check=True, capture_output=True, text=True
    )
    Path(handle.name).unlink()
    return done.stdout


def sig4(values: list[float]) -> list[str]:
    return [f"{v:.4g}" for v in values]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--replicate", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3, help="timed rounds (best kept)")
    parser.add_argument("--write-reference", type=Path, help="write the peer's CDNOW reference")
    args = parser.parse_args()

    python = ensure_peer_venv()
    if args.write_reference:
        args.write_reference.write_text(run_peer(python, PEER_REFERENCE, str(CDNOW_SUMMARY)))
        print(f"wrote {args.write_reference}")
        return

    data = cdnow_summary(args.replicate)
    n = len(data["x"])
    # Rounds alternate between the two sides so both see the same machine load.
    peer_runs, pooled_runs, all_runs = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "rfm.npz"
        np.savez(path, **data)
        for _ in range(args.repeat):
            out = json.loads(run_peer(python, PEER_FIT, str(path), "1"))
            peer_runs.append(Run(out["seconds"], out["peak_bytes"], out["params"], n))
            pooled_runs.append(time_ours(data, compress=True, repeat=1))
            all_runs.append(time_ours(data, compress=False, repeat=1))
    peer, pooled, all_rows = (min(runs, key=lambda r: r.seconds) for runs in
                              (peer_runs, pooled_runs, all_runs))  # fmt: skip
    print(f"BG/NBD on CDNOW x{args.replicate}: {n:,} customers (best of {args.repeat} runs)")
    print(f"{'':36}{'seconds':>8}{'peak MiB':>10}{'speed-up':>10}  r, alpha, a, b (4 s.f.)")
    for label, run in (
        ("lifetimes 0.11.3 BetaGeoFitter", peer),
        (f"accord, pooled ({pooled.rows:,} rows)", pooled),
        (f"accord, all rows ({all_rows.rows:,})", all_rows),
    ):
        print(
            f"{label:36}{run.seconds:8.3f}{run.peak_bytes / 2**20:10.1f}"
            f"{peer.seconds / run.seconds:9.1f}x  {', '.join(sig4(run.params))}"
        )
    for label, run in (("pooled", pooled), ("all rows", all_rows)):
        agree = sig4(peer.params) == sig4(run.params)
        print(f"parameters equal to 4 significant digits ({label}): {agree}")
    ll = {
        label: bgnbd_log_likelihood(
            BGNBDParams(*run.params), frequency=data["x"], recency=data["t_x"], T=data["T"]
        )
        for label, run in (("lifetimes", peer), ("accord", pooled))
    }
    print(
        f"log-likelihood at each side's estimates: lifetimes {ll['lifetimes']:.3f}, "
        f"accord {ll['accord']:.3f}"
    )
    print("peak = tracemalloc peak during one fit, in a separate untimed run")


if __name__ == "__main__":
    main()
