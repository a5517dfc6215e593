"""Named parameters for hand-written SQL."""

from __future__ import annotations

import pytest

from pingan_shared.sql import NamedSql


def test_names_are_numbered_in_order_of_first_use() -> None:
    statement = NamedSql("SELECT :b::int, :a, :b FROM t WHERE c = :a_c")
    assert statement.text == "SELECT $1::int, $2, $1 FROM t WHERE c = $3"
    assert statement.names == ("b", "a", "a_c")
    assert statement.args({"a": 1}, b=2, a_c=3) == [2, 1, 3]


def test_casts_and_colons_inside_literals_are_left_alone() -> None:
    statement = NamedSql("SELECT x::text, 'pingan:incidents', '22:00', now()::date")
    assert statement.text == "SELECT x::text, 'pingan:incidents', '22:00', now()::date"
    assert statement.names == ()


def test_extra_values_are_ignored_and_missing_ones_named() -> None:
    statement = NamedSql("SELECT :a, :b")
    assert statement.args(a=1, b=2, c=3) == [1, 2]
    with pytest.raises(KeyError, match="b"):
        statement.args(a=1)
