"""``accord clv``: customer lifetime value from the command line.

``accord clv fit-file FILE`` fits BG/NBD (purchases) and Gamma-Gamma (spend) on any
transaction file, one row per purchase, and prints the parameters, the
log-likelihoods, a holdout fit check and the most valuable customers. CSV (any
delimiter, with or without a header), whitespace-separated text (the CDNOW layout) and
Parquet are read with DuckDB; the models run in :mod:`accord.engines.clv`.
``accord clv retention`` fits the shifted-beta-geometric model on renewal cohorts and
``accord clv simple`` prints the labelled ARPA x margin / churn form.

The CDNOW sample (no header; id, sample id, YYYYMMDD date, CDs, dollars)::

    accord clv fit-file CDNOW_sample.txt --delimiter whitespace --no-header \\
        --columns id,customer,date,cds,dollars --customer-col customer --date-col date \\
        --amount-col dollars --date-format %Y%m%d \\
        --calibration-end 1997-09-30 --observation-end 1998-06-30
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import sys
from dataclasses import asdict
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, assert_never

import ibis
import ibis.expr.types as ir
import numpy as np
import typer
from rich import box
from rich.markup import escape
from rich.table import Table

from accord.cli._files import PARQUET_SUFFIXES, offline_duckdb, read_table, require_file
from accord.cli._options import Format, OutputFormat, WorkspaceDir
from accord.cli._render import emit_json, emit_rows, err, out
from accord.data.workspace import Workspace
from accord.definitions.sql_store import SqlDefinitionStore
from accord.engines.clv import (
    BGNBDFit,
    GammaGammaFit,
    discounted_expected_lifetime,
    discounted_expected_residual_lifetime,
    fit_sbg_cohorts,
    retention_rate,
    simple_ltv,
    survival,
)
from accord.engines.clv.report import TransactionFit, fit_transactions
from accord.errors import FileRejected, InputError
from accord.workflows.clv import fit_workspace_clv

__all__ = ["app"]

app = typer.Typer(
    help="Customer lifetime value: BG/NBD purchases, Gamma-Gamma spend, sBG retention.",
)


@app.callback(invoke_without_command=True)
def clv(ctx: typer.Context, workspace: WorkspaceDir = None) -> None:
    """Customer lifetime value: BG/NBD purchases, Gamma-Gamma spend, sBG retention.

    Without a command: `accord clv fit` on the workspace.
    """
    if ctx.invoked_subcommand is None:
        fit_workspace(workspace=workspace)


class TimeUnit(StrEnum):
    """Unit of recency, T and the BG/NBD ``alpha`` parameter."""

    day = "day"
    week = "week"


_DAYS = {TimeUnit.day: 1.0, TimeUnit.week: 7.0}
WHITESPACE = "whitespace"


def read_transactions(
    file: Path, *, delimiter: str | None, header: bool, columns: list[str] | None
) -> ir.Table:
    """Read a CSV, whitespace-separated or Parquet transaction file with DuckDB."""
    if delimiter != WHITESPACE or file.suffix.lower() in PARQUET_SUFFIXES:
        return read_table(file, delimiter=delimiter, header=header, names=columns)
    require_file(file)
    try:
        return _read_whitespace(offline_duckdb(), file, header=header, columns=columns)
    except (InputError, FileRejected):
        raise
    except Exception as error:  # DuckDB's parser errors carry the reason
        raise FileRejected(f"cannot be read ({error})", path=str(file)) from None


def _read_whitespace(con: Any, file: Path, *, header: bool, columns: list[str] | None) -> ir.Table:
    """Fields separated by runs of spaces or tabs, e.g. the CDNOW sample."""
    names = columns
    if header:
        with file.open(encoding="utf-8") as handle:
            names = names or handle.readline().split()
    lines = con.read_csv(
        file,
        columns={"line": "VARCHAR"},
        delim="\x01",  # a byte that does not occur: one column per line
        header=False,
        quote="",
        escape="",
        skip=1 if header else 0,
    )
    lines = lines.filter(lines.line.strip() != "")
    if not names:
        raise InputError(
            "A whitespace-separated file without a header needs --columns.",
            hint="e.g. --columns id,customer,date,cds,dollars",
        )
    fields = lines.line.strip().re_split(r"\s+")
    return lines.select(**{name: fields[i] for i, name in enumerate(names)})


@ibis.udf.scalar.builtin(name="try_strptime")  # type: ignore[untyped-decorator]
def _try_strptime(value: str, layout: str) -> dt.datetime:
    """DuckDB's ``try_strptime``: NULL instead of an error when a value does not parse."""
    raise NotImplementedError("runs inside DuckDB")


def prepare(
    table: ir.Table,
    *,
    file: Path,
    customer_col: str,
    date_col: str,
    amount_col: str | None,
    date_format: str | None,
) -> ir.Table:
    """Check the columns and turn the date (and amount) columns into proper types."""
    wanted = [c for c in (customer_col, date_col, amount_col) if c]
    missing = [c for c in wanted if c not in table.columns]
    if missing:
        raise FileRejected(
            f"has no column {', '.join(map(repr, missing))}",
            path=str(file),
            hint=f"Columns are: {', '.join(table.columns)}.",
        )
    date = table[date_col]
    if date_format:
        parsed = _try_strptime(date.cast("string"), date_format).cast("date")
    elif date.type().is_temporal():
        parsed = date.cast("date")
    else:
        parsed = date.cast("string").try_cast("date")
    amount = table[amount_col].try_cast("float64") if amount_col else None
    unreadable = table[customer_col].isnull() | parsed.isnull()
    if amount is not None:
        unreadable |= amount.isnull()
    bad = table.filter(unreadable).select(*wanted)
    n_bad = int(bad.count().to_pyarrow().as_py())
    if n_bad:
        example = bad.limit(1).to_pyarrow().to_pylist()[0]
        raise FileRejected(
            f"{n_bad:,} rows have no customer, or a date or amount that cannot be read "
            f"(e.g. {example})",
            path=str(file),
            hint="Give the date layout with --date-format, e.g. --date-format %Y%m%d.",
        )
    typed = {customer_col: table[customer_col], date_col: parsed}
    if amount is not None and amount_col:
        typed[amount_col] = amount
    return table.select(**typed)


def _date(value: str, option: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InputError(f"{option} {value!r} is not a date (YYYY-MM-DD).") from None


@app.command("fit-file")
def fit_file(
    file: Annotated[
        Path,
        typer.Argument(
            help="Transactions: .csv, .txt (see --delimiter) or .parquet.", dir_okay=False
        ),
    ],
    customer_col: Annotated[str, typer.Option("--customer-col", help="Customer id column.")],
    date_col: Annotated[str, typer.Option("--date-col", help="Purchase date column.")],
    calibration_end: Annotated[
        str, typer.Option("--calibration-end", help="Last day (YYYY-MM-DD) used for fitting.")
    ],
    amount_col: Annotated[
        str | None,
        typer.Option("--amount-col", help="Purchase value column (needed for spend and CLV)."),
    ] = None,
    observation_end: Annotated[
        str | None,
        typer.Option(
            "--observation-end", help="Last day of the holdout period: enables the fit check."
        ),
    ] = None,
    date_format: Annotated[
        str | None,
        typer.Option("--date-format", help="strptime layout of the dates, e.g. %Y%m%d."),
    ] = None,
    delimiter: Annotated[
        str | None,
        typer.Option(
            "--delimiter",
            help="Field delimiter (default: detected); 'whitespace' for runs of spaces/tabs.",
        ),
    ] = None,
    header: Annotated[
        bool, typer.Option("--header/--no-header", help="Whether the first line names columns.")
    ] = True,
    columns: Annotated[
        str | None,
        typer.Option("--columns", help="Comma-separated column names (for --no-header files)."),
    ] = None,
    unit: Annotated[
        TimeUnit, typer.Option("--unit", help="Time unit of recency, T and alpha.")
    ] = TimeUnit.week,
    months: Annotated[int, typer.Option("--months", help="CLV horizon in months.", min=1)] = 12,
    discount_rate: Annotated[
        float, typer.Option("--discount-rate", help="Monthly discount rate for CLV.", min=0.0)
    ] = 0.01,
    margin: Annotated[
        float, typer.Option("--margin", help="Share of revenue kept (CLV = margin x revenue).")
    ] = 1.0,
    top: Annotated[int, typer.Option("--top", help="Customers to list.", min=0)] = 10,
    fmt: Format = OutputFormat.table,
) -> None:
    """Fit BG/NBD and Gamma-Gamma on a transaction file; print parameters and a fit check.

    Purchases on the same day are merged; times are in weeks (see --unit); only
    customers whose first purchase is on or before --calibration-end are modelled.
    With --format csv every customer's predictions are printed instead of the summary.
    """
    cal_end = _date(calibration_end, "--calibration-end")
    obs_end = _date(observation_end, "--observation-end") if observation_end else None
    if obs_end is not None and obs_end <= cal_end:
        raise InputError("--observation-end must be after --calibration-end.")
    names = [c.strip() for c in columns.split(",")] if columns else None
    raw = read_transactions(file, delimiter=delimiter, header=header, columns=names)
    table = prepare(
        raw,
        file=file,
        customer_col=customer_col,
        date_col=date_col,
        amount_col=amount_col,
        date_format=date_format,
    )
    result = fit_transactions(
        table,
        customer_col=customer_col,
        date_col=date_col,
        amount_col=amount_col,
        calibration_end=cal_end,
        observation_end=obs_end,
        days_per_unit=_DAYS[unit],
        months=months,
        discount_rate=discount_rate,
        margin=margin,
    )
    if result.n_customers == 0:
        raise FileRejected(
            f"no customer made a first purchase on or before {cal_end}", path=str(file)
        )
    setup = {
        "file": str(file),
        "calibration_end": cal_end,
        "observation_end": obs_end,
        "unit": unit.value,
        "months": months,
        "discount_rate": discount_rate,
        "margin": margin,
    }
    if fmt is OutputFormat.json:
        emit_json(as_json(result, setup, top=top))
    elif fmt is OutputFormat.csv:
        _emit_csv(result)
    elif fmt is OutputFormat.table:
        _emit_tables(result, setup, top=top)
    else:
        assert_never(fmt)


def _params(fit: BGNBDFit | GammaGammaFit) -> dict[str, Any]:
    """Status, estimates and standard errors of a fit as plain data."""
    return {
        "status": fit.status,
        "params": {} if fit.params is None else asdict(fit.params),
        "standard_errors": {} if fit.standard_errors is None else asdict(fit.standard_errors),
        "log_likelihood": None if fit.params is None else fit.log_likelihood,
        "iterations": fit.iterations,
    }


def as_json(result: TransactionFit, setup: dict[str, Any], *, top: int) -> dict[str, Any]:
    """The JSON document of ``fit-file --format json``."""
    doc: dict[str, Any] = {
        **setup,
        "customers": result.n_customers,
        "repeat_buyers": result.purchases.n_repeat_buyers,
        "bgnbd": _params(result.purchases),
        "gamma_gamma": None,
        "fit_check": None,
        "total_clv": None if result.spend is None else result.total_clv,
        "top_customers": [_no_nan(asdict(c)) for c in result.customers[:top]],
    }
    if result.spend is not None:
        doc["gamma_gamma"] = {
            **_params(result.spend),
            "repeat_buyers_fitted": result.spend.n_customers,
            "excluded_nonpositive_spend": result.n_nonpositive_spend,
            "frequency_value_correlation": result.spend.frequency_value_correlation,
        }
    if result.holdout is not None:
        h = result.holdout
        doc["fit_check"] = {
            "holdout_length": h.length,
            "actual_repeat_transactions": h.actual,
            "expected_repeat_transactions": h.expected,
            "by_frequency": [asdict(g) for g in h.by_frequency],
        }
    return doc


def _no_nan(record: dict[str, Any]) -> dict[str, Any]:
    """JSON has no NaN: quantities that need the spend model become null without it."""
    return {k: None if isinstance(v, float) and np.isnan(v) else v for k, v in record.items()}


def _emit_csv(result: TransactionFit) -> None:
    columns = [
        "customer", "frequency", "recency", "T", "monetary_value", "probability_alive",
        "expected_purchases", "expected_value", "clv",
    ]  # fmt: skip
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(columns)
    for c in result.customers:
        values = (getattr(c, name) for name in columns)
        writer.writerow(["" if isinstance(v, float) and np.isnan(v) else v for v in values])


def _table(title: str, *headers: str) -> Table:
    """A table whose title is printed as its own line (a table title wraps at its width)."""
    out().print(f"\n[bold]{escape(title)}[/bold]")
    table = Table(
        header_style="bold",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        collapse_padding=True,
    )
    table.add_column(escape(headers[0]), overflow="fold")
    for h in headers[1:]:
        table.add_column(escape(h), justify="right", no_wrap=True)
    return table


def _emit_tables(result: TransactionFit, setup: dict[str, Any], *, top: int) -> None:
    console = out()
    console.print(
        f"{result.n_customers:,} customers ({result.purchases.n_repeat_buyers:,} repeat buyers), "
        f"calibration to {setup['calibration_end']}, times in {setup['unit']}s"
    )
    fits: list[tuple[str, BGNBDFit | GammaGammaFit]] = [
        ("BG/NBD (Fader, Hardie & Lee 2005)", result.purchases)
    ]
    if result.spend is not None:
        fits.append(("Gamma-Gamma (Fader & Hardie 2013)", result.spend))
    for title, fit in fits:
        info = _params(fit)
        if fit.params is None:
            err().print(f"{title}: not fitted ({fit.status}).")
            continue
        table = _table(f"{title}: {fit.status}, log-likelihood {fit.log_likelihood:,.2f}",
                       "parameter", "estimate", "std. error")  # fmt: skip
        for name, value in info["params"].items():
            table.add_row(name, f"{value:.4g}", f"{info['standard_errors'][name]:.3g}")
        console.print(table)
    if result.spend is not None and result.spend.params is not None:
        corr = result.spend.frequency_value_correlation
        if abs(corr) > 0.3:
            err().print(
                f"Warning: frequency and spend are correlated ({corr:.2f}); Gamma-Gamma "
                "assumes they are independent."
            )
    if result.holdout is not None:
        h = result.holdout
        table = _table(
            f"Fit check: repeat transactions in the {h.length:g}-{setup['unit']} holdout: "
            f"actual {h.actual:,}, expected {h.expected:,.1f}",
            "calibration repeats", "customers", "actual mean", "expected mean",
        )  # fmt: skip
        for g in h.by_frequency:
            table.add_row(g.frequency, f"{g.customers:,}", f"{g.actual_mean:.3f}",
                          f"{g.expected_mean:.3f}")  # fmt: skip
        console.print(table)
    if top and result.customers and result.spend is not None:
        table = _table(
            f"Top customers by {setup['months']}-month CLV (discount {setup['discount_rate']:g}"
            f"/month, margin {setup['margin']:g}); total {result.total_clv:,.2f}",
            "customer", "x", "t_x", "T", "P(alive)", "E[purchases]", "E[value]", "CLV",
        )  # fmt: skip
        for c in result.customers[:top]:
            table.add_row(
                str(c.customer), f"{c.frequency}", f"{c.recency:.2f}", f"{c.T:.2f}",
                f"{c.probability_alive:.3f}", f"{c.expected_purchases:.2f}",
                f"{c.expected_value:,.2f}", f"{c.clv:,.2f}",
            )  # fmt: skip
        console.print(table)


@app.command("retention")
def retention(
    survivors: Annotated[
        list[str],
        typer.Option(
            "--survivors",
            help="A cohort: customers at the start, then still active after each period, "
            "comma-separated (repeat for more cohorts).",
        ),
    ],
    periods: Annotated[int, typer.Option("--periods", help="Periods to project.", min=1)] = 12,
    discount_rate: Annotated[
        float, typer.Option("--discount-rate", help="Discount rate per period.", min=1e-9)
    ] = 0.10,
    cash_flow: Annotated[
        float, typer.Option("--cash-flow", help="Net cash flow per customer per period.")
    ] = 1.0,
    fmt: Format = OutputFormat.table,
) -> None:
    """Fit the shifted-beta-geometric model (Fader & Hardie 2007) on renewal cohorts.

    Prints alpha, beta, the projected survival and retention rates, the discounted
    expected lifetime value of a new customer (DEL x cash flow) and the residual value of
    a customer who has renewed t-1 times (DERL x cash flow; Fader & Hardie 2010).
    """
    try:
        cohorts = [[float(v) for v in s.split(",")] for s in survivors]
    except ValueError:
        raise InputError("--survivors takes comma-separated numbers, e.g. 1000,631,468.") from None
    fit = fit_sbg_cohorts(cohorts)
    doc: dict[str, Any] = {
        "status": fit.status,
        "cohorts": fit.n_cohorts,
        "customers": fit.n_customers,
        "params": None if fit.params is None else asdict(fit.params),
        "standard_errors": None if fit.standard_errors is None else asdict(fit.standard_errors),
        "log_likelihood": None if fit.params is None else fit.log_likelihood,
        "discount_rate": discount_rate,
        "cash_flow": cash_flow,
        "new_customer_value": None,
        "projection": [],
    }
    if fit.params is not None:
        t = np.arange(1, periods + 1)
        residual = discounted_expected_residual_lifetime(fit.params, discount_rate, renewals=t - 1)
        doc["new_customer_value"] = cash_flow * discounted_expected_lifetime(
            fit.params, discount_rate
        )
        doc["projection"] = [
            {"period": int(k), "survival": float(s), "retention": float(r),
             "residual_value": float(cash_flow * v)}
            for k, s, r, v in zip(
                t, survival(fit.params, t), retention_rate(fit.params, t), residual, strict=True
            )
        ]  # fmt: skip
    if fmt is OutputFormat.json:
        emit_json(doc)
    elif fmt is OutputFormat.csv:
        emit_rows(doc["projection"], columns=_PROJECTION, fmt=fmt)
    elif fmt is OutputFormat.table:
        if fit.params is None:
            err().print(f"sBG: not fitted ({fit.status}).")
            return
        out().print(
            f"sBG (Fader & Hardie 2007) on {fit.n_cohorts} cohort(s), {fit.n_customers:,} "
            f"customers: {fit.status}, alpha {fit.params.alpha:.4g}, beta {fit.params.beta:.4g}, "
            f"log-likelihood {fit.log_likelihood:,.2f}"
        )
        out().print(
            f"New customer value (DEL x cash flow, discount {discount_rate:g}/period): "
            f"{doc['new_customer_value']:,.2f}"
        )
        emit_rows(doc["projection"], columns=_PROJECTION, fmt=fmt, title="Projection")
    else:
        assert_never(fmt)


_PROJECTION = ["period", "survival", "retention", "residual_value"]


@app.command("simple")
def simple(
    arpa: Annotated[float, typer.Option("--arpa", help="Average revenue per account per period.")],
    margin: Annotated[float, typer.Option("--margin", help="Gross margin, e.g. 0.8.")],
    churn: Annotated[float, typer.Option("--churn", help="Churn rate per period, e.g. 0.02.")],
    fmt: Format = OutputFormat.table,
) -> None:
    """The simple lifetime value ARPA x gross margin / churn rate (labelled as such).

    It ignores discounting and the rise of retention with tenure; prefer `accord clv
    retention` when renewal cohorts exist (docs/economics.md).
    """
    result = simple_ltv(arpa=arpa, gross_margin=margin, churn_rate=churn)
    if fmt is OutputFormat.table:
        if result.value is None:
            err().print(f"{result.formula}: no value ({result.status}: churn is 0, unbounded).")
            return
        out().print(
            f"LTV (simple form: {result.formula}) = {result.value:,.2f} "
            f"over an expected {result.expected_lifetime:,.1f} periods"
        )
    elif fmt is OutputFormat.json:
        emit_json(asdict(result))
    elif fmt is OutputFormat.csv:
        emit_rows([asdict(result)], columns=list(asdict(result)), fmt=fmt)
    else:
        assert_never(fmt)


@app.command("fit")
def fit_workspace(
    calibration_end: Annotated[
        str | None,
        typer.Option(
            "--calibration-end",
            help="Fit on revenue up to this day (YYYY-MM-DD); the rest checks the fit.",
        ),
    ] = None,
    months: Annotated[int, typer.Option("--months", help="CLV horizon in months.", min=1)] = 12,
    discount_rate: Annotated[
        float, typer.Option("--discount-rate", help="Monthly discount rate.", min=0.0)
    ] = 0.01,
    top: Annotated[int, typer.Option("--top", help="Customers to list.", min=0)] = 10,
    fmt: Format = OutputFormat.table,
    workspace: WorkspaceDir = None,
) -> None:
    """Fit BG/NBD + Gamma-Gamma on the revenue table and sBG on subscription renewals.

    Customers are resolved accounts; CLV is gross margin (the in-force gross_margin) over
    --months; the sBG value is first-period MRR x cycle x margin x discounted expected
    lifetime in renewal periods (Fader & Hardie 2007, 2010). See docs/economics.md.
    """
    cal_end = _date(calibration_end, "--calibration-end") if calibration_end else None
    ws = Workspace.open(workspace)
    with ws.state() as state, ws.warehouse(read_only=True) as wh:
        result = fit_workspace_clv(
            wh,
            definitions=SqlDefinitionStore(state),
            calibration_end=cal_end,
            months=months,
            discount_rate=discount_rate,
        )
    setup = {
        "source": "workspace revenue table",
        "calibration_end": cal_end,
        "unit": "week",
        "months": months,
        "discount_rate": discount_rate,
        "margin": result.gross_margin,
    }
    cohorts = [
        {
            "cycle_months": c.cycle_months,
            "status": c.fit.status,
            "alpha": None if c.fit.params is None else c.fit.params.alpha,
            "beta": None if c.fit.params is None else c.fit.params.beta,
            "customers": c.fit.n_customers,
            "cohorts": c.fit.n_cohorts,
            "survival_1_to_5": list(c.survival),
            "discounted_lifetime_periods": c.discounted_lifetime,
            "mean_first_mrr": c.mean_first_mrr,
            "value": c.value,
        }
        for c in result.cohorts
    ]
    citations = [c.to_json() for c in result.citations]
    if fmt is OutputFormat.json:
        tx = None if result.transactions is None else as_json(result.transactions, setup, top=top)
        doc = {"transactions": tx, "subscriptions": cohorts, "citations": citations}
        emit_json(_strict(doc))
        return
    if fmt is OutputFormat.csv:
        if result.transactions is None:
            raise InputError("The workspace has no revenue to fit.", hint="Load invoices.")
        _emit_csv(result.transactions)
        return
    if result.transactions is not None:
        _emit_tables(
            result.transactions, setup | {"calibration_end": cal_end or "the last invoice"}, top=top
        )
    emit_rows(
        cohorts,
        columns=[
            "cycle_months",
            "status",
            "alpha",
            "beta",
            "customers",
            "cohorts",
            "discounted_lifetime_periods",
            "mean_first_mrr",
            "value",
        ],
        fmt=fmt,
        title="Subscriptions: shifted-beta-geometric retention by billing cycle (months)",
        empty="No subscription cohort has a renewal due yet.",
    )
    if result.citations:
        err().print("Definitions: " + "; ".join(map(str, result.citations)) + ".")


def _strict(value: Any) -> Any:
    """*value* with every NaN as null, so the JSON is strict (RFC 8259)."""
    if isinstance(value, dict):
        return {k: _strict(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_strict(v) for v in value]
    if isinstance(value, float) and math.isnan(value):
        return None
    return value
