"""How addresses are shown: phones masked, group-robot keys as a short fingerprint.

A robot key is a credential (whoever holds it can post to the group), so only its fingerprint
ever appears in an answer or a log line.
"""

from __future__ import annotations

import hashlib

from pingan_shared.contracts.messages import Recipient
from pingan_shared.observability import mask_phones


def key_fingerprint(key: str) -> str:
    """A short, stable name for a robot key that does not reveal it."""
    return "robot-key:" + hashlib.sha256(key.encode()).hexdigest()[:8]


def display_address(recipient: Recipient, address: str) -> str:
    """`address` of `recipient` as answers and logs may show it."""
    if address == recipient.wecom_robot_key:
        return key_fingerprint(address)
    return mask_phones(address)
