"""Independent, reproducible random streams.

Every concern of the simulation (people, journeys, sales handling, billing, ...) draws from
its own stream, derived from the run's seed, the concern and the block of accounts being
generated. Adding a concern, or drawing more numbers in one, therefore never shifts the
numbers another concern sees, and block *k* is the same whether it is generated alone or
after blocks ``0..k-1``.

The streams are PCG64 generators seeded by :class:`numpy.random.SeedSequence` with the
entropy ``(seed, concern, block)`` (O'Neill 2014, "PCG: A Family of Simple Fast
Space-Efficient Statistically Good Algorithms for Random Number Generation").
"""

from __future__ import annotations

from enum import IntEnum

import numpy as np

__all__ = ["Concern", "stream"]

WORLD_BLOCK = 1_000_000_000
"""Block number used for draws that belong to the whole company (campaigns, spend)."""


class Concern(IntEnum):
    """One stream per concern. Values are part of the output: never renumber them."""

    WORLD = 1
    ACCOUNTS = 2
    PEOPLE = 3
    JOURNEYS = 4
    LEADS = 5
    ACTIVITIES = 6
    DEALS = 7
    BILLING = 8
    USAGE = 9
    SUPPORT = 10
    VOICE = 11
    VARIATION = 12
    EXPERIMENTS = 13
    BAD_ROWS = 14
    SPEND = 15
    IDS = 16
    HUBSPOT_VARIATION = 17
    SALESFORCE_VARIATION = 18
    ZENDESK_VARIATION = 19
    STRIPE_VARIATION = 20
    PRODUCT_VARIATION = 21
    SALES_TOUCHES = 22
    FEEDBACK_VARIATION = 23


def stream(seed: int, concern: Concern, block: int = WORLD_BLOCK) -> np.random.Generator:
    """Return the generator for *concern* in *block* of a run seeded with *seed*.

    Examples
    --------
    >>> a = stream(42, Concern.PEOPLE, 3).integers(0, 10**9)
    >>> b = stream(42, Concern.PEOPLE, 3).integers(0, 10**9)
    >>> bool(a == b)
    True
    """
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence([seed, int(concern), block])))
