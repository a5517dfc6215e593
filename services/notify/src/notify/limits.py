"""Providers' frequency limits, shared by every worker through Redis (发送频率限制).

Each rule is a sliding window: at most `count` sends in any `seconds`, per recipient address (or
per recipient and content, as Tencent counts "same content"). A send is checked against all the
rules of its channel at once, in one Lua script, and counted only when every rule allows it, so
two workers can never both take the last slot. The answer says how long until the window reopens.
"""

from __future__ import annotations

import hashlib
import time
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from redis.asyncio import Redis

from pingan_shared.contracts.messages import Channel


class Scope(StrEnum):
    """What a rule counts sends of."""

    recipient = "recipient"  # one phone, robot, member or openid
    recipient_content = "recipient_content"  # one recipient and the same text


@dataclass(frozen=True, slots=True)
class Rule:
    """At most `count` sends in any `seconds` within `scope`."""

    count: int
    seconds: int
    scope: Scope = Scope.recipient


DEFAULT_RULES: Mapping[Channel, Sequence[Rule]] = {
    # Notifications: same signature, template and number, 50 a rolling day.
    Channel.aliyun_sms: (Rule(50, 86_400),),
    # Same number and content once per 30 s; numbers' daily cap is the account's setting.
    Channel.tencent_sms: (Rule(1, 30, Scope.recipient_content), Rule(10, 86_400)),
    Channel.wecom_robot: (Rule(20, 60),),
    # Per member; WeCom drops the excess silently, so it must never be reached.
    Channel.wecom_app: (Rule(30, 60), Rule(1000, 3600)),
}
"""The providers' documented defaults (PROVIDERS.md); deployments override them in settings."""

# KEYS: one sliding-window sorted set per rule. ARGV: now (ms), a unique member, then each
# rule's count and window (ms). Returns 0 when the send is counted, else ms until a slot frees.
_CHECK_AND_COUNT = """
local now = tonumber(ARGV[1])
local wait = 0
for i, key in ipairs(KEYS) do
  local limit = tonumber(ARGV[1 + 2 * i])
  local window = tonumber(ARGV[2 + 2 * i])
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  if redis.call('ZCARD', key) >= limit then
    local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
    local free_at = tonumber(oldest[2]) + window
    if free_at - now > wait then wait = free_at - now end
  end
end
if wait > 0 then return wait end
for i, key in ipairs(KEYS) do
  redis.call('ZADD', key, now, ARGV[2])
  redis.call('PEXPIRE', key, tonumber(ARGV[2 + 2 * i]))
end
return 0
"""


class RateLimiter:
    """Checks and counts sends against the rules of their channel."""

    def __init__(
        self, redis: Redis, rules: Mapping[Channel, Sequence[Rule]], prefix: str = "pingan:notify"
    ) -> None:
        self.rules = rules
        self.prefix = f"{prefix}:limit"
        self._script = redis.register_script(_CHECK_AND_COUNT)

    async def acquire(self, channel: Channel, address: str, content: str) -> float:
        """Count one send to `address` on `channel`; 0 when allowed, else the seconds to wait
        (nothing is counted then)."""
        rules = self.rules.get(channel, ())
        if not rules:
            return 0.0
        keys: list[str] = []
        argv: list[str | int] = [int(time.time() * 1000), uuid.uuid4().hex]
        who = _digest(address)
        for rule in rules:
            scope = who if rule.scope is Scope.recipient else f"{who}:{_digest(content)}"
            keys.append(f"{self.prefix}:{channel}:{rule.count}/{rule.seconds}:{scope}")
            argv += [rule.count, rule.seconds * 1000]
        wait_ms = int(await self._script(keys=keys, args=argv))
        return wait_ms / 1000


def _digest(text: str) -> str:
    # Keys name no phone or robot key in clear.
    return hashlib.sha256(text.encode()).hexdigest()[:24]
