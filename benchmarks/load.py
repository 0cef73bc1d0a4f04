"""Benchmark: load an N-row touchpoints CSV with Accord vs a bare DuckDB ``read_csv``.

Usage::

    python benchmarks/load.py            # 10,000,000 rows
    python benchmarks/load.py --rows 1000000

One run generates an ``accord-touchpoints`` CSV (Accord's canonical layout), then loads
it twice, each in its own subprocess so that peak memory (max RSS) is measured per
loader:

- **bare DuckDB**: ``CREATE TABLE t AS SELECT * FROM read_csv(file)`` into a fresh
  DuckDB file (type sniffing, no validation);
- **Accord**: :func:`accord.data.load.load_file` with the ``accord-touchpoints`` preset
  into a fresh warehouse (every value parsed and checked, duplicate ids detected,
  quarantine, row hashes, load record, one transaction).

It prints rows/s of both, the ratio (target: Accord >= 0.5x bare DuckDB) and peak memory
(target: < 2 GB). Timings are wall-clock inside each subprocess, excluding interpreter
start. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHANNELS = ["paid_search", "paid_social", "email", "organic_search", "webinar", "events", "direct"]

GENERATE = f"""
import duckdb, sys
rows, out = int(sys.argv[1]), sys.argv[2]
con = duckdb.connect()
con.execute('SET enable_progress_bar = false')
channels = {CHANNELS!r}
con.execute(f'''COPY (SELECT 'tp-' || i AS touchpoint_id,
  'c-' || (i % 1000003) AS contact_id,
  CASE WHEN i % 7 = 0 THEN 'anon-' || (i * 31 % 999983) END AS anonymous_id,
  'a-' || (i % 100003) AS account_id,
  printf('20%02d-%02d-%02dT%02d:%02d:%02dZ', 20 + i % 5, 1 + i % 12, 1 + i % 28,
         i % 24, i % 60, (i * 7) % 60) AS ts,
  {{channels}}[1 + i % {len(CHANNELS)}] AS channel,
  'cmp-' || (i % 500) AS campaign_id,
  (['google', 'facebook', 'newsletter', 'bing', 'linkedin'])[1 + i % 5] AS source,
  (['cpc', 'social', 'email', 'organic'])[1 + i % 4] AS medium,
  (['ad_click', 'form_fill', 'email_click', 'page_view'])[1 + i % 4] AS touch_type,
  (['marketing', 'sales'])[1 + i % 2] AS team
  FROM range({{rows}}) r(i)) TO '{{out}}' (HEADER, DELIMITER ',')''')
"""

BARE = """
import duckdb, json, resource, sys, time
path, db = sys.argv[1], sys.argv[2]
con = duckdb.connect(db)
start = time.perf_counter()
con.execute(f"CREATE TABLE t AS SELECT * FROM read_csv('{path}')")
con.execute("CHECKPOINT")
seconds = time.perf_counter() - start
rows = con.execute("SELECT count(*) FROM t").fetchone()[0]
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"rows": rows, "seconds": seconds, "peak_mb": peak}))
"""

ACCORD = """
import json, resource, sys, time
from pathlib import Path
from accord.data.load import load_file
from accord.data.sources import get_preset
from accord.data.warehouse import open_warehouse
path, db = Path(sys.argv[1]), sys.argv[2]
warehouse = open_warehouse("duckdb:///" + db)
from accord.data.catalog import ensure_warehouse_schema
ensure_warehouse_schema(warehouse)
start = time.perf_counter()
report = load_file(warehouse, path, mapping=get_preset("accord-touchpoints"))
warehouse.duckdb.execute("CHECKPOINT")
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"rows": report.inserted, "quarantined": report.quarantined,
                  "seconds": seconds, "peak_mb": peak}))
"""


def _run(code: str, *args: str) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-c", code, *args], check=True, capture_output=True, text=True
    )
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--dir", type=Path, default=None, help="work folder (default: temp)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=args.dir, prefix="accord-bench-") as tmp:
        folder = Path(tmp)
        csv = folder / "touchpoints.csv"
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", GENERATE, str(args.rows), str(csv)], check=True)
        size = csv.stat().st_size / 1e6
        print(
            f"generated {args.rows:,} rows ({size:,.0f} MB) in {time.perf_counter() - start:.1f} s"
        )
        bare = _run(BARE, str(csv), str(folder / "bare.duckdb"))
        ours = _run(ACCORD, str(csv), str(folder / "accord.duckdb"))
    assert bare["rows"] == ours["rows"] == args.rows, (bare, ours)
    bare_rate, our_rate = args.rows / bare["seconds"], args.rows / ours["seconds"]
    print(f"{'loader':<14}{'seconds':>10}{'rows/s':>14}{'peak MB':>10}")
    print(
        f"{'bare DuckDB':<14}{bare['seconds']:>10.1f}{bare_rate:>14,.0f}{bare['peak_mb']:>10,.0f}"
    )
    print(f"{'Accord':<14}{ours['seconds']:>10.1f}{our_rate:>14,.0f}{ours['peak_mb']:>10,.0f}")
    print(
        f"ratio Accord / bare DuckDB: {our_rate / bare_rate:.2f}x (target >= 0.5x); "
        f"Accord peak {ours['peak_mb']:,.0f} MB (target < 2,048 MB)"
    )


if __name__ == "__main__":
    main()
