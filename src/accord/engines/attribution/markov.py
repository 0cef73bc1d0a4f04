"""Markov-chain attribution with exact removal effects.

Journeys are read as walks of an absorbing Markov chain of order ``k``: from
``(start)`` through channel states (for ``k > 1``, the ``k``-tuples of consecutive
channels) to ``(conversion)`` or ``(null)``. Transition probabilities are the observed
transition counts of the distinct paths, each weighted by its journeys
(``conversions + nulls``), normalised per state.

Let ``Q`` be the transitions among transient states and ``r`` the one-step
probabilities of converting. The probability of converting from each state solves the
linear system ``(I - Q) x = r`` (absorption probabilities; Kemeny & Snell 1976), and
``P(conv) = x[start]``. Removing channel ``c`` sends every state containing ``c`` to
``(null)``; the *removal effect* is ``RE_c = 1 - P(conv | c removed) / P(conv)`` and
channel ``c`` is credited ``total conversions x RE_c / sum_j RE_j`` (Anderl, Becker,
von Wangenheim & Schumann 2016). Because removal turns every walk that
visits ``c`` into a non-conversion, ``RE_c`` equals ``P(visit c | conv)``, which is what
ChannelAttribution's ``markov_model`` estimates by simulation; here it is solved, not
sampled.

Value uses the same chain with the expected value of a conversion from each state as
the reward: ``r_s = V_s / N_s`` where ``V_s`` is the value of journeys converting from
``s`` and ``N_s`` all journeys leaving ``s``.

Without non-converting journeys (``include_nulls=False``, or no null column) only
converting paths enter the chain, as in ChannelAttribution without ``var_null``; then
``P(conv) = 1`` and ``RE_c`` is the probability that a converting walk visits ``c``.

As in ChannelAttribution, consecutive repeats of a state (``a > a``) are collapsed:
self-loops do not change absorption probabilities, only the displayed matrix.

References
----------
Anderl, E., Becker, I., von Wangenheim, F. & Schumann, J. H. (2016). Mapping the
customer journey: Lessons learned from graph-based online attribution modeling.
International Journal of Research in Marketing 33(3), 457-474.
Kemeny, J. G. & Snell, J. L. (1976). Finite Markov Chains. Springer.

Examples
--------
>>> from accord.engines.attribution.paths import PathCounts
>>> pc = PathCounts.from_sequences([["a", "b"], ["b"]], conversions=[1, 1], nulls=[0, 2])
>>> [round(x, 4) for x in markov(pc).conversions]
[0.4, 1.6]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from accord.engines.attribution.paths import FloatArray, IntArray, PathCounts
from accord.engines.attribution.result import (
    AttributionResult,
    MarkovDetails,
    ReasonCode,
    TransitionMatrix,
)
from accord.errors import InputError

__all__ = ["markov"]

_DENSE_LIMIT = 64  # states; above this the linear systems are solved sparse (SuperLU)
_DENSE_COUNTS = 1 << 22  # cells; above this transition counts are kept sparse


@dataclass(frozen=True, slots=True)
class _Walks:
    """The walks of all paths through the chain's states.

    ``state`` is the state index of every step, path after path, and ``steps`` the
    number of steps of each path; ``codes`` are the states' ``k``-tuple codes (digits
    ``channel + 1`` in base ``base = len(channels) + 1``).
    """

    codes: IntArray
    state: IntArray
    steps: IntArray
    base: int


def _walks(paths: PathCounts, order: int) -> _Walks:
    """States of order ``order``: sliding ``k``-tuples of a path's channels.

    A path shorter than ``k`` is one state holding the whole path, as in
    ChannelAttribution.
    """
    base = len(paths.channels) + 1
    if base**order >= 2**62:
        raise InputError(f"Too many channels for an order-{order} chain.")
    lengths = paths.lengths
    if order == 1:
        codes = paths.touches + 1
        steps = lengths
    else:
        touch = paths.touches + 1
        pos = paths.positions
        length = np.repeat(lengths, lengths)
        codes = np.zeros(len(touch), dtype=np.int64)
        for m in range(order):
            shifted = np.zeros(len(touch), dtype=np.int64)
            inside = np.flatnonzero(pos + m < length)
            shifted[inside] = touch[inside + m]
            codes = codes * base + shifted
        codes = codes[pos <= np.maximum(length - order, 0)]
        steps = np.maximum(lengths - order + 1, 1)
    if base**order <= 1 << 24:  # compact codes by counting, not sorting
        used = np.bincount(codes, minlength=base**order) > 0
        state_codes = np.flatnonzero(used)
        state = (np.cumsum(used) - 1)[codes]
    else:
        state_codes, state = np.unique(codes, return_inverse=True)
    return _Walks(state_codes, state, steps, base)


def _transition_counts(
    walks: _Walks, weight: FloatArray, conv: FloatArray, nulls: FloatArray
) -> tuple[FloatArray | sp.csr_matrix, IntArray]:
    """Weighted transition counts among ``m`` states, ``(start)``, ``(conversion)``,
    ``(null)`` (indices ``m``, ``m + 1``, ``m + 2``), self-loops dropped; and each
    path's last state."""
    m = len(walks.codes)
    size = m + 3
    state = walks.state
    ends = np.cumsum(walks.steps) - 1
    last = state[ends]
    first = state[ends - walks.steps + 1]
    # consecutive steps; the pair (end of a path, start of the next) gets weight 0
    step_w = np.repeat(weight, walks.steps)[:-1]
    step_w[ends[:-1]] = 0.0
    n = len(weight)
    rows = [np.full(n, m), last, last]
    cols = [first, np.full(n, m + 1), np.full(n, m + 2)]
    weights = [weight, conv, nulls]
    if size * size <= _DENSE_COUNTS:
        key = state[:-1] * size
        key += state[1:]
        dense = np.bincount(key, step_w, minlength=size * size).astype(np.float64)
        for r, c, w in zip(rows, cols, weights, strict=True):
            dense += np.bincount(r * size + c, w, minlength=size * size)
        dense = dense.reshape(size, size)
        dense[np.arange(m), np.arange(m)] = 0.0
        return dense, last
    r = np.concatenate([state[:-1], *rows])
    c = np.concatenate([state[1:], *cols])
    w = np.concatenate([step_w, *weights])
    w[r == c] = 0.0
    sparse = sp.coo_matrix((w, (r, c)), shape=(size, size)).tocsr()
    sparse.eliminate_zeros()
    return sparse, last


def _solve(a: sp.csc_matrix | FloatArray, b: FloatArray) -> FloatArray:
    if isinstance(a, np.ndarray):
        return np.asarray(np.linalg.solve(a, b), dtype=np.float64)
    return np.asarray(spla.splu(a).solve(b), dtype=np.float64)


@dataclass(frozen=True, slots=True)
class _Chain:
    """Transition probabilities of ``m`` channel states, ``(start)`` (index ``m``),
    ``(conversion)`` and ``(null)``; the first ``m + 1`` states are transient."""

    q: FloatArray | sp.csr_matrix
    to_conversion: FloatArray
    inv_outflow: FloatArray
    visited: npt.NDArray[np.bool_]
    triplets: tuple[IntArray, IntArray, FloatArray]

    @classmethod
    def from_counts(cls, counts: FloatArray | sp.csr_matrix, m: int) -> _Chain:
        size, transient = m + 3, m + 1
        if isinstance(counts, np.ndarray):
            outflow = counts.sum(axis=1)
            inv = np.divide(1.0, outflow, out=np.zeros(size), where=outflow > 0)
            probs: FloatArray | sp.csr_matrix = counts * inv[:, None]
            src, dst = np.nonzero(counts)
            triplets = (src, dst, counts[src, dst] * inv[src])
            to_conv = counts[:transient, m + 1] * inv[:transient]
            if size > _DENSE_LIMIT:  # solve sparse: many states, few transitions each
                probs = sp.csr_matrix(probs)
        else:
            outflow = np.asarray(counts.sum(axis=1)).ravel()
            inv = np.divide(1.0, outflow, out=np.zeros(size), where=outflow > 0)
            probs = (sp.diags(inv) @ counts).tocsr()
            coo = probs.tocoo()
            triplets = (coo.row, coo.col, coo.data)
            to_conv = probs[:transient, m + 1].toarray().ravel()
        q = probs[:transient, :transient]
        return cls(q, to_conv, inv, outflow[:transient] > 0, triplets)

    def absorb(self, b: FloatArray, *, drop: npt.NDArray[np.bool_] | None) -> FloatArray:
        """Solve ``(I - Q) x = b`` without the ``drop`` states (sent to ``(null)``) and
        return ``x`` at ``(start)``, one value per column of ``b``."""
        n = self.q.shape[0]
        idx = np.arange(n) if drop is None else np.flatnonzero(~drop)
        if isinstance(self.q, np.ndarray):
            a: sp.csc_matrix | FloatArray = np.eye(len(idx)) - self.q[np.ix_(idx, idx)]
        else:
            a = (sp.identity(len(idx), format="csc") - self.q[idx][:, idx]).tocsc()
        x = _solve(a, b[idx])
        return np.asarray(x[np.searchsorted(idx, n - 1)], dtype=np.float64)


def markov(
    paths: PathCounts,
    *,
    order: int = 1,
    include_nulls: bool = True,
) -> AttributionResult:
    """Attribute conversions (and value) by exact Markov removal effects.

    Parameters
    ----------
    paths
        Distinct paths with conversions, optional value and non-conversions.
    order
        Order ``k`` of the chain (1 to 3 are practical).
    include_nulls
        Use the non-converting journeys (``paths.nulls``). Ignored when there are none.

    Returns
    -------
    AttributionResult
        Credit per channel; ``markov`` holds removal effects, ``P(conv)`` and the
        transition matrix.
    """
    if order < 1:
        raise ValueError("order must be >= 1")
    n_ch = len(paths.channels)
    use_nulls = include_nulls and paths.nulls is not None
    nulls = paths.nulls if (use_nulls and paths.nulls is not None) else np.zeros(paths.n_paths)
    conv = paths.conversions
    params: tuple[tuple[str, float | str | bool], ...] = (
        ("order", order),
        ("include_nulls", use_nulls),
    )
    reason: ReasonCode | None = None
    if paths.n_paths == 0:
        reason = "no_paths"
    elif paths.total_conversions == 0:
        reason = "no_conversions"
    if reason is not None:
        zeros = tuple(0.0 for _ in range(n_ch))
        return AttributionResult(
            model="markov", channels=paths.channels, conversions=zeros,
            value=None if paths.value is None else zeros,
            total_conversions=paths.total_conversions, total_value=paths.total_value,
            reason=reason, parameters=params,
        )  # fmt: skip

    walks = _walks(paths, order)
    m = len(walks.codes)
    weight = conv + nulls if use_nulls else conv  # journeys entering the chain, per path
    counts, ends = _transition_counts(walks, weight, conv, nulls)
    chain = _Chain.from_counts(counts, m)
    rewards = [chain.to_conversion]
    if paths.value is not None:  # expected value of converting from each state
        value_end = np.bincount(ends, paths.value, minlength=m + 3)[: m + 1]
        rewards.append(value_end.astype(np.float64) * chain.inv_outflow[: m + 1])
    b = np.column_stack(rewards)
    base_x = chain.absorb(b, drop=None)
    base, state_codes = walks.base, walks.codes
    digits = np.stack(
        [(state_codes // base ** (order - 1 - j)) % base for j in range(order)], axis=1
    )
    removal = np.zeros((n_ch, b.shape[1]))
    for c in range(n_ch):
        contains = np.zeros(m + 1, dtype=bool)
        contains[:m] = (digits == c + 1).any(axis=1)
        if (contains & chain.visited).any():  # a state no journey reaches changes nothing
            removal[c] = 1.0 - chain.absorb(b, drop=contains) / np.where(base_x > 0, base_x, 1.0)
    removal = np.clip(removal, 0.0, None)
    triplets = chain.triplets

    def share(col: int, total: float) -> tuple[float, ...]:
        s = removal[:, col].sum()
        return tuple(
            float(x) for x in (removal[:, col] / s * total if s > 0 else removal[:, col] * 0)
        )

    value = None
    re_value = None
    if paths.value is not None:
        value = share(1, float(paths.value.sum()))
        re_value = tuple(float(x) for x in removal[:, 1])
    names = _state_names(paths.channels, state_codes, base, order)
    details = MarkovDetails(
        order=order,
        include_nulls=use_nulls,
        conversion_probability=float(base_x[0]),
        removal_effects=tuple(float(x) for x in removal[:, 0]),
        removal_effects_value=re_value,
        transition_matrix=TransitionMatrix(
            states=names,
            source=tuple(int(i) for i in triplets[0]),
            target=tuple(int(i) for i in triplets[1]),
            probability=tuple(float(p) for p in triplets[2]),
        ),
    )
    return AttributionResult(
        model="markov",
        channels=paths.channels,
        conversions=share(0, paths.total_conversions),
        value=value,
        total_conversions=paths.total_conversions,
        total_value=paths.total_value,
        parameters=params,
        markov=details,
    )


def _state_names(
    channels: tuple[str, ...], codes: IntArray, base: int, order: int
) -> tuple[str, ...]:
    names = []
    for code in codes.tolist():
        parts = []
        for j in range(order):
            d = (code // base ** (order - 1 - j)) % base
            if d:
                parts.append(channels[d - 1])
        names.append(" > ".join(parts))
    return (*names, "(start)", "(conversion)", "(null)")
