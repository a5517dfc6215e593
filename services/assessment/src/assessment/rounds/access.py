"""Who may see and act on a round.

The assessment office (`admin`) runs rounds: creates, records bonuses, decides vetoes, computes,
publishes and corrects. Inspectors score by hand and propose vetoes; leaders propose vetoes and
read their areas; other systems (`service`) propose vetoes from major incidents. Scores include
sealed covert findings, so until the bulletin is published only the office reads them; after
it, leaders, inspectors and systems read the units in their areas and a unit contact its own.
A round is visible when its area and the caller's overlap; anything else is a 404.
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends
from sqlalchemy.ext.asyncio import AsyncSession

from assessment.inspections.checks import round_not_published
from assessment.rounds import repository
from assessment.rounds.models import AssessmentRound, RoundStatus
from assessment.schemes.models import Scheme
from assessment.units.service import own_unit_id, reads_only_own_unit
from pingan_shared.auth import Principal, Role, effective_areas, require_roles
from pingan_shared.errors import ProblemError, not_found

READERS = (Role.admin, Role.leader, Role.inspector, Role.unit, Role.service)
SCORERS = (Role.admin, Role.inspector)
PROPOSERS = (Role.admin, Role.leader, Role.inspector)
INCIDENT_PROPOSERS = (Role.admin, Role.service)

# A change to a published round is refused (409): after the bulletin, only corrections.
not_published = round_not_published

OfficeDep = Annotated[Principal, Depends(require_roles(Role.admin))]
ReaderDep = Annotated[Principal, Depends(require_roles(*READERS))]
ScorerDep = Annotated[Principal, Depends(require_roles(*SCORERS))]
ProposerDep = Annotated[Principal, Depends(require_roles(*PROPOSERS))]
IncidentProposerDep = Annotated[Principal, Depends(require_roles(*INCIDENT_PROPOSERS))]


def overlaps(principal: Principal, area_code: str) -> bool:
    """Whether the area lies inside the caller's areas or holds one of them."""
    return any(
        prefix and (area_code.startswith(prefix) or prefix.startswith(area_code))
        for prefix in principal.areas
    )


async def visible_round(
    session: AsyncSession, principal: Principal, round_id: uuid.UUID
) -> tuple[AssessmentRound, Scheme]:
    """The round and its scheme, or 404 when it does not exist or the caller may not see it."""
    found = await repository.round_with_scheme(session, round_id)
    if found is None or not overlaps(principal, found[0].area_code):
        raise not_found("round")
    return found


def is_office(principal: Principal) -> bool:
    """The assessment office (综治办)."""
    return principal.has_any((Role.admin,))


def check_scores_readable(principal: Principal, assessment_round: AssessmentRound) -> None:
    """Scores are the office's until the bulletin is published (403 for others before)."""
    if not is_office(principal) and assessment_round.status != RoundStatus.published:
        raise ProblemError(
            403, "not-published", "scores are shown once the round's bulletin is published"
        )


def reader_prefixes(principal: Principal, assessment_round: AssessmentRound) -> list[str]:
    """The area prefixes of the round the caller may read units in."""
    return effective_areas(assessment_round.area_code, principal.areas)


def only_unit(principal: Principal) -> uuid.UUID | None:
    """The one unit a unit contact may read; a nil id for a contact naming none."""
    if not reads_only_own_unit(principal):
        return None
    return own_unit_id(principal) or uuid.UUID(int=0)
