"""What every revenue figure starts from: the signed definitions and the keyed tables.

:func:`revenue_context` reads, once per command, the ``sla`` and ``funnel`` definitions in
force (one consistent snapshot, so every figure cites the same versions), the workspace
time zone, and the warehouse tables re-keyed to the resolved person with
:func:`accord.identity.keys.with_person_id` (``"<system>:<id>"`` before ``accord
resolve``). The tables stay Ibis expressions, except the keyed lifecycle events: every
revenue figure reads them, so they are materialised once per context (a temporary
table) instead of re-joining the crosswalk for each figure.

Person attributes (the ``--by`` dimensions) are stated, because each choice moves the
numbers:

``source``
    the contact record's lead source (presets normalise it to a channel code), else the
    channel of the person's first marketing touch;
``channel``, ``campaign``
    channel and campaign of the person's first marketing touchpoint;
``segment``
    the segment of the account of the person's contact records;
``rep``
    the contact owner (the rep the lead was handed to).
"""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Literal

import ibis
import ibis.expr.types as ir

from accord.data.warehouse import Warehouse
from accord.data.workspace import Workspace
from accord.definitions.funnel import FunnelDefinition
from accord.definitions.results import Citation
from accord.definitions.sla import SlaDefinition
from accord.definitions.sql_store import SqlDefinitionStore
from accord.definitions.store import DefinitionVersion, InForceSnapshot
from accord.engines.funnel.periods import to_local_py
from accord.errors import InputError, NotFound
from accord.identity.keys import crosswalk_available, with_person_id

__all__ = [
    "DIMENSIONS",
    "Dimension",
    "RevenueContext",
    "in_force_funnel_sla",
    "revenue_context",
]

Dimension = Literal["channel", "campaign", "segment", "rep", "source"]
DIMENSIONS: tuple[str, ...] = ("channel", "campaign", "segment", "rep", "source")

_ACTIVITY_SCHEMA = {"person_id": "string", "rep_id": "string", "ts": "timestamp"}


@dataclass(frozen=True)
class RevenueContext:
    """The inputs of every revenue workflow, for one command.

    Attributes
    ----------
    warehouse
        The open warehouse (valid inside :func:`revenue_context` only).
    funnel, sla
        The versions in force (``sla`` is ``None`` when no SLA is in force).
    time_zone
        The workspace's IANA zone; every ``start``/``end``/``as_of`` is local time in it.
    as_of
        Local time of the newest lifecycle event plus one second (a historical export
        shows its own last month), unless given.
    events, activities, attributes, owners
        Ibis expressions keyed by ``person_id`` (see the module docstring).
    """

    warehouse: Warehouse
    funnel: DefinitionVersion
    sla: DefinitionVersion | None
    time_zone: str
    as_of: dt.datetime
    events: ir.Table
    activities: ir.Table
    attributes: ir.Table
    owners: ir.Table
    resolved: bool = True
    """Whether ``accord resolve`` has written the person crosswalk (else each source
    record is its own person)."""

    @property
    def funnel_body(self) -> FunnelDefinition:
        """The funnel definition in force."""
        d = self.funnel.definition
        assert isinstance(d, FunnelDefinition)
        return d

    @property
    def sla_body(self) -> SlaDefinition:
        """The SLA definition in force (raises :class:`NotFound` when none is)."""
        if self.sla is None:
            raise NotFound(
                "No `sla` definition is in force.",
                hint="`accord definitions list --kind sla` shows it; its owners sign it with "
                "`accord definitions sign`.",
            )
        d = self.sla.definition
        assert isinstance(d, SlaDefinition)
        return d

    @property
    def citations(self) -> tuple[Citation, ...]:
        """The definition versions every figure of this context uses."""
        found = (self.funnel, self.sla)
        return tuple(v.citation() for v in found if v is not None)

    def cite_args(self) -> dict[str, str]:
        """``Report.cite`` keyword arguments: ``funnel="b2b_funnel@3"``, ``sla=...``."""
        out = {"funnel": f"{self.funnel.name}@{self.funnel.version}"}
        if self.sla is not None:
            out["sla"] = f"{self.sla.name}@{self.sla.version}"
        return out

    def table(self, name: str) -> ir.Table | None:
        """A warehouse table, or ``None`` when nothing was loaded into it."""
        return self.warehouse.table(name) if name in self.warehouse.tables() else None


def in_force_funnel_sla(
    snapshot: InForceSnapshot, *, sla_name: str | None = None
) -> tuple[DefinitionVersion, DefinitionVersion | None]:
    """The SLA in force (named, else the only/first one) and the funnel it names.

    Without an SLA in force, the first funnel in force (by name) is used alone.
    """
    versions = snapshot.versions
    slas = sorted(n for n, v in versions.items() if v.definition.kind == "sla")
    funnels = sorted(n for n, v in versions.items() if v.definition.kind == "funnel")
    sla: DefinitionVersion | None = None
    if sla_name is not None:
        sla = versions.get(sla_name)
        if sla is None or sla.definition.kind != "sla":
            raise NotFound(
                f"No `sla` definition named {sla_name!r} is in force.",
                hint=f"In force: {', '.join(slas) or 'none'}.",
            )
    elif slas:
        sla = versions[slas[0]]
    if sla is not None:
        assert isinstance(sla.definition, SlaDefinition)
        wanted = sla.definition.body.funnel
        funnel = versions.get(wanted)
        if funnel is None or funnel.definition.kind != "funnel":
            raise NotFound(
                f"The SLA {sla.name} uses the funnel {wanted!r}, which is not in force.",
                hint=f"Sign the funnel: `accord definitions show {wanted}` says who must.",
            )
        return funnel, sla
    if not funnels:
        raise NotFound(
            "No `funnel` definition is in force.",
            hint="`accord definitions list --kind funnel` shows the proposals; their owners "
            "sign them with `accord definitions sign`.",
        )
    return versions[funnels[0]], None


def _keyed(wh: Warehouse, name: str) -> ir.Table | None:
    if name not in wh.tables():
        return None
    t = wh.table(name)
    if "source_system" not in t.columns or "contact_id" not in t.columns:
        return None
    t = t.filter(t.contact_id.notnull())
    return with_person_id(wh, t, id_column="contact_id").view()


def _empty(schema: dict[str, str]) -> ir.Table:
    return ibis.memtable({c: [] for c in schema}, schema=ibis.schema(schema))


def _first_touch(wh: Warehouse) -> ir.Table:
    tp = _keyed(wh, "touchpoints")
    if tp is None:
        return _empty({"ft_person": "string", "channel": "string", "campaign": "string"})
    if "team" in tp.columns:
        tp = tp.filter(tp.team.isnull() | (tp.team == "marketing"))
    return (
        tp.group_by("person_id")
        .aggregate(
            channel=tp.channel.cast("string").argmin(tp.ts),
            campaign=tp.campaign_id.cast("string").argmin(tp.ts),
        )
        .rename(ft_person="person_id")
    )


def _contact_attributes(wh: Warehouse) -> ir.Table:
    c = _keyed(wh, "contacts")
    if c is None:
        return _empty(
            {"c_person": "string", "lead_source": "string", "rep": "string", "segment": "string"}
        )
    if "accounts" in wh.tables():
        a = wh.table("accounts")
        a = a.select("source_system", "account_id", a_segment=a.segment.cast("string"))
        c = c.left_join(a, ["source_system", "account_id"])
        segment: ir.Value = c.a_segment
    else:
        segment = ibis.null("string")
    c = c.mutate(_segment=segment)
    return (
        c.group_by("person_id")
        .aggregate(
            lead_source=c.lead_source.cast("string").argmin(
                c.created_at, where=c.lead_source.notnull()
            ),
            rep=c.owner_id.cast("string").max(),
            segment=c._segment.max(),
        )
        .rename(c_person="person_id")
    )


def _attributes(wh: Warehouse) -> ir.Table:
    ca, ft = _contact_attributes(wh), _first_touch(wh).view()
    j = ca.outer_join(ft, ca.c_person == ft.ft_person)
    return j.select(
        person_id=j.c_person.coalesce(j.ft_person),
        source=j.lead_source.coalesce(j.channel),
        channel=j.channel,
        campaign=j.campaign,
        segment=j.segment,
        rep=j.rep,
    )


def _owners(wh: Warehouse, le: ir.Table, sla: DefinitionVersion | None) -> ir.Table:
    """The rep each person was handed to: the owner of the person's record in the system
    that recorded the first hand-off (the lead was routed there), else any record's (the
    largest owner id, as the ``rep`` attribute).

    Read from the keyed contacts alone (not from the full attributes table, whose
    touchpoints and accounts do not bear on the owner)."""
    c = _keyed(wh, "contacts")
    if c is None:
        return _empty({"person_id": "string", "owner_id": "string"})
    c = c.filter(c.owner_id.notnull())
    per_system = c.group_by("person_id", "source_system").aggregate(
        h_owner=c.owner_id.cast("string").max()
    )
    fallback = per_system.group_by("person_id").aggregate(owner_id=per_system.h_owner.max())
    if sla is None or "source_system" not in le.columns:
        return fallback
    assert isinstance(sla.definition, SlaDefinition)
    h = le.filter(le.stage == sla.definition.body.handoff_stage)
    h = h.group_by("person_id").aggregate(h_system=h.source_system.argmin(h.ts))
    c = per_system.rename(h_person="person_id", h_system="source_system")
    j = h.join(c, [h.person_id == c.h_person, h.h_system == c.h_system])
    routed = j.select(r_person=j.person_id, r_owner=j.h_owner).view()
    f = fallback.left_join(routed, fallback.person_id == routed.r_person)
    # every routed person has an owner, so is in the fallback: no one to add
    return f.select("person_id", owner_id=f.r_owner.coalesce(f.owner_id)).view()


def _as_of(events: ir.Table, time_zone: str) -> dt.datetime:
    newest = events.ts.max().to_pyarrow().as_py()
    if newest is None:
        newest = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    return to_local_py(newest, time_zone) + dt.timedelta(seconds=1)


@contextmanager
def revenue_context(
    workspace: Workspace,
    store: SqlDefinitionStore,
    *,
    sla_name: str | None = None,
    as_of: dt.datetime | None = None,
) -> Iterator[RevenueContext]:
    """Open the warehouse read-only and gather the inputs (closed on exit).

    Raises
    ------
    NotFound
        No funnel in force, or no lifecycle events loaded (the hint says how to fix it).
    """
    funnel, sla = in_force_funnel_sla(store.snapshot(), sla_name=sla_name)
    tz = workspace.settings.workspace.timezone
    with workspace.warehouse(read_only=True) as wh:
        le = _keyed(wh, "lifecycle_events")
        if le is None:
            raise NotFound(
                "No lifecycle events are loaded: the funnel and the SLA are built from them.",
                hint="Load a lifecycle export with `accord load FILE`.",
            )
        # Keyed once: the crosswalk join of every lifecycle event is the costliest step
        # and the funnel, the side exits, the hand-offs, marketing's SLA and the owners
        # all read it. A temporary table (dropped with the context) instead of a lazy
        # join that each of them would re-run.
        if as_of is not None and as_of.tzinfo is not None:
            raise InputError("as_of must be a naive local time.", hint="Drop the offset.")
        keyed = le.select(
            "person_id", "source_system", "stage", "ts", reason=le.reason.cast("string")
        ).cache()
        try:
            events = keyed.select("person_id", "stage", "ts", "reason")
            act = _keyed(wh, "activities")
            activities = (
                _empty(_ACTIVITY_SCHEMA)
                if act is None
                else act.select("person_id", rep_id=act.rep_id.cast("string"), ts=act.ts)
            )
            attributes = _attributes(wh)
            yield RevenueContext(
                warehouse=wh,
                funnel=funnel,
                sla=sla,
                time_zone=tz,
                as_of=as_of if as_of is not None else _as_of(events, tz),
                events=events,
                activities=activities,
                attributes=attributes,
                owners=_owners(wh, keyed, sla),
                resolved=crosswalk_available(wh),
            )
        finally:
            # The caller may still hold the context: drop the keyed events explicitly.
            # Other materialised intermediate tables drop themselves when collected: let
            # them go while the connection is still open.
            keyed.release()
            gc.collect()
