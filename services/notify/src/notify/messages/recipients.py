"""What the engine reads about a message's recipients: their addresses (kept with the message
for falling back), their preferences (接收偏好), and other messages' texts for a digest."""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import time
from typing import Any

import asyncpg

from notify.messages.engine import Claimed
from notify.templates import TemplateError, get_template
from pingan_shared.contracts.messages import Channel


def decode(value: Any) -> Any:
    """A JSONB value as asyncpg returns it (text) decoded; None stays None."""
    return json.loads(value) if isinstance(value, str) else value


def channels_of(values: Sequence[str] | None) -> list[Channel]:
    """A message's channel order as channels."""
    return [Channel(v) for v in values or ()]


@dataclass(frozen=True, slots=True)
class Preference:
    """One recipient's preferences."""

    channels: list[Channel] | None
    quiet_start: time | None
    quiet_end: time | None
    quiet_hours: bool
    opt_out_routine: bool


PREFERENCES = """
SELECT address, channels, quiet_start, quiet_end, quiet_hours, opt_out_routine
FROM recipient_preferences WHERE address = ANY($1::text[])
"""


def addresses(recipient: dict[str, Any]) -> list[str]:
    """The addresses a recipient's preferences may be kept under, most personal first."""
    return [a for a in (recipient.get(k) for k in ("phone", "wecom_user_id", "openid")) if a]


async def preferences_of(
    conn: asyncpg.Connection, recipients: Sequence[dict[str, Any]], indexes: Sequence[int]
) -> dict[int, Preference]:
    """The preferences of the recipients at `indexes`, by recipient index (one query)."""
    wanted = {i: addresses(recipients[i]) for i in set(indexes) if i < len(recipients)}
    everyone = sorted({a for found in wanted.values() for a in found})
    if not everyone:
        return {}
    rows = {r["address"]: r for r in await conn.fetch(PREFERENCES, everyone)}
    found: dict[int, Preference] = {}
    for index, candidates in wanted.items():
        row = next((rows[a] for a in candidates if a in rows), None)
        if row is not None:
            found[index] = Preference(
                channels=channels_of(row["channels"]) if row["channels"] else None,
                quiet_start=row["quiet_start"],
                quiet_end=row["quiet_end"],
                quiet_hours=row["quiet_hours"],
                opt_out_routine=row["opt_out_routine"],
            )
    return found


async def preferred_order(
    conn: asyncpg.Connection, message: dict[str, Any], recipient_index: int
) -> list[Channel]:
    """The channels to try for one recipient of `message`, in order: the recipient's own
    preference where it has one, else the message's."""
    prefs = await preferences_of(conn, message["recipients"], [recipient_index])
    pref = prefs.get(recipient_index)
    return (pref.channels if pref and pref.channels else None) or channels_of(message["channels"])


async def of_claimed(
    conn: asyncpg.Connection, recipients: Sequence[dict[str, Any]], claimed: Sequence[Claimed]
) -> dict[int, Preference]:
    """The preferences of the recipients of `claimed` deliveries."""
    return await preferences_of(conn, recipients, [d.recipient_index for d in claimed])


async def texts_of(conn: asyncpg.Connection, message_ids: Sequence[uuid.UUID]) -> list[str]:
    """The plain text of each message (in order), for a digest."""
    rows = await conn.fetch(
        "SELECT id, template, params FROM messages WHERE id = ANY($1::uuid[])", list(message_ids)
    )
    by_id = {r["id"]: r for r in rows}
    texts = []
    for message_id in message_ids:
        row = by_id.get(message_id)
        if row is None:
            continue
        try:
            texts.append(get_template(row["template"]).render(decode(row["params"])).text)
        except TemplateError:
            continue
    return texts
