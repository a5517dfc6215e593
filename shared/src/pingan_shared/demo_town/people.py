"""Contacts for every area below the county: a WeCom duty-group robot and one or two people."""

from pingan_shared.demo_town.catalogue import ContactRole
from pingan_shared.demo_town.models import DemoArea, DemoContact
from pingan_shared.demo_town.names import PersonFactory

# Who answers for each level besides the duty group: 综治办 and 派出所 for the town, the
# community police office (社区警务室) and patrol team leader (巡防队长) for a community, the
# village committee and village guard team leader (护村队长) for a village, and the grid
# worker (网格员) for a grid.
PEOPLE_BY_LEVEL: dict[str, tuple[ContactRole, ...]] = {
    "town": ("community_staff", "police_office"),
    "community": ("police_office", "patrol_leader"),
    "village": ("community_staff", "patrol_leader"),
    "grid": ("community_staff",),
}


def duty_robot(area: DemoArea) -> DemoContact:
    """Return the area's duty WeCom group robot (值班群机器人)."""
    return DemoContact(
        area_code=area.code,
        name=f"{area.name}值班群",
        role="duty_robot",
        phone=None,
        wecom_user_id=None,
        wecom_robot_key=f"demo-{area.code}",
    )


def build_contacts(areas: tuple[DemoArea, ...], people: PersonFactory) -> tuple[DemoContact, ...]:
    """Return the duty robot and the people on duty for every area below the county."""
    contacts: list[DemoContact] = []
    for area in areas:
        roles = PEOPLE_BY_LEVEL.get(area.level)
        if roles is None:
            continue
        contacts.append(duty_robot(area))
        for role in roles:
            person = people.person()
            contacts.append(
                DemoContact(
                    area_code=area.code,
                    name=person.name,
                    role=role,
                    phone=person.phone,
                    wecom_user_id=f"demo-{area.code}-{role}",
                    wecom_robot_key=None,
                )
            )
    return tuple(contacts)
