"""Digests (汇总通知): routine messages to one recipient beyond a frequency limit go out later as
one message listing them all, instead of being dropped."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from notify.channels.base import Outgoing
from notify.templates import Rendered

MAX_LINE = 120


def digest_text(texts: Sequence[str]) -> str:
    """The digest's text: a count and one line per message, each cut visibly if long."""
    lines = [f"【平安】您有 {len(texts)} 条通知:"]
    for number, text in enumerate(texts, start=1):
        line = " ".join(text.split())
        lines.append(f"{number}. {line[:MAX_LINE]}{'…' if len(line) > MAX_LINE else ''}")
    return "\n".join(lines)


def digest_content(carrier: Outgoing, texts: Sequence[str]) -> Outgoing:
    """`carrier` re-addressed to carry the digest of `texts` (as free text)."""
    text = digest_text(texts)
    markdown = text.replace("\n", "\n> ", 1) if len(texts) > 1 else text
    return replace(
        carrier,
        content=Rendered(markdown=markdown, text=text),
        template="generic_text",
        params={"text": text},
    )
