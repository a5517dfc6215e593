"""Checking rows of the area and place imports with a pydantic model, numbered as a spreadsheet
shows them (the header being row 1)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from incidents.imports.progress import Progress
from incidents.imports.service import RowError

Model = TypeVar("Model", bound=BaseModel)


class RowRuleError(ValueError):
    """One field of a row breaks a rule that needs more than the row itself."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def check_rows(
    rows: Iterable[dict[str, Any]],
    model: type[Model],
    rule: Callable[[Model], None],
    progress: Progress,
) -> tuple[list[Model], list[RowError]]:
    """Every row as `model` passing `rule`, or the errors of the rows that are not."""
    good: list[Model] = []
    errors: list[RowError] = []
    for number, row in enumerate(rows, start=2):
        progress.advance()
        try:
            record = model.model_validate(row)
            rule(record)
        except ValidationError as exc:
            errors.extend(
                RowError(number, ".".join(str(p) for p in e["loc"]) or "row", e["msg"])
                for e in exc.errors()
            )
        except RowRuleError as exc:
            errors.append(RowError(number, exc.field, exc.message))
        else:
            good.append(record)
    return good, errors
