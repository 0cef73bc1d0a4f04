"""The Data page: tables, loads, quarantine (personal data masked), presets."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import ibis

from accord.data import catalog
from accord.data.sources import list_presets
from accord.data.warehouse import Warehouse
from accord.web.models import (
    LoadPublic,
    Page,
    PresetPublic,
    QuarantineRowPublic,
    TableCountPublic,
)
from accord.web.pii import mask_record, mask_text, mask_value

__all__ = ["list_loads", "list_quarantine", "presets", "quarantine_counts", "table_counts"]


def table_counts(warehouse: Warehouse) -> list[TableCountPublic]:
    """Rows in every canonical table."""
    return [TableCountPublic(table=t, rows=n) for t, n in catalog.table_counts(warehouse).items()]


def _count(expr: ibis.Table) -> int:
    return int(expr.count().to_pyarrow().as_py())


def list_loads(warehouse: Warehouse, *, offset: int, limit: int | None) -> Page[LoadPublic]:
    """Loads, newest first (refused files included)."""
    if catalog.LOADS_TABLE not in warehouse.tables():
        return Page(items=[], total=0, offset=offset, limit=limit or 0)
    t = warehouse.table(catalog.LOADS_TABLE)
    ordered = t.order_by([ibis.desc("started_at"), ibis.desc("load_id")])
    rows = ordered.limit(limit, offset=offset).to_pyarrow().to_pylist()
    items = [
        LoadPublic(
            load_id=r["load_id"],
            started_at=r["started_at"],
            finished_at=r["finished_at"],
            actor=r["actor"],
            file=Path(str(r["path"])).name,
            mapping=r["mapping"] or "",
            status=r["status"] or "",
            rows_read=r["rows_read"] or 0,
            inserted=r["inserted"] or 0,
            updated=r["updated"] or 0,
            unchanged=r["unchanged"] or 0,
            quarantined=r["quarantined"] or 0,
            skipped=r["skipped"] or 0,
            seconds=round(r["seconds"] or 0.0, 3),
            message=r["message"],
        )
        for r in rows
    ]
    return Page(items=items, total=_count(t), offset=offset, limit=limit or len(items))


def _record(raw: str | None) -> dict[str, Any] | None:
    if not raw:
        return None
    try:
        data = json.loads(raw)
    except json.JSONDecodeError:
        return {"_raw": raw}
    return data if isinstance(data, dict) else {"_raw": data}


def list_quarantine(
    warehouse: Warehouse,
    *,
    offset: int,
    limit: int | None,
    show_pii: bool,
    load_id: str | None = None,
    table: str | None = None,
) -> Page[QuarantineRowPublic]:
    """Quarantined problems in file and row order; personal data masked unless *show_pii*."""
    if catalog.QUARANTINE_TABLE not in warehouse.tables():
        return Page(items=[], total=0, offset=offset, limit=limit or 0)
    t = warehouse.table(catalog.QUARANTINE_TABLE)
    if load_id is not None:
        t = t.filter(t.load_id == load_id)
    if table is not None:
        t = t.filter(t.table_name == table)
    ordered = t.order_by(
        [ibis.desc("quarantined_at"), "load_id", "file", "row", "table_name", "column_name"]
    )
    rows = ordered.limit(limit, offset=offset).to_pyarrow().to_pylist()
    items = []
    for r in rows:
        record = _record(r["record"])
        value = r["value"]
        reason = r["reason"] or ""
        if not show_pii:
            value = mask_value(r["column_name"], value, table=r["table_name"])
            record = mask_record(record) if record is not None else None
            reason = mask_text(reason)
        items.append(
            QuarantineRowPublic(
                load_id=r["load_id"],
                file=Path(str(r["file"])).name,
                row=r["row"],
                table=r["table_name"],
                column=r["column_name"],
                value=value,
                reason=reason,
                record=record,
                quarantined_at=r["quarantined_at"],
            )
        )
    return Page(items=items, total=_count(t), offset=offset, limit=limit or len(items))


def quarantine_counts(warehouse: Warehouse) -> dict[str, int]:
    """Distinct refused rows and problems (stable across reloads of one file)."""
    if catalog.QUARANTINE_TABLE not in warehouse.tables():
        return {"rows": 0, "problems": 0}
    q = warehouse.table(catalog.QUARANTINE_TABLE)
    row = q.file.concat(":", q.row.cast("string"))
    problem = row.concat(":", q.table_name, ":", q.column_name.fill_null(""))
    [counts] = q.aggregate(rows=row.nunique(), problems=problem.nunique()).to_pyarrow().to_pylist()
    return {"rows": int(counts["rows"] or 0), "problems": int(counts["problems"] or 0)}


def presets() -> list[PresetPublic]:
    """The presets an upload can use."""
    return [
        PresetPublic(name=p.name, title=p.title, tables=[t.table for t in p.targets])
        for p in list_presets()
    ]
