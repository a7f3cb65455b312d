"""Checks on the client's arguments, made before anything is sent, so both transports give
the same answer: a wrong Python type is a TypeError naming the argument; a missing
required value is InvalidInput 22004, as the RPCs say it; JSON null where the column
needs a value is InvalidInput 23502, as PostgREST says it."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any
from uuid import UUID

from .errors import InvalidInput


def ident(field: str, value: Any) -> UUID | str:
    """A row id: a UUID or its text. Text that is not a UUID is refused here, naming the
    field only: PostgreSQL's own uuid parser would quote the value in its error and the
    server log, and the value may be a key passed in the wrong argument."""
    if isinstance(value, UUID):
        return value
    if isinstance(value, str):
        try:
            UUID(value)
        except ValueError:
            raise InvalidInput("22P02", f"{field}: not a UUID") from None
        return value
    raise TypeError(f"{field}: expected a UUID or str, got {type(value).__name__}")


def required_text(field: str, value: Any) -> str:
    if value is None:
        raise InvalidInput("22004", f"{field}: required")
    if not isinstance(value, str):
        raise TypeError(f"{field}: expected str, got {type(value).__name__}")
    return value


def optional_text(field: str, value: Any) -> str | None:
    return None if value is None else required_text(field, value)


def text_list(field: str, value: Any) -> list[str] | None:
    """A list of strings; a lone str is refused (it would be stored letter by letter)."""
    if value is None:
        return None
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        raise TypeError(f"{field}: expected a list of str, got {type(value).__name__}")
    items = list(value)
    for item in items:
        if not isinstance(item, str):
            raise TypeError(f"{field}: every item must be a str, got {type(item).__name__}")
    return items


def json_value(field: str, value: Any, *, allow_null: bool = True) -> Any:
    """A value JSON can carry exactly: dict (str keys), list, str, int, finite float, bool,
    None. Anything else (Decimal, datetime, set...) is a TypeError on both transports,
    never silently stored as its str()."""
    if value is None and not allow_null:
        raise InvalidInput(
            "23502", f"{field}: JSON null cannot be stored (the API turns it into SQL NULL)"
        )
    _check_json(field, value, 0)
    return value


def json_object(field: str, value: Any) -> dict | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise TypeError(f"{field}: expected a dict, got {type(value).__name__}")
    return json_value(field, value)


def _check_json(field: str, value: Any, depth: int) -> None:
    if depth > 500:
        raise InvalidInput("22023", f"{field}: nested deeper than 500 levels")
    if value is None or isinstance(value, str | bool | int):
        return
    if isinstance(value, float):
        if not math.isfinite(value):
            raise InvalidInput("22023", f"{field}: NaN and infinity are not JSON")
        return
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"{field}: JSON object keys must be str, got {type(key).__name__}")
            _check_json(field, item, depth + 1)
        return
    if isinstance(value, list | tuple):
        for item in value:
            _check_json(field, item, depth + 1)
        return
    raise TypeError(f"{field}: a {type(value).__name__} is not a JSON value; convert it first")
