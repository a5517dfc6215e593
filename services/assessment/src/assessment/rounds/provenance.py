"""The findings behind one unit's stored score, looked up when the score is read.

A computation stores per indicator only the deduction and the faults it counted (a round has
hundreds of thousands of findings); reading one unit's score lists the findings it came from:
the confirmed findings of the round's submitted inspections of the unit, with those found
unfixed, as they stood when the round was last computed (submitted, confirmed and found
unfixed no later than then).
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from assessment.rounds.facts import FindingIds
from pingan_shared.db import driver_connection

FINDING_IDS_SQL = """
SELECT ind.code, f.id::text,
       coalesce(r.status = 'unfixed' AND (r.closed_at IS NULL OR r.closed_at <= $3), false)
FROM findings f
JOIN inspections i ON i.id = f.inspection_id
JOIN indicators ind ON ind.id = f.indicator_id
LEFT JOIN rectifications r ON r.finding_id = f.id
WHERE i.round_id = $1 AND i.unit_id = $2 AND i.status = 'submitted'
  AND f.confirmed_by IS NOT NULL
  AND (i.submitted_at IS NULL OR i.submitted_at <= $3)
  AND (f.confirmed_at IS NULL OR f.confirmed_at <= $3)
ORDER BY ind.code, i.inspected_at, f.created_at, f.id
"""


async def finding_ids(
    session: AsyncSession, round_id: uuid.UUID, unit_id: uuid.UUID, computed_at: datetime | None
) -> FindingIds:
    """Per indicator code: the ids of the findings a unit's score counted, and of those among
    them found unfixed."""
    if computed_at is None:
        return {}
    connection = await driver_connection(session)
    out: dict[str, tuple[list[str], list[str]]] = defaultdict(lambda: ([], []))
    for code, finding_id, unfixed in await connection.fetch(
        FINDING_IDS_SQL, round_id, unit_id, computed_at
    ):
        listed, found_unfixed = out[code]
        listed.append(finding_id)
        if unfixed:
            found_unfixed.append(finding_id)
    return dict(out)
