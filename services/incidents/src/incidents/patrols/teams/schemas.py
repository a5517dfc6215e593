"""API shapes of patrol teams and their members."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from incidents.intake.schemas import AREA_CODE, CHINESE_MOBILE
from incidents.patrols.models import TeamKind

WECOM_USER_ID = r"^[A-Za-z0-9_.@-]{1,64}$"


class MemberCreate(BaseModel):
    """A volunteer (队员). `subject` is the `sub` of their patrol token: it links the token to
    the member, so they may log patrols for this team."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=100, examples=["李建国"])
    phone: str = Field(pattern=CHINESE_MOBILE, examples=["13812345678"])
    wecom_user_id: str | None = Field(default=None, pattern=WECOM_USER_ID)
    subject: str | None = Field(default=None, min_length=1, max_length=200)
    active: bool = True


class TeamMemberCreate(MemberCreate):
    """A member given with a new team; at most one is its `leader` (队长)."""

    leader: bool = False


class TeamCreate(BaseModel):
    """A patrol team (义务巡防队) or village guard team (义务护村队)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "name": "南街社区义务巡防队",
                    "kind": "patrol_team",
                    "area_code": "530128100001",
                    "members": [
                        {"name": "李建国", "phone": "13812345678", "leader": True},
                        {"name": "王芳", "phone": "13912345678"},
                    ],
                }
            ]
        },
    )

    name: str = Field(min_length=1, max_length=100)
    kind: TeamKind
    area_code: str = Field(pattern=AREA_CODE)
    active: bool = True
    members: list[TeamMemberCreate] = Field(default_factory=list, max_length=200)

    @model_validator(mode="after")
    def _one_leader(self) -> Self:
        if sum(m.leader for m in self.members) > 1:
            raise ValueError("at most one member is the leader")
        return self


class TeamUpdate(BaseModel):
    """Changes to a team; `leader_id: null` removes the leader."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, min_length=1, max_length=100)
    leader_id: uuid.UUID | None = None
    active: bool | None = None


class MemberUpdate(BaseModel):
    """Changes to a member; `wecom_user_id` or `subject` set to null are removed."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, min_length=1, max_length=100)
    phone: str | None = Field(default=None, pattern=CHINESE_MOBILE)
    wecom_user_id: str | None = Field(default=None, pattern=WECOM_USER_ID)
    subject: str | None = Field(default=None, min_length=1, max_length=200)
    active: bool | None = None


class MemberOut(BaseModel):
    """A member as the caller may see them; the phone is masked for leaders and systems."""

    id: uuid.UUID
    team_id: uuid.UUID
    name: str
    phone: str
    wecom_user_id: str | None = None
    subject: str | None = None
    leader: bool
    active: bool
    version: int


class TeamOut(BaseModel):
    """A team with its members."""

    id: uuid.UUID
    name: str
    kind: TeamKind
    area_code: str
    leader_id: uuid.UUID | None = None
    active: bool
    version: int
    created_at: datetime
    members: list[MemberOut]
