"""Hand-written SQL with named parameters, for the hot paths that talk to asyncpg directly.

asyncpg takes `$1, $2 …`; a statement assembled from fragments is easier to read, and to keep
right, with `:name` placeholders. `NamedSql` numbers them once, at import time, and orders the
arguments of each call by name:

    FIND = NamedSql("SELECT id FROM incidents WHERE area_code = :area AND category = :category")
    rows = await conn.fetch(FIND.text, *FIND.args(area="530128", category="theft"))

A name may appear several times (it is one parameter); `::type` casts and `'a:b'` literals
(a colon after a letter or digit) are left alone.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

_PLACEHOLDER = re.compile(r"(?<![:\w]):([a-z_][a-z0-9_]*)")


class NamedSql:
    """A statement whose `:name` placeholders are numbered for the driver."""

    __slots__ = ("names", "text")

    def __init__(self, text: str) -> None:
        names: list[str] = []

        def number(match: re.Match[str]) -> str:
            name = match.group(1)
            if name not in names:
                names.append(name)
            return f"${names.index(name) + 1}"

        self.text = _PLACEHOLDER.sub(number, text)
        self.names = tuple(names)

    def args(self, values: Mapping[str, Any] | None = None, /, **more: Any) -> list[Any]:
        """The arguments in parameter order; KeyError names a parameter left without a value."""
        given = {**(values or {}), **more}
        missing = [name for name in self.names if name not in given]
        if missing:
            raise KeyError(f"no value for the parameters {', '.join(missing)}")
        return [given[name] for name in self.names]
