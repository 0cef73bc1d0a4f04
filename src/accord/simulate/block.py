"""One block of accounts, generated end to end, and the record ids of every system.

Ids are functions of global record numbers (``ids.py``): account *i* is Salesforce
account ``salesforce_ids("001", i)``, HubSpot company ``9800000001 + i``, Zendesk
organisation, Stripe customer and product workspace likewise; people's ids in HubSpot,
Zendesk and the product derive from their global person or record numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from accord.simulate import ids
from accord.simulate.accounts import Accounts, make_accounts
from accord.simulate.arrays import take
from accord.simulate.billing import Billing, make_billing
from accord.simulate.clock import MISSING
from accord.simulate.counters import Counters
from accord.simulate.deals import Deals, make_deals
from accord.simulate.journeys import Journeys, Touches, make_journeys
from accord.simulate.leads import Leads, make_leads
from accord.simulate.people import INBOUND, People, make_people
from accord.simulate.rng import Concern, stream
from accord.simulate.support import Tickets, Voice, make_tickets, make_voice
from accord.simulate.truth import Tally
from accord.simulate.usage import Usage, make_usage
from accord.simulate.world import World

__all__ = ["Block", "make_block"]

HUBSPOT_SYNC_LAG = (60, 240)


@dataclass(frozen=True, slots=True)
class Block:
    """Everything generated for one block of accounts."""

    number: int
    seed: int
    world: World
    accounts: Accounts
    people: People
    journeys: Journeys
    touches: Touches
    leads: Leads
    deals: Deals
    billing: Billing
    usage: Usage
    tickets: Tickets
    voice: Voice
    hs_created: np.ndarray
    """Creation time of each person's primary HubSpot record (``MISSING``: none)."""
    hs_primary: np.ndarray
    hs_duplicate: np.ndarray
    first_lead: np.ndarray
    """Each person's first Salesforce lead (row in :class:`Leads`), -1 if none."""

    def rng(self, concern: Concern) -> np.random.Generator:
        """A fresh stream for *concern* in this block (used by the exporters)."""
        return stream(self.seed, concern, self.number)

    # --- ids -----------------------------------------------------------------------
    def sf_account(self, rows: np.ndarray) -> pa.Array:
        return ids.salesforce_ids("001", self.accounts.index[rows])

    def hs_company(self, rows: np.ndarray) -> pa.Array:
        return ids.numeric_ids(9_800_000_001, self.accounts.index[rows])

    def zd_org(self, rows: np.ndarray) -> pa.Array:
        return ids.numeric_ids(360_012_000_000, self.accounts.index[rows], 17)

    def stripe_customer(self, rows: np.ndarray) -> pa.Array:
        return ids.scrambled_ids("cus_", self.accounts.index[rows], 14)

    def stripe_subscription(self, rows: np.ndarray) -> pa.Array:
        return ids.scrambled_ids("sub_", self.accounts.index[rows], 24)

    def workspace(self, rows: np.ndarray) -> pa.Array:
        return ids.prefixed_ids("ws_", self.accounts.index[rows])

    def hs_contact(self, counters: np.ndarray) -> pa.Array:
        return ids.numeric_ids(70_000_000_001, counters)

    def sf_lead(self, rows: np.ndarray) -> pa.Array:
        return ids.salesforce_ids("00Q", self.leads.counter[rows])

    def sf_contact(self, rows: np.ndarray) -> pa.Array:
        return ids.salesforce_ids("003", self.leads.counter[rows])

    def zd_user(self, people_rows: np.ndarray) -> pa.Array:
        return ids.numeric_ids(381_500_000_000, self.people.index[people_rows], 13)

    def product_user(self, people_rows: np.ndarray) -> pa.Array:
        return ids.prefixed_ids("usr_", self.people.index[people_rows], 9)

    def person_id(self, people_rows: np.ndarray) -> pa.Array:
        return ids.prefixed_ids("P", self.people.index[people_rows], 7)

    def true_account(self, people_rows: np.ndarray) -> pa.Array:
        acct = ids.prefixed_ids("A", self.accounts.index[self.people.account[people_rows]], 6)
        return pa.array(
            [
                None if s else a
                for s, a in zip(
                    self.people.student[people_rows].tolist(), acct.to_pylist(), strict=True
                )
            ],
            type=pa.string(),
        )

    def account_key(self, rows: np.ndarray) -> pa.Array:
        return ids.prefixed_ids("A", self.accounts.index[rows], 6)


def make_block(
    world: World,
    seed: int,
    number: int,
    first_account: int,
    n_accounts: int,
    counters: Counters,
    truth: Tally,
) -> Block:
    """Generate block *number* (accounts ``first_account ..``); see the module docs."""

    def rng(concern: Concern) -> np.random.Generator:
        return stream(seed, concern, number)

    accounts = make_accounts(world, rng(Concern.ACCOUNTS), first_account, n_accounts)
    people = make_people(accounts, rng(Concern.PEOPLE), counters.peek("person"))
    counters.take("person", len(people))
    journeys = make_journeys(world, accounts, people, rng(Concern.JOURNEYS), counters, truth)
    leads = make_leads(world, accounts, people, journeys, rng(Concern.LEADS), counters, truth)
    deals = make_deals(world, accounts, people, leads, rng(Concern.DEALS), counters, truth)
    billing = make_billing(world, accounts, deals, rng(Concern.BILLING), truth)
    usage = make_usage(world, accounts, people, billing, rng(Concern.USAGE), truth)
    tickets = make_tickets(world, accounts, billing, usage, rng(Concern.SUPPORT))
    voice = make_voice(world, accounts, billing, usage, deals, rng(Concern.VOICE))

    n = len(people)
    first_lead = np.full(n, -1, dtype=np.int64)
    lead_rows = np.arange(len(leads))[::-1]
    first_lead[leads.person[lead_rows]] = lead_rows  # leads are sorted by person, time
    lag = rng(Concern.IDS).integers(*HUBSPOT_SYNC_LAG, n)
    synced = np.where(first_lead >= 0, take(leads.created, first_lead, MISSING) + lag, MISSING)
    hs_created = np.where(people.origin == INBOUND, journeys.known_at, synced)
    hs_created = np.where((hs_created != MISSING) & (hs_created < world.t1), hs_created, MISSING)
    has = hs_created != MISSING
    hs_primary = np.full(n, -1, dtype=np.int64)
    hs_primary[has] = counters.take("hubspot_contact", int(has.sum()))
    dup = has & (journeys.duplicate_at != MISSING) & (journeys.duplicate_at < world.t1)
    hs_duplicate = np.full(n, -1, dtype=np.int64)
    hs_duplicate[dup] = counters.take("hubspot_contact", int(dup.sum()))

    t = journeys.touches
    record = t.record.copy()
    person = np.maximum(t.person, 0)
    record[(t.person >= 0) & (record == 1) & ~has[person]] = 0
    record[(t.person >= 0) & (record == 2) & ~dup[person]] = 1
    record[(t.person >= 0) & (record == 1) & ~has[person]] = 0
    keep = (record > 0) | (t.cookie >= 0)
    touches = Touches(
        **{f: (record if f == "record" else getattr(t, f))[keep] for f in Touches.__slots__}
    )
    return Block(
        number=number,
        seed=seed,
        world=world,
        accounts=accounts,
        people=people,
        journeys=journeys,
        touches=touches,
        leads=leads,
        deals=deals,
        billing=billing,
        usage=usage,
        tickets=tickets,
        voice=voice,
        hs_created=hs_created,
        hs_primary=hs_primary,
        hs_duplicate=hs_duplicate,
        first_lead=first_lead,
    )
