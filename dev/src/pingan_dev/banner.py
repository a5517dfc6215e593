"""What `make run` prints once everything is up: the URLs and ready-to-paste demo tokens."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from assessment.demo import demo_unit_id as unit_id_of
from pingan_dev.stack import SERVICES, service_port
from pingan_shared.demo_town import build_demo_town

COUNTY = "530128"  # the demo county (禄劝县)
COMMUNITY = "530128100001"  # a street community of its county seat town (屏山镇)


def demo_unit_id() -> str:
    """The id of the demo unit whose contact the `unit` token speaks for: the first unit of the
    demo town inside the demo community, with the id the assessment demo loader gives it."""
    unit = next(u for u in build_demo_town().units if u.area_code.startswith(COMMUNITY))
    return str(unit_id_of(unit.key))


@dataclass(frozen=True)
class DemoPrincipal:
    """A demo identity: one role, the areas it may act in, and its unit for unit contacts."""

    role: str
    name: str
    areas: tuple[str, ...]
    speaks_for_a_unit: bool = False


DEMO_PRINCIPALS = (
    DemoPrincipal("admin", "Demo administrator (综治办管理员)", (COUNTY,)),
    DemoPrincipal("leader", "Demo town leader (镇领导)", (COUNTY,)),
    DemoPrincipal("police", "Demo community police officer (社区民警)", (COMMUNITY,)),
    DemoPrincipal("community", "Demo community staff (社区工作人员)", (COMMUNITY,)),
    DemoPrincipal("patrol", "Demo patrol team member (巡防队员)", (COMMUNITY,)),
    DemoPrincipal("inspector", "Demo inspector (考核检查员)", (COUNTY,)),
    DemoPrincipal("unit", "Demo unit contact (单位联络人)", (COMMUNITY,), speaks_for_a_unit=True),
    DemoPrincipal("service", "Demo county system (县级系统)", (COUNTY,)),
)


def jwt_secret(env: Mapping[str, str]) -> str:
    """The secret the services sign with: PINGAN_JWT_SECRET, else the development default."""
    configured = env.get("PINGAN_JWT_SECRET")
    if configured:
        return configured
    from pingan_shared.settings import DEV_JWT_SECRET

    return DEV_JWT_SECRET


def demo_tokens(env: Mapping[str, str]) -> dict[str, str]:
    """A signed token for each demo role, valid for 24 hours."""
    from pingan_shared.tokens import mint_token

    secret = jwt_secret(env)
    return {
        principal.role: mint_token(
            subject=f"demo-{principal.role}",
            roles=[principal.role],
            areas=list(principal.areas),
            name=principal.name,
            unit_id=demo_unit_id() if principal.speaks_for_a_unit else None,
            ttl_seconds=86400,
            secret=secret,
        )
        for principal in DEMO_PRINCIPALS
    }


def token_variable(role: str) -> str:
    """The shell variable the banner exports a role's token as."""
    return f"PINGAN_TOKEN_{role.upper()}"


def banner(env: Mapping[str, str], startup_seconds: float) -> str:
    """The text shown when every API is healthy."""
    lines = [
        "",
        f"Pingan (平安) is up — started in {startup_seconds:.1f} s. Ctrl-C stops everything.",
        "",
    ]
    for service in SERVICES:
        base = f"http://127.0.0.1:{service_port(service, env)}"
        lines.append(f"  {service:<11} {base:<24} API docs: {base}/docs")
    lines.append("")
    try:
        tokens = demo_tokens(env)
    except ImportError as error:
        lines.append(f"  (no demo tokens: {error})")
        return "\n".join([*lines, ""])
    first = f"http://127.0.0.1:{service_port(SERVICES[0], env)}"
    lines.append("Demo tokens (演示令牌), valid 24 h — paste these lines into a shell:")
    lines.extend(f"export {token_variable(role)}='{token}'" for role, token in tokens.items())
    lines.append("")
    lines.append("Then, for example:")
    lines.append(f'  curl -H "Authorization: Bearer ${token_variable("police")}" {first}/v1/areas')
    lines.append("")
    return "\n".join(lines)
