"""Expected BG/NBD purchases of a customer known to be alive, computed robustly.

For a customer alive at ``T`` with ``x`` repeat purchases, the expected purchases in the
next ``t`` are (Fader, Hardie & Lee 2005, eq. (10) without its P(alive) factor)::

    G = (a+b+x-1)/(a-1) * [1 - (1-z)^(r+x) 2F1(r+x, b+x; a+b+x-1; z)],  z = t/(s+t)

with ``s = alpha + T`` (``s = alpha``, ``x = 0`` for a new customer, eq. (7)).

SciPy's ``hyp2f1`` is unreliable when ``c-a-b`` is close to an integer and ``z`` close to
1 (it can return NaN or a wrong finite value), and the direct form overflows for heavy
buyers. So ``G`` is computed twice: directly and after Euler's transformation
``2F1(A, B; C; z) = (1-z)^(C-A-B) 2F1(C-A, C-B; C; z)`` (Abramowitz & Stegun 15.3.3),
which fail in different places. Where the two disagree, ``G`` is computed a third way,
from its integral over the posterior of the dropout probability ``p ~ Beta(a, b+x)``::

    G = E_p[(1 - (1 + p t/s)^-(r+x)) / p]

(while alive, purchases follow a Poisson process and the customer drops out after each
with probability ``p``: ``E[Y(t) | lambda, p] = (1 - exp(-lambda p t)) / p``, then
``lambda ~ Gamma(r+x, s)``), by Gauss-Jacobi quadrature whose weight is the Beta density.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from scipy.linalg import eigh_tridiagonal
from scipy.special import hyp2f1

from accord.engines.clv._optimize import FloatArray

__all__ = ["alive_expected_purchases"]

_AGREE = 1e-8


def alive_expected_purchases(
    r: float, a: float, b: float, x: FloatArray, s: FloatArray, t: FloatArray
) -> FloatArray:
    """``G(t)`` for each entry of the broadcast ``x, s, t`` (see the module docstring)."""
    x, s, t = np.broadcast_arrays(*(np.asarray(v, dtype=np.float64) for v in (x, s, t)))
    z = t / (s + t)
    factor = (a + b + x - 1) / (a - 1)
    log1mz = np.log1p(-z)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        euler = factor * (
            1 - np.exp((a - 1) * log1mz) * hyp2f1(a + b - 1 - r, a - 1, a + b + x - 1, z)
        )
        direct = factor * (1 - np.exp((r + x) * log1mz) * hyp2f1(r + x, b + x, a + b + x - 1, z))
    agree = (
        np.isfinite(euler)
        & np.isfinite(direct)
        & (np.abs(euler - direct) <= _AGREE * np.maximum(np.abs(euler), 1e-300))
    )
    result = np.where(agree, euler, 0.0)
    if not np.all(agree):
        bad = ~agree
        result[bad] = _by_quadrature(r, a, b, x[bad], s[bad], t[bad])
    return np.asarray(result, dtype=np.float64)


def _by_quadrature(
    r: float, a: float, b: float, x: FloatArray, s: FloatArray, t: FloatArray
) -> FloatArray:
    """``E_p[(1 - (1 + p t/s)^-(r+x)) / p]`` with ``p ~ Beta(a, b+x)``, Gauss-Jacobi."""
    out = np.empty(len(x))
    # The integrand has a pole at p = -s/t; the closer it is to [0, 1], the more nodes.
    delta = s / t
    rho = 1 + 2 * np.sqrt(delta) + 2 * delta  # Bernstein ellipse through the pole (approx.)
    nodes_needed = np.clip(np.ceil(25 / np.log(rho)), 32, 1024)
    for i in range(len(x)):
        n = int(2 ** np.ceil(np.log2(nodes_needed[i])))  # few distinct rules to cache
        p, w = _beta_rule(n, a, b + x[i])
        ratio = p * (t[i] / s[i])
        integrand = -np.expm1(-(r + x[i]) * np.log1p(ratio)) / p
        out[i] = float(np.dot(w, integrand))
    return out


@lru_cache(maxsize=64)
def _beta_rule(n: int, shape_a: float, shape_b: float) -> tuple[FloatArray, FloatArray]:
    """Nodes in (0, 1) and weights (summing to 1) of the n-point Gauss rule for Beta(a, b).

    Golub-Welsch on the three-term recurrence of the Jacobi polynomials for the weight
    ``(1-u)^al (1+u)^be`` on [-1, 1], ``al = b-1``, ``be = a-1``, then ``p = (1+u)/2``.
    Written out because ``scipy.special.roots_jacobi`` overflows its normalising
    constant when ``al + be`` exceeds about 1000 (customers with 1000+ purchases).
    """
    al, be = shape_b - 1.0, shape_a - 1.0
    k = np.arange(n, dtype=np.float64)
    ab = al + be
    two_k = 2 * k + ab
    with np.errstate(divide="ignore", invalid="ignore"):
        diagonal = (be**2 - al**2) / (two_k * (two_k + 2))
    diagonal[0] = (be - al) / (ab + 2)
    j = k[1:]
    two_j = 2 * j + ab
    with np.errstate(divide="ignore", invalid="ignore"):
        off = np.sqrt(
            4 * j * (j + al) * (j + be) * (j + ab) / (two_j**2 * (two_j + 1) * (two_j - 1))
        )
    if n > 1:  # j = 1: (j + ab) / (2j + ab - 1) = 1 cancels exactly
        off[0] = np.sqrt(4 * (1 + al) * (1 + be) / ((2 + ab) ** 2 * (3 + ab)))
    u, vectors = eigh_tridiagonal(diagonal, off)
    weights = vectors[0] ** 2
    return (u + 1) / 2, weights / weights.sum()
