"""The baseline of a marketing-mix model: intercept, trend, yearly seasonality, controls.

Everything that is not paid media goes in one design matrix ``B`` whose coefficients are fitted
by ridge least squares together with the (non-negative) channel coefficients. Seasonality is a
Fourier series in time measured in years,

.. math::

    s(t) = \\sum_{k=1}^{K} \\big(a_k \\sin(2\\pi k t) + b_k \\cos(2\\pi k t)\\big),

as in Prophet (Taylor & Letham 2018, "Forecasting at scale", The American Statistician 72(1),
eq. 4) and PyMC-Marketing's ``yearly_seasonality``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, assert_never

import numpy as np
from numpy.typing import NDArray

__all__ = ["DAYS_PER_YEAR", "BaseDesign", "Trend", "base_design", "time_in_years"]

FloatArray = NDArray[np.float64]
Trend = Literal["none", "linear", "quadratic"]

DAYS_PER_YEAR = 365.25


@dataclass(frozen=True, eq=False)
class BaseDesign:
    """The non-media columns of the model.

    Attributes
    ----------
    matrix
        ``(n, p)`` design; column 0 is the intercept.
    names
        One name per column (``intercept``, ``trend``, ``trend^2``, ``sin_1``, ``cos_1``, ...,
        then the control names).
    penalised
        ``(p,)`` booleans: which columns the ridge penalty shrinks (all but the intercept).
    """

    matrix: FloatArray
    names: tuple[str, ...]
    penalised: NDArray[np.bool_]


def time_in_years(dates: NDArray[np.datetime64]) -> FloatArray:
    """Time since the first date, in years of 365.25 days.

    Parameters
    ----------
    dates
        Period dates (any ``datetime64`` unit), in order.

    Returns
    -------
    numpy.ndarray
        Float years, 0 at the first date.

    Examples
    --------
    >>> time_in_years(np.array(["2020-01-01", "2021-01-01"], dtype="datetime64[D]")).round(4)
    array([0.    , 1.0021])
    """
    days = (dates - dates[0]) / np.timedelta64(1, "D")
    return np.asarray(days, dtype=np.float64) / DAYS_PER_YEAR


def base_design(
    t_years: FloatArray,
    *,
    trend: Trend = "linear",
    fourier_order: int = 2,
    controls: FloatArray | None = None,
    control_names: tuple[str, ...] = (),
) -> BaseDesign:
    """Build the baseline design: intercept, trend, yearly Fourier terms and controls.

    Columns other than the intercept are scaled to a maximum absolute value of 1 so that one
    ridge penalty means the same thing for each of them; the scaling changes coefficients, not
    the fitted values.

    Parameters
    ----------
    t_years
        Time of each period in years (see :func:`time_in_years`).
    trend
        ``"none"``, ``"linear"`` or ``"quadratic"`` polynomial in time.
    fourier_order
        Number :math:`K` of yearly sine/cosine pairs (0 for none).
    controls
        ``(n, k)`` other regressors (events, prices, ...), or ``None``.
    control_names
        Names of the ``k`` controls.

    Returns
    -------
    BaseDesign
        The design matrix with its column names.
    """
    n = t_years.shape[0]
    span = float(t_years[-1] - t_years[0]) if n > 1 else 1.0
    u = (t_years - t_years[0]) / (span if span > 0 else 1.0)
    columns: list[FloatArray] = [np.ones(n)]
    names: list[str] = ["intercept"]
    match trend:
        case "none":
            pass
        case "linear":
            columns.append(u)
            names.append("trend")
        case "quadratic":
            columns += [u, u * u]
            names += ["trend", "trend^2"]
        case _:
            assert_never(trend)
    for k in range(1, fourier_order + 1):
        angle = 2.0 * np.pi * k * t_years
        columns += [np.sin(angle), np.cos(angle)]
        names += [f"sin_{k}", f"cos_{k}"]
    if controls is not None and controls.size:
        if controls.shape != (n, len(control_names)):
            raise ValueError("controls must have shape (n, len(control_names))")
        columns += [np.asarray(controls[:, j], dtype=np.float64) for j in range(controls.shape[1])]
        names += list(control_names)
    matrix = np.column_stack(columns)
    scale = np.abs(matrix).max(axis=0)
    scale[scale == 0.0] = 1.0
    scale[0] = 1.0
    matrix = matrix / scale
    penalised = np.ones(matrix.shape[1], dtype=bool)
    penalised[0] = False
    return BaseDesign(matrix=matrix, names=tuple(names), penalised=penalised)
