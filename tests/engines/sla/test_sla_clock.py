"""SLA clocks: hand-worked business-hours cases, DST, and a brute-force property check.

The property test counts working minutes one by one in Python with :mod:`zoneinfo`
(an implementation that shares nothing with the closed-form clock position computed in
the warehouse) and requires the two to agree to the second.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import ibis
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accord.engines.sla import Clock
from accord.errors import InputError

D = dt.datetime
SPAN = (D(2023, 1, 1), D(2026, 1, 1))
NINE_TO_FIVE = (dt.time(9), dt.time(17))


def _elapsed_hours(clock: Clock, a: dt.datetime, b: dt.datetime) -> float:
    t = ibis.memtable({"a": [a], "b": [b]})
    e = t.select(h=(clock.position(t.b, SPAN) - clock.position(t.a, SPAN)) / 3600.0)
    return float(e.to_pyarrow()["h"][0].as_py())


def _due(clock: Clock, a: dt.datetime, hours: float) -> dt.datetime:
    t = ibis.memtable({"a": [a]})
    due: dt.datetime = t.select(d=clock.due(t.a, hours * 3600, SPAN)).to_pyarrow()["d"][0].as_py()
    return due


def test_friday_afternoon_to_monday_morning() -> None:
    fri_4pm, mon_10am = D(2024, 3, 1, 16), D(2024, 3, 4, 10)  # UTC = local here
    assert _elapsed_hours(Clock(), fri_4pm, mon_10am) == 66.0
    assert _elapsed_hours(Clock(business_days=True), fri_4pm, mon_10am) == 8.0 + 10.0
    assert _elapsed_hours(Clock(hours=NINE_TO_FIVE), fri_4pm, mon_10am) == 1.0 + 1.0


def test_due_times_skip_nights_and_weekends() -> None:
    clock = Clock(hours=NINE_TO_FIVE)
    # Fri 16:00 + 24 working hours: Fri 1 h, Mon 8, Tue 8, Wed 7 -> Wed 16:00
    assert _due(clock, D(2024, 3, 1, 16), 24) == D(2024, 3, 6, 16)
    # a deadline landing on closing time is shown at closing time, not next morning
    assert _due(clock, D(2024, 3, 1, 16), 1) == D(2024, 3, 1, 17)
    # received on Saturday: the clock starts Monday 09:00
    assert _due(clock, D(2024, 3, 2, 12), 2) == D(2024, 3, 4, 11)
    assert _due(Clock(), D(2024, 3, 2, 12), 2) == D(2024, 3, 2, 14)


def test_calendar_clock_is_real_time_across_dst_and_due_is_local() -> None:
    berlin = Clock("Europe/Berlin")
    # clocks go forward on 2024-03-31 at 02:00 local: 48 real hours, 49 on the wall
    a, b = D(2024, 3, 30, 12), D(2024, 4, 1, 12)  # UTC
    assert _elapsed_hours(berlin, a, b) == 48.0
    assert _due(berlin, a, 48) == D(2024, 4, 1, 14)  # 14:00 CEST = 12:00 UTC


def test_business_hours_follow_local_time() -> None:
    ny = Clock("America/New_York", hours=NINE_TO_FIVE)
    # 13:00 UTC is 09:00 EDT on Monday 2024-07-01; 21:00 UTC is 17:00 EDT
    assert _elapsed_hours(ny, D(2024, 7, 1, 13), D(2024, 7, 1, 21)) == 8.0
    assert _elapsed_hours(ny, D(2024, 7, 1, 12), D(2024, 7, 1, 13)) == 0.0
    assert ny.describe() == "business 09:00-17:00 Mon-Fri America/New_York"


def test_invalid_clocks_are_input_errors() -> None:
    with pytest.raises(InputError):
        Clock("Mars/Olympus_Mons")
    with pytest.raises(InputError):
        Clock(hours=(dt.time(17), dt.time(9)))


def _brute_force_hours(
    zone: str, hours: tuple[int, int] | None, a: dt.datetime, b: dt.datetime
) -> float:
    tz, utc = ZoneInfo(zone), dt.UTC
    minutes, t = 0, a
    step = dt.timedelta(minutes=1)
    while t < b:
        local = t.replace(tzinfo=utc).astimezone(tz)
        if local.weekday() < 5 and (hours is None or hours[0] <= local.hour < hours[1]):
            minutes += 1
        t += step
    return minutes / 60


instants = st.datetimes(min_value=D(2024, 3, 20), max_value=D(2024, 4, 10)).map(
    lambda d: d.replace(second=0, microsecond=0)
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    a=instants,
    length=st.integers(min_value=0, max_value=4 * 24 * 60),
    zone=st.sampled_from(["UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata"]),
    hours=st.sampled_from([None, (9, 17), (8, 18)]),
)
def test_business_time_matches_minute_counting_and_never_exceeds_real_time(
    a: dt.datetime, length: int, zone: str, hours: tuple[int, int] | None
) -> None:
    b = a + dt.timedelta(minutes=length)
    window = (dt.time(hours[0]), dt.time(hours[1])) if hours else None
    clock = Clock(zone, business_days=True, hours=window)
    got = _elapsed_hours(clock, a, b)
    assert got == pytest.approx(_brute_force_hours(zone, hours, a, b), abs=1e-9)
    assert 0 <= got <= _elapsed_hours(Clock(zone), a, b) + 1e-9
    assert clock.position_py(b) - clock.position_py(a) == pytest.approx(got * 3600)
