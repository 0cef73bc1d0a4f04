"""Definitions: glossary and metrics, versions, diffs, proposals and signatures.

The sign button is shown only to those who may sign (a lead of an owning team, for
their team) and the POST checks it again; proposing a change needs a lead of an owning
team or an admin. Both run the same workflow commands as ``accord definitions``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import Field

from accord.definitions.issues import Issue
from accord.definitions.sql_store import SqlDefinitionStore
from accord.definitions.store import DefinitionVersion, Status
from accord.definitions.yaml_io import to_data
from accord.errors import InputError
from accord.web.deps import DefinitionsDep, DefinitionsViewer, Proposer, RuntimeDep, Signer
from accord.web.listing import CSV_RESPONSE, ListingDep, download_response
from accord.web.models import Page, Public, SignatoryPublic
from accord.web.pages import render
from accord.web.permissions import Action, require
from accord.web.runtime import Runtime
from accord.web.services import definitions as service

__all__ = ["api", "pages"]

pages = APIRouter(tags=["pages"], include_in_schema=False)
api = APIRouter(prefix="/api/v1/definitions", tags=["definitions"])

NAME_PATTERN = r"^[a-z_][a-z0-9_]{0,63}$"
NameParam = Annotated[str, Path(pattern=NAME_PATTERN, description="A definition's name.")]
KindFilter = Annotated[
    str | None,
    Query(pattern=r"^(term|metric|funnel|sla|goal|attribution)$", description="Only this kind."),
]
VersionQuery = Annotated[int | None, Query(ge=1, le=1_000_000, description="A version.")]
MAX_YAML = 100_000


class DefinitionRowPublic(Public):
    """A definition in the list."""

    name: str
    kind: str
    owners: list[str]
    in_force: int | None
    proposed: int | None
    awaiting: list[str]
    summary: str


class AwaitingPublic(Public):
    """A team that still has to sign, and who may sign for it."""

    team: str
    leads: list[str]


class DefinitionVersionPublic(Public):
    """One version of a definition with its status and signatures."""

    name: str
    kind: str
    version: int
    status: str
    owners: list[str]
    content_hash: str
    proposed_by: str
    proposed_at: datetime
    in_force_at: datetime | None
    ended_at: datetime | None
    signed_by: list[SignatoryPublic]
    awaiting: list[AwaitingPublic]
    definition: dict[str, Any]

    @classmethod
    def of(cls, v: DefinitionVersion, signers: dict[str, list[str]]) -> DefinitionVersionPublic:
        """From the store's version; *signers*: the leads of each owning team."""
        return cls(
            name=v.name,
            kind=v.definition.kind,
            version=v.version,
            status=v.status.value,
            owners=list(v.definition.owners),
            content_hash=v.content_hash,
            proposed_by=v.proposed_by,
            proposed_at=v.proposed_at,
            in_force_at=v.in_force_at,
            ended_at=v.ended_at,
            signed_by=[
                SignatoryPublic(team=s.team, user=s.user, at=s.signed_at)
                for s in v.valid_signatures
            ],
            awaiting=[
                AwaitingPublic(team=t, leads=signers.get(t, []))
                for t in (v.pending_teams if v.status is Status.PROPOSED else ())
            ],
            definition=to_data(v.definition),
        )


class DiffPublic(Public):
    """A unified diff of two versions' canonical YAML."""

    name: str
    from_version: int
    to_version: int
    diff: str


class IssuePublic(Public):
    """A problem to fix in a proposed definition."""

    code: str
    message: str
    fix: str
    line: int | None
    definition: str | None

    @classmethod
    def of(cls, issue: Issue) -> IssuePublic:
        """From the validator's issue."""
        return cls(
            code=issue.code,
            message=issue.message,
            fix=issue.fix,
            line=issue.line,
            definition=issue.definition,
        )


class ProposalIn(Public):
    """A change to a definition: the whole definition as YAML."""

    yaml: str = Field(min_length=1, max_length=MAX_YAML)


class ProposalOut(Public):
    """What proposing did: the issues to fix (nothing proposed), or the new version."""

    issues: list[IssuePublic]
    outcome: str | None
    version: DefinitionVersionPublic | None


class SignatureIn(Public):
    """Which version to sign (the one you read)."""

    version: int = Field(ge=1, le=1_000_000)


def _row(r: service.DefinitionRow) -> DefinitionRowPublic:
    return DefinitionRowPublic(
        name=r.name,
        kind=r.kind,
        owners=list(r.owners),
        in_force=r.in_force,
        proposed=r.proposed,
        awaiting=list(r.awaiting),
        summary=r.summary,
    )


def _list(
    runtime: Runtime, store: SqlDefinitionStore, kind: str | None
) -> list[service.DefinitionRow]:
    """The definitions list (cached until the state store changes)."""
    return runtime.cached(("definitions", kind), lambda: service.list_definitions(store, kind=kind))


def _overview(
    runtime: Runtime, store: SqlDefinitionStore, name: str, version: int | None
) -> service.Overview:
    """One definition's page (cached until the state store changes)."""
    return runtime.cached(
        ("definition", name, version), lambda: service.overview(store, name, version)
    )


# ---------------------------------------------------------------- pages
@pages.get("/definitions")
def definitions_page(
    request: Request,
    user: DefinitionsViewer,
    runtime: RuntimeDep,
    store: DefinitionsDep,
    kind: KindFilter = None,
) -> Response:
    """The glossary, metrics and other definitions, with what awaits signatures."""
    rows = _list(runtime, store, kind)
    return render(request, "definitions.html", user=user, rows=rows, kind=kind)


@pages.get("/definitions/{name}")
def definition_page(
    request: Request,
    user: DefinitionsViewer,
    runtime: RuntimeDep,
    store: DefinitionsDep,
    name: NameParam,
    version: VersionQuery = None,
) -> Response:
    """A definition: the version, its signatures, the change proposed, the history."""
    view = _overview(runtime, store, name, version)
    return render(request, "definition.html", user=user, view=view, Status=Status)


@pages.get("/definitions/{name}/diff")
def diff_page(
    request: Request,
    user: DefinitionsViewer,
    store: DefinitionsDep,
    name: NameParam,
    from_version: Annotated[int, Query(alias="from", ge=1, le=1_000_000)],
    to_version: Annotated[int, Query(alias="to", ge=1, le=1_000_000)],
) -> Response:
    """What changed between two versions."""
    a, b = store.version(name, from_version), store.version(name, to_version)
    lines = service.diff_versions(a, b)
    return render(request, "diff.html", user=user, name=name, a=a, b=b, lines=lines)


@pages.get("/definitions/{name}/propose")
def propose_page(
    request: Request, user: Proposer, store: DefinitionsDep, name: NameParam
) -> Response:
    """Edit the definition's YAML and propose it as the next version."""
    require(user, Action.PROPOSE_DEFINITION, owners=service.owners_of(store, name))
    view = service.overview(store, name)
    return render(request, "propose.html", user=user, view=view, text=view.yaml, issues=[])


@pages.post("/definitions/{name}/propose")
def propose_form(
    request: Request,
    user: Proposer,
    store: DefinitionsDep,
    name: NameParam,
    text: Annotated[str, Form(alias="yaml", max_length=MAX_YAML)],
) -> Response:
    """Propose the edited YAML; show the issues, or the new version awaiting signatures."""
    require(user, Action.PROPOSE_DEFINITION, owners=service.owners_of(store, name))
    issues, _ = service.propose_text(store, name, text, actor=user.name)
    if issues:
        view = service.overview(store, name)
        return render(
            request, "propose.html", user=user, view=view, text=text, issues=issues, status=422
        )
    return RedirectResponse(f"/definitions/{name}", status_code=303)


@pages.post("/definitions/{name}/sign")
def sign_form(
    user: Signer,
    store: DefinitionsDep,
    name: NameParam,
    version: Annotated[int, Form(ge=1, le=1_000_000)],
) -> Response:
    """Sign the version shown, for the signer's team."""
    require(user, Action.SIGN_DEFINITION, owners=service.owners_of(store, name))
    service.sign(store, name, version=version, actor=user.name)
    return RedirectResponse(f"/definitions/{name}", status_code=303)


# ---------------------------------------------------------------- API
@api.get("", response_model=Page[DefinitionRowPublic], responses=CSV_RESPONSE)
def definitions(
    user: DefinitionsViewer,
    runtime: RuntimeDep,
    store: DefinitionsDep,
    listing: ListingDep,
    kind: KindFilter = None,
) -> Page[DefinitionRowPublic] | Response:
    """Every live definition with the version in force and the one awaiting signatures."""
    rows = [_row(r) for r in _list(runtime, store, kind)]
    if listing.download:
        return download_response(
            listing, rows, "accord-definitions.csv", list(DefinitionRowPublic.model_fields)
        )
    window = rows[listing.offset : listing.offset + listing.limit]
    return Page(items=window, total=len(rows), offset=listing.offset, limit=listing.limit)


@api.get("/{name}", response_model=DefinitionVersionPublic)
def definition(
    user: DefinitionsViewer,
    runtime: RuntimeDep,
    store: DefinitionsDep,
    name: NameParam,
    version: VersionQuery = None,
) -> DefinitionVersionPublic:
    """A version (default: the pending proposal, else the one in force)."""
    view = _overview(runtime, store, name, version)
    return DefinitionVersionPublic.of(view.shown, view.signers)


@api.get("/{name}/history", response_model=Page[DefinitionVersionPublic], responses=CSV_RESPONSE)
def history(
    user: DefinitionsViewer, store: DefinitionsDep, name: NameParam, listing: ListingDep
) -> Page[DefinitionVersionPublic] | Response:
    """Every version, oldest first, with who proposed and signed it."""
    view = service.overview(store, name)
    rows = [DefinitionVersionPublic.of(v, view.signers) for v in view.history]
    if listing.download:
        flat = [
            {
                **r.model_dump(exclude={"definition", "signed_by", "awaiting", "owners"}),
                "owners": ", ".join(r.owners),
                "signed_by": ", ".join(f"{s.team}: {s.user}" for s in r.signed_by),
            }
            for r in rows
        ]
        return download_response(listing, flat, f"accord-{name}-history.csv")
    window = rows[listing.offset : listing.offset + listing.limit]
    return Page(items=window, total=len(rows), offset=listing.offset, limit=listing.limit)


@api.get("/{name}/diff", response_model=DiffPublic)
def diff(
    user: DefinitionsViewer,
    store: DefinitionsDep,
    name: NameParam,
    from_version: Annotated[int, Query(ge=1, le=1_000_000)],
    to_version: Annotated[int, Query(ge=1, le=1_000_000)],
) -> DiffPublic:
    """The unified diff of two versions' canonical YAML (empty: same content)."""
    a, b = store.version(name, from_version), store.version(name, to_version)
    text = "\n".join(line.text for line in service.diff_versions(a, b))
    return DiffPublic(name=name, from_version=a.version, to_version=b.version, diff=text)


@api.post(
    "/{name}/proposals",
    response_model=ProposalOut,
    status_code=201,
    responses={422: {"model": ProposalOut, "description": "Issues; nothing was proposed."}},
)
def propose(
    user: Proposer, store: DefinitionsDep, name: NameParam, body: ProposalIn
) -> ProposalOut | Response:
    """Propose a changed definition (all of it, as YAML) as the next version."""
    require(user, Action.PROPOSE_DEFINITION, owners=service.owners_of(store, name))
    issues, proposed = service.propose_text(store, name, body.yaml, actor=user.name)
    if issues:
        out = ProposalOut(issues=[IssuePublic.of(i) for i in issues], outcome=None, version=None)
        return JSONResponse(out.model_dump(mode="json"), status_code=422)
    if not proposed:
        raise InputError("Nothing was proposed.", hint="Send the definition's YAML.")
    first = proposed[0]
    view = service.overview(store, name, first.version.version)
    return ProposalOut(
        issues=[],
        outcome=first.outcome,
        version=DefinitionVersionPublic.of(first.version, view.signers),
    )


@api.post("/{name}/signatures", response_model=DefinitionVersionPublic)
def sign(
    user: Signer, store: DefinitionsDep, name: NameParam, body: SignatureIn
) -> DefinitionVersionPublic:
    """Sign a proposed version for your team (a lead of an owning team)."""
    require(user, Action.SIGN_DEFINITION, owners=service.owners_of(store, name))
    signed = service.sign(store, name, version=body.version, actor=user.name)
    view = service.overview(store, name, signed.version.version)
    return DefinitionVersionPublic.of(signed.version, view.signers)
