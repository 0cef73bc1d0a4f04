"""Property tests of the SQL parsers, run in DuckDB against Python's own formatting.

Hypothesis draws dates, amounts and booleans, Python writes them the way exports do
(ISO, US and EU dates; currency symbols, thousands separators, decimal commas; the
spellings of true and false), and the SQL parser must read back the drawn value.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accord.data.loading.parsers import DateOrder, clean_text, parse_column
from accord.data.schema import Column

SETTINGS = settings(max_examples=8, deadline=None)
DATE = Column("d", "date")
STAMP = Column("t", "timestamp")
MONEY = Column("m", "money")
FLAG = Column("b", "boolean")
COUNT = Column("n", "integer")


@pytest.fixture(scope="module")
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect()
    connection.execute("SET TimeZone = 'UTC'")
    yield connection
    connection.close()


def _parse_all(
    con: duckdb.DuckDBPyConnection, column: Column, texts: list[str], order: DateOrder = "us"
) -> list[tuple[object, object]]:
    """Parse many texts in one query (a query costs more to plan than to run)."""
    parsed = parse_column(clean_text("v"), column, order=order)
    rows = con.execute(
        f"SELECT {parsed.value}, {parsed.problem} FROM (SELECT unnest(?::VARCHAR[]) AS v, "
        "generate_subscripts(?::VARCHAR[], 1) AS i) ORDER BY i",
        [texts, texts],
    ).fetchall()
    return [(r[0], r[1]) for r in rows]


dates = st.dates(min_value=dt.date(1971, 1, 1), max_value=dt.date(2068, 12, 31))


@SETTINGS
@given(days=st.lists(dates, min_size=1, max_size=40), sep=st.sampled_from("/.-"), pad=st.booleans())
def test_dates_round_trip(
    con: duckdb.DuckDBPyConnection, days: list[dt.date], sep: str, pad: bool
) -> None:
    def parts(day: dt.date) -> tuple[str, str]:
        if pad:
            return f"{day.month:02d}", f"{day.day:02d}"
        return str(day.month), str(day.day)

    ok = [(d, None) for d in days]
    assert _parse_all(con, DATE, [d.isoformat() for d in days]) == ok
    us = [f"{parts(d)[0]}{sep}{parts(d)[1]}{sep}{d.year}" for d in days]
    assert _parse_all(con, DATE, us, "us") == ok
    eu = [f"{parts(d)[1]}{sep}{parts(d)[0]}{sep}{d.year}" for d in days]
    assert _parse_all(con, DATE, eu, "eu") == ok
    short = [f"{parts(d)[0]}/{parts(d)[1]}/{d.year % 100:02d}" for d in days]
    assert _parse_all(con, DATE, short, "us") == ok
    assert _parse_all(con, DATE, [d.strftime("%b %d, %Y") for d in days]) == ok


@SETTINGS
@given(days=st.lists(dates, min_size=1, max_size=40))
def test_impossible_dates_are_problems(con: duckdb.DuckDBPyConnection, days: list[dt.date]) -> None:
    for value, problem in _parse_all(con, DATE, [f"13/{d.day}/{d.year}" for d in days], "us"):
        assert value is None
        assert isinstance(problem, str)
        assert problem.startswith("not a date")


moments = st.datetimes(min_value=dt.datetime(1971, 1, 1), max_value=dt.datetime(2068, 1, 1))


@SETTINGS
@given(
    pairs=st.lists(
        st.tuples(moments, st.integers(min_value=-12 * 4, max_value=14 * 4)),
        min_size=1,
        max_size=40,
    )
)
def test_timestamps_with_offsets_are_stored_in_utc(
    con: duckdb.DuckDBPyConnection, pairs: list[tuple[dt.datetime, int]]
) -> None:
    texts, expected, us, us_expected = [], [], [], []
    for moment, offset in pairs:
        moment = moment.replace(microsecond=0)
        zone = dt.timezone(dt.timedelta(minutes=15 * offset))
        texts.append(moment.replace(tzinfo=zone).isoformat())
        expected.append((moment - dt.timedelta(minutes=15 * offset), None))
        hour = moment.hour % 12 or 12
        noon = "PM" if moment.hour >= 12 else "AM"
        us.append(f"{moment.month}/{moment.day}/{moment.year} {hour}:{moment.minute:02d} {noon}")
        us_expected.append((moment.replace(second=0), None))
    assert _parse_all(con, STAMP, texts) == expected
    assert _parse_all(con, STAMP, us) == us_expected


@SETTINGS
@given(
    cents=st.lists(st.integers(min_value=0, max_value=10**11), min_size=1, max_size=40),
    symbol=st.sampled_from(["", "$", "€", "£", "USD ", "EUR ", "usd "]),
    style=st.sampled_from(["plain", "us", "eu", "swiss"]),
)
def test_amounts_round_trip(
    con: duckdb.DuckDBPyConnection, cents: list[int], symbol: str, style: str
) -> None:
    amounts = [Decimal(c) / 100 for c in cents]

    def write(amount: Decimal) -> str:
        us = f"{amount:,.2f}"
        return {
            "plain": f"{amount:.2f}",
            "us": us,
            "eu": us.replace(",", " ").replace(".", ",").replace(" ", "."),
            "swiss": us.replace(",", "'"),
        }[style]

    texts = [symbol + write(a) for a in amounts]
    for (value, problem), amount in zip(_parse_all(con, MONEY, texts), amounts, strict=True):
        assert problem is None
        assert value == pytest.approx(float(amount), abs=1e-6)
    negatives = _parse_all(con, MONEY, [f"({t})" for t in texts])
    for (value, _), amount in zip(negatives, amounts, strict=True):
        assert value == pytest.approx(-float(amount), abs=1e-6)


@SETTINGS
@given(numbers=st.lists(st.integers(min_value=0, max_value=10**15), min_size=1, max_size=40))
def test_integers_with_thousands_separators(
    con: duckdb.DuckDBPyConnection, numbers: list[int]
) -> None:
    ok = [(n, None) for n in numbers]
    assert _parse_all(con, COUNT, [f"{n:,}" for n in numbers]) == ok
    assert _parse_all(con, COUNT, [f"{n}.0" for n in numbers]) == ok


WORDS = ["true", "yes", "y", "1", "t", "false", "no", "n", "0", "f"]


@SETTINGS
@given(
    spellings=st.lists(
        st.tuples(
            st.sampled_from(WORDS),
            st.sampled_from(["lower", "upper", "title"]),
            st.sampled_from(["", " ", "\t"]),
        ),
        min_size=1,
        max_size=40,
    )
)
def test_booleans(con: duckdb.DuckDBPyConnection, spellings: list[tuple[str, str, str]]) -> None:
    texts = [pad + getattr(word, case)() + pad for word, case, pad in spellings]
    expected = [(word in WORDS[:5], None) for word, _, _ in spellings]
    assert _parse_all(con, FLAG, texts) == expected


@SETTINGS
@given(
    texts=st.lists(
        st.text(min_size=1, max_size=12).filter(lambda s: s.strip().lower() not in WORDS),
        min_size=1,
        max_size=40,
    )
)
def test_anything_else_is_not_a_boolean(con: duckdb.DuckDBPyConnection, texts: list[str]) -> None:
    for text, (value, problem) in zip(texts, _parse_all(con, FLAG, texts), strict=True):
        assert value is None
        blank = not text.strip(" \t\r\n\u00a0")
        assert problem is None if blank else str(problem).startswith("not true/false")
