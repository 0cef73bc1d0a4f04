"""The canonical schema is consistent: keys first, ids and time columns exist, enums sane."""

from __future__ import annotations

import pytest

from accord.data.schema import KEY_COLUMNS, LIFECYCLE_STAGES, TABLES, Table

DESIGN_TABLES = {
    "accounts", "contacts", "touchpoints", "campaigns", "spend", "lifecycle_events",
    "activities", "opportunities", "product_events", "tickets", "feedback", "revenue",
    "subscriptions", "exposures", "owners",
}  # fmt: skip


def test_every_table_of_the_design_exists() -> None:
    assert set(TABLES) == DESIGN_TABLES


@pytest.mark.parametrize("table", TABLES.values(), ids=lambda t: t.name)
def test_table_is_well_formed(table: Table) -> None:
    assert table.column_names[:2] == KEY_COLUMNS
    assert set(KEY_COLUMNS) <= set(table.required_columns())
    if table.id_column is not None:
        assert table.column(table.id_column).required
    if table.time_column is not None:
        assert table.column(table.time_column).type in {"date", "timestamp"}
    for values in table.enum_columns().values():
        assert len(set(values)) == len(values)
        assert all(v == v.strip() for v in values)


def test_funnel_stages_include_the_sales_decision() -> None:
    assert {"mql", "sal", "sql", "rejected", "recycled"} <= set(LIFECYCLE_STAGES)


def test_duplicate_columns_are_refused() -> None:
    from accord.data.schema import Column, table

    with pytest.raises(ValueError, match="duplicate column"):
        table("x", "bad", Column("a", "string"), Column("a", "string"))
