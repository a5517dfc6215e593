"""The rules of schemes: validated before they are stored, versioned, never changed once run on."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from assessment.audit.service import record
from assessment.schemes import repository
from assessment.schemes.models import Scheme
from assessment.schemes.presenter import (
    as_content,
    build_tree,
    new_scheme,
    present_scheme,
    scheme_etag,
)
from assessment.schemes.repository import SchemeTree
from assessment.schemes.schemas import SchemeCreate, SchemeIn, SchemeOut
from assessment.schemes.validation import scheme_problems
from pingan_shared.auth import Principal
from pingan_shared.errors import ProblemError, not_found

PAST = {"create": "created", "update": "updated", "version": "versioned"}


def check_content(content: SchemeIn) -> None:
    """Refuse a scheme with any problem (422 naming every field at fault)."""
    problems = scheme_problems(content)
    if problems:
        raise ProblemError(
            422,
            "validation",
            "; ".join(f"{p.field}: {p.message}" for p in problems[:5]),
            title="Request validation failed",
            errors=problems,
        )


async def create_scheme(
    session: AsyncSession, body: SchemeCreate, principal: Principal
) -> SchemeOut:
    """Store version 1 of a new scheme code; 409 when the code is taken."""
    check_content(body)
    if await repository.latest_version(session, body.code) is not None:
        raise ProblemError(409, "scheme-exists", f"scheme {body.code} exists: add a version")
    return await _store(session, new_scheme(body.code, 1, body), body, principal, "create")


async def new_version(
    session: AsyncSession, scheme_id: uuid.UUID, body: SchemeIn | None, principal: Principal
) -> SchemeOut:
    """Copy the latest version of a scheme into version + 1, or store `body` as it."""
    base = await read_scheme(session, scheme_id)
    latest = await repository.latest_version(session, base.code)
    if latest != base.version:
        raise ProblemError(
            409, "not-latest-version", f"version {latest} of {base.code} exists: start from it"
        )
    content = body if body is not None else as_content(base)
    check_content(content)
    scheme = new_scheme(base.code, base.version + 1, content)
    return await _store(session, scheme, content, principal, "version")


async def _store(
    session: AsyncSession, scheme: Scheme, content: SchemeIn, principal: Principal, action: str
) -> SchemeOut:
    tree = build_tree(scheme, content)
    try:
        async with session.begin_nested():
            await repository.add_tree(session, tree)
    except IntegrityError:
        # Two writers took the same (code, version) at once; the other one won.
        raise ProblemError(
            409, "scheme-exists", f"version {scheme.version} of {scheme.code} exists"
        ) from None
    out = present_scheme(tree)
    await _audit(session, principal, action, out)
    return out


async def replace_scheme(
    session: AsyncSession,
    scheme_id: uuid.UUID,
    body: SchemeIn,
    if_match: str | None,
    principal: Principal,
) -> SchemeOut:
    """Replace the content of a version no round has run on; 409 once it is locked."""
    scheme = await repository.get_scheme(session, scheme_id, for_update=True)
    if scheme is None:
        raise not_found("scheme")
    if scheme.locked:
        raise locked_problem(scheme)
    current = present_scheme(await repository.load_tree(session, scheme))
    check_etag(scheme_etag(current), if_match)
    check_content(body)
    tree = build_tree(scheme, body)
    await repository.replace_parts(session, tree)
    session.add(scheme)
    await session.flush()
    out = present_scheme(tree)
    await _audit(session, principal, "update", out)
    return out


def locked_problem(scheme: Scheme) -> ProblemError:
    """The 409 of a change to a scheme version a round has run on."""
    return ProblemError(
        409,
        "scheme-locked",
        f"version {scheme.version} of {scheme.code} has been run on and never changes: "
        "add a new version",
    )


def check_etag(current: str, if_match: str | None) -> None:
    """Refuse an update without If-Match (428) or based on other content (412)."""
    if if_match is None:
        raise ProblemError(428, "precondition-required", "send If-Match with the ETag you read")
    tags = {t.strip().removeprefix("W/") for t in if_match.split(",")}
    if "*" not in tags and current not in tags:
        raise ProblemError(412, "precondition-failed", "the scheme has changed; read it again")


async def read_scheme(session: AsyncSession, scheme_id: uuid.UUID) -> SchemeOut:
    """A scheme version with its tree, or 404."""
    scheme = await repository.get_scheme(session, scheme_id)
    if scheme is None:
        raise not_found("scheme")
    return present_scheme(await repository.load_tree(session, scheme))


async def load_tree(session: AsyncSession, scheme_id: uuid.UUID) -> SchemeTree:
    """A scheme version's rows, or 404 (for the rounds that run on it)."""
    scheme = await repository.get_scheme(session, scheme_id)
    if scheme is None:
        raise not_found("scheme")
    return await repository.load_tree(session, scheme)


async def list_schemes(
    session: AsyncSession,
    *,
    code: str | None,
    kind: str | None,
    after: tuple[str, int] | None,
    limit: int,
) -> Sequence[Scheme]:
    """Scheme versions by code and version."""
    return await repository.list_schemes(session, code=code, kind=kind, after=after, limit=limit)


async def _audit(session: AsyncSession, principal: Principal, action: str, out: SchemeOut) -> None:
    await record(
        session,
        actor=principal.sub,
        action=f"scheme.{PAST[action]}",
        entity="scheme",
        entity_id=str(out.id),
        data={"code": out.code, "version": out.version, "etag": scheme_etag(out).strip('"')},
    )
