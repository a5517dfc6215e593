"""Unique constraints as 409 problems naming the field, even when two requests race."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from pingan_shared.errors import FieldError, ProblemError


def conflict(field: str, message: str) -> ProblemError:
    """A 409 naming the field whose value is already taken."""
    return ProblemError(
        409,
        "conflict",
        f"{field}: {message}",
        errors=[FieldError(field=field, message=message, code="duplicate")],
    )


async def flush_unique(session: AsyncSession, fields: Mapping[str, tuple[str, str]]) -> None:
    """Flush in a savepoint; a violation of a constraint named in `fields` (constraint name →
    (field, message)) becomes a 409, so the database, not a prior read, decides."""
    try:
        async with session.begin_nested():
            await session.flush()
    except IntegrityError as exc:
        reason = str(exc.orig)
        for constraint, (field, message) in fields.items():
            if f'"{constraint}"' in reason:
                raise conflict(field, message) from None
        raise
