"""``accord clv fit-file``: the CDNOW file as published and ordinary CSV files."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner, Result

from accord.cli._errors import AccordGroup
from accord.cli.clv import app

CDNOW = Path(__file__).parents[1] / "fixtures" / "clv" / "CDNOW_sample.txt"
CDNOW_OPTIONS = [
    "--delimiter", "whitespace", "--no-header", "--columns", "id,customer,date,cds,dollars",
    "--customer-col", "customer", "--date-col", "date", "--amount-col", "dollars",
    "--date-format", "%Y%m%d", "--calibration-end", "1997-09-30",
]  # fmt: skip


def invoke(*args: str | Path) -> Result:
    # registered the way the lead registers it: `accord clv ...`
    root = typer.Typer(cls=AccordGroup)
    root.add_typer(app, name="clv")
    return CliRunner().invoke(root, ["clv", *map(str, args)], env={"COLUMNS": "200"})


@pytest.fixture(scope="module")
def cdnow_json() -> dict[str, Any]:
    result = invoke(
        "fit-file", CDNOW, *CDNOW_OPTIONS, "--observation-end", "1998-06-30", "--format", "json"
    )
    assert result.exit_code == 0, result.output
    doc: dict[str, Any] = json.loads(result.stdout)
    return doc


def test_cdnow_reproduces_the_papers(cdnow_json: dict[str, Any]) -> None:
    assert cdnow_json["customers"] == 2357
    assert cdnow_json["repeat_buyers"] == 946
    bg = cdnow_json["bgnbd"]
    assert bg["status"] == "ok"
    # Fader, Hardie & Lee (2005): r=0.243, alpha=4.414, a=0.793, b=2.426, LL -9582.4
    assert [round(bg["params"][k], n) for k, n in (("r", 3), ("alpha", 3), ("a", 3), ("b", 3))] == [
        0.243, 4.414, 0.793, 2.426
    ]  # fmt: skip
    assert round(bg["log_likelihood"], 1) == -9582.4
    gg = cdnow_json["gamma_gamma"]
    # Fader & Hardie (2013): p=6.25, q=3.74, gamma=15.44
    assert [round(gg["params"][k], 2) for k in ("p", "q", "gamma")] == [6.25, 3.74, 15.44]
    assert gg["repeat_buyers_fitted"] == 946


def test_cdnow_fit_check_counts_the_holdout(cdnow_json: dict[str, Any]) -> None:
    check = cdnow_json["fit_check"]
    assert check["holdout_length"] == 39.0
    # 1,882 purchase days by these customers in 1997-10-01..1998-06-30 (counted in the file)
    assert check["actual_repeat_transactions"] == 1882
    groups = check["by_frequency"]
    assert [g["frequency"] for g in groups] == ["0", "1", "2", "3", "4", "5", "6", "7+"]
    assert sum(g["customers"] for g in groups) == 2357
    total = sum(g["customers"] * g["expected_mean"] for g in groups)
    assert total == pytest.approx(check["expected_repeat_transactions"], rel=1e-9)
    # the model tracks the holdout within 15 % overall and orders the groups correctly
    assert check["expected_repeat_transactions"] == pytest.approx(1882, rel=0.15)
    means = [g["expected_mean"] for g in groups]
    assert means == sorted(means)


def test_cdnow_top_customers(cdnow_json: dict[str, Any]) -> None:
    top = cdnow_json["top_customers"]
    assert len(top) == 10
    values = [c["clv"] for c in top]
    assert values == sorted(values, reverse=True)
    assert all(0 <= c["probability_alive"] <= 1 for c in top)
    assert cdnow_json["total_clv"] > sum(values)


def test_the_actual_count_matches_the_raw_file() -> None:
    days: dict[str, set[str]] = {}
    for line in CDNOW.read_text().splitlines():
        _, customer, date, _, _ = line.split()
        days.setdefault(customer, set()).add(date)
    holdout = sum(
        sum("19971001" <= d <= "19980630" for d in ds)
        for ds in days.values()
        if min(ds) <= "19970930"
    )
    assert holdout == 1882


def test_plain_csv_with_header_gives_the_same_fit(
    tmp_path: Path, cdnow_json: dict[str, Any]
) -> None:
    f = tmp_path / "orders.csv"
    with f.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["order_id", "customer_id", "ordered_at", "revenue"])
        for i, line in enumerate(CDNOW.read_text().splitlines()):
            _, customer, date, _, dollars = line.split()
            writer.writerow([i, f"c{customer}", f"{date[:4]}-{date[4:6]}-{date[6:]} 10:30:00",
                             dollars])  # fmt: skip
    result = invoke(
        "fit-file", f, "--customer-col", "customer_id", "--date-col", "ordered_at",
        "--amount-col", "revenue", "--calibration-end", "1997-09-30", "--format", "json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    for model in ("bgnbd", "gamma_gamma"):
        for name, value in doc[model]["params"].items():
            assert value == pytest.approx(cdnow_json[model]["params"][name], rel=1e-9)
    assert doc["fit_check"] is None


def test_csv_output_lists_every_customer() -> None:
    result = invoke("fit-file", CDNOW, *CDNOW_OPTIONS, "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 2357
    assert rows[0]["customer"] == "0509"
    assert float(rows[0]["clv"]) >= float(rows[1]["clv"])


def test_table_output_names_models_and_check() -> None:
    result = invoke("fit-file", CDNOW, *CDNOW_OPTIONS, "--observation-end", "1998-06-30",
                    "--top", "3", "--unit", "day")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "BG/NBD (Fader, Hardie & Lee 2005)" in result.stdout
    assert "Gamma-Gamma" in result.stdout
    assert "Fit check" in result.stdout
    assert "times in days" in result.stdout
    assert "E[purchases]" in result.stdout


def test_without_amount_only_purchases_are_modelled(tmp_path: Path) -> None:
    f = tmp_path / "t.csv"
    f.write_text("cust,day\n" + "".join(f"{i % 30},2024-01-{1 + i % 28:02d}\n" for i in range(200)))
    result = invoke("fit-file", f, "--customer-col", "cust", "--date-col", "day",
                    "--calibration-end", "2024-01-31", "--format", "json")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "NaN" not in result.stdout  # strict JSON
    doc = json.loads(result.stdout)
    assert doc["gamma_gamma"] is None
    assert doc["customers"] == 30
    top = doc["top_customers"]
    assert all(c["clv"] is None and c["monetary_value"] is None for c in top)
    expected = [c["expected_purchases"] for c in top]
    assert expected == sorted(expected, reverse=True)


def test_too_few_customers_is_reported_not_raised(tmp_path: Path) -> None:
    f = tmp_path / "t.csv"
    f.write_text("cust,day,amount\na,2024-01-01,5\na,2024-01-09,7\nb,2024-01-03,4\n")
    result = invoke("fit-file", f, "--customer-col", "cust", "--date-col", "day",
                    "--amount-col", "amount", "--calibration-end", "2024-01-31",
                    "--format", "json")  # fmt: skip
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["bgnbd"]["status"] == "too_few_customers"
    assert doc["gamma_gamma"]["status"] == "too_few_customers"
    assert doc["top_customers"] == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--customer-col", "nope"], "has no column 'nope'"),
        (["--date-format", "%d/%m/%Y"], "cannot be read"),
        (["--observation-end", "1997-01-01"], "must be after"),
        (["--calibration-end", "30/09/1997"], "is not a date"),
        (["--calibration-end", "1990-01-01"], "no customer made a first purchase"),
    ],
)
def test_user_errors_exit_2_with_a_message(args: list[str], message: str) -> None:
    options = list(CDNOW_OPTIONS)
    for i in range(0, len(args), 2):
        if args[i] in options:
            options[options.index(args[i]) + 1] = args[i + 1]
        else:
            options += args[i : i + 2]
    result = invoke("fit-file", CDNOW, *options)
    assert result.exit_code == 2, result.output
    assert message in result.stderr


def test_whitespace_without_header_needs_columns() -> None:
    options = [o for o in CDNOW_OPTIONS if o not in ("--columns", "id,customer,date,cds,dollars")]
    result = invoke("fit-file", CDNOW, *options)
    assert result.exit_code == 2
    assert "--columns" in result.stderr


def test_integer_dates_without_format_get_a_hint() -> None:
    options = [o for o in CDNOW_OPTIONS if o not in ("--date-format", "%Y%m%d")]
    result = invoke("fit-file", CDNOW, *options)
    assert result.exit_code == 2
    assert "--date-format" in result.stderr


def test_retention_reproduces_fader_hardie_2007() -> None:
    result = invoke("retention", "--survivors", "1000,869,743,653,593,551,517,491",
                    "--periods", "3", "--cash-flow", "100", "--format", "json")  # fmt: skip
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["status"] == "ok"
    assert round(doc["params"]["alpha"], 3) == 0.668
    assert round(doc["params"]["beta"], 3) == 3.806
    assert round(doc["log_likelihood"], 2) == -1611.16
    assert [p["period"] for p in doc["projection"]] == [1, 2, 3]
    # a customer about to renew for the first time is worth less than after renewing
    values = [p["residual_value"] for p in doc["projection"]]
    assert values == sorted(values)
    assert doc["new_customer_value"] > 100  # the first payment alone is 100


def test_retention_fits_several_cohorts_jointly() -> None:
    result = invoke("retention", "--survivors", "1000,869,743,653", "--survivors", "500,440,380",
                    "--format", "json")  # fmt: skip
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["cohorts"] == 2
    assert doc["customers"] == 1500


def test_retention_table_and_bad_input() -> None:
    ok = invoke("retention", "--survivors", "1000,631,468,382,326,289,262,241")
    assert ok.exit_code == 0, ok.output
    assert "alpha 0.7041, beta 1.182" in ok.stdout
    bad = invoke("retention", "--survivors", "1000,a,3")
    assert bad.exit_code == 2
    assert "comma-separated" in bad.stderr
    rising = invoke("retention", "--survivors", "100,120")
    assert rising.exit_code == 2


def test_simple_is_labelled_and_zero_churn_is_a_status() -> None:
    result = invoke("simple", "--arpa", "100", "--margin", "0.8", "--churn", "0.02")
    assert result.exit_code == 0, result.output
    assert "simple form: ARPA x gross margin / churn rate" in result.stdout
    assert "4,000.00" in result.stdout
    zero = invoke("simple", "--arpa", "100", "--margin", "0.8", "--churn", "0", "--format", "json")
    assert zero.exit_code == 0
    assert json.loads(zero.stdout)["status"] == "zero_churn"


def test_rows_without_customer_are_refused_not_dropped(tmp_path: Path) -> None:
    f = tmp_path / "t.csv"
    f.write_text("cust,day,amount\na,2024-01-01,5\n,2024-01-09,7\nb,2024-01-03,4\n")
    result = invoke("fit-file", f, "--customer-col", "cust", "--date-col", "day",
                    "--amount-col", "amount", "--calibration-end", "2024-01-31")  # fmt: skip
    assert result.exit_code == 2
    assert "1 rows have no customer" in result.stderr
    assert "'day': datetime.date(2024, 1, 9)" in result.stderr
