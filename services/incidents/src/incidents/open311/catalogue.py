"""How the category catalogue reads as Open311 services: a group and an English description
beside the Chinese name. A category added later without an entry here falls in group 其他."""

from __future__ import annotations

from incidents.open311.schemas import Service

PROPERTY = "侵财 property crime"
ORDER = "治安秩序 public order"
SAFETY = "安全隐患 safety hazards"
OTHER = "其他 other"

# code → (group, English description)
SERVICES: dict[str, tuple[str, str]] = {
    "theft": (PROPERTY, "Theft"),
    "burglary": (PROPERTY, "Burglary: a break-in at a home or premises"),
    "robbery": (PROPERTY, "Robbery or snatching"),
    "fraud": (PROPERTY, "Fraud, in person, by phone or online"),
    "fight": (ORDER, "Fight or brawl"),
    "dispute": (ORDER, "Dispute between neighbours, families or parties"),
    "harassment": (ORDER, "Harassment or provocation"),
    "drugs": (ORDER, "Drug use or dealing"),
    "gambling": (ORDER, "Gambling"),
    "public_order": (ORDER, "Disturbing public order"),
    "traffic": (SAFETY, "Traffic accident"),
    "fire_hazard": (SAFETY, "Fire hazard"),
    "other": (OTHER, "Anything else that harms public order"),
}


def service_of(code: str, name: str) -> Service:
    """A category as an Open311 service: realtime (the id comes back at once), no metadata."""
    group, english = SERVICES.get(code, (OTHER, name))
    return Service(
        service_code=code,
        service_name=name,
        description=f"{name}: {english}",
        metadata=False,
        type="realtime",
        keywords=f"{code}, {english.split(':')[0].lower()}",
        group=group,
    )
