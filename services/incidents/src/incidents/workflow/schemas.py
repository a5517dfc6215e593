"""API shapes of the workflow: one body per action (a union on `action`), the handled incident,
and timeline entries."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from incidents.intake.schemas import AREA_CODE, IncidentOut
from incidents.workflow.models import Action, TargetKind

Note = Annotated[str, Field(min_length=1, max_length=2000)]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")

    note: Note | None = None


class AcceptBody(_Body):
    """受理: take the incident on."""

    action: Literal["accept"]


class RejectBody(BaseModel):
    """不予受理: refuse it, saying why."""

    model_config = ConfigDict(extra="forbid")

    action: Literal["reject"]
    reason: Note


class MergeBody(_Body):
    """合并: it duplicates `into`; its reporter then follows that incident."""

    action: Literal["merge"]
    into: uuid.UUID = Field(description="The parent incident this one duplicates")


class DispatchTarget(BaseModel):
    """Whom to send: a patrol team (by id), a police office or community staff (by contact id
    or name), in an area (default: the incident's)."""

    model_config = ConfigDict(extra="forbid")

    kind: TargetKind
    id: str | None = Field(default=None, min_length=1, max_length=64)
    name: str | None = Field(default=None, min_length=1, max_length=100)
    area_code: str | None = Field(default=None, pattern=AREA_CODE)

    @model_validator(mode="after")
    def _named(self) -> Self:
        if self.kind == TargetKind.patrol_team and self.id is None:
            raise ValueError("a patrol team is named by its id")
        if self.id is None and self.name is None:
            raise ValueError("give the target's id or name")
        return self


class DispatchBody(_Body):
    """分拨 (again from dispatched or in progress: 改派). `"auto"` picks the team on duty in the
    incident's area now, else the area's police office."""

    action: Literal["dispatch"]
    target: DispatchTarget | Literal["auto"]


class StartBody(_Body):
    """到场处置: the target has arrived and handles it."""

    action: Literal["start"]


class ResolveBody(_Body):
    """办结: handled; the note says how."""

    action: Literal["resolve"]
    note: Note


class CloseBody(_Body):
    """归档: close a resolved incident."""

    action: Literal["close"]


class ReopenBody(BaseModel):
    """重新办理: staff, or the reporter within 7 days of resolution."""

    model_config = ConfigDict(extra="forbid")

    action: Literal["reopen"]
    reason: Note


class RateBody(BaseModel):
    """评价: the reporter (or staff on their behalf) rates the handling, once."""

    model_config = ConfigDict(extra="forbid")

    action: Literal["rate"]
    stars: int = Field(ge=1, le=5)
    comment: str | None = Field(default=None, min_length=1, max_length=1000)


class SuperviseBody(_Body):
    """督办: a leader flags the incident for supervision."""

    action: Literal["supervise"]


AnyBody = (
    AcceptBody
    | RejectBody
    | MergeBody
    | DispatchBody
    | StartBody
    | ResolveBody
    | CloseBody
    | ReopenBody
    | RateBody
    | SuperviseBody
)
ActionBody = Annotated[AnyBody, Field(discriminator="action")]
"""The body of `POST /v1/incidents/{id}/actions`: one shape per action, chosen by `action`."""

ACTION_EXAMPLES: dict[str, Any] = {
    "accept": {"summary": "受理", "value": {"action": "accept"}},
    "dispatch": {
        "summary": "分拨 to a patrol team",
        "value": {
            "action": "dispatch",
            "target": {
                "kind": "patrol_team",
                "id": "0b6f1c52-7a8e-4d1b-9a53-2f0e6c1d9a41",
                "name": "南街义务巡防队",
            },
        },
    },
    "auto": {"summary": "自动分拨", "value": {"action": "dispatch", "target": "auto"}},
    "resolve": {"summary": "办结", "value": {"action": "resolve", "note": "已找回电动车"}},
    "rate": {"summary": "评价", "value": {"action": "rate", "stars": 5, "comment": "很及时"}},
}


class TargetOut(BaseModel):
    """Whom the incident is dispatched to."""

    kind: TargetKind
    id: str | None = None
    name: str | None = None
    area_code: str | None = None


class RatingOut(BaseModel):
    """The reporter's rating of the handling (评价)."""

    stars: int
    comment: str | None = None
    rated_at: datetime


class HandlingOut(BaseModel):
    """How the incident is being handled."""

    target: TargetOut | None = None
    accept_due: datetime
    arrive_due: datetime | None = None
    resolve_due: datetime | None = None
    accepted_at: datetime | None = None
    dispatched_at: datetime | None = None
    started_at: datetime | None = None
    resolved_at: datetime | None = None
    closed_at: datetime | None = None
    supervised: bool = Field(description="督办: flagged by a leader or escalated as overdue")
    escalation_level: int = Field(description="How far up the area tree it was escalated")
    merged_into: uuid.UUID | None = None
    reject_reason: str | None = None
    rating: RatingOut | None = None


class WorkflowIncidentOut(IncidentOut):
    """An incident with its handling and the actions the caller may take now."""

    handling: HandlingOut
    allowed_actions: list[Action]


class TimelineEntryOut(BaseModel):
    """One step of an incident's handling (处置记录)."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    at: datetime
    actor_sub: str
    actor_role: str | None = None
    action: str
    from_status: str | None = None
    to_status: str
    note: str | None = None
    data: dict[str, Any]
