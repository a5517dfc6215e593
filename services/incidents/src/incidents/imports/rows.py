"""Checking imported rows with a pydantic model; rows come numbered as a spreadsheet shows them
(the header being row 1), and so do their errors."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from pingan_shared.spreadsheets import Progress, RowError

Model = TypeVar("Model", bound=BaseModel)


class RowRuleError(ValueError):
    """One field of a row breaks a rule that needs more than the row itself."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def validation_errors(number: int, exc: ValidationError) -> list[RowError]:
    """Row `number`'s errors, one for each field the model refused (dotted path, or `row`)."""
    return [
        RowError(number, ".".join(str(p) for p in e["loc"]) or "row", e["msg"])
        for e in exc.errors()
    ]


def check_rows(
    rows: Iterable[tuple[int, dict[str, Any]]],
    model: type[Model],
    rule: Callable[[Model], None],
    progress: Progress,
) -> tuple[list[Model], list[RowError]]:
    """Every (row number, row) as `model` passing `rule`, or the errors of the rows that are
    not."""
    good: list[Model] = []
    errors: list[RowError] = []
    for number, row in rows:
        progress.advance()
        try:
            record = model.model_validate(row)
            rule(record)
        except ValidationError as exc:
            errors.extend(validation_errors(number, exc))
        except RowRuleError as exc:
            errors.append(RowError(number, exc.field, exc.message))
        else:
            good.append(record)
    return good, errors
