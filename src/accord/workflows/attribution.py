"""Attribution of a workspace: journeys from its warehouse, models from its definitions.

:func:`attribute` credits conversions (MQLs, opportunities, closed-won deals, new
revenue) to channels, campaigns or teams with the model of the signed ``attribution``
definition and any other models asked for, side by side. :func:`attribute_teams` reports
team credit: the in-force model's credit per team and, separately, **sourced** and
**influenced** conversions and value (never summed). Both are used by ``accord
attribution`` and can be used by the web app.

How the inputs are read (see ``docs/attribution.md``):

* **Keys.** Touches and conversions get a person (``person`` level) or an account
  (``account`` level) from :func:`accord.identity.keys.with_person_id` /
  :func:`~accord.identity.keys.with_account_id`: the crosswalk of ``accord resolve``
  when present, the record's own ``"<system>:<id>"`` before. At account level a row's
  own account comes first, then the person's resolved account, then the company on the
  contact record.
* **Conversions** come from the definitions: ``mql`` is entry into the in-force funnel's
  ``mql`` stage (its lifecycle events), ``opportunity`` an opportunity created (value:
  its amount, i.e. pipeline), ``closed_won`` a won opportunity at its close (value: its
  amount), ``revenue`` an invoice of kind ``new`` (value: its amount).
* **Milestones**: the lead (entry into the funnel's ``lead`` stage) and the opportunity
  creation, for W-shaped/full-path and for the originating touch of sourced credit.

The heavy work (keys, journeys, aggregation to distinct paths) runs in the warehouse;
only distinct paths come into Python (:class:`~accord.engines.attribution.PathCounts`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal, get_args

import ibis
import ibis.expr.types as ir
import pandas as pd
import pyarrow as pa

from accord.data.warehouse import Warehouse
from accord.definitions.attribution import AttributionDefinition, AttributionModel
from accord.definitions.funnel import FunnelDefinition
from accord.definitions.results import Citation
from accord.definitions.store import DefinitionVersion, InForceSnapshot
from accord.engines.attribution import (
    MODELS,
    AttributionResult,
    ModelName,
    PathCounts,
    TeamCredit,
    journeys,
    run_model,
    team_credit,
)
from accord.engines.attribution.rules import position_based, time_decay
from accord.engines.attribution.shapley import Characteristic, shapley
from accord.errors import Conflict, InputError
from accord.identity.keys import with_account_id, with_person_id

__all__ = [
    "BYS",
    "CONVERSIONS",
    "LEVELS",
    "By",
    "Conversion",
    "Level",
    "Report",
    "Scope",
    "TeamReport",
    "attribute",
    "attribute_teams",
    "parse_models",
]

Level = Literal["person", "account"]
Conversion = Literal["mql", "opportunity", "closed_won", "revenue"]
By = Literal["channel", "campaign", "team"]
LEVELS: tuple[Level, ...] = get_args(Level)
CONVERSIONS: tuple[Conversion, ...] = get_args(Conversion)
BYS: tuple[By, ...] = get_args(By)

IN_FORCE = "in_force"
"""Model name that stands for the model of the attribution definition in force."""

_FROM_DEFINITION: dict[str, Conversion] = {
    "mql": "mql",
    "opportunity_created": "opportunity",
    "customer": "closed_won",
}
_ALIASES: dict[str, ModelName] = {
    "first": "first_touch",
    "last": "last_touch",
    "fitted_shapley": "shapley_fitted",
}
_LABEL: dict[By, str] = {"channel": "channel", "campaign": "campaign_id", "team": "team"}
_NOT_PAID = ("void", "uncollectible", "draft")
_NO_LABEL: dict[By, str] = {"channel": "(none)", "campaign": "(no campaign)", "team": "unassigned"}


def parse_models(names: Sequence[str]) -> tuple[str, ...]:
    """Model names from ``--model`` values (repeatable, comma lists, ``all``, aliases).

    ``in_force`` (the definition's model) comes first when present. Raises
    :class:`~accord.errors.InputError` for an unknown name.
    """
    out: list[str] = []
    for raw in names:
        for part in (p.strip().lower() for p in raw.split(",")):
            if not part:
                continue
            wanted = list(MODELS) if part == "all" else [_ALIASES.get(part, part)]
            for name in wanted:
                if name != IN_FORCE and name not in MODELS:
                    raise InputError(
                        f"Unknown attribution model {part!r}.",
                        hint=f"Use one of: {', '.join((IN_FORCE, *MODELS))}, all "
                        "(repeat --model or separate with commas).",
                    )
                if name not in out:
                    out.append(name)
    return tuple(out)


@dataclass(frozen=True, slots=True)
class Scope:
    """What is attributed: the journeys' level, conversion, labels and window.

    Parameters
    ----------
    level
        ``person`` or ``account`` journeys.
    conversion
        The event credited; ``None`` takes the attribution definition's.
    by
        What a touch is credited as: ``channel``, ``campaign`` or ``team``.
    lookback_days
        Touches this many days before a conversion count; ``None`` takes the definition's.
    start, end
        Conversions from ``start`` to ``end`` (inclusive days); non-converting journeys are
        observed up to the end of ``end`` (default: the latest touch).
    order
        Markov order for compared ``markov`` runs (the definition's when it is Markov).
    include_nulls
        Markov with non-converting journeys.
    shapley_game
        Characteristic function of compared ``shapley`` runs: ``conversions``,
        ``conversion_rate`` or ``fitted_rate`` (see ``docs/attribution.md``); the
        ``shapley_fitted`` model is always ``fitted_rate``.
    ridge
        Ridge penalty of the ``fitted_rate`` game in compared runs (``>= 0``; the in-force
        model keeps its definition's).
    """

    level: Level = "person"
    conversion: Conversion | None = None
    by: By = "channel"
    lookback_days: int | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    order: int | None = None
    include_nulls: bool = True
    shapley_game: Characteristic = "conversions"
    ridge: float = 1.0


@dataclass(frozen=True, slots=True)
class Report:
    """Credit per label under each model, with the definitions that produced it.

    Parameters
    ----------
    level, conversion, by, lookback_days, start, end
        The resolved scope.
    in_force
        The model of the attribution definition in force (e.g. ``"position_based"``),
        or ``None`` when no version is in force.
    results
        One result per model, in the order asked; the in-force model is named
        ``in_force`` and has the definition's parameters.
    paths
        The distinct paths every model ran on.
    conversion_events
        Conversion events in the window, including those with no touch to credit.
    citations
        Definition versions used (attribution, funnel).
    notes
        Things the reader should know (unresolved keys, pending signatures).
    """

    level: Level
    conversion: Conversion
    by: By
    lookback_days: int
    start: dt.date | None
    end: dt.date | None
    in_force: str | None
    results: tuple[AttributionResult, ...]
    paths: PathCounts = field(repr=False)
    conversion_events: float
    citations: tuple[Citation, ...]
    notes: tuple[str, ...] = ()

    @property
    def labels(self) -> tuple[str, ...]:
        """The channels (campaigns, teams) credited, sorted."""
        return tuple(sorted(self.paths.channels))

    @property
    def has_value(self) -> bool:
        """Whether the conversion carries a value (pipeline, revenue)."""
        return self.paths.value is not None

    def result(self, model: str) -> AttributionResult:
        """The result of *model* (``in_force`` for the definition's)."""
        for r in self.results:
            if r.model == model:
                return r
        raise KeyError(model)

    def credit_table(self) -> pa.Table:
        """Long format: ``label, model, conversions, share, value`` (Arrow)."""
        rows = [
            {
                self.by: label,
                "model": r.model,
                "conversions": r.credit(label),
                "share": r.share(label),
                "value": r.credit_value(label) if self.has_value else None,
            }
            for label in self.labels
            for r in self.results
        ]
        schema = pa.schema([(self.by, pa.string()), ("model", pa.string()),
                            ("conversions", pa.float64()), ("share", pa.float64()),
                            ("value", pa.float64())])  # fmt: skip
        return pa.Table.from_pylist(rows, schema=schema)

    def wide(self, what: Literal["conversions", "value"] = "conversions") -> pd.DataFrame:
        """One row per label, one column per model (pandas), largest in-force credit first."""
        frame = self.credit_table().to_pandas().pivot(index=self.by, columns="model", values=what)
        frame = frame[[r.model for r in self.results]]
        return frame.sort_values(frame.columns[0], ascending=False)


@dataclass(frozen=True, slots=True)
class TeamReport:
    """Team credit: the in-force model per team, and sourced vs influenced (never summed).

    Parameters
    ----------
    credit
        The model's credit on journeys whose touches are labelled by their team.
    teams
        Sourced and influenced conversions and value per team (originating touch: the
        touch that created the lead under the funnel, else the first touch).
    conversion, level, lookback_days
        The scope.
    citations, notes
        As in :class:`Report`.
    """

    credit: AttributionResult
    teams: TeamCredit
    conversion: Conversion
    level: Level
    lookback_days: int
    citations: tuple[Citation, ...]
    notes: tuple[str, ...] = ()

    def table(self) -> pa.Table:
        """``team, credit, credit_value, sourced, sourced_value, influenced,
        influenced_value`` (Arrow). Sourced and influenced overlap: do not add them."""
        tc, has_value = self.teams, self.teams.sourced_value is not None
        rows: list[dict[str, str | float | None]] = []
        for i, team in enumerate(tc.teams):
            rows.append(
                {
                    "team": team,
                    "credit": self.credit.credit(team),
                    "credit_value": self.credit.credit_value(team) if has_value else None,
                    "sourced": tc.sourced[i],
                    "sourced_value": tc.sourced_value[i] if tc.sourced_value else None,
                    "influenced": tc.influenced[i],
                    "influenced_value": tc.influenced_value[i] if tc.influenced_value else None,
                }
            )
        rows.sort(key=lambda r: (-tc.sourced_by(str(r["team"])), str(r["team"])))
        names = ("credit", "credit_value", "sourced", "sourced_value", "influenced",
                 "influenced_value")  # fmt: skip
        schema = pa.schema([("team", pa.string()), *((n, pa.float64()) for n in names)])
        return pa.Table.from_pylist(rows, schema=schema)


# --------------------------------------------------------------------------- definitions
@dataclass(frozen=True, slots=True)
class _Definitions:
    attribution: DefinitionVersion | None
    funnel: DefinitionVersion | None
    notes: tuple[str, ...]

    @property
    def model(self) -> AttributionModel | None:
        d = self.attribution.definition if self.attribution else None
        return d.body.model if isinstance(d, AttributionDefinition) else None

    @property
    def citations(self) -> tuple[Citation, ...]:
        return tuple(v.citation() for v in (self.attribution, self.funnel) if v is not None)

    def stage_events(self, stage: str) -> tuple[str, ...]:
        d = self.funnel.definition if self.funnel else None
        if isinstance(d, FunnelDefinition):
            for s in d.body.stages:
                if s.name == stage:
                    return s.enter.lifecycle_events
        return (stage,)


def _of_kind(defs: InForceSnapshot, kind: str) -> list[DefinitionVersion]:
    return sorted(
        (v for v in defs.versions.values() if v.definition.kind == kind), key=lambda v: v.name
    )


def _definitions(defs: InForceSnapshot) -> _Definitions:
    notes: list[str] = []
    attribution = _of_kind(defs, "attribution")
    funnels = _of_kind(defs, "funnel")
    if len(attribution) > 1:
        notes.append(f"several attribution definitions in force; {attribution[0].name} used")
    if not funnels:
        notes.append("no funnel definition in force: the mql and lead stages are the "
                     "lifecycle events of those names")  # fmt: skip
    return _Definitions(
        attribution[0] if attribution else None, funnels[0] if funnels else None, tuple(notes)
    )


def _pending_note(defs: InForceSnapshot) -> str:
    latest = defs.latest("attribution_model")
    if latest is None:
        return "no attribution definition exists"
    teams = ", ".join(latest.pending_teams) or "nobody"
    return f"{latest.name} v{latest.version} is not in force: it awaits the signature of {teams}"


# --------------------------------------------------------------------------- warehouse
def _clean(col: ir.Value) -> ir.StringValue:
    return col.cast("string").nullif("")


def _keyed(
    wh: Warehouse,
    table: ir.Table,
    level: Level,
    *,
    person_col: str | None,
    account_col: str | None,
) -> ir.Table:
    """*table* with an ``entity`` column: its person or account (see the module notes)."""
    cols = {c: _clean(table[c]) for c in (person_col, account_col) if c is not None}
    table = table.mutate(**cols)
    if level == "person":
        assert person_col is not None
        return with_person_id(wh, table, id_column=person_col, out="entity")
    keys: list[str] = []
    if account_col is not None:
        table = with_account_id(wh, table, id_column=account_col, out="_own_account")
        keys.append("_own_account")
    if person_col is not None:
        table = with_person_id(wh, table, id_column=person_col, out="_person",
                               account_out="_person_account")  # fmt: skip
        contacts = wh.table("contacts")
        company = contacts.group_by(
            _c_system=contacts.source_system, _c_id=contacts.contact_id
        ).aggregate(_c_account=_clean(contacts.account_id).max())
        company = with_account_id(wh, company, id_column="_c_account",
                                  system_column="_c_system", out="_contact_account")  # fmt: skip
        company = company.select("_c_system", "_c_id", "_contact_account")
        joined = table.left_join(
            company,
            [table.source_system == company._c_system, table[person_col] == company._c_id],
        )
        table = joined.drop("_c_system", "_c_id")
        keys += ["_person_account", "_contact_account"]
    entity = ibis.coalesce(*(table[k] for k in keys)) if len(keys) > 1 else table[keys[0]]
    return table.mutate(entity=entity)


def _conversions(
    wh: Warehouse, conversion: Conversion, level: Level, d: _Definitions
) -> tuple[ir.Table, bool]:
    """Conversion events (``entity, ts, value``) and whether they carry a value."""
    if conversion == "mql":
        le = wh.table("lifecycle_events")
        le = le.filter(le.stage.isin(d.stage_events("mql")))
        keyed = _keyed(wh, le, level, person_col="contact_id", account_col="account_id")
        return keyed.select("entity", ts=keyed.ts, value=ibis.literal(0.0)), False
    if conversion in ("opportunity", "closed_won"):
        op = wh.table("opportunities")
        when = op.created_at
        if conversion == "closed_won":
            op = op.filter(op.won.fill_null(False))
            when = op.closed_at
        op = op.mutate(_when=when)
        keyed = _keyed(wh, op, level, person_col="contact_id", account_col="account_id")
        value = keyed.amount.cast("float64").fill_null(0.0)
        return keyed.select("entity", ts=keyed._when, value=value), True
    rv = wh.table("revenue")
    rv = rv.filter(~rv.status.fill_null("").isin(_NOT_PAID))
    person, account = ("account_id", None) if level == "person" else (None, "account_id")
    keyed = _keyed(wh, rv, level, person_col=person, account_col=account)
    first = ibis.row_number().over(group_by=keyed.entity, order_by=keyed.ts) == 0
    keyed = keyed.filter((keyed.kind == "new") | (keyed.kind.isnull() & first))
    return keyed.select("entity", "ts", value=keyed.amount.cast("float64").fill_null(0.0)), True


def _milestones(wh: Warehouse, level: Level, d: _Definitions) -> dict[str, ir.Table]:
    le = wh.table("lifecycle_events")
    lead = _keyed(wh, le.filter(le.stage.isin(d.stage_events("lead"))), level,
                  person_col="contact_id", account_col="account_id")  # fmt: skip
    op = wh.table("opportunities")
    opp = _keyed(wh, op, level, person_col="contact_id", account_col="account_id")
    return {
        "lead": lead.select("entity", "ts"),
        "opportunity": opp.select("entity", ts=opp.created_at),
    }


def _touches(wh: Warehouse, level: Level, by: By) -> ir.Table:
    tp = wh.table("touchpoints")
    keyed = _keyed(wh, tp, level, person_col="contact_id", account_col="account_id")
    label = _clean(keyed[_LABEL[by]]).fill_null(_NO_LABEL[by])
    return keyed.select("entity", "ts", label=label)


def _window(scope: Scope) -> tuple[dt.datetime | None, dt.datetime | None]:
    def at(day: dt.date | None, plus: int = 0) -> dt.datetime | None:
        if day is None:
            return None
        return dt.datetime.combine(day + dt.timedelta(days=plus), dt.time())

    return at(scope.start), at(scope.end, 1)


@dataclass(frozen=True, slots=True)
class _Built:
    paths: PathCounts
    events: float
    lookback_days: int
    conversion: Conversion
    notes: tuple[str, ...]


def _build(
    wh: Warehouse,
    d: _Definitions,
    scope: Scope,
    by: By,
    *,
    ages: bool,
    milestones: bool,
) -> _Built:
    spec = d.attribution.definition if d.attribution else None
    body = spec.body if isinstance(spec, AttributionDefinition) else None
    conversion: Conversion = scope.conversion or (
        _FROM_DEFINITION[body.conversion] if body is not None else "opportunity"
    )
    lookback = scope.lookback_days or (body.lookback_days if body is not None else 90)
    if lookback < 1:
        raise InputError("--lookback must be at least 1 day.")
    start, end = _window(scope)
    if start is not None and end is not None and start >= end:
        raise InputError("--from must not be after --to.", hint="Give dates as YYYY-MM-DD.")
    conv, has_value = _conversions(wh, conversion, scope.level, d)
    tp = _touches(wh, scope.level, by)
    if start is not None:
        conv = conv.filter(conv.ts >= start)
    if end is not None:
        conv, tp = conv.filter(conv.ts < end), tp.filter(tp.ts < end)
    expr = journeys(
        tp, conv, entity_col="entity", label_col="label", value_col="value" if has_value else None,
        lookback=dt.timedelta(days=lookback), as_of=end,
        milestones=_milestones(wh, scope.level, d) if milestones else None, with_ages=ages,
    )  # fmt: skip
    table = expr.to_pyarrow()
    pc = PathCounts.from_arrow(
        table, path_col="path", conversions_col="conversions",
        value_col="value" if has_value else None, null_col="nulls",
        ages_col="ages" if ages else None,
        milestone_cols={"lead": "lead_touch", "opportunity": "opportunity_touch"}
        if milestones else None,
    )  # fmt: skip
    events = pc.total_conversions + pc.unattributed_conversions
    notes: list[str] = []
    if events and pc.unattributed_conversions:
        share = pc.unattributed_conversions / events
        notes.append(
            f"{pc.unattributed_conversions:,.0f} of {events:,.0f} conversions ({share:.0%}) "
            f"have no touch of the same {scope.level} in the {lookback} days before them "
            "and are not attributed"
            + ("; `accord resolve` links records across systems" if share > 0.5 else "")
        )
    return _Built(pc, events, lookback, conversion, tuple(notes))


# --------------------------------------------------------------------------- models
def _in_force(model: AttributionModel, paths: PathCounts, scope: Scope) -> AttributionResult:
    """Run the definition's model with its parameters, named ``in_force``."""
    if model.name == "time_decay":
        r = time_decay(paths, half_life=model.half_life_days)
    elif model.name == "position_based":
        first = paths.offsets[:-1] * 0
        anchors = [(first, model.first), (paths.lengths - 1, model.last)]
        r = position_based(paths, anchors, model="position_based")
        r = _with_params(r, (("first", model.first), ("last", model.last)))
    elif model.name == "markov":
        r = run_model(paths, "markov", order=model.order, include_nulls=scope.include_nulls)
    elif model.name == "shapley":
        r = shapley(paths, characteristic=model.game, ridge=model.ridge)
    else:
        r = run_model(paths, model.name)
    return _with_params(r, (("definition_model", model.name),), name=IN_FORCE)


def _with_params(
    r: AttributionResult, extra: tuple[tuple[str, float | str | bool], ...], name: str = ""
) -> AttributionResult:
    return AttributionResult(
        model=name or r.model, channels=r.channels, conversions=r.conversions, value=r.value,
        total_conversions=r.total_conversions, total_value=r.total_value, reason=r.reason,
        parameters=(*r.parameters, *extra), markov=r.markov,
    )  # fmt: skip


def _run(name: str, d: _Definitions, paths: PathCounts, scope: Scope) -> AttributionResult:
    model = d.model
    if name == IN_FORCE:
        assert model is not None
        return _in_force(model, paths, scope)
    half_life = model.half_life_days if model is not None and model.name == "time_decay" else 7.0
    order = scope.order or (model.order if model is not None and model.name == "markov" else 1)
    engine_name: ModelName = name  # type: ignore[assignment]
    return run_model(paths, engine_name, half_life=half_life, order=order,
                     include_nulls=scope.include_nulls,
                     characteristic=scope.shapley_game, ridge=scope.ridge)  # fmt: skip


def _resolve_models(models: Sequence[str], d: _Definitions, defs: InForceSnapshot) -> list[str]:
    names = list(parse_models(models)) if models else []
    if d.model is not None:
        names = [IN_FORCE, *(n for n in names if n != IN_FORCE)]
    elif not names or IN_FORCE in names:
        raise Conflict(
            f"No attribution model is in force: {_pending_note(defs)}.",
            hint="The marketing and sales leads sign it (`accord definitions sign "
            "attribution_model --as LEAD`), or compare models with --model markov,linear.",
        )
    return names


def attribute(
    warehouse: Warehouse,
    definitions: InForceSnapshot,
    *,
    models: Sequence[str] = (),
    scope: Scope = Scope(),
) -> Report:
    """Credit conversions of the workspace with the in-force model and *models*.

    Parameters
    ----------
    warehouse
        The workspace's warehouse (read only).
    definitions
        The in-force definitions (``SqlDefinitionStore.snapshot()``).
    models
        Models to compare with the in-force one (engine names, ``first``/``last``,
        ``all``, comma lists).
    scope
        Level, conversion, labels, lookback and window.

    Raises
    ------
    Conflict
        No attribution definition is in force and no model was asked for.
    InputError
        An unknown model or a bad window.
    """
    d = _definitions(definitions)
    names = _resolve_models(models, d, definitions)
    ages = "time_decay" in names or (d.model is not None and d.model.name == "time_decay")
    milestones = bool({"w_shaped", "full_path"} & set(names))
    built = _build(warehouse, d, scope, scope.by, ages=ages, milestones=milestones)
    notes = [*d.notes, *built.notes]
    if d.model is None:
        notes.append(_pending_note(definitions))
    results = tuple(_run(n, d, built.paths, scope) for n in names)
    return Report(
        level=scope.level, conversion=built.conversion, by=scope.by,
        lookback_days=built.lookback_days, start=scope.start, end=scope.end,
        in_force=d.model.name if d.model is not None else None, results=results,
        paths=built.paths, conversion_events=built.events, citations=d.citations,
        notes=tuple(notes),
    )  # fmt: skip


def attribute_teams(
    warehouse: Warehouse,
    definitions: InForceSnapshot,
    *,
    model: str | None = None,
    scope: Scope = Scope(),
) -> TeamReport:
    """Team credit of the workspace: model credit per team, sourced and influenced.

    Touches are labelled by the team that made them. ``model`` defaults to the in-force
    model (``linear`` when none is in force, with a note). Sourced: the team of the
    touch that created the lead (the last touch at or before the funnel's lead stage),
    or of the first touch when no touch preceded the lead. Influenced: every team with a
    touch before the conversion.
    """
    d = _definitions(definitions)
    notes = list(d.notes)
    name = parse_models([model])[0] if model else (IN_FORCE if d.model is not None else "linear")
    if name == IN_FORCE and d.model is None:
        name = "linear"
    if d.model is None:
        notes.append(_pending_note(definitions) + "; team credit uses the linear model")
    ages = name == "time_decay" or (name == IN_FORCE and d.model is not None
                                    and d.model.name == "time_decay")  # fmt: skip
    built = _build(warehouse, d, scope, "team", ages=ages, milestones=True)
    return TeamReport(
        credit=_run(name, d, built.paths, scope),
        teams=team_credit(built.paths, origin="lead"),
        conversion=built.conversion, level=scope.level, lookback_days=built.lookback_days,
        citations=d.citations, notes=(*notes, *built.notes),
    )  # fmt: skip
