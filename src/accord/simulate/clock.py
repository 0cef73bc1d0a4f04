"""Time in the simulation: integer seconds since 1970-01-01 UTC, and the export formats.

All timestamps are generated in UTC. Each export writes them the way its tool does:
naive ``2024-03-05 14:22`` (HubSpot; naive values are UTC), US dates ``3/5/2024``
(Salesforce reports), ``2024-03-05 14:22:10`` under a ``(UTC)`` header (Stripe),
``2024-03-05T14:22:10+00:00`` (Zendesk), ISO dates (ad platforms) and ISO 8601 with ``Z``
(Accord's canonical files). A missing time is :data:`MISSING`.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Final, Literal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["DAY", "HOUR", "MISSING", "TimeFormat", "add_months", "epoch", "format_times"]

HOUR: Final = 3_600
DAY: Final = 86_400
MISSING: Final = -1

TimeFormat = Literal["hubspot", "iso", "iso_date", "us_date", "stripe", "zendesk"]


def epoch(day: date) -> int:
    """Seconds since the epoch at midnight UTC of *day*."""
    return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp())


def add_months(day: date, months: int) -> date:
    """*day* moved by *months* calendar months (day of month clipped to 28)."""
    total = day.year * 12 + day.month - 1 + months
    return date(total // 12, total % 12 + 1, min(day.day, 28))


def format_times(seconds: np.ndarray, fmt: TimeFormat) -> pa.Array:
    """Format epoch seconds as strings in an export's format; :data:`MISSING` -> null.

    Examples
    --------
    >>> t = np.array([epoch(date(2024, 3, 5)) + 14 * HOUR + 22 * 60 + 10, MISSING])
    >>> format_times(t, "us_date").to_pylist()
    ['3/5/2024', None]
    >>> format_times(t, "iso").to_pylist()[0]
    '2024-03-05T14:22:10Z'
    """
    mask = pa.array(seconds == MISSING)
    ts = pa.array(np.where(seconds == MISSING, 0, seconds).astype("datetime64[s]"))
    text = pc.cast(ts, pa.string())  # 'YYYY-MM-DD HH:MM:SS'
    out: pa.Array
    if fmt == "hubspot":
        out = pc.utf8_slice_codeunits(text, 0, 16)
    elif fmt == "stripe":
        out = text
    elif fmt == "iso_date":
        out = pc.utf8_slice_codeunits(text, 0, 10)
    elif fmt == "iso":
        out = pc.binary_join_element_wise(
            pc.utf8_slice_codeunits(text, 0, 10), pc.utf8_slice_codeunits(text, 11, 19), "T"
        )
        out = pc.binary_join_element_wise(out, "Z", "")
    elif fmt == "zendesk":
        out = pc.binary_join_element_wise(
            pc.utf8_slice_codeunits(text, 0, 10), pc.utf8_slice_codeunits(text, 11, 19), "T"
        )
        out = pc.binary_join_element_wise(out, "+00:00", "")
    elif fmt == "us_date":
        day = pc.cast(ts, pa.date32())
        out = pc.binary_join_element_wise(
            pc.cast(pc.month(day), pa.string()),
            pc.cast(pc.day(day), pa.string()),
            pc.cast(pc.year(day), pa.string()),
            "/",
        )
    else:  # pragma: no cover - exhaustive Literal
        raise ValueError(fmt)
    return pc.if_else(mask, pa.scalar(None, pa.string()), out)
