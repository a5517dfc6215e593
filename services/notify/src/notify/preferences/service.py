"""Recipients' preferences (接收偏好), kept by address: read, replace at a version, remove."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from notify.messages.models import RecipientPreference
from notify.preferences.schemas import PreferenceIn
from pingan_shared.concurrency import check_version
from pingan_shared.errors import ProblemError, field_error, not_found

ADDRESS_FIELD = "path.address"
_NUMBER = re.compile(r"\+?\d{11,}")
# The engine looks preferences up by the phone a message gives, which is the bare 11 digits.
_MAINLAND_MOBILE = re.compile(r"(?:\+?86|0086)?(1[3-9]\d{9})")
_ACCOUNT = re.compile(r"[A-Za-z0-9_.@-]{1,64}")


def normalized_address(address: str) -> str:
    """The key a recipient's preferences are kept under: a phone as its 11 digits, a WeCom
    user id or an openid as given; a 422 naming the address otherwise."""
    value = address.strip()
    compact = value.replace(" ", "").replace("-", "")
    if _NUMBER.fullmatch(compact):
        mobile = _MAINLAND_MOBILE.fullmatch(compact)
        if mobile is None:
            raise field_error(
                ADDRESS_FIELD, "a phone must be a mainland mobile number", "invalid_phone"
            )
        return mobile.group(1)
    if not _ACCOUNT.fullmatch(value):
        raise field_error(
            ADDRESS_FIELD,
            "a phone, WeCom user id or openid (letters, digits, _ . @ -; at most 64)",
            "invalid_address",
        )
    return value


def _values(body: PreferenceIn) -> dict[str, Any]:
    return {
        "channels": [c.value for c in body.channels] if body.channels is not None else None,
        "quiet_hours": body.quiet_hours,
        "quiet_start": body.quiet_start,
        "quiet_end": body.quiet_end,
        "opt_out_routine": body.opt_out_routine,
    }


async def _locked(session: AsyncSession, address: str) -> RecipientPreference | None:
    query = (
        select(RecipientPreference)
        .where(col(RecipientPreference.address) == address)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return (await session.execute(query)).scalar_one_or_none()


async def get_preference(session: AsyncSession, address: str) -> RecipientPreference:
    """The preferences kept for `address`; 404 when there are none (defaults apply)."""
    found = await session.get(RecipientPreference, normalized_address(address))
    if found is None:
        raise not_found("preference")
    return found


async def put_preference(
    session: AsyncSession, address: str, body: PreferenceIn, if_match: str | None
) -> tuple[RecipientPreference, bool]:
    """Keep `body` for `address`; returns the preferences and whether they are new.

    Replacing kept preferences needs `If-Match` with their version (428 without, 412 when
    stale); creating needs none, and one that names a version is refused (412).
    """
    key = normalized_address(address)
    existing = await _locked(session, key)
    if existing is None:
        if if_match is not None:
            raise ProblemError(412, "precondition-failed", "no preferences are kept here yet")
        inserted = await session.execute(
            insert(RecipientPreference)
            .values(address=key, **_values(body))
            .on_conflict_do_nothing(index_elements=["address"])
            .returning(RecipientPreference)
        )
        created = inserted.scalar_one_or_none()
        if created is not None:
            return created, True
        # Another request created them meanwhile: this one was based on nothing.
        existing = await _locked(session, key)
        assert existing is not None
    check_version(existing.version, if_match)
    replaced = await session.execute(
        update(RecipientPreference)
        .where(col(RecipientPreference.address) == key)
        .values(
            **_values(body),
            version=col(RecipientPreference.version) + 1,
            updated_at=func.now(),
        )
        .returning(RecipientPreference)
        .execution_options(populate_existing=True)
    )
    return replaced.scalar_one(), False


async def delete_preference(session: AsyncSession, address: str, if_match: str | None) -> None:
    """Forget the preferences of `address` (defaults apply again); `If-Match` is checked when
    sent; 404 when none are kept."""
    key = normalized_address(address)
    existing = await _locked(session, key)
    if existing is None:
        raise not_found("preference")
    check_version(existing.version, if_match, required=False)
    await session.execute(
        delete(RecipientPreference).where(col(RecipientPreference.address) == key)
    )


async def list_preferences(
    session: AsyncSession, after: Sequence[Any] | None, limit: int
) -> list[RecipientPreference]:
    """Kept preferences in address order, after the previous page's last address."""
    query = select(RecipientPreference).order_by(col(RecipientPreference.address)).limit(limit)
    if after is not None:
        if len(after) != 1 or not isinstance(after[0], str):
            raise field_error("query.cursor", "not a cursor this service issued")
        query = query.where(col(RecipientPreference.address) > after[0])
    return list((await session.execute(query)).scalars())
