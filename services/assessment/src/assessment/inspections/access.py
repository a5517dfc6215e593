"""Who may do what with inspections, findings, rectifications and draws, and who sees a covert
inspection's content.

- Inspectors record (an inspector only inspections they take part in); the assessment office
  (`admin`) may record too, for paper forms.
- Four eyes (四眼原则): only the assessment office confirms a finding, and never one it wrote or
  an inspection it took part in — the second person stands outside the visit.
- The assessment office draws spot checks; leaders and inspectors read draws to check them.
- Leaders read their areas; a unit contact reads its own unit's submitted inspections and its
  rectifications, and answers them.
- A covert inspection (暗访) is sealed once submitted: until its round's bulletin reveals it, its
  content is shown to the assessment office only; a covert draft only to its own inspectors.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from assessment.inspections.models import Inspection, InspectionKind, InspectionStatus
from assessment.units.models import Unit
from assessment.units.service import can_read, reads_only_own_unit
from pingan_shared.auth import Principal, Role, require_roles

RECORDERS = (Role.admin, Role.inspector)
READERS = (Role.admin, Role.leader, Role.inspector, Role.unit)
CONFIRMERS = (Role.admin,)
DRAWERS = (Role.admin,)
DRAW_READERS = (Role.admin, Role.leader, Role.inspector)
ANSWERERS = (Role.unit,)
VERDICT_GIVERS = (Role.admin, Role.inspector)

RecorderDep = Annotated[Principal, Depends(require_roles(*RECORDERS))]
ReaderDep = Annotated[Principal, Depends(require_roles(*READERS))]
ConfirmerDep = Annotated[Principal, Depends(require_roles(*CONFIRMERS))]
DrawerDep = Annotated[Principal, Depends(require_roles(*DRAWERS))]
DrawReaderDep = Annotated[Principal, Depends(require_roles(*DRAW_READERS))]
AnswererDep = Annotated[Principal, Depends(require_roles(*ANSWERERS))]
VerdictDep = Annotated[Principal, Depends(require_roles(*VERDICT_GIVERS))]


def is_office(principal: Principal) -> bool:
    """Whether the caller speaks for the assessment office (`admin`)."""
    return Role.admin in principal.roles


def takes_part(principal: Principal, inspection: Inspection) -> bool:
    """Whether the caller is one of the inspection's inspectors, or recorded it."""
    return principal.sub in inspection.inspectors or principal.sub == inspection.created_by


def is_sealed(inspection: Inspection) -> bool:
    """A covert inspection not yet revealed by its round's bulletin."""
    return inspection.kind == InspectionKind.covert and inspection.revealed_at is None


def may_see(principal: Principal, inspection: Inspection, unit: Unit) -> bool:
    """Whether the caller may know the inspection exists (otherwise it answers 404)."""
    if not can_read(principal, unit):
        return False
    if inspection.status == InspectionStatus.draft:
        if reads_only_own_unit(principal):
            return False  # a draft is not a result yet
        if inspection.kind == InspectionKind.covert:
            return is_office(principal) or takes_part(principal, inspection)
    return True


def may_open(principal: Principal, inspection: Inspection) -> bool:
    """Whether the caller sees the inspection's content, not only a sealed placeholder."""
    if not is_sealed(inspection) or is_office(principal):
        return True
    return inspection.status == InspectionStatus.draft and takes_part(principal, inspection)


def may_record(principal: Principal, inspection: Inspection) -> bool:
    """Whether the caller may add findings to, or submit, the inspection."""
    return is_office(principal) or principal.sub in inspection.inspectors
